"""The main window offscreen on the municipality demo: title, tabs, people, search, models."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop_app import demo
from desktop_app.store.database import Database, open_database
from desktop_app.textutil import fold, ru_sort_key
from desktop_app.ui.common.table_model import RowsTableModel, text_key
from desktop_app.ui.common.widgets import ListPanel
from desktop_app.ui.main_window import MainWindow, install_translations
from tests.helpers import type_text


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("window")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        path = folder / "Заречный демо.sqlite"
        demo.write_demo(path, scale="municipality", seed=1)
    return path


@pytest.fixture
def database(demo_file: Path) -> Iterator[Database]:
    db = open_database(demo_file)
    yield db
    db.dispose()


@pytest.fixture
def window(qtbot, database: Database) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def people_counts(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        total = con.execute("SELECT count(*) FROM people").fetchone()[0]
        working = con.execute("SELECT count(*) FROM people WHERE is_active").fetchone()[0]
        return int(total), int(working)
    finally:
        con.close()


def test_title_names_the_file_and_tabs_are_the_four(window: MainWindow, demo_file: Path) -> None:
    assert demo_file.name in window.windowTitle()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Реестр", "Пары", "Диагностика", "Показатели"]


def test_people_list_shows_the_demo_people(window: MainWindow, demo_file: Path) -> None:
    total, working = people_counts(demo_file)
    model = window.registry_tab.people.model
    assert model.total_count() == total == 900
    # the list shows those still working; «показывать выбывших» adds those who left
    assert model.rowCount() == working
    window.registry_tab.f_left.setChecked(True)
    assert model.rowCount() == total
    names = {model.data(model.index(r, 0)) for r in range(model.rowCount())}
    assert any("ё" in name for name in names)


def test_search_finds_yo_surname_typed_with_e(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = window.registry_tab.people
    window.registry_tab.f_left.setChecked(True)
    model = panel.model
    with_yo = sorted(
        {
            model.row_values(r)[0].split()[0]
            for r in range(model.rowCount())
            if "ё" in model.row_values(r)[0].split()[0]
        }
    )
    surname = with_yo[0]
    expected = sum(1 for row in model.all_rows() if fold(row[0]).startswith(fold(surname) + " "))
    panel.search.setFocus()
    type_text(panel.search, surname.replace("ё", "е"))
    assert panel.search.text() == surname.replace("ё", "е")
    shown = [model.row_values(r)[0] for r in range(model.rowCount())]
    assert sum(1 for name in shown if name.split()[0] == surname) == expected >= 1
    panel.search.clear()
    type_text(panel.search, surname)
    assert [model.row_values(r)[0] for r in range(model.rowCount())] == shown
    assert f"Показано: {len(shown)} из 900" == panel.count.text()


def test_every_list_model_passes_the_model_tester(window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    wanted = {
        "registry people": window.registry_tab.people.model,
        "registry organisations": window.registry_tab.organisations.model,
        "pairs": window.pairs_tab.list.model,
        "diagnostics": window.diagnostics_tab.list.model,
    }
    indicators = window.indicators_tab.findChildren(RowsTableModel)
    assert indicators, "the «Показатели» tab has no list model"
    for number, model in enumerate(indicators):
        wanted[f"indicators {number}"] = model
    for name, model in wanted.items():
        assert model.rowCount() > 0 or name.startswith("indicators"), name
        qtmodeltester.check(model, force_py=True)


def test_lists_are_not_empty_placeholders(window: MainWindow) -> None:
    assert window.registry_tab.organisations.model.rowCount() == 30
    assert window.pairs_tab.list.model.rowCount() == 158  # 8 earlier pairs of two veterans
    assert window.diagnostics_tab.list.model.rowCount() > 300


def test_qt_russian_translation_loaded(qapp: QApplication) -> None:
    install_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Отмена"
    ok_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    ok = ok_box.button(QDialogButtonBox.StandardButton.Ok).text()
    assert ok == "ОК" and all("А" <= ch <= "я" for ch in ok)  # Cyrillic, not Latin «OK»


def test_columns_readable_after_first_load(window: MainWindow) -> None:
    for panel in window.findChildren(ListPanel):
        header = panel.table.horizontalHeader()
        if panel.model.rowCount() == 0 or not panel.isVisible():
            continue
        for column in range(panel.model.columnCount() - 1):
            title = panel.model.headerData(column, header.orientation())
            width = header.fontMetrics().horizontalAdvance(str(title).split()[0])
            assert header.sectionSize(column) >= min(width, 60), (title, header.sectionSize(column))


def test_fast_sort_key_orders_like_ru_sort_key() -> None:
    rng = random.Random(5)
    letters = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАЕЁЖЯ abcXYZ019-.,«»№\u00a0\t"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 9))) for _ in range(5000)]
    fast = sorted(words, key=text_key)
    assert [ru_sort_key(w) for w in fast] == sorted(ru_sort_key(w) for w in words)
    assert text_key("Фёдоров") > text_key("Федоров") and text_key("Фёдоров") < text_key("Фж")


def test_window_fits_a_laptop_screen(window: MainWindow) -> None:
    """1366×768 is the usual laptop: the registry's filters must not push the window wider."""
    assert window.minimumSizeHint().width() <= 1366
