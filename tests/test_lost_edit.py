"""No lost edit: two seats on one database (a file; a PostgreSQL server), each with its own
Database. Seat A and seat B open the same record, A saves, B saves: B is refused in Russian with
who and when, A's change stays, and B saves once it has reloaded the record. Also: another
seat's save landing between B's check and B's write (StaleDataError) is the same refusal; a
change of a person's courses alone is a new version; revision 0010 brings a database at 0009
with data up with version 1 on every row, and revision 0015 the practices of a database at
0014."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.orm import Session

from desktop_app.exchange.schema import DERIVED_COLUMNS, VERSIONED_TABLES
from desktop_app.exchange.workbook import carried_columns, exchange_tables
from desktop_app.model import Base, ChangeLog, Pair, Person
from desktop_app.services import (
    active,
    changelog,
    meetings,
    pairs,
    practices,
    record_versions,
    registry,
    roadmap,
)
from desktop_app.services.indicators import IndicatorInputError
from desktop_app.services.validation import CourseInput, OrganisationInput, PersonInput, Refused
from desktop_app.store.database import Database, alembic_config, head_revision, open_database

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

CHANGED = re.compile(r"^Запись изменена другим пользователем \((?:(?P<who>.+), )?"
                     r"(?P<when>\d\d\.\d\d\.\d{4} \d\d:\d\d)\) — обновите и повторите$")
PLAIN = "Запись изменена другим пользователем — обновите и повторите"
START = date(2024, 9, 1)


def target(db: Database) -> Any:
    """What open_database takes to open the same database again: the file, or the URL."""
    return db.path or db.url


@pytest.fixture
def seats(db: Database) -> Iterator[tuple[Database, Database]]:
    """Seat A (the test's database) and seat B (the same database opened again)."""
    other = open_database(target(db))
    yield db, other
    other.dispose()


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    return make_world(db)


def make_world(db: Database) -> dict[str, int]:
    """An ОО, a mentor and a mentee in it, their pair, the mentee a candidate of the active,
    a meeting and a road map item."""
    with db.sessions.begin() as s:
        oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 1"))

        def person(last: str, born: date, started: date) -> int:
            return registry.add_person(s, PersonInput(
                last_name=last, first_name="Анна", middle_name="Ивановна", birth_date=born,
                organisation_id=oid, position="учитель", ped_experience_start=started),
                on=date(2024, 1, 1))

        mentor = person("Ёлкина", date(1972, 3, 1), date(1995, 9, 1))
        mentee = person("Петрова", date(2000, 5, 5), date(2023, 9, 1))
        pair = pairs.create_pair(s, pairs.PairInput(
            mentor_id=mentor, mentee_ids=(mentee,), start_date=START,
            end_date=date(2025, 5, 31), directions=("subject",)))
        member = active.add_candidate(s, mentee, active.MemberInput(subject_area="химия"))
        meeting = meetings.add_meeting(s, meetings.MeetingInput(
            date(2024, 10, 1), "План на год", "", (mentor,)))
        item = roadmap.add_item(s, roadmap.RoadmapInput(
            "Этап 1", "", "Семинар наставников", "", None, "", "Методист"))
    return {"org": oid, "mentor": mentor, "mentee": mentee, "pair": pair, "member": member,
            "meeting": meeting, "item": item}


def opened_person(db: Database, pid: int) -> tuple[PersonInput, int | None]:
    """What a seat's person form loads: the values and the version."""
    with db.sessions() as s:
        return registry.get_person_input(s, pid), record_versions.person_version(s, pid)


def stored(db: Database, model: Any, record_id: int) -> Any:
    with db.sessions() as s:
        return s.get(model, record_id)


# people --------------------------------------------------------------------------------------
def test_second_save_of_a_person_is_refused_and_the_first_kept(
        seats: tuple[Database, Database], world: dict[str, int]) -> None:
    a, b = seats
    pid = world["mentee"]
    a_data, a_version = opened_person(a, pid)
    b_data, b_version = opened_person(b, pid)
    assert a_version == b_version == 1
    with a.sessions.begin() as s:
        registry.update_person(s, pid, dataclasses.replace(a_data, phone="+7 913 111-11-11"),
                               expected_version=a_version)
    with pytest.raises(Refused) as refused, b.sessions.begin() as s:
        registry.update_person(s, pid, dataclasses.replace(b_data, subject="химия"),
                               expected_version=b_version)
    found = CHANGED.match(refused.value.message)
    assert found, refused.value.message
    assert found["who"] is None  # a change made in a window: the log has its time only
    assert refused.value.errors == []
    person = stored(a, Person, pid)
    assert (person.phone, person.subject, person.row_version) == ("+7 (913) 111-11-11", "", 2)
    # seat B reloads the form and saves: both changes are there
    b_data, b_version = opened_person(b, pid)
    assert b_version == 2
    with b.sessions.begin() as s:
        registry.update_person(s, pid, dataclasses.replace(b_data, subject="химия"),
                               expected_version=b_version)
    person = stored(a, Person, pid)
    assert (person.phone, person.subject, person.row_version) == ("+7 (913) 111-11-11",
                                                                  "химия", 3)


def test_the_refusal_names_the_source_and_time_of_the_change(
        seats: tuple[Database, Database], world: dict[str, int]) -> None:
    a, b = seats
    pid = world["mentee"]
    _data, version = opened_person(b, pid)
    with a.sessions.begin() as s:  # a bulk change names where it came from
        changelog.set_source(s, "Импорт из Excel: Форма_СОШ1.xlsx")
        person = s.get(Person, pid)
        assert person is not None
        person.position = "учитель химии"
    with b.sessions() as s:
        when = s.scalar(select(ChangeLog.changed_at).where(
            ChangeLog.table_name == "people", ChangeLog.record_id == pid)
            .order_by(ChangeLog.id.desc()).limit(1))
        assert when is not None
        message = record_versions.changed_message(s, "people", pid)
    assert message == ("Запись изменена другим пользователем (Импорт из Excel: Форма_СОШ1.xlsx, "
                       f"{when:%d.%m.%Y %H:%M}) — обновите и повторите")
    data, _version = opened_person(b, pid)
    with pytest.raises(Refused, match=re.escape(message)), b.sessions.begin() as s:
        registry.update_person(s, pid, data, expected_version=version)


def test_without_a_log_entry_the_refusal_says_only_what_happened(
        seats: tuple[Database, Database], world: dict[str, int]) -> None:
    a, b = seats
    pid = world["mentee"]
    data, version = opened_person(b, pid)
    with a.sessions.begin() as s:
        s.execute(text("UPDATE people SET row_version = row_version + 1 WHERE id = :p"),
                  {"p": pid})
        s.execute(text("DELETE FROM change_log"))
    with pytest.raises(Refused) as refused, b.sessions.begin() as s:
        registry.update_person(s, pid, data, expected_version=version)
    assert refused.value.message == PLAIN


def test_courses_alone_are_a_new_version(seats: tuple[Database, Database],
                                         world: dict[str, int]) -> None:
    a, b = seats
    pid = world["mentee"]
    a_data, a_version = opened_person(a, pid)
    b_data, b_version = opened_person(b, pid)
    course = CourseInput(title="Наставничество в школе", hours=36, end_date=date(2024, 5, 20))
    with a.sessions.begin() as s:
        registry.update_person(s, pid, dataclasses.replace(a_data, courses=(course,)),
                               expected_version=a_version)
    with pytest.raises(Refused, match="^Запись изменена другим пользователем"), \
            b.sessions.begin() as s:
        registry.update_person(s, pid, dataclasses.replace(b_data, notes="без курсов"),
                               expected_version=b_version)
    with a.sessions() as s:
        assert [c.title for c in registry.get_person_input(s, pid).courses] == [course.title]


def test_a_save_landing_between_check_and_write_is_refused(
        seats: tuple[Database, Database], world: dict[str, int]) -> None:
    """Seat A commits after seat B's check passed and before B's UPDATE: the UPDATE finds no
    row at the version B read (StaleDataError at the flush), and B is refused all the same."""
    a, b = seats
    pid = world["mentee"]
    a_data, _ = opened_person(a, pid)
    b_data, b_version = opened_person(b, pid)

    def seat_a_saves(*_args: Any) -> None:
        with a.sessions.begin() as s:
            registry.update_person(s, pid, dataclasses.replace(a_data, phone="+7 913 222-22-22"))

    with pytest.raises(Refused) as refused, b.sessions.begin() as s:
        event.listen(s, "before_flush", seat_a_saves, once=True)
        registry.update_person(s, pid, dataclasses.replace(b_data, subject="химия"),
                               expected_version=b_version)
    assert CHANGED.match(refused.value.message), refused.value.message
    person = stored(a, Person, pid)
    assert (person.phone, person.subject, person.row_version) == ("+7 (913) 222-22-22", "", 2)


def test_callers_without_a_version_are_not_checked(world: dict[str, int], db: Database) -> None:
    pid = world["mentee"]
    data, _version = opened_person(db, pid)
    for subject in ("химия", "биология"):
        with db.sessions.begin() as s:
            registry.update_person(s, pid, dataclasses.replace(data, subject=subject))
    person = stored(db, Person, pid)
    assert (person.subject, person.row_version) == ("биология", 3)


# organisations, pairs, the active, meetings, the road map ---------------------------------------
def test_second_save_of_an_organisation_is_refused(seats: tuple[Database, Database],
                                                   world: dict[str, int]) -> None:
    a, b = seats
    oid = world["org"]

    def opened(db: Database) -> tuple[OrganisationInput, int | None]:
        with db.sessions() as s:
            return (registry.get_organisation_input(s, oid),
                    record_versions.organisation_version(s, oid))

    (a_data, a_version), (b_data, b_version) = opened(a), opened(b)
    with a.sessions.begin() as s:
        registry.update_organisation(s, oid, dataclasses.replace(a_data, head_name="Орлова В. П."),
                                     expected_version=a_version)
    with pytest.raises(Refused) as refused, b.sessions.begin() as s:
        registry.update_organisation(s, oid, dataclasses.replace(b_data, address="ул. Ленина, 1"),
                                     expected_version=b_version)
    assert CHANGED.match(refused.value.message), refused.value.message
    with a.sessions() as s:
        kept = registry.get_organisation_input(s, oid)
    assert (kept.head_name, kept.address) == ("Орлова В. П.", "")
    b_data, b_version = opened(b)
    with b.sessions.begin() as s:
        registry.update_organisation(s, oid, dataclasses.replace(b_data, address="ул. Ленина, 1"),
                                     expected_version=b_version)
    with a.sessions() as s:
        kept = registry.get_organisation_input(s, oid)
    assert (kept.head_name, kept.address) == ("Орлова В. П.", "ул. Ленина, 1")


def test_second_save_of_a_pair_is_refused(seats: tuple[Database, Database],
                                          world: dict[str, int]) -> None:
    a, b = seats
    pair_id = world["pair"]

    def opened(db: Database) -> tuple[pairs.PairInput, int | None]:
        with db.sessions() as s:
            return pairs.pair_input(s, pair_id), record_versions.pair_version(s, pair_id)

    (a_data, a_version), (b_data, b_version) = opened(a), opened(b)
    with a.sessions.begin() as s:
        pairs.update_pair(s, pair_id, dataclasses.replace(a_data, order_number="15-к"),
                          expected_version=a_version)
    with pytest.raises(pairs.PairError) as refused, b.sessions.begin() as s:
        pairs.update_pair(s, pair_id, dataclasses.replace(b_data, goal="Освоить ФОП"),
                          expected_version=b_version)
    assert CHANGED.match(str(refused.value)), str(refused.value)
    with pytest.raises(pairs.PairError, match="^Запись изменена"), b.sessions.begin() as s:
        pairs.change_status(s, pair_id, "active", expected_version=b_version)
    kept = stored(a, Pair, pair_id)
    assert (kept.order_number, kept.status) == ("15-к", "planned")
    with a.sessions() as s:
        assert pairs.pair_input(s, pair_id).goal == ""
    b_data, b_version = opened(b)
    with b.sessions.begin() as s:
        pairs.update_pair(s, pair_id, dataclasses.replace(b_data, goal="Освоить ФОП"),
                          expected_version=b_version)
    with b.sessions.begin() as s:
        pairs.change_status(s, pair_id, "active",
                            expected_version=record_versions.pair_version(s, pair_id))
    with a.sessions() as s:
        now = pairs.pair_input(s, pair_id)
    assert (now.order_number, now.goal, now.status) == ("15-к", "Освоить ФОП", "active")


def test_second_save_of_a_member_meeting_and_road_map_item_is_refused(
        seats: tuple[Database, Database], world: dict[str, int]) -> None:
    a, b = seats
    member_id, meeting_id, item_id = world["member"], world["meeting"], world["item"]
    with b.sessions() as s:
        member_version = record_versions.member_version(s, member_id)
        meeting = next(r for r in meetings.list_meetings(s) if r.id == meeting_id)
        item = next(r for r in roadmap.list_roadmap(s) if r.id == item_id)
    with a.sessions.begin() as s:
        active.update_member(s, member_id, active.MemberInput(subject_area="биология"))
        meetings.update_meeting(s, meeting_id, meetings.MeetingInput(
            meeting.meeting_date, meeting.agenda, "Утвердить план", (world["mentor"],)))
        roadmap.update_item(s, item_id, roadmap.RoadmapInput(
            item.stage, item.section, item.activity, "", None, "", "Заместитель"))
    with pytest.raises(Refused, match=CHANGED.pattern), b.sessions.begin() as s:
        active.update_member(s, member_id, active.MemberInput(subject_area="физика"),
                             expected_version=member_version)
    with pytest.raises(IndicatorInputError, match=CHANGED.pattern), b.sessions.begin() as s:
        meetings.update_meeting(s, meeting_id, meetings.MeetingInput(
            meeting.meeting_date, "Другая повестка", "", ()), expected_version=meeting.version)
    with pytest.raises(IndicatorInputError, match=CHANGED.pattern), b.sessions.begin() as s:
        roadmap.update_item(s, item_id, roadmap.RoadmapInput(
            item.stage, item.section, "Другое", "", None, "", ""), expected_version=item.version)
    with a.sessions() as s:
        assert active.get_member(s, member_id).subject_area == "биология"
        kept = next(r for r in meetings.list_meetings(s) if r.id == meeting_id)
        assert (kept.agenda, kept.decisions, kept.version) == ("План на год", "Утвердить план", 2)
        assert [x.responsible for x in roadmap.list_roadmap(s) if x.id == item_id] == [
            "Заместитель"]
    with b.sessions.begin() as s:  # reloaded, B saves
        active.update_member(s, member_id, active.MemberInput(subject_area="физика"),
                             expected_version=record_versions.member_version(s, member_id))
    with a.sessions() as s:
        assert active.get_member(s, member_id).subject_area == "физика"


# practices -----------------------------------------------------------------------------------
def _practice(db: Database, world: dict[str, int]) -> int:
    with db.sessions.begin() as s:
        return practices.add_practice(s, practices.PracticeInput(
            "Наставник рядом", (world["mentor"],), world["org"], 2024,
            pair_ids=(world["pair"],)))


def test_second_save_of_a_practice_is_refused(seats: tuple[Database, Database],
                                              world: dict[str, int]) -> None:
    """A practice's form (with its authors, pairs and files) and the active's decision on it:
    the seat that opened it before another seat's save is refused; the first save stays."""
    a, b = seats
    pid = _practice(a, world)
    with b.sessions() as s:
        opened = practices.get_practice(s, pid)
    with a.sessions() as s:
        first = practices.get_practice(s, pid)
    assert opened.version == first.version == 1
    with a.sessions.begin() as s:
        practices.update_practice(s, pid, dataclasses.replace(
            first.data, title="Наставник рядом: второй год"), expected_version=first.version)
    with pytest.raises(IndicatorInputError, match=CHANGED.pattern), b.sessions.begin() as s:
        practices.update_practice(s, pid, dataclasses.replace(
            opened.data, author_ids=(world["mentor"], world["mentee"])),
            expected_version=opened.version)
    with pytest.raises(IndicatorInputError, match=CHANGED.pattern), b.sessions.begin() as s:
        practices.set_status(s, pid, "reviewed", date(2024, 12, 1),
                             expected_version=opened.version)
    with a.sessions() as s:
        kept = practices.get_practice(s, pid)
    assert (kept.data.title, kept.data.author_ids, kept.data.status, kept.version) == (
        "Наставник рядом: второй год", (world["mentor"],), "proposed", 2)
    with b.sessions.begin() as s:  # reloaded, B decides
        practices.set_status(s, pid, "reviewed", date(2024, 12, 1),
                             expected_version=practices.get_practice(s, pid).version)
    with a.sessions() as s:
        assert practices.get_practice(s, pid).data.status == "reviewed"


# where the versions are kept ---------------------------------------------------------------------
def _migration(revision: str) -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_revision(revision).module


# the tables revision 0010 gave a version; revision 0015 gave the practices theirs
TABLES_0010 = tuple(_migration("0010").TABLES)


def test_the_versioned_tables_agree() -> None:
    """The models, the exchange workbook (which leaves the versions out) and revisions 0010 and
    0015 name the same tables."""
    versioned = {m.local_table.name for m in Base.registry.mappers  # type: ignore[attr-defined]
                 if m.version_id_col is not None}
    assert versioned == set(record_versions.VERSIONED) == set(VERSIONED_TABLES)
    assert {(t, "row_version") for t in versioned} <= DERIVED_COLUMNS
    assert not any(c.name == "row_version" for t in exchange_tables() for c in carried_columns(t))
    assert versioned == set(TABLES_0010) | {"practices"}
    assert head_revision() >= "0015"


def _alembic(db: Database, revision: str, up: bool) -> None:
    engine = create_engine(db.url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.upgrade if up else command.downgrade)(cfg, revision)
    finally:
        engine.dispose()


def _rows(db: Database,
          tables: tuple[str, ...] = TABLES_0010) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables, their version left out, in id order."""
    with db.engine.connect() as conn:
        out = {}
        for name in tables:
            table = Base.metadata.tables[name]
            columns = [c for c in table.columns if c.name != "row_version"]
            out[name] = [tuple(r) for r in conn.execute(select(*columns).order_by(table.c.id))]
        return out


def test_a_database_at_0009_upgrades_with_version_1_on_every_row(
        db: Database, world: dict[str, int]) -> None:
    with db.sessions.begin() as s:  # versions above 1, which the downgrade drops
        person = s.get(Person, world["mentee"])
        assert person is not None
        person.notes = "изменено"
    before = _rows(db)
    assert all(before.values()), {k: len(v) for k, v in before.items()}
    where = target(db)
    db.dispose()
    _alembic(db, "0009", up=False)
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0009"
        columns = {t: {c["name"] for c in inspect(conn).get_columns(t)} for t in TABLES_0010}
    assert not any("row_version" in names for names in columns.values())
    db.dispose()
    upgraded = open_database(where)
    try:
        if db.path is not None:  # a file is copied before it is upgraded
            assert any("0009" in p.name for p in upgraded.backups)
        with upgraded.engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
            for name in TABLES_0010:
                found = conn.execute(text(f"SELECT row_version, count(*) FROM {name} "
                                          "GROUP BY row_version")).all()
                assert [tuple(r) for r in found] == [(1, len(before[name]))], name
        assert _rows(upgraded) == before
        # the upgraded database refuses a stale save like a new one
        with upgraded.sessions() as s:
            data = registry.get_person_input(s, world["mentee"])
        with upgraded.sessions.begin() as s:
            registry.update_person(s, world["mentee"], data, expected_version=1)
        with pytest.raises(Refused, match="^Запись изменена"), \
                upgraded.sessions.begin() as s:
            registry.update_person(s, world["mentee"], data, expected_version=1)
    finally:
        upgraded.dispose()


def test_new_records_start_at_version_1(db: Database, world: dict[str, int]) -> None:
    with Session(db.engine) as s:
        for name in VERSIONED_TABLES:
            assert s.execute(text(f"SELECT DISTINCT row_version FROM {name}")).scalars().all() \
                in ([1], []), name


def test_a_database_at_0014_gives_its_practices_version_1(
        db: Database, world: dict[str, int]) -> None:
    """Revision 0015: the practices of a database at 0014 (without row_version) come up at
    version 1, their rows unchanged, and a stale save of one is refused."""
    pid = _practice(db, world)
    with db.sessions.begin() as s:  # a version above 1, which the downgrade drops
        practices.set_status(s, pid, "reviewed", date(2024, 12, 1))
    before = _rows(db, ("practices",))
    where = target(db)
    db.dispose()
    _alembic(db, "0014", up=False)
    with db.engine.connect() as conn:
        assert "row_version" not in {c["name"] for c in inspect(conn).get_columns("practices")}
    db.dispose()
    upgraded = open_database(where)
    try:
        with upgraded.engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
            assert [tuple(r) for r in conn.execute(text(
                "SELECT id, row_version FROM practices"))] == [(pid, 1)]
        assert _rows(upgraded, ("practices",)) == before
        with upgraded.sessions() as s:
            detail = practices.get_practice(s, pid)
        assert (detail.version, detail.data.status) == (1, "reviewed")
        with upgraded.sessions.begin() as s:
            practices.update_practice(s, pid, detail.data, expected_version=1)
        with pytest.raises(IndicatorInputError, match="^Запись изменена"), \
                upgraded.sessions.begin() as s:
            practices.update_practice(s, pid, detail.data, expected_version=1)
    finally:
        upgraded.dispose()
