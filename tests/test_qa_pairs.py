"""Regressions found walking the methodist's year through the pairs dialogs (real widgets)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.model import Organisation, Pair, Person
from desktop_app.services import pairs as P
from desktop_app.ui.pairs import programme_panel
from desktop_app.ui.pairs.dialogs import FormDialog, PairDialog, StatusDialog
from desktop_app.ui.pairs.programme_panel import MonitoringDialog, ProgrammePanel

TODAY = date.today()


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        school = Organisation(short_name="МБОУ СОШ № 3")
        s.add(school)
        s.flush()
        ids = {}
        for key, last, age, exp in [("mentor", "Ёлкина", 50, 25), ("a", "Петрова", 24, 1),
                                    ("b", "Белова", 25, 2)]:
            person = Person(last_name=last, first_name="Анна", middle_name="",
                            search_key=f"{last} анна".lower(), organisation_id=school.id,
                            birth_date=TODAY.replace(year=TODAY.year - age) - timedelta(days=9),
                            ped_experience_start=TODAY.replace(year=TODAY.year - exp))
            s.add(person)
            s.flush()
            ids[key] = person.id
        start = TODAY - timedelta(days=60)
        active = P.create_pair(s, P.PairInput(
            mentor_id=ids["mentor"], mentee_ids=(ids["a"],), start_date=start,
            end_date=P.duration_limits(start)[1], status="active"))
        later = TODAY + timedelta(days=20)
        planned = P.create_pair(s, P.PairInput(
            mentor_id=ids["mentor"], mentee_ids=(ids["b"],), start_date=later,
            end_date=P.duration_limits(later)[1]))
        s.commit()
    return db, ids, active, planned


def as_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def test_end_date_checked(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    db, _ids, active, planned = world
    dialog = StatusDialog(db, active, "active")
    qtbot.addWidget(dialog)
    dialog.status_box.setCurrentIndex(dialog.status_box.findData("ended_early"))
    dialog.reason_edit.setText("Переезд наставляемого")
    dialog.date_edit.setDate(as_qdate(TODAY - timedelta(days=400)))
    dialog.save()
    assert "раньше начала программы" in dialog.error.text()
    dialog.date_edit.setDate(as_qdate(TODAY + timedelta(days=3)))
    dialog.save()
    assert "ещё не наступила" in dialog.error.text()
    with db.sessions() as s:
        assert s.get(Pair, active).status == "active"
    dialog.date_edit.setDate(as_qdate(TODAY))
    dialog.save()
    with db.sessions() as s:
        pair = s.get(Pair, active)
        assert (pair.status, pair.ended_on) == ("ended_early", TODAY)
    # a planned programme may be called off before its start
    with db.sessions() as s:
        P.change_status(s, planned, "ended_early", "Наставляемый уволился", TODAY)
        s.commit()
        assert s.get(Pair, planned).ended_on == TODAY


def test_status_date_only_for_an_end(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    db, _ids, _active, planned = world
    dialog = StatusDialog(db, planned, "planned")
    qtbot.addWidget(dialog)
    dialog.status_box.setCurrentIndex(dialog.status_box.findData("active"))
    assert not dialog.date_edit.isEnabled() and not dialog.reason_edit.isEnabled()
    dialog.status_box.setCurrentIndex(dialog.status_box.findData("ended_early"))
    assert dialog.date_edit.isEnabled() and dialog.reason_edit.isEnabled()
    texts = {b.text() for b in dialog.buttons.buttons()}
    assert texts == {"ОК", "Отмена"}  # Cyrillic «ОК»


def test_future_monitoring_and_questionnaire_refused(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    db, ids, active, _planned = world
    dialog = MonitoringDialog(db, active)
    qtbot.addWidget(dialog)
    dialog.date_edit.setDate(as_qdate(TODAY + timedelta(days=10)))
    dialog.save()
    assert "«Дата мониторинга»" in dialog.error.text() and "ещё не наступила" in dialog.error.text()
    assert {b.text() for b in dialog.buttons.buttons()} == {"Сохранить", "Отмена"}
    with db.sessions() as s:
        assert P.list_monitorings(s, active) == []
        with pytest.raises(P.PairError, match="«Дата анкеты»"):
            P.add_satisfaction(s, active, ids["a"], 8, TODAY + timedelta(days=1))


def test_pair_dialog_hints_buttons_and_size(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    db, _ids, _active, _planned = world
    dialog = PairDialog(db)
    qtbot.addWidget(dialog)
    assert {b.text() for b in dialog.buttons.buttons()} == {"Сохранить", "Отмена"}
    dialog.remove_mentee_button.click()  # nothing chosen: a hint, not silence
    assert "Выберите наставляемого" in dialog.notice.text()
    free = QGuiApplication.primaryScreen().availableGeometry()
    assert dialog.height() <= free.height() - 40 and dialog.width() <= free.width()
    assert dialog.minimumSizeHint().height() <= 728 - 40  # 1366×768 with the taskbar
    header = dialog.people.table.horizontalHeader()
    dialog.resize(1000, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert header.sectionSize(0) > header.sectionSize(4)  # the name gets the room
    form = FormDialog(db)
    qtbot.addWidget(form)
    assert {b.text() for b in form.findChildren(QDialogButtonBox)[0].buttons()} == {
        "Сохранить", "Отмена"}


def test_pair_start_typed_on_keyboard(qtbot, world) -> None:  # type: ignore[no-untyped-def]
    db, _ids, _active, _planned = world
    dialog = PairDialog(db)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.level_box.setFocus()
    QTest.keyClick(dialog.level_box, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.start_edit
    QTest.keyClicks(dialog.start_edit, "01.09.2025")
    QTest.keyClick(dialog.start_edit, Qt.Key.Key_Return)
    assert dialog.start_edit.date() == QDate(2025, 9, 1)
    assert "окончание с 30.11.2025 по 31.08.2026" in dialog.period_hint.text()


def test_plan_without_selection_and_from_template(qtbot, world, monkeypatch,  # type: ignore[no-untyped-def]
                                                  no_blocking_message_boxes) -> None:
    db, _ids, active, _planned = world
    panel = ProgrammePanel(db)
    qtbot.addWidget(panel)
    panel.set_pair(active)
    chosen: list[list[str]] = []
    monkeypatch.setattr(programme_panel, "ask",
                        lambda _p, _t, _l, items=None: (chosen.append(items) or items[0], True))
    panel.template_button.click()
    assert chosen and panel.plan.rowCount() > 0
    panel.plan.setCurrentCell(-1, -1)
    rows = panel.plan.rowCount()
    panel.delete_item_button.click()
    assert panel.plan.rowCount() == rows
    assert ("information", "Выберите строку плана, которую удалить.") in no_blocking_message_boxes
    panel.plan.item(0, programme_panel.DONE_COLUMN).setCheckState(Qt.CheckState.Checked)
    assert panel.progress_label.text().startswith(f"1 из {rows} (")
