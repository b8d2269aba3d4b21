"""The import report as xlsx: the refusals listed, and each sheet's rows with bad rows marked."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from desktop_app.exchange.cells import header_cell, plain_cell
from desktop_app.exchange.result import ImportResult
from desktop_app.exchange.safe import ExchangeError, open_workbook

BAD_FILL = PatternFill("solid", fgColor="F4CCCC")
REASON_TITLE = "Причина отказа"
REFUSALS_SHEET = "Отказы"


def save_report(result: ImportResult, out: Path) -> Path:
    """Write the refusals sheet and a copy of each checked sheet with its bad rows filled red."""
    wb = openpyxl.Workbook(write_only=True)
    _refusals(wb, result)
    reasons: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in result.errors:
        reasons[e.sheet][e.row].append(f"{e.column}: {e.reason}" if e.column != "—" else e.reason)
    try:
        source = open_workbook(result.path)
    except ExchangeError:
        source = None
    if source is not None:
        try:
            for outcome in result.sheets:
                for title in outcome.titles:  # an exchange table: with its continuation sheets
                    if title in source.sheetnames and title in reasons:
                        _marked_copy(wb, source[title], reasons[title], outcome.header_row)
        finally:
            source.close()
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _refusals(wb: Any, result: ImportResult) -> None:
    ws = wb.create_sheet(REFUSALS_SHEET)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (24, 8, 26, 26, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([header_cell(ws, t) for t in ("Лист", "Строка", "Столбец", "Значение", "Причина")])
    for e in result.errors:
        ws.append([plain_cell(ws, e.sheet), e.row, plain_cell(ws, e.column),
                   plain_cell(ws, e.value), plain_cell(ws, e.reason)])


def _marked_copy(wb: Any, source_ws: Any, reasons: dict[int, list[str]], header_row: int) -> None:
    ws = wb.create_sheet(source_ws.title[:31])
    width = 0
    for number, row in enumerate(source_ws.iter_rows(values_only=True), start=1):
        values = list(row)
        width = max(width, len(values))
        if number == header_row:
            cells = [header_cell(ws, v) if v is not None else None for v in values]
            ws.append(cells + [None] * (width - len(values)) + [header_cell(ws, REASON_TITLE)])
            continue
        bad = reasons.get(number)
        cells = [_marked(ws, v, bad is not None) for v in values]
        cells += [None] * (width - len(values))
        if bad:
            cells.append(_marked(ws, "; ".join(bad), True))
        if any(c is not None for c in cells):
            ws.append(cells)
        else:
            ws.append([])
    ws.column_dimensions[get_column_letter(width + 1)].width = 60


def _marked(ws: Any, value: Any, bad: bool) -> Any:
    cell = plain_cell(ws, value)
    if not bad:
        return cell
    if not hasattr(cell, "fill"):
        cell = WriteOnlyCell(ws, value=cell)
    cell.fill = BAD_FILL
    return cell
