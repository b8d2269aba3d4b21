"""Helpers for the diagnostics tests: people, organisations and sessions in a real database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Instrument, Organisation, Person
from desktop_app.services.diagnostics import instrument_items, record_session


def org(s: Session, name: str) -> int:
    row = Organisation(short_name=name, full_name=name)
    s.add(row)
    s.flush()
    return row.id


def person(
    s: Session, last: str, org_id: int | None = None, subject: str = "математика",
    start: date | None = date(2000, 9, 1), category: str = "first",
) -> int:
    row = Person(
        last_name=last, first_name="Анна", middle_name="Петровна",
        search_key=f"{last.lower()} анна петровна", birth_date=date(1980, 1, 1),
        organisation_id=org_id, subject=subject, ped_experience_start=start, category=category,
    )
    s.add(row)
    s.flush()
    return row.id


def instrument_id(s: Session) -> int:
    found = s.scalar(select(Instrument.id).where(Instrument.code == "self_assessment"))
    assert found is not None
    return found


def scores_by_area(s: Session, per_area: dict[str, int], default: int = 4) -> dict[int, int]:
    """Answers giving every item of an area the same score."""
    return {i.id: per_area.get(i.area, default) for i in instrument_items(s, instrument_id(s))}


def diagnose(s: Session, person_id: int, on: date, per_area: dict[str, int],
             default: int = 4) -> int:
    return record_session(s, person_id, instrument_id(s), on,
                          scores_by_area(s, per_area, default))
