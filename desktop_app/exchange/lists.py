"""Any list on screen as an xlsx: its column titles and the rows as shown (filtered)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from desktop_app.exchange.cells import header_cell, plain_cell


def export_rows(titles: Sequence[str], rows: Sequence[Sequence[Any]], out: Path,
                sheet: str = "Список") -> Path:
    """Write titles and rows (plain values: text, numbers, dates, да/нет) to an xlsx file."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_name(sheet))
    ws.freeze_panes = "A2"
    for i, title in enumerate(titles, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(len(title) + 4, 40))
    ws.append([header_cell(ws, t) for t in titles])
    for row in rows:
        ws.append([plain_cell(ws, v) for v in row])
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _sheet_name(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")
    return (cleaned or "Список")[:31]
