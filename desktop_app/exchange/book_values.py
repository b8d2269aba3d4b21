"""The values of an exchange workbook checked as the forms check them, table by table.

Every row of the book — a copy into a new database or a merge — goes through the rules of
services/validation.py (COLUMN_RULES, ROW_RULES: dates, ages, years, e-mails, names, bounded
numbers, an end not before its start), a chunk of rows at a time and column by column (a column
whose least and greatest value fit needs no value looked at; a table without rules costs
nothing). A record code («Код записи») and a unique column are not repeated. A constraint of the
database that a book still breaks is said in Russian with its table, never in the database's
words (SQLite's message, PostgreSQL's SQLSTATE and diagnostics).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import Integer, Table, UniqueConstraint
from sqlalchemy.exc import DBAPIError

from desktop_app.exchange.book_spec import Block, Row
from desktop_app.exchange.cells import as_text
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.result import SheetOutcome
from desktop_app.exchange.schema import INFO_SHEET, SHEETS, column_title
from desktop_app.services import validation

CHECK_ROWS = 5000  # rows of a table whose values are checked together, column by column
LEARNING = ("instruments", "instrument_items")  # the answers' scales are learnt from their rows


def chunks(rows: Iterable[Row], size: int = CHECK_ROWS) -> Iterator[list[Row]]:
    """The rows in lists of size (the last one shorter), read as they are taken."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def where(table: str, letters: dict[str, str], name: str) -> str:
    """«C (Дата рождения)»: the column's letter on the sheet and its title."""
    return f"{letters.get(name, '—')} ({column_title(table, name)})"


class ValueChecks:
    """The value rules of one table applied to its rows (check(), a chunk at a time). Every
    refused value is listed at once at its sheet, row and column; one refusal a cell. The
    instruments and their items read pass their scales on to the answers (read later)."""

    def __init__(self, table: Table, carried: Sequence[Any], outcome: SheetOutcome,
                 letters: dict[str, str], scales: validation.Scales, on: date) -> None:
        whole = [c.name for c in carried if isinstance(c.type, Integer)]
        columns, rows = validation.table_rules(table.name, whole)
        names = {c.name for c in carried}
        self.columns = {n: r for n, r in columns.items() if n in names}
        self.rows = tuple(r for r in rows if {r.column, *r.needs} <= names)
        read = {n for r in self.rows for n in (r.column, *r.needs)}
        self.reads = sorted(set(self.columns) | read)
        self.table, self.outcome, self.letters = table.name, outcome, letters
        self.scales, self.on = scales, on

    def check(self, chunk: list[Row]) -> bool:
        """List every refused value of the chunk; True when there was one."""
        self._learn(chunk)
        if not self.reads:
            return False
        values = {name: [row.get(name) for _number, row in chunk] for name in self.reads}
        return self._columns([number for number, _row in chunk], values)

    def check_block(self, block: Block) -> bool:
        """check() of a block's rows, its columns taken at once (the block holds every column
        of its table)."""
        if self.table in LEARNING:
            return self.check(list(block.rows()))
        if not self.reads:
            return False
        return self._columns(block.numbers, block.columns)

    def _columns(self, numbers: Sequence[int], values: Mapping[str, Sequence[Any]]) -> bool:
        """The rules applied to the rows numbered numbers, given column by column."""
        refused: set[tuple[int, str]] = set()
        for name, rule in self.columns.items():
            for i, reason in rule.problems(values[name], self.on):
                refused.add((i, name))
                self._refuse(numbers[i], name, values[name][i], reason)
        for row_rule in self.rows:
            for i, reason in row_rule.problems(values, self.on, self.scales):
                read = (row_rule.column, *row_rule.needs)  # a refused value judges no other
                if not any((i, name) in refused for name in read):
                    refused.add((i, row_rule.column))
                    self._refuse(numbers[i], row_rule.column, values[row_rule.column][i],
                                 reason)
        return bool(refused)

    def _refuse(self, number: int, name: str, value: Any, reason: str) -> None:
        self.outcome.refuse(number, where(self.table, self.letters, name), as_text(value),
                            reason)

    def _learn(self, chunk: list[Row]) -> None:
        """The scales of the instruments and the instrument of each item, for the answers
        (LEARNING: the tables they are learnt from)."""
        if self.table == "instruments":
            for _number, row in chunk:
                low, high = row.get("scale_min"), row.get("scale_max")
                if isinstance(low, int) and isinstance(high, int):
                    self.scales.instruments[row.get("id")] = (low, high)
        elif self.table == "instrument_items":
            for _number, row in chunk:
                self.scales.items[row.get("id")] = row.get("instrument_id")


def unique_keys(table: Table, carried: Sequence[str]) -> list[tuple[str, ...]]:
    """The columns whose values the rows of a table do not repeat: its primary key when it is
    one column («Код записи»), then its unique constraints and indexes over carried columns (the
    people's key of derived columns is checked by the duplicate-person check)."""
    keys: list[tuple[str, ...]] = []
    primary = tuple(c.name for c in table.primary_key.columns)
    if len(primary) == 1:
        keys.append(primary)
    found = [tuple(c.name for c in u.columns) for u in table.constraints
             if isinstance(u, UniqueConstraint)]
    found += [tuple(c.name for c in i.columns) for i in table.indexes if i.unique]
    for names in found:
        if names and set(names) <= set(carried) and names not in keys:
            keys.append(names)
    return keys


class UniqueRows:
    """Rows that repeat a record code or a unique value: the later row refused, naming the
    earlier one. first(name) gives a one-column key's values seen (and their rows) — the record
    codes other sheets refer to."""

    def __init__(self, table: Table, keys: list[tuple[str, ...]], outcome: SheetOutcome,
                 letters: dict[str, str]) -> None:
        self.table, self.outcome, self.letters = table.name, outcome, letters
        self.primary = tuple(c.name for c in table.primary_key.columns)
        self.seen: list[tuple[tuple[str, ...], dict[Any, int]]] = [(k, {}) for k in keys]
        self.found = False

    def first(self, name: str) -> dict[Any, int] | None:
        return next((seen for key, seen in self.seen if key == (name,)), None)

    def row(self, number: int, values: dict[str, Any]) -> None:
        for key, seen in self.seen:
            value = values.get(key[0]) if len(key) == 1 else tuple(values.get(n) for n in key)
            if value is None or (len(key) > 1 and None in value):
                continue
            first = seen.setdefault(value, number)
            if first != number:
                self._refuse(key, number, first, value)

    def _refuse(self, key: tuple[str, ...], number: int, first: int, value: Any) -> None:
        self.found = True
        sheet, row = self.outcome.locate(number)
        first_sheet, first_row = self.outcome.locate(first)
        at = f"строке {first_row}" if first_sheet == sheet else \
            f"строке {first_row} листа «{first_sheet}»"
        shown = as_text(value) if len(key) == 1 else ", ".join(f"«{as_text(v)}»" for v in value)
        if key == self.primary and key == ("id",):
            reason = f"код записи {shown} уже есть в {at}: у каждой записи свой код"
        elif len(key) == 1:
            reason = (f"«{shown}» уже есть в {at}: значения столбца "
                      f"«{column_title(self.table, key[0])}» не повторяются")
        else:
            titles = ", ".join(f"«{column_title(self.table, n)}»" for n in key)
            reason = (f"то же сочетание {titles} ({shown}) уже есть в {at}: оно не "
                      "повторяется")
        first_value = value[0] if isinstance(value, tuple) else value
        self.outcome.fatal.append(RowError(sheet, row, where(self.table, self.letters, key[0]),
                                           as_text(first_value), reason))


# the database's own constraints, said in Russian -----------------------------------------------
_FAILED = re.compile(r"^(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?::\s*(.*))?$")
_STATEMENT = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
                        re.IGNORECASE)
_DERIVED_TABLES = {"session_area_scores": "средние баллы по областям (из ответов диагностик)"}
# PostgreSQL's refusals by their SQLSTATE (its words follow the server's language: never read)
_SERVER_KINDS = {"23505": "UNIQUE", "23502": "NOT NULL", "23503": "FOREIGN KEY",
                 "23514": "CHECK", "22001": "TOO LONG", "22003": "OUT OF RANGE"}
# «Key (session_id, item_id)=(1, 2) already exists», «Ключ "(person_id)=(77)" отсутствует …»
_SERVER_KEY = re.compile(r'\(([\w", ]+)\)=\(')


def integrity_refusal(exc: DBAPIError, table: str | None = None) -> RowError:
    """What a constraint of the database that a book's rows broke means, in Russian, at the
    table's sheet (the table: named by SQLite, by the statement, else the one being written)."""
    match = _FAILED.match(str(exc.orig).strip())
    kind, detail = (match.group(1), match.group(2) or "") if match else ("", "")
    columns = [part.strip().split(".", 1) for part in detail.split(",") if "." in part]
    server = _server_failure(exc)
    if server is not None:
        kind, columns = server
    statement = _STATEMENT.match(exc.statement or "")
    table = columns[0][0] if columns else statement.group(1) if statement else table
    names = ", ".join(f"«{_title(table or '', c)}»" for t, c in columns if t == table)
    reason = {
        "UNIQUE": f"значения {names} повторяются в двух строках, а повторяться не могут",
        "NOT NULL": f"не заполнен обязательный столбец {names}",
        "FOREIGN KEY": "ссылка на запись, которой нет в книге",
        "CHECK": "значение не подходит для этой таблицы",
        "TOO LONG": "текст длиннее, чем помещается в столбец базы",
        "OUT OF RANGE": "число вне диапазона, который хранит столбец базы",
    }.get(kind, "данные противоречат друг другу")
    sheet = SHEETS.get(table or "", INFO_SHEET)
    label = f"лист «{sheet}»" if table in SHEETS else _DERIVED_TABLES.get(
        table or "", f"таблица {table}")
    where = f" — {label}" if table else ""
    return RowError(sheet, 1, "—", "", f"книга не записана{where}: {reason}; исправьте книгу "
                    "или выгрузите её заново из исходной базы")


def _server_failure(exc: DBAPIError) -> tuple[str, list[list[str]]] | None:
    """A PostgreSQL refusal (psycopg, psycopg2): its kind by SQLSTATE and its [table, column]
    pairs by the diagnostics (the column of a NOT NULL, the key of a UNIQUE or a reference)."""
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    kind = _SERVER_KINDS.get(str(state))
    if kind is None:
        return None
    diag = getattr(orig, "diag", None)
    table = getattr(diag, "table_name", None)
    if not table:
        return kind, []
    column = getattr(diag, "column_name", None)
    key = _SERVER_KEY.search(getattr(diag, "message_detail", None) or "")
    names = [column] if column else [] if key is None else [
        n.strip().strip('"') for n in key.group(1).split(",")]
    return kind, [[table, n] for n in names if n]


def dangling_refusal(table: str, parent: str, count: int) -> RowError:
    """Rows of a table whose reference leads to no record of the table it refers to."""
    sheet = SHEETS.get(table, INFO_SHEET)
    return RowError(sheet, 1, "—", "", (
        f"книга не записана — лист «{sheet}»: ссылка на запись, которой нет на листе "
        f"«{SHEETS.get(parent, parent)}» (строк с такой ссылкой: {count}); исправьте книгу или "
        "выгрузите её заново из исходной базы"))


def _title(table: str, name: str) -> str:
    try:
        return column_title(table, name)
    except KeyError:
        return name
