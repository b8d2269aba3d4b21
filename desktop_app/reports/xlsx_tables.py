"""A document's numbered tables as an Excel workbook: one sheet per table, its caption above
it, the header, the rows and the total; a cell that is a plain number is stored as a number
(«70,6» → 70.6, «127» → 127), so the figures can be summed and sorted; any other text stays
text."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from desktop_app.reports.docmodel import Document, Para, Table
from desktop_app.reports.fonts import DOCX_FONT

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
_NUMBER = re.compile(r"^−?-?\d+(,\d+)?$")
_CAPTION = re.compile(r"^Таблица (\d+) — ")


def _value(text: str) -> str | int | float:
    if not _NUMBER.match(text):
        return text
    plain = text.replace("−", "-").replace(",", ".")
    return float(plain) if "." in plain else int(plain)


def _tables(document: Document) -> list[tuple[str, Table]]:
    """Each table with the caption printed above it («Таблица N — …»)."""
    found: list[tuple[str, Table]] = []
    caption = ""
    for block in document.blocks:
        if isinstance(block, Para) and _CAPTION.match(block.text):
            caption = block.text
        elif isinstance(block, Table) and block.headers:
            found.append((caption or f"Таблица {len(found) + 1}", block))
            caption = ""
    return found


def write_tables_xlsx(document: Document, target: Path | BytesIO) -> None:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    font, bold = Font(name=DOCX_FONT, size=11), Font(name=DOCX_FONT, size=11, bold=True)
    for caption, table in _tables(document):
        number = _CAPTION.match(caption)
        ws = wb.create_sheet(f"Таблица {number.group(1)}" if number else caption[:31])
        ws.cell(row=1, column=1, value=caption).font = bold
        ws.cell(row=2, column=1, value=document.title).font = font
        lines = [list(table.headers), *map(list, table.rows)]
        if table.total:
            lines.append(list(table.total))
        widths = list(table.widths)
        if table.numbered:  # «№ п/п» as the printed table has it
            lines = [["№ п/п", *lines[0]],
                     *([str(n), *line] for n, line in enumerate(lines[1:len(table.rows) + 1],
                                                                 start=1)),
                     *([""] + line for line in lines[len(table.rows) + 1:])]
            widths = [6.0, *widths]
        for r, line in enumerate(lines, start=4):
            for c, text in enumerate(line, start=1):
                cell = ws.cell(row=r, column=c, value=text if r == 4 else _value(text))
                cell.border = BOX
                cell.font = bold if r == 4 or (table.total and r == 3 + len(lines)) else font
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        total = sum(widths) or 1
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=4, column=c).column_letter].width = max(
                10, 150 * width / total)
        ws.freeze_panes = "C5" if table.numbered else "B5"
    wb.save(target)
