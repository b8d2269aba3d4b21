"""The data rows of an exchange workbook's sheets, laid out as the XML xlsxwriter streams in its
constant_memory mode and appended to the sheet's row file a few thousand rows at a time.

xlsxwriter writes a cell through half a dozen Python calls (about 8 µs: 64 s for the region's
8 million cells, no faster than openpyxl); a table's row is laid out here in one pass of
formatters made for its columns. The cells are those xlsxwriter writes itself: numbers as
Python writes them (repr, so that a float needing 17 digits comes back the same — xlsxwriter
keeps 16), dates as serial numbers with the date format, every text an inline string escaped
as xlsxwriter escapes it (&, <, >; control characters and a literal «_xHHHH_» as Excel's
_xHHHH_ escapes; xml:space="preserve" around leading or trailing spaces), a text a spreadsheet
would take for a formula with the quote prefix. The sheet, its header row (written through
xlsxwriter's own calls), its dimension and the rest of the book stay xlsxwriter's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Table
from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from desktop_app.exchange.book_spec import DATETIME_TEXT, UNKNOWN_TEXT, _grouped, carried_columns
from desktop_app.exchange.cells import FORMULA_STARTS
from desktop_app.exchange.safe import ExchangeError
from desktop_app.exchange.schema import ENUMS, column_title

# A text that needs more than writing as it is (the common text needs nothing).
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
# Characters XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE): a text holding one is
# refused, as openpyxl refused it — written as _xHHHH_, not every reader would take it back.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # «_x000D_» typed as text: kept as text
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # what is left of them: \r (a carriage return)
_EDGE_SPACE = re.compile(r"^\s|\s$")
CELL_UNITS = 32_767  # UTF-16 units a cell holds (a character beyond U+FFFF takes two)
_DAY_ZERO = date(1899, 12, 31).toordinal()  # Excel's day 0 (its day 1: 1 January 1900)
CellXml = Callable[[Any, int], str | None]  # (value, row number from 1) → the cell, None: empty


class Sheet(Worksheet):  # type: ignore[misc]
    """An xlsxwriter sheet that also takes rows laid out here (add_rows)."""

    def add_rows(self, xml: str, last_row: int, last_column: int) -> None:
        """Append rows (their XML, row numbers after those written so far, up to last_row:
        from 0, as xlsxwriter counts) to the sheet's row file, after the row xlsxwriter keeps
        in memory (the header), and stretch the sheet's dimension over them."""
        self._write_single_row(last_row)  # the kept row written, last_row is the current one
        self.fh.write(xml)
        self._check_dimensions(last_row, last_column)


class TableRows:
    """Lays out a table's rows as sheet XML, column by column by the column's type."""

    def __init__(self, table: Table, date_style: int, quoted_style: int) -> None:
        self.table, self.sheet = table, ""
        self.date_style, self.quoted_style = f' s="{date_style}"', f' s="{quoted_style}"'
        # (index, cell, written when None, the letter of a number column — its whole numbers
        # are written by xml() itself, the most cells of a book — else "")
        self.columns: list[tuple[int, CellXml, bool, str]] = []
        for i, column in enumerate(carried_columns(table)):
            letter = xl_col_to_name(i)
            enum = ENUMS.get((table.name, column.name))
            whole, blank = "", False
            if enum is not None:
                cell = self._labelled(letter, {m.value: m.label for m in enum})
            elif isinstance(column.type, Boolean):
                # a yes/no that may be not given is written «не указано», not left blank
                cell, blank = self._yes_no(letter), bool(column.nullable)
            elif isinstance(column.type, DateTime):
                cell = self._moment(letter)
            elif isinstance(column.type, Date):
                cell = self._day(letter)
            elif isinstance(column.type, Integer | Float):
                cell, whole = self._number(letter), letter
            else:
                cell = self._text(letter)
            self.columns.append((i, cell, blank, whole))
        self.last_column = len(self.columns) - 1

    def xml(self, rows: Sequence[Any], first: int, sheet: str) -> str:
        """The rows as sheet XML, numbered from first (from 1); sheet: its title, for a
        refusal."""
        self.sheet = sheet
        out: list[str] = []
        append = out.append
        number = first - 1
        columns = self.columns
        for row in rows:
            number += 1
            append(f'<row r="{number}">')
            for i, cell, blank, whole in columns:
                value = row[i]
                if value is None:
                    if not blank:
                        continue
                elif whole and value.__class__ is int:
                    append(f'<c r="{whole}{number}"><v>{value}</v></c>')
                    continue
                xml = cell(value, number)
                if xml is not None:
                    append(xml)
            append("</row>")
        return "".join(out)

    # the cells, by the column's type -----------------------------------------------------
    def _text(self, letter: str) -> CellXml:
        quoted = self.quoted_style

        def cell(value: str, row: int) -> str | None:
            if not value:
                return None  # an empty text is read back as an empty cell
            style = quoted if value.startswith(FORMULA_STARTS) else ""
            space = ""
            if _SPECIAL.search(value) is not None or len(value) > CELL_UNITS // 2:
                value, space = self._escaped(value, letter, row)
            return f'<c r="{letter}{row}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'

        return cell

    def _labelled(self, letter: str, labels: dict[str, str]) -> CellXml:
        """A closed list's value written as its label (a value the list lacks as it is)."""
        text = self._text(letter)
        return lambda value, row: text(labels.get(value) or value, row)

    def _yes_no(self, letter: str) -> CellXml:
        text = self._text(letter)
        return lambda value, row: text(
            UNKNOWN_TEXT if value is None else "да" if value else "нет", row)

    def _moment(self, letter: str) -> CellXml:
        text = self._text(letter)
        return lambda value, row: text(value.strftime(DATETIME_TEXT), row)

    def _day(self, letter: str) -> CellXml:
        style = self.date_style

        def cell(value: date, row: int) -> str:
            if isinstance(value, datetime):
                value = value.date()
            serial = value.toordinal() - _DAY_ZERO
            # Excel counts a 29 February 1900 that never was; a day before its first (a value
            # the import refuses) is counted from 30 December 1899, as openpyxl counts it
            serial += serial > 59 or serial < 0
            return f'<c r="{letter}{row}"{style}><v>{serial}</v></c>'

        return cell

    def _number(self, letter: str) -> CellXml:
        text = self._text(letter)

        def cell(value: Any, row: int) -> str | None:  # a whole number: written by xml()
            kind = value.__class__
            if kind is int or (kind is float and math.isfinite(value)):
                return f'<c r="{letter}{row}"><v>{value!r}</v></c>'
            if kind is float:
                self._refuse(letter, row, f"число «{value}» нельзя записать в ячейку Excel")
            return text(str(value), row)  # a text kept in a number column (SQLite's affinity)

        return cell

    # texts ---------------------------------------------------------------------------------
    def _escaped(self, value: str, letter: str, row: int) -> tuple[str, str]:
        """A text escaped as xlsxwriter escapes an inline string, and its xml:space; a text
        with a character XML cannot carry, or longer than a cell holds, is refused."""
        found = _ILLEGAL.search(value)
        if found is not None:
            self._refuse(letter, row, f"в тексте есть управляющий знак U+{ord(found.group()):04X}"
                                      ", которого не может быть в файле Excel")
        if len(value.encode("utf-16-le")) // 2 > CELL_UNITS:
            self._refuse(letter, row, f"текст из {_grouped(len(value))} знаков не помещается в "
                                      "ячейку Excel (знаки вне основной таблицы Юникода, "
                                      "например эмодзи, занимают по два места)")
        value = _LITERAL_ESCAPE.sub(r"_x005F\1", value)
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        space = ' xml:space="preserve"' if _EDGE_SPACE.search(value) else ""
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return value, space

    def _refuse(self, letter: str, row: int, reason: str) -> None:
        index = next(i for i, *_rest in self.columns if xl_col_to_name(i) == letter)
        title = column_title(self.table.name, carried_columns(self.table)[index].name)
        raise ExchangeError(f"Выгрузка не сделана: лист «{self.sheet}», строка {row}, столбец "
                            f"{letter} («{title}»): {reason}. Исправьте это значение в "
                            "программе и выгрузите базу снова.")
