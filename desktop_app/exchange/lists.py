"""Any list on screen as an xlsx: its column titles and the rows as shown (filtered)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from desktop_app.exchange.cells import header_cell, plain_cell

SHEET_DATA_ROWS = 1_048_575  # the rows of an Excel sheet, less its header


def export_rows(titles: Sequence[str], rows: Iterable[Sequence[Any]], out: Path,
                sheet: str = "Список") -> Path:
    """Write titles and rows (plain values: text, numbers, dates, да/нет) to an xlsx file; a
    list longer than a sheet holds (the 2 million rows of a region book's preview) goes on to
    «Список (2)», … with the titles again."""
    wb = openpyxl.Workbook(write_only=True)
    name = _sheet_name(sheet)
    ws = _list_sheet(wb, name, titles)
    written, part = 0, 1
    for row in rows:
        if written == SHEET_DATA_ROWS:
            part += 1
            ws = _list_sheet(wb, f"{name[:25]} ({part})", titles)
            written = 0
        ws.append([plain_cell(ws, v) for v in row])
        written += 1
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _list_sheet(wb: Any, name: str, titles: Sequence[str]) -> Any:
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    for i, title in enumerate(titles, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(len(title) + 4, 40))
    ws.append([header_cell(ws, t) for t in titles])
    return ws


def _sheet_name(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")
    return (cleaned or "Список")[:31]
