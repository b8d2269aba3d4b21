"""The list of incomplete records: working people and ОО with «не указано» — the service, the
command line (text and JSON, reading only) and the window's dialog opened from the registry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.cli import main
from desktop_app.model import Organisation
from desktop_app.services import registry
from desktop_app.services.incomplete import incomplete_records
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.store.database import Database
from tests.test_exchange_roundtrip import db_digest

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def registry_with_gaps(db: Database) -> dict[str, int]:
    """A complete ОО and person, an incomplete ОО and person, a person left (not listed), a
    closed ОО with a person still recorded as working there."""
    full = dict(education_level="higher", education_pedagogical=True, category="first",
                ped_experience_start=date(2005, 9, 1), position="учитель")
    with db.sessions.begin() as s:
        good = registry.add_organisation(s, OrganisationInput(
            short_name="СОШ № 1", full_name="Средняя школа № 1", kind="general",
            head_name="Орлова Н. В."))
        bare = registry.add_organisation(s, OrganisationInput(short_name="СОШ № 2"))
        closed = registry.add_organisation(s, OrganisationInput(
            short_name="СОШ № 3", full_name="Средняя школа № 3", kind="general",
            head_name="Ким Л. А."))
        ids = {
            "complete": registry.add_person(s, PersonInput(
                last_name="Полная", first_name="Анна", birth_date=date(1980, 1, 1),
                organisation_id=good, **full)),  # type: ignore[arg-type]
            "bare": registry.add_person(s, PersonInput(
                last_name="Пустова", first_name="Вера", birth_date=date(1981, 1, 1),
                organisation_id=good)),
            "left": registry.add_person(s, PersonInput(
                last_name="Ушедшая", first_name="Ольга", birth_date=date(1982, 1, 1),
                organisation_id=good)),
            "stranded": registry.add_person(s, PersonInput(
                last_name="Оставшаяся", first_name="Нина", birth_date=date(1983, 1, 1),
                organisation_id=closed, **full)),  # type: ignore[arg-type]
        }
        registry.dismiss_person(s, ids["left"], date(2024, 5, 31))
        # closed behind the registry's back (as a closing on the form with a teacher not moved)
        school = s.get(Organisation, closed)
        assert school is not None
        school.is_active, school.deactivated_on = False, date(2024, 8, 31)
        ids.update(good=good, bare_org=bare, closed=closed)
    return ids


def test_the_service_lists_what_is_missing(db: Database) -> None:
    ids = registry_with_gaps(db)
    with db.sessions() as s:
        records = {(r.kind, r.id): r for r in incomplete_records(s)}
    assert set(records) == {("organisation", ids["bare_org"]), ("person", ids["bare"]),
                            ("person", ids["stranded"])}
    assert records[("organisation", ids["bare_org"])].missing == (
        "тип организации", "полное наименование", "руководитель")
    assert records[("person", ids["bare"])].missing == (
        "уровень образования", "педагогическое образование", "квалификационная категория",
        "начало педагогического стажа", "должность")
    assert records[("person", ids["stranded"])].missing == (
        "перевод или выбытие: «СОШ № 3» закрыта с 31.08.2024",)


def target(db: Database) -> str:
    """What --db names for the test's database: its file, or its PostgreSQL URL."""
    return str(db.path) if db.path is not None else db.url


def test_command_line_lists_them_and_writes_nothing(db: Database,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    ids = registry_with_gaps(db)
    path = db.path
    db.dispose()
    before = db_digest(path) if path is not None else None  # a file's bytes (SQLite only)
    assert main(["--db", target(db), "incomplete"]) == 0
    text = capsys.readouterr().out
    assert "Неполных записей: 3 (ОО — 1, педагогов — 2)" in text
    assert (f"педагог № {ids['bare']}: Пустова Вера (СОШ № 1) — не указано: уровень "
            "образования; педагогическое образование; квалификационная категория; начало "
            "педагогического стажа; должность") in text
    assert f"ОО № {ids['bare_org']}: СОШ № 2 — не указано: тип организации" in text
    assert main(["--db", target(db), "incomplete", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["id"]) for r in rows] == [
        ("organisation", ids["bare_org"]), ("person", ids["stranded"]), ("person", ids["bare"])]
    assert rows[2]["missing"][0] == "уровень образования" and rows[2]["organisation"] == "СОШ № 1"
    if path is None:
        return
    assert db_digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [
        path.name]  # no -wal or -shm left beside it


def test_command_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "incomplete" in capsys.readouterr().out


def test_nothing_missing_is_said(db: Database, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    db.dispose()
    assert main(["--db", target(db), "incomplete"]) == 0
    assert "Неполных записей нет" in capsys.readouterr().out


def test_dialog_from_the_registry_opens_the_person_and_follows_the_save(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.person_dialog import PersonDialog
    from desktop_app.ui.registry.tab import RegistryTab

    ids = registry_with_gaps(db)
    tab = RegistryTab(db)
    qtbot.addWidget(tab)
    qtbot.mouseClick(tab.incomplete_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.windowTitle() == "Неполные записи"
    assert "Неполных записей: 3 (ОО — 1, педагогов — 2)" in dialog.summary.text()
    model, table = dialog.list.model, dialog.list.table
    row = model.row_of_id(("person", ids["bare"]))
    assert row is not None
    assert model.data(model.index(row, 1)) == "Пустова Вера"
    assert model.data(model.index(row, 3)).startswith("уровень образования; педагогическое")
    rect = table.visualRect(model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.details.text() == (  # the whole of it, though the column may cut it short
        "Пустова Вера: не указано — уровень образования; педагогическое образование; "
        "квалификационная категория; начало педагогического стажа; должность.")
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    person = dialog.child
    assert isinstance(person, PersonDialog) and person.person_id == ids["bare"]
    for combo, text in ((person.education_level, "высшее"), (person.category, "первая"),
                        (person.education_pedagogical, "да")):
        combo.setCurrentIndex(combo.findText(text))
    person.ped_experience_start.setDate(person.ped_experience_start.date().fromString(
        "01.09.2005", "dd.MM.yyyy"))
    person.position.setCurrentText("учитель")
    with qtbot.waitSignal(dialog.changed):
        assert person.save()
    assert model.row_of_id(("person", ids["bare"])) is None
    assert "Неполных записей: 2 (ОО — 1, педагогов — 1)" in dialog.summary.text()
