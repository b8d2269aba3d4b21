"""Builds the QApplication and the main window (Qt is imported here and in ui/ only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app import APP_NAME, paths


def demo_database() -> Path:
    """The demo database in the data folder, written on first use."""
    path = paths.demo_db_path()
    if not path.exists():
        from desktop_app.demo import write_demo

        write_demo(path, scale="municipality", seed=1)
    return path


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window on --db, the demo, or the user's own database."""
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.main_window import MainWindow, install_translations, show_refusal
    from desktop_app.store.database import DatabaseRefused, open_database

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    install_translations(app)
    target = str(demo_database()) if args.demo else (args.db or str(paths.default_db_path()))
    try:
        db = open_database(target, create=True, read_only=getattr(args, "read_only", False))
    except DatabaseRefused as exc:
        show_refusal(str(exc))
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
    window = MainWindow(db)
    window.show()
    return int(app.exec())
