"""Blank forms for ОО to fill: Russian headers with notes, dropdowns, date cells, frozen header."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import DATE_FORMAT, HEADER_ALIGN, HEADER_FILL, HEADER_FONT
from desktop_app.exchange.importer import LISTS_SHEET, diagnostics_fields
from desktop_app.exchange.kinds import KIND_CODES, KIND_TITLES, KINDS, Field
from desktop_app.model import MentorshipForm, Organisation
from desktop_app.store.database import Database
from desktop_app.textutil import ru_sort_key

FORM_ROWS = 1000
AUTHOR = "Методактив"


class TemplateError(ValueError):
    """An unknown form name (message in Russian)."""


def write_template(db: Database, kind: str, out: Path) -> Path:
    """Write the blank form of one kind for this database (its ОО, forms and instrument)."""
    if kind not in KIND_CODES:
        raise TemplateError(
            f"Нет бланка «{kind}»; есть: {', '.join(KIND_CODES)}.")
    with db.sessions() as session:
        fields = _fields(session, kind)
        lists = _closed_lists(session, fields)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = KIND_TITLES[kind][:31]
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"
    ranges = _fill_lists(lists_ws, lists)
    for i, f in enumerate(fields, start=1):
        _column(ws, i, f, ranges.get(f.key))
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 45
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _fields(session: Session, kind: str) -> tuple[Field, ...]:
    if kind == "diagnostics":
        return diagnostics_fields(session)[0]
    return KINDS[kind].fields


def _closed_lists(session: Session, fields: tuple[Field, ...]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for f in fields:
        if f.type == "enum" and f.enum is not None:
            lists[f.key] = [m.label for m in f.enum]
        elif f.type == "org":
            # working ОО first, then the closed ones (a leaving from a closed ОО is reported
            # with its name; working there is refused on import)
            rows = session.execute(select(Organisation.short_name, Organisation.is_active))
            lists[f.key] = [name for name, _active in sorted(
                rows, key=lambda r: (not r[1], ru_sort_key(r[0])))]
        elif f.type == "form":
            lists[f.key] = list(session.scalars(
                select(MentorshipForm.name).order_by(MentorshipForm.position, MentorshipForm.id)))
    return lists


def _fill_lists(ws: Worksheet, lists: dict[str, list[str]]) -> dict[str, str]:
    """Each list in its own column of the hidden sheet; returns the field → range formula."""
    ranges: dict[str, str] = {}
    for col, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=key)
        for row, value in enumerate(values, start=2):
            cell = ws.cell(row=row, column=col, value=value)
            cell.data_type = "s"
        if values:
            ranges[key] = (f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}$"
                           f"{len(values) + 1}")
    return ranges


def _column(ws: Worksheet, index: int, f: Field, list_range: str | None) -> None:
    letter = get_column_letter(index)
    cell = ws.cell(row=1, column=index, value=f.title + (" *" if f.required else ""))
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    note = f.note + (" Обязательно." if f.required else "")
    cell.comment = Comment(note, AUTHOR, width=300, height=120)
    ws.column_dimensions[letter].width = max(f.width, min(len(f.title) + 2, 30))
    area = f"{letter}2:{letter}{FORM_ROWS + 1}"
    validation = _validation(f, list_range)
    if validation is not None:
        validation.add(area)
        ws.add_data_validation(validation)
    if f.type == "date":
        for row in range(2, FORM_ROWS + 2):
            ws.cell(row=row, column=index).number_format = DATE_FORMAT
    elif f.type in ("text", "org", "form", "enum", "enums"):
        for row in range(2, FORM_ROWS + 2):
            ws.cell(row=row, column=index).number_format = "@"


def _validation(f: Field, list_range: str | None) -> DataValidation | None:
    if f.type in ("enum", "org", "form") and list_range:
        dv = DataValidation(type="list", formula1=list_range, allow_blank=not f.required)
    elif f.type == "bool":
        choices = '"да,нет,не указано"' if f.unknown else '"да,нет"'
        dv = DataValidation(type="list", formula1=choices, allow_blank=True)
    elif f.type == "date":
        dv = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)",
                            formula2="DATE(2100,12,31)", allow_blank=True)
    elif f.low is not None and f.high is not None:
        dv = DataValidation(type="whole", operator="between", formula1=str(f.low),
                            formula2=str(f.high), allow_blank=True)
    else:
        return None
    dv.error = f"Недопустимое значение в столбце «{f.title}». {f.note}"
    dv.errorTitle = "Методактив"
    dv.prompt = f.note
    dv.showErrorMessage = True
    dv.showInputMessage = False
    return dv

