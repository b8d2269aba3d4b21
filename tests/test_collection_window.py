"""«Сбор сведений…» in the window: a round started from the dialog, a returned file reviewed in
the tree, one change unticked and the rest applied, the reminder, the refusals."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_app.exchange.rounds.spec import ROUND_SHEET
from desktop_app.model.enums import Category
from desktop_app.store.database import Database, open_database
from desktop_app.ui.collection.window import (
    EMPTY_TEXT,
    OVERDUE,
    OVERDUE_BACKGROUND,
    CollectionDialog,
)
from desktop_app.ui.main_window import MainWindow

TODAY = date(2026, 11, 2)  # the demo's data run to 01.11.2026
PEOPLE = "Педагоги"
CODE = "Код записи"
CATEGORY = "Квалификационная категория"
WORKS = "Работает"
LEFT_ON = "Дата выбытия"
LEFT_DAY = date(2026, 10, 30)


@pytest.fixture
def database(base: Path) -> Iterator[Database]:
    db = open_database(base)
    yield db
    db.dispose()


@pytest.fixture
def window(qtbot, database: Database, monkeypatch: pytest.MonkeyPatch) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(database)
    win.reloads = []  # type: ignore[attr-defined]
    build = win._build_tabs

    def rebuild() -> None:
        win.reloads.append(1)  # type: ignore[attr-defined]
        build()

    monkeypatch.setattr(win, "_build_tabs", rebuild)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def open_round_view(window: MainWindow) -> CollectionDialog:
    action = next(a for a in window.file_menu.actions() if a.text() == "Сбор сведений…")
    action.trigger()
    dialog: CollectionDialog = window.collection_dialog  # type: ignore[attr-defined]
    dialog._today = lambda: TODAY  # the round's dates do not hang on the day the test runs
    return dialog


def start_from_dialog(qtbot, dialog: CollectionDialog, folder: Path,  # type: ignore[no-untyped-def]
                      monkeypatch: pytest.MonkeyPatch, empty: bool = True) -> None:
    """Click «Начать сбор…», choose the folder (the file chooser patched), click «Начать сбор»."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))
    button = dialog.empty_start if empty else dialog.start_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    start = dialog.start_dialog
    assert start is not None
    assert start.on == TODAY and start.deadline == TODAY + timedelta(days=14)
    qtbot.mouseClick(start.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status is not None, timeout=60000)


def active_orgs(path: Path) -> dict[int, str]:
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT id, short_name FROM organisations "
                                "WHERE deactivated_on IS NULL"))
    finally:
        con.close()


def person(path: Path, person_id: int) -> tuple[str, int, str | None]:
    """(category, is_active, left_on) of a person."""
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT category, is_active, left_on FROM people WHERE id = ?",
                          (person_id,)).fetchone()
        return row[0], row[1], row[2]
    finally:
        con.close()


def table_rows(dialog: CollectionDialog) -> list[list[str]]:
    model = dialog.model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def columns(ws: Any) -> tuple[int, dict[str, int]]:
    """The header row of a data sheet and the column of each title."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        titles = {str(c.value).removesuffix("*").strip(): c.column
                  for c in row if c.value is not None}
        if CODE in titles:
            return row[0].row, titles
    raise AssertionError(f"no header on {ws.title}")


def return_file(sent: Path, out: Path) -> tuple[int, int]:
    """Fill a sent file as a school would: a new category for one teacher, another marked as
    leaving. Returns the two people's ids (category changed, leaving)."""
    wb = openpyxl.load_workbook(sent)
    ws = wb[PEOPLE]
    header, at = columns(ws)
    rows = [r for r in range(header + 1, ws.max_row + 1)
            if str(ws.cell(r, at[CODE]).value or "").startswith("П-")]
    first, second = rows[0], rows[1]
    old = ws.cell(first, at[CATEGORY]).value
    new = next(c.label for c in (Category.HIGHEST, Category.FIRST) if c.label != old)
    ws.cell(first, at[CATEGORY]).value = new
    ws.cell(second, at[WORKS]).value = "нет"
    ws.cell(second, at[LEFT_ON]).value = LEFT_DAY.strftime("%d.%m.%Y")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    ids = [int(str(ws.cell(r, at[CODE]).value).split("-")[1]) for r in (first, second)]
    return ids[0], ids[1]


def load(qtbot, dialog: CollectionDialog, paths: list[Path],  # type: ignore[no-untyped-def]
         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *_a, **_k: ([str(p) for p in paths], "Книга Excel (*.xlsx)"))
    dialog.review_dialog = None
    qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.operation is not None and dialog.operation.done,
                    timeout=60000)


def test_round_from_the_window(qtbot, window: MainWindow, base: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                               monkeypatch: pytest.MonkeyPatch, qtmodeltester) -> None:
    dialog = open_round_view(window)
    assert dialog.pages.currentIndex() == 0 and dialog.empty_start.isEnabled()
    assert EMPTY_TEXT in [w.text() for w in dialog.pages.currentWidget().findChildren(
        type(dialog.heading))]
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    out = tmp_path / "сбор"
    out.mkdir()
    start_from_dialog(qtbot, dialog, out, monkeypatch)

    orgs = active_orgs(base)
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == len(orgs) > 1
    assert opened == [str(out)]  # the folder offered and opened
    assert dialog.pages.currentIndex() == 1
    rows = table_rows(dialog)
    assert sorted(r[0] for r in rows) == sorted(orgs.values())
    assert {r[1] for r in rows} == {"отправлен"}
    assert all(r[2] and not r[3] and not r[4] for r in rows)  # sent, nothing back yet
    assert {r[7] for r in rows} == {f.name for f in files}
    assert "02.11.2026" in dialog.heading.text() and "16.11.2026" in dialog.heading.text()
    qtmodeltester.check(dialog.model)

    status = dialog.status
    assert status is not None
    school = status.orgs[0]
    returned = tmp_path / "ответы" / school.file_name
    changed_id, leaving_id = return_file(out / school.file_name, returned)
    category_before = person(base, changed_id)[0]
    load(qtbot, dialog, [returned], monkeypatch)
    review = dialog.review_dialog
    assert review is not None
    page = review.page
    assert page.review.org_name == school.org_name and school.org_name in page.title.text()
    changes = page.review.changes
    category = next(c for c in changes if c.id == f"people:П-{changed_id}:category")
    leave = next(c for c in changes if c.kind == "LEAVE")
    assert leave.id.startswith(f"people:П-{leaving_id}:") and "30.10.2026" in leave.new
    # nothing else: the cells the school left alone come back as they were sent
    assert len(changes) == 2, [c.text() for c in changes]
    assert set(page.change_items) == {category.id, leave.id}
    groups = {page.tree.topLevelItem(i).text(0): page.tree.topLevelItem(i)
              for i in range(page.tree.topLevelItemCount())}
    assert category.new in page.change_items[category.id].text(3)
    assert page.change_items[category.id].parent() is next(
        g for t, g in groups.items() if t.startswith("Изменённые сведения"))
    assert page.change_items[leave.id].parent() is next(
        g for t, g in groups.items() if t.startswith("Выбывают"))
    assert all(item.checkState(0) == Qt.CheckState.Checked for _i, item in page.items())
    qtbot.mouseClick(review.untick_all, Qt.MouseButton.LeftButton)
    assert page.accepted() == []
    qtbot.mouseClick(review.tick_all, Qt.MouseButton.LeftButton)
    assert sorted(page.accepted()) == sorted(c.id for c in changes)
    leaving_group = page.change_items[leave.id].parent()
    leaving_group.setCheckState(0, Qt.CheckState.Unchecked)  # a group's tick: its changes
    assert page.accepted() == [category.id]
    leaving_group.setCheckState(0, Qt.CheckState.Checked)
    assert len(page.accepted()) == 2
    page.change_items[leave.id].setCheckState(0, Qt.CheckState.Unchecked)
    assert page.accepted() == [category.id]
    assert leaving_group.checkState(0) == Qt.CheckState.Unchecked
    assert review.apply_button.isEnabled()
    qtbot.mouseClick(review.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=60000)

    assert person(base, changed_id)[0] not in (category_before, None)
    assert person(base, leaving_id)[1:] == (1, None)  # unticked: still working
    assert not review.apply_button.isEnabled()
    row = next(r for r in table_rows(dialog) if r[0] == school.org_name)
    assert row[1] == "применён" and row[3] and row[4] and row[5] == "1" and row[6] == "0"
    assert window.reloads  # type: ignore[attr-defined]  # the window's lists reload

    qtbot.mouseClick(dialog.remind_button, Qt.MouseButton.LeftButton)
    reminder = QGuiApplication.clipboard().text()
    for org in orgs.values():
        assert (org in reminder) == (org != school.org_name), org
    assert "буфер" in dialog.note.text()

    txt = dialog.save_silent(tmp_path / "silent.txt")
    assert txt is not None
    text = txt.read_text(encoding="utf-8-sig")
    assert school.org_name not in text and all(
        o in text for o in orgs.values() if o != school.org_name)
    xlsx = dialog.save_silent(tmp_path / "silent.xlsx")
    assert xlsx is not None
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.max_row == len(orgs)  # the titles and every silent ОО

    load(qtbot, dialog, [returned], monkeypatch)  # the same file again: told, nothing offered
    again = dialog.review_dialog
    assert again is not None
    assert again.page.review.applied_before is not None
    assert "уже применён" in again.page.reason.text() and not again.apply_button.isEnabled()


def test_refused_files(qtbot, window: MainWindow, base: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                       monkeypatch: pytest.MonkeyPatch, no_blocking_message_boxes) -> None:
    dialog = open_round_view(window)
    out = tmp_path / "сбор"
    out.mkdir()
    start_from_dialog(qtbot, dialog, out, monkeypatch)
    status = dialog.status
    assert status is not None
    first, second = status.orgs[0], status.orgs[1]

    edited = tmp_path / "ответы" / first.file_name
    edited.parent.mkdir()
    wb = openpyxl.load_workbook(out / first.file_name)
    hidden = wb[ROUND_SHEET]
    cell = next(row[1] for row in hidden.iter_rows() if row[0].value == "Отпечаток")
    cell.value = ("1" if cell.value[0] == "0" else "0") + cell.value[1:]
    wb.save(edited)
    bad = tmp_path / "ответы" / second.file_name
    wb = openpyxl.load_workbook(out / second.file_name)
    ws = wb[PEOPLE]
    header, at = columns(ws)
    ws.cell(header + 1, at["Дата рождения"]).value = "31.02.1990"
    wb.save(bad)
    before = _digest(base)

    no_blocking_message_boxes.clear()
    load(qtbot, dialog, [edited, bad], monkeypatch)
    said = [text for kind, text in no_blocking_message_boxes if kind == "warning"]
    assert len(said) == 1 and f"«{edited.name}»" in said[0] and bad.name not in said[0]
    review = dialog.review_dialog
    assert review is not None and len(review.pages) == 1  # the other file goes on
    page = review.page
    assert page.review.errors and not review.apply_button.isEnabled()
    assert "Применить нельзя" in page.reason.text()
    refused = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    refused_group = next(g for g in refused if g.text(0).startswith("Отклонено"))
    assert "31.02.1990" in refused_group.child(0).text(0)
    assert table_rows(dialog) and {r[1] for r in table_rows(dialog)} == {"отправлен"}
    assert _digest(base) == before  # neither file changed anything

    assert review.record_button.isVisible() and review.record_button.isEnabled()
    qtbot.mouseClick(review.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.recorded is not None, timeout=60000)
    row = next(r for r in table_rows(dialog) if r[0] == second.org_name)
    assert row[1] == "возвращён" and row[3] and not row[4] and row[6] == str(len(
        page.review.errors))
    assert not review.record_button.isEnabled() and not review.apply_button.isEnabled()
    assert "отмечен в сборе" in page.reason.text()
    assert second.org_name not in dialog.copy_reminder()  # it did answer


def test_overdue_marked_in_words_and_colour(qtbot, database: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.exchange.rounds.write import start_round

    start_round(database, TODAY, tmp_path / "сбор", deadline=TODAY + timedelta(days=1),
                today=TODAY)
    late = CollectionDialog(database, today=lambda: TODAY + timedelta(days=2))
    qtbot.addWidget(late)
    rows = table_rows(late)
    assert rows and {r[1] for r in rows} == {OVERDUE}
    assert late.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == OVERDUE_BACKGROUND
    assert "просрочили" in late.summary.text()
    in_time = CollectionDialog(database, today=lambda: TODAY)
    qtbot.addWidget(in_time)
    assert {r[1] for r in table_rows(in_time)} == {"отправлен"}
    assert in_time.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def _digest(path: Path) -> list[Any]:
    """What every table holds, row by row."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return [(t, sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))))  # noqa: S608
                for t in tables if t != "alembic_version"]
    finally:
        con.close()


def test_start_dialog_checks_its_fields(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.collection.window import StartRoundDialog

    dialog = StartRoundDialog(TODAY)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: "")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # no folder, the chooser cancelled
    assert dialog.result() != dialog.DialogCode.Accepted and "папку" in dialog.error.text()
    assert dialog.on_edit.maximumDate().toPython() == TODAY  # no data of days to come
    dialog.folder_edit.setText("/tmp")
    dialog.deadline_edit.setDate(dialog.on_edit.date().addDays(-1))
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted and "раньше" in dialog.error.text()
    dialog.deadline_box.setChecked(False)
    assert dialog.deadline is None and not dialog.deadline_edit.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_read_only_database_starts_and_loads_nothing(qtbot, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.exchange.rounds.write import start_round

    db = open_database(base)
    try:
        start_round(db, TODAY, tmp_path / "сбор", today=TODAY)
    finally:
        db.dispose()
    db = open_database(base, read_only=True)
    try:
        view = CollectionDialog(db, today=lambda: TODAY)
        qtbot.addWidget(view)
        assert view.pages.currentIndex() == 1 and view.model.rowCount() > 1
        assert not view.start_button.isEnabled() and not view.load_button.isEnabled()
        assert "только для чтения" in view.load_button.toolTip()
        assert view.remind_button.isEnabled() and view.save_silent_button.isEnabled()
    finally:
        db.dispose()


def test_conflict_shows_both_values_unticked(qtbot, database: Database, base: Path,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    from desktop_app.exchange.rounds.preview import review_return
    from desktop_app.exchange.rounds.write import start_round
    from desktop_app.ui.collection.review import ReviewDialog

    sent = start_round(database, TODAY, tmp_path / "сбор", today=TODAY).files[0].path
    wb = openpyxl.load_workbook(sent)
    ws = wb[PEOPLE]
    header, at = columns(ws)
    ws.cell(header + 1, at["Должность"]).value = "заместитель директора"
    returned = tmp_path / "ответы" / sent.name
    returned.parent.mkdir()
    wb.save(returned)
    person_id = int(str(ws.cell(header + 1, at[CODE]).value).split("-")[1])
    con = sqlite3.connect(base)  # the centre changes the same field after sending
    with con:
        con.execute("UPDATE people SET position = 'методист' WHERE id = ?", (person_id,))
    con.close()

    dialog = ReviewDialog(database, [review_return(database, returned, today=TODAY)],
                          today=lambda: TODAY)
    qtbot.addWidget(dialog)
    page = dialog.page
    (conflict,) = page.review.changes
    assert conflict.conflict
    item = page.change_items[conflict.id]
    assert item.checkState(0) == Qt.CheckState.Unchecked and page.accepted() == []
    assert (item.text(2), item.text(3)) == ("в центре: методист", "в файле: заместитель директора")
    assert item.parent().text(0).startswith("Конфликты")
    assert dialog.apply_button.isEnabled()
