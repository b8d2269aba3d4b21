"""Reading services that compute in SQL give the same answers on SQLite and on PostgreSQL: full
years of age and experience around birthdays and 29 February, the strengths of everyone's latest
self-assessment (store.dialect's join_in_order), the dates of the organisations' list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop_app.model import Person
from desktop_app.services import pairs, registry
from desktop_app.services.matching import latest_strengths, person_strengths
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.textutil import years_between
from tests.test_matching import build

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

# (last name, birth date, start of experience)
PEOPLE = [
    ("Августова", date(1990, 6, 1), date(2021, 6, 1)),  # birthday and anniversary on the date
    ("Борисова", date(1990, 6, 2), date(2021, 6, 2)),  # the day after
    ("Високосная", date(1996, 2, 29), date(2020, 2, 29)),
    ("Новенькая", date(2000, 12, 31), None),  # experience unknown
]
DAYS = [date(2024, 6, 1), date(2025, 2, 28), date(2025, 3, 1), date(2024, 12, 31)]


def test_full_years_of_age_and_experience(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        for last, born, started in PEOPLE:
            registry.add_person(s, PersonInput(last_name=last, first_name="Анна",
                                               birth_date=born, ped_experience_start=started),
                                on=date(2024, 1, 1))
    for on in DAYS:
        expected = {last: (years_between(born, on), started and years_between(started, on))
                    for last, born, started in PEOPLE}
        with db.sessions() as s:
            rows = registry.list_people(s, on)
            choices = pairs.list_person_choices(s, on)
        assert {r.fio.split()[0]: (r.age, r.experience_years) for r in rows} == expected, on
        assert {r.fio.split()[0]: r.birth_date for r in rows} == {p[0]: p[1] for p in PEOPLE}
        assert {c.fio.split()[0]: (c.age, c.experience_years) for c in choices} == expected, on


def test_latest_strengths_of_everyone(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        ids = build(s)
    with db.sessions() as s:
        everyone = s.scalars(select(Person.id)).all()
        found = latest_strengths(s)
        one_by_one = {pid: person_strengths(s, pid) for pid in everyone}
    assert found == {pid: areas for pid, areas in one_by_one.items() if areas}
    assert found[ids["c1"]] == {"digital", "methodical"} and found[ids["c2"]] == {"digital"}
    assert ids["c7"] not in found  # strong once, not in the latest session


def test_organisation_dates_and_curator(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        curator = registry.add_person(s, PersonInput(last_name="Кураторова", first_name="Анна",
                                                     middle_name="Ивановна",
                                                     birth_date=date(1975, 1, 1)))
        oid = registry.add_organisation(s, OrganisationInput(
            short_name="СОШ № 7", mentoring_act_date=date(2023, 8, 30),
            mentoring_act_number="12-п", mentoring_programme_date=date(2023, 9, 1),
            curator_id=curator))
        registry.add_organisation(s, OrganisationInput(short_name="СОШ № 8"))
    with db.sessions() as s:
        rows = {r.id: r for r in registry.list_organisations(s)}
    row = rows[oid]
    assert (row.mentoring_act_date, row.mentoring_programme_date) == (date(2023, 8, 30),
                                                                      date(2023, 9, 1))
    assert row.curator == "Кураторова Анна Ивановна" and row.mentoring_act_number == "12-п"
    other = next(r for r in rows.values() if r.id != oid)
    assert other.mentoring_act_date is None and other.mentoring_programme_date is None
