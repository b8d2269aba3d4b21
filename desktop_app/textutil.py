"""Russian text habits: folding for search, collation (ё after е), ФИО forms, dates, numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


class _RussianOrder(dict[int, int]):
    """A str.translate table putting text in Russian order as plain code points: spaces,
    punctuation and digits (every code below Latin «a») first, so names compare word by word
    («Иванов Яков» before «Иванова Анна»); then Russian letters in alphabetical order (ё right
    after е); then every other character in code order. Comparing translated strings runs in
    C, many times faster than comparing per-character tuples, which matters when 30 000 names
    are sorted."""

    def __missing__(self, code: int) -> int:
        if code < _FIRST_LETTER:
            value = code
        else:
            shifted = code + len(_ALPHABET)
            value = shifted if shifted <= 0x10FFFF else code
        self[code] = value
        return value


_FIRST_LETTER = ord("a")  # Russian letters take the codes from here on, the rest moves up
_ORDER = _RussianOrder({ord(ch): _FIRST_LETTER + i for i, ch in enumerate(_ALPHABET)})


def clean(text: object) -> str:
    """Trim, turn non-breaking and repeated spaces into one space.

    str.split() splits at exactly the characters the pattern \\s+ matches (non-breaking spaces
    included: both ask Py_UNICODE_ISSPACE), about three times faster — an import of 30 000
    people cleans 1,7 million cells."""
    if text is None:
        return ""
    return " ".join(str(text).split())


def fold(text: object) -> str:
    """A search key: lower case, ё as е, spaces cleaned (SQLite lower() does not fold Cyrillic)."""
    return clean(text).lower().replace("ё", "е")


def ru_sort_key(text: object) -> str:
    """Sort key in Russian alphabetical order with ё right after е; other characters after.

    Case-insensitive, spaces cleaned as clean() does (str.split() is clean() without a regex).
    The one Russian key of the program: lists, services and documents all sort with it."""
    if text is None:
        return ""
    return " ".join(str(text).split()).lower().translate(_ORDER)


def fio(last: str, first: str, middle: str = "") -> str:
    return " ".join(part for part in (last, first, middle) if part)


def person_key(*parts: str | None) -> str:
    """The one key people are matched on everywhere (people.search_key): the folded ФИО.

    Takes the three parts or one «Фамилия Имя Отчество» text; case, ё/е and spaces ignored.
    """
    return fold(" ".join(part for part in parts if part))


def person_sort_key(last: str, first: str, middle: str = "") -> str:
    """The stored Russian order of a person (people.sort_key): ru_sort_key of the ФИО, so lists
    come sorted straight from SQL (ORDER BY sort_key, id; code point order = Russian order)."""
    return ru_sort_key(fio(last, first, middle))


def short_fio(last: str, first: str, middle: str = "") -> str:
    """«Иванов И.И.» as in lists."""
    initials = "".join(f"{p[0]}." for p in (first, middle) if p)
    return f"{last} {initials}".strip()


def signature_fio(last: str, first: str, middle: str = "") -> str:
    """«И.И. Иванов» as under a signature (non-breaking space keeps it on one line)."""
    initials = "".join(f"{p[0]}." for p in (first, middle) if p)
    return f"{initials}\u00a0{last}" if initials else last


def quoted_names(names: Sequence[str], shown: int = 5) -> str:
    """«a», «b», «c» — the first few names of a list, and «и ещё N» for the rest."""
    listed = ", ".join(f"«{name}»" for name in names[:shown])
    return listed + (f" и ещё {len(names) - shown}" if len(names) > shown else "")


def fmt_date(value: date | None) -> str:
    """дд.мм.гггг (by hand, not strftime: the same on every system, and a list of 30 000 rows
    formats its dates without strftime's cost)."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}" if value else ""


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
