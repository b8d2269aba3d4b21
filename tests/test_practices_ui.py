"""The page «Банк практик» of the tab «Показатели»: the practices of the tab's year with their
colours and filters, a practice added through its form (authors picked, a pair linked, a file
attached and opened), a refusal said over the form, the active's decision, the history, the
collection of the year, and the page in the tab."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog

from desktop_app.services import practice_files, practices
from desktop_app.store.database import Database
from desktop_app.ui.indicators import practices as page
from desktop_app.ui.indicators.practices import PracticesView
from desktop_app.ui.indicators.tab import IndicatorsTab
from desktop_app.ui.indicators.views import GREEN, RED
from desktop_app.ui.report_dialog import ReportDialog
from tests.helpers import type_text
from tests.test_practices import World, build, practice

ACCEPTED, REJECTED = QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected
TITLE = "Наставничество «учитель – учитель» в адаптации молодого педагога"


@pytest.fixture
def world(db: Database) -> World:
    with db.sessions() as session:
        w = build(session)
        practices.add_practice(session, practice(w, status="included", meeting_id=w.meeting))
        practices.add_practice(session, practice(w, title="Отклонённая", status="rejected",
                                                 decided_on=date(2025, 3, 12)))
        practices.add_practice(session, practice(w, title="Прошлогодняя", year=2023,
                                                 organisation_id=w.garden))
        session.commit()
    return w


@pytest.fixture
def view(db: Database, world: World, qtbot) -> PracticesView:  # type: ignore[no-untyped-def]
    widget = PracticesView(db)
    qtbot.addWidget(widget)
    widget.set_period(2024)
    widget.resize(1366, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _titles(view: PracticesView) -> list[str]:
    model = view.panel.model
    return [str(model.row_values(i)[0]) for i in range(model.rowCount())]


def _select(view: PracticesView, title: str) -> int:
    model = view.panel.model
    row = next(i for i in range(model.rowCount()) if model.row_values(i)[0] == title)
    view.panel.table.selectRow(row)
    return row


def test_the_year_s_practices_with_colours_and_filters(view: PracticesView, world: World,
                                                       qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(view.panel.model)
    assert sorted(_titles(view)) == sorted([TITLE, "Отклонённая"])
    assert view.summary.text() == "Практик за 2024 год: 2, из них в банке — 1"
    row = _select(view, TITLE)
    model = view.panel.model
    values = model.row_values(row)
    assert values[1:8] == ("Иванова А.И., Ёлкина В.П.", "МБОУ «СОШ № 1»", 2024,
                           "включена в банк", "заседание 12.03.2025", 1, 0)
    from PySide6.QtCore import Qt

    assert model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole).color() == GREEN
    other = _select(view, "Отклонённая")
    assert model.data(model.index(other, 0), Qt.ItemDataRole.BackgroundRole).color() == RED
    _select(view, TITLE)
    details = view.details.text()
    assert "Иванова Анна Ивановна — МБОУ «СОШ № 1»" in details
    assert "Повторная диагностика: дефицитов наставляемых выявлено 1, преодолено 1" in details
    view.status_box.setCurrentIndex(view.status_box.findData("rejected"))
    assert _titles(view) == ["Отклонённая"]
    view.status_box.setCurrentIndex(0)
    view.all_years.setChecked(True)
    assert len(_titles(view)) == 3
    view.org_box.setCurrentIndex(view.org_box.findData(world.garden))
    assert _titles(view) == ["Прошлогодняя"]
    view.org_box.setCurrentIndex(0)
    type_text(view.panel.search, "ёлкина")
    assert len(_titles(view)) == 3  # the co-author of every practice


def test_a_practice_added_through_its_form(view: PracticesView, world: World, db: Database,
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                           no_blocking_message_boxes: list[tuple[str, str]],
                                           data_home: Path) -> None:
    source = tmp_path / "презентация.pdf"
    source.write_bytes(b"%PDF-1.4 demo")
    monkeypatch.setattr(page.PersonPicker, "exec", lambda _self: ACCEPTED)
    picked = iter([world.coauthor, world.mentor])
    monkeypatch.setattr(page.PersonPicker, "chosen", lambda _self: next(picked))
    monkeypatch.setattr(page.PairPicker, "exec", lambda _self: ACCEPTED)
    monkeypatch.setattr(page.PairPicker, "chosen", lambda _self: world.pair)
    monkeypatch.setattr(page.QFileDialog, "getOpenFileNames",
                        lambda *_a, **_k: ([str(source)], ""))
    opened: list[QUrl] = []
    monkeypatch.setattr(page.QDesktopServices, "openUrl", lambda url: opened.append(url))
    tries = iter(["без автора", "заполнено"])

    def fill(dialog: page.PracticeDialog) -> int:
        step = next(tries, None)
        if step == "без автора":  # the first try: no author, refused over the form
            type_text(dialog.title, "Клуб молодых педагогов")
            dialog.organisation.setCurrentIndex(dialog.organisation.findData(world.garden))
            assert dialog.year.value() == 2024  # the page's year
            return ACCEPTED
        if step == "заполнено":
            dialog.add_author()
            dialog.add_author()
            dialog.authors.setCurrentRow(1)
            dialog.author_up()  # Иванова first
            dialog.add_pair()
            dialog.attach()
            dialog.files.setCurrentRow(0)
            dialog.open_file()  # a file not saved yet opens where it is
            type_text(dialog.description, "Встречи раз в неделю.")
            dialog.decision.status.setCurrentIndex(
                dialog.decision.status.findData("reviewed"))
            dialog.decision.meeting.setCurrentIndex(
                dialog.decision.meeting.findData(world.meeting))
            return ACCEPTED
        return REJECTED

    monkeypatch.setattr(page.PracticeDialog, "exec", fill)
    view.add()
    assert no_blocking_message_boxes == [
        ("warning", "Авторы: укажите хотя бы одного автора практики.")]
    assert opened == [QUrl.fromLocalFile(str(source))]
    with db.sessions() as session:
        found = practices.list_practices(session, practices.PracticeFilter(text="клуб"))
        (row,) = found
        detail = practices.get_practice(session, row.id)
        (stored,) = detail.files
        assert practice_files.content(session, stored.id) == b"%PDF-1.4 demo"
    assert detail.data.author_ids == (world.mentor, world.coauthor)
    assert detail.data.pair_ids == (world.pair,)
    assert (detail.data.status, detail.data.decided_on) == ("reviewed", date(2025, 3, 12))
    assert detail.data.description == "Встречи раз в неделю."
    assert "Клуб молодых педагогов" in _titles(view)
    # the stored file opens from the data folder
    _select(view, "Клуб молодых педагогов")

    def open_stored(dialog: page.PracticeDialog) -> int:
        dialog.files.setCurrentRow(0)
        dialog.open_file()
        return REJECTED

    monkeypatch.setattr(page.PracticeDialog, "exec", open_stored)
    view.edit()
    copy = data_home / "практики" / str(row.id) / "презентация.pdf"
    assert opened[-1] == QUrl.fromLocalFile(str(copy)) and copy.read_bytes() == b"%PDF-1.4 demo"


def test_the_decision_alone(view: PracticesView, world: World, db: Database,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    _select(view, "Отклонённая")

    def include(dialog: page.DecisionDialog) -> int:
        assert dialog.box.status.currentData() == "rejected"
        assert dialog.box.meeting.isEnabled()
        dialog.box.status.setCurrentIndex(dialog.box.status.findData("included"))
        dialog.box.meeting.setCurrentIndex(dialog.box.meeting.findData(world.meeting))
        return ACCEPTED

    monkeypatch.setattr(page.DecisionDialog, "exec", include)
    view.decide()
    row = _select(view, "Отклонённая")
    assert view.panel.model.row_values(row)[4:6] == ("включена в банк", "заседание 12.03.2025")

    def back(dialog: page.DecisionDialog) -> int:
        dialog.box.status.setCurrentIndex(dialog.box.status.findData("proposed"))
        assert not dialog.box.meeting.isEnabled() and not dialog.box.day.isEnabled()
        return ACCEPTED

    monkeypatch.setattr(page.DecisionDialog, "exec", back)
    view.decide()
    row = _select(view, "Отклонённая")
    assert view.panel.model.row_values(row)[4:6] == ("предложена", "")


def test_history_delete_and_the_collection(view: PracticesView, db: Database,
                                           monkeypatch: pytest.MonkeyPatch, qtbot,  # type: ignore[no-untyped-def]
                                           answers: list[str]) -> None:
    _select(view, TITLE)
    shown: list[page.HistoryDialog] = []
    monkeypatch.setattr(page.HistoryDialog, "exec", lambda d: shown.append(d) or 0)
    view.history()
    (history,) = shown
    qtbot.addWidget(history)
    assert history.windowTitle().startswith("История изменений практики №")
    assert history.table.rowCount() >= 2  # the practice, its authors, its pair
    opened: list[ReportDialog] = []
    monkeypatch.setattr(page.ReportDialog, "exec", lambda d: opened.append(d) or 0)
    view.collection()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.kind == "practices" and dialog.year.value() == 2024
    assert dialog.form.isRowVisible(dialog.year) and dialog.texts.isHidden()
    _select(view, "Отклонённая")
    view.remove()  # «Да» answered by the fixture
    assert "Отклонённая" not in _titles(view)
    assert answers and "Удалить практику «Отклонённая»" in answers[0]


def test_the_page_in_the_tab_follows_its_year(db: Database, world: World, qtbot,  # type: ignore[no-untyped-def]
                                              tmp_path: Path) -> None:
    tab = IndicatorsTab(db)
    qtbot.addWidget(tab)
    tab.resize(1366, 720)
    tab.year.setValue(2023)
    tab.show()
    tab.pages.setCurrentWidget(tab.practices)
    qtbot.waitExposed(tab)
    assert tab.pages.tabText(tab.pages.currentIndex()) == "Банк практик"
    assert _titles(tab.practices) == ["Прошлогодняя"]
    tab.year.setValue(2024)
    assert len(_titles(tab.practices)) == 2
    shot = tmp_path / "practices.png"
    assert tab.grab().save(str(shot)) and shot.stat().st_size > 10_000
