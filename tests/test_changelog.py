"""The change log records every ORM change of a service session, and shows a history."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from desktop_app.model import (
    ChangeLog,
    Employment,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Person,
)
from desktop_app.services import changelog

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def _log(session) -> list[ChangeLog]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(ChangeLog).order_by(ChangeLog.id)))


def _person(session, last: str = "Иванов", org: Organisation | None = None) -> Person:  # type: ignore[no-untyped-def]
    person = Person(last_name=last, first_name="Иван", middle_name="Петрович",
                    search_key=last.lower(), birth_date=date(1980, 1, 2), organisation=org)
    session.add(person)
    session.flush()
    return person


def test_new_database_has_empty_log(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLog)) == 0


def test_insert_update_delete_are_logged(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        person_id = _person(session).id
    with db.sessions.begin() as session:
        person = session.get(Person, person_id)
        person.last_name = "Петров"
        person.ped_experience_start = date(2005, 9, 1)
        person.first_name = "Иван"  # the same value: not a change
    with db.sessions.begin() as session:
        session.delete(session.get(Person, person_id))
    with db.sessions() as session:
        rows = _log(session)
    assert [(r.table_name, r.record_id, r.action) for r in rows] == [
        ("people", person_id, "insert"), ("people", person_id, "update"),
        ("people", person_id, "delete"),
    ]
    inserted = json.loads(rows[0].new_values)
    assert inserted["last_name"] == "Иванов" and inserted["birth_date"] == "1980-01-02"
    assert rows[0].old_values == ""
    assert json.loads(rows[1].old_values) == {"last_name": "Иванов", "ped_experience_start": None}
    assert json.loads(rows[1].new_values) == {"last_name": "Петров",
                                               "ped_experience_start": "2005-09-01"}
    assert json.loads(rows[2].old_values)["last_name"] == "Петров"


def test_rollback_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), db.sessions.begin() as session:
        _person(session)
        raise RuntimeError("отмена")
    with db.sessions.begin() as session:
        _person(session, "Сидоров")
    with db.sessions() as session:
        rows = _log(session)
        assert session.scalar(select(func.count()).select_from(Person)) == 1
    assert len(rows) == 1 and "Сидоров" in rows[0].new_values


def test_bulk_core_insert_is_not_logged(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        session.execute(insert(Organisation), [{"short_name": f"ОО {i}"} for i in range(5)])
    with db.sessions() as session:
        assert _log(session) == []


def test_person_history_includes_jobs_and_mentee_rows(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        org = Organisation(short_name="МБОУ СОШ № 1")
        person = _person(session, "Фёдорова", org)
        mentor = _person(session, "Алексеев")
        session.add(Employment(person_id=person.id, organisation_id=org.id,
                               start_date=date(2020, 9, 1)))
        form = session.scalars(select(MentorshipForm)).first()
        pair = Pair(mentor_id=mentor.id, form_id=form.id, start_date=date(2025, 9, 1),
                    end_date=date(2026, 5, 31))
        pair.mentees.append(PairMentee(person_id=person.id))
        session.add(pair)
        session.flush()
        person_id, pair_id, mentor_id = person.id, pair.id, mentor.id
    with db.sessions.begin() as session:
        session.get(Pair, pair_id).status = "active"
        job = session.scalars(select(Employment)).one()
        job.position = "учитель математики"
    with db.sessions() as session:
        people = changelog.person_history(session, person_id)
        pairs = changelog.pair_history(session, pair_id)
        mentor_rows = changelog.person_history(session, mentor_id)
    tables = [(e.table, e.action) for e in people]
    assert ("people", "insert") in tables
    assert ("employments", "insert") in tables and ("employments", "update") in tables
    assert ("pair_mentees", "insert") in tables
    job_update = next(e for e in people if e.table == "employments" and e.action == "update")
    assert job_update.changes[0].label == "Должность"
    assert job_update.changes[0].new == "учитель математики"
    assert [(e.table, e.action) for e in pairs] == [
        ("pairs", "insert"), ("pair_mentees", "insert"), ("pairs", "update")]
    status = pairs[-1].changes[0]
    assert (status.label, status.old, status.new) == ("Статус", "планируется", "действует")
    assert all(e.table != "pair_mentees" for e in mentor_rows)


def test_history_entries_show_russian_dates_and_labels(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        person_id = _person(session).id
    with db.sessions() as session:
        (entry,) = changelog.history(session, "people", person_id)
    assert entry.action_label == "Добавление" and entry.table_label == "Педагоги"
    labels = {c.label: c.new for c in entry.changes}
    assert labels["Дата рождения"] == "02.01.1980"
    assert "search_key" not in {c.column for c in entry.changes}
    assert "Фамилия: Иванов" in entry.summary


def test_latest_filters_by_table_and_text(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        _person(session, "Ёлкина")
        session.add(Organisation(short_name="МАДОУ № 5"))
    with db.sessions() as session:
        assert [e.table for e in changelog.latest(session)] == ["organisations", "people"]
        assert [e.table for e in changelog.latest(session, table="people")] == ["people"]
        assert len(changelog.latest(session, text="елкина")) == 1
        assert changelog.latest(session, text="никого") == []


def test_history_dialog_and_journal(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.history_dialog import history_dialog, journal_dialog
    from tests.helpers import type_text

    with db.sessions.begin() as session:
        person_id = _person(session, "Ёлкина").id
        session.add(Organisation(short_name="МАДОУ № 5"))
    with db.sessions.begin() as session:
        session.get(Person, person_id).phone = "8 913 000-00-00"
    dialog = history_dialog(None, db, "person", person_id)
    qtbot.addWidget(dialog)
    assert "педагога" in dialog.windowTitle()
    cells = [[dialog.table.item(r, c).text() for c in range(7)]
             for r in range(dialog.table.rowCount())]
    # newest first: the phone change, then the card's creation
    newest = [cells[0][1], cells[0][3], cells[0][4], cells[0][5], cells[0][6]]
    assert newest == ["Педагоги", "Изменение", "Телефон", "—", "8 913 000-00-00"]
    assert cells[-1][3] == "Добавление"
    assert not dialog.section.isVisible() and not dialog.search.isVisible()
    assert dialog.count.text() == "Изменений: 2"
    journal = journal_dialog(None, db)
    qtbot.addWidget(journal)
    assert journal.count.text() == "Изменений: 3"
    journal.section.setCurrentIndex(journal.section.findData("organisations"))
    assert journal.count.text() == "Изменений: 1"
    journal.section.setCurrentIndex(0)
    type_text(journal.search, "ёлк")
    assert journal.count.text() == "Изменений: 1"


def test_references_are_shown_by_name(db) -> None:  # type: ignore[no-untyped-def]
    """A move to another ОО reads «МБОУ «СОШ № 2» (№ 2)», not a bare number."""
    with db.sessions.begin() as session:
        first = Organisation(short_name="МБОУ «СОШ № 1»")
        second = Organisation(short_name="МБОУ «СОШ № 2»")
        session.add_all([first, second])
        session.flush()
        person = _person(session, "Королёва")
        person.organisation_id = first.id
        ids = (person.id, first.id, second.id)
    with db.sessions.begin() as session:
        session.get(Person, ids[0]).organisation_id = ids[2]
    with db.sessions() as session:
        entry = changelog.history(session, "people", ids[0])[-1]
    change = next(c for c in entry.changes if c.column == "organisation_id")
    assert (change.old, change.new) == (
        f"МБОУ «СОШ № 1» (№ {ids[1]})", f"МБОУ «СОШ № 2» (№ {ids[2]})"
    )


def test_entry_values_as_json_text() -> None:
    """An entry's values are JSON that reads back the same, its Russian letters kept as
    letters (the journal is searched by them); a number too long for the quick encoder still
    goes in whole."""
    from desktop_app.store.changelog_hooks import to_json

    values = {"last_name": "Ёлкина", "notes": "«кавычки» и \"ещё\"\nстрока", "year": 2026,
              "score": 4.5, "active": True, "left_on": None}
    text = to_json(values)
    assert "Ёлкина" in text and "\\u" not in text
    assert json.loads(text) == values
    assert json.loads(to_json({"code": 2**70})) == {"code": 2**70}
