"""Writing an exchange workbook (workbook.export_all lays the tables on their sheets): the
refusal of a text longer than a cell holds, the rows to write counted for the progress, the
«Сведения» sheet (format version, program version, date, the table of sheets), each column's
value as its cell (a list's label, да/нет/«не указано», a date), a table's sheet with its
header row and the widths of its columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import openpyxl.utils
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Table, func, or_, select
from sqlalchemy.orm import Session

from desktop_app import __version__
from desktop_app.exchange.book_spec import (
    DATETIME_TEXT,
    INFO_HEADER,
    UNKNOWN_TEXT,
    _grouped,
    carried_columns,
    exchange_tables,
)
from desktop_app.exchange.cells import date_cell, header_cell, text_cell
from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from desktop_app.exchange.safe import ExchangeError
from desktop_app.exchange.schema import (
    ENUMS,
    FORMAT_VERSION,
    INFO_TITLE,
    SINGLE_SHEET_VERSION,
    column_title,
    part_title,
    sheet_title,
)

TOO_LONG_SHOWN = 20  # texts too long for a cell that a refused export names


def _check_lengths(session: Session) -> None:
    """Refuse the export of a text longer than a cell holds (CELL_TEXT_LIMIT): the book would
    cut it without a word (openpyxl and Excel do), and the copy made of it would differ."""
    found: list[str] = []
    for table in exchange_tables():
        texts = [c for c in carried_columns(table)
                 if isinstance(c.type, String) and (table.name, c.name) not in ENUMS]
        if not texts or len(found) >= TOO_LONG_SHOWN:
            continue
        key = list(table.primary_key.columns)
        longer = or_(*(func.length(c) > CELL_TEXT_LIMIT for c in texts))
        rows = session.execute(select(*key, *texts).where(longer).limit(TOO_LONG_SHOWN))
        for row in rows:
            code = "/".join(str(v) for v in row[:len(key)])
            for column, value in zip(texts, row[len(key):], strict=True):
                if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
                    found.append(f"лист «{sheet_title(table.name)}», код записи {code}, столбец "
                                 f"«{column_title(table.name, column.name)}» — "
                                 f"{_grouped(len(value))} знаков")
    if found:
        raise ExchangeError(
            f"Выгрузка не сделана: в ячейку Excel помещается не больше "
            f"{_grouped(CELL_TEXT_LIMIT)} знаков, а эти тексты длиннее (книга обрезала бы их): "
            + "; ".join(found[:TOO_LONG_SHOWN]) + ". Сократите их в программе и выгрузите "
            "базу снова.")


def _database_rows(session: Session) -> int:
    return sum(int(session.scalar(select(func.count()).select_from(t)) or 0)
               for t in exchange_tables())


def _write_info(ws: Any, now: datetime, counts: dict[str, int], parts: dict[str, int]) -> None:
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 40
    version = FORMAT_VERSION if any(n > 1 for n in parts.values()) else SINGLE_SHEET_VERSION
    ws.append([header_cell(ws, INFO_TITLE)])
    ws.append(["Версия формата", version])
    ws.append(["Версия программы", __version__])
    ws.append(["Дата выгрузки", date_cell(ws, now)])
    ws.append([])
    ws.append([header_cell(ws, t) for t in INFO_HEADER])
    for name, count in counts.items():
        ws.append([sheet_title(name), name, count, parts[name]])


def _converters(ws: Any, table: Table) -> list[Callable[[Any], Any]]:
    out: list[Callable[[Any], Any]] = []
    for column in carried_columns(table):
        enum = ENUMS.get((table.name, column.name))
        if enum is not None:
            labels = {m.value: m.label for m in enum}

            def labelled(v: Any, labels: dict[str, str] = labels) -> Any:
                return None if v is None else text_cell(ws, labels.get(v, v))

            out.append(labelled)
        elif isinstance(column.type, Boolean):
            out.append(_yes_no_unknown if column.nullable else _yes_no)
        elif isinstance(column.type, DateTime):
            out.append(lambda v: None if v is None else v.strftime(DATETIME_TEXT))
        elif isinstance(column.type, Date):
            out.append(lambda v: None if v is None else date_cell(ws, v))
        elif isinstance(column.type, Integer | Float):
            out.append(lambda v: v)
        else:
            out.append(lambda v: None if v is None or v == "" else text_cell(ws, v))
    return out


def _table_sheet(wb: Any, table: Table, part: int, columns: list[Any]) -> Any:
    """A new sheet of the table (part 1 — its own, 2… — continuations) with the header row."""
    ws = wb.create_sheet(part_title(table.name, part))
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = _width(column)
    ws.append([header_cell(ws, column_title(table.name, c.name)) for c in columns])
    return ws


def _width(column: Any) -> int:
    if isinstance(column.type, Date):
        return 12
    if isinstance(column.type, Integer | Float | Boolean):
        return 10
    return 24


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else "да" if value else "нет"


def _yes_no_unknown(value: bool | None) -> str | None:
    """A yes/no that may be not given: None is written «не указано», not left blank."""
    return UNKNOWN_TEXT if value is None else _yes_no(value)
