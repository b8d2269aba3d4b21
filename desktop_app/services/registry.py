"""Registry use cases: organisations and people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Organisation, Person
from desktop_app.model.enums import Category, OrgKind
from desktop_app.textutil import fio, years_between


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
