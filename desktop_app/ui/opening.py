"""Opening a database in the window: locked for writing, a copy open elsewhere offered
read-only, a damaged one restored from its latest good backup, the daily backup made.

Imported at the window's start: the backups' modules are loaded only when a backup is made or
restored."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app import APP_NAME
from desktop_app.store.database import (
    Database,
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseRefused,
    open_database,
)
from desktop_app.store.lock import DatabaseBusy, network_warning

log = logging.getLogger(__name__)


def ask(parent: QWidget | None, text: str) -> bool:
    """A question with «Да» / «Нет», «Нет» by default."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    return QMessageBox.question(parent, APP_NAME, text, yes | no, no) == yes


def open_interactive(parent: QWidget | None, target: str | Path, read_only: bool = False,
                     check_in_background: bool = False,
                     start_check: bool = True, create: bool = True) -> Database | None:
    """Open a database for the window: locked for writing; a copy open elsewhere may be opened
    read-only; a damaged one may be restored from its latest good backup. None when refused.

    create: a missing file is made (File → «Создать базу…», the start's «Создать новую базу»);
    without it a missing file is refused with a message. The window's start never creates
    silently: it asks first (ui/missing_database.py).
    With check_in_background=True (the window's start) the file's quick_check may still be
    running in a worker thread (db.check): the caller finishes with after_background_check()."""
    try:
        db = open_database(target, create=create, read_only=read_only, lock=not read_only,
                           check_in_background=check_in_background, start_check=start_check)
    except DatabaseBusy as busy:
        if not ask(parent, f"{busy}\n\nОткрыть базу только для чтения?"):
            return None
        return open_interactive(parent, target, read_only=True,
                                check_in_background=check_in_background,
                                start_check=start_check, create=create)
    except DatabaseDamaged as damaged:
        return _offer_restore(parent, damaged, read_only)
    except DatabaseMissing as exc:  # an empty database at a URL, or a file gone meanwhile
        QMessageBox.critical(parent, APP_NAME, f"{exc} Новая база создаётся командой "
                                               "metodaktiv --db ФАЙЛ init.")
        return None
    except DatabaseRefused as exc:
        QMessageBox.critical(parent, APP_NAME, str(exc))
        return None
    if db.check is None:
        _after_open(parent, db)
    return db


def after_background_check(parent: QWidget | None, db: Database, sound: bool) -> Database | None:
    """The end of open_interactive once the background quick_check is over: the network
    warning and the daily backup when the file passed; when it failed, the file is closed
    without a write and its latest good backup offered. The database to go on with, or None."""
    if sound:
        _after_open(parent, db)
        return db
    db.dispose()
    assert db.path is not None
    from desktop_app.store.backups import latest_good_backup

    return _offer_restore(parent, DatabaseDamaged(db.path, latest_good_backup(db.path)),
                          db.read_only)


def _offer_restore(parent: QWidget | None, damaged: DatabaseDamaged,
                   read_only: bool) -> Database | None:
    from desktop_app.store.backup import BackupError
    from desktop_app.store.backups import restore

    if damaged.backup is None:
        QMessageBox.critical(parent, APP_NAME, str(damaged))
        return None
    if not ask(parent, f"{damaged}\n\nВосстановить базу из этой копии? Повреждённый файл "
                        "будет сохранён в папке резервных копий."):
        return None
    try:
        restore(damaged.path, damaged.backup)
    except (BackupError, DatabaseRefused) as exc:
        QMessageBox.critical(parent, APP_NAME, str(exc))
        return None
    return open_interactive(parent, damaged.path, read_only)


def _after_open(parent: QWidget | None, db: Database) -> None:
    """Network-share warning and the day's automatic backup."""
    from desktop_app.store.backup import BackupError
    from desktop_app.store.backups import daily_backup

    if db.path is None:
        return
    warning = network_warning(db.path)
    if warning:
        QMessageBox.warning(parent, APP_NAME, warning)
    try:
        made = daily_backup(db)
    except BackupError as exc:
        QMessageBox.warning(parent, APP_NAME, f"Ежедневная резервная копия не сделана: {exc}")
        return
    if made is not None:
        log.info("daily backup made")
