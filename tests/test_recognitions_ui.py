"""The page «Поощрение наставников» of the tab «Показатели»: mentors × awards meeting or nearly
meeting the conditions with the reasons, a nomination recorded from a row (and kept in the
person's history), the conditions edited, the представление previewed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from desktop_app.services import changelog, nominations
from desktop_app.store.database import Database
from desktop_app.ui.indicators import recognitions as page
from desktop_app.ui.indicators.recognitions import RecognitionsView
from desktop_app.ui.indicators.tab import IndicatorsTab
from desktop_app.ui.indicators.views import GREEN
from desktop_app.ui.report_dialog import ReportDialog
from tests.test_recognitions import ZA, Ids, build
from tests.test_ui_reports import finish

ACCEPTED = QDialog.DialogCode.Accepted


def settle(qtbot, view: RecognitionsView) -> None:  # type: ignore[no-untyped-def]
    """Wait for the lists computed in the background (and a reload asked for meanwhile)."""
    qtbot.waitUntil(
        lambda: view.operation is not None and view.operation.done and not view.dirty, timeout=30000
    )


@pytest.fixture
def built(db: Database) -> tuple[Database, Ids]:
    with db.sessions() as session:
        ids = build(session)
    return db, ids


@pytest.fixture
def view(built: tuple[Database, Ids], qtbot) -> RecognitionsView:  # type: ignore[no-untyped-def]
    db, _ids = built
    widget = RecognitionsView(db)
    qtbot.addWidget(widget)
    widget.set_period(2024, None)  # not shown yet: computed when shown
    assert widget.found is None and widget.operation is None
    widget.show()
    qtbot.waitExposed(widget)
    settle(qtbot, widget)
    return widget


def _rows(view: RecognitionsView) -> list[tuple[object, ...]]:
    model = view.panel.model
    return [model.row_values(i) for i in range(model.rowCount())]


def _select(view: RecognitionsView, person: int, award: str) -> int:
    row = view.panel.model.row_of_id((person, award))
    assert row is not None
    view.panel.table.selectRow(row)
    return row


def test_rows_with_reasons_and_colours(
    view: RecognitionsView, built: tuple[Database, Ids], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    _db, ids = built
    qtmodeltester.check(view.panel.model)
    row = _select(view, ids.veteran, ZA)
    values = view.panel.model.row_values(row)
    assert values[:4] == (
        "Иванова Анна Ивановна",
        "МБОУ «СОШ № 1»",
        "Знак отличия «За наставничество»",
        "соответствует",
    )
    assert str(values[4]).startswith("Учебных лет наставнической деятельности — 5")
    brush = view.panel.model.data(view.panel.model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == GREEN
    assert "✓ Учебных лет наставнической деятельности — 5" in view.details.text()
    assert view.summary.text().startswith("На 31.12.2024: соответствуют — ")
    # one award only; those who nearly meet hidden
    view.award_box.setCurrentIndex(view.award_box.findData(ZA))
    assert {r[2] for r in _rows(view)} == {"Знак отличия «За наставничество»"}
    view.near_box.setChecked(False)
    assert all(r[3] == "соответствует" for r in _rows(view))


def test_nomination_recorded_from_a_row(
    view: RecognitionsView, built: tuple[Database, Ids], monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    db, ids = built
    _select(view, ids.veteran, ZA)

    def accept(dialog: page.NominationDialog) -> int:
        assert dialog.award.currentData() == ZA  # the row's award
        dialog.when.setDate(QDate(2024, 10, 1))
        dialog.note.setText("направлено в управление")
        return ACCEPTED

    monkeypatch.setattr(page.NominationDialog, "exec", accept)
    view.nominate()
    settle(qtbot, view)
    assert view.nominations.model.rowCount() == 1
    assert view.nominations.model.row_values(0)[1:5] == (
        "Иванова Анна Ивановна",
        "МБОУ «СОШ № 1»",
        "Знак отличия «За наставничество»",
        "выдвинут",
    )
    row = view.panel.model.row_of_id((ids.veteran, ZA))
    assert row is not None
    assert view.panel.model.row_values(row)[6] == "выдвинут 01.10.2024 (направлено в управление)"
    with db.sessions() as session:
        history = changelog.person_history(session, ids.veteran)
    assert [e.table_label for e in history if e.table == "nominations"] == ["Выдвижения к наградам"]

    def awarded(dialog: page.ResultDialog) -> int:
        dialog.result_box.setCurrentIndex(dialog.result_box.findData("awarded"))
        return ACCEPTED

    view.nominations.table.selectRow(0)
    monkeypatch.setattr(page.ResultDialog, "exec", awarded)
    view.change_result()
    settle(qtbot, view)
    with db.sessions() as session:
        (listed,) = nominations.list_nominations(session, ids.veteran)
    assert listed.result == "awarded"
    row = view.panel.model.row_of_id((ids.veteran, ZA))
    assert row is not None and view.panel.model.row_values(row)[3] == (
        "уже награждён(а) 01.10.2024"
    )


def test_conditions_edited_in_the_window(
    view: RecognitionsView, built: tuple[Database, Ids], monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    _db, ids = built

    def six_years(dialog: page.ConditionsDialog) -> int:
        dialog.award.setCurrentIndex(dialog.award.findData(ZA))
        used, value, near = dialog.rows["min_years_mentoring"]
        assert used.isChecked() and value.value() == 5 and near.value() == 1
        value.setValue(6)
        dialog.rows["min_mentees"][0].setChecked(False)
        return ACCEPTED

    monkeypatch.setattr(page.ConditionsDialog, "exec", six_years)
    view.conditions()
    settle(qtbot, view)
    row = view.panel.model.row_of_id((ids.veteran, ZA))
    assert row is not None
    values = view.panel.model.row_values(row)
    assert values[3] == "почти соответствует"
    assert values[5] == (
        "Учебных лет наставнической деятельности: 5 при требуемых не менее 6 (не хватает 1)"
    )
    assert "Наставляемых" not in str(values[4])


def test_representation_opens_on_the_row(
    view: RecognitionsView,
    built: tuple[Database, Ids],
    monkeypatch: pytest.MonkeyPatch,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    _db, ids = built
    _select(view, ids.veteran, ZA)
    opened: list[ReportDialog] = []

    def keep(dialog: ReportDialog) -> int:
        opened.append(dialog)
        return 0

    monkeypatch.setattr(page.ReportDialog, "exec", keep)
    view.representation()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.kind == "recognition"
    assert dialog.person.currentData() == ids.veteran and dialog.award.currentData() == ZA
    assert dialog.form.isRowVisible(dialog.award) and dialog.form.isRowVisible(dialog.person)
    assert not dialog.form.isRowVisible(dialog.pair)
    dialog.date.setDate(QDate(2024, 12, 31))
    assert finish(qtbot, dialog.preview())
    assert dialog.pdf.pageCount() >= 1
    out = tmp_path / "представление.docx"
    assert finish(qtbot, dialog.save_to(out)) and out.stat().st_size > 0


def test_the_page_follows_the_tab_s_year(
    built: tuple[Database, Ids],
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    db, ids = built
    tab = IndicatorsTab(db)
    qtbot.addWidget(tab)
    tab.resize(1366, 720)
    tab.year.setValue(2024)
    tab.use_date.setChecked(True)
    tab.on_date.setDate(QDate(2024, 8, 31))
    tab.show()
    tab.pages.setCurrentWidget(tab.recognition)
    qtbot.waitExposed(tab)
    settle(qtbot, tab.recognition)
    assert tab.pages.tabText(tab.pages.currentIndex()) == "Поощрение наставников"
    found = tab.recognition.found
    assert found is not None and found.on.isoformat() == "2024-08-31"
    row = tab.recognition.panel.model.row_of_id((ids.veteran, ZA))
    assert row is not None
    assert tab.recognition.panel.model.row_values(row)[3] == "почти соответствует"
    shot = tmp_path / "recognition.png"
    assert tab.grab().save(str(shot)) and shot.stat().st_size > 10_000
