"""The «Пары» tab and the pair dialog driven through real widgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from desktop_app.model import Organisation, Pair, Person
from desktop_app.services import pairs as P
from desktop_app.ui.pairs.dialogs import PairDialog
from desktop_app.ui.pairs.tab import PairsTab
from tests.helpers import type_text


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    today = date.today()
    with db.sessions() as s:
        school = Organisation(short_name="МБОУ СОШ № 7")
        lyceum = Organisation(short_name="МАОУ «Лицей № 1»")
        s.add_all([school, lyceum])
        s.flush()
        ids = {}
        for key, last, first, org, age, exp in [
            ("mentor", "Ёлкина", "Анна", school, 50, 25),
            ("a", "Петрова", "Мария", school, 24, 1),
            ("b", "Фёдоров", "Игорь", lyceum, 23, 0),
            ("c", "Белова", "Дарья", school, 25, 2),
        ]:
            p = Person(last_name=last, first_name=first, middle_name="",
                       search_key=f"{last} {first}".lower(), organisation_id=org.id,
                       birth_date=today.replace(year=today.year - age) - timedelta(days=40),
                       ped_experience_start=today.replace(year=today.year - exp)
                       - timedelta(days=40))
            s.add(p)
            s.flush()
            ids[key] = p.id
        s.commit()
    return db, ids


def pick(dialog: PairDialog, text: str) -> None:
    dialog.people.search.clear()
    type_text(dialog.people.search, text)
    assert dialog.people.model.rowCount() == 1
    dialog.people.table.selectRow(0)


def test_create_group_of_two_through_dialog(qtbot, people) -> None:  # type: ignore[no-untyped-def]
    db, ids = people
    dialog = PairDialog(db)
    qtbot.addWidget(dialog)
    warned: list[tuple[str, ...]] = []
    dialog.confirm_warnings = lambda w: warned.append(w) or True  # type: ignore[method-assign]
    pick(dialog, "ёлкина")  # ё folds: «елкина» would match too
    dialog.set_mentor_button.click()
    pick(dialog, "Петрова")
    dialog.add_mentee_button.click()
    pick(dialog, "федоров")
    dialog.add_mentee_button.click()
    assert dialog.mentees_list.count() == 2
    # the mentor cannot become a mentee
    pick(dialog, "Ёлкина")
    dialog.add_mentee_button.click()
    assert dialog.mentees_list.count() == 2
    assert "не может быть наставляемым" in dialog.notice.text()
    # a mentee from the lyceum: the level becomes municipal by itself
    assert dialog.level_box.currentData() == "municipal"
    dialog.direction_boxes["methods"].setChecked(True)
    start = date(2025, 9, 1)
    dialog.start_edit.setDate(QDate(2025, 9, 1))
    dialog.end_edit.setDate(QDate(2025, 11, 29))  # a day short of three months
    type_text(dialog.goal_edit, "Адаптация молодых педагогов")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()
    assert dialog.saved_id is None
    assert "короче 3 месяцев" in dialog.notice.text()
    dialog.end_edit.setDate(QDate(2026, 5, 31))
    save.click()
    assert dialog.saved_id is not None
    assert warned == []
    with db.sessions() as s:
        pair = s.get(Pair, dialog.saved_id)
        assert sorted(m.person_id for m in pair.mentees) == sorted([ids["a"], ids["b"]])
        assert pair.form.name == P.GROUP_FORM
        assert (pair.level, pair.start_date) == ("municipal", start)
        assert pair.programme.goal == "Адаптация молодых педагогов"


def test_warnings_shown_before_saving(qtbot, people) -> None:  # type: ignore[no-untyped-def]
    db, ids = people
    with db.sessions() as s:
        P.create_pair(s, P.PairInput(mentor_id=ids["mentor"], mentee_ids=(ids["a"],),
                                     start_date=date(2025, 9, 1), end_date=date(2026, 5, 31),
                                     directions=("subject",)))
        s.commit()
    dialog = PairDialog(db, mentee_ids=(ids["a"],))
    qtbot.addWidget(dialog)
    asked: list[tuple[str, ...]] = []
    dialog.confirm_warnings = lambda w: asked.append(w) or False  # type: ignore[method-assign]
    pick(dialog, "Белова")
    dialog.set_mentor_button.click()
    dialog.direction_boxes["subject"].setChecked(True)
    assert "уже наставляемый" in dialog.notice.text()
    assert "стаж" in dialog.notice.text()
    dialog.start_edit.setDate(QDate(2025, 9, 1))
    dialog.end_edit.setDate(QDate(2026, 5, 31))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert asked and "уже наставляемый" in asked[0][0]
    assert dialog.saved_id is None  # the user said no
    with db.sessions() as s:
        assert len(s.scalars(select(Pair)).all()) == 1


def test_plan_item_done_updates_progress(qtbot, people) -> None:  # type: ignore[no-untyped-def]
    db, ids = people
    with db.sessions() as s:
        pid = P.create_pair(s, P.PairInput(
            mentor_id=ids["mentor"], mentee_ids=(ids["a"],), start_date=date(2025, 9, 1),
            end_date=date(2026, 5, 31), status="active",
            plan=(P.PlanItemInput(activity="Знакомство с ОО"),
                  P.PlanItemInput(activity="Открытый урок"))))
        s.commit()
    tab = PairsTab(db)
    qtbot.addWidget(tab)
    tab.list.table.selectRow(0)
    panel = tab.programme
    assert panel.pair_id == pid
    assert panel.progress_label.text() == "0 из 2 (0\u00a0%)"
    cell = panel.plan.item(1, 5)
    cell.setCheckState(Qt.CheckState.Checked)
    assert panel.progress_label.text() == "1 из 2 (50\u00a0%)"
    assert panel.progress.value() == 1
    with db.sessions() as s:
        assert P.plan_progress(s, pid) == P.Progress(1, 2)
    panel.plan.item(0, 5).setCheckState(Qt.CheckState.Checked)
    assert panel.progress_label.text() == "2 из 2 (100\u00a0%)"
    assert panel.progress.value() == panel.progress.maximum() == 2
    # editing a deadline cell saves it
    panel.plan.item(0, 2).setText("15.09.2025")
    with db.sessions() as s:
        assert P.plan_items(s, pid)[0].deadline == date(2025, 9, 15)


def test_filters_badges_and_young(qtbot, people) -> None:  # type: ignore[no-untyped-def]
    db, ids = people
    today = date.today()
    with db.sessions() as s:
        P.create_pair(s, P.PairInput(
            mentor_id=ids["mentor"], mentee_ids=(ids["a"],), status="active",
            start_date=today - timedelta(days=120), end_date=today + timedelta(days=10)))
        P.create_pair(s, P.PairInput(
            mentor_id=ids["mentor"], mentee_ids=(ids["b"],),
            start_date=today + timedelta(days=200), end_date=today + timedelta(days=400)))
        lyceum = s.scalar(select(Organisation.id).where(Organisation.short_name.like("%Лицей%")))
        s.commit()
    tab = PairsTab(db)
    qtbot.addWidget(tab)
    assert tab.list.model.rowCount() == 2
    assert tab.ending_badge.text() == "Заканчиваются в течение 30 дней: 1"
    assert tab.young_badge.text() == "Молодые специалисты без наставника: 2"  # b and c
    assert {tab.young.model.row_values(i)[0] for i in range(2)} == {"Фёдоров Игорь",
                                                                    "Белова Дарья"}
    tab.ending_badge.click()
    assert tab.list.model.rowCount() == 1
    tab.reset_filter()
    tab.org_box.setCurrentIndex(tab.org_box.findData(lyceum))
    assert tab.list.model.rowCount() == 1
    assert tab.list.model.row_values(0)[2] == "Фёдоров И."
    tab.status_box.setCurrentIndex(tab.status_box.findData("active"))
    assert tab.list.model.rowCount() == 0
    assert tab.list.count.text() == "Показано: 0 из 2"
    tab.reset_filter()
    assert tab.list.model.rowCount() == 2 and not tab.period_from.isEnabled()
    later = today + timedelta(days=100)
    tab.period_from.setDate(QDate(later.year, later.month, later.day))
    tab.period_to.setDate(QDate(later.year + 2, 1, 1))
    assert tab.list.model.rowCount() == 2  # the period is not applied until ticked
    tab.period_check.setChecked(True)
    assert tab.period_from.isEnabled()
    assert [tab.list.model.row_values(i)[2] for i in range(tab.list.model.rowCount())] == [
        "Фёдоров И."]


def test_status_monitoring_and_satisfaction_entry(qtbot, people) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.pairs.dialogs import StatusDialog
    from desktop_app.ui.pairs.programme_panel import MonitoringDialog, ProgrammePanel

    db, ids = people
    with db.sessions() as s:
        pid = P.create_pair(s, P.PairInput(mentor_id=ids["mentor"], mentee_ids=(ids["a"],),
                                           start_date=date(2025, 9, 1),
                                           end_date=date(2026, 5, 31), status="active"))
        s.commit()
    status = StatusDialog(db, pid, "active")
    qtbot.addWidget(status)
    assert [status.status_box.itemText(i) for i in range(status.status_box.count())] == [
        "завершена", "прекращена досрочно"]
    status.status_box.setCurrentIndex(1)
    status.save()
    assert "причину" in status.error.text()
    type_text(status.reason_edit, "Переход наставляемого в другую ОО")
    status.save()
    with db.sessions() as s:
        pair = s.get(Pair, pid)
        assert (pair.status, pair.end_reason) == ("ended_early",
                                                  "Переход наставляемого в другую ОО")

    monitoring = MonitoringDialog(db, pid)
    qtbot.addWidget(monitoring)
    monitoring.exam_box.setCurrentIndex(monitoring.exam_box.findData("ОГЭ"))
    monitoring.percent_box.setValue(75.5)
    type_text(monitoring.activity_edit, "Открытый урок для ММО")
    monitoring.save()
    with db.sessions() as s:
        rows = P.list_monitorings(s, pid)
    assert [(r.exam_kind, r.students_passed_percent, r.olympiad_participants,
             r.mentee_activity) for r in rows] == [("ОГЭ", 75.5, None, "Открытый урок для ММО")]

    panel = ProgrammePanel(db)
    qtbot.addWidget(panel)
    panel.set_pair(pid)
    assert panel.monitoring.item(0, 2).text() == "75,5"
    panel.respondent_box.setCurrentIndex(1)  # the mentee
    panel.score_box.setValue(7)
    panel.add_answer_button.click()
    panel.respondent_box.setCurrentIndex(0)
    panel.score_box.setValue(10)
    panel.add_answer_button.click()
    assert panel.satisfaction.rowCount() == 2
    assert "наставник — 10,0, наставляемые — 7,0, в целом — 8,5 (анкет: 2)" in panel.means.text()
