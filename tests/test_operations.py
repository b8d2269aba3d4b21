"""Long work off the GUI thread: the helper, the Excel import and export, documents."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from desktop_app.exchange.workbook import INFO_SHEET
from desktop_app.model import Person
from desktop_app.store.backups import parse_name
from desktop_app.ui import import_dialog
from desktop_app.ui.common.operations import Progress, refusals, run_in_background
from tests.test_exchange_import import count
from tests.test_exchange_roundtrip import db_digest
from tests.test_import_bad_input import HEADER, base, write  # noqa: F401  (fixture)


def finish(qtbot, op, timeout: int = 60000):  # type: ignore[no-untyped-def]
    """Wait until the operation's callbacks have run."""
    assert op is not None
    if not op.done:
        with qtbot.waitSignal(op.finished, timeout=timeout):
            pass
    return op


def test_work_in_a_worker_callbacks_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    gui = QThread.currentThread()
    seen: dict[str, object] = {}
    release = threading.Event()

    def work(progress: Progress) -> int:
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        for i in range(1, 41):
            progress(i, 40, "Считаем строки")
            time.sleep(0.002)
        release.wait(10)
        return 40

    op = run_in_background(parent, "Подсчёт…", work,
                           lambda n: seen.update(result=n, gui=QThread.currentThread() is gui))
    qtbot.waitUntil(lambda: op.dialog.isVisible() and op.dialog.maximum() == 40)
    qtbot.waitUntil(lambda: op.dialog.value() == 40)
    assert "40 из 40" in op.dialog.labelText() and "Считаем строки" in op.dialog.labelText()
    assert op.dialog.isModal() and not op.done
    release.set()
    finish(qtbot, op)
    assert seen == {"worker": True, "result": 40, "gui": True}
    assert op.succeeded and op.result == 40


def test_busy_indicator_without_a_count(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    op = run_in_background(None, "Подождите…", lambda _p: release.wait(10))
    qtbot.waitUntil(op.dialog.isVisible)
    assert (op.dialog.minimum(), op.dialog.maximum()) == (0, 0)  # a busy indicator
    assert op.dialog.labelText() == "Подождите…"
    release.set()
    finish(qtbot, op)
    assert not any(isinstance(w, QProgressDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())


def test_unexpected_failure_is_told_in_russian(qtbot, no_blocking_message_boxes,  # type: ignore[no-untyped-def]
                                               data_home: Path) -> None:
    def work(_p: Progress) -> None:
        raise RuntimeError("boom")

    op = finish(qtbot, run_in_background(None, "Работа…", work, lambda _r: None))
    assert isinstance(op.error, RuntimeError) and not op.succeeded
    (kind, text), = no_blocking_message_boxes
    assert kind == "critical" and "непредвиденная ошибка" in text
    assert str(data_home / "logs") in text


def test_expected_failure_shows_its_own_text(qtbot, no_blocking_message_boxes) -> None:  # type: ignore[no-untyped-def]
    def work(_p: Progress) -> None:
        raise ValueError("Файл не принят: строка 3.")

    finish(qtbot, run_in_background(None, "Работа…", work, None, refusals(ValueError)))
    assert no_blocking_message_boxes == [("critical", "Файл не принят: строка 3.")]


LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def people_rows(n: int) -> list[list[object]]:
    """n different people: surnames are letters only (the form refuses digits in a name)."""
    rows: list[list[object]] = [HEADER]
    for i in range(n):
        tail = "".join(LETTERS[i // 28 ** k % 28] for k in range(3))
        rows.append([f"Тест{tail}", "Анна", "Ивановна", f"{1 + i % 28:02d}.03.{1960 + i % 30}",
                     "МБОУ СОШ № 1", "учитель", 2015])
    return rows


@pytest.fixture
def window(qtbot, base: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    from desktop_app.store.database import open_database
    from desktop_app.ui.main_window import MainWindow

    db = open_database(base, lock=True)
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def test_import_through_the_window_keeps_it_responsive(  # type: ignore[no-untyped-def]
        qtbot, window, base: Path, tmp_path: Path, no_blocking_message_boxes,  # noqa: F811
        monkeypatch) -> None:
    """The worker waits until the window's own timer has ticked three times while the file is
    being read (and again while it is written): a frozen window would never tick, and the work
    would give up, so the test does not depend on how fast the machine reads the file."""
    path = write(tmp_path / "people.xlsx", people_rows(1500))
    ticks: list[bool] = []
    ticked = threading.Event()
    real_import = import_dialog.import_file

    def import_when_ticked(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not ticked.wait(timeout=30):
            raise TimeoutError("the window did not tick while the work ran")
        return real_import(*args, **kwargs)

    def tick() -> None:
        ticks.append(current[0].done)
        if ticks.count(False) >= 3:
            ticked.set()

    monkeypatch.setattr(import_dialog, "import_file", import_when_ticked)
    op = import_dialog.choose_and_import(window, path)
    assert op is not None
    current = [op]
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    finish(qtbot, op)
    assert op.succeeded, "the window froze while the file was read"
    dialog = window.import_dialog
    assert dialog.preview.added == 1500 and dialog.import_all.isEnabled()
    ticks.clear()
    ticked.clear()
    running = current[0] = dialog.run_import(valid_only=False)
    finish(qtbot, running)
    timer.stop()
    assert running.succeeded, "the window froze during the import"
    assert dialog.result is not None and dialog.result.applied
    assert window.registry_tab.people.model.total_count() == 1501  # the tabs were reloaded
    assert count(base, Person) == 1501
    assert no_blocking_message_boxes[-1][0] == "information"
    assert "добавлено 1500" in no_blocking_message_boxes[-1][1]
    backup = dialog.result.backup
    assert backup is not None and parse_name(backup)[2] == "before-import"  # type: ignore[index]


def test_refused_file_is_told_and_nothing_changes(  # type: ignore[no-untyped-def]
        qtbot, window, base: Path, tmp_path: Path, no_blocking_message_boxes) -> None:  # noqa: F811
    bad = tmp_path / "x.xlsx"
    bad.write_text("просто текст", encoding="utf-8")
    before = db_digest(base)
    op = finish(qtbot, import_dialog.choose_and_import(window, bad))
    assert not op.succeeded and not hasattr(window, "import_dialog")
    (kind, text), = no_blocking_message_boxes
    assert kind == "critical" and "не книга Excel" in text
    assert db_digest(base) == before


def test_export_in_the_background(qtbot, window, tmp_path: Path,  # type: ignore[no-untyped-def]
                                  no_blocking_message_boxes) -> None:
    out = tmp_path / "обмен.xlsx"
    op = finish(qtbot, import_dialog.export_database(window, out))
    assert op.succeeded and "Книга обмена сохранена" in window.statusBar().currentMessage()
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[0] == INFO_SHEET and len(book.sheetnames) > 10
    book.close()
    occupied = tmp_path / "папка.xlsx"  # a folder where the file should go
    occupied.mkdir()
    op = finish(qtbot, import_dialog.export_database(window, occupied))
    assert not op.succeeded
    (kind, text), = no_blocking_message_boxes
    assert kind == "critical" and "Не удалось записать файл" in text
