"""Registry use cases: organisations and people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Course, Organisation, Person
from desktop_app.model.enums import Category, OrgKind
from desktop_app.services.validation import CourseInput, OrganisationInput, PersonInput
from desktop_app.textutil import fio, fold, years_between

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
    """The stored search key: folded ФИО (lower case, ё as е)."""
    return fold(fio(last, first, middle))


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


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    short_name: str
    full_name: str
    kind: str
    is_low_results: bool
    is_difficult_conditions: bool
    mentoring_act_date: date | None
    mentoring_act_number: str
    is_active: bool


@dataclass(frozen=True)
class PersonRow:
    id: int
    fio: str
    birth_date: date
    organisation: str
    position: str
    category: str
    subject: str
    experience_years: int | None
    is_active: bool


def list_organisations(session: Session, include_inactive: bool = True) -> list[OrganisationRow]:
    """Every organisation, by short name."""
    stmt = select(Organisation).order_by(Organisation.short_name)
    if not include_inactive:
        stmt = stmt.where(Organisation.is_active.is_(True))
    return [
        OrganisationRow(
            o.id, o.short_name, o.full_name, OrgKind(o.kind).label, o.is_low_results,
            o.is_difficult_conditions, o.mentoring_act_date, o.mentoring_act_number, o.is_active,
        )
        for o in session.scalars(stmt)
    ]


def list_people(session: Session, on: date | None = None) -> list[PersonRow]:
    """Every person with the place of work and the experience on a date (today by default)."""
    on = on or date.today()
    stmt = (
        select(
            Person.id, Person.last_name, Person.first_name, Person.middle_name, Person.birth_date,
            Organisation.short_name, Person.position, Person.category, Person.subject,
            Person.ped_experience_start, Person.is_active,
        )
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .order_by(Person.id)
    )
    labels = {c.value: c.label for c in Category}
    rows = []
    for r in session.execute(stmt):
        experience = years_between(r.ped_experience_start, on) if r.ped_experience_start else None
        rows.append(
            PersonRow(
                r.id, fio(r.last_name, r.first_name, r.middle_name), r.birth_date,
                r.short_name or "", r.position, labels.get(r.category, r.category), r.subject,
                experience, r.is_active,
            )
        )
    return rows
