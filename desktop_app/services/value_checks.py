"""The value checks of single fields: each returns the Russian reason a value is refused, or None.

Holds the limits of a record's values (ages, years, the earliest and the latest date), the parsing
and normalising of a typed date, phone and e-mail, and the small checks of one value — a part of
a ФИО, an e-mail, a phone, a date (past or planned), a birth date, a year of graduation, the start
of the pedagogical experience, a leaving, a number within bounds, a score, an end not before its
start. The person and organisation validators (validation.py) and the column and row rules of
the exchange workbook (value_rules.py) are built of them. Nothing here touches the database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from desktop_app.textutil import clean, fmt_date, years_between

MIN_AGE = 18
MAX_AGE = 80
MIN_WORK_AGE = 16
MIN_GRADUATION_AGE = 15
OLDEST_YEAR = 1940
EARLIEST_DATE = date(1900, 1, 1)  # no date of this program's records is earlier
PLANNED_YEARS = 50  # a planned date (the end of a pair, a deadline) at most this far ahead

_NAME_PART = re.compile(r"^[^\W\d_]+(?:[- ][^\W\d_]+)*$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_EMAIL_RU = re.compile(r"^[^@\s]+@[^@\s]+\.(?:рф|рус)$", re.IGNORECASE)
_PHONE_JUNK = re.compile(r"[\s\-()\.\u00a0\u2010-\u2015]")


# parsing and normalising ----------------------------------------------------------------------
def parse_date_ru(text: object) -> date | None:
    """ДД.ММ.ГГГГ (also ГГГГ-ММ-ДД, a date or datetime) → date; None for an impossible date."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = clean(text)
    for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def normalise_phone(text: str) -> str | None:
    """A Russian phone (+7 or 8 and 10 digits, any spaces, dashes, brackets) → +7 (XXX) XXX-XX-XX.

    Returns None when the text is not such a phone; "" for an empty text.
    """
    raw = _PHONE_JUNK.sub("", clean(text))
    if not raw:
        return ""
    if raw.startswith("+7"):
        digits = raw[2:]
    elif raw[:1] in ("7", "8") and len(raw) == 11:
        digits = raw[1:]
    else:
        return None
    if len(digits) != 10 or not digits.isdigit():
        return None
    return f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def normalise_email(text: str) -> str:
    return clean(text).replace(" ", "").lower()


# single-field checks (each returns the reason or None) ------------------------------------------
def name_part_problem(value: str, required: bool) -> str | None:
    """ФИО part: letters (ё too), a hyphen or a space between letters; one alphabet."""
    text = clean(value)
    if not text:
        return "не заполнено" if required else None
    if len(text) > 100:
        return "не длиннее 100 знаков"
    if not _NAME_PART.match(text):
        return f"«{text}» — допустимы только буквы, дефис и пробел между частями"
    if _CYRILLIC.search(text) and _LATIN.search(text):
        return f"«{text}» — смешаны русские и латинские буквы"
    return None


def email_problem(value: str) -> str | None:
    text = normalise_email(value)
    if not text or _EMAIL.match(text) or _EMAIL_RU.match(text):
        return None
    return f"«{value.strip()}» — не адрес электронной почты (нужно имя@домен.ru)"


def phone_problem(value: str) -> str | None:
    if normalise_phone(value) is None:
        return (
            f"«{value.strip()}» — не российский номер: нужно +7 или 8 и 10 цифр, "
            "например +7 (913) 123-45-67"
        )
    return None


def working_age_problem(born: date, on: date) -> str | None:
    """A date of work (a move, a leaving) before the person was 16."""
    if years_between(born, on) < MIN_WORK_AGE:
        return (f"{fmt_date(on)} — педагогу тогда не было {MIN_WORK_AGE} лет "
                f"(дата рождения {fmt_date(born)})")
    return None


def future_problem(value: date | None, on: date) -> str | None:
    if value is not None and value > on:
        return f"дата {fmt_date(value)} ещё не наступила (сегодня {fmt_date(on)})"
    return None


def date_problem(day: date, on: date, past: bool = True) -> str | None:
    """A date of a record: not before 1900; a past one (an event) not after today, a planned
    one (an end, a deadline) not more than PLANNED_YEARS ahead."""
    if day < EARLIEST_DATE:
        return f"{fmt_date(day)} — слишком ранняя дата (не раньше {fmt_date(EARLIEST_DATE)})"
    if past:
        return future_problem(day, on)
    latest = _add_years(on, PLANNED_YEARS)
    if day > latest:
        return f"{fmt_date(day)} — слишком поздняя дата (не позже {fmt_date(latest)})"
    return None


def birth_date_problem(born: date, on: date, oldest: int = MAX_AGE) -> str | None:
    """A birth date in the past giving an age from MIN_AGE to oldest on the day on."""
    problem = date_problem(born, on)
    if problem:
        return problem
    age = years_between(born, on)
    if not MIN_AGE <= age <= oldest:
        return f"возраст на {fmt_date(on)} — {age} (допустимо от {MIN_AGE} до {oldest} лет)"
    return None


def education_year_problem(year: int, born: date | None, on: date) -> str | None:
    """The year of graduation: not to come, not before 1940 nor before the age of 15."""
    earliest = OLDEST_YEAR
    if born is not None:
        earliest = max(earliest, born.year + MIN_GRADUATION_AGE)
    if year > on.year:
        return f"{year} год ещё не наступил"
    if year < earliest:
        return f"{year} — слишком рано (не раньше {earliest} года)"
    return None


def experience_start_problem(start: date, born: date, on: date) -> str | None:
    """The pedagogical experience cannot begin before the age of 16."""
    if start <= on and years_between(born, start) < MIN_WORK_AGE:
        limit = _add_years(born, MIN_WORK_AGE)
        return (f"стаж с {fmt_date(start)} длиннее, чем позволяет возраст: педагогический стаж "
                f"не может начаться раньше {MIN_WORK_AGE} лет (раньше {fmt_date(limit)})")
    return None


def leaving_problem(left: date, born: date | None, experience_start: date | None,
                    job_start: date | None) -> str | None:
    """A leaving date before the person could work, before the pedagogical experience began or
    before the current job began."""
    problem = working_age_problem(born, left) if born is not None else None
    if problem:
        return problem
    if experience_start is not None and left < experience_start:
        return (f"{fmt_date(left)} раньше начала педагогического стажа "
                f"({fmt_date(experience_start)})")
    if job_start is not None and left < job_start:
        return f"{fmt_date(left)} раньше начала работы в этой ОО ({fmt_date(job_start)})"
    return None


def number_problem(value: float, low: float, high: float, unit: str = "") -> str | None:
    """A number from low to high («−40 ч — допустимо от 1 до 3000»)."""
    if value != value or not low <= value <= high:  # value != value: not a number (NaN)
        return f"{_shown(value)}{unit} — допустимо от {_shown(low)} до {_shown(high)}"
    return None


def score_problem(score: float, low: int, high: int) -> str | None:
    """A score on its scale (a diagnostic instrument's, a questionnaire's 1–10)."""
    if score != score or not low <= score <= high:
        return f"балл должен быть от {low} до {high}"
    return None


def order_problem(start: Any, end: Any, end_what: str, start_what: str) -> str | None:
    """An end before its start: «плановая дата окончания 01.01.1901 раньше даты начала
    01.09.2026» (end_what in the nominative, start_what in the genitive)."""
    if start is not None and end is not None and end < start:
        return f"{end_what} {_shown(end)} раньше {start_what} {_shown(start)}"
    return None


def _shown(value: Any) -> str:
    """A value in a message: a date as дд.мм.гггг, a whole number without «.0»."""
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _add_years(day: date, years: int) -> date:
    """The same day years later (28 February for 29 February); past the calendar's ends
    (a typed year 9990) the first or last day there is."""
    year = day.year + years
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)
