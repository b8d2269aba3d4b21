"""What an xlsx sheet holds besides the values the reader (python-calamine) gives: its formulas
and error cells, its merged ranges, the rows its header states — found in its XML, read once
through its PartGuard (exchange/xmlguard.py) before the reader takes the sheet.

The reader gives a formula's last computed value (or nothing, when none was saved) and an error
cell (#N/A) as empty: the formulas are put back as their text, to be refused as before, and the
error cells as their codes. A cell far from the others would make the reader's rectangle of
cells too large for memory: such a sheet is refused first (limits.MAX_SHEET_CELLS).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from desktop_app.exchange.limits import MAX_MERGED_RANGES, MAX_SHEET_CELLS
from desktop_app.exchange.safe import (
    CellRange,
    ExchangeError,
    column_index,
    refuse,
    to_range,
)
from desktop_app.exchange.xmlguard import GuardedStream, PartGuard

CHUNK = 1 << 20  # bytes of a part searched at a time
CARRY = 256  # bytes kept over to the next chunk, so a mark is never cut in two
LETTERS = 26  # columns A–Z: a reference with one letter is at most this far right
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref=\"([^\"]*)\"")
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
# A cell right of column Z; a cell below row 999 999. A reference («r="…"») is searched from
# its fixed part, which is quick; an attribute of another name ending in «r» would only make
# the bound larger.
_WIDE = re.compile(rb"r=\"([A-Z]{2,3})[0-9]")
_FAR = re.compile(rb"r=\"[A-Z]{1,3}([0-9]{7,10})\"")
_LETTER = re.compile(rb"r=\"([A-Z])[0-9]")
Cell = tuple[int, int]  # (row, column), both from 1


@dataclass
class SheetScan:
    """A sheet's formulas (their text, «=A1+1»), the values put in place of what the reader gives
    (error codes; an .ods's TRUE()), its negative numbers, its merged ranges and the rows its
    header states (0: none stated) — a hint for progress, never a limit."""

    stated_rows: int = 0
    merged: list[CellRange] = field(default_factory=list)
    extent: int = 0  # rows × columns of the cells the reader will hold (an xlsx: from its
    # stated dimension, or the bound found; 0: not known)
    formulas: dict[Cell, str] = field(default_factory=dict)
    cells: dict[Cell, Any] = field(default_factory=dict)
    negative: dict[Cell, float] = field(default_factory=dict)  # numbers below 0 (a date before
    # 1900 is one: the reader takes a negative date for a time of day)


def too_many_merged(where: str) -> ExchangeError:
    """where: «Файл «…»» (or with its sheet)."""
    return ExchangeError(f"{where}: на листе больше {MAX_MERGED_RANGES} объединённых ячеек. "
                         "Разъедините ячейки (у каждого значения — своя ячейка).")


def check_extent(where: str, rows: int, columns: int) -> None:
    """Refuse a sheet whose cells, as one rectangle, are more than the reader can hold."""
    if rows * columns > MAX_SHEET_CELLS:
        refuse(f"{where}: ячейки листа раскинуты на {rows} строк и {columns} столбцов — больше "
               f"{MAX_SHEET_CELLS} ячеек, которые программа может держать в памяти. Удалите "
               "лишние ячейки далеко справа и внизу листа (или перенесите данные в новую книгу).")


class _Marks:
    """What the chunks of a sheet's XML showed: merged ranges, the furthest cells, whether it
    has formulas or error cells."""

    def __init__(self) -> None:
        self.merged: dict[str, CellRange] = {}
        self.formulas = self.errors = self.negative = False
        self.stated: int | None = None
        self.stated_columns = 0
        self.last_row = 0
        self.last_column = LETTERS

    def see(self, data: bytes, file_name: str) -> None:
        if self.stated is None:
            match = _DIMENSION.search(data)
            self.stated = _last_row(match.group(1)) if match else 0
            self.stated_columns = _last_letters(match.group(1)) if match else 0
        # quick searches for a fixed text first; the patterns only where it is found
        if not self.formulas and (b"<f" in data or b":f" in data):
            self.formulas = _FORMULA.search(data) is not None
        self.errors = self.errors or b't="e"' in data
        self.negative = self.negative or b"v>-" in data
        wide = set(_WIDE.findall(data))
        if wide:
            self.last_column = max(self.last_column, *(column_index(c.decode()) for c in wide))
        far = _FAR.findall(data)
        if far:
            self.last_row = max(self.last_row, *map(int, far))
        if b"mergeCell" in data:
            for match in _MERGE.finditer(data):
                ref = match.group(1).decode()
                self.merged[ref] = to_range(ref)
            if len(self.merged) > MAX_MERGED_RANGES:
                raise too_many_merged(f"Файл «{file_name}»")


def scan_sheet(path: Path, part: str, where: str) -> SheetScan:
    """Read a sheet's XML once, through its PartGuard; its formulas and error cells, if any,
    read again with an XML parser. where: «Файл «…», лист «…»» for the messages."""
    marks = _Marks()
    guard = PartGuard(where, refuse)
    with _opened(path, part) as raw:
        stream, tail = GuardedStream(raw, guard), b""
        while chunk := stream.read(CHUNK):
            data = tail + chunk
            marks.see(data, path.name)
            tail = data[-CARRY:]
    rows = max(marks.last_row, guard.row, guard.units)
    if rows * marks.last_column > MAX_SHEET_CELLS:
        columns = marks.last_column
        if columns == LETTERS:
            columns = _last_column(path, part)
        check_extent(where, rows, columns)
    scan = SheetScan(stated_rows=marks.stated or 0, merged=list(marks.merged.values()),
                     extent=(marks.stated or rows) * (marks.stated_columns or marks.last_column))
    if marks.formulas or marks.errors or marks.negative:
        _read_cells(path, part, scan)
    return scan


def _last_letters(ref: bytes) -> int:
    """«A1:W3» → 23 (the columns a sheet's header states)."""
    letters = re.search(rb"([A-Z]{1,3})[0-9]+$", ref)
    return column_index(letters.group(1).decode()) if letters else 0


def _last_row(ref: bytes) -> int:
    """«A1:W3» → 3 (the rows a sheet's header states)."""
    digits = re.search(rb"([0-9]+)$", ref)
    return int(digits.group(1)) if digits else 0


def _last_column(path: Path, part: str) -> int:
    """The last column of a sheet with no cell right of column Z (read again: only a sheet
    whose quick bound, 26 columns, is past the limit — a sheet of a million rows)."""
    found: set[bytes] = set()
    with _opened(path, part) as raw:
        tail = b""
        while chunk := raw.read(CHUNK):
            data = tail + chunk
            found.update(_LETTER.findall(data))
            tail = data[-CARRY:]
    return max((column_index(c.decode()) for c in found), default=1)


class _opened:
    """A part of the zip opened for reading; damage refuses the file naming the part."""

    def __init__(self, path: Path, part: str) -> None:
        self.path, self.part = path, part
        self.archive: zipfile.ZipFile | None = None
        self.raw: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        try:
            self.archive = zipfile.ZipFile(self.path)
            self.raw = self.archive.open(self.part)
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            self.__exit__()
            raise ExchangeError(f"Файл «{self.path.name}» повреждён: лист не читается.") from exc
        return _Damage(self.raw, self.path.name)  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        if self.raw is not None:
            self.raw.close()
        if self.archive is not None:
            self.archive.close()


class _Damage:
    """A part's stream whose damage (a cut or broken zip entry) refuses the file in Russian."""

    def __init__(self, raw: IO[bytes], file_name: str) -> None:
        self.raw, self.file_name = raw, file_name

    def read(self, size: int = -1) -> bytes:
        try:
            return self.raw.read(size)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise ExchangeError(f"Файл «{self.file_name}» повреждён: лист не читается.") from exc


# formulas and error cells ------------------------------------------------------------------
def _read_cells(path: Path, part: str, scan: SheetScan) -> None:
    """The formulas (as openpyxl gave them: «=» and the formula's text, a shared formula moved
    to each of its cells), the error cells (their codes) and the negative numbers of a sheet,
    where its rows and columns put them."""
    row = column = 0
    shared: dict[str, Callable[[str], str]] = {}
    parent: Element | None = None
    with _opened(path, part) as raw:
        try:
            for event, elem in iterparse(raw, events=("start", "end")):
                tag = _local(elem.tag)
                if event == "start":
                    if tag == "row":
                        number = elem.get("r")
                        row, column = (int(number) if number else row + 1), 0
                    elif tag == "sheetData":
                        parent = elem
                    continue
                if tag == "c":
                    column = _column(elem.get("r"), column)
                    _cell(elem, (row, column), shared, scan)
                elif tag == "row":
                    elem.clear()
                    if parent is not None:
                        parent.clear()  # the rows read are let go: memory stays bounded
        except ExchangeError:
            raise
        except Exception as exc:  # noqa: BLE001 - the XML parser raises many kinds on damage
            raise ExchangeError(f"Файл «{path.name}» повреждён: лист не читается (строка "
                                f"{row}).") from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _column(ref: str | None, previous: int) -> int:
    if not ref:
        return previous + 1
    letters = ref.rstrip("0123456789")
    return column_index(letters) if letters.isalpha() and letters.isupper() else previous + 1


def _cell(elem: Element, at: Cell, shared: dict[str, Callable[[str], str]],
          scan: SheetScan) -> None:
    formula = next((child for child in elem if _local(child.tag) == "f"), None)
    if formula is not None:
        scan.formulas[at] = _formula_text(formula, at, shared)
        return
    kind, value = elem.get("t", "n"), next(
        (child.text for child in elem if _local(child.tag) == "v"), None)
    if kind == "e":
        scan.cells[at] = value or None
    elif kind == "n" and value and value.lstrip().startswith("-"):
        with suppress(ValueError):  # not a number: the reader refuses it
            scan.negative[at] = float(value)


def _formula_text(formula: Element, at: Cell, shared: dict[str, Callable[[str], str]]) -> str:
    """«=» and the formula; a shared formula's other cells get it moved to their place."""
    from openpyxl.formula.translate import Translator  # its formula text, not its reading
    from openpyxl.utils import get_column_letter

    text = "=" + (formula.text or "")
    if formula.get("t") != "shared":
        return text
    key, here = formula.get("si", ""), f"{get_column_letter(at[1])}{at[0]}"
    if key in shared:
        try:
            return shared[key](here)
        except Exception:  # noqa: BLE001 - a formula it cannot move is shown as written
            return text
    if text != "=":
        shared[key] = Translator(text, here).translate_formula
    return text
