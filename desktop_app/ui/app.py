"""Builds the QApplication and the main window (Qt is imported here and in ui/ only)."""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

from desktop_app import APP_NAME, paths
from desktop_app.store.engine import sqlite_path, url_for

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    from desktop_app.store.database import Database
    from desktop_app.ui.main_window import MainWindow

# Set to 1 by benchmarks/bench_startup.py: print when the window has painted and when it is
# ready for every action, then quit.
BENCH_EXIT_AFTER_SHOW = "METODAKTIV_BENCH_EXIT_AFTER_SHOW"
NOT_OPENED = "Ошибка: база данных не открыта."


def demo_database() -> Path:
    """The demo database in the data folder, written on first use."""
    path = paths.demo_db_path()
    if not path.exists():
        from desktop_app.demo import write_demo

        write_demo(path, scale="municipality", seed=1)
    return path


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window on --db, the demo, or the user's own database."""
    # the cyclic collector is held while the window is built: tens of thousands of rows are
    # made and nothing cyclic worth collecting (about a tenth of the start on the region file)
    gc.disable()
    bench_phase("python-and-cli")
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.main_window import install_translations

    # the application made before (by the tests) or a new one: a QApplication either way
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName(APP_NAME)
    install_translations(app)
    bench_phase("qt-and-ui-modules")
    db = open_start_database(args)
    if db is None:
        gc.enable()
        print(NOT_OPENED, file=sys.stderr)
        return 1
    bench_phase("database-opened")
    window = build_window(db)
    if window is None:
        gc.enable()
        print(NOT_OPENED, file=sys.stderr)
        return 1
    db = window.db
    bench_phase("window-built")
    install_error_hook(window)
    start_heartbeat(window)
    benchmark = os.environ.get(BENCH_EXIT_AFTER_SHOW) == "1"
    if benchmark and db.check is not None:
        db.check.when_done(lambda _sound: bench_phase("quick-check-done"))
    after_first_paint(window, lambda: after_paint(window, benchmark))
    window.show()
    window.follow_check()
    code = int(app.exec())
    if window.refused_damaged:  # the file failed its check and was not restored
        print(NOT_OPENED, file=sys.stderr)
        return 1
    return code


def start_target(args: argparse.Namespace) -> tuple[str, bool] | None:
    """The database the window opens and whether it is to be made new: the demo (written on
    first use), --db, or the user's own in the data folder. A file that does not exist yet is
    never created silently: the user chooses to create it, to open another, or to quit (None)."""
    if args.demo:
        return str(demo_database()), False
    target = str(args.db) if args.db else str(paths.default_db_path())
    path = sqlite_path(url_for(target))
    if path is None or path.exists():
        return target, False
    from desktop_app.ui.missing_database import ask_missing_database

    return ask_missing_database(path, given=bool(args.db),
                                can_create=not getattr(args, "read_only", False))


def open_start_database(args: argparse.Namespace) -> Database | None:
    """The database the window starts on (locked, its quick_check to run in a worker thread
    once the window has painted), or None when there is none to open."""
    from desktop_app.ui.opening import open_interactive

    chosen = start_target(args)
    if chosen is None:
        return None
    target, create = chosen
    return open_interactive(None, target, read_only=getattr(args, "read_only", False),
                            check_in_background=True, start_check=False, create=create)


def build_window(db: Database) -> MainWindow | None:
    """The main window on a database just opened. Its quick_check has not run yet: when the
    first lists cannot be read because the file is damaged, the check is run at once and, as
    for a damage found later, the file is closed unwritten and its latest good backup offered
    (the window is built on the restored file). None when nothing could be opened."""
    from desktop_app.ui.main_window import MainWindow

    try:
        return MainWindow(db, demo_database)
    except sqlite3.DatabaseError:
        if db.check is None or db.check.wait():
            raise  # not damage the check can see (a disk error): the unexpected-error path
    from desktop_app.ui.opening import after_background_check

    restored = after_background_check(None, db, False)
    return None if restored is None else MainWindow(restored, demo_database)


def after_paint(window: MainWindow, benchmark: bool) -> None:
    """The window is on screen: the file's quick_check starts, the rest of the program loads."""
    from PySide6.QtCore import QTimer

    if window.db.check is not None:
        window.db.check.start()
    QTimer.singleShot(0, lambda: warm_up(window, benchmark))
    QTimer.singleShot(0, window.offer_requisites)  # the settings while requisites are samples


def _load_sqlalchemy() -> None:
    import sqlalchemy.orm  # noqa: F401


def _load_models() -> None:
    from desktop_app.model import load_all

    load_all()


def _load_services(window: MainWindow) -> None:
    import desktop_app.services.registry  # noqa: F401

    _ = window.db.sessions  # the engine and the session factory


def warm_up(window: MainWindow, benchmark: bool = False) -> None:
    """Once the window has painted: load what its actions need (SQLAlchemy, the models and the
    registry's services, about a third of a second) in three steps, each in its own turn of
    the event loop so typing and clicks are answered in between; then set what was built at
    start-up aside from the cyclic collector's scans (gc.freeze) and let the collector run."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    steps: list[Callable[[], None]] = [_load_sqlalchemy, _load_models,
                                       lambda: _load_services(window)]

    def step() -> None:
        steps.pop(0)()
        if steps:
            QTimer.singleShot(0, step)
            return
        gc.freeze()
        gc.enable()
        bench_phase("ready")
        if benchmark:
            QApplication.quit()

    step()


def bench_phase(name: str) -> None:
    """For benchmarks/bench_startup.py: the wall-clock time a phase of the start ended."""
    if os.environ.get(BENCH_EXIT_AFTER_SHOW) == "1":
        import time

        print(f"phase {name} {time.time():.6f}", flush=True)


def after_first_paint(window: MainWindow, then: Callable[[], None]) -> None:
    """Call `then` once the window has painted for the first time (for the benchmark, the
    wall-clock time of that paint is printed first)."""
    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                bench_phase("first-paint")
                then()
            return False

    first_paint = FirstPaint(window)
    window.first_paint_filter = first_paint  # kept alive with the window
    window.installEventFilter(first_paint)


def show_unexpected_error(parent: QWidget | None, exc_type: type[BaseException],
                          exc: BaseException, tb: TracebackType | None) -> None:
    """Log the traceback and tell the user in Russian where the log is; the window lives on."""
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.logging_setup import log_unexpected, unexpected_message

    path = log_unexpected(exc_type, exc, tb)
    QMessageBox.critical(parent, APP_NAME, unexpected_message(path))


def install_error_hook(window: QWidget) -> None:
    """sys.excepthook for errors in the window's slots: message, log, and carry on."""
    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            show_unexpected_error(window, exc_type, exc, tb)
        except Exception:  # noqa: BLE001 - the hook itself must never fail
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook


def start_heartbeat(window: MainWindow) -> None:
    """Touch the database lock every minute so other copies see it is alive."""
    from PySide6.QtCore import QTimer

    from desktop_app.store.lock import HEARTBEAT_SECONDS

    def touch() -> None:
        if window.db.lock:
            window.db.lock.touch()

    timer = QTimer(window)
    timer.timeout.connect(touch)
    timer.start(HEARTBEAT_SECONDS * 1000)
