"""Pure validators of a person's and an organisation's fields: Russian messages naming the field.

Used by the forms and, per row, by the Excel import: build a PersonInput (or OrganisationInput),
call clean_person() to normalise spaces, phone and e-mail, then validate_person(data, on) — an
empty list means the values may be saved. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from desktop_app.model.enums import Category, CourseKind, EducationLevel, OrgKind
from desktop_app.textutil import clean, fmt_date, years_between

MIN_AGE = 18
MAX_AGE = 80
MIN_WORK_AGE = 16
MIN_GRADUATION_AGE = 15
OLDEST_YEAR = 1940
MAX_COURSE_HOURS = 3000

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
    elif raw.startswith("8") and len(raw) == 11:
        digits = raw[1:]
    elif raw.startswith("7") and len(raw) == 11:
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
    problem = future_problem(born, on)
    if problem:
        return [person_error("birth_date", problem)]
    age = years_between(born, on)
    if not MIN_AGE <= age <= MAX_AGE:
        return [person_error(
            "birth_date",
            f"возраст на {fmt_date(on)} — {age} (допустимо от {MIN_AGE} до {MAX_AGE} лет)",
        )]
    return []


def _education_errors(data: PersonInput, on: date) -> list[FieldError]:
    errors = []
    if data.education_level not in {e.value for e in EducationLevel}:
        errors.append(person_error("education_level", f"неизвестный код «{data.education_level}»"))
    year = data.education_year
    if year is not None:
        earliest = OLDEST_YEAR
        if data.birth_date is not None:
            earliest = max(earliest, data.birth_date.year + MIN_GRADUATION_AGE)
        if year > on.year:
            errors.append(person_error("education_year", f"{year} год ещё не наступил"))
        elif year < earliest:
            errors.append(person_error(
                "education_year", f"{year} — слишком рано (не раньше {earliest} года)"
            ))
    for name in ("education_specialty", "education_institution"):
        if len(getattr(data, name)) > 300:
            errors.append(person_error(name, "не длиннее 300 знаков"))
    return errors


def _work_errors(data: PersonInput, on: date) -> list[FieldError]:
    errors = []
    if data.category not in {c.value for c in Category}:
        errors.append(person_error("category", f"неизвестный код «{data.category}»"))
    for name in ("category_date", "ped_experience_start"):
        problem = future_problem(getattr(data, name), on)
        if problem:
            errors.append(person_error(name, problem))
    if data.category_date is not None and data.category == Category.NONE.value:
        errors.append(person_error("category_date", "указана, а категории нет"))
    start, born = data.ped_experience_start, data.birth_date
    if start is not None and born is not None and start <= on:
        if years_between(born, start) < MIN_WORK_AGE:
            limit = _add_years(born, MIN_WORK_AGE)
            errors.append(person_error(
                "ped_experience_start",
                f"стаж с {fmt_date(start)} длиннее, чем позволяет возраст: педагогический стаж "
                f"не может начаться раньше {MIN_WORK_AGE} лет (раньше {fmt_date(limit)})",
            ))
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
        if course.hours is not None and not 1 <= course.hours <= MAX_COURSE_HOURS:
            errors.append(person_error(
                "courses", f"{where}: {course.hours} ч — допустимо от 1 до {MAX_COURSE_HOURS}"
            ))
        problem = future_problem(course.end_date, on)
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
    problem = future_problem(data.consent_date, on)
    if problem:
        errors.append(person_error("consent_date", problem))
    return errors


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
        problem = future_problem(getattr(data, name), on)
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
    errors = []
    problem = working_age_problem(born, left) if born is not None else None
    if problem:
        errors.append(person_error("left_on", problem))
    elif experience_start is not None and left < experience_start:
        errors.append(person_error("left_on", (
            f"{fmt_date(left)} раньше начала педагогического стажа "
            f"({fmt_date(experience_start)})")))
    elif job_start is not None and left < job_start:
        errors.append(person_error("left_on", (
            f"{fmt_date(left)} раньше начала работы в этой ОО ({fmt_date(job_start)})")))
    return errors
