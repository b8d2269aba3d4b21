"""What the sheets of an .ods (LibreOffice) hold besides the values the reader gives: formulas,
merged ranges, how far their cells reach — found in content.xml, read once through its
PartGuard (exchange/xmlguard.py) before the reader (python-calamine) takes the file.

An .ods writes a run of equal cells or rows once, with a count: a few bytes may stand for
millions of cells, so the rectangle the reader would build is measured first and a sheet past
limits.MAX_SHEET_CELLS refused. LibreOffice keeps a yes/no as the formula TRUE() or FALSE():
taken as the value, not refused as a formula.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from desktop_app.exchange.book_scan import SheetScan, check_extent, too_many_merged
from desktop_app.exchange.limits import MAX_MERGED_RANGES, MAX_ROW_TAGS, MAX_SHEET_CELLS
from desktop_app.exchange.safe import (
    ODS_CONTENT,
    ExchangeError,
    Parts,
    cell_range,
    refuse,
)
from desktop_app.exchange.xmlguard import GuardedStream, PartGuard

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
CELLS = (TABLE + "table-cell", TABLE + "covered-table-cell")
YES_NO = {"TRUE()": True, "FALSE()": False}


class _Sheet:
    """One table of content.xml as it is read: where the next row and cell are, how far the
    filled cells reach."""

    def __init__(self, name: str, where: str) -> None:
        self.name, self.where = name, where
        self.scan = SheetScan()
        self.row = 0  # rows before the current one
        self.repeat = 1  # times the current row is repeated
        self.column = 0  # cells before the current one in its row
        self.filled = False  # the current row has a filled cell
        self.physical = 0  # cell elements in the current row
        self.last_row = self.last_column = 0

    def start_row(self, elem: Element) -> None:
        self.repeat = _count(elem.get(TABLE + "number-rows-repeated"))
        self.column, self.filled, self.physical = 0, False, 0

    def end_row(self) -> None:
        if self.filled:
            self.last_row = self.row + self.repeat
        self.row += self.repeat

    def cell(self, elem: Element) -> None:
        self.physical += 1
        if self.physical > MAX_ROW_TAGS // 2:
            refuse(f"{self.where}, строка {self.row + 1}: больше {MAX_ROW_TAGS // 2} ячеек в "
                   "одной строке — файл повреждён или искусственно раздут. Файл не прочитан.")
        repeat = _count(elem.get(TABLE + "number-columns-repeated"))
        if elem.get(OFFICE + "value-type") is not None or len(elem):
            self.filled = True
            self.last_column = max(self.last_column, self.column + repeat)
            check_extent(self.where, self.row + self.repeat, self.last_column)
        formula = elem.get(TABLE + "formula")
        if formula is not None:
            self._formula(formula, repeat)
        across = _count(elem.get(TABLE + "number-columns-spanned"))
        down = _count(elem.get(TABLE + "number-rows-spanned"))
        if across > 1 or down > 1:
            self._merged(across, down)
        self.column += repeat

    def _formula(self, formula: str, repeat: int) -> None:
        text = "=" + formula.partition("=")[2]  # «of:=[.A1]+1» → «=[.A1]+1»
        yes_no = YES_NO.get(text[1:].strip().upper())
        if len(self.scan.formulas) + repeat * self.repeat > MAX_SHEET_CELLS // 16:
            refuse(f"{self.where}: больше {MAX_SHEET_CELLS // 16} формул — впишите значения.")
        for row in range(self.row + 1, self.row + self.repeat + 1):
            for column in range(self.column + 1, self.column + repeat + 1):
                if yes_no is None:
                    self.scan.formulas[(row, column)] = text
                else:
                    self.scan.cells[(row, column)] = yes_no

    def _merged(self, across: int, down: int) -> None:
        first = self.row + 1
        self.scan.merged.append(cell_range(first, self.column + 1, first + down - 1,
                                           self.column + across))
        if len(self.scan.merged) > MAX_MERGED_RANGES:
            raise too_many_merged(self.where)

    def finish(self) -> SheetScan:
        self.scan.stated_rows = self.last_row
        return self.scan


def _count(text: str | None) -> int:
    """A repeat or span count («1» when none is written); a count that is no number is damage."""
    if text is None:
        return 1
    try:
        count = int(text)
    except ValueError:
        raise ExchangeError(f"число повторов «{text[:20]}» — не число") from None
    return max(count, 1)


def scan_ods(path: Path, parts: Parts) -> dict[str, SheetScan]:
    """Every sheet of content.xml by its name."""
    where = f"Файл «{path.name}», {parts.describe(ODS_CONTENT)}"
    try:
        with zipfile.ZipFile(path) as archive, archive.open(ODS_CONTENT) as raw:
            return _read(GuardedStream(raw, PartGuard(where, refuse)), path.name)
    except ExchangeError as exc:
        if str(exc).startswith("Файл «"):
            raise
        raise ExchangeError(f"Файл «{path.name}» повреждён: {exc}.") from exc
    except Exception as exc:  # noqa: BLE001 - the zip and the XML parser raise many kinds
        raise ExchangeError(f"Файл «{path.name}» повреждён или не является таблицей "
                            "LibreOffice: не удалось его открыть.") from exc


def _read(stream: GuardedStream, file_name: str) -> dict[str, SheetScan]:
    sheets: dict[str, SheetScan] = {}
    stack: list[Element] = []
    sheet: _Sheet | None = None
    for event, elem in iterparse(stream, events=("start", "end")):
        if event == "start":
            stack.append(elem)
            if elem.tag == TABLE + "table" and sheet is None:
                name = elem.get(TABLE + "name", "")
                sheet = _Sheet(name, f"Файл «{file_name}», лист «{name}»")
            elif elem.tag == TABLE + "table-row" and sheet is not None:
                sheet.start_row(elem)
            continue
        stack.pop()
        if sheet is not None:
            if elem.tag in CELLS:
                sheet.cell(elem)
            elif elem.tag == TABLE + "table-row":
                sheet.end_row()
            elif elem.tag == TABLE + "table":
                sheets[sheet.name] = sheet.finish()
                sheet = None
        if stack and elem.tag in (*CELLS, TABLE + "table-row", TABLE + "table"):
            del stack[-1][-1]  # read: let it go (it is its parent's last child)
    return sheets

