"""The candidate form (seed 004, Приложение) as an Excel workbook, laid out for printing.

Dates are stored as dates (shown ДД.ММ.ГГГГ), so the sheet can be sorted and filtered by them.
Excel and LibreOffice do not size rows to wrapped text by themselves when they open a file, so
each row's height is estimated from its text.
"""

from __future__ import annotations

import math
import re
import textwrap
from datetime import datetime
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.reports.docmodel import Document, Footnotes, Heading, Para, Table
from desktop_app.reports.fonts import DOCX_FONT

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE_TOP = Alignment(wrap_text=True, vertical="top", horizontal="center")
HEAD = Alignment(wrap_text=True, vertical="center", horizontal="center")
SHEET_TITLE = "Кандидаты в ММА"
DATE_FORMAT = "DD.MM.YYYY"
_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
BODY_PT, HEAD_PT, NOTE_PT = 10, 9, 9
# Column widths in characters: a landscape A4 page holds about 150 at 10 pt when printed at
# the scale fitToWidth chooses (about 90 %); the form's proportions are kept.
NUMBER_CHARS, TABLE_CHARS = 5.0, 150.0
CHARS_PER_UNIT = 1.3  # letters of 10-pt Times New Roman per unit of column width (measured)
LINE_PT = 1.25  # line height per point of the font size
MAX_ROW_PT = 409  # the tallest row Excel allows


def _cell_value(text: str) -> str | datetime:
    """A whole ДД.ММ.ГГГГ text becomes a date; anything else stays text."""
    match = _DATE.match(text.strip())
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime(year, month, day)
        except ValueError:
            return text
    return text


def _lines(text: str, width: float, size: float) -> int:
    """How many lines the text takes in a column of the width (wrapping at words)."""
    per_line = max(int(width * CHARS_PER_UNIT * BODY_PT / size), 1)
    return sum(max(len(textwrap.wrap(part, per_line, break_long_words=True)), 1)
               for part in text.split("\n"))


def _height(texts: list[str], widths: list[float], size: float) -> float:
    lines = max((_lines(t, w, size) for t, w in zip(texts, widths, strict=False)), default=1)
    return min(math.ceil(lines * size * LINE_PT + 4), MAX_ROW_PT)


def _widths(table: Table) -> list[float]:
    """Column widths in characters, the «№ п/п» column first."""
    weights = list(table.widths)
    if not table.numbered:  # the first column is the form's own «№ п/п»
        weights = weights[1:]
    total = sum(weights) or 1.0
    return [NUMBER_CHARS, *(TABLE_CHARS * w / total for w in weights)]


def _title(ws: Worksheet, document: Document, widths: list[float]) -> int:
    """The corner mark over the last three columns, the heading over all; the next row."""
    columns = len(widths)
    corner = next((b.text for b in document.blocks if isinstance(b, Para)), "")
    if corner:
        first = max(columns - 2, 1)
        ws.cell(1, first, corner).font = Font(name=DOCX_FONT, size=BODY_PT)
        ws.cell(1, first).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=columns)
        ws.row_dimensions[1].height = _height([corner], [sum(widths[first - 1:])], BODY_PT)
    heading = next((b.text for b in document.blocks if isinstance(b, Heading)), "")
    ws.cell(3, 1, heading).font = Font(name=DOCX_FONT, size=12, bold=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=columns)
    ws.cell(3, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[3].height = _height([heading], [sum(widths)], 12)
    return 5


def _rows(tables: list[Table]) -> list[list[str]]:
    """Every candidate's row with its number; the tables of a form printed one candidate per
    page carry their numbers already."""
    rows: list[list[str]] = []
    for table in tables:
        for row in table.rows:
            rows.append([f"{len(rows) + 1}.", *row] if table.numbered else list(row))
    if not rows and tables:
        blank = [""] * len(tables[0].headers)
        rows = [[f"{n}.", *blank] for n in range(1, tables[0].empty_rows + 1)]
    return rows


def _table(ws: Worksheet, tables: list[Table], first_row: int, widths: list[float]) -> int:
    """The head row and the candidates (a page break after each when each had its own page);
    the row after the table."""
    table = tables[0]
    headers = ["№ п/п", *table.headers] if table.numbered else list(table.headers)
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(first_row, column, text)
        cell.font, cell.alignment, cell.border = Font(name=DOCX_FONT, size=HEAD_PT, bold=True), \
            HEAD, BOX
    ws.row_dimensions[first_row].height = _height(headers, widths, HEAD_PT)
    rows = _rows(tables)
    for index, row in enumerate(rows, start=1):
        line = first_row + index
        for column, text in enumerate(row, start=1):
            value = _cell_value(text)
            cell = ws.cell(line, column, value)
            cell.font, cell.border = Font(name=DOCX_FONT, size=BODY_PT), BOX
            cell.alignment = CENTRE_TOP if column == 1 or isinstance(value, datetime) else WRAP
            if isinstance(value, datetime):
                cell.number_format = DATE_FORMAT
        ws.row_dimensions[line].height = _height(row, widths, BODY_PT)
        if len(tables) > 1 and index < len(rows):
            ws.row_breaks.append(Break(id=line))
    return first_row + len(rows) + 2


def _footnotes(ws: Worksheet, notes: Footnotes, row: int, widths: list[float]) -> None:
    """Each footnote across the table's width, wrapped."""
    for mark, text in notes.items:
        line = f"{mark} {text}"
        cell = ws.cell(row, 1, line)
        cell.font = Font(name=DOCX_FONT, size=NOTE_PT)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        ws.row_dimensions[row].height = _height([line], [sum(widths)], NOTE_PT)
        row += 1


def write_candidates_xlsx(document: Document, target: Path | BytesIO) -> None:
    """The form's table with its header, footnotes and print setup (A4 landscape)."""
    tables = [b for b in document.blocks if isinstance(b, Table)]
    notes = next(b for b in document.blocks if isinstance(b, Footnotes))
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one worksheet
    ws.title = SHEET_TITLE
    widths = _widths(tables[0])
    header_row = _title(ws, document, widths)
    next_row = _table(ws, tables, header_row, widths)
    _footnotes(ws, notes, next_row, widths)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = round(width, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None  # openpyxl makes one with every sheet
    fit.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    wb.save(target)
