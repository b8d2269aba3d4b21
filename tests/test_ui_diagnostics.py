"""The «Диагностика» tab: a session entered with the keyboard alone, deficits seen, dialogs."""

from __future__ import annotations

from datetime import date

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.services.diagnostics import list_sessions
from desktop_app.ui.diagnostics.analysis import HeatDialog, SuggestionsDialog
from desktop_app.ui.diagnostics.entry import SessionEntryDialog
from desktop_app.ui.diagnostics.person import PictureDialog, RouteDialog
from desktop_app.ui.diagnostics.tab import DiagnosticsTab
from tests.diagnostics_data import diagnose, org, person

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def test_keyboard_entry_and_deficits(qtbot, db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Фёдорова", org(s, "МБОУ СОШ № 3"))
    dialog = SessionEntryDialog(db, person_id=pid)
    qtbot.addWidget(dialog)
    dialog.date.setDate(dialog.date.date().addDays(-1))
    assert dialog.table.rowCount() == 40
    # 32 items answered 4, the eight digital items (33–40) answered 2; 9 and 0 are ignored
    QTest.keyClicks(dialog.table, "4" * 32 + "9" + "0" + "2" * 8)
    assert dialog.progress.text() == "Отвечено: 40 из 40"
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.saved_id is not None and dialog.result() == dialog.DialogCode.Accepted
    with db.sessions() as s:
        rows = list_sessions(s)
        assert [(r.person_id, r.deficits_found) for r in rows] == [(pid, 9)]
    tab = DiagnosticsTab(db)
    qtbot.addWidget(tab)
    assert tab.list.model.rowCount() == 1
    tab.list.table.selectRow(0)
    assert tab.selected_person() == pid
    picture = PictureDialog(db, pid)
    qtbot.addWidget(picture)
    digital = [picture.areas.item(r, 4).text() for r in range(5)]
    assert digital[4] == "дефицитная область"
    assert picture.deficits.rowCount() == 9
    assert picture.deficits.item(0, 1).text() == "Дефицитная область «цифровые»"
    assert {picture.deficits.item(r, 2).text() for r in range(9)} == {"выявлен"}


def test_incomplete_entry_is_refused_and_kept_open(qtbot, db, monkeypatch) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Орлова")
    shown: list[str] = []
    monkeypatch.setattr("desktop_app.ui.diagnostics.entry.QMessageBox.warning",
                        lambda _parent, _title, text: shown.append(text))
    dialog = SessionEntryDialog(db, person_id=pid)
    qtbot.addWidget(dialog)
    QTest.keyClicks(dialog.table, "3" * 39)
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.saved_id is None
    assert shown == ["Утверждение № 40: не указан балл (от 1 до 5)."]
    QTest.keyClick(dialog.table, Qt.Key.Key_Up)
    QTest.keyClick(dialog.table, Qt.Key.Key_Backspace)
    assert dialog.progress.text() == "Отвечено: 38 из 40"


def test_route_heat_and_suggestions_dialogs(qtbot, db, tmp_path, monkeypatch) -> None:
    with db.sessions.begin() as s:
        school = org(s, "МБОУ СОШ № 4")
        mentee = person(s, "Молодцова", school, start=date(2023, 9, 1))
        mentor = person(s, "Алексеева", school)
        diagnose(s, mentee, date(2024, 3, 1), {"digital": 2}, default=3)
        diagnose(s, mentor, date(2024, 3, 1), {"digital": 5})
    route = RouteDialog(db, mentee)
    qtbot.addWidget(route)
    assert route.table.rowCount() == 9
    route.save()
    assert route.route_id is not None
    heat = HeatDialog(db)
    qtbot.addWidget(heat)
    assert heat.table.item(0, 1).text() == "МБОУ СОШ № 4"
    assert heat.table.item(0, 8).text() == "1 (50,0\u00a0%)"
    heat.export_to(tmp_path / "heat.xlsx")
    assert len(openpyxl.load_workbook(tmp_path / "heat.xlsx").sheetnames) == 4
    monkeypatch.setattr("desktop_app.ui.diagnostics.analysis.QMessageBox.information",
                        lambda *args: None)
    suggestions = SuggestionsDialog(db, mentee)
    qtbot.addWidget(suggestions)
    assert suggestions.table.rowCount() == 1
    assert suggestions.table.item(0, 0).text() == "Алексеева А.П."
    suggestions.set_period(date(2024, 9, 1), date(2025, 5, 31))
    suggestions.open_pair()
    assert suggestions.pair_id is not None


def test_delete_a_session_after_the_question(qtbot, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """«Удалить…» asks first; deleting the re-diagnosis brings the overcome deficits back."""
    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy import select

    from desktop_app.model import Deficit

    with db.sessions.begin() as s:
        teacher = person(s, "Фёдорова", org(s, "МБОУ СОШ № 7"))
        diagnose(s, teacher, date(2024, 3, 1), {"digital": 2}, default=4)
        later = diagnose(s, teacher, date(2025, 3, 1), {"digital": 4}, default=4)
    tab = DiagnosticsTab(db)
    qtbot.addWidget(tab)
    with db.sessions() as s:
        assert set(s.scalars(select(Deficit.state))) == {"overcome"}
    tab.list.table.selectRow(tab.list.model.row_of_id(later))
    tab.buttons["delete"].click()  # the recorded question answers «Нет»
    assert tab.list.model.rowCount() == 2
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    tab.list.table.selectRow(tab.list.model.row_of_id(later))
    tab.buttons["delete"].click()
    assert tab.list.model.rowCount() == 1 and tab.list.model.row_of_id(later) is None
    with db.sessions() as s:
        assert set(s.scalars(select(Deficit.state))) == {"found"}
