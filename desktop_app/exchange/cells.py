"""Cell values both ways: header keys, dates, да/нет, numbers and text; cells safe to write."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from desktop_app.textutil import clean, fmt_date

DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM:SS"
FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
_NON_WORD = re.compile(r"[^\w]+")
_DATE_TEXT = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
YES = {"да", "+", "1", "д", "yes", "y", "true", "истина", "есть", "v", "✓"}
NO = {"нет", "-", "0", "н", "no", "n", "false", "ложь", "−", "–"}
SHOWN_CHARS = 80  # of a text too long for a cell, the beginning a refusal shows
EXACT_INTEGER = 2**53  # whole numbers a spreadsheet (a double) keeps exactly are below it


class CellProblem(ValueError):
    """A value that does not fit its column; the text is the Russian reason."""


def header_key(text: object) -> str:
    """A header folded for matching: case, ё/е, spaces, line breaks and punctuation ignored."""
    folded = clean(text).lower().replace("ё", "е")
    return _NON_WORD.sub("", folded)


def as_text(value: Any) -> str:
    """Any cell value as clean text (whole numbers without «.0», dates as дд.мм.гггг)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return fmt_date(value.date()) if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return fmt_date(value)
    return clean(value)


def parse_date(value: Any) -> date:
    """A real date cell or text дд.мм.гггг / д.м.гг / гггг-мм-дд; impossible dates refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellProblem("число вместо даты: введите дату как дд.мм.гггг")
    text = clean(value)
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year <= date.today().year % 100 else 1900
        return _make_date(year, month, day, text)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    raise CellProblem(f"«{text}» — не дата: нужна дата в виде дд.мм.гггг")


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellProblem(f"«{text}» — такой даты не бывает") from None


def parse_bool(value: Any) -> bool:
    """да/нет, +/-, 1/0 (and a few spellings of them)."""
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(f"«{text}» — нужно «да» или «нет»")


def parse_int(value: Any) -> int:
    """A whole number, also typed as text («12», «12,0»), that a spreadsheet keeps exactly."""
    if isinstance(value, bool):
        raise CellProblem("нужно целое число")
    if isinstance(value, int):
        return _exact(value, value)
    if isinstance(value, float):
        if value.is_integer():
            return _exact(int(value), value)
        raise CellProblem(f"«{as_text(value)}» — нужно целое число")
    number = _number_from_text(value)
    if not number.is_integer():
        raise CellProblem(f"«{clean(value)}» — нужно целое число")
    return _exact(int(number), value)


def _exact(number: int, value: Any) -> int:
    """A spreadsheet keeps a number as a double: a whole number from 2^53 on comes back changed
    (and past 2^63 the database cannot hold it)."""
    if abs(number) >= EXACT_INTEGER:
        raise CellProblem(f"«{as_text(value)}» — слишком большое число: в ячейке Excel оно не "
                          "сохраняется точно")
    return number


def parse_float(value: Any) -> float:
    """A finite number, also typed as text with a decimal comma or «%»."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise CellProblem(f"«{as_text(value)}» — слишком большое число") from None
        if math.isfinite(number):
            return number
        raise CellProblem(f"«{as_text(value)}» — не число")
    return _number_from_text(value)


def _number_from_text(value: Any) -> float:
    """A finite number from text: «inf», «nan» and «1e999» are not numbers a cell keeps."""
    text = clean(value).replace(" ", "").replace("\u202f", "").rstrip("%").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellProblem(f"«{clean(value)}» — не число") from None
    if not math.isfinite(number):
        raise CellProblem(f"«{clean(value)}» — не число")
    return number


def too_long(value: Any) -> str | None:
    """The reason a text longer than a cell holds (CELL_TEXT_LIMIT, Excel's limit) is refused,
    or None: the next export would cut it without a word, so it is not taken in."""
    if value.__class__ is not str or len(value) <= CELL_TEXT_LIMIT:
        return None
    return (f"текст из {grouped(len(value))} знаков, а в ячейку Excel помещается не больше "
            f"{grouped(CELL_TEXT_LIMIT)}: сократите его")


def shown(value: Any) -> str:
    """A value as a refusal shows it: a text too long for a cell by its beginning only."""
    text = as_text(value)
    if len(text) <= SHOWN_CHARS * 2:
        return text
    return f"{text[:SHOWN_CHARS]}… ({grouped(len(text))} знаков)"


def grouped(n: int) -> str:
    """32767 → «32 767» (thousands apart by a non-breaking space, as in Russian)."""
    return f"{n:,}".replace(",", "\u00a0")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())  # = not clean()


# writing --------------------------------------------------------------------------------------
def text_cell(ws: Worksheet, value: str) -> Any:
    """A text value, or a text-only cell when a spreadsheet would take it for a formula."""
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def date_cell(ws: Worksheet, value: date) -> Cell:
    cell = WriteOnlyCell(ws)  # the stubs take no date; the cell does
    cell.value = value
    cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    return cell


def header_cell(ws: Worksheet, title: str) -> Cell:
    cell = WriteOnlyCell(ws, value=title)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGN
    return cell


def plain_cell(ws: Worksheet, value: Any) -> Any:
    """A value ready for a write-only row: text guarded, dates formatted, bools as да/нет."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str):
        return text_cell(ws, value)
    if isinstance(value, date):
        return date_cell(ws, value)
    return value
