"""Pure validators of a person's and an organisation's fields: Russian messages naming the field.

Used by the forms and, per row, by the Excel import: build a PersonInput (or OrganisationInput),
call clean_person() to normalise spaces, phone and e-mail, then validate_person(data, on) — an
empty list means the values may be saved. Nothing here touches the database.

The value rules (dates, ages, years, e-mails, names, bounded numbers, an end not before its
start) are small functions here, used by the person and organisation validators, by the blank
forms and — table by table, column by column — by the exchange workbook (COLUMN_RULES and
ROW_RULES at the end of this module: one place says which column of which table gets which rule).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from desktop_app.model.enums import Category, CourseKind, EducationLevel, OrgKind
from desktop_app.textutil import clean, fmt_date, years_between

MIN_AGE = 18
MAX_AGE = 80
MIN_WORK_AGE = 16
MIN_GRADUATION_AGE = 15
OLDEST_YEAR = 1940
MAX_COURSE_HOURS = 3000
EARLIEST_DATE = date(1900, 1, 1)  # no date of this program's records is earlier
PLANNED_YEARS = 50  # a planned date (the end of a pair, a deadline) at most this far ahead
# The exchange workbook carries records entered years ago (people who left stay on record): their
# age is checked up to KEPT_MAX_AGE, not MAX_AGE, which holds on the day a person is entered.
KEPT_MAX_AGE = 100
SQLITE_INTEGER = 2**63 - 1  # the greatest whole number a database column holds

PERSON_LABELS: dict[str, str] = {
    "last_name": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "birth_date": "Дата рождения",
    "education_level": "Уровень образования",
    "education_year": "Год получения образования",
    "education_specialty": "Специальность",
    "education_institution": "Образовательная организация (образование)",
    "education_pedagogical": "Педагогическое образование",
    "courses": "Повышение квалификации",
    "organisation_id": "Место работы (ОО)",
    "position": "Должность",
    "category": "Квалификационная категория",
    "category_date": "Дата присвоения категории",
    "ped_experience_start": "Начало педагогического стажа",
    "subject": "Предмет / направление работы",
    "is_manager": "Управленческие кадры",
    "methodical_experience": "Опыт методической работы",
    "phone": "Мобильный телефон",
    "email": "E-mail",
    "achievements": "Профессиональные достижения",
    "ground_numbers": "Основание для включения в ММА",
    "consent_publish": "Согласие на публикацию",
    "consent_date": "Дата согласия",
    "notes": "Примечание",
    "is_active": "Работает",
    "left_on": "Дата выбытия",
    "moved_on": "Дата перевода (приёма)",
}

ORG_LABELS: dict[str, str] = {
    "short_name": "Краткое наименование",
    "full_name": "Полное наименование",
    "kind": "Тип организации",
    "mentoring_act_date": "Дата акта об утверждении Положения о наставничестве",
    "mentoring_act_number": "Номер акта об утверждении Положения о наставничестве",
    "mentoring_programme_date": "Дата программы развития наставничества",
    "curator_id": "Куратор наставничества",
    "head_name": "Руководитель",
    "address": "Адрес",
    "phone": "Телефон",
    "email": "E-mail",
    "is_active": "Действует",
    "deactivated_on": "Дата закрытия",
}

_NAME_PART = re.compile(r"^[^\W\d_]+(?:[- ][^\W\d_]+)*$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_EMAIL_RU = re.compile(r"^[^@\s]+@[^@\s]+\.(?:рф|рус)$", re.IGNORECASE)
_PHONE_JUNK = re.compile(r"[\s\-()\.\u00a0\u2010-\u2015]")


@dataclass(frozen=True)
class FieldError:
    """One refused value: the field's code, its Russian label and a full Russian message."""

    field: str
    label_ru: str
    message: str


class Refused(ValueError):
    """A refused change: nothing was saved; errors name the fields (may be empty for a rule)."""

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])

    @classmethod
    def from_errors(cls, errors: list[FieldError]) -> Refused:
        return cls("\n".join(e.message for e in errors), errors)


@dataclass(frozen=True)
class CourseInput:
    """A qualification course or retraining as entered on the form."""

    title: str
    kind: str = CourseKind.QUALIFICATION.value
    provider: str = ""
    hours: int | None = None
    end_date: date | None = None
    in_federal_registry: bool = False


@dataclass(frozen=True)
class PersonInput:
    """Every field of the candidate form of seed 004 (Приложение) and of the Person record."""

    last_name: str
    first_name: str
    middle_name: str = ""
    birth_date: date | None = None
    education_level: str = EducationLevel.UNKNOWN.value
    education_year: int | None = None
    education_specialty: str = ""
    education_institution: str = ""
    education_pedagogical: bool | None = None  # None: «не указано»
    courses: tuple[CourseInput, ...] = ()
    organisation_id: int | None = None
    position: str = ""
    category: str = Category.UNKNOWN.value
    category_date: date | None = None
    ped_experience_start: date | None = None
    subject: str = ""
    is_manager: bool = False
    methodical_experience: str = ""
    phone: str = ""
    email: str = ""
    achievements: str = ""
    ground_numbers: tuple[int, ...] = field(default=())
    consent_publish: bool = False
    consent_date: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class OrganisationInput:
    """Every field of an organisation (PRODUCT.md, Реестр → Организации)."""

    short_name: str
    full_name: str = ""
    kind: str = OrgKind.UNKNOWN.value
    is_low_results: bool = False
    is_difficult_conditions: bool = False
    mentoring_act_date: date | None = None
    mentoring_act_number: str = ""
    mentoring_programme_date: date | None = None
    curator_id: int | None = None
    head_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


def person_error(name: str, reason: str) -> FieldError:
    label = PERSON_LABELS.get(name, name)
    return FieldError(name, label, f"«{label}»: {reason}.")


def org_error(name: str, reason: str) -> FieldError:
    label = ORG_LABELS.get(name, name)
    return FieldError(name, label, f"«{label}»: {reason}.")


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


def clean_person(data: PersonInput) -> PersonInput:
    """Trim every text, normalise the phone (when it parses) and the e-mail."""
    phone = normalise_phone(data.phone)
    return replace(
        data,
        last_name=clean(data.last_name), first_name=clean(data.first_name),
        middle_name=clean(data.middle_name), education_specialty=clean(data.education_specialty),
        education_institution=clean(data.education_institution), position=clean(data.position),
        subject=clean(data.subject), phone=phone if phone is not None else clean(data.phone),
        email=normalise_email(data.email),
        methodical_experience=data.methodical_experience.strip(),
        achievements=data.achievements.strip(), notes=data.notes.strip(),
        courses=tuple(
            replace(c, title=clean(c.title), provider=clean(c.provider)) for c in data.courses
        ),
    )


def clean_organisation(data: OrganisationInput) -> OrganisationInput:
    phone = normalise_phone(data.phone)
    return replace(
        data,
        short_name=clean(data.short_name), full_name=clean(data.full_name),
        mentoring_act_number=clean(data.mentoring_act_number).lstrip("№").strip(),
        head_name=clean(data.head_name), address=clean(data.address),
        phone=phone if phone is not None else clean(data.phone), email=normalise_email(data.email),
    )


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


# person ---------------------------------------------------------------------------------------
def validate_person(
    data: PersonInput, on: date, allowed_grounds: set[int] | None = None
) -> list[FieldError]:
    """Every refused value of a person, in form order; empty when the person may be saved.

    on: the date of the check (today), for "not in the future" and the age of 18–80.
    allowed_grounds: the numbers of the grounds in force, when ground_numbers must be checked.
    """
    errors: list[FieldError] = []
    for name, required in (("last_name", True), ("first_name", True), ("middle_name", False)):
        problem = name_part_problem(getattr(data, name), required)
        if problem:
            errors.append(person_error(name, problem))
    errors += _birth_errors(data, on)
    errors += _education_errors(data, on)
    errors += _work_errors(data, on)
    errors += _course_errors(data, on)
    errors += _contact_errors(data, on)
    if allowed_grounds is not None:
        wrong = sorted(n for n in data.ground_numbers if n not in allowed_grounds)
        if wrong:
            numbers = ", ".join(str(n) for n in wrong)
            errors.append(person_error("ground_numbers", f"нет основания с номером {numbers}"))
    return errors


def _birth_errors(data: PersonInput, on: date) -> list[FieldError]:
    born = data.birth_date
    if born is None:
        return [person_error("birth_date", "не заполнена")]
    problem = birth_date_problem(born, on)
    return [person_error("birth_date", problem)] if problem else []


def _education_errors(data: PersonInput, on: date) -> list[FieldError]:
    errors = []
    if data.education_level not in {e.value for e in EducationLevel}:
        errors.append(person_error("education_level", f"неизвестный код «{data.education_level}»"))
    year = data.education_year
    problem = None if year is None else education_year_problem(year, data.birth_date, on)
    if problem:
        errors.append(person_error("education_year", problem))
    for name in ("education_specialty", "education_institution"):
        if len(getattr(data, name)) > 300:
            errors.append(person_error(name, "не длиннее 300 знаков"))
    return errors


def _work_errors(data: PersonInput, on: date) -> list[FieldError]:
    errors = []
    if data.category not in {c.value for c in Category}:
        errors.append(person_error("category", f"неизвестный код «{data.category}»"))
    for name in ("category_date", "ped_experience_start"):
        value = getattr(data, name)
        problem = None if value is None else date_problem(value, on)
        if problem:
            errors.append(person_error(name, problem))
    if data.category_date is not None and data.category == Category.NONE.value:
        errors.append(person_error("category_date", "указана, а категории нет"))
    start, born = data.ped_experience_start, data.birth_date
    problem = None if start is None or born is None else experience_start_problem(start, born, on)
    if problem:
        errors.append(person_error("ped_experience_start", problem))
    for name, most in (("position", 200), ("subject", 200)):
        if len(getattr(data, name)) > most:
            errors.append(person_error(name, f"не длиннее {most} знаков"))
    return errors


def _course_errors(data: PersonInput, on: date) -> list[FieldError]:
    errors = []
    kinds = {k.value for k in CourseKind}
    for number, course in enumerate(data.courses, start=1):
        where = f"курс {number}"
        if not clean(course.title):
            errors.append(person_error("courses", f"{where}: не указано название"))
        if course.kind not in kinds:
            errors.append(person_error("courses", f"{where}: неизвестный вид «{course.kind}»"))
        problem = None if course.hours is None else HOURS.problem(course.hours, on)
        if problem:
            errors.append(person_error("courses", f"{where}: {problem}"))
        problem = None if course.end_date is None else date_problem(course.end_date, on)
        if problem:
            errors.append(person_error("courses", f"{where}: {problem}"))
    return errors


def _contact_errors(data: PersonInput, on: date) -> list[FieldError]:
    errors = []
    problem = phone_problem(data.phone)
    if problem:
        errors.append(person_error("phone", problem))
    problem = email_problem(data.email)
    if problem:
        errors.append(person_error("email", problem))
    consent = data.consent_date
    problem = None if consent is None else date_problem(consent, on)
    if problem:
        errors.append(person_error("consent_date", problem))
    return errors


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


# organisation ---------------------------------------------------------------------------------
def validate_organisation(data: OrganisationInput, on: date) -> list[FieldError]:
    """Every refused value of an organisation; empty when it may be saved."""
    errors: list[FieldError] = []
    if not clean(data.short_name):
        errors.append(org_error("short_name", "не заполнено"))
    elif len(clean(data.short_name)) > 200:
        errors.append(org_error("short_name", "не длиннее 200 знаков"))
    if len(clean(data.full_name)) > 500:
        errors.append(org_error("full_name", "не длиннее 500 знаков"))
    if data.kind not in {k.value for k in OrgKind}:
        errors.append(org_error("kind", f"неизвестный код «{data.kind}»"))
    for name in ("mentoring_act_date", "mentoring_programme_date"):
        value = getattr(data, name)
        problem = None if value is None else date_problem(value, on)
        if problem:
            errors.append(org_error(name, problem))
    if clean(data.mentoring_act_number) and data.mentoring_act_date is None:
        errors.append(org_error("mentoring_act_date", "указан номер акта, но нет его даты"))
    problem = phone_problem(data.phone)
    if problem:
        errors.append(org_error("phone", problem))
    problem = email_problem(data.email)
    if problem:
        errors.append(org_error("email", problem))
    return errors


# working or open: «Действует» / «Работает» with the closing or leaving date -------------------
@dataclass(frozen=True)
class Status:
    """What a row of a form makes of a record's state: working (open) or not since a date."""

    active: bool
    since: date | None = None  # the closing / leaving date when not active
    derived: bool = False  # «нет» taken from the date alone (the flag left blank)
    reopened: bool = False  # working (open) again after a closing / leaving


STATUS_WORDS = {  # flag field, date field, what the record is, the label of its state
    "organisation": ("is_active", "deactivated_on", "ОО", "закрыта"),
    "person": ("is_active", "left_on", "педагог", "выбыл(а)"),
}


def status_from_form(what: str, given: bool | None, on: date | None,
                     stored: tuple[bool, date | None] | None) -> Status | FieldError:
    """The state a form row gives (flag «да»/«нет» or blank, the date or blank) against the
    stored one (None for a new record): a date alone means «нет» from that day; «да» with a date
    and «нет» without one (for a record not already closed) are refused; «да» after «нет»
    reopens. what: "organisation" or "person" (the field names and the Russian words)."""
    flag, day, noun, closed = STATUS_WORDS[what]
    labels = ORG_LABELS if what == "organisation" else PERSON_LABELS
    if given is True and on is not None:
        return FieldError(day, labels[day], (
            f"«{labels[day]}»: {fmt_date(on)} указана, а «{labels[flag]}» — «да»: очистите "
            f"дату или поставьте «нет»."))
    if on is not None:
        return Status(False, on, derived=given is None)
    if given is False:
        if stored is not None and not stored[0]:
            return Status(False, stored[1])  # already closed: the stored date stands
        return FieldError(flag, labels[flag], (
            f"«{labels[flag]}»: «нет», но не указана «{labels[day]}»: укажите, с какого дня "
            f"{noun} {closed}."))
    if stored is None:
        return Status(True)
    if given is True and not stored[0]:
        return Status(True, reopened=True)
    return Status(stored[0], stored[1])


def leaving_errors(left: date, born: date | None, experience_start: date | None,
                   job_start: date | None) -> list[FieldError]:
    """A leaving date before the person could work, before the pedagogical experience began or
    before the current job began (the future is refused where the date is read)."""
    problem = leaving_problem(left, born, experience_start, job_start)
    return [person_error("left_on", problem)] if problem else []


# value rules, table by table: the same for the forms and the exchange workbook ------------------
class ColumnRule(ABC):
    """A rule of one column's values, each on its own (a refusal names that column)."""

    @abstractmethod
    def problem(self, value: Any, on: date) -> str | None:
        """The reason a value is refused, or None."""

    def problems(self, values: Sequence[Any], on: date) -> list[tuple[int, str]]:
        """(index, reason) of every refused value of a column (None, a blank, is not checked);
        each distinct value is checked once."""
        reasons: dict[Any, str] = {}
        for value in set(values):
            if value is not None:
                reason = self.problem(value, on)
                if reason is not None:
                    reasons[value] = reason
        if not reasons:
            return []
        return [(i, reasons[v]) for i, v in enumerate(values) if v in reasons]


@dataclass(frozen=True)
class Text(ColumnRule):
    """A rule of a text (a name, an e-mail, a phone): check(text) gives the reason or None."""

    check: Callable[[str], str | None]

    def problem(self, value: Any, on: date) -> str | None:
        return self.check(value if isinstance(value, str) else str(value))


class Range(ColumnRule):
    """Values within bounds: when a column's least and greatest value fit (and none is NaN), no
    value is looked at one by one."""

    @abstractmethod
    def bounds(self, on: date) -> tuple[Any, Any]:
        """The least and the greatest value allowed on the day on."""

    def problems(self, values: Sequence[Any], on: date) -> list[tuple[int, str]]:
        present = [v for v in values if v is not None]
        if not present:
            return []
        low, high = self.bounds(on)
        if low <= min(present) and max(present) <= high and all(v == v for v in present):
            return []
        return super().problems(values, on)


@dataclass(frozen=True)
class Dated(Range):
    """A date (date_problem): past — an event, not after today; else planned, not absurdly far."""

    past: bool

    def bounds(self, on: date) -> tuple[date, date]:
        return EARLIEST_DATE, on if self.past else _add_years(on, PLANNED_YEARS)

    def problem(self, value: Any, on: date) -> str | None:
        return date_problem(value, on, self.past)


@dataclass(frozen=True)
class Born(Range):
    """A birth date (birth_date_problem) giving an age from MIN_AGE to oldest."""

    oldest: int

    def bounds(self, on: date) -> tuple[date, date]:
        day = timedelta(days=1)  # inside the exact bounds: a value on the edge is looked at
        return _add_years(on, -self.oldest) + day, _add_years(on, -MIN_AGE) - day

    def problem(self, value: Any, on: date) -> str | None:
        return birth_date_problem(value, on, self.oldest)


@dataclass(frozen=True)
class Number(Range):
    """A number from low to high (number_problem)."""

    low: float
    high: float
    unit: str = ""

    def bounds(self, on: date) -> tuple[float, float]:
        return self.low, self.high

    def problem(self, value: Any, on: date) -> str | None:
        return number_problem(value, self.low, self.high, self.unit)


@dataclass(frozen=True)
class Score(Number):
    """A score on a fixed scale (score_problem), as a questionnaire's 1–10."""

    def problem(self, value: Any, on: date) -> str | None:
        return score_problem(value, int(self.low), int(self.high))


@dataclass(frozen=True)
class Storable(Number):
    """Any other whole number: what a database column can hold."""

    def problem(self, value: Any, on: date) -> str | None:
        if self.low <= value <= self.high:
            return None
        return f"{value} — слишком большое число (по модулю не больше {SQLITE_INTEGER})"


@dataclass
class Scales:
    """The scales of the instruments and the instrument of each item (by the ids of a book or of
    a database): a diagnostic answer's score is checked on the scale of its item's instrument."""

    instruments: dict[Any, tuple[int, int]] = field(default_factory=dict)
    items: dict[Any, Any] = field(default_factory=dict)

    def of_item(self, item: Any) -> tuple[int, int] | None:
        instrument = self.items.get(item)
        return None if instrument is None else self.instruments.get(instrument)

    def common(self) -> tuple[int, int] | None:
        """The scores that are on every scale (None: none are)."""
        if not self.instruments:
            return None
        low = max(lo for lo, _hi in self.instruments.values())
        high = min(hi for _lo, hi in self.instruments.values())
        return (low, high) if low <= high else None


class RowRule(ABC):
    """A rule of a column against other columns of its row (a refusal names the column)."""

    column: str
    needs: tuple[str, ...]

    @abstractmethod
    def problems(self, columns: Mapping[str, Sequence[Any]], on: date,
                 scales: Scales | None = None) -> list[tuple[int, str]]:
        """(index, reason) of every refused row; columns: the values of each column read."""


@dataclass(frozen=True)
class Related(RowRule):
    """check(value, *the values of needs, on) for each row whose value is not blank."""

    column: str
    needs: tuple[str, ...]
    check: Callable[..., str | None]

    def problems(self, columns: Mapping[str, Sequence[Any]], on: date,
                 scales: Scales | None = None) -> list[tuple[int, str]]:
        check, found = self.check, []
        needed = [columns[n] for n in self.needs]
        for i, (value, *others) in enumerate(zip(columns[self.column], *needed, strict=True)):
            if value is not None:
                reason = check(value, *others, on)
                if reason is not None:
                    found.append((i, reason))
        return found


def ordered(start: str, end: str, end_what: str, start_what: str) -> Related:
    """An end not before its start (order_problem), refused at the end's column."""
    return Related(end, (start,), lambda end_value, start_value, _on: order_problem(
        start_value, end_value, end_what, start_what))


@dataclass(frozen=True)
class OnScale(RowRule):
    """A diagnostic answer's score on the scale of its item's instrument (score_problem)."""

    column: str = "score"
    needs: tuple[str, ...] = ("item_id",)

    def problems(self, columns: Mapping[str, Sequence[Any]], on: date,
                 scales: Scales | None = None) -> list[tuple[int, str]]:
        if scales is None:
            return []
        scores, items = columns[self.column], columns[self.needs[0]]
        common, present = scales.common(), [s for s in scores if s is not None]
        if not present or (common is not None and common[0] <= min(present)
                           and max(present) <= common[1]):
            return []
        found = []
        for i, (score, item) in enumerate(zip(scores, items, strict=True)):
            scale = None if score is None else scales.of_item(item)
            reason = None if scale is None else score_problem(score, *scale)
            if reason is not None:
                found.append((i, reason))
        return found


def _experience_of(start: date, born: date | None, on: date) -> str | None:
    return None if born is None else experience_start_problem(start, born, on)


def _leaving_of(left: date, born: date | None, experience_start: date | None,
                _on: date) -> str | None:
    return leaving_problem(left, born, experience_start, None)


PAST, PLANNED = Dated(past=True), Dated(past=False)
NAME = Text(partial(name_part_problem, required=False))
NAME_REQUIRED = Text(partial(name_part_problem, required=True))
EMAIL, PHONE = Text(email_problem), Text(phone_problem)
HOURS = Number(1, MAX_COURSE_HOURS, " ч")
PERCENT = Number(0, 100, " %")
COUNT = Number(0, 1_000_000)  # positions in a list, numbers of participants
PLAN_YEAR = Number(2000, 2100)  # as services/indicators.py takes a year of the plans
STORABLE = Storable(-SQLITE_INTEGER - 1, SQLITE_INTEGER)

# Which column of which table gets which rule. A date is PAST where every way in (a window, a
# blank form) refuses the future, else PLANNED. The blank forms of people and ОО check the same
# values through validate_person and validate_organisation (there the age is MAX_AGE on the day
# of entry; a book carries older records: KEPT_MAX_AGE).
COLUMN_RULES: dict[str, dict[str, ColumnRule]] = {
    "organisations": {"mentoring_act_date": PAST, "mentoring_programme_date": PAST,
                      "deactivated_on": PAST, "phone": PHONE, "email": EMAIL},
    "people": {"last_name": NAME_REQUIRED, "first_name": NAME_REQUIRED, "middle_name": NAME,
               "birth_date": Born(KEPT_MAX_AGE), "category_date": PAST,
               "ped_experience_start": PAST, "consent_date": PAST, "left_on": PAST,
               "phone": PHONE, "email": EMAIL},
    "courses": {"hours": HOURS, "end_date": PAST},
    "employments": {"start_date": PAST, "end_date": PAST},
    "participations": {"event_date": PAST},
    "active_members": {"request_date": PAST, "submitted_on": PAST, "diagnosed_on": PAST,
                       "included_on": PAST, "excluded_on": PAST},
    "meetings": {"meeting_date": PLANNED},
    "pairs": {"start_date": PLANNED, "end_date": PLANNED, "ended_on": PAST,
              "order_date": PLANNED},
    "plan_items": {"position": COUNT, "deadline": PLANNED, "done_on": PLANNED},
    "monitorings": {"monitoring_date": PAST, "students_passed_percent": PERCENT,
                    "olympiad_participants": COUNT},
    "satisfactions": {"answered_on": PAST, "score": Score(1, 10)},
    "diagnostic_sessions": {"session_date": PAST},
    "external_results": {"percent": PERCENT},
    "deficits": {"found_on": PAST, "overcome_on": PAST},
    "routes": {"start_date": PLANNED, "end_date": PLANNED},
    "route_items": {"position": COUNT, "deadline": PLANNED},
    "roadmap_items": {"position": COUNT, "deadline": PLANNED, "done_on": PLANNED},
    "indicator_plans": {"year": PLAN_YEAR, "value": PERCENT},
    "report_texts": {"year": PLAN_YEAR},
    "order_journal": {"date": PLANNED},
    "ground_presets": {"min_experience_years": Number(0, 40)},
    "grounds": {"number": COUNT},
    "instruments": {"scale_min": Number(0, 100), "scale_max": Number(0, 100)},
    "instrument_items": {"position": COUNT},
    "mentorship_forms": {"position": COUNT},
    "plan_template_items": {"position": COUNT, "offset_days": Number(0, 3660)},
}
# The rules of a column against the others of its row.
ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "people": (Related("education_year", ("birth_date",), education_year_problem),
               Related("ped_experience_start", ("birth_date",), _experience_of),
               Related("left_on", ("birth_date", "ped_experience_start"), _leaving_of)),
    "employments": (ordered("start_date", "end_date", "дата окончания", "даты начала"),),
    "active_members": (ordered("included_on", "excluded_on", "дата исключения",
                               "даты включения"),),
    "pairs": (ordered("start_date", "end_date", "плановая дата окончания", "даты начала"),
              ordered("start_date", "ended_on", "фактическое завершение", "начала программы")),
    "routes": (ordered("start_date", "end_date", "дата окончания", "даты начала"),),
    "deficits": (ordered("found_on", "overcome_on", "дата преодоления", "даты выявления"),),
    "instruments": (ordered("scale_min", "scale_max", "наибольший балл", "наименьшего балла"),),
    "answers": (OnScale(),),
}


def table_rules(table: str, whole_numbers: Sequence[str] = ()
                ) -> tuple[dict[str, ColumnRule], tuple[RowRule, ...]]:
    """The rules of a table: its COLUMN_RULES — and STORABLE for each other whole-number column
    of whole_numbers (the table's integer columns: codes, references, numbers) — and its
    ROW_RULES."""
    columns = dict(COLUMN_RULES.get(table, {}))
    for name in whole_numbers:
        columns.setdefault(name, STORABLE)
    return columns, ROW_RULES.get(table, ())


def value_problems(table: str, values: Mapping[str, Any], on: date) -> list[tuple[str, str]]:
    """(column, reason) of every value of a row of a blank form refused by its table's
    COLUMN_RULES (the columns present in values; a blank is not checked)."""
    found = []
    for name, rule in COLUMN_RULES.get(table, {}).items():
        value = values.get(name)
        reason = None if value is None or value == "" else rule.problem(value, on)
        if reason is not None:
            found.append((name, reason))
    return found
