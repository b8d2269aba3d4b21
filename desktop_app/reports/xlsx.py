"""The candidate form (seed 004, Приложение) as an Excel workbook, laid out for printing."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.reports.docmodel import Document, Footnotes, Heading, Table
from desktop_app.reports.fonts import DOCX_FONT

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD = Alignment(wrap_text=True, vertical="center", horizontal="center")
SHEET_TITLE = "Кандидаты в ММА"


def _title(ws: Worksheet, document: Document, columns: int) -> int:
    heading = next(b for b in document.blocks if isinstance(b, Heading))
    ws.cell(1, columns, "Приложение к Положению о муниципальном методическом активе")
    ws.cell(1, columns).alignment = Alignment(wrap_text=True, horizontal="left")
    ws.cell(3, 1, heading.text).font = Font(name=DOCX_FONT, size=12, bold=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=columns)
    ws.cell(3, 1).alignment = Alignment(horizontal="center")
    return 5


def _table(ws: Worksheet, table: Table, first_row: int) -> int:
    headers = ["№ п/п", *table.headers]
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(first_row, column, text)
        cell.font, cell.alignment, cell.border = Font(name=DOCX_FONT, size=10, bold=True), HEAD, BOX
    rows = [list(r) for r in table.rows] or [[""] * len(table.headers)] * table.empty_rows
    for index, row in enumerate(rows, start=1):
        for column, text in enumerate([f"{index}.", *row], start=1):
            cell = ws.cell(first_row + index, column, text)
            cell.font, cell.alignment, cell.border = Font(name=DOCX_FONT, size=10), WRAP, BOX
    return first_row + len(rows) + 2


def _footnotes(ws: Worksheet, notes: Footnotes, row: int) -> None:
    for mark, text in notes.items:
        ws.cell(row, 1, f"{mark} {text}").font = Font(name=DOCX_FONT, size=9)
        row += 1


def write_candidates_xlsx(document: Document, target: Path | BytesIO) -> None:
    """The form's table with its header, footnotes and print setup (A4 landscape)."""
    table = next(b for b in document.blocks if isinstance(b, Table))
    notes = next(b for b in document.blocks if isinstance(b, Footnotes))
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    columns = len(table.headers) + 1
    header_row = _title(ws, document, columns)
    next_row = _table(ws, table, header_row)
    _footnotes(ws, notes, next_row)
    ws.column_dimensions["A"].width = 6
    for column, width in enumerate(table.widths, start=2):
        ws.column_dimensions[get_column_letter(column)].width = width * 0.9
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    wb.save(target)
