"""«История…» in the registry and pairs tabs: a change made through the services, seen in the
window with its old and new values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.model import Organisation
from desktop_app.services import pairs, registry
from desktop_app.services.validation import PersonInput
from desktop_app.ui.history_dialog import COLUMNS
from desktop_app.ui.pairs.tab import PairsTab
from desktop_app.ui.registry.tab import RegistryTab

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def cells(dialog) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def changed(rows: list[list[str]], field: str) -> tuple[str, str]:
    """(old, new) of the one change («Изменение») of this field shown."""
    action, field_col, old_col, new_col = (COLUMNS.index(n)
                                           for n in ("Действие", "Поле", "Было", "Стало"))
    found = [r for r in rows if r[field_col] == field and r[action] == "Изменение"]
    assert len(found) == 1, rows
    return found[0][old_col], found[0][new_col]


def add_people(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        school = Organisation(short_name="МБОУ СОШ № 3")
        session.add(school)
        session.flush()
        school_id = school.id
    with db.sessions.begin() as session:
        mentor = registry.add_person(session, PersonInput(
            "Ёлкина", "Анна", "Петровна", birth_date=date(1975, 4, 2), organisation_id=school_id,
            position="учитель", ped_experience_start=date(1998, 9, 1)))
        mentee = registry.add_person(session, PersonInput(
            "Соколов", "Илья", "", birth_date=date(2000, 1, 15), organisation_id=school_id,
            position="учитель", ped_experience_start=date(2024, 9, 1)))
    return school_id, mentor, mentee


def test_person_history_from_the_registry(qtbot, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _school, person_id, _ = add_people(db)
    with db.sessions.begin() as session:
        data = registry.get_person_input(session, person_id)
        registry.update_person(session, person_id, replace(data, last_name="Ёлкина-Смирнова",
                                                           subject="математика"))
    tab = RegistryTab(db)
    qtbot.addWidget(tab)
    tab.resize(1400, 700)
    assert not tab.history_button.isEnabled()  # nothing selected yet
    tab.people.table.selectRow(tab.people.model.row_of_id(person_id))
    assert tab.history_button.isEnabled()
    qtbot.mouseClick(tab.history_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and "педагога" in dialog.windowTitle()
    rows = cells(dialog)
    assert changed(rows, "Фамилия") == ("Ёлкина", "Ёлкина-Смирнова")
    assert changed(rows, "Предмет") == ("—", "математика")
    assert any(r[3] == "Добавление" for r in rows)
    dialog.grab().save(str(tmp_path / "person_history.png"))
    tab.people.table.clearSelection()
    assert not tab.history_button.isEnabled()
    tab.people.search.setText("нет такого")  # the list changes: still nothing selected
    assert not tab.history_button.isEnabled()


def test_pair_history_from_the_pairs_tab(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    _school, mentor, mentee = add_people(db)
    today = date.today()
    with db.sessions.begin() as session:
        pair_id = pairs.create_pair(session, pairs.PairInput(
            mentor_id=mentor, mentee_ids=(mentee,), start_date=today,
            end_date=date(today.year + 1, today.month, 1)))
    with db.sessions.begin() as session:
        pairs.change_status(session, pair_id, "active")
    tab = PairsTab(db)
    qtbot.addWidget(tab)
    assert not tab.history_button.isEnabled()
    tab.list.table.selectRow(tab.list.model.row_of_id(pair_id))
    assert tab.history_button.isEnabled()
    qtbot.mouseClick(tab.history_button, Qt.MouseButton.LeftButton)
    dialog = tab.history
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and "пары" in dialog.windowTitle()
    assert changed(cells(dialog), "Статус") == ("планируется", "действует")
