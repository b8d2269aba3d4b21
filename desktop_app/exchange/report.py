"""The import report as xlsx: the refusals listed, and each sheet's rows with bad rows marked."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from desktop_app.exchange.book_file import BookSheet, open_book
from desktop_app.exchange.cells import header_cell, plain_cell
from desktop_app.exchange.result import ADDED, CHANGED, UNCHANGED, ImportResult
from desktop_app.exchange.safe import ExchangeError

BAD_FILL = PatternFill("solid", fgColor="F4CCCC")
REASON_TITLE = "Причина отказа"
REFUSALS_SHEET = "Отказы"
NOTES_SHEET = "Замечания"  # the remarks (ImportResult.notes), after «Отказы», when there are any
# A refused file's counts, sheet by sheet, before «Отказы»: what was found in it.
TOTALS_SHEET = "Итоги"
TOTALS_HEADER = ("Лист", "Что в нём", "Строк прочитано", "Добавить", "Изменить",
                 "Без изменений", "Отказано строк", "Ошибки листа")


def save_report(result: ImportResult, out: Path) -> Path:
    """Write the refusals sheet and a copy of each checked sheet with its bad rows filled red;
    a refused file's report opens with its counts («Итоги»)."""
    wb = openpyxl.Workbook(write_only=True)
    if result.refused and not result.applied:
        _totals(wb, result)
    _refusals(wb, result)
    if result.notes:
        _notes(wb, result)
    reasons: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in result.errors:
        reasons[e.sheet][e.row].append(f"{e.column}: {e.reason}" if e.column != "—" else e.reason)
    try:
        source = open_book(result.path)
    except ExchangeError:
        source = None
    if source is not None:
        try:
            for outcome in result.sheets:
                for title in outcome.titles:  # an exchange table: with its continuation sheets
                    if title in source and title in reasons:
                        _marked_copy(wb, source[title], reasons[title], outcome.header_row)
        finally:
            source.close()
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _totals(wb: Any, result: ImportResult) -> None:
    """The counts of a refused file: per sheet the rows read, what they would have done (blank
    where a refused exchange book counted nothing), the rows refused, the sheet's own errors."""
    ws = wb.create_sheet(TOTALS_SHEET)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (28, 26, 16, 11, 11, 15, 16, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([header_cell(ws, t) for t in TOTALS_HEADER])
    sums = [0] * 6
    for s in result.sheets:
        if not (s.actions or s.errors or s.fatal or s.read):
            continue
        read, refused, whole = s.rows_read(), len(s.refused_rows()), len(s.sheet_errors())
        counted = bool(s.actions) or read == refused
        actions = [s.count(a) for a in (ADDED, CHANGED, UNCHANGED)] if counted else [None] * 3
        values = [read, *actions, refused, whole]
        sums = [total + (v or 0) for total, v in zip(sums, values, strict=True)]
        ws.append([plain_cell(ws, ", ".join(s.titles)), plain_cell(ws, s.kind_title), *values])
    ws.append([header_cell(ws, "Всего"), None, *sums])
    ws.append([])
    ws.append([plain_cell(ws, result.message or "Файл не принят; база не изменена.")])


def _refusals(wb: Any, result: ImportResult) -> None:
    ws = wb.create_sheet(REFUSALS_SHEET)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (24, 8, 26, 26, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([header_cell(ws, t) for t in ("Лист", "Строка", "Столбец", "Значение", "Причина")])
    for e in result.errors:
        ws.append([plain_cell(ws, e.sheet), e.row, plain_cell(ws, e.column),
                   plain_cell(ws, e.value), plain_cell(ws, e.reason)])


def _notes(wb: Any, result: ImportResult) -> None:
    """The remarks (not refusals: the rows were taken in), as «Отказы» lists the refusals."""
    ws = wb.create_sheet(NOTES_SHEET)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (24, 8, 12, 30, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([header_cell(ws, t) for t in ("Лист", "Строка", "Столбец", "Значение",
                                             "Замечание")])
    for n in result.notes:
        ws.append([plain_cell(ws, n.sheet), n.row, plain_cell(ws, n.column),
                   plain_cell(ws, n.value), plain_cell(ws, n.reason)])


def _marked_copy(wb: Any, source_ws: BookSheet, reasons: dict[int, list[str]],
                 header_row: int) -> None:
    ws = wb.create_sheet(source_ws.title[:31])
    width = 0
    for number, row in enumerate(source_ws.iter_rows(), start=1):
        values: list[Any] = list(row)
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
