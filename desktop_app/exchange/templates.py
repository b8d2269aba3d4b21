"""Blank forms for ОО to fill: Russian headers with notes, dropdowns, date cells, frozen header.

The sheet of a form is written by FormSheet, which the collection round's workbooks share
(exchange/rounds/write.py): the same headers, notes, column formats and dropdowns from the
hidden list sheet, there pre-filled with an ОО's own rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from copy import copy
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import openpyxl
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import (
    DATE_FORMAT,
    FORMULA_STARTS,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
)
from desktop_app.exchange.importer import LISTS_SHEET, diagnostics_fields
from desktop_app.exchange.kinds import KIND_CODES, KIND_TITLES, KINDS, Field
from desktop_app.model import MentorshipForm, Organisation
from desktop_app.store.database import Database
from desktop_app.store.leftovers import written_whole
from desktop_app.textutil import ru_sort_key

FORM_ROWS = 1000
AUTHOR = "Методактив"
TEXT_FORMAT = "@"
TEXT_TYPES = ("text", "org", "form", "enum", "enums")
# a column the school does not fill (the record code of a round file): grey
GREY_FILL = PatternFill("solid", fgColor="E4E4E4")


class TemplateError(ValueError):
    """An unknown form name (message in Russian)."""


def write_template(db: Database, kind: str, out: Path) -> Path:
    """Write the blank form of one kind for this database (its ОО, forms and instrument)."""
    if kind not in KIND_CODES:
        raise TemplateError(
            f"Нет бланка «{kind}»; есть: {', '.join(KIND_CODES)}.")
    with db.sessions() as session:
        fields = _fields(session, kind)
        lists = closed_lists(session, fields)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(KIND_TITLES[kind][:31])
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"
    sheet = FormSheet(ws, fields, fill_lists(lists_ws, lists), FORM_ROWS)
    sheet.blank_rows(FORM_ROWS)
    with written_whole(out) as partial:  # removed on any error: out as it was
        wb.save(partial)
    return out


def _fields(session: Session, kind: str) -> tuple[Field, ...]:
    if kind == "diagnostics":
        return diagnostics_fields(session)[0]
    return KINDS[kind].fields


def closed_lists(session: Session, fields: Sequence[Field]) -> dict[str, list[str]]:
    """The values a dropdown of each closed column offers (field key → values): an enum's
    labels, the ОО of the database, its forms of mentorship."""
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


def fill_lists(ws: Any, lists: Mapping[str, list[str]]) -> dict[str, str]:
    """Each list in its own column of the hidden sheet (a write-only one: row by row); returns
    the list name → range formula."""
    ranges: dict[str, str] = {}
    names = list(lists)
    ws.append(names)
    for values in zip_longest(*lists.values()):
        ws.append([_text(ws, v) for v in values])
    for col, name in enumerate(names, start=1):
        count = len(lists[name])
        if count:
            letter = get_column_letter(col)
            ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${count + 1}"
    return ranges


def _text(ws: Any, value: str | None) -> Any:
    if value is None or not value.startswith("="):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # a list value is text, never a formula
    return cell


def header_title(f: Field) -> str:
    """The header of a form's column: its title, «*» when it must be filled."""
    return f.title + (" *" if f.required else "")


def column_width(f: Field) -> int:
    return max(f.width, min(len(f.title) + 2, 30))


def column_format(f: Field) -> str | None:
    """The number format of a column's cells: dates as ДД.ММ.ГГГГ, text kept as typed."""
    if f.type == "date":
        return DATE_FORMAT
    if f.type in TEXT_TYPES:
        return TEXT_FORMAT
    return None


class _FormCell(Cell):
    """A cell of a write-only row. openpyxl tries each appended cell as a value first and
    formats its repr into an error it then catches: a cheap repr saves that for every cell."""

    __slots__ = ()

    if TYPE_CHECKING:  # what openpyxl has and its stubs leave out
        _style: StyleArray  # the slot of StyleableObject, set directly for speed

        def __init__(self, worksheet: Any, row: int | None = None, column: int | None = None,
                     value: Any = None) -> None: ...

    def __repr__(self) -> str:
        return "<FormCell>"


# The styles of one workbook (header, column formats), made once: setting a style through
# openpyxl's descriptors hashes every part of it.
_STYLES: WeakKeyDictionary[Any, dict[tuple[str | None, bool], Any]] = WeakKeyDictionary()
_HEADER = ("header", False)


def _style(ws: Any, number_format: str | None, grey: bool) -> Any:
    """The style array of a cell with this format (and grey fill) in ws's workbook."""
    styles = _STYLES.setdefault(ws.parent, {})
    key = (number_format, grey)
    if key not in styles:
        sample = _FormCell(ws)
        if key == _HEADER:
            sample.font, sample.fill, sample.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        else:
            if number_format is not None:
                sample.number_format = number_format
            if grey:
                sample.fill = GREY_FILL
        styles[key] = sample._style
    return styles[key]


class FormSheet:
    """A form's sheet of a write-only workbook: the header row with a note on each column, each
    column's width, format (the column's own, so a row typed below the last one written gets
    it) and dropdown over `rows` rows under the header, the header frozen. Rows are then
    appended with append() or blank_rows().

    ranges: field key → the range of its list on the hidden sheet (fill_lists); grey: the keys
    of the columns the school does not fill (their cells grey)."""

    def __init__(self, ws: Any, fields: Sequence[Field], ranges: Mapping[str, str], rows: int,
                 grey: Collection[str] = ()) -> None:
        self.ws = ws
        self.fields = tuple(fields)
        self._styles = [self._setup_column(i, f, ranges.get(f.key), rows, f.key in grey)
                        for i, f in enumerate(self.fields, start=1)]
        # a written value keeps its own format where the column's matters to reading it back
        # (dates) or to the eye (grey); text is written as text, the column's text format is
        # for what the school types
        self._cells = [None if style is None or (f.type != "date" and f.key not in grey)
                       else _FormCell(ws) for f, style in zip(self.fields, self._styles,
                                                              strict=True)]
        for cell, style in zip(self._cells, self._styles, strict=True):
            if cell is not None:
                cell._style = style
        ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = 45
        ws.append([self._header(f) for f in self.fields])

    def _setup_column(self, index: int, f: Field, list_range: str | None, rows: int,
                      grey: bool) -> Any:
        """The column's width, format and dropdown; returns its cells' style (None: none)."""
        letter = get_column_letter(index)
        dimension = self.ws.column_dimensions[letter]
        dimension.width = column_width(f)
        validation = field_validation(f, list_range)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{rows + 1}")
            self.ws.data_validations.append(validation)
        number_format = column_format(f)
        if number_format is None and not grey:
            return None
        style = _style(self.ws, number_format, grey)
        dimension._style = copy(style)
        return style

    def _header(self, f: Field) -> Cell:
        cell = _FormCell(self.ws, value=header_title(f))
        cell._style = copy(_style(self.ws, *_HEADER))
        note = f.note + (" Обязательно." if f.required else "")
        cell.comment = Comment(note, AUTHOR, width=300, height=120)
        return cell

    def _value(self, index: int, value: Any) -> Any:
        """What a row holds in the column for value: the value itself, or the column's cell
        (one per column, written before the next row is made) holding it in its format."""
        if value.__class__ is str and value.startswith(FORMULA_STARTS):
            cell = _FormCell(self.ws, value=value)  # text a spreadsheet would take for a formula
            cell.data_type = "s"
            if self._styles[index] is not None:
                cell._style = copy(self._styles[index])
            cell.quotePrefix = True
            return cell
        reused = self._cells[index]
        if reused is None:
            return value
        reused.value = value
        return reused

    def append(self, values: Sequence[Any]) -> None:
        """One row of values, a value for each column in order (dates as dates)."""
        self.ws.append([self._value(i, v) for i, v in enumerate(values)])

    def blank_rows(self, count: int) -> None:
        """Rows with no value whose cells carry the column's format (the blank forms)."""
        for _ in range(count):
            row = []
            for style in self._styles:
                cell = None
                if style is not None:
                    cell = _FormCell(self.ws)
                    cell._style = style
                row.append(cell)
            self.ws.append(row)


def field_validation(f: Field, list_range: str | None) -> DataValidation | None:
    """The dropdown or the check of a column's cells (no cells yet: add() them), None when it
    has none."""
    made = _validation(f, list_range)
    if made is None:
        return None
    # a copy of the one made before: building it again sets every attribute through openpyxl's
    # checks, a cost each file of a round (hundreds of them) would pay anew
    dv = DataValidation.__new__(DataValidation)
    dv.__dict__.update(made.__dict__)
    dv.sqref = MultiCellRange()
    return dv


@lru_cache(maxsize=512)
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
