"""Registry use cases: organisations and people (add, edit, move, leave, filters on a date).

Every writing function validates first and raises Refused (Russian messages naming the fields)
before touching anything, then flushes; the caller commits (``with db.sessions.begin()``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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
)
from desktop_app.model.enums import CourseKind
from desktop_app.services import people_list
from desktop_app.services.people_list import (  # noqa: F401 - the registry's public names
    UNDER_AGE,
    YOUNG_SPECIALIST_YEARS,
    Fetch,
    OrganisationRow,
    PersonFilter,
    PersonRow,
    matches,
    organisation_rows,
    people_rows,
)
from desktop_app.services.validation import (
    CourseInput,
    FieldError,
    OrganisationInput,
    PersonInput,
    Refused,
    clean_organisation,
    clean_person,
    future_problem,
    org_error,
    person_error,
    validate_organisation,
    validate_person,
    working_age_problem,
)
from desktop_app.textutil import (
    clean,
    fio,
    fmt_date,
    fold,
    person_key,
    ru_sort_key,
    years_between as years_between,  # the registry's rule of years
)

COURSE_YEARS = 3

# Person columns filled from PersonInput one to one (courses and ground numbers go elsewhere).
PERSON_FIELDS = (
    "last_name", "first_name", "middle_name", "birth_date", "education_level", "education_year",
    "education_specialty", "education_institution", "education_pedagogical", "organisation_id",
    "position", "category", "category_date", "ped_experience_start", "subject", "is_manager",
    "methodical_experience", "phone", "email", "achievements", "consent_publish",
    "consent_date", "notes",
)
ORG_FIELDS = (
    "short_name", "full_name", "kind", "is_low_results", "is_difficult_conditions",
    "mentoring_act_date", "mentoring_act_number", "mentoring_programme_date", "curator_id",
    "head_name", "address", "phone", "email",
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


def apply_organisation_input(org: Organisation, data: OrganisationInput) -> None:
    for name in ORG_FIELDS:
        setattr(org, name, getattr(data, name))


def organisation_to_input(org: Organisation) -> OrganisationInput:
    return OrganisationInput(**{name: getattr(org, name) for name in ORG_FIELDS})



def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 педагог», «3 педагога», «37 педагогов»."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


# organisations ------------------------------------------------------------------------------
def session_fetch(session: Session) -> Fetch:
    """people_list's reading statements run on the session's connection."""
    def fetch(sql: str, params: dict[str, Any]) -> list[Any]:
        return list(session.connection().exec_driver_sql(sql, params).fetchall())

    return fetch


def list_organisations(session: Session, include_inactive: bool = True) -> list[OrganisationRow]:
    """Every organisation with its curator and number of working people, by short name."""
    return organisation_rows(session_fetch(session), include_inactive)


def organisation_choices(session: Session) -> list[tuple[int, str, bool]]:
    """(id, short name, whether it is active) of every organisation for combo boxes, in
    Russian order."""
    stmt = select(Organisation.id, Organisation.short_name, Organisation.is_active)
    return sorted(((r.id, r.short_name, r.is_active) for r in session.execute(stmt)),
                  key=lambda r: ru_sort_key(r[1]))


def get_organisation_input(session: Session, org_id: int) -> OrganisationInput:
    return organisation_to_input(_organisation(session, org_id))


def _organisation(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise Refused(f"Организация № {org_id} не найдена.")
    return org


def _check_organisation(
    session: Session, data: OrganisationInput, on: date, org_id: int | None
) -> OrganisationInput:
    data = clean_organisation(data)
    errors = validate_organisation(data, on)
    same = session.scalar(
        select(Organisation).where(func.fold(Organisation.short_name) == fold(data.short_name))
    )
    if same is not None and same.id != org_id:
        errors.append(
            org_error("short_name", f"«{same.short_name}» уже есть в реестре (№ {same.id})")
        )
    if data.curator_id is not None and session.get(Person, data.curator_id) is None:
        errors.append(org_error("curator_id", f"педагог № {data.curator_id} не найден"))
    if errors:
        raise Refused.from_errors(errors)
    return data


def add_organisation(session: Session, data: OrganisationInput, on: date | None = None) -> int:
    """Add an organisation; returns its id."""
    data = _check_organisation(session, data, on or date.today(), None)
    org = Organisation()
    apply_organisation_input(org, data)
    session.add(org)
    session.flush()
    return org.id


def update_organisation(
    session: Session, org_id: int, data: OrganisationInput, on: date | None = None
) -> None:
    org = _organisation(session, org_id)
    data = _check_organisation(session, data, on or date.today(), org_id)
    apply_organisation_input(org, data)
    session.flush()


def organisation_references(session: Session, org_id: int) -> dict[str, int]:
    """What refers to an organisation: people, past jobs, pairs of its people, nominations."""
    people = select(Person.id).where(Person.organisation_id == org_id)
    mentee_pairs = select(PairMentee.pair_id).where(PairMentee.person_id.in_(people))
    pairs = session.scalar(
        select(func.count(Pair.id)).where(
            or_(Pair.mentor_id.in_(people), Pair.id.in_(mentee_pairs))
        )
    )
    return {
        "people": session.scalar(select(func.count()).select_from(people.subquery())) or 0,
        "jobs": session.scalar(
            select(func.count(Employment.id)).where(Employment.organisation_id == org_id)
        ) or 0,
        "pairs": pairs or 0,
        "nominations": session.scalar(
            select(func.count(ActiveMember.id)).where(ActiveMember.nominated_by_org_id == org_id)
        ) or 0,
    }


def delete_organisation(session: Session, org_id: int) -> None:
    """Delete an organisation entered by mistake; one that others refer to is refused."""
    org = _organisation(session, org_id)
    refs = organisation_references(session, org_id)
    parts = []
    if refs["people"]:
        parts.append(plural(refs["people"], "педагог", "педагога", "педагогов"))
    if refs["pairs"]:
        parts.append(plural(refs["pairs"], "пара", "пары", "пар"))
    if refs["jobs"] and not refs["people"]:
        parts.append(plural(refs["jobs"], "запись", "записи", "записей") + " о работе в прошлом")
    if refs["nominations"]:
        parts.append(plural(refs["nominations"], "представление", "представления",
                            "представлений") + " в актив")
    if parts:
        raise Refused(
            f"У организации «{org.short_name}» {_join(parts)}: удалить её нельзя, её можно "
            "только сделать недействующей (история сохранится)."
        )
    session.delete(org)
    session.flush()


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " и " + parts[-1]


def deactivate_organisation(session: Session, org_id: int, on: date | None = None) -> None:
    """Mark an organisation as no longer working (closed, merged); its records stay."""
    org = _organisation(session, org_id)
    on = on or date.today()
    if not org.is_active:
        raise Refused(f"Организация «{org.short_name}» уже недействующая "
                      f"(с {fmt_date(org.deactivated_on)}).")
    working = session.scalar(
        select(func.count(Person.id)).where(
            Person.organisation_id == org_id, Person.is_active.is_(True)
        )
    ) or 0
    if working:
        raise Refused(
            f"В организации «{org.short_name}» работают "
            f"{plural(working, 'педагог', 'педагога', 'педагогов')}: сначала переведите их "
            "в другую ОО или отметьте выбывшими."
        )
    org.is_active = False
    org.deactivated_on = on
    session.flush()


def reactivate_organisation(session: Session, org_id: int) -> None:
    org = _organisation(session, org_id)
    org.is_active = True
    org.deactivated_on = None
    session.flush()


# people ---------------------------------------------------------------------------------------
def member_ids(session: Session, on: date) -> set[int]:
    """People included in the active and not excluded on the date (people_list's rule)."""
    return people_list.member_ids(session_fetch(session), on)


def list_people(session: Session, on: date | None = None) -> list[PersonRow]:
    """Every person with place of work, age, experience and roles computed on a date, in
    Russian alphabetical order (people_list.people_rows)."""
    return people_rows(session_fetch(session), on or date.today())


def find_people(session: Session, f: PersonFilter, on: date | None = None) -> list[PersonRow]:
    """People passing the filters on a date."""
    return [row for row in list_people(session, on) if matches(row, f)]


def positions(session: Session) -> list[str]:
    """Distinct positions in use (for the filter and the form's suggestions)."""
    stmt = select(Person.position).where(Person.position != "").distinct()
    return sorted(set(session.scalars(stmt)), key=fold)


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
    session: Session, person_id: int, data: PersonInput, on: date | None = None
) -> None:
    """Save the form; a changed ОО is a move (the old job is closed on the date, history kept)."""
    on = on or date.today()
    person = _person(session, person_id)
    data = _check_person(session, data, on, person_id)
    old_org = person.organisation_id
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


@dataclass(frozen=True)
class JobRow:
    organisation: str
    position: str
    start_date: date | None
    end_date: date | None
    id: int = 0
    organisation_id: int = 0

    @property
    def is_current(self) -> bool:
        return self.end_date is None


def job_history(session: Session, person_id: int) -> list[JobRow]:
    """Places of work, oldest first (by the end, the current one last)."""
    person = _person(session, person_id)
    return [JobRow(j.organisation.short_name, j.position, j.start_date, j.end_date, j.id,
                   j.organisation_id)
            for j in sorted(person.jobs, key=_job_order)]


def _job_order(job: Employment) -> tuple[date, date, int]:
    return (job.end_date or date.max, job.start_date or date.min, job.id or 0)


# places of work corrected by hand --------------------------------------------------------------
JOB_LABELS: dict[str, str] = {
    "organisation_id": "ОО", "position": "Должность", "start_date": "Начало",
    "end_date": "Окончание",
}
MOVE_HINT = "«Перевести в другую ОО…»"
LEAVE_HINT = "«Уволить / выбыл…»"
CURRENT_JOB_STAYS = ("Нынешнее место работы здесь не удаляется: оно закрывается переводом "
                     f"({MOVE_HINT}) или выбытием ({LEAVE_HINT}).")


@dataclass(frozen=True)
class JobInput:
    """A place of work as entered by hand; end_date None only for the current one."""

    organisation_id: int | None
    position: str = ""
    start_date: date | None = None
    end_date: date | None = None


def job_error(field: str, text: str) -> FieldError:
    label = JOB_LABELS[field]
    return FieldError(field, label, f"«{label}»: {text}.")


def _job(session: Session, job_id: int) -> Employment:
    job = session.get(Employment, job_id)
    if job is None:
        raise Refused(f"Место работы № {job_id} не найдено.")
    return job


def get_job_input(session: Session, job_id: int) -> JobInput:
    job = _job(session, job_id)
    return JobInput(job.organisation_id, job.position, job.start_date, job.end_date)


def _period(start: date | None, end: date | None) -> str:
    since = f"с {fmt_date(start)}" if start else "с неизвестной даты"
    return f"{since} по {fmt_date(end)}" if end else f"{since} по настоящее время"


def _left_with(person: Person, job: Employment) -> bool:
    """The job closed by the person's leaving (its end is the date of leaving)."""
    return (not person.is_active and job.end_date is not None and job.end_date == person.left_on
            and job.organisation_id == person.organisation_id)


def _job_field_errors(session: Session, person: Person, data: JobInput, on: date) -> list[
        FieldError]:
    """Each value on its own: the ОО exists, dates real, in order, not before working age."""
    errors = []
    if data.organisation_id is None:
        errors.append(job_error("organisation_id", "не выбрана организация"))
    elif session.get(Organisation, data.organisation_id) is None:
        errors.append(job_error("organisation_id",
                                f"организация № {data.organisation_id} не найдена"))
    for name in ("start_date", "end_date"):
        value = getattr(data, name)
        problem = future_problem(value, on) or (
            working_age_problem(person.birth_date, value)
            if value is not None and person.birth_date is not None else None)
        if problem:
            errors.append(job_error(name, problem))
    if data.start_date and data.end_date and data.start_date > data.end_date:
        errors.append(job_error("start_date", f"{fmt_date(data.start_date)} позже окончания "
                                              f"({fmt_date(data.end_date)})"))
    if (data.end_date and not person.is_active and person.left_on
            and data.end_date > person.left_on):
        errors.append(job_error("end_date", f"{fmt_date(data.end_date)} позже даты выбытия "
                                            f"({fmt_date(person.left_on)})"))
    return errors


def _job_period_errors(person: Person, job: Employment | None, data: JobInput,
                       on: date) -> list[FieldError]:
    """The period against the person's other jobs: no overlap (a shared end/start day is a move),
    and a past job cannot start after the current job started."""
    others = [j for j in person.jobs if j is not job]
    current = next((j for j in others if j.end_date is None), None)
    if (data.end_date is not None and current is not None and current.start_date is not None
            and data.start_date is not None and data.start_date > current.start_date):
        return [job_error("start_date", f"{fmt_date(data.start_date)} позже начала работы на "
                                        f"нынешнем месте («{current.organisation.short_name}», "
                                        f"с {fmt_date(current.start_date)})")]
    low, high = data.start_date or data.end_date or on, data.end_date or date.max
    for other in sorted(others, key=_job_order):
        other_low = other.start_date or other.end_date or on
        other_high = other.end_date or date.max
        if low < other_high and other_low < high:
            field = "start_date" if other_low <= low else "end_date"
            return [job_error(field, f"период {_period(data.start_date, data.end_date)} "
                                     f"пересекается с работой в «{other.organisation.short_name}» "
                                     f"{_period(other.start_date, other.end_date)}")]
    return []


def _refuse_job(errors: list[FieldError]) -> None:
    if errors:
        raise Refused.from_errors(errors)


def _clean_job(data: JobInput) -> JobInput:
    return JobInput(data.organisation_id, clean(data.position), data.start_date, data.end_date)


def add_job(session: Session, person_id: int, data: JobInput, on: date | None = None) -> int:
    """Add an earlier place of work (e.g. from a paper personal file); returns its id.

    Only a finished job is added here: the current one is opened by a move or by the form."""
    on = on or date.today()
    person = _person(session, person_id)
    data = _clean_job(data)
    errors = _job_field_errors(session, person, data, on)
    if data.end_date is None:
        errors.append(job_error("end_date", "не указана; здесь вносится прежнее место работы, "
                                            f"а нынешнее меняется кнопкой {MOVE_HINT}"))
    _refuse_job(errors or _job_period_errors(person, None, data, on))
    job = Employment(organisation=_organisation(session, data.organisation_id),  # type: ignore[arg-type]
                     position=data.position, start_date=data.start_date, end_date=data.end_date)
    person.jobs.append(job)
    session.flush()
    return job.id


def _fixed_end_errors(person: Person, job: Employment, data: JobInput) -> list[FieldError]:
    """The current job (and the one closed by leaving) keeps its ОО and end here."""
    errors = []
    if job.end_date is None and data.end_date is not None:
        errors.append(job_error("end_date", "нынешнее место работы закрывается переводом "
                                            f"({MOVE_HINT}) или выбытием ({LEAVE_HINT})"))
    elif job.end_date is not None and data.end_date is None:
        errors.append(job_error("end_date", "не указана; прежнее место работы не может стать "
                                            f"нынешним, для этого есть {MOVE_HINT}"))
    elif _left_with(person, job) and data.end_date != job.end_date:
        errors.append(job_error("end_date", "совпадает с датой выбытия "
                                            f"({fmt_date(person.left_on)}) и здесь не меняется"))
    anchored = job.end_date is None or _left_with(person, job)
    if anchored and data.organisation_id != job.organisation_id:
        errors.append(job_error("organisation_id", "ОО нынешнего места работы меняется "
                                                   f"кнопкой {MOVE_HINT}"))
    return errors


def update_job(session: Session, job_id: int, data: JobInput, on: date | None = None) -> None:
    """Correct a place of work: a past one entirely; the current one only its start and
    position (the position is the person's position too)."""
    on = on or date.today()
    job = _job(session, job_id)
    person = job.person
    data = _clean_job(data)
    errors = _job_field_errors(session, person, data, on) + _fixed_end_errors(person, job, data)
    _refuse_job(errors or _job_period_errors(person, job, data, on))
    anchored = job.end_date is None or _left_with(person, job)
    job.organisation = _organisation(session, data.organisation_id)  # type: ignore[arg-type]
    job.position = data.position
    job.start_date, job.end_date = data.start_date, data.end_date
    if anchored and person.organisation_id == job.organisation_id:
        person.position = data.position
    session.flush()


def delete_job(session: Session, job_id: int) -> None:
    """Delete a past place of work entered by mistake (never the current or the only one)."""
    job = _job(session, job_id)
    person = job.person
    if job.end_date is None:
        raise Refused(CURRENT_JOB_STAYS)
    if _left_with(person, job):
        raise Refused(f"Это место работы закрыто выбытием {fmt_date(person.left_on)}: "
                      "удалить его нельзя.")
    if len(person.jobs) == 1:
        raise Refused("Это единственное место работы педагога: удалить его нельзя.")
    person.jobs.remove(job)
    session.flush()


@dataclass(frozen=True)
class CourseRow:
    title: str
    kind: str
    provider: str
    hours: int | None
    end_date: date | None
    in_federal_registry: bool


def recent_courses(session: Session, person_id: int, on: date | None = None) -> list[CourseRow]:
    """Courses ended within the three years before the date (the candidate form's column)."""
    on = on or date.today()
    since = on - timedelta(days=365 * COURSE_YEARS + 1)
    person = _person(session, person_id)
    return [
        CourseRow(c.title, CourseKind(c.kind).label, c.provider, c.hours, c.end_date,
                  c.in_federal_registry)
        for c in person.courses
        if c.end_date is not None and since <= c.end_date <= on
    ]


def people_choices(
    session: Session, ids: Iterable[int] | None = None, organisation_id: int | None = None
) -> list[tuple[int, str]]:
    """(id, «ФИО — ОО») of working people (of some ids or one ОО), in Russian order."""
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                   Organisation.short_name)
            .outerjoin(Organisation, Person.organisation_id == Organisation.id)
            .where(Person.is_active.is_(True)))
    if ids is not None:
        stmt = stmt.where(Person.id.in_(list(ids)))
    if organisation_id is not None:
        stmt = stmt.where(Person.organisation_id == organisation_id)
    rows = [(r.id, f"{fio(r.last_name, r.first_name, r.middle_name)} — {r.short_name or 'без ОО'}")
            for r in session.execute(stmt)]
    return sorted(rows, key=lambda r: ru_sort_key(r[1]))
