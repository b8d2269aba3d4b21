"""Test helpers: typing Cyrillic into widgets (qtbot.keyClicks aborts on non-ASCII)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Type any text into a widget, one key event per character."""
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def address(db: object) -> str:
    """What `--db` takes for a test's database: its file, or its server URL (password included,
    as a centre's seat would type it)."""
    path = getattr(db, "path", None)
    return str(path) if path is not None else str(db.url)


def only_copy(db: object) -> Path:
    """The one backup copy made of a test's database (a file's folder, or the server copies')."""
    from desktop_app.store.backup import backups_folder
    from desktop_app.store.server_backup import list_server_backups

    path = getattr(db, "path", None)
    if path is not None:
        (copy,) = backups_folder(path).glob("*.sqlite")
        return copy
    (info,) = list_server_backups(db.url)
    return Path(info.path)
