"""The window's start without a database file: «Базы данных ещё нет» asks — «Создать новую базу»
makes it where it was looked for and opens it, «Открыть…» opens an existing file, «Выход» quits;
nothing is created silently. Modal calls are replaced by clicks on the real dialog."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from desktop_app import paths
from desktop_app.store.database import head_revision, open_database
from desktop_app.ui import app as ui_app
from desktop_app.ui.missing_database import TITLE, MissingDatabaseDialog


def args(db: Path | None = None, read_only: bool = False) -> argparse.Namespace:
    return argparse.Namespace(db=str(db) if db else None, demo=False, read_only=read_only,
                              selftest=False, command=None, func=None)


@pytest.fixture
def shown(qtbot, monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[MissingDatabaseDialog]]:  # type: ignore[no-untyped-def]
    """Make the dialog's exec() click the named buttons in turn instead of waiting; returns the
    dialogs shown."""
    dialogs: list[MissingDatabaseDialog] = []

    def answer(*buttons: str) -> list[MissingDatabaseDialog]:
        def exec_(self: MissingDatabaseDialog) -> int:
            qtbot.addWidget(self)
            self.show()
            dialogs.append(self)
            for name in buttons:
                button: QPushButton = getattr(self, name)
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return int(self.result())

        monkeypatch.setattr(MissingDatabaseDialog, "exec", exec_)
        return dialogs

    return answer


def revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


def test_create_makes_the_default_database_and_opens_it(qtbot, shown, answers) -> None:  # type: ignore[no-untyped-def]
    default = paths.default_db_path()
    assert not default.exists()
    dialogs = shown("create_button")
    db = ui_app.open_start_database(args())
    assert db is not None
    try:
        (dialog,) = dialogs
        assert dialog.windowTitle().startswith(TITLE)
        assert str(default) in dialog.text.text()
        assert dialog.create_button.isVisibleTo(dialog) and dialog.create_button.isDefault()
        assert db.path == default and default.exists()
        assert revision(default) == head_revision()
        window = ui_app.build_window(db)
        qtbot.addWidget(window)
        assert window.db.path == default
    finally:
        db.dispose()


def test_open_takes_an_existing_file_and_creates_nothing(
        qtbot, shown, monkeypatch, tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    existing = tmp_path / "наша.sqlite"
    open_database(existing).dispose()
    asked: list[str] = []

    def choose(*call: object) -> tuple[str, str]:
        asked.append(str(call[1]))
        return str(existing), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    shown("open_button")
    db = ui_app.open_start_database(args())
    assert db is not None
    try:
        assert db.path == existing and asked == ["Открыть базу"]
        assert not paths.default_db_path().exists()
    finally:
        db.dispose()


def test_cancelled_file_dialog_leaves_the_choice_then_exit_quits(
        qtbot, shown, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_call: ("", ""))
    dialogs = shown("open_button", "quit_button")
    assert ui_app.run_gui(args()) == 1
    assert dialogs[0].chosen is None
    assert "база данных не открыта" in capsys.readouterr().err
    assert not any(p.name.startswith("metodaktiv.sqlite") for p in paths.data_dir().iterdir())
    assert not (paths.data_dir() / "backups").exists() or \
        not any((paths.data_dir() / "backups").iterdir())


def test_missing_db_path_is_named_and_created_there_only_when_asked(
        qtbot, shown, tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    mistyped = tmp_path / "опечатка.sqlite"
    dialogs = shown("quit_button")
    assert ui_app.open_start_database(args(mistyped)) is None
    (dialog,) = dialogs
    assert f"Файла базы данных «{mistyped}», указанного в --db, нет" in dialog.text.text()
    assert dialog.open_button.isDefault() and not dialog.create_button.isDefault()
    assert not mistyped.exists()
    shown("create_button")
    db = ui_app.open_start_database(args(mistyped))
    assert db is not None
    try:
        assert db.path == mistyped and revision(mistyped) == head_revision()
        assert not paths.default_db_path().exists()
    finally:
        db.dispose()


def test_read_only_start_offers_no_creation(qtbot, shown, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs = shown("quit_button")
    assert ui_app.open_start_database(args(tmp_path / "нет.sqlite", read_only=True)) is None
    assert not dialogs[0].create_button.isVisibleTo(dialogs[0])
    assert "Создать новую базу" not in dialogs[0].text.text()


def test_an_existing_database_opens_without_the_dialog(qtbot, shown, answers) -> None:  # type: ignore[no-untyped-def]
    open_database(paths.default_db_path()).dispose()
    dialogs = shown("quit_button")
    db = ui_app.open_start_database(args())
    assert db is not None and dialogs == []
    db.dispose()
