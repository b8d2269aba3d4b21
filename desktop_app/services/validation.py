"""Pure validators of a person's and an organisation's fields: Russian messages naming the field.

Used by the forms and, per row, by the Excel import: build a PersonInput (or OrganisationInput),
call clean_person() to normalise spaces, phone and e-mail, then validate_person(data, on) — an
empty list means the values may be saved. Nothing here touches the database.

Holds the cleaning and the validators of a person and an organisation and the state a form row
gives a record (status_from_form: working or closed since a date); the pieces they are made of
live beside it and are re-exported here under their old names: the form values, labels and
refusals in form_inputs.py, the single-value checks (dates, ages, years, e-mails, names,
bounded numbers, an end not before its start) in value_checks.py, and the value rules of the
exchange workbook, table by table, column by column (COLUMN_RULES, ROW_RULES) in value_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from desktop_app.model.enums import Category, CourseKind, EducationLevel, OrgKind
from desktop_app.services.form_inputs import (
    ORG_LABELS as ORG_LABELS,
    PERSON_LABELS as PERSON_LABELS,
    CourseInput as CourseInput,
    FieldError as FieldError,
    OrganisationInput as OrganisationInput,
    PersonInput as PersonInput,
    Refused as Refused,
    input_of,
    org_error as org_error,
    person_error as person_error,
)
from desktop_app.services.value_checks import (
    EARLIEST_DATE as EARLIEST_DATE,
    MAX_AGE as MAX_AGE,
    MIN_AGE as MIN_AGE,
    MIN_GRADUATION_AGE as MIN_GRADUATION_AGE,
    MIN_WORK_AGE as MIN_WORK_AGE,
    OLDEST_YEAR as OLDEST_YEAR,
    PLANNED_YEARS as PLANNED_YEARS,
    birth_date_problem as birth_date_problem,
    date_problem as date_problem,
    education_year_problem as education_year_problem,
    email_problem as email_problem,
    experience_start_problem as experience_start_problem,
    future_problem as future_problem,
    leaving_problem as leaving_problem,
    name_part_problem as name_part_problem,
    normalise_email as normalise_email,
    normalise_phone as normalise_phone,
    number_problem as number_problem,
    order_problem as order_problem,
    parse_date_ru as parse_date_ru,
    phone_problem as phone_problem,
    score_problem as score_problem,
    working_age_problem as working_age_problem,
)
from desktop_app.services.value_rules import (
    COLUMN_RULES as COLUMN_RULES,
    COUNT as COUNT,
    EMAIL as EMAIL,
    HOURS as HOURS,
    KEPT_MAX_AGE as KEPT_MAX_AGE,
    MAX_COURSE_HOURS as MAX_COURSE_HOURS,
    NAME as NAME,
    NAME_REQUIRED as NAME_REQUIRED,
    PAST as PAST,
    PERCENT as PERCENT,
    PHONE as PHONE,
    PLAN_YEAR as PLAN_YEAR,
    PLANNED as PLANNED,
    ROW_RULES as ROW_RULES,
    SQLITE_INTEGER as SQLITE_INTEGER,
    STORABLE as STORABLE,
    Born as Born,
    ColumnRule as ColumnRule,
    Dated as Dated,
    Number as Number,
    OnScale as OnScale,
    Range as Range,
    Related as Related,
    RowRule as RowRule,
    Scales as Scales,
    Score as Score,
    Storable as Storable,
    Text as Text,
    ordered as ordered,
    table_rules as table_rules,
    value_problems as value_problems,
)
from desktop_app.textutil import clean, fmt_date

_CLEANED = ("last_name", "first_name", "middle_name", "education_specialty",
            "education_institution", "position", "subject")
_STRIPPED = ("methodical_experience", "achievements", "notes")


def clean_person(data: PersonInput) -> PersonInput:
    """Trim every text, normalise the phone (when it parses) and the e-mail; the same object
    when nothing changes (an import's rows come cleaned: 30 000 copies spared)."""
    changes: dict[str, Any] = {}
    for name in _CLEANED:
        value = getattr(data, name)
        cleaned = clean(value)
        if cleaned != value:
            changes[name] = cleaned
    for name in _STRIPPED:
        value = getattr(data, name)
        if value != value.strip():
            changes[name] = value.strip()
    phone = normalise_phone(data.phone)
    phone = phone if phone is not None else clean(data.phone)
    if phone != data.phone:
        changes["phone"] = phone
    email = normalise_email(data.email)
    if email != data.email:
        changes["email"] = email
    courses = tuple(_clean_course(c) for c in data.courses)
    if courses != data.courses:
        changes["courses"] = courses
    return _with(data, changes) if changes else data


def _with(data: PersonInput, changes: dict[str, Any]) -> PersonInput:
    """replace(data, **changes), without running the 25 fields' frozen __init__ again
    (form_inputs.input_of: tests/test_validation.py holds the two equal)."""
    return input_of(PersonInput, {**data.__dict__, **changes})


def _clean_course(course: CourseInput) -> CourseInput:
    title, provider = clean(course.title), clean(course.provider)
    if (title, provider) == (course.title, course.provider):
        return course
    return replace(course, title=title, provider=provider)


def clean_organisation(data: OrganisationInput) -> OrganisationInput:
    phone = normalise_phone(data.phone)
    return replace(
        data,
        short_name=clean(data.short_name), full_name=clean(data.full_name),
        mentoring_act_number=clean(data.mentoring_act_number).lstrip("№").strip(),
        head_name=clean(data.head_name), address=clean(data.address),
        phone=phone if phone is not None else clean(data.phone), email=normalise_email(data.email),
    )


# person ---------------------------------------------------------------------------------------
# the codes a person's lists take (sets built once: an import checks 30 000 people)
_EDUCATION_LEVELS = frozenset(e.value for e in EducationLevel)
_CATEGORIES = frozenset(c.value for c in Category)
_COURSE_KINDS = frozenset(k.value for k in CourseKind)


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
    if data.education_level not in _EDUCATION_LEVELS:
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
    if data.category not in _CATEGORIES:
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
    kinds = _COURSE_KINDS
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
