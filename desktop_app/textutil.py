"""Russian text habits: folding for search, collation (ё after е), ФИО forms, dates, numbers."""

from __future__ import annotations

import re
from datetime import date

_SPACES = re.compile(r"\s+")
_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}


def clean(text: object) -> str:
    """Trim, turn non-breaking and repeated spaces into one space."""
    if text is None:
        return ""
    return _SPACES.sub(" ", str(text).replace("\u00a0", " ")).strip()


def fold(text: object) -> str:
    """A search key: lower case, ё as е, spaces cleaned (SQLite lower() does not fold Cyrillic)."""
    return clean(text).lower().replace("ё", "е")


def ru_sort_key(text: object) -> tuple[tuple[int, int], ...]:
    """Sort key in Russian alphabetical order with ё right after е; other characters after."""
    key = []
    for ch in clean(text).lower():
        pos = _ORDER.get(ch)
        key.append((0, pos) if pos is not None else (1, ord(ch)))
    return tuple(key)


def fio(last: str, first: str, middle: str = "") -> str:
    return " ".join(part for part in (last, first, middle) if part)


def short_fio(last: str, first: str, middle: str = "") -> str:
    """«Иванов И.И.» as in lists."""
    initials = "".join(f"{p[0]}." for p in (first, middle) if p)
    return f"{last} {initials}".strip()


def signature_fio(last: str, first: str, middle: str = "") -> str:
    """«И.И. Иванов» as under a signature (non-breaking space keeps it on one line)."""
    initials = "".join(f"{p[0]}." for p in (first, middle) if p)
    return f"{initials}\u00a0{last}" if initials else last


def fmt_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def fmt_number(value: float, digits: int = 1) -> str:
    """12.5 → «12,5» (decimal comma)."""
    text = f"{value:.{digits}f}".replace(".", ",")
    return text


def fmt_percent(value: float | None, digits: int = 1) -> str:
    """12.5 → «12,5 %»."""
    if value is None:
        return "—"
    return f"{fmt_number(value, digits)}\u00a0%"


def years_between(start: date, end: date) -> int:
    """Full years from start to end (age, experience)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
