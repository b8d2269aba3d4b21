"""Excel in the window: a filtered list saved as shown, the import dialog and its buttons."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt

from desktop_app.exchange.importer import import_file
from desktop_app.model import Person
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel
from desktop_app.ui.import_dialog import ImportDialog
from tests.helpers import type_text
from tests.test_exchange_import import count
from tests.test_exchange_roundtrip import db_digest
from tests.test_import_bad_input import base, write  # noqa: F401  (fixture)

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def test_list_exports_as_filtered(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = ListPanel([Column("ФИО"), Column("Дата рождения"), Column("Стаж")])
    qtbot.addWidget(panel)
    panel.set_rows([("Ёлкина Анна", date(1980, 1, 2), 12, 1), ("Елисеев Олег", None, 3, 2),
                    ("Петров Пётр", date(1975, 5, 6), 20, 3), ("=1+1 Смирнов", None, 1, 4)])
    type_text(panel.search, "ел")
    assert panel.model.rowCount() == 2
    out = panel.export_excel(tmp_path / "list.xlsx")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("ФИО", "Дата рождения", "Стаж")
    assert {r[0] for r in rows[1:]} == {"Елисеев Олег", "Ёлкина Анна"} and len(rows) == 3
    elkina = next(r for r in rows if r[0] == "Ёлкина Анна")
    assert elkina[1].date() == date(1980, 1, 2) and elkina[2] == 12
    panel.search.clear()
    out = panel.export_excel(tmp_path / "all.xlsx")
    ws = openpyxl.load_workbook(out).active
    shown = [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]
    assert [c.value for c in ws["A"]][1:] == shown and ws.max_row == 5
    formula_like = next(c for c in ws["A"] if c.value == "=1+1 Смирнов")
    assert formula_like.data_type == "s"
    panel.table.setColumnHidden(1, True)  # a column the list hides is not written
    rows = list(openpyxl.load_workbook(panel.export_excel(tmp_path / "shown.xlsx")).active
                .iter_rows(values_only=True))
    assert rows[0] == ("ФИО", "Стаж") and ("Петров Пётр", 20) in rows and len(rows) == 5
    assert panel.excel_button.text() == "Excel"


def _people_file(tmp_path: Path, bad: bool) -> Path:
    rows = [["Фамилия", "Имя", "Дата рождения", "ОО"],
            ["Новиков", "Ян", "02.03.1990", "МБОУ СОШ № 1"]]
    if bad:
        rows.append(["Зайцев", "Лев", "31.02.1990", "МБОУ СОШ № 1"])
    return write(tmp_path / ("bad.xlsx" if bad else "good.xlsx"), rows)


def test_dialog_with_refused_rows(qtbot, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from desktop_app.store.database import open_database

    db = open_database(base)
    try:
        path = _people_file(tmp_path, bad=True)
        before = db_digest(base)
        dialog = ImportDialog(db, path, import_file(db, path, dry_run=True))
        qtbot.addWidget(dialog)
        assert db_digest(base) == before
        assert not dialog.import_all.isEnabled() and dialog.import_valid.isEnabled()
        model = dialog.refused.model
        assert model.rowCount() == 1
        assert [model.index(0, c).data() for c in range(4)] == ["Sheet", "3", "C (Дата рождения)",
                                                               "31.02.1990"]
        report = dialog.save_report_to(tmp_path / "report.xlsx")
        assert report is not None and "Отказы" in openpyxl.load_workbook(report).sheetnames
        dialog.grab().save(str(tmp_path / "dialog.png"))
        with qtbot.waitSignal(dialog.accepted, timeout=20000):  # the import runs in a worker
            qtbot.mouseClick(dialog.import_valid, Qt.MouseButton.LeftButton)
        assert dialog.result is not None and dialog.result.applied
    finally:
        db.dispose()
    assert count(base, Person) == 2


def test_dialog_import_all(qtbot, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from desktop_app.store.database import open_database

    db = open_database(base)
    try:
        path = _people_file(tmp_path, bad=False)
        dialog = ImportDialog(db, path, import_file(db, path, dry_run=True))
        qtbot.addWidget(dialog)
        assert dialog.import_all.isEnabled() and not dialog.import_valid.isEnabled()
        assert dialog.actions.model.rowCount() == 1
        with qtbot.waitSignal(dialog.accepted, timeout=20000):  # the import runs in a worker
            qtbot.mouseClick(dialog.import_all, Qt.MouseButton.LeftButton)
        assert dialog.result is not None and dialog.result.applied
    finally:
        db.dispose()
    assert count(base, Person) == 2


def test_menu_has_the_excel_actions(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    texts = [a.text() for a in window.file_menu.actions()]
    for wanted in ("Бланк для ОО…", "Импорт из Excel…", "Экспорт всей базы в Excel…"):
        assert wanted in texts


def test_merge_preview_counts_matched_rows_and_shows_rows_read(
        qtbot, base: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The database's own book merged back: every row matches; the tab says so in numbers, and
    the progress dialog counts rows («N из M») while the file is read."""
    from desktop_app.cli import main
    from desktop_app.exchange.result import MATCHED, SKIPPED
    from desktop_app.store.database import open_database
    from desktop_app.ui import import_dialog
    from desktop_app.ui.common.operations import Operation

    book = tmp_path / "book.xlsx"
    assert main(["--db", str(base), "export", "--out", str(book)]) == 0
    shown: list[str] = []
    original = Operation._on_progress

    def recording(self: Operation, done: int, total: int, label: str) -> None:  # type: ignore[type-arg]
        original(self, done, total, label)
        shown.append(self.dialog.labelText())

    monkeypatch.setattr(Operation, "_on_progress", recording)
    db = open_database(base)
    try:
        previews: list[Any] = []
        operation = import_dialog.preview_file(db, book, None, previews.append)
        qtbot.waitUntil(lambda: operation.done, timeout=20000)
        preview = previews[0]
        dialog = ImportDialog(db, book, preview)
        qtbot.addWidget(dialog)
    finally:
        db.dispose()
    counts = preview.counts()
    assert counts[MATCHED] > 100 and counts[SKIPPED] > 0 and preview.added == 0
    matched = f"{counts[MATCHED]:,}".replace(",", "\u00a0")
    assert dialog.tabs.tabText(1) == (f"Строки файла: добавить — 0, изменить — 0, совпадает — "
                                      f"{matched}, пропустить — {counts[SKIPPED]}")
    assert not dialog.import_all.isEnabled()
    rows = sum(counts.values())
    assert any(f"из {rows}" in text and text.startswith(f"Проверка файла «{book.name}»: лист")
               for text in shown), shown[:5]
    assert shown[-1].endswith(f"запись в базу\n{rows} из {rows}")


def test_preview_lists_rows_in_file_order_sorts_and_searches(
        qtbot, base: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The rows of a whole book are shown as the file has them (no sort indicator); a click on
    «Лист» sorts the sheets in Russian order with each sheet's rows still in file order; the
    search finds a sheet's name and an action, and typing on only narrows."""
    from desktop_app.cli import main
    from desktop_app.exchange.result import MATCHED, SKIPPED
    from desktop_app.store.database import open_database
    from desktop_app.textutil import ru_sort_key

    book = tmp_path / "book.xlsx"
    assert main(["--db", str(base), "export", "--out", str(book)]) == 0
    db = open_database(base)
    try:
        preview = import_file(db, book, dry_run=True)
        dialog = ImportDialog(db, book, preview)
        qtbot.addWidget(dialog)
    finally:
        db.dispose()
    panel, model = dialog.actions, dialog.actions.model
    expected = [(a.sheet, str(a.row), a.action, a.what)
                for s in preview.sheets for a in s.actions]
    assert len({sheet for sheet, *_ in expected}) > 5

    def shown() -> list[tuple[str, ...]]:
        return [tuple(model.index(r, c).data() for c in range(4))
                for r in range(model.rowCount())]

    assert shown() == expected
    assert panel.table.horizontalHeader().sortIndicatorSection() == -1
    assert panel.count.text() == f"Показано: {len(expected)} из {len(expected)}"
    header = panel.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_center(header, 0))
    by_sheet = sorted(expected, key=lambda r: ru_sort_key(r[0]))  # stable: file order kept
    assert by_sheet != expected
    assert shown() == by_sheet
    model.sort(1, Qt.SortOrder.DescendingOrder)
    numbers = [int(r[1]) for r in shown()]
    assert numbers == sorted(numbers, reverse=True)
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert [r[2] for r in shown()] == sorted((r[2] for r in expected), key=ru_sort_key)
    model.sort(-1)
    assert shown() == expected

    sheet = next(s for s, *_ in expected if s.startswith("Педагог"))
    type_text(panel.search, sheet.lower())
    assert shown() == [r for r in expected if r[0] == sheet]
    saved = panel.export_excel(tmp_path / "rows.xlsx")  # the rows as shown, read from the source
    assert saved is not None
    written = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert written[0] == ("Лист", "Строка", "Действие", "Что")
    assert [(a, str(b), c, d or "") for a, b, c, d in written[1:]] == shown()
    panel.search.clear()
    type_text(panel.search, f"{sheet} {SKIPPED}")  # the sheet and the action, across columns
    assert shown() == [r for r in expected if r[0] == sheet and r[2] == SKIPPED]
    panel.search.clear()
    type_text(panel.search, MATCHED[:4])
    assert shown() == [r for r in expected if MATCHED[:4] in r[2]]
    panel.search.clear()
    type_text(panel.search, "нет такого")
    assert model.rowCount() == 0 and panel.count.text() == f"Показано: 0 из {len(expected)}"


def _section_center(header: Any, section: int) -> Any:
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2,
                  header.height() // 2)
