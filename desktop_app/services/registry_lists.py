"""The registry's lists and choices: what the tables, filters and combo boxes show.

Holds the readings of the registry on a date — every organisation with its curator and number
of working people, every person with place of work, age, experience and roles (people_list's
statements run on the session's connection), the people passing a filter, the members of the
active — and the choices of the forms: organisations, working people, positions in use, a
person's recent courses. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop_app.model import Organisation, Person
from desktop_app.model.enums import CourseKind
from desktop_app.services import people_list
from desktop_app.services.people_list import (
    Fetch,
    OrganisationRow,
    PersonFilter,
    PersonRow,
    matches,
    organisation_rows,
    people_rows,
)
from desktop_app.services.registry_people import _person
from desktop_app.store.dialect import dialect_name
from desktop_app.textutil import fio, fold, ru_sort_key

COURSE_YEARS = 3


def session_fetch(session: Session) -> Fetch:
    """people_list's reading statements run on the session's connection (as text(): SQLAlchemy
    turns their :name parameters into the driver's placeholders, on either engine)."""
    def fetch(sql: str, params: dict[str, Any]) -> list[Any]:
        return list(session.execute(text(sql), params).fetchall())

    return fetch


def list_organisations(session: Session, include_inactive: bool = True) -> list[OrganisationRow]:
    """Every organisation with its curator and number of working people, by short name."""
    return organisation_rows(session_fetch(session), include_inactive,
                             dialect=dialect_name(session))


def organisation_choices(session: Session) -> list[tuple[int, str, bool]]:
    """(id, short name, whether it is active) of every organisation for combo boxes, in
    Russian order."""
    stmt = select(Organisation.id, Organisation.short_name, Organisation.is_active)
    return sorted(((r.id, r.short_name, r.is_active) for r in session.execute(stmt)),
                  key=lambda r: ru_sort_key(r[1]))


def member_ids(session: Session, on: date) -> set[int]:
    """People included in the active and not excluded on the date (people_list's rule)."""
    return people_list.member_ids(session_fetch(session), on)


def list_people(session: Session, on: date | None = None) -> list[PersonRow]:
    """Every person with place of work, age, experience and roles computed on a date, in
    Russian alphabetical order (people_list.people_rows)."""
    return people_rows(session_fetch(session), on or date.today(), dialect_name(session))


def find_people(session: Session, f: PersonFilter, on: date | None = None) -> list[PersonRow]:
    """People passing the filters on a date."""
    return [row for row in list_people(session, on) if matches(row, f)]


def positions(session: Session) -> list[str]:
    """Distinct positions in use (for the filter and the form's suggestions)."""
    stmt = select(Person.position).where(Person.position != "").distinct()
    return sorted(set(session.scalars(stmt)), key=fold)


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
    """(id, «ФИО — ОО») of working people (of some ids or one ОО), in Russian order of that
    text. Its ru_sort_key is put together from the stored key of the ФИО (people.sort_key) and
    the key of « — ОО», made once per ОО: the same order, without a key made for each of the
    region's 30 000 people."""
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                   Person.sort_key, Organisation.short_name)
            .outerjoin(Organisation, Person.organisation_id == Organisation.id)
            .where(Person.is_active.is_(True)))
    if ids is not None:
        stmt = stmt.where(Person.id.in_(list(ids)))
    if organisation_id is not None:
        stmt = stmt.where(Person.organisation_id == organisation_id)
    after_name: dict[str, str] = {}  # ОО → the key of « — ОО» as it follows a name's key
    keyed = []
    # plain rows (a Core result: no ORM loading of 30 000 rows)
    for pid, last, first, middle, name_key, org in session.connection().execute(stmt).all():
        org = org or "без ОО"
        tail = after_name.get(org)
        if tail is None:
            tail = after_name[org] = ru_sort_key(f"x — {org}")[1:]  # without the «x»
        keyed.append((name_key + tail, pid, f"{fio(last, first, middle)} — {org}"))
    keyed.sort(key=itemgetter(0))
    return [(pid, text) for _key, pid, text in keyed]
