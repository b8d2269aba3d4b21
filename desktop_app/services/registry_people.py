"""Registry use cases of people: add, edit, move to another ОО, leave, restore, delete.

Holds the copying of a person's form values (courses too) to and from the Person record
(PERSON_FIELDS, COURSE_FIELDS) with its search key, the checks of a saved person (the values,
the place of work, a duplicate by ФИО and birth date), the current job a move or a leaving
closes and opens, and what refers to a person (pairs, the active, diagnostics, curatorship:
then the record can only be marked as left). Every writing function validates first and raises
Refused before touching anything, then flushes; the caller commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    ActiveMember,
    Course,
    DiagnosticSession,
    Employment,
    Organisation,
    Pair,
    PairMentee,
    Person,
    PracticeAuthor,
)
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.services.registry_organisations import _join, _organisation, plural
from desktop_app.services.validation import (
    CourseInput,
    PersonInput,
    Refused,
    clean_person,
    person_error,
    validate_person,
    working_age_problem,
)
from desktop_app.textutil import fio, fmt_date, person_key

# Person columns filled from PersonInput one to one (courses and ground numbers go elsewhere).
PERSON_FIELDS = (
    "last_name", "first_name", "middle_name", "birth_date", "education_level", "education_year",
    "education_specialty", "education_institution", "education_pedagogical", "organisation_id",
    "position", "category", "category_date", "ped_experience_start", "subject", "is_manager",
    "methodical_experience", "phone", "email", "achievements", "consent_publish",
    "consent_date", "notes",
)
COURSE_FIELDS = ("kind", "title", "provider", "hours", "end_date", "in_federal_registry")


def person_search_key(last: str, first: str, middle: str = "") -> str:
    """The stored search key: folded ФИО (textutil.person_key, shared with the Excel import)."""
    return person_key(last, first, middle)


def apply_person_input(person: Person, data: PersonInput) -> None:
    """Copy the form's values onto a Person (courses replaced), keeping search_key in sync."""
    for name in PERSON_FIELDS:
        setattr(person, name, getattr(data, name))
    person.search_key = person_search_key(data.last_name, data.first_name, data.middle_name)
    person.courses = [
        Course(**{name: getattr(c, name) for name in COURSE_FIELDS}) for c in data.courses
    ]


def person_to_input(person: Person) -> PersonInput:
    """A Person as the form's values (for editing)."""
    courses = tuple(
        CourseInput(**{name: getattr(c, name) for name in COURSE_FIELDS}) for c in person.courses
    )
    values = {name: getattr(person, name) for name in PERSON_FIELDS}
    return PersonInput(courses=courses, **values)


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise Refused(f"Педагог № {person_id} не найден.")
    return person


def get_person_input(session: Session, person_id: int) -> PersonInput:
    return person_to_input(_person(session, person_id))


def _check_person(
    session: Session, data: PersonInput, on: date, person_id: int | None
) -> PersonInput:
    data = clean_person(data)
    errors = validate_person(data, on)
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None:
            errors.append(person_error("organisation_id", f"организация № {data.organisation_id} "
                                                          "не найдена"))
        elif not org.is_active and (person_id is None or _org_of(session, person_id) != org.id):
            errors.append(person_error("organisation_id",
                                       f"«{org.short_name}» — недействующая организация"))
    if not errors and data.birth_date is not None:
        duplicate = find_duplicate(session, data, person_id)
        if duplicate:
            errors.append(person_error("last_name", duplicate))
    if errors:
        raise Refused.from_errors(errors)
    return data


def _org_of(session: Session, person_id: int) -> int | None:
    return session.scalar(select(Person.organisation_id).where(Person.id == person_id))


def find_duplicate(session: Session, data: PersonInput, person_id: int | None = None) -> str:
    """A pointer to a person with the same ФИО and birth date, or ""."""
    key = person_search_key(data.last_name, data.first_name, data.middle_name)
    stmt = select(Person).where(Person.search_key == key, Person.birth_date == data.birth_date)
    for other in session.scalars(stmt):
        if other.id != person_id:
            where = other.organisation.short_name if other.organisation else "без места работы"
            return (
                f"{fio(other.last_name, other.first_name, other.middle_name)}, "
                f"{fmt_date(other.birth_date)} г. р., уже есть в реестре: № {other.id}, {where}"
            )
    return ""


def add_person(
    session: Session, data: PersonInput, on: date | None = None, hired_on: date | None = None
) -> int:
    """Add a person after validation; opens the job at the ОО; returns the id."""
    on = on or date.today()
    data = _check_person(session, data, on, None)
    person = Person()
    apply_person_input(person, data)
    if data.organisation_id is not None:
        person.jobs = [Employment(organisation_id=data.organisation_id, position=data.position,
                                  start_date=hired_on)]
    session.add(person)
    session.flush()
    return person.id


def update_person(
    session: Session, person_id: int, data: PersonInput, on: date | None = None, *,
    expected_version: int | None = None,
) -> None:
    """Save the form; a changed ОО is a move (the old job is closed on the date, history kept).

    expected_version: the person's version the form was opened with; refused when another
    seat saved the person since (services/record_versions.py)."""
    on = on or date.today()
    person = _person(session, person_id)
    check_version(session, person, expected_version, Refused)
    data = _check_person(session, data, on, person_id)
    old_org = person.organisation_id
    with stale_refused(session, person, Refused):
        saved(person)
        apply_person_input(person, data)
        if data.organisation_id != old_org:
            _close_job(person, on)
            if data.organisation_id is not None:
                person.jobs.append(Employment(organisation_id=data.organisation_id,
                                              position=data.position, start_date=on))
        else:
            job = _open_job(person)
            if job is not None:
                job.position = data.position
        session.flush()


def _open_job(person: Person) -> Employment | None:
    open_jobs = [j for j in person.jobs if j.end_date is None]
    return open_jobs[-1] if open_jobs else None


def _close_job(person: Person, on: date) -> None:
    job = _open_job(person)
    if job is not None:
        job.end_date = on


def move_person(
    session: Session, person_id: int, org_id: int, on: date, position: str | None = None
) -> None:
    """Transfer to another ОО on a date: the current job closes, a new one opens."""
    person = _person(session, person_id)
    org = _organisation(session, org_id)
    who = fio(person.last_name, person.first_name, person.middle_name)
    if not person.is_active:
        raise Refused(f"{who} выбыл(а) {fmt_date(person.left_on)}: перевести нельзя.")
    if org.id == person.organisation_id:
        raise Refused(f"{who} уже работает в «{org.short_name}».")
    if not org.is_active:
        raise Refused(f"«{org.short_name}» — недействующая организация.")
    if on > date.today():
        raise Refused(f"«Дата перевода»: дата {fmt_date(on)} ещё не наступила.")
    _refuse_before_working_age(person, on, "Дата перевода")
    job = _open_job(person)
    if job is not None and job.start_date is not None and on < job.start_date:
        raise Refused(f"«Дата перевода»: {fmt_date(on)} раньше начала работы на прежнем месте "
                      f"({fmt_date(job.start_date)}).")
    _close_job(person, on)
    if position is not None:
        person.position = position.strip()
    person.organisation_id = org.id
    person.jobs.append(Employment(organisation_id=org.id, position=person.position, start_date=on))
    session.flush()


def dismiss_person(session: Session, person_id: int, on: date) -> None:
    """The person left (уволен/выбыл) on a date: inactive, job closed; records stay."""
    person = _person(session, person_id)
    who = fio(person.last_name, person.first_name, person.middle_name)
    if not person.is_active:
        raise Refused(f"{who} уже выбыл(а) {fmt_date(person.left_on)}.")
    if on > date.today():
        raise Refused(f"«Дата выбытия»: дата {fmt_date(on)} ещё не наступила.")
    if on < person.birth_date:
        raise Refused(f"«Дата выбытия»: {fmt_date(on)} раньше даты рождения.")
    _refuse_before_working_age(person, on, "Дата выбытия")
    started = person.ped_experience_start
    if started is not None and on < started:  # the forms' rule too (validation.leaving_errors)
        raise Refused(f"«Дата выбытия»: {fmt_date(on)} раньше начала педагогического стажа "
                      f"({fmt_date(started)}).")
    job = _open_job(person)
    if job is not None and job.start_date is not None and on < job.start_date:
        raise Refused(f"«Дата выбытия»: {fmt_date(on)} раньше начала работы на нынешнем месте "
                      f"({fmt_date(job.start_date)}).")
    person.is_active = False
    person.left_on = on
    _close_job(person, on)
    session.flush()


def _refuse_before_working_age(person: Person, on: date, label: str) -> None:
    """A move or a leaving dated before the person could work at all (16 years of age)."""
    problem = working_age_problem(person.birth_date, on)
    if problem:
        raise Refused(f"«{label}»: {problem}.")


def restore_person(session: Session, person_id: int) -> None:
    """Undo a leaving entered by mistake (the closed job stays in the history)."""
    person = _person(session, person_id)
    person.is_active = True
    person.left_on = None
    if person.organisation_id is not None and _open_job(person) is None:
        person.jobs.append(Employment(organisation_id=person.organisation_id,
                                      position=person.position, start_date=date.today()))
    session.flush()


def person_references(session: Session, person_id: int) -> list[str]:
    """What refers to a person (then the record can only be marked as left)."""
    found = []
    pairs = session.scalar(select(func.count(Pair.id)).where(or_(
        Pair.mentor_id == person_id,
        Pair.id.in_(select(PairMentee.pair_id).where(PairMentee.person_id == person_id)),
    ))) or 0
    if pairs:
        found.append(plural(pairs, "пара", "пары", "пар"))
    if session.scalar(select(func.count(ActiveMember.id)).where(
            ActiveMember.person_id == person_id)):
        found.append("запись в методическом активе")
    sessions = session.scalar(select(func.count(DiagnosticSession.id)).where(
        DiagnosticSession.person_id == person_id)) or 0
    if sessions:
        found.append(plural(sessions, "диагностика", "диагностики", "диагностик"))
    if session.scalar(select(func.count(Organisation.id)).where(
            Organisation.curator_id == person_id)):
        found.append("куратор наставничества в ОО")
    authored = session.scalar(select(func.count()).select_from(PracticeAuthor).where(
        PracticeAuthor.person_id == person_id)) or 0
    if authored:
        found.append(plural(authored, "практика в банке практик", "практики в банке практик",
                            "практик в банке практик"))
    return found


def delete_person(session: Session, person_id: int) -> None:
    """Delete a person entered by mistake; one that others refer to is refused."""
    person = _person(session, person_id)
    refs = person_references(session, person_id)
    if refs:
        who = fio(person.last_name, person.first_name, person.middle_name)
        raise Refused(f"У записи «{who}» есть {_join(refs)}: удалить её нельзя, "
                      "можно только отметить выбытие.")
    session.delete(person)
    session.flush()
