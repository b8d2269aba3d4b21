"""The «Реестр» tab with real widgets: search with ё, the person form, the active path, settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.model import Person
from desktop_app.model.enums import ActiveStatus
from desktop_app.services import active, registry, settings
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.ui.registry.tab import RegistryTab
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.helpers import type_text

TODAY = date.today()
PEOPLE = [("Фёдорова", "Анна", date(1990, 1, 1)), ("Федоров", "Пётр", date(1970, 1, 1)),
          ("Ежова", "Ольга", date(2000, 1, 1)), ("Ёлкин", "Иван", date(1985, 1, 1)),
          ("Жуков", "Илья", date(1980, 1, 1))]


@pytest.fixture
def filled(db):  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 1"))
        registry.add_organisation(s, OrganisationInput(short_name="МБОУ Лицей"))
        for last, first, born in PEOPLE:
            registry.add_person(s, PersonInput(
                last_name=last, first_name=first, birth_date=born, organisation_id=oid,
                position="учитель", category="first",
                ped_experience_start=born.replace(year=born.year + 22)))
    return db


@pytest.fixture
def tab(qtbot, filled):  # type: ignore[no-untyped-def]
    widget = RegistryTab(filled)
    qtbot.addWidget(widget)
    return widget


def click(qtbot, dialog, which=QDialogButtonBox.StandardButton.Save) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def visible_names(tab: RegistryTab) -> list[str]:
    return [row[0].split()[0] for row in tab.people.model.visible_rows()]


def test_search_folds_yo(tab) -> None:  # type: ignore[no-untyped-def]
    type_text(tab.people.search, "фёд")
    assert sorted(visible_names(tab)) == ["Федоров", "Фёдорова"]
    tab.people.search.clear()
    type_text(tab.people.search, "ЕЛК")
    assert visible_names(tab) == ["Ёлкин"]
    assert tab.people.count.text() == "Показано: 1 из 5"


def test_sort_russian_order(tab) -> None:  # type: ignore[no-untyped-def]
    tab.people.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert visible_names(tab) == ["Ежова", "Ёлкин", "Жуков", "Федоров", "Фёдорова"]


def test_filters(tab) -> None:  # type: ignore[no-untyped-def]
    tab.f_checks["under_35"].setChecked(True)
    expected = {n for n, _f, born in PEOPLE if registry.years_between(born, TODAY) < 35}
    assert "Ежова" in expected and "Жуков" not in expected
    assert set(visible_names(tab)) == expected
    tab.f_checks["under_35"].setChecked(False)
    tab.f_org.setCurrentIndex(tab.f_org.findText("МБОУ Лицей"))
    assert visible_names(tab) == []
    tab.f_org.setCurrentIndex(0)
    assert len(visible_names(tab)) == 5


def test_add_person_through_form(qtbot, tab, filled) -> None:  # type: ignore[no-untyped-def]
    dialog = tab.add_person()
    type_text(dialog.last_name, "Семёнова")
    type_text(dialog.first_name, "Дарья")
    dialog.birth_date.setDate(QDate(1995, 4, 12))
    dialog.organisation.setCurrentIndex(dialog.organisation.findText("МБОУ Лицей"))
    dialog.position.setCurrentText("учитель физики")
    dialog.ped_experience_start.setDate(QDate(2018, 9, 1))
    dialog.phone.setText("8 (913) 555-44-33")
    dialog.add_course_row(registry.CourseInput(title="Цифровая школа", hours=36,
                                               end_date=TODAY - timedelta(days=100)))
    click(qtbot, dialog)
    assert not dialog.isVisible()
    with filled.sessions() as s:
        person = s.query(Person).filter_by(last_name="Семёнова").one()
        assert person.phone == "+7 (913) 555-44-33" and len(person.courses) == 1
    assert tab.people.model.total_count() == 6
    tab.people.search.clear()
    type_text(tab.people.search, "семе")
    assert visible_names(tab) == ["Семёнова"]


def test_refused_form_saves_nothing(qtbot, tab, filled) -> None:  # type: ignore[no-untyped-def]
    dialog = tab.add_person()
    type_text(dialog.last_name, "Фёдорова")
    type_text(dialog.first_name, "Анна")
    dialog.birth_date.setDate(QDate(1990, 1, 1))
    dialog.email.setText("не почта")
    click(qtbot, dialog)
    assert dialog.isVisible()
    label = dialog.errors.labels["email"]
    assert not label.isHidden() and "«E-mail»" in label.text()
    dialog.email.setText("")
    click(qtbot, dialog)  # now the duplicate is refused, with a pointer to the first
    assert "уже есть в реестре: № 1, МБОУ СОШ № 1" in dialog.summary.text()
    with filled.sessions() as s:
        assert s.query(Person).count() == 5
    dialog.reject()


def test_edit_and_move(qtbot, tab, filled) -> None:  # type: ignore[no-untyped-def]
    tab.people.table.selectRow(0)
    pid = tab.people.selected_id()
    dialog = tab.move_person()
    dialog.organisation.setCurrentIndex(dialog.organisation.findText("МБОУ Лицей"))
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    with filled.sessions() as s:
        jobs = registry.job_history(s, pid)
    assert [j.organisation for j in jobs] == ["МБОУ СОШ № 1", "МБОУ Лицей"]
    form = tab.edit_person(pid)
    assert form.organisation.currentText() == "МБОУ Лицей"
    form.reject()


def test_organisation_refusal_is_shown(tab) -> None:  # type: ignore[no-untyped-def]
    tab.organisations.table.selectRow(tab.organisations.model.row_of_id(1))
    assert not tab.delete_organisation()
    assert "5 педагогов" in tab.org_message.text()
    assert "недействующей" in tab.org_message.text()


def test_candidate_to_included(qtbot, tab, filled) -> None:  # type: ignore[no-untyped-def]
    with filled.sessions.begin() as s:
        preset = active.preset_in_force(s)
        mid = active.add_candidate(s, 2, active.MemberInput(ground_ids=(preset.grounds[0].id,)))
        active.submit(s, mid, TODAY, by_body="ГМО учителей истории")
        active.mark_diagnosed(s, mid, TODAY)
    panel = tab.active
    panel.reload()
    panel.select_member(mid)
    assert panel.actions["include"].isEnabled() and not panel.actions["exclude"].isEnabled()
    dialog = panel.step(ActiveStatus.INCLUDED)
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)  # no order number
    assert "«Номер приказа»" in dialog.error.text() and dialog.isVisible()
    type_text(dialog.order_number, "17-од")
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()
    with filled.sessions() as s:
        row = active.get_member(s, mid)
    assert row.status == "включён" and row.order_number == "17-од"
    assert panel.actions["exclude"].isEnabled()
    assert "Включено в актив" in panel.summary.text() and ": 1" in panel.summary.text()
    assert panel.public.model.total_count() == 0  # no consent given


def test_settings_dialog(qtbot, filled) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(filled)
    qtbot.addWidget(dialog)
    dialog.fields["municipality"].setText("Усть-Ишимский муниципальный район")
    dialog.mentee_limit.setValue(4)
    dialog.preset.setCurrentIndex(1)
    dialog.ground_text.setPlainText("победители конкурса «Учитель года»")
    assert dialog.add_ground()
    assert dialog.grounds.count() == 9
    click(qtbot, dialog)
    with filled.sessions() as s:
        values = settings.get_all(s)
        preset = active.preset_in_force(s)
    assert values["municipality"] == "Усть-Ишимский муниципальный район"
    assert values["mentee_limit"] == "4"
    assert preset.code == "ust-ishim-004" and preset.grounds[-1].number == 9
