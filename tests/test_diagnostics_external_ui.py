"""The external-results form: blocks entered and saved with the keyboard, deficits derived."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from desktop_app.model import Deficit, DiagnosticSession, ExternalResult
from desktop_app.services.diagnostics import record_external
from desktop_app.textutil import fmt_percent
from desktop_app.ui.diagnostics.external import ExternalEntryDialog
from desktop_app.ui.diagnostics.tab import DiagnosticsTab
from tests.diagnostics_data import org, person
from tests.helpers import type_text

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

CTRL = Qt.KeyboardModifier.ControlModifier


def _enter_block(dialog: ExternalEntryDialog, name: str, area_letter: str, percent: str) -> None:
    dialog.block.setFocus()
    type_text(dialog.block, name)
    QTest.qWait(QApplication.keyboardInputInterval() + 50)  # a new search, as a person types
    type_text(dialog.area, area_letter)  # the list jumps to the area starting with the letters
    editor = dialog.percent.lineEdit()
    QTest.keyClick(editor, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(editor, percent)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_external_results_entered_with_the_keyboard(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Фёдорова", org(s, "МБОУ СОШ № 3"))
    dialog = ExternalEntryDialog(db, person_id=pid)
    qtbot.addWidget(dialog)
    assert dialog.person_label.text().startswith("Фёдорова")
    assert dialog.procedure.currentText().startswith("Оценка предметных и методических")
    dialog.date.setDate(date(2025, 4, 10))
    _enter_block(dialog, "Предметный блок", "пре", "42,5")
    assert dialog.table.rowCount() == 1 and dialog.block.text() == ""
    assert dialog.focusWidget() is dialog.block  # back to the name for the next block
    _enter_block(dialog, "Методический блок", "мет", "71")
    _enter_block(dialog, "Лишний блок", "циф", "10")
    assert [dialog.table.item(r, 2).text() for r in range(3)] == [
        fmt_percent(42.5), fmt_percent(71), fmt_percent(10)]
    assert dialog.table.item(0, 1).text() == "предметные"
    assert dialog.table.item(1, 1).text() == "методические"
    assert dialog.table.item(0, 0).background().color().name() == "#f8d7d3"  # below 50 %
    dialog.table.setFocus()
    dialog.table.selectRow(2)
    QTest.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.table.rowCount() == 2
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)  # plain Enter outside the entry row: kept
    assert dialog.result() == 0 and dialog.saved_id is None
    QTest.keyClick(dialog.table, Qt.Key.Key_Return, CTRL)
    assert dialog.saved_id is not None and dialog.result() == dialog.DialogCode.Accepted
    with db.sessions() as s:
        saved = s.get(DiagnosticSession, dialog.saved_id)
        assert (saved.kind, saved.session_date) == ("external", date(2025, 4, 10))
        blocks = s.execute(select(ExternalResult.block, ExternalResult.area,
                                  ExternalResult.percent).order_by(ExternalResult.id)).all()
        assert blocks == [("Предметный блок", "subject", 42.5),
                          ("Методический блок", "methodical", 71.0)]
        titles = s.scalars(select(Deficit.title).where(Deficit.person_id == pid)).all()
        assert titles == ["Внешняя оценка: Предметный блок"]


def test_refusals_keep_the_form_open(qtbot, db, no_blocking_message_boxes) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Орлова")
    dialog = ExternalEntryDialog(db, person_id=None)
    qtbot.addWidget(dialog)
    QTest.keyClick(dialog.block, Qt.Key.Key_Return, CTRL)
    dialog.person_id = pid
    QTest.keyClick(dialog.block, Qt.Key.Key_Return)  # no name
    QTest.keyClick(dialog.block, Qt.Key.Key_Return, CTRL)  # no blocks
    dialog.procedure.setCurrentText("  ")
    _enter_block(dialog, "Предметный блок", "пре", "30")
    QTest.keyClick(dialog.block, Qt.Key.Key_Return, CTRL)
    assert [text for _kind, text in no_blocking_message_boxes] == [
        "Педагог: выберите педагога.",
        "Блок: укажите название блока.",
        "Результаты внешней оценки: добавьте хотя бы один блок.",
        "Процедура оценки: укажите название (например, «Оценка ПМК»).",
    ]
    assert dialog.saved_id is None
    with db.sessions() as s:
        assert s.scalars(select(DiagnosticSession)).all() == []


def test_known_blocks_fill_their_area_and_the_tab_opens_the_form(qtbot, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Белова")
        record_external(s, pid, date(2024, 4, 1), "Региональная оценка",
                        [("Блок ИКТ", "цифровые", 80)])
    dialog = ExternalEntryDialog(db, person_id=pid)
    qtbot.addWidget(dialog)
    assert "Региональная оценка" in [dialog.procedure.itemText(i)
                                     for i in range(dialog.procedure.count())]
    dialog.block.setText("Блок ИКТ")  # as the completer puts it (its popup needs a screen)
    dialog.block.editingFinished.emit()
    assert dialog.area.currentData() == "digital"
    opened: list[int | None] = []
    monkeypatch.setattr(ExternalEntryDialog, "exec",
                        lambda self: opened.append(self.person_id) or 0)
    tab = DiagnosticsTab(db)
    qtbot.addWidget(tab)
    tab.list.table.selectRow(0)
    tab.buttons["external"].click()
    assert opened == [pid]
