"""Reading a workbook file — an Excel book (.xlsx), a LibreOffice table (.ods) or an Excel 97–2003
book (.xls) — for the import: its sheets in order, each sheet's rows as tuples of plain values,
read as they are taken, the rows it states (for progress), its merged ranges and its formulas.

The values are read by python-calamine, after the checks of exchange/safe.py, and given as
openpyxl gave them, so the cell parsers (exchange/cells.py) and the readers see the same
values whatever the file's kind: an empty cell is None (never ""), a whole number an int, a
date-formatted cell a datetime (at midnight for a date), a time a time, an error cell its code
(«#N/A»), each row up to its last filled cell. A formula is given as its text («=A1+1») in a
Formula — the readers refuse it; a text that only looks like one stays a str. A sheet's XML is
read once before its values (exchange/book_scan.py, ods_scan.py, xls_scan.py): the guards of
exchange/xmlguard.py, and what calamine does not tell.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, TypeAlias

from python_calamine import (
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum as Visible,
)

from desktop_app.exchange.book_scan import SheetScan, scan_sheet, too_many_merged
from desktop_app.exchange.cells import as_text
from desktop_app.exchange.limits import MAX_MERGED_RANGES
from desktop_app.exchange.ods_scan import scan_ods
from desktop_app.exchange.safe import (
    CellRange,
    Checked,
    ExchangeError,
    cell_range,
    check_book_file,
    check_whole_parts,
    guard_part,
    password_refusal,
)
from desktop_app.exchange.scan_child import ScanChild, child_sheets
from desktop_app.exchange.xls_scan import scan_xls

Value: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
Row: TypeAlias = tuple[Value, ...]
# The file dialogs' filter of the files read (the kind is told by the content, not the name).
OPEN_FILTER = ("Книги Excel и LibreOffice (*.xlsx *.xls *.ods);;Книга Excel (*.xlsx);;"
               "Книга Excel 97–2003 (*.xls);;Таблица LibreOffice (*.ods)")


class _Negative(float):
    """A negative number of the file: calamine takes one formatted as a date for a time of day;
    openpyxl gave the date (before 1900) it stands for."""


class Formula(str):
    """A cell holding a formula, as its text («=A1+1»; an .xls keeps only tokens: «=» and the
    value it last computed) — never taken in as a value: the readers refuse it."""


class BookSheet:
    """One worksheet of a BookFile."""

    def __init__(self, book: BookFile, title: str, visible: bool) -> None:
        self.book, self.title, self.visible = book, title, visible
        self._scan: SheetScan | None = None
        self._scanning = threading.Lock()
        self._fixes: dict[int, dict[int, Value]] | None = None

    @property
    def stated_rows(self) -> int:
        """The rows the sheet states (an .xlsx's header, an .xls's dimensions; an .ods: its
        rows filled) — a hint for progress, never a limit: 0 when none is stated."""
        return self.scan().stated_rows

    @property
    def merged(self) -> list[CellRange]:
        """The sheet's merged ranges."""
        if self.book.kind != "xls":
            return self.scan().merged
        found = self.book.load(self).merged_cell_ranges or []
        if len(found) > MAX_MERGED_RANGES:
            raise too_many_merged(f"Файл «{self.book.path.name}»")
        return [cell_range(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in found]

    def scan(self) -> SheetScan:
        if self._scan is None:
            with self._scanning:  # the read-ahead thread may be scanning it: scanned once
                if self._scan is None:
                    self._scan = self.book.scan(self.title)
        return self._scan

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  max_col: int | None = None) -> Iterator[Row]:
        """The rows from min_row to max_row (or the last one filled), numbered from 1; each up
        to its last filled cell, or exactly max_col values (padded with None) when given."""
        fixes = self.fixes()
        sheet = self.book.load(self)
        number = 0
        if sheet.start is not None:
            lead: list[Value] = [None] * sheet.start[1]
            for number, raw in enumerate(sheet.iter_rows(), start=1):
                if max_row is not None and number > max_row:
                    return
                if number >= min_row:
                    yield self._row(lead + raw if lead else raw, number, fixes.get(number),
                                    max_col)
        for later in range(max(number + 1, min_row), max(fixes, default=0) + 1):
            if max_row is not None and later > max_row:
                return
            yield self._row([], later, fixes.get(later), max_col)

    def raw_chunks(self, size: int) -> Iterator[list[list[Any]]] | None:
        """The sheet's rows from row 1 as the reader gives them (a number a float, an empty cell
        ""), size at a time — for a reader that takes a sheet of whole numbers a chunk at a
        time (book_reader); None when the values are to be put right first (formulas, error
        cells, negative numbers: fixes(); a sheet not beginning at A1): iter_rows then."""
        if self.fixes():
            return None
        sheet = self.book.load(self)
        if sheet.start != (0, 0):
            return None
        rows = sheet.iter_rows()
        return iter(lambda: list(islice(rows, size)), [])

    def row(self, raw: list[Any], number: int) -> Row:
        """A row of raw_chunks as iter_rows gives it."""
        return self._row(raw, number, None, None)

    def fixes(self) -> dict[int, dict[int, Value]]:
        """What is put in place of the reader's values, by row and 0-based column: formulas
        (their text) and the values calamine leaves out (error codes, an .ods's yes/no)."""
        if self._fixes is None:
            scan = self.scan()
            fixes: dict[int, dict[int, Value]] = {}
            for (row, column), text in scan.formulas.items():
                fixes.setdefault(row, {})[column - 1] = Formula(text)
            for (row, column), value in scan.cells.items():
                fixes.setdefault(row, {})[column - 1] = value
            for (row, column), number in scan.negative.items():
                fixes.setdefault(row, {})[column - 1] = _Negative(number)
            self._fixes = fixes
        return self._fixes

    def _row(self, raw: list[Any], number: int, fixes: dict[int, Value] | None,
             max_col: int | None) -> Row:
        # one comprehension, the commonest kinds first: the rows of a region's book are millions
        out: list[Value] = [
            (value or None) if value.__class__ is str
            else (int(value) if value.is_integer() else self._fraction(value, number))
            if value.__class__ is float
            else datetime(value.year, value.month, value.day) if value.__class__ is date
            else value
            for value in raw]
        if fixes:
            _put(out, fixes)
        if max_col is not None:
            del out[max_col:]
            out.extend([None] * (max_col - len(out)))
        else:
            while out and out[-1] is None:
                out.pop()
        return tuple(out)

    def _fraction(self, value: float, number: int) -> float:
        if value - value == 0:  # finite
            return value
        raise self.book.damaged(self.title, number)  # «<v>nan</v>»: no number Excel writes


def _put(out: list[Value], fixes: dict[int, Value]) -> None:
    for column, value in fixes.items():
        if column >= len(out):
            out.extend([None] * (column + 1 - len(out)))
        if value.__class__ is Formula and not value:  # an .xls: «=» and the value computed
            value = Formula("=" + as_text(out[column]))
        elif value.__class__ is _Negative:
            value = _negative_date(out[column], float(value))
        out[column] = value


def _negative_date(read: Value, number: float) -> Value:
    """A negative number as openpyxl gave it: itself, or (formatted as a date or a time) the
    date and time it stands for — calamine gives a time of day for it."""
    if not isinstance(read, date | time):
        return read
    from openpyxl.utils.datetime import from_excel  # the calendar arithmetic, not the reading

    try:
        found: Value = from_excel(number)
    except (OverflowError, ValueError):
        return "#VALUE!"  # openpyxl's value of a date past its limits
    return found


class BookFile:
    """A workbook file opened for reading (open_book): its sheets' titles in order, its
    worksheets (chart sheets left out), a worksheet by its title. The reader holds one sheet's
    cells at a time."""

    def __init__(self, path: Path, checked: Checked, workbook: CalamineWorkbook,
                 scans: dict[str, SheetScan] | None) -> None:
        self.path, self.kind, self.parts = path, checked.kind, checked.parts
        self.workbook, self.scans = workbook, scans
        self.sheetnames: list[str] = []
        self.worksheets: list[BookSheet] = []
        for meta in workbook.sheets_metadata:
            self.sheetnames.append(meta.name)
            if meta.typ == SheetTypeEnum.WorkSheet:
                self.worksheets.append(BookSheet(self, meta.name, meta.visible == Visible.Visible))
        self._by_title = {ws.title: ws for ws in self.worksheets}
        self._parts = {title: part for part, title in checked.parts.sheets.items()}
        if scans is not None and set(scans) != set(self._by_title) \
                and len(scans) == len(self.worksheets):  # names read otherwise: in order
            self.scans = dict(zip(self._by_title, scans.values(), strict=True))
        self._loaded: tuple[str, CalamineSheet] | None = None
        self._closed = False
        self.read_ahead = False  # set by a reader that goes through every sheet in order
        self._ahead: _ReadAhead | None = None
        self._reading = threading.Lock()

    def __getitem__(self, title: str) -> BookSheet:
        return self._by_title[title]

    def __contains__(self, title: object) -> bool:
        return title in self._by_title

    def __enter__(self) -> BookFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Let the file go (a second close does nothing)."""
        self._loaded = None
        if self._ahead is not None:
            self._ahead.stop()
            self._ahead = None
        if not self._closed:
            self._closed = True
            self.workbook.close()

    def scan(self, title: str) -> SheetScan:
        """What a sheet holds besides its values; an xlsx's sheet read through its guards."""
        if self.scans is not None:
            found = self.scans.get(title)
            if found is None:
                raise self.damaged(title, None)
            return found
        part = self._parts.get(title)
        if part is None:
            raise self.damaged(title, None)
        ahead = self._ahead
        found = ahead.scanned(title) if ahead is not None else None
        if found is not None:
            return found
        return scan_sheet(self.path, part, f"Файл «{self.path.name}», лист «{title}»")

    def load(self, sheet: BookSheet) -> CalamineSheet:
        """The sheet's cells (read once its XML has passed the guards); the one before is let
        go, so that one sheet at a time is held — with read_ahead, the sheets after it are read
        in a thread meanwhile, within a budget of cells (see _ReadAhead)."""
        if self._loaded is not None and self._loaded[0] == sheet.title:
            return self._loaded[1]
        self._loaded = None
        if self.read_ahead and self._ahead is None and self.kind == "xlsx":
            at = self.worksheets.index(sheet)
            self._ahead = _ReadAhead(self, self.worksheets[at + 1:])
            self._ahead.start()  # once the book has it: its threads ask it for the scans
        cells = self._ahead.take(sheet) if self._ahead is not None else None
        if cells is None:
            cells = self._cells(sheet)
        if self._ahead is not None:
            self._ahead.holding(cells)
        self._loaded = (sheet.title, cells)
        return cells

    def _cells(self, sheet: BookSheet) -> CalamineSheet:
        sheet.scan()
        try:
            with self._reading:  # one sheet at a time is parsed: by the reader or its thread
                return self.workbook.get_sheet_by_name(sheet.title)
        except BaseException as exc:
            if not _reader_error(exc):
                raise
            raise self.damaged(sheet.title, None) from exc

    def damaged(self, title: str, row: int | None) -> ExchangeError:
        where = f", строка {row}" if row is not None else ""
        return ExchangeError(
            f"Файл «{self.path.name}», лист «{title}»{where}: не читается — файл повреждён или "
            "записан с ошибкой. Откройте его в Excel, сохраните заново и загрузите ещё раз.")


AHEAD_CELLS = 3_500_000  # cells held at most by the reader and the read-ahead together (some
# 130 MB): a sheet of a million rows of three columns and some small ones, never two such


def _size(cells: CalamineSheet) -> int:
    return int(cells.height) * int(cells.width)


class _ReadAhead:
    """The worksheets after the first one loaded, read in the book's order in a thread of their
    own while the reader goes through the ones before (calamine lets Python's lock go while it
    parses: a region's book has some 5 s of parsing, done on the second core). A sheet is read
    ahead only while the cells held — the reader's sheet and those read ahead — stay within
    AHEAD_CELLS (its stated extent counted before it is parsed), or when nothing else is held.
    A sheet asked for that the thread has not reached is read by the reader itself (and skipped
    by the thread); what the thread meets (a damaged sheet) is raised when that sheet is asked
    for, as without it, and the thread stops there. The large sheets' XML is read through the
    guards in a process of its own (scan_child.py), the small ones' in a second thread."""

    def __init__(self, book: BookFile, sheets: list[BookSheet]) -> None:
        self._book, self._sheets = book, sheets
        self._turn = threading.Condition()
        self._ready: dict[str, CalamineSheet | BaseException] = {}
        self._held = 0  # cells of the sheets read ahead and not yet taken
        self._reader = 0  # cells of the reader's sheet
        self._busy: str | None = None  # the sheet being parsed
        self._skip: set[str] = set()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="book-read-ahead")
        # the guards' reading of the sheets' XML (Python's, under its lock): the large sheets'
        # in a process, the others' in a thread of their own, so that a sheet is parsed
        # (without the lock) while the next is scanned
        unread = [s.title for s in sheets if s._scan is None]  # noqa: SLF001
        self._child = ScanChild(book.path, child_sheets(
            book.path, book._parts, unread, f"Файл «{book.path.name}»"))  # noqa: SLF001
        self._scanner = threading.Thread(
            target=self._scan_ahead, daemon=True, name="book-read-ahead",
            args=([s for s in sheets if not self._child.has(s.title)],))

    def start(self) -> None:
        self._thread.start()
        self._scanner.start()

    def scanned(self, title: str) -> SheetScan | None:
        """The sheet's scan as the process read it (None: read it here)."""
        return self._child.take(title)

    def take(self, sheet: BookSheet) -> CalamineSheet | None:
        """The sheet's cells if read ahead (waiting while it is being parsed); None: the reader
        reads it itself. The reader's sheet before is let go first."""
        with self._turn:
            self._reader = 0
            self._turn.notify_all()
            while self._busy == sheet.title:
                self._turn.wait()
            got = self._ready.pop(sheet.title, None)
            if got is None:
                self._skip.add(sheet.title)
                return None
            if isinstance(got, BaseException):
                raise got
            self._held -= _size(got)
            self._turn.notify_all()
            return got

    def holding(self, cells: CalamineSheet) -> None:
        with self._turn:
            self._reader = _size(cells)

    def stop(self) -> None:
        with self._turn:
            self._stopped = True
            self._turn.notify_all()
        self._child.stop()
        self._thread.join()
        self._scanner.join()
        self._ready.clear()

    def _scan_ahead(self, sheets: list[BookSheet]) -> None:
        """Each sheet's XML read through its guards ahead of its parsing (BookSheet.scan keeps
        what it found; a sheet scanned here is not scanned again). A sheet the guards refuse
        stops this thread: the parsing thread meets the same refusal and keeps it for the
        reader."""
        for sheet in sheets:
            if self._stopped:
                return
            try:
                sheet.scan()
            except BaseException:  # noqa: BLE001 - said where the sheet is asked for
                return

    def _run(self) -> None:
        for sheet in self._sheets:
            if self._stopped:
                return
            try:
                extent = sheet.scan().extent
                if not self._wait_turn(sheet.title, extent):
                    continue
                cells: CalamineSheet | BaseException = self._book._cells(sheet)  # noqa: SLF001
            except BaseException as exc:  # noqa: BLE001 - raised where the sheet is asked for
                cells = exc
            with self._turn:
                self._busy = None
                self._ready[sheet.title] = cells
                if not isinstance(cells, BaseException):
                    self._held += _size(cells)
                self._turn.notify_all()
                if isinstance(cells, BaseException) or self._stopped:
                    return

    def _wait_turn(self, title: str, extent: int) -> bool:
        """Wait until the sheet fits the budget; False: skip it (the reader took it, or the
        book is closed)."""
        with self._turn:
            while not self._stopped and title not in self._skip and (
                    self._held or self._reader) and \
                    self._held + self._reader + extent > AHEAD_CELLS:
                self._turn.wait()
            if self._stopped or title in self._skip:
                return False
            self._busy = title
            return True


def _reader_error(exc: BaseException) -> bool:
    """What calamine raises on a damaged file: its errors, and a Rust panic (a BaseException)."""
    if isinstance(exc, MemoryError):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def open_book(path: Path) -> BookFile:
    """The workbook, checked (exchange/safe.py) before anything is read: an xlsx's parts read
    whole within their limits and its shared strings through their guard; an .ods's and an
    .xls's sheets scanned whole (calamine reads them whole when the file is opened). Raises
    ExchangeError, in Russian, naming the file, for a file that cannot be read."""
    path = Path(path)
    checked = check_book_file(path)
    scans: dict[str, SheetScan] | None = None
    if checked.kind == "xlsx":
        check_whole_parts(path, checked.parts)
        for part in sorted(checked.parts.strings):
            guard_part(path, part, checked.parts)
    elif checked.kind == "ods":
        scans = scan_ods(path, checked.parts)
    else:
        scans = scan_xls(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise password_refusal(path.name) from exc
    except BaseException as exc:
        if not _reader_error(exc):
            raise
        raise ExchangeError(f"Файл «{path.name}» повреждён или не является книгой Excel: не "
                            "удалось его открыть.") from exc
    return BookFile(path, checked, workbook, scans)
