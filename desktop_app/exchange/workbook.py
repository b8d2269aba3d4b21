"""The exchange workbook: every table on its own sheet, Russian headers, a format version.

This module holds the two entries — export_all (the database written to a book, each table
over as many sheets as it needs) and import_exchange (a book read into a new database as its
copy, or merged into one with data) — with the sizes the tests lower (SHEET_ROW_LIMIT,
WRITE_ROWS) and the sinks of the rows read (_Copy writes them as they come, _Collect keeps
them for merge.py). What a book is made of is in book_spec.py, the writing of its sheets in
book_writer.py, the reading of its sheets in book_reader.py, the checks across its tables in
book_checks.py, what a copy on a PostgreSQL server needs besides in book_copy.py; the names
callers take from here are re-exported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from desktop_app.exchange.book_checks import _Checks as _Checks
from desktop_app.exchange.book_copy import (
    LATE_VALUE,
    HeldIndexes,
    LateReferences,
    dangling,
    filling,
    later_columns,
    move_sequences,
)
from desktop_app.exchange.book_reader import (
    _check_version,
    _count_refusal,
    _listed_tables,
    _read_table,
    _table_sheets,
    is_exchange_workbook as is_exchange_workbook,
)
from desktop_app.exchange.book_spec import (
    DATETIME_TEXT as DATETIME_TEXT,
    FETCH_ROWS as FETCH_ROWS,
    INFO_HEADER as INFO_HEADER,
    UNKNOWN_TEXT as UNKNOWN_TEXT,
    Block,
    Progress as Progress,
    Row as Row,
    Rows,
    _Ticker,
    carried_columns as carried_columns,
    exchange_tables as exchange_tables,
)
from desktop_app.exchange.book_values import dangling_refusal, integrity_refusal
from desktop_app.exchange.book_writer import write_book
from desktop_app.exchange.merge import merge_book
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.result import ADDED, ImportResult, SheetOutcome
from desktop_app.exchange.schema import (
    INFO_SHEET as INFO_SHEET,
    REGISTRY_TABLES,
    column_title as column_title,
    sheet_title as sheet_title,
)
from desktop_app.model import Base, ChangeLog
from desktop_app.services import changelog, municipalities
from desktop_app.services.diagnostics import store_area_scores
from desktop_app.store.bulk import insert_rows
from desktop_app.store.database import Database
from desktop_app.store.dialect import SQLITE, dialect_name

# export ---------------------------------------------------------------------------------------
# Rows a sheet of the book holds, its header included: a quarter of a million data rows (a
# sheet may hold 1 048 576 in Excel and LibreOffice, but a sheet that full opens slowly in either,
# and reading one holds some 230 MB at once; with 500 000 the region's load peaked at 390–408 MB,
# with 250 000 at 367–372 MB in the same time). A longer table continues on sheets «… (2)»,
# «… (3)», each with the same header row. Tests lower it.
SHEET_ROW_LIMIT = 250_001
WRITE_ROWS = 5000  # rows of a table written at a time when a book is loaded (a copy)


def export_all(db: Database, out: Path, now: datetime | None = None,
               progress: Progress | None = None) -> dict[str, int]:
    """Write the whole database to an exchange workbook; returns rows written per table.

    progress(done, total, label), if given, hears the rows written so far. The book is written
    whole or not at all (book_writer.py: a partial file renamed into place)."""
    now = now or datetime.now().replace(microsecond=0)
    return write_book(db, out, now, progress, SHEET_ROW_LIMIT - 1)


# import ---------------------------------------------------------------------------------------
def import_exchange(session: Session, wb: Any, result: ImportResult, merge: bool = False,
                    progress: Progress | None = None, file_name: str = "") -> None:
    """Load an exchange workbook: a copy into a new database, else merged into its data.

    A new database (no ОО, no people) becomes an exact copy of the book (its presets replaced by
    the book's) unless merge; otherwise the book is merged (exchange/merge.py): records matched
    by their natural keys, the rest added with new ids, this database's settings kept. A table
    is read across its continuation sheets as one. Tables are read parents first; a copy writes
    each table as it is read (a few thousand rows at a time), a merge keeps the book's rows and
    merges them once all are checked. Every bad cell of the book is reported: after the first
    one nothing more is written and the caller rolls the transaction back. progress(done,
    total, label) hears the rows read (the total from «Сведения»). The rows written are logged
    in change_log with the source «Обмен: file_name» (a copy) or «Объединение: file_name» (a
    merge).
    """
    info = SheetOutcome(INFO_SHEET, "exchange", "книга обмена")
    result.sheets.append(info)
    wb.read_ahead = True  # every sheet is read, in the book's order
    if not _check_version(wb, info):
        return
    listed = _listed_tables(wb, info)
    if info.fatal:
        return
    ticker = _Ticker(progress, sum(rows or 0 for rows, _parts in listed.values()))
    copy = _is_new(session) and not merge
    changelog.set_source(session, changelog.file_source(
        changelog.EXCHANGE_SOURCE if copy else changelog.MERGE_SOURCE, file_name))
    checks = _Checks(server=dialect_name(session) != SQLITE)

    def refused() -> bool:
        return checks.found or any(o.fatal for o in result.sheets)

    sink: _Copy | _Collect = _Copy(session, info, refused) if copy else _Collect()
    outcomes: dict[str, SheetOutcome] = {}
    older_book = False
    for table in exchange_tables():
        title = sheet_title(table.name)
        outcome = SheetOutcome(title, table.name, title)
        result.sheets.append(outcome)
        outcomes[table.name] = outcome
        letters: dict[str, str] = {}
        stated, parts = listed.get(table.name, (None, 1))
        titles = _table_sheets(wb, table, parts, outcome)
        outcome.continued = titles[1:]
        found: list[int] = []  # data rows read on each sheet read through
        rows = (_read_table(wb, titles, table, outcome, letters, ticker, found) if titles
                else iter(()))
        checker = checks.table(table, outcome, letters)
        sink.table(table, outcome, checker.rows(rows))
        checker.finish()
        if table.name == "organisations" and letters and "municipality_id" not in letters:
            older_book = True  # written before municipalities were carried (letters: read)
        outcome.read = sum(found)  # the summary of a refused book tells the rows read
        if titles and len(found) == len(titles) and stated is not None and sum(found) != stated:
            outcome.fatal.append(_count_refusal(titles, found, stated))
    checks.finish()
    if refused():
        for outcome in outcomes.values():
            outcome.actions.clear()  # a refused book adds nothing (the caller rolls back)
        return
    ticker.say("запись в базу")
    if isinstance(sink, _Copy):
        sink.finish(older_book)
    else:
        _merge(session, sink.parsed, outcomes, info, older_book)


def _is_new(session: Session) -> bool:
    """A database without ОО and people (a new one, with only its presets)."""
    return not any(session.scalar(select(func.count()).select_from(Base.metadata.tables[name]))
                   for name in REGISTRY_TABLES)


def _merge(session: Session, parsed: dict[str, list[tuple[int, dict[str, Any]]]],
           outcomes: dict[str, SheetOutcome], info: SheetOutcome, older_book: bool) -> None:
    try:
        scored = merge_book(session, exchange_tables(), parsed, outcomes, older_book)
        session.flush()
        if scored:
            store_area_scores(session, sorted(scored))  # derived from the answers just added
    except IntegrityError as exc:
        info.fatal.append(integrity_refusal(exc))


class _Collect:
    """A merge: the book's rows kept, table by table, for merge.py."""

    def __init__(self) -> None:
        self.parsed: dict[str, list[Row]] = {}

    def table(self, table: Table, outcome: SheetOutcome, rows: Iterable[Rows]) -> None:
        self.parsed[table.name] = [row for item in rows for row in (
            item.rows() if isinstance(item, Block) else (item,))]


class _Copy:
    """A copy into a new database: its presets deleted, then each table written as it is read,
    WRITE_ROWS rows at a time with their change-log entries. Once anything is refused nothing
    more is written (the rows are still read and checked, for the list of refusals).

    A reference to a table written later (organisations.curator_id → people) is written empty
    and filled in at the end (book_copy.LateReferences). SQLite defers the references to the
    commit, but while one written leads nowhere yet, each row added to a table others refer to
    looks for the rows it would mend in every one of them (30 000 people: 1,3 s instead of
    0,4): so none is written ahead of its record. A server (PostgreSQL) checks each reference as
    its row is written (book_copy.py): each write runs in a savepoint (a refused reference is
    then counted and the transaction still usable), and the id sequences are moved past the ids
    written."""

    def __init__(self, session: Session, info: SheetOutcome, refused: Callable[[], bool]
                 ) -> None:
        self.session, self.info, self.refused, self.stopped = session, info, refused, False
        self.server = dialect_name(session) != SQLITE
        self.written: set[str] = set()  # tables written through (a server's late references)
        self.late = LateReferences()
        if not self.server:
            session.execute(text("PRAGMA defer_foreign_keys=ON"))
        self.log = changelog.BulkLog(session)
        for table in reversed(exchange_tables()):
            if changelog.logged(table):
                rows = session.execute(select(table)).mappings()
                self.log.deleted(table, cast("Iterable[Mapping[str, Any]]", rows))
            session.execute(table.delete())
        self.log.write()
        self.indexes = HeldIndexes()  # SQLite: built again once every row is in
        if not self.server:
            self.indexes.drop(session.connection(),
                              [*exchange_tables(), cast(Table, ChangeLog.__table__)])

    def table(self, table: Table, outcome: SheetOutcome, rows: Iterable[Rows]) -> None:
        """The table's rows written as they are read (the last ones by the time it returns)."""
        chunk: list[dict[str, Any]] = []
        numbers: list[int] = []
        for item in rows:
            if self.stopped:
                continue
            if isinstance(item, Block):
                if chunk:
                    outcome.act_many(numbers, ADDED, "")
                    self._write(table, chunk)
                    chunk, numbers = [], []
                if not self.stopped:
                    outcome.act_many(list(item.numbers), ADDED, "")
                    self._write_block(table, item)
                continue
            number, values = item
            chunk.append(values)
            numbers.append(number)
            if len(chunk) >= WRITE_ROWS:
                outcome.act_many(numbers, ADDED, "")
                self._write(table, chunk)
                chunk, numbers = [], []
        if chunk and not self.stopped:
            outcome.act_many(numbers, ADDED, "")
            self._write(table, chunk)
        self.written.add(table.name)

    def _write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if self.refused():
            self.stopped = True
            return
        later = later_columns(table, self.written)
        written = self.late.hold(table, rows, later)
        checked = {c.name for c in table.columns if c.foreign_keys} - set(later)
        if not self._written(table, None, written, written, checked):
            return
        self.log.inserted(table, rows)
        self.log.write()

    def _write_block(self, table: Table, block: Block) -> None:
        """A block of rows (the answers) written as the tuples it holds — on SQLite, into a
        table with no reference to fill in later and no change log (the answers: none of
        either); else as its rows (_write)."""
        if self.server or later_columns(table, self.written) or self.log.wants(table):
            self._write(table, [values for _number, values in block.rows()])
            return
        if self.refused():
            self.stopped = True
            return
        try:
            insert_rows(self.session.connection(), table, block.values, columns=block.names)
        except (IntegrityError, DataError) as exc:
            self._contradiction(exc, table.name)

    def _written(self, table: Table, statement: Any, params: list[dict[str, Any]],
                 rows: list[dict[str, Any]], checked: set[str]) -> bool:
        """Run one write (statement None: the params are rows to insert); False when the
        database refused it (said in Russian). On a server a refused reference is counted, in
        the rows' columns checked, as SQLite's check counts it (the rows: the values written, or
        filled in by an UPDATE's params)."""
        try:
            if not self.server:
                self._run(statement, table, params)
                return True
            with self.session.begin_nested():  # the transaction stays usable if refused
                self._run(statement, table, params)
            return True
        except (IntegrityError, DataError) as exc:  # DataError: a server's column limit
            if not (self.server and isinstance(exc, IntegrityError)
                    and self._dangling_found(table, rows, checked)):
                self._contradiction(exc, table.name)
            return False

    def _run(self, statement: Any, table: Table, params: list[dict[str, Any]]) -> None:
        if statement is None:
            insert_rows(self.session.connection(), table, params)
        else:
            self.session.connection().execute(statement, params)

    def _dangling_found(self, table: Table, rows: list[dict[str, Any]], checked: set[str]
                        ) -> bool:
        """A server: the rows' references (in the columns checked) that lead nowhere, refused
        with their count as SQLite's PRAGMA foreign_key_check lets them be (True: found)."""
        found = dangling(self.session.connection(), table, rows, checked)
        for parent, count in found:
            self.info.fatal.append(dangling_refusal(table.name, parent, count))
        self.stopped = self.stopped or bool(found)
        return bool(found)

    def finish(self, older_book: bool) -> None:
        """older_book: its ОО carry no municipality (the one its settings name is given)."""
        try:
            self.session.flush()
            if self.server:
                if not self._fill_late():
                    return
                move_sequences(self.session.connection(), exchange_tables())
            else:
                self.late.fill(self.session.connection())  # a dangling one is found next
                if self._dangling():
                    return
                self.indexes.build(self.session.connection())
            store_area_scores(self.session)  # derived from the answers just loaded
            if older_book:
                self._municipality_given()
        except IntegrityError as exc:
            self._contradiction(exc)

    def _municipality_given(self) -> None:
        """A book written before municipalities were carried: its ОО belong to the
        municipality its settings name (now this database's own), as the report says."""
        given = municipalities.fill_missing(self.session)
        if given:
            name = municipalities.own(self.session).name
            self.info.notes.append(RowError(
                self.info.sheet, 1, "—", "", f"в книге не указан муниципалитет ОО ({given}): "
                f"все они отнесены к муниципалитету из настроек книги — «{name}»"))

    def _fill_late(self) -> bool:
        """A server: the references written empty filled in (False: refused). They are counted
        first: the migrations made organisations.curator_id on a server without its foreign
        key (Alembic leaves out a use_alter constraint), so the server would take any value."""
        for table, name, values in self.late.held:
            counted = [{name: v[LATE_VALUE]} for v in values]
            if self._dangling_found(table, counted, {name}) or \
                    not self._written(table, filling(table, name), values, counted, {name}):
                return False
        self.late.held.clear()
        return True

    def _dangling(self) -> bool:
        """References left pointing nowhere, which the book's checks should have refused: the
        copy defers them to the commit, where SQLite would name no table — found now, each
        table named (PRAGMA foreign_key_check: 0,4 s for the region's 2 million rows)."""
        found = Counter((table, parent) for table, _rowid, parent, _key in self.session.execute(
            text("PRAGMA foreign_key_check")))
        for (table, parent), count in sorted(found.items()):
            self.info.fatal.append(dangling_refusal(table, parent, count))
        self.stopped = self.stopped or bool(found)
        return bool(found)

    def _contradiction(self, exc: IntegrityError | DataError, table: str | None = None
                       ) -> None:
        """A constraint of the database the book still broke: refused, said in Russian."""
        self.stopped = True
        self.info.fatal.append(integrity_refusal(exc, table))
