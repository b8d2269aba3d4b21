"""Writing an exchange workbook (workbook.export_all asks for it): the refusal of a text longer
than a cell holds, the rows to write counted for the progress, the «Сведения» sheet (format
version, program version, date, the table of sheets), a table's sheets with their header row,
frozen, and the widths of their columns, its rows laid out by book_rows.py.

The book is streamed by xlsxwriter in constant_memory mode: a sheet keeps its rows in a
temporary file of its own (in a temporary folder removed whatever happens), its texts written
inline, every text as a text (no formula, number or link is made of one). The book is written
to a partial file beside its target and renamed into place only once it is whole
(store/leftovers.py): an error half-way leaves neither the partial book nor the sheets' files.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy import Boolean, Date, Float, Integer, String, Table, func, or_, select
from sqlalchemy.orm import Session
from xlsxwriter.exceptions import FileCreateError  # type: ignore[import-untyped]

from desktop_app import __version__
from desktop_app.exchange.book_rows import Sheet, TableRows
from desktop_app.exchange.book_spec import (
    FETCH_ROWS,
    INFO_HEADER,
    Progress,
    _grouped,
    _Ticker,
    carried_columns,
    exchange_tables,
)
from desktop_app.exchange.cells import DATE_FORMAT, DATETIME_FORMAT
from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from desktop_app.exchange.safe import ExchangeError
from desktop_app.exchange.schema import (
    ENUMS,
    FORMAT_VERSION,
    INFO_SHEET,
    INFO_TITLE,
    SINGLE_SHEET_VERSION,
    column_title,
    part_title,
    sheet_title,
)
from desktop_app.store.database import Database
from desktop_app.store.dialect import binary_order
from desktop_app.store.leftovers import written_whole

TOO_LONG_SHOWN = 20  # texts too long for a cell that a refused export names
# Every text written as a text: no formulas, numbers or links made of it.
BOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False,
                "strings_to_numbers": False, "strings_to_urls": False}
# The header cells, as the forms' (cells.HEADER_FONT, HEADER_FILL, HEADER_ALIGN).
HEADER_STYLE = {"bold": True, "pattern": 1, "bg_color": "#DDE7F0", "text_wrap": True,
                "valign": "top"}


def write_book(db: Database, out: Path, now: datetime, progress: Progress | None,
               sheet_rows: int) -> dict[str, int]:
    """Write the whole database to the exchange workbook out, sheet_rows data rows a sheet at
    most (a longer table continues on «… (2)» …); returns rows written per table."""
    counts: dict[str, int] = {}
    parts: dict[str, int] = {}
    with db.sessions() as session:
        _check_lengths(session)
        ticker = _Ticker(progress, _database_rows(session) if progress else 0)
        with _scratch() as scratch, written_whole(out) as partial:
            book = _Book(partial, scratch)
            try:
                info = book.sheet(INFO_SHEET)
                for table in exchange_tables():
                    counts[table.name], parts[table.name] = _write_table(
                        book, session, table, ticker, sheet_rows)
                _write_info(book, info, now, counts, parts)
                ticker.say("сохранение файла")
                book.close()
            finally:
                book.release()
    return counts


@contextmanager
def _scratch() -> Iterator[str]:
    """A temporary folder for the sheets' rows and the parts of the book, removed at the end."""
    with tempfile.TemporaryDirectory(prefix="metodaktiv-book-", ignore_cleanup_errors=True) as d:
        yield d


class _Book:
    """The xlsxwriter workbook being written and the formats of its cells."""

    def __init__(self, path: Path, scratch: str) -> None:
        self.wb = xlsxwriter.Workbook(str(path), {**BOOK_OPTIONS, "tmpdir": scratch})
        self.header = self.wb.add_format(HEADER_STYLE)
        self.date = self.wb.add_format({"num_format": DATE_FORMAT})
        self.datetime = self.wb.add_format({"num_format": DATETIME_FORMAT})
        self.quoted = self.wb.add_format({"quote_prefix": True})
        # the styles of the cells book_rows.py lays out: their indexes in the book's styles
        self.styles = (self.date._get_xf_index(), self.quoted._get_xf_index())

    def sheet(self, title: str) -> Any:
        return self.wb.add_worksheet(title, worksheet_class=Sheet)

    def headers(self, ws: Any, row: int, titles: list[str]) -> None:
        for column, title in enumerate(titles):
            ws.write_string(row, column, title, self.header)

    def close(self) -> None:
        """Assemble the book into its file; the system's refusal (a full disk) as it is."""
        try:
            self.wb.close()
        except FileCreateError as exc:
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise

    def release(self) -> None:
        """Close the sheets' temporary files a failed write left open (closed after a
        successful one), so that their folder can be removed (Windows)."""
        for ws in self.wb.worksheets():
            handle = getattr(ws, "row_data_fh", None)
            if handle is not None and not handle.closed:
                with suppress(OSError):  # its last rows not written (a full disk): it goes anyway
                    handle.close()


def _check_lengths(session: Session) -> None:
    """Refuse the export of a text longer than a cell holds (CELL_TEXT_LIMIT): the book would
    cut it without a word (openpyxl and Excel do), and the copy made of it would differ."""
    found: list[str] = []
    for table in exchange_tables():
        texts = [c for c in carried_columns(table)
                 if isinstance(c.type, String) and (table.name, c.name) not in ENUMS]
        if not texts or len(found) >= TOO_LONG_SHOWN:
            continue
        key = list(table.primary_key.columns)
        longer = or_(*(func.length(c) > CELL_TEXT_LIMIT for c in texts))
        rows = session.execute(select(*key, *texts).where(longer).limit(TOO_LONG_SHOWN))
        for row in rows:
            code = "/".join(str(v) for v in row[:len(key)])
            for column, value in zip(texts, row[len(key):], strict=True):
                if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
                    found.append(f"лист «{sheet_title(table.name)}», код записи {code}, столбец "
                                 f"«{column_title(table.name, column.name)}» — "
                                 f"{_grouped(len(value))} знаков")
    if found:
        raise ExchangeError(
            f"Выгрузка не сделана: в ячейку Excel помещается не больше "
            f"{_grouped(CELL_TEXT_LIMIT)} знаков, а эти тексты длиннее (книга обрезала бы их): "
            + "; ".join(found[:TOO_LONG_SHOWN]) + ". Сократите их в программе и выгрузите "
            "базу снова.")


def _database_rows(session: Session) -> int:
    return sum(int(session.scalar(select(func.count()).select_from(t)) or 0)
               for t in exchange_tables())


def _write_info(book: _Book, ws: Any, now: datetime, counts: dict[str, int],
                parts: dict[str, int]) -> None:
    """«Сведения»: the title, the format and program versions, the date, an empty row, then
    the table of sheets (first sheet, table, rows, sheets)."""
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 40)
    version = FORMAT_VERSION if any(n > 1 for n in parts.values()) else SINGLE_SHEET_VERSION
    ws.write_string(0, 0, INFO_TITLE, book.header)
    ws.write_string(1, 0, "Версия формата")
    ws.write_number(1, 1, version)
    ws.write_string(2, 0, "Версия программы")
    ws.write_string(2, 1, __version__)
    ws.write_string(3, 0, "Дата выгрузки")
    ws.write_datetime(3, 1, now, book.datetime)
    book.headers(ws, 5, list(INFO_HEADER))
    for row, (name, count) in enumerate(counts.items(), start=6):
        ws.write_string(row, 0, sheet_title(name))
        ws.write_string(row, 1, name)
        ws.write_number(row, 2, count)
        ws.write_number(row, 3, parts[name])


def _write_table(book: _Book, session: Session, table: Table, ticker: _Ticker,
                 sheet_rows: int) -> tuple[int, int]:
    """Write one table on as many sheets as it needs; returns (rows, sheets)."""
    columns = carried_columns(table)
    # a text key (settings) in code point order on either engine: the same book from both
    order = [binary_order(c) if isinstance(c.type, String) else c
             for c in table.primary_key.columns]
    result = session.execute(select(*columns).order_by(*order))
    layout = TableRows(table, *book.styles)
    pending = result.fetchmany(FETCH_ROWS)
    count = part = 0
    while part == 0 or pending:
        part += 1
        title = part_title(table.name, part)
        ticker.say(f"лист «{title}»")
        ws = _table_sheet(book, table, title, columns)
        written = 0  # data rows on this sheet so far
        while pending and written < sheet_rows:
            take = pending[:sheet_rows - written]
            # row 1 is the header: the data rows are 2… (xlsxwriter counts them from 0)
            ws.add_rows(layout.xml(take, written + 2, title), written + len(take),
                        layout.last_column)
            written += len(take)
            count += len(take)
            ticker.add(len(take))
            pending = pending[len(take):] or result.fetchmany(FETCH_ROWS)
    return count, part


def _table_sheet(book: _Book, table: Table, title: str, columns: list[Any]) -> Any:
    """A new sheet of the table (its own or a continuation) with the header row, frozen."""
    ws = book.sheet(title)
    ws.freeze_panes(1, 0)
    for i, column in enumerate(columns):
        ws.set_column(i, i, _width(column))
    book.headers(ws, 0, [column_title(table.name, c.name) for c in columns])
    return ws


def _width(column: Any) -> int:
    if isinstance(column.type, Date):
        return 12
    if isinstance(column.type, Integer | Float | Boolean):
        return 10
    return 24
