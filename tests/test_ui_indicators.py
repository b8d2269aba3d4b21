"""The «Показатели» tab shows the computed values for a chosen year and who is counted."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import QDate, Qt

from desktop_app.services import meetings
from desktop_app.ui.indicators.tab import IndicatorsTab
from desktop_app.ui.indicators.views import GREEN, RED
from tests.test_indicators_data import build

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


@pytest.fixture
def tab(db, qtbot):  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        ids = build(session)
        meetings.add_meeting(session, meetings.MeetingInput(
            date(2024, 2, 15), "Итоги мониторинга", "Принять к сведению", (ids["Иванов"],)))
    widget = IndicatorsTab(db)
    qtbot.addWidget(widget)
    widget.year.setValue(2024)
    return widget


def _cell(tab: IndicatorsTab, row: int, column: int) -> str:
    return tab.model.data(tab.model.index(row, column))


def test_values_for_the_year_and_colours(tab) -> None:  # type: ignore[no-untyped-def]
    assert tab.model.rowCount() == 6
    assert [_cell(tab, r, 0) for r in range(6)] == ["I1", "I2", "I3", "I4", "I5", "P4"]
    assert [_cell(tab, 0, c) for c in (2, 3, 4, 5, 6, 7)] == [
        "2", "3", "66,7", "80,0", "-13,3", "ниже плана"]
    brush = tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == RED
    met = tab.model.data(tab.model.index(4, 0), Qt.ItemDataRole.BackgroundRole)
    assert met.color() == GREEN and _cell(tab, 4, 7) == "план выполнен"
    assert tab.period.text() == "Период: 01.01.2024 – 31.12.2024"


def test_drill_down_lists_the_people(tab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tab.select_code("I5")
    a = tab.drill.a_panel.model
    names = [a.row_values(i)[0] for i in range(a.rowCount())]
    assert names == ["Ёлкина Дарья", "Петрова Анна"]
    assert tab.drill.b_label.text() == "Учтены в B (знаменатель): 4"
    assert "31.12.2024" in a.row_values(0)[2]
    path = tmp_path / "drill.xlsx"
    tab.drill.export(str(path))
    book = openpyxl.load_workbook(path)
    sheet = book["A"]
    assert sheet["B5"].value == "Ёлкина Дарья" and sheet["C5"].value == "Детский сад «Ёлочка»"
    assert sheet["A7"].value == "Итого" and sheet["B7"].value == 2
    assert book["B"].max_row == 4 + 4 + 1


def test_chosen_date_changes_the_values(tab) -> None:  # type: ignore[no-untyped-def]
    tab.use_date.setChecked(True)
    tab.on_date.setDate(QDate(2024, 6, 30))
    assert [_cell(tab, 2, c) for c in (2, 3)] == ["4", "9"]
    assert tab.period.text().endswith("30.06.2024")
    tab.select_code("I1")
    rows = tab.drill.a_panel.model
    assert [rows.row_values(i)[0] for i in range(rows.rowCount())] == ["Школа № 1"]


def test_other_views(tab) -> None:  # type: ignore[no-untyped-def]
    org = tab.by_org.model
    assert [org.row_values(i)[0] for i in range(org.rowCount())] == [
        "Гимназия", "Детский сад «Ёлочка»", "Школа № 1"]
    assert tab.meetings.flagged == [2, 3, 4]
    assert "II квартал: нет заседания" in tab.meetings.quarters.text()
    assert tab.roadmap.panel.model.total_count() == 20
    tab.dynamics.select("I1")
    years = {p.year: p for p in tab.dynamics.points}
    assert years[2024].fact == 66.7 and years[2024].plan == 80


def test_plan_editor_saves_and_refuses(tab, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    editor = tab.plan
    column = editor.years.index(2024) + 1
    editor.table.item(1, column).setText("11,1")
    assert editor.save()
    assert _cell(tab, 1, 5) == "11,1" and _cell(tab, 1, 7) == "план выполнен"
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    editor.table.item(0, column).setText("90")
    editor.table.item(2, column).setText("много")
    assert not editor.save()
    assert shown == ["План I3 на 2024 год: «много» — не число."]
    editor.reload()
    assert editor.table.item(0, column).text() == "80,0"  # nothing was saved
    editor.new_year.setValue(2027)
    editor.add_year()
    assert 2027 in editor.years


def test_meeting_dialog_lists_working_people_and_keeps_ticks(tab, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The attendees to tick: every working person by full ФИО in Russian order (ё after е),
    with the ОО; a search folds case and ё; a tick made while searching stays after it."""
    from desktop_app.ui.indicators.meetings import MeetingDialog
    from tests.helpers import type_text

    view = tab.meetings
    row = view.rows[0]
    dialog = MeetingDialog(view._people(), row, view)
    qtbot.addWidget(dialog)
    model = dialog.model

    def shown() -> list[str]:
        return [model.index(r).data() for r in range(model.rowCount())]

    names = [text.split(" — ")[0] for text in shown()]
    assert names[:4] == ["Егоров Олег", "Ёлкина Дарья", "Иванов Иван", "Кузнецова Мария"]
    assert "Морозов Денис" not in names  # left on 30.06.2024
    assert shown()[1] == "Ёлкина Дарья — Детский сад «Ёлочка»"
    ivanov = names.index("Иванов Иван")
    assert model.index(ivanov).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    type_text(dialog.search, "ЕЛК")
    assert shown() == ["Ёлкина Дарья — Детский сад «Ёлочка»"]
    model.setData(model.index(0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    dialog.search.clear()
    assert len(shown()) == len(names)
    ids = {name: model.index(r).data(Qt.ItemDataRole.UserRole) for r, name in enumerate(names)}
    assert dialog.value().attendee_ids == (ids["Ёлкина Дарья"], ids["Иванов Иван"])
