"""A person's places of work corrected by hand: services on a real file, and the form's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.services import changelog, registry
from desktop_app.services.registry import JobInput
from desktop_app.services.validation import OrganisationInput, PersonInput, Refused
from desktop_app.ui.registry.job_history_page import JobDialog
from desktop_app.ui.registry.person_dialog import PersonDialog
from tests.helpers import type_text

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

TODAY = date.today()
HIRED = date(2019, 9, 1)


@pytest.fixture
def setup(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Three ОО (one inactive) and a teacher working at «ОО А» since 01.09.2019."""
    with db.sessions.begin() as s:
        ids = {name: registry.add_organisation(s, OrganisationInput(short_name=name))
               for name in ("ОО А", "ОО Б", "ОО В")}
        ids["person"] = registry.add_person(s, PersonInput(
            last_name="Иванова", first_name="Мария", middle_name="Ивановна",
            birth_date=date(1980, 5, 4), organisation_id=ids["ОО А"], position="учитель"),
            hired_on=HIRED)
        registry.deactivate_organisation(s, ids["ОО В"])
    with db.sessions() as s:
        ids["current"] = registry.job_history(s, ids["person"])[0].id
    return ids


def periods(db, person_id: int) -> list[tuple[str, str, date | None, date | None]]:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return [(j.organisation, j.position, j.start_date, j.end_date)
                for j in registry.job_history(s, person_id)]


def add_past(db, ids: dict[str, int], org: str, start: date, end: date) -> int:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        return registry.add_job(s, ids["person"], JobInput(ids[org], "учитель", start, end))


def test_add_edit_delete_a_past_job(db, setup) -> None:  # type: ignore[no-untyped-def]
    pid = setup["person"]
    past = add_past(db, setup, "ОО В", date(2010, 9, 1), date(2015, 8, 31))  # an inactive ОО
    # touching days at both ends are moves, not overlaps
    between = add_past(db, setup, "ОО Б", date(2015, 8, 31), HIRED)
    assert periods(db, pid) == [
        ("ОО В", "учитель", date(2010, 9, 1), date(2015, 8, 31)),
        ("ОО Б", "учитель", date(2015, 8, 31), HIRED),
        ("ОО А", "учитель", HIRED, None)]
    with db.sessions.begin() as s:
        registry.update_job(s, past, JobInput(setup["ОО Б"], " педагог  доп. образования ",
                                              date(2009, 9, 1), date(2014, 6, 30)))
        registry.update_job(s, between, JobInput(setup["ОО В"], "завуч", date(2014, 7, 1), HIRED))
    assert periods(db, pid)[:2] == [
        ("ОО Б", "педагог доп. образования", date(2009, 9, 1), date(2014, 6, 30)),
        ("ОО В", "завуч", date(2014, 7, 1), HIRED)]
    with db.sessions.begin() as s:
        registry.delete_job(s, past)
    assert [p[0] for p in periods(db, pid)] == ["ОО В", "ОО А"]


def test_current_job_start_and_position(db, setup) -> None:  # type: ignore[no-untyped-def]
    pid = setup["person"]
    with db.sessions.begin() as s:
        registry.update_job(s, setup["current"], JobInput(setup["ОО А"], "заместитель директора",
                                                          date(2019, 8, 26), None))
    assert periods(db, pid) == [("ОО А", "заместитель директора", date(2019, 8, 26), None)]
    with db.sessions() as s:
        assert registry.get_person_input(s, pid).position == "заместитель директора"
        row = next(r for r in registry.list_people(s) if r.id == pid)
    assert row.position == "заместитель директора"


def test_a_move_and_its_corrected_date(db, setup) -> None:  # type: ignore[no-untyped-def]
    """A move typed with a wrong date: both sides corrected, the touching day kept."""
    pid = setup["person"]
    moved = date(2024, 9, 1)
    with db.sessions.begin() as s:
        registry.move_person(s, pid, setup["ОО Б"], moved)
    with db.sessions() as s:
        old, new = registry.job_history(s, pid)
    with db.sessions.begin() as s:  # the new job cannot start before the old one ended...
        with pytest.raises(Refused, match="«Начало»: период"):
            registry.update_job(s, new.id, JobInput(setup["ОО Б"], "", date(2024, 8, 26)))
        # ...so the old one ends earlier first, then the new one starts on that day
        registry.update_job(s, old.id, JobInput(setup["ОО А"], "учитель", HIRED,
                                                date(2024, 8, 26)))
        registry.update_job(s, new.id, JobInput(setup["ОО Б"], "учитель", date(2024, 8, 26)))
    assert periods(db, pid) == [("ОО А", "учитель", HIRED, date(2024, 8, 26)),
                                ("ОО Б", "учитель", date(2024, 8, 26), None)]


def refusals(ids: dict[str, int]) -> list[tuple[Callable[[Any], object], str]]:
    """(a call refused, the words its message must hold)."""
    pid, org_a, org_b, cur = ids["person"], ids["ОО А"], ids["ОО Б"], ids["current"]
    past = ids["past"]
    soon = TODAY + timedelta(days=10)
    return [
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2012, 1, 1),
                                                     date(2011, 1, 1))),
         "«Начало»: 01.01.2012 позже окончания (01.01.2011)"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2012, 1, 1), soon)),
         "«Окончание»: дата " + soon.strftime("%d.%m.%Y") + " ещё не наступила"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", soon, soon)),
         "«Начало»: дата"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2014, 1, 1),
                                                     date(2016, 1, 1))),
         "«Начало»: период с 01.01.2014 по 01.01.2016 пересекается с работой в «ОО В» "
         "с 01.09.2010 по 31.08.2015"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2009, 1, 1),
                                                     date(2011, 1, 1))),
         "«Окончание»: период"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2018, 1, 1),
                                                     date(2019, 12, 31))),
         "«Окончание»: период с 01.01.2018 по 31.12.2019 пересекается с работой в «ОО А» "
         "с 01.09.2019 по настоящее время"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2020, 1, 1),
                                                     date(2020, 6, 30))),
         "«Начало»: 01.01.2020 позже начала работы на нынешнем месте («ОО А», с 01.09.2019)"),
        (lambda s: registry.add_job(s, pid, JobInput(999, "", date(2016, 1, 1),
                                                     date(2017, 1, 1))),
         "«ОО»: организация № 999 не найдена"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(2016, 1, 1), None)),
         "«Окончание»: не указана"),
        (lambda s: registry.add_job(s, pid, JobInput(org_b, "", date(1990, 1, 1),
                                                     date(1995, 1, 1))),
         "«Начало»: 01.01.1990 — педагогу тогда не было 16 лет"),
        (lambda s: registry.update_job(s, cur, JobInput(org_a, "учитель", HIRED,
                                                        date(2023, 1, 1))),
         "«Окончание»: нынешнее место работы закрывается переводом"),
        (lambda s: registry.update_job(s, cur, JobInput(org_b, "учитель", HIRED, None)),
         "«ОО»: ОО нынешнего места работы меняется кнопкой «Перевести в другую ОО…»"),
        (lambda s: registry.update_job(s, cur, JobInput(org_a, "учитель", date(2015, 1, 1))),
         "«Начало»: период с 01.01.2015 по настоящее время пересекается с работой в «ОО В»"),
        (lambda s: registry.update_job(s, past, JobInput(org_b, "", date(2010, 9, 1), None)),
         "«Окончание»: не указана; прежнее место работы не может стать нынешним"),
        (lambda s: registry.delete_job(s, cur),
         "Нынешнее место работы здесь не удаляется"),
    ]


def test_each_refusal_changes_nothing(db, setup) -> None:  # type: ignore[no-untyped-def]
    setup["past"] = add_past(db, setup, "ОО В", date(2010, 9, 1), date(2015, 8, 31))
    before = periods(db, setup["person"])
    for call, words in refusals(setup):
        with db.sessions() as s:
            with pytest.raises(Refused) as exc:
                call(s)
            assert words in exc.value.message
            assert not (s.new or s.dirty or s.deleted), words
            assert [(j.organisation, j.position, j.start_date, j.end_date)
                    for j in registry.job_history(s, setup["person"])] == before
    assert periods(db, setup["person"]) == before


def test_the_only_job_and_the_job_closed_by_leaving(db, setup) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        lone = registry.add_person(s, PersonInput(last_name="Петров", first_name="Пётр",
                                                  birth_date=date(1975, 3, 3)))
        only = registry.add_job(s, lone, JobInput(setup["ОО Б"], "учитель", date(2000, 9, 1),
                                                  date(2010, 6, 30)))
        registry.dismiss_person(s, setup["person"], date(2024, 6, 30))
    with db.sessions() as s:
        with pytest.raises(Refused, match="единственное место работы"):
            registry.delete_job(s, only)
        with pytest.raises(Refused, match="закрыто выбытием 30.06.2024"):
            registry.delete_job(s, setup["current"])
        with pytest.raises(Refused, match="«Окончание»: совпадает с датой выбытия"):
            registry.update_job(s, setup["current"], JobInput(setup["ОО А"], "учитель", HIRED,
                                                              date(2024, 5, 31)))
        with pytest.raises(Refused, match="позже даты выбытия"):
            registry.add_job(s, setup["person"], JobInput(setup["ОО Б"], "", date(2024, 7, 1),
                                                          date(2024, 8, 1)))


def test_change_history_shows_the_edit(db, setup) -> None:  # type: ignore[no-untyped-def]
    past = add_past(db, setup, "ОО Б", date(2010, 9, 1), date(2015, 8, 31))
    with db.sessions.begin() as s:
        registry.update_job(s, past, JobInput(setup["ОО В"], "учитель", date(2011, 9, 1),
                                              date(2015, 8, 31)))
    with db.sessions() as s:
        entries = changelog.history(s, "employments", past)
        person_entries = changelog.person_history(s, setup["person"])
    assert [e.action for e in entries] == ["insert", "update"]
    changes = {c.column: (c.old, c.new) for c in entries[-1].changes}
    assert changes["start_date"] == ("01.09.2010", "01.09.2011")
    assert changes["organisation_id"] == (f"ОО Б (№ {setup['ОО Б']})",
                                          f"ОО В (№ {setup['ОО В']})")
    assert entries[-1].id in {e.id for e in person_entries}


# the page of the person form -----------------------------------------------------------------
@pytest.fixture
def form(qtbot, db, setup):  # type: ignore[no-untyped-def]
    add_past(db, setup, "ОО Б", date(2012, 9, 1), date(2016, 8, 31))
    dialog = PersonDialog(db, setup["person"])
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.jobs)
    return dialog


def fill(dialog: JobDialog, org_id: int, position: str, start: QDate, end: QDate) -> None:
    dialog.organisation.setCurrentIndex(dialog.organisation.findData(org_id))
    dialog.position.setCurrentText("")
    type_text(dialog.position.lineEdit(), position)
    dialog.start_date.setDate(start)
    dialog.end_date.setDate(end)


def click_save(qtbot, dialog: JobDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_page_lists_jobs_newest_first(form) -> None:  # type: ignore[no-untyped-def]
    assert form.tabs.tabText(form.tabs.currentIndex()) == "История работы"
    assert form.jobs.texts() == [("ОО А", "учитель", "01.09.2019", "по настоящее время"),
                                 ("ОО Б", "учитель", "01.09.2012", "31.08.2016")]


def test_new_person_has_no_jobs_page(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    dialog = PersonDialog(db, None)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "История работы" not in titles and "Место работы" in titles


def test_add_a_past_job_through_the_dialog(qtbot, db, setup, form) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(form.saved):
        dialog = form.jobs.add_job()
        assert dialog.isVisible()
        fill(dialog, setup["ОО В"], "учитель-логопед", QDate(2008, 9, 1), QDate(2012, 8, 31))
        assert dialog.organisation.currentText() == "ОО В (недействующая)"
        click_save(qtbot, dialog)
    assert not dialog.isVisible()
    assert form.jobs.texts()[1:] == [
        ("ОО Б", "учитель", "01.09.2012", "31.08.2016"),
        ("ОО В", "учитель-логопед", "01.09.2008", "31.08.2012")]
    assert periods(db, setup["person"])[0] == ("ОО В", "учитель-логопед", date(2008, 9, 1),
                                               date(2012, 8, 31))


def test_refused_job_shows_its_message(qtbot, db, setup, form) -> None:  # type: ignore[no-untyped-def]
    before = periods(db, setup["person"])
    dialog = form.jobs.add_job()
    fill(dialog, setup["ОО В"], "учитель", QDate(2015, 9, 1), QDate(2017, 8, 31))
    click_save(qtbot, dialog)
    assert dialog.isVisible()
    label = dialog.errors.labels["start_date"]
    assert not label.isHidden()
    assert label.text().startswith("«Начало»: период с 01.09.2015 по 31.08.2017 пересекается "
                                   "с работой в «ОО Б»")
    assert dialog.summary.text().startswith("Не сохранено. «Начало»")
    assert periods(db, setup["person"]) == before and len(form.jobs.texts()) == 2
    dialog.reject()


def test_current_job_position_in_the_dialog(qtbot, db, setup, form) -> None:  # type: ignore[no-untyped-def]
    form.jobs.table.selectRow(0)
    dialog = form.jobs.edit_job()
    assert not dialog.organisation.isEnabled() and dialog.end_date.isHidden()
    assert not dialog.now_label.isHidden()
    dialog.position.setCurrentText("")
    type_text(dialog.position.lineEdit(), "методист")
    click_save(qtbot, dialog)
    assert form.jobs.texts()[0] == ("ОО А", "методист", "01.09.2019", "по настоящее время")
    assert form.position.currentText() == "методист"  # the form would not save the old one back
    with db.sessions() as s:
        assert registry.get_person_input(s, setup["person"]).position == "методист"


def test_delete_from_the_page(db, setup, form, answers) -> None:  # type: ignore[no-untyped-def]
    form.jobs.table.selectRow(0)
    assert not form.jobs.delete_job()
    assert "Нынешнее место работы здесь не удаляется" in form.jobs.message.text()
    form.jobs.table.selectRow(1)
    assert form.jobs.delete_job()
    assert answers[-1] == "Удалить место работы «ОО Б» с 01.09.2012 по 31.08.2016?"
    assert [t[0] for t in form.jobs.texts()] == ["ОО А"]
    assert form.jobs.message.isHidden()


def test_delete_asks_first(form, no_blocking_message_boxes) -> None:  # type: ignore[no-untyped-def]
    form.jobs.table.selectRow(1)
    assert not form.jobs.delete_job()  # the question is answered «Нет»
    assert no_blocking_message_boxes[-1][0] == "question"
    assert len(form.jobs.texts()) == 2


def test_people_list_shows_the_corrected_position(qtbot, db, setup) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.tab import RegistryTab

    tab = RegistryTab(db)
    qtbot.addWidget(tab)
    form = tab.edit_person(setup["person"])
    form.jobs.table.selectRow(0)
    dialog = form.jobs.edit_job()
    dialog.position.setCurrentText("")
    type_text(dialog.position.lineEdit(), "методист")
    assert dialog.save()
    assert form.isVisible()  # the person form stays open; only the job was saved
    assert any("методист" in row for row in tab.people.model.visible_rows())
    form.reject()
