"""The bulk writers log what they change: the forms import, the exchange workbook (a copy and a
merge); each entry names its source file; a refused import logs nothing; old logs upgrade."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.cli import main
from desktop_app.exchange.importer import import_file
from desktop_app.model import ChangeLog, Organisation, Person
from desktop_app.services import changelog, registry
from desktop_app.store.database import Database, open_database
from tests.test_exchange_roundtrip import db_digest
from tests.test_import_bad_input import write
from tests.test_migrations import FIXTURE

ORGS = [["Краткое наименование", "Полное наименование"],
        ["МБОУ СОШ № 1", "Муниципальное бюджетное общеобразовательное учреждение № 1"],
        ["МАДОУ № 5", ""]]
PEOPLE_HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность"]
PEOPLE = [PEOPLE_HEADER,
          ["Ёлкина", "Анна", "Сергеевна", "12.03.1980", "МБОУ СОШ № 1", "учитель"],
          ["Орлов", "Иван", "Петрович", "07.08.1979", "МАДОУ № 5", "воспитатель"]]


@pytest.fixture
def base(tmp_path: Path) -> Database:
    """A database that took the organisations form, then the people form «Форма_СОШ1.xlsx»."""
    db = open_database(tmp_path / "база.sqlite")
    assert import_file(db, write(tmp_path / "Организации.xlsx", ORGS)).applied
    assert import_file(db, write(tmp_path / "Форма_СОШ1.xlsx", PEOPLE)).applied
    yield db
    db.dispose()


def log_rows(db: Database) -> list[ChangeLog]:
    with db.sessions() as session:
        return list(session.scalars(select(ChangeLog).order_by(ChangeLog.id)))


def person_id(db: Database, last: str) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(Person.id).where(Person.last_name == last)) or 0)


def history(db: Database, last: str) -> list[changelog.HistoryEntry]:
    with db.sessions() as session:
        return changelog.person_history(session, person_id(db, last))


def test_forms_import_logs_every_row_with_its_file(base: Database) -> None:
    rows = log_rows(base)
    # each new person's place of work (its ОО) is recorded and logged as well
    assert [(r.table_name, r.action) for r in rows] == [
        ("organisations", "insert")] * 2 + [("people", "insert")] * 2 + [
        ("employments", "insert")] * 2
    assert {r.source for r in rows[:2]} == {"Импорт из Excel: Организации.xlsx"}
    assert {r.source for r in rows[2:]} == {"Импорт из Excel: Форма_СОШ1.xlsx"}
    with base.sessions() as session:
        orgs = dict(session.execute(select(Organisation.short_name, Organisation.id)).all())
    assert {r.record_id for r in rows[:2]} == set(orgs.values())
    new = json.loads(rows[2].new_values)
    assert rows[2].old_values == "" and "id" not in new
    assert "search_key" not in new and "sort_key" not in new
    assert new["last_name"] == "Ёлкина" and new["birth_date"] == "1980-03-12"
    assert new["organisation_id"] == orgs["МБОУ СОШ № 1"]


def test_person_history_shows_the_import_and_its_file(base: Database) -> None:
    everything = history(base, "Ёлкина")
    assert [e.table for e in everything].count("employments") == 1  # her place of work
    assert {e.source for e in everything} == {"Импорт из Excel: Форма_СОШ1.xlsx"}
    entries = [e for e in everything if e.table == "people"]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.table, entry.action_label) == ("people", "Добавление")
    assert entry.source == "Импорт из Excel: Форма_СОШ1.xlsx"
    shown = {c.label: c.new for c in entry.changes}
    assert shown["Фамилия"] == "Ёлкина" and shown["Дата рождения"] == "12.03.1980"
    assert shown["Должность"] == "учитель"
    assert shown["Организация"].startswith("МБОУ СОШ № 1 (№ ")


def test_reimport_logs_the_update_old_to_new(base: Database, tmp_path: Path) -> None:
    again = [PEOPLE_HEADER, ["Ёлкина", "Анна", "Сергеевна", "12.03.1980", "МБОУ СОШ № 1",
                             "заместитель директора"],
             PEOPLE[2]]  # Орлов unchanged: no entry
    before = len(log_rows(base))
    assert import_file(base, write(tmp_path / "Форма_СОШ1_май.xlsx", again)).applied
    # the person's row, and the position of her current place of work with it
    assert [(r.table_name, r.action) for r in log_rows(base)[before:]] == [
        ("people", "update"), ("employments", "update")]
    added = [r for r in log_rows(base)[before:] if r.table_name == "people"]
    assert len(added) == 1 and added[0].action == "update"
    assert added[0].record_id == person_id(base, "Ёлкина")
    assert json.loads(added[0].old_values) == {"position": "учитель"}
    assert json.loads(added[0].new_values) == {"position": "заместитель директора"}
    entry = [e for e in history(base, "Ёлкина") if e.table == "people"][-1]
    assert entry.source == "Импорт из Excel: Форма_СОШ1_май.xlsx"
    assert entry.summary == "Должность: учитель → заместитель директора"


def test_refused_import_logs_nothing(base: Database, tmp_path: Path) -> None:
    bad = [PEOPLE_HEADER, ["Новикова", "Ольга", "", "01.02.1985", "МБОУ СОШ № 1", "учитель"],
           ["Зайцев", "Олег", "", "31.02.1985", "МБОУ СОШ № 1", "учитель"]]
    path = base.path
    assert path is not None
    before = db_digest(path)
    result = import_file(base, write(tmp_path / "Плохая.xlsx", bad))
    assert not result.applied and result.errors
    assert db_digest(path) == before
    assert all("Плохая" not in r.source for r in log_rows(base))


def test_orm_changes_in_the_window_keep_an_empty_source(base: Database) -> None:
    pid = person_id(base, "Орлов")
    with base.sessions.begin() as session:
        data = registry.get_person_input(session, pid)
        registry.update_person(session, pid, dataclasses.replace(data, phone="8 913 000-00-00"))
    entry = history(base, "Орлов")[-1]
    assert entry.action == "update" and entry.source == ""
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("Телефон", "—", "+7 (913) 000-00-00")]


def test_orm_rows_of_an_import_name_its_file(base: Database, tmp_path: Path) -> None:
    """The active and pairs forms write through the ORM: their entries name the file too."""
    out = tmp_path / "active.xlsx"
    assert main(["--db", str(base.path), "template", "active", "--out", str(out)]) == 0
    import openpyxl

    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    for c, value in enumerate(["Орлов", "Иван", "Петрович", "07.08.1979", "кандидат",
                               "член актива", "экспертное"], start=1):
        ws.cell(row=2, column=c, value=value)
    wb.save(tmp_path / "Актив_2025.xlsx")
    assert import_file(base, tmp_path / "Актив_2025.xlsx").applied
    active = [e for e in history(base, "Орлов") if e.table == "active_members"]
    assert active and {e.source for e in active} == {"Импорт из Excel: Актив_2025.xlsx"}


def export(db: Database, out: Path) -> Path:
    assert main(["--db", str(db.path), "export", "--out", str(out)]) == 0
    return out


def test_exchange_copy_logs_its_rows(base: Database, tmp_path: Path) -> None:
    book = export(base, tmp_path / "Северск_2025.xlsx")
    copy = open_database(tmp_path / "копия.sqlite")
    try:
        assert import_file(copy, book).applied
        rows = log_rows(copy)
        sources = {r.source for r in rows}
        assert sources == {"Обмен: Северск_2025.xlsx"}
        people = [r for r in rows if r.table_name == "people" and r.action == "insert"]
        assert sorted(json.loads(r.new_values)["last_name"] for r in people) == ["Ёлкина", "Орлов"]
        with copy.sessions() as session:
            ids = set(session.scalars(select(Person.id)))
            settings = session.scalar(select(func.count()).select_from(ChangeLog).where(
                ChangeLog.table_name == "settings", ChangeLog.action == "delete"))
        assert {r.record_id for r in people} == ids
        assert settings  # the new database's presets gave way to the book's: logged too
    finally:
        copy.dispose()


def test_merge_logs_its_rows_and_updates(base: Database, tmp_path: Path) -> None:
    book = export(base, tmp_path / "Северск_2025.xlsx")
    region = open_database(tmp_path / "регион.sqlite")
    try:
        own = [PEOPLE_HEADER, ["Орлов", "Иван", "Петрович", "07.08.1979", "Гимназия № 2",
                               "воспитатель"]]
        orgs = [ORGS[0], ["Гимназия № 2", ""]]
        assert import_file(region, write(tmp_path / "Регион_ОО.xlsx", orgs)).applied
        assert import_file(region, write(tmp_path / "Регион.xlsx", own)).applied
        # Орлов left the region's school: the book's card (working in МАДОУ № 5) is taken
        sql(tmp_path / "регион.sqlite", "UPDATE people SET is_active = 0, left_on = '2025-06-30'")
        before = len(log_rows(region))
        assert import_file(region, book).applied
        merged = log_rows(region)[before:]
        assert {r.source for r in merged} == {"Объединение: Северск_2025.xlsx"}
        inserted = {(r.table_name, json.loads(r.new_values).get("short_name")
                     or json.loads(r.new_values).get("last_name"))
                    for r in merged if r.action == "insert"}
        assert {("organisations", "МБОУ СОШ № 1"), ("organisations", "МАДОУ № 5"),
                ("people", "Ёлкина")} <= inserted
        assert ("people", "Орлов") not in inserted  # matched, not added again
        orlov = person_id(region, "Орлов")
        update = [r for r in merged if r.action == "update"]
        assert [(r.table_name, r.record_id) for r in update] == [("people", orlov)]
        old, new = json.loads(update[0].old_values), json.loads(update[0].new_values)
        assert (old["is_active"], new["is_active"]) == (False, True)
        assert (old["left_on"], new["left_on"]) == ("2025-06-30", None)
        assert "last_name" not in new  # only what changed
        with region.sessions() as session:
            elkina = session.scalar(select(Person).where(Person.last_name == "Ёлкина"))
            assert elkina is not None
            entries = [e for e in changelog.person_history(session, elkina.id)
                       if e.table == "people"]  # her place of work came with her, logged too
        assert [e.source for e in entries] == ["Объединение: Северск_2025.xlsx"]
        org = next(c.new for c in entries[0].changes if c.column == "organisation_id")
        assert org == f"МБОУ СОШ № 1 (№ {elkina.organisation_id})"  # this database's id
    finally:
        region.dispose()


def test_journal_finds_entries_by_file_name(base: Database) -> None:
    with base.sessions() as session:
        found = changelog.latest(session, text="форма_сош1")
        assert {e.source for e in found} == {"Импорт из Excel: Форма_СОШ1.xlsx"}
        assert len(found) == 4  # two people and their two places of work
        assert len(changelog.latest(session, text="организации.xlsx")) == 2


def test_journal_dialog_shows_the_source(qtbot: Any, base: Database) -> None:
    from desktop_app.ui.history_dialog import COLUMNS, journal_dialog
    from tests.helpers import type_text

    journal = journal_dialog(None, base)
    qtbot.addWidget(journal)
    column = COLUMNS.index("Источник")
    cells = table_cells(journal.table)
    assert {r[column] for r in cells} == {"Импорт из Excel: Форма_СОШ1.xlsx",
                                          "Импорт из Excel: Организации.xlsx"}
    type_text(journal.search, "Форма_СОШ1")
    assert journal.count.text() == "Изменений: 4"  # two people, their two places of work
    assert {r[column] for r in table_cells(journal.table)} == {"Импорт из Excel: Форма_СОШ1.xlsx"}


def table_cells(table: Any) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def sql(path: Path, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(statement, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def test_upgrade_keeps_old_entries_with_an_empty_source(tmp_path: Path) -> None:
    path = tmp_path / "старая.sqlite"
    shutil.copy(FIXTURE, path)
    sql(path, "INSERT INTO change_log (changed_at, table_name, record_id, action, old_values, "
              "new_values) VALUES ('2024-05-06 10:11:12', 'people', 1, 'update', "
              "'{\"phone\": \"\"}', '{\"phone\": \"8 913\"}')")
    db = open_database(path)
    try:
        with db.sessions() as session:
            entries = changelog.history(session, "people", 1)
        assert len(entries) == 1 and entries[0].source == ""
        assert entries[0].summary == "Телефон: — → 8 913"
    finally:
        db.dispose()
    assert sql(path, "SELECT source FROM change_log") == [("",)]
