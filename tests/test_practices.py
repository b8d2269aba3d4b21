"""The bank of best practices: in_bank() (the site page's contract), the practices' records and
their checks, the active's decisions, the linked pairs' figures, the history, the files kept in
the database, and the upgrade of a database of the revision before."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from desktop_app.model import (
    Base,
    Deficit,
    DiagnosticSession,
    Meeting,
    MentorshipForm,
    Monitoring,
    Organisation,
    Pair,
    PairMentee,
    Person,
    Satisfaction,
)
from desktop_app.services import changelog, practice_files, practices
from desktop_app.services.practices import PracticeError, PracticeInput
from desktop_app.store.database import Database, head_revision, open_database
from tests.test_migration_0008 import read, to_revision

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


@dataclass(frozen=True)
class World:
    school: int
    garden: int
    form: int
    mentor: int  # Иванова Анна Ивановна
    coauthor: int  # Ёлкина Вера Петровна
    mentee: int  # Орлова Мария Ивановна
    pair: int
    meeting: int  # 12.03.2025


def _person(session, last: str, first: str, middle: str, org: Organisation,  # type: ignore[no-untyped-def]
            **kw) -> Person:
    kw.setdefault("birth_date", date(1975, 4, 1))
    kw.setdefault("ped_experience_start", date(2000, 9, 1))
    person = Person(last_name=last, first_name=first, middle_name=middle,
                    search_key=last.lower(), organisation=org, position="учитель", **kw)
    session.add(person)
    session.flush()
    return person


def build(session) -> World:  # type: ignore[no-untyped-def]
    """Two ОО, a mentor with a co-author and a mentee, one pair with monitoring, questionnaires
    and the mentee's deficits overcome on re-diagnosis, and a meeting of the active."""
    school = Organisation(short_name="МБОУ «СОШ № 1»", full_name="МБОУ «Средняя школа № 1»")
    garden = Organisation(short_name="МБДОУ «Детский сад № 5»")
    session.add_all([school, garden])
    session.flush()
    mentor = _person(session, "Иванова", "Анна", "Ивановна", school)
    coauthor = _person(session, "Ёлкина", "Вера", "Петровна", garden)
    mentee = _person(session, "Орлова", "Мария", "Ивановна", school,
                     birth_date=date(1998, 3, 3), ped_experience_start=date(2023, 8, 28))
    form = session.scalars(select(MentorshipForm).order_by(MentorshipForm.position)).first()
    pair = Pair(mentor_id=mentor.id, form_id=form.id, start_date=date(2023, 9, 1),
                end_date=date(2024, 5, 31), status="completed", mentee_category="young")
    pair.mentees = [PairMentee(person_id=mentee.id)]
    session.add(pair)
    session.flush()
    session.add_all([
        Monitoring(pair_id=pair.id, monitoring_date=date(2024, 5, 20),
                   students_passed_percent=92.0, exam_kind="ОГЭ", olympiad_participants=4,
                   progress_dynamics="положительная"),
        Satisfaction(pair_id=pair.id, person_id=mentor.id, respondent="mentor",
                     answered_on=date(2024, 5, 25), score=9),
        Satisfaction(pair_id=pair.id, person_id=mentee.id, respondent="mentee",
                     answered_on=date(2024, 5, 25), score=8),
        Deficit(person_id=mentee.id, area="methodical", title="Проектирование урока",
                found_on=date(2023, 9, 20), state="overcome", overcome_on=date(2024, 5, 15)),
        DiagnosticSession(person_id=mentee.id, kind="external", session_date=date(2024, 5, 15),
                          procedure="региональная оценка"),
    ])
    meeting = Meeting(meeting_date=date(2025, 3, 12), agenda="О банке лучших практик")
    session.add(meeting)
    session.flush()
    session.commit()
    return World(school.id, garden.id, form.id, mentor.id, coauthor.id, mentee.id, pair.id,
                 meeting.id)


@pytest.fixture
def world(db: Database) -> World:
    with db.sessions() as session:
        return build(session)


def practice(w: World, **kw) -> PracticeInput:  # type: ignore[no-untyped-def]
    data = PracticeInput(
        title="Наставничество «учитель – учитель» в адаптации молодого педагога",
        author_ids=(w.mentor, w.coauthor), organisation_id=w.school, year=2024,
        form_id=w.form, mentee_category="young",
        description="Пара работает по персонализированной программе.",
        results="Молодой педагог остался в профессии.", pair_ids=(w.pair,))
    return replace(data, **kw)


# the bank: the contract of the site page -----------------------------------------------------
def test_in_bank_lists_the_included_practices_with_their_authors(db: Database,
                                                                  world: World) -> None:
    with db.sessions() as session:
        included = practices.add_practice(session, practice(
            world, status="включена в банк", meeting_id=world.meeting))
        practices.add_practice(session, practice(world, title="Предложенная практика"))
        practices.add_practice(session, practice(
            world, title="Отклонённая практика", status="rejected",
            decided_on=date(2025, 3, 12)))
        earlier = practices.add_practice(session, practice(
            world, title="Аналитика для наставника", year=2023, author_ids=(world.coauthor,),
            organisation_id=world.garden, form_id=None, status="included",
            decided_on=date(2024, 2, 1)))
        session.commit()
    with db.sessions() as session:
        bank = practices.in_bank(session)
        of_2024 = practices.in_bank(session, 2024)
        assert practices.in_bank(session, 2022) == []
    assert [p.id for p in bank] == [included, earlier]  # newest year first
    assert [p.id for p in of_2024] == [included]
    first = bank[0]
    assert first.title == "Наставничество «учитель – учитель» в адаптации молодого педагога"
    assert first.authors == ("Иванова Анна Ивановна", "Ёлкина Вера Петровна")
    assert first.author_ids == (world.mentor, world.coauthor)
    assert first.organisation == "МБОУ «СОШ № 1»"
    assert first.form and first.year == 2024
    assert first.description == "Пара работает по персонализированной программе."
    assert first.decided_on == date(2025, 3, 12)
    assert first.category == "молодой специалист (0–3 года)"
    assert bank[1].form == "" and bank[1].authors == ("Ёлкина Вера Петровна",)
    with pytest.raises(AttributeError):
        first.title = "другое"  # type: ignore[misc]


def test_bank_order_is_russian_within_a_year(db: Database, world: World) -> None:
    with db.sessions() as session:
        for title in ("Ёжик в тумане", "Его путь", "Жизнь", "Азбука наставника"):
            practices.add_practice(session, practice(world, title=title, status="included",
                                                     decided_on=date(2025, 1, 10)))
        session.commit()
        titles = [p.title for p in practices.in_bank(session, 2024)]
    assert titles == ["Азбука наставника", "Его путь", "Ёжик в тумане", "Жизнь"]


# records and their checks -------------------------------------------------------------------
def test_a_practice_is_saved_and_read_back(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world, title="  Два   пробела  "))
        session.commit()
    with db.sessions() as session:
        got = practices.get_practice(session, pid)
        rows = practices.list_practices(session)
    assert got.data.title == "Два пробела" and got.data.author_ids == (world.mentor,
                                                                       world.coauthor)
    assert got.data.pair_ids == (world.pair,) and got.data.status == "proposed"
    assert [(r.title, r.authors, r.status_label, r.pairs) for r in rows] == [
        ("Два пробела", ("Иванова А.И.", "Ёлкина В.П."), "предложена", 1)]


def test_the_authors_order_is_kept_and_changed(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world))
        session.commit()
    with db.sessions() as session:
        practices.update_practice(session, pid, practice(
            world, author_ids=(world.coauthor, world.mentee, world.mentor), pair_ids=()))
        session.commit()
    with db.sessions() as session:
        got = practices.get_practice(session, pid).data
        bank_authors = practices.list_practices(session)[0].authors
    assert got.author_ids == (world.coauthor, world.mentee, world.mentor)
    assert got.pair_ids == ()
    assert bank_authors == ("Ёлкина В.П.", "Орлова М.И.", "Иванова А.И.")


@pytest.mark.parametrize(("change", "message"), [
    ({"title": " "}, "Название практики: не заполнено"),
    ({"title": "x" * 501}, "не длиннее 500 знаков"),
    ({"author_ids": ()}, "укажите хотя бы одного автора"),
    ({"author_ids": (999_999,)}, "Авторы: нет педагогов с кодами 999999"),
    ({"organisation_id": None}, "ОО: не выбрана"),
    ({"organisation_id": 999_999}, "ОО: не выбрана или не найдена"),
    ({"form_id": 999_999}, "Форма наставничества с кодом 999999 не найдена"),
    ({"year": 1999}, "Год: ожидается число от 2000 до 2100"),
    ({"year": None}, "Год: ожидается"),
    ({"mentee_category": "пенсионер"}, "Категория наставляемых «пенсионер» неизвестна"),
    ({"pair_ids": (999_999,)}, "Пары: нет пар с кодами 999999"),
    ({"status": "одобрена"}, "Статус «одобрена» неизвестен"),
    ({"status": "included"}, "укажите дату решения или заседание"),
    ({"decided_on": date(2025, 1, 1)}, "«предложена»: дата решения и заседание"),
    ({"status": "rejected", "meeting_id": 999_999}, "Заседание актива с кодом 999999"),
    ({"description": "д" * 32_768}, "Краткое описание: не длиннее 32767 знаков"),
])
def test_bad_practices_are_refused(db: Database, world: World, change: dict,  # type: ignore[type-arg]
                                   message: str) -> None:
    if change.get("meeting_id") == 0:
        change["meeting_id"] = world.meeting
    with db.sessions() as session, pytest.raises(PracticeError, match=message):
        practices.add_practice(session, practice(world, **change))


def test_a_decision_takes_its_meeting_s_date(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world))
        practices.set_status(session, pid, "рассмотрена активом", meeting_id=world.meeting)
        session.commit()
        row = practices.list_practices(session)[0]
        assert (row.status, row.decided_on, row.meeting) == (
            "reviewed", date(2025, 3, 12), "заседание 12.03.2025")
        with pytest.raises(PracticeError, match="не совпадает с датой заседания актива "
                                                "12.03.2025"):
            practices.set_status(session, pid, "included", date(2025, 3, 13), world.meeting)
        practices.set_status(session, pid, "включена в банк", date(2025, 3, 12), world.meeting)
        practices.set_status(session, pid, "отклонена", date(2025, 4, 1))
        session.commit()
        row = practices.list_practices(session)[0]
        assert (row.status, row.decided_on, row.meeting) == ("rejected", date(2025, 4, 1), "")
        practices.set_status(session, pid, "предложена")
        session.commit()
        detail = practices.get_practice(session, pid).data
    assert (detail.status, detail.decided_on, detail.meeting_id) == ("proposed", None, None)


def test_a_meeting_deleted_leaves_the_decision_without_it(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world, status="included",
                                                       meeting_id=world.meeting))
        session.commit()
        session.delete(session.get(Meeting, world.meeting))
        session.commit()
        detail = practices.get_practice(session, pid).data
    assert (detail.status, detail.decided_on, detail.meeting_id) == (
        "included", date(2025, 3, 12), None)


def test_filter_by_year_status_organisation_and_words(db: Database, world: World) -> None:
    with db.sessions() as session:
        a = practices.add_practice(session, practice(world, title="Школа молодого педагога"))
        b = practices.add_practice(session, practice(
            world, title="Клуб наставников", year=2025, organisation_id=world.garden,
            author_ids=(world.coauthor,), status="included", decided_on=date(2025, 5, 5)))
        session.commit()
        flt = practices.PracticeFilter
        ids = {name: [r.id for r in practices.list_practices(session, f)] for name, f in {
            "all": flt(), "2024": flt(year=2024), "included": flt(status="included"),
            "garden": flt(organisation_id=world.garden), "ёлкина": flt(text="елкина клуб"),
            "nothing": flt(text="нет такого"), "school": flt(organisations=frozenset(
                {world.school})),
        }.items()}
        assert practices.practice_years(session) == [2025, 2024]
    assert ids == {"all": [b, a], "2024": [a], "included": [b], "garden": [b], "ёлкина": [b],
                   "nothing": [], "school": [a]}


def test_delete_removes_the_links(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world))
        session.commit()
        practices.delete_practice(session, pid)
        session.commit()
        assert practices.list_practices(session) == []
        assert session.get(Pair, world.pair) is not None
        with pytest.raises(PracticeError, match="Практика не найдена"):
            practices.delete_practice(session, pid)


# the linked pairs' figures --------------------------------------------------------------------
def test_the_linked_pairs_figures(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world))
        session.commit()
        found = practices.pair_results(session, pid, date(2024, 12, 31))
    assert len(found) == 1
    result = found[0]
    assert (result.mentor, result.mentees) == ("Иванова А.И.", ("Орлова М.И.",))
    assert (result.monitorings, result.students_passed, result.olympiad_participants) == (
        1, "ОГЭ: 92,0\u00a0%", 4)
    assert (result.satisfaction_mentor, result.satisfaction_mentee) == (9.0, 8.0)
    assert result.deficits_overcome == 1
    lines = "\n".join(result.lines())
    for words in ("Программа: 01.09.2023 – 31.05.2024, завершена",
                  "Мониторинг на 20.05.2024: успешно прошли ОГЭ: 92,0",
                  "участников олимпиад — 4", "динамика: положительная",
                  "Удовлетворённость (из 10): наставник — 9,0, наставляемые — 8,0",
                  "Повторная диагностика: дефицитов наставляемых выявлено 1, преодолено 1"):
        assert words in lines, words
    # on an earlier date: what was recorded by then, the pair not begun yet not shown
    with db.sessions() as session:
        (earlier,) = practices.pair_results(session, pid, date(2024, 1, 31))
        assert practices.pair_results(session, pid, date(2023, 8, 31)) == ()
    assert (earlier.monitorings, earlier.satisfaction_mentor, earlier.deficits_overcome) == (
        0, None, 0)


def test_pair_choices_put_the_authors_pairs_first(db: Database, world: World) -> None:
    with db.sessions() as session:
        choices = practices.pair_choices(session, [world.mentee])
        meetings = practices.meeting_choices(session)
    assert choices[0][0] == world.pair
    assert choices[0][1] == "Иванова А.И. → Орлова М.И. (01.09.2023 – 31.05.2024)"
    assert meetings == [(world.meeting, "12.03.2025 — О банке лучших практик")]


# the history ----------------------------------------------------------------------------------
def test_the_history_of_a_practice_and_of_its_authors(db: Database, world: World) -> None:
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world))
        session.commit()
        practices.set_status(session, pid, "included", meeting_id=world.meeting)
        session.commit()
        entries = practices.practice_history(session, pid)
        mine = changelog.person_history(session, world.coauthor)
    tables = [e.table_label for e in entries]
    assert tables[:1] == ["Практики"] and "Авторы практик" in tables
    change = next(e for e in entries if e.action == "update")
    shown = {c.label: (c.old, c.new) for c in change.changes}
    assert shown["Статус"] == ("предложена", "включена в банк")
    assert shown["Дата решения"] == ("—", "12.03.2025")
    assert any(e.table_label == "Авторы практик" for e in mine)


# the upgrade -----------------------------------------------------------------------------------
def test_upgrade_from_0013_adds_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    database = open_database(path)
    with database.sessions() as session:
        w = build(session)
    database.dispose()
    to_revision(path, "0013")
    tables = {r[0] for r in read(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert not tables & {"practices", "practice_authors", "practice_pairs", "practice_files",
                         "practice_file_parts"}
    people = read(path, "SELECT * FROM people ORDER BY id")
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with database.sessions() as session:
            practices.add_practice(session, practice(w, status="included",
                                                     meeting_id=w.meeting))
            session.commit()
            assert len(practices.in_bank(session)) == 1
    finally:
        database.dispose()
    assert read(path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert read(path, "SELECT * FROM people ORDER BY id") == people
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


# the demo ----------------------------------------------------------------------------------------
def test_the_demo_has_practices_of_the_three_statuses(tmp_path: Path) -> None:
    from desktop_app.demo import write_demo

    path = tmp_path / "demo.sqlite"
    write_demo(path)
    database = open_database(path, create=False)
    try:
        with database.sessions() as session:
            rows = practices.list_practices(session)
            details = [practices.get_practice(session, r.id) for r in rows]
            files = [f for d in details for f in d.files]
            content = practice_files.content(session, files[0].id)
            bank = practices.in_bank(session, 2025)
    finally:
        database.dispose()
    assert {r.status for r in rows} >= {"proposed", "included", "rejected"}
    assert {r.year for r in rows} == {2025, 2026}
    decided = [r for r in rows if r.status != "proposed"]
    assert decided and all(r.meeting.startswith("заседание ") for r in decided)
    assert all(d.data.author_ids and d.data.pair_ids for d in details)
    assert any(len(d.data.author_ids) > 1 for d in details)
    assert "\n\n" in content.decode("utf-8") and len(bank) == 3


def test_an_author_and_an_oo_of_a_practice_are_not_deleted(db: Database, world: World) -> None:
    from desktop_app.services import registry
    from desktop_app.services.validation import Refused

    with db.sessions() as session:
        practices.add_practice(session, practice(world, author_ids=(world.coauthor,),
                                                 organisation_id=world.garden, pair_ids=()))
        session.commit()
        with pytest.raises(Refused, match="есть 1 практика в банке практик"):
            registry.delete_person(session, world.coauthor)
        with pytest.raises(Refused, match="1 практика в банке практик"):
            registry.delete_organisation(session, world.garden)
