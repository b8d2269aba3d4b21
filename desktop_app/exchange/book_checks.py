"""The checks across an exchange workbook's tables, made as workbook.import_exchange reads the
rows, parents first: each value by the rules of the forms (book_values.py), each reference to a
record of the book itself (a reference to a table read later held until it is read), a record
code or a unique value not repeated, one person not on two rows, and — for a PostgreSQL
database, which holds a text to its column's length and an integer to 32 bits where SQLite holds
any — every value within its column; their refusals listed column by column once a table is
read.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Table

from desktop_app.exchange.book_spec import Block, Row, Rows, carried_columns, exchange_tables
from desktop_app.exchange.book_values import (
    CHECK_ROWS,
    UniqueRows,
    ValueChecks,
    chunks,
    unique_keys,
    where,
)
from desktop_app.exchange.cells import grouped, shown
from desktop_app.exchange.merge import DuplicatePeople
from desktop_app.exchange.result import SheetOutcome
from desktop_app.exchange.schema import column_title, sheet_title
from desktop_app.services import validation

INTEGER_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's INTEGER
# a column's reference check: (column, the values referred to — None: read later —, where its
# refusals go, whether it may be empty, the table referred to)
_Reference = tuple[str, Container[Any] | None, list[Any], bool, str]


class _Checks:
    """The checks across the book's tables, made as the rows are read, parents first: every
    value by the rules of the forms (book_values.py, services/validation.py, on the day on),
    every reference names a record of the book itself (ids are the book's, not a database's),
    a record code or a unique value is not repeated, one person is not on two rows. Only the
    ids of the referenced tables (and the scales of the instruments) are kept. server: the
    database is PostgreSQL (its columns' limits checked too)."""

    def __init__(self, on: date | None = None, server: bool = False) -> None:
        self.on = on or date.today()
        self.server = server
        self.scales = validation.Scales()  # the instruments' scales, for the answers' scores
        self.referred: dict[str, set[str]] = {}  # table → its columns other tables refer to
        for t in exchange_tables():
            for c in carried_columns(t):
                for fk in c.foreign_keys:
                    self.referred.setdefault(fk.column.table.name, set()).add(fk.column.name)
        # (table, column) → the book's values (a record code's: with its row)
        self.ids: dict[tuple[str, str], Container[Any]] = {}
        self.later: list[_TableChecks] = []  # tables referring to a table read after them
        self.found = False  # a refusal found that its table lists when it is read through

    def table(self, table: Table, outcome: SheetOutcome, letters: dict[str, str]
              ) -> _TableChecks:
        return _TableChecks(self, table, outcome, letters)

    def known(self, table: str, column: str) -> Container[Any] | None:
        """The values of a column of a table read already (None: not read yet)."""
        return self.ids.get((table, column))

    def finish(self) -> None:
        """The references to tables read later (organisations.curator_id → people)."""
        for checks in self.later:
            checks.finish(late=True)


class _TableChecks:
    """The checks of one table's rows (see _Checks); their refusals are listed, column by
    column, once the table is read (the cells' own refusals come first, as they are found)."""

    def __init__(self, book: _Checks, table: Table, outcome: SheetOutcome,
                 letters: dict[str, str]) -> None:
        self.book, self.table, self.outcome, self.letters = book, table, outcome, letters
        self.columns = [(c, fk.column.table.name, fk.column.name)
                        for c in carried_columns(table) for fk in list(c.foreign_keys)[:1]]
        self.bad: dict[str, list[tuple[int, str, str]]] = {c.name: [] for c, _t, _n in self.columns}
        self.held: dict[str, list[tuple[int, Any]]] = {}  # references to tables read later
        self.keep = book.referred.get(table.name, set())
        self.people = DuplicatePeople(outcome) if table.name == "people" else None
        carried = carried_columns(table)
        self.values = ValueChecks(table, carried, outcome, letters, book.scales, book.on)
        self.unique = UniqueRows(table, unique_keys(table, [c.name for c in carried]), outcome,
                                 letters)
        self.limits = _server_limits(carried) if book.server else []

    def rows(self, rows: Iterable[Rows]) -> Iterator[Rows]:
        """The rows passed on as they are checked, CHECK_ROWS at a time; a Block is checked
        column by column and passed on whole when no check needs its rows one by one (the
        answers), else as its rows."""
        checks: list[_Reference] = []
        for column, target, name in self.columns:
            known = self.book.known(target, name)
            if known is None:
                held: list[tuple[int, Any]] = []
                self.held[column.name] = held
                checks.append((column.name, None, held, column.nullable, target))
            else:
                checks.append((column.name, known, self.bad[column.name], column.nullable,
                               target))
        kept: dict[str, set[Any]] = {}
        for name in self.keep:  # a record code's values are kept by the check of repeats
            first = self.unique.first(name)
            self.book.ids[(self.table.name, name)] = (
                first if first is not None else kept.setdefault(name, set()))
        people = self.people
        unique = self.unique if self.unique.seen else None  # answers, links: no record code
        each_row = bool(kept) or unique is not None or people is not None or bool(self.limits)
        for chunk in chunks(_spread(rows)) if each_row else _chunked(rows):
            if isinstance(chunk, Block):  # the 1,6 million answers of a region: no row a dict
                self._block(chunk, checks)
                yield chunk
                continue
            self._chunk(chunk, checks)
            if not each_row:
                yield from chunk
                continue
            for number, values in chunk:
                for name, found in kept.items():
                    found.add(values.get(name))
                if unique is not None:
                    unique.row(number, values)
                if people is not None:
                    people.row(number, values)
                yield number, values
        if self.unique.found or (people is not None and people.found):
            self.book.found = True
        if self.held:
            self.book.later.append(self)

    def _chunk(self, chunk: list[Row], checks: list[_Reference]) -> None:
        if self.values.check(chunk) or (self.limits and self._beyond_limits(chunk)):
            self.book.found = True
        numbers = [number for number, _values in chunk]
        for name, known, bad, nullable, target in checks:
            self._references(numbers, [values.get(name) for _number, values in chunk], known,
                             bad, nullable, target)

    def _block(self, block: Block, checks: list[_Reference]) -> None:
        if self.values.check_block(block):
            self.book.found = True
        columns = block.columns
        for name, known, bad, nullable, target in checks:
            self._references(block.numbers, columns[name], known, bad, nullable, target)

    def _references(self, numbers: Sequence[int], column: Sequence[Any],
                    known: Container[Any] | None, bad: list[Any], nullable: bool, target: str
                    ) -> None:
        """A column's references of a chunk of rows (numbered numbers) checked (known None: the
        table referred to is read later, the values held): a chunk whose values are all known
        is passed at once, else each row's refusal listed in the order of the rows."""
        if known is None:
            bad.extend(zip(numbers, column, strict=True))
            return
        present = set(column)
        if (nullable or None not in present) and all(map(known.__contains__,
                                                         present - {None})):
            return
        for number, value in zip(numbers, column, strict=True):
            if value is None:
                if not nullable:
                    bad.append((number, "", "обязательное значение не заполнено"))
                    self.book.found = True
            elif value not in known:
                bad.append((number, str(value), _unknown(target, value)))
                self.book.found = True

    def _beyond_limits(self, chunk: list[Row]) -> bool:
        """Refuse each value the server's column cannot hold; True when there was one."""
        found = False
        for number, values in chunk:
            for name, length in self.limits:
                reason = _beyond(values.get(name), length)
                if reason:
                    found = True
                    self.outcome.refuse(number, where(self.table.name, self.letters, name),
                                        shown(values.get(name)), reason)
        return found

    def finish(self, late: bool = False) -> None:
        """List the refusals found (late: those of references to tables read after this one)."""
        for column, target, name in self.columns:
            if late != (column.name in self.held):
                continue
            if late:
                self._late(column, target, name)
            where = f"{self.letters.get(column.name, '—')} (" \
                    f"{column_title(self.table.name, column.name)})"
            for number, value, reason in self.bad[column.name]:
                self.outcome.refuse(number, where, value, reason)
        if not late and self.people is not None:
            self.outcome.fatal.extend(self.people.found)

    def _late(self, column: Any, target: str, name: str) -> None:
        known: Container[Any] = self.book.known(target, name) or set()
        bad = self.bad[column.name]
        for number, value in self.held[column.name]:
            if value is None:
                if not column.nullable:
                    bad.append((number, "", "обязательное значение не заполнено"))
            elif value not in known:
                bad.append((number, str(value), _unknown(target, value)))


def _chunked(rows: Iterable[Rows]) -> Iterator[list[Row] | Block]:
    """The rows in lists of CHECK_ROWS (as chunks()), a Block on its own: the rows before it
    first."""
    chunk: list[Row] = []
    for item in rows:
        if isinstance(item, Block):
            if chunk:
                yield chunk
                chunk = []
            yield item
            continue
        chunk.append(item)
        if len(chunk) >= CHECK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _spread(rows: Iterable[Rows]) -> Iterator[Row]:
    """The rows, a Block's taken one by one."""
    for item in rows:
        if isinstance(item, Block):
            yield from item.rows()
        else:
            yield item


def _server_limits(carried: list[Any]) -> list[tuple[str, int | None]]:
    """(column, its length) of the texts of a bounded length, (column, None) of the integers:
    what a PostgreSQL column holds and SQLite's does not bound."""
    limits: list[tuple[str, int | None]] = []
    for column in carried:
        kind = column.type
        if isinstance(kind, String) and kind.length:
            limits.append((column.name, kind.length))
        elif isinstance(kind, Integer) and not isinstance(kind, BigInteger):
            limits.append((column.name, None))
    return limits


def _beyond(value: Any, length: int | None) -> str:
    """Why a PostgreSQL column cannot hold the value ("" when it can)."""
    if length is not None:
        if value.__class__ is str and len(value) > length:
            return (f"текст из {grouped(len(value))} знаков, а в этом столбце базы PostgreSQL "
                    f"помещается не больше {grouped(length)}: сократите его")
        return ""
    low, high = INTEGER_RANGE
    if value.__class__ is int and not low <= value <= high:
        return (f"число больше, чем хранит этот столбец базы PostgreSQL (от {grouped(low)} до "
                f"{grouped(high)})")
    return ""


def _unknown(target: str, value: Any) -> str:
    return (f"ссылка на запись, которой нет в книге: на листе «{sheet_title(target)}» нет "
            f"записи с кодом {value}")
