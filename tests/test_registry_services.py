"""Registry services on a real SQLite file: organisations, people, moves, filters, sorting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from desktop_app.model import Employment, Pair, PairMentee, Person
from desktop_app.services import registry
from desktop_app.services.validation import CourseInput, OrganisationInput, PersonInput, Refused
from desktop_app.textutil import ru_sort_key

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
TODAY = date.today()


def org(s, name: str = "МБОУ СОШ № 1", **kw) -> int:  # type: ignore[no-untyped-def]
    return registry.add_organisation(s, OrganisationInput(short_name=name, **kw))


def person(s, last: str = "Иванова", first: str = "Мария", org_id: int | None = None,  # type: ignore[no-untyped-def]
           born: date = date(1980, 5, 4), **kw) -> int:
    data = PersonInput(last_name=last, first_name=first, middle_name=kw.pop("middle", "Ивановна"),
                       birth_date=born, organisation_id=org_id, **kw)
    return registry.add_person(s, data, on=TODAY)


def test_organisation_with_every_field(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        cur_org = org(s, "МБОУ Гимназия")
        curator = person(s, org_id=cur_org)
        oid = registry.add_organisation(s, OrganisationInput(
            short_name="МБОУ СОШ № 2", full_name="Муниципальное бюджетное ОУ СОШ № 2",
            kind="general", is_low_results=True, is_difficult_conditions=True,
            mentoring_act_date=date(2023, 1, 10), mentoring_act_number="№ 15-о",
            mentoring_programme_date=date(2023, 2, 1), curator_id=curator,
            head_name="Петров П.П.", phone="8 913 000 11 22", email="School2@Mail.ru"))
    with db.sessions() as s:
        data = registry.get_organisation_input(s, oid)
        rows = {r.id: r for r in registry.list_organisations(s)}
    assert data.mentoring_act_number == "15-о"
    assert data.phone == "+7 (913) 000-11-22" and data.email == "school2@mail.ru"
    assert rows[oid].curator == "Иванова Мария Ивановна"
    assert rows[oid].mentoring_programme_date == date(2023, 2, 1)
    assert rows[cur_org].people_count == 1


def test_organisation_refusals_save_nothing(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        org(s)
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        org(s, "мбоу сош № 1")
    assert "уже есть" in exc.value.message
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        org(s, "МБОУ СОШ № 3", phone="12")
    assert exc.value.errors[0].field == "phone"
    with db.sessions() as s:
        assert len(registry.list_organisations(s)) == 1


def test_organisation_with_people_cannot_be_deleted(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid = org(s)
        people = [person(s, last=f"Иванов{'а' * i}", org_id=oid) for i in range(1, 4)]
        s.add(Pair(mentor_id=people[0], form_id=1, start_date=date(2024, 1, 1),
                   end_date=date(2024, 12, 31)))
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        registry.delete_organisation(s, oid)
    assert "3 педагога и 1 пара" in exc.value.message
    assert "только сделать недействующей" in exc.value.message
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        registry.deactivate_organisation(s, oid)
    assert "работают 3 педагога" in exc.value.message
    with db.sessions.begin() as s:
        for pid in people:
            registry.dismiss_person(s, pid, TODAY)
        registry.deactivate_organisation(s, oid, TODAY)
    with db.sessions() as s:
        row = registry.list_organisations(s)[0]
        assert not row.is_active
        assert registry.list_organisations(s, include_inactive=False) == []


def test_empty_organisation_can_be_deleted(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid = org(s)
    with db.sessions.begin() as s:
        registry.delete_organisation(s, oid)
    with db.sessions() as s:
        assert registry.list_organisations(s) == []


def test_person_round_trip_and_search_key(db) -> None:  # type: ignore[no-untyped-def]
    courses = (CourseInput(title="Школа Минпросвещения", hours=72, end_date=date(2023, 5, 1),
                           in_federal_registry=True),
               CourseInput(title="Старый курс", hours=36, end_date=date(2015, 5, 1)))
    with db.sessions.begin() as s:
        oid = org(s)
        pid = person(s, last="Фёдорова", org_id=oid, courses=courses, phone="89131234567",
                     ped_experience_start=date(2003, 9, 1), category="highest")
    with db.sessions() as s:
        data = registry.get_person_input(s, pid)
        p = s.get(Person, pid)
        assert p.search_key == "федорова мария ивановна"
        assert len(p.jobs) == 1 and p.jobs[0].organisation_id == oid
        recent = registry.recent_courses(s, pid, date(2024, 9, 1))
    assert data.phone == "+7 (913) 123-45-67" and len(data.courses) == 2
    assert [c.title for c in recent] == ["Школа Минпросвещения"]
    with db.sessions.begin() as s:
        registry.update_person(s, pid, PersonInput(**{**data.__dict__, "last_name": "Ёлкина"}))
    with db.sessions() as s:
        assert s.get(Person, pid).search_key == "елкина мария ивановна"


def test_invalid_person_names_fields_and_saves_nothing(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        person(s, born=date(2015, 1, 1), email="нет")
    assert {e.field for e in exc.value.errors} == {"birth_date", "email"}
    assert "«Дата рождения»" in exc.value.message
    with db.sessions() as s:
        assert s.scalars(select(Person)).all() == []


def test_duplicate_refused_with_pointer(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid = org(s)
        first = person(s, last="Фёдорова", org_id=oid)
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        person(s, last="федорова", middle="ивановна", first="мария")
    assert f"№ {first}, МБОУ СОШ № 1" in exc.value.message
    with db.sessions.begin() as s:  # same ФИО, another birth date: a different person
        person(s, last="Фёдорова", born=date(1981, 5, 4))


def test_move_keeps_history(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        a, b = org(s, "ОО А"), org(s, "ОО Б")
        pid = person(s, org_id=a, position="учитель")
        registry.move_person(s, pid, b, date(2024, 1, 9), position="завуч")
    with db.sessions() as s:
        history = registry.job_history(s, pid)
        with pytest.raises(Refused):
            registry.move_person(s, pid, b, TODAY)
    assert [(j.organisation, j.position, j.end_date) for j in history] == [
        ("ОО А", "учитель", date(2024, 1, 9)), ("ОО Б", "завуч", None)]
    with db.sessions.begin() as s:  # changing the ОО in the form is a move too
        data = registry.get_person_input(s, pid)
        registry.update_person(s, pid, PersonInput(**{**data.__dict__, "organisation_id": a}))
    with db.sessions() as s:
        jobs = s.scalars(select(Employment).where(Employment.person_id == pid)).all()
    assert len(jobs) == 3 and sum(j.end_date is None for j in jobs) == 1


def test_dismiss(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, org_id=org(s))
        registry.dismiss_person(s, pid, date(2024, 6, 30))
    with db.sessions() as s:
        row = registry.list_people(s)[0]
        assert not row.is_active
        assert registry.job_history(s, pid)[0].end_date == date(2024, 6, 30)
        assert registry.find_people(s, registry.PersonFilter(include_left=False)) == []
    with pytest.raises(Refused), db.sessions.begin() as s:
        registry.dismiss_person(s, pid, TODAY)


def test_filters_on_a_date(db) -> None:  # type: ignore[no-untyped-def]
    on = date(2024, 9, 1)
    with db.sessions.begin() as s:
        a, b = org(s, "ОО А"), org(s, "ОО Б")
        young = person(s, "Молодая", org_id=a, born=date(1999, 1, 1), position="учитель",
                       ped_experience_start=date(2022, 9, 1))
        old = person(s, "Опытная", org_id=b, born=date(1970, 1, 1), position="Учитель музыки",
                     ped_experience_start=date(1992, 9, 1), category="highest")
        pair = Pair(mentor_id=old, form_id=1, start_date=date(2024, 1, 1),
                    end_date=date(2024, 12, 31))
        s.add(pair)
        s.flush()
        s.add(PairMentee(pair_id=pair.id, person_id=young))
    F = registry.PersonFilter

    def ids(f: registry.PersonFilter, when: date = on) -> list[int]:
        with db.sessions() as s:
            return [r.id for r in registry.find_people(s, f, when)]

    assert ids(F(under_35=True)) == [young]
    assert ids(F(young_specialist=True)) == [young]
    assert ids(F(young_specialist=True), date(2025, 9, 1)) == []  # 3 full years then
    assert ids(F(mentor=True)) == [old] and ids(F(mentee=True)) == [young]
    assert ids(F(mentor=True), date(2025, 1, 1)) == []
    assert ids(F(organisation_id=b)) == [old]
    assert ids(F(category="highest")) == [old]
    assert ids(F(position="учитель")) == [young, old]
    assert ids(F(member=True)) == []


def test_russian_sorting_of_people(db) -> None:  # type: ignore[no-untyped-def]
    names = ["Ежов", "Ёлкин", "Жуков", "Евсеев", "Абрамов"]
    with db.sessions.begin() as s:
        for n in names:
            person(s, n, middle="")
    with db.sessions() as s:
        rows = registry.list_people(s)
    ordered = [r.fio.split()[0] for r in sorted(rows, key=lambda r: ru_sort_key(r.fio))]
    assert ordered == ["Абрамов", "Евсеев", "Ежов", "Ёлкин", "Жуков"]


def test_person_with_pairs_cannot_be_deleted(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s)
        other = person(s, "Петрова")
        s.add(Pair(mentor_id=pid, form_id=1, start_date=date(2024, 1, 1),
                   end_date=date(2024, 12, 31)))
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        registry.delete_person(s, pid)
    assert "1 пара" in exc.value.message
    with db.sessions.begin() as s:
        registry.delete_person(s, other)
