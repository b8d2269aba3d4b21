"""Regressions found walking the methodist's year through the registry dialogs (real widgets)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QVBoxLayout, QWidget

from desktop_app.model import Person
from desktop_app.model.enums import ActiveStatus
from desktop_app.services import active, registry
from desktop_app.services.validation import OrganisationInput, PersonInput, Refused
from desktop_app.ui.registry.active_panel import PersonPicker, StepDialog
from desktop_app.ui.registry.organisation_dialog import OrganisationDialog
from desktop_app.ui.registry.person_dialog import PersonDialog, date_edit, get_date
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.helpers import type_text

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

TODAY = date.today()
SAVE = QDialogButtonBox.StandardButton.Save
OK = QDialogButtonBox.StandardButton.Ok


@pytest.fixture
def school(db):  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 2"))
    return db, oid


def tab_into(qtbot, before: QWidget, edit: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Reach a field with Tab, as a user does (the day of a date field is then selected)."""
    before.setFocus()
    QTest.keyClick(before, Qt.Key.Key_Tab)
    assert edit.hasFocus()


@pytest.fixture
def fields(qtbot):  # type: ignore[no-untyped-def]
    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    first, required, second, optional = QLineEdit(), date_edit(), QLineEdit(), date_edit(True)
    for w in (first, required, second, optional):
        layout.addWidget(w)
    box.show()
    qtbot.waitExposed(box)
    box.activateWindow()
    box.kept = (first, required, second, optional)  # type: ignore[attr-defined]
    yield first, required, second, optional


@pytest.mark.parametrize(("shown", "typed", "expected"), [
    (date(2001, 11, 5), "12.04.1995", date(1995, 4, 12)),  # a dot after «12» stays in month
    (date(2001, 11, 5), "1.4.1995", date(1995, 4, 1)),
    (date(2001, 11, 5), "5,11,2001", date(2001, 11, 5)),
    (date(2001, 11, 5), "31.12.2020", date(2020, 12, 31)),  # not cut to 30 by November
    (date(2023, 2, 5), "30.04.2024", date(2024, 4, 30)),  # not refused by February
    (date(2023, 2, 5), "28", date(2023, 2, 28)),  # only the day: the month stays
    (date(2001, 11, 5), "31", date(2001, 11, 30)),
])
def test_date_typed_as_dd_mm_yyyy(qtbot, fields, shown, typed, expected) -> None:  # type: ignore[no-untyped-def]
    first, required, _second, _optional = fields
    required.setDate(QDate(shown.year, shown.month, shown.day))
    tab_into(qtbot, first, required)
    QTest.keyClicks(required, typed)
    QTest.keyClick(required, Qt.Key.Key_Return)
    assert get_date(required) == expected


def test_optional_date_typed_from_empty_and_cleared(qtbot, fields) -> None:  # type: ignore[no-untyped-def]
    _first, _required, second, optional = fields
    assert get_date(optional) is None and optional.text() == "не указана"
    tab_into(qtbot, second, optional)
    QTest.keyClicks(optional, "15.03.2021")
    QTest.keyClick(optional, Qt.Key.Key_Return)
    assert get_date(optional) == date(2021, 3, 15)
    QTest.keyClick(optional, Qt.Key.Key_Delete)
    assert get_date(optional) is None and optional.text() == "не указана"


def test_person_form_keyboard(qtbot, school) -> None:  # type: ignore[no-untyped-def]
    db, oid = school
    dialog = PersonDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.last_name  # not the tab bar
    type_text(dialog.last_name, "Лебедева")
    QTest.keyClick(dialog.last_name, Qt.Key.Key_Tab)
    type_text(dialog.first_name, "Ольга")
    QTest.keyClick(dialog.first_name, Qt.Key.Key_Tab)
    QTest.keyClick(dialog.middle_name, Qt.Key.Key_Tab)
    assert dialog.birth_date.hasFocus()
    QTest.keyClicks(dialog.birth_date, "12.04.1995")
    # a note does not swallow Tab: it moves on to the buttons
    dialog.notes.setFocus()
    QTest.keyClick(dialog.notes, Qt.Key.Key_Tab)
    assert not dialog.notes.hasFocus() and "\t" not in dialog.notes.toPlainText()
    dialog.last_name.setFocus()
    QTest.keyClick(dialog.last_name, Qt.Key.Key_Return)  # Enter saves
    assert not dialog.isVisible()
    with db.sessions() as s:
        person = s.query(Person).filter_by(last_name="Лебедева").one()
    assert person.birth_date == date(1995, 4, 12)


def test_person_form_course_checks(qtbot, school) -> None:  # type: ignore[no-untyped-def]
    db, _oid = school
    dialog = PersonDialog(db)
    qtbot.addWidget(dialog)
    type_text(dialog.last_name, "Лебедева")
    type_text(dialog.first_name, "Ольга")
    dialog.birth_date.setDate(QDate(1990, 1, 1))
    dialog.tabs.setCurrentIndex(2)
    dialog._remove_course()  # nothing selected: a hint, not silence
    label = dialog.errors.labels["courses"]
    assert not label.isHidden() and "Выберите курс" in label.text()
    dialog.add_course_row(registry.CourseInput(title="", hours=36))
    qtbot.mouseClick(dialog.buttons.button(SAVE), Qt.MouseButton.LeftButton)
    assert "курс 1: не указано название" in dialog.summary.text()
    with db.sessions() as s:
        assert s.query(Person).count() == 0
    assert dialog.courses.columnWidth(4) >= 90  # «Окончание» is not cut


def test_long_errors_are_not_cut(qtbot, school) -> None:  # type: ignore[no-untyped-def]
    db, _oid = school
    dialog = OrganisationDialog(db)
    qtbot.addWidget(dialog)
    dialog.resize(720, 520)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(dialog.short_name, "МБОУ «СОШ № 31»")
    dialog.mentoring_act_date.setDate(QDate(TODAY.year + 3, 1, 1))
    dialog.phone.setText("12345")
    dialog.email.setText("bad@")
    qtbot.mouseClick(dialog.buttons.button(SAVE), Qt.MouseButton.LeftButton)
    QGuiApplication.processEvents()
    for name in ("mentoring_act_date", "phone", "email"):
        label = dialog.errors.labels[name]
        assert label.isVisible()
        assert label.height() >= label.heightForWidth(label.width()), name


def test_dialogs_fit_a_laptop_screen(qtbot, school) -> None:  # type: ignore[no-untyped-def]
    db, _oid = school
    free = QGuiApplication.primaryScreen().availableGeometry()
    for dialog in (PersonDialog(db), OrganisationDialog(db), SettingsDialog(db)):
        qtbot.addWidget(dialog)
        assert dialog.width() <= free.width() and dialog.height() <= free.height() - 40
        assert dialog.minimumSizeHint().height() <= 728 - 40  # 1366×768 with the taskbar


def test_settings_ground_buttons_without_selection(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.grounds.setCurrentRow(-1)
    assert not dialog.edit_ground()
    assert not dialog.error.isHidden() and "Выберите основание" in dialog.error.text()
    assert not dialog.remove_ground()
    assert "Выберите основание" in dialog.error.text()
    assert dialog.fields["municipality"].cursorPosition() == 0


def test_eligibility_follows_the_order_date(qtbot, school) -> None:  # type: ignore[no-untyped-def]
    """Eligible today, not on an earlier order date: the reason field must appear, or the
    inclusion could never be saved."""
    db, oid = school
    start = TODAY.replace(year=TODAY.year - 5) - timedelta(days=10)
    with db.sessions.begin() as s:
        pid = registry.add_person(s, PersonInput(
            last_name="Ёжикова", first_name="Анна", birth_date=date(1990, 3, 3),
            organisation_id=oid, category="first", ped_experience_start=start))
        preset = active.preset_in_force(s)
        mid = active.add_candidate(s, pid, active.MemberInput(ground_ids=(preset.grounds[0].id,)))
        early = TODAY - timedelta(days=30)
        active.submit(s, mid, early - timedelta(days=5), by_body="ГМО")
        active.mark_diagnosed(s, mid, early - timedelta(days=2))
    dialog = StepDialog(db, mid, ActiveStatus.INCLUDED)
    qtbot.addWidget(dialog)
    assert dialog.reason.isHidden() and "Соответствует" in dialog.requirements.text()
    dialog.on.setDate(QDate(early.year, early.month, early.day))
    assert not dialog.reason.isHidden() and "Не соответствует" in dialog.requirements.text()
    type_text(dialog.order_number, "7-од")
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    assert "записав причину" in dialog.error.text()
    type_text(dialog.reason, "решение совета")
    qtbot.mouseClick(dialog.buttons.button(OK), Qt.MouseButton.LeftButton)
    with db.sessions() as s:
        row = active.get_member(s, mid)
    assert (row.status, row.included_on, row.ineligible_reason) == (
        "включён", early, "решение совета")


def test_picker_buttons_are_russian(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    picker = PersonPicker(db)
    qtbot.addWidget(picker)
    texts = {b.text() for b in picker.findChildren(QDialogButtonBox)[0].buttons()}
    assert texts == {"ОК", "Отмена"}  # Cyrillic «ОК», not Qt's Latin «OK»


def test_move_and_leave_dates_checked(school) -> None:  # type: ignore[no-untyped-def]
    db, oid = school
    with db.sessions.begin() as s:
        other = registry.add_organisation(s, OrganisationInput(short_name="МБОУ Лицей"))
        pid = registry.add_person(s, PersonInput(
            last_name="Орлова", first_name="Ирина", birth_date=date(1995, 3, 3),
            organisation_id=oid), hired_on=date(2020, 9, 1))
    with db.sessions.begin() as s, pytest.raises(Refused, match="«Дата перевода».*16 лет"):
        registry.move_person(s, pid, other, date(2000, 1, 1))
    with db.sessions.begin() as s, pytest.raises(Refused, match="«Дата выбытия».*раньше начала"):
        registry.dismiss_person(s, pid, date(2019, 1, 1))
    with db.sessions.begin() as s:
        registry.dismiss_person(s, pid, date(2021, 6, 30))
