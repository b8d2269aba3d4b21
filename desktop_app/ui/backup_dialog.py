"""Backups and restore in the window (opening a database safely is in opening.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.store.backup import BackupError, backups_folder
from desktop_app.store.backups import BackupInfo, backup_now, list_backups, restore
from desktop_app.store.database import Database, DatabaseRefused
from desktop_app.store.engine import hide_password, sqlite_path, url_for
from desktop_app.store.server_backup import (
    list_server_backups,
    restore_server,
    server_backups_folder,
)
from desktop_app.ui.opening import ask

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

BACKUP_FILTER = "Резервная копия Методактива (*.sqlite *.db);;Все файлы (*)"
SERVER_FILTER = "Копия базы на сервере (*.dump);;Все файлы (*)"


def make_backup(parent: QWidget | None, db: Database, folder: str | None = None) -> Path | None:
    """«Создать резервную копию…»: into the database's backups folder (rotated) or a folder
    chosen by hand."""
    if db.path is None and not db.url.startswith("postgresql"):
        QMessageBox.warning(parent, APP_NAME, "Резервная копия возможна для базы в файле SQLite "
                                              "и для базы на сервере PostgreSQL.")
        return None
    # a database on a server is copied with pg_dump into the data folder's backups/
    own_folder = backups_folder(db.path) if db.path is not None else server_backups_folder()
    if folder is None:
        start = own_folder if own_folder.is_dir() else own_folder.parent
        folder = QFileDialog.getExistingDirectory(parent, "Папка для резервной копии", str(start))
    if not folder:
        return None
    chosen = Path(folder).resolve()
    own = chosen == own_folder.resolve()
    try:
        dest = backup_now(db, "manual", folder=None if own else chosen)
    except BackupError as exc:
        QMessageBox.critical(parent, APP_NAME, str(exc))
        return None
    QMessageBox.information(parent, APP_NAME, f"Резервная копия сохранена и проверена:\n{dest}")
    return dest


class RestoreDialog(QDialog):
    """The backups of the open database, newest first, and «Другой файл…»."""

    def __init__(self, db_path: Path | None, parent: QWidget | None = None,
                 url: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Восстановить из резервной копии")
        self.chosen: Path | None = None
        if db_path is not None:
            self.folder = backups_folder(db_path)
            self.backups = list_backups(db_path)
            self.filter = BACKUP_FILTER
        else:  # a database on a server: its pg_dump copies
            assert url is not None
            self.folder = server_backups_folder()
            self.backups = list_server_backups(url)
            self.filter = SERVER_FILTER
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "Выберите копию. Текущее состояние базы будет сохранено перед восстановлением.\n"
            f"Копии этой базы из папки «{self.folder}»."))
        self.table = self._table(self.backups)
        layout.addWidget(self.table)
        other = QPushButton("Другой файл…", self)
        other.clicked.connect(self._choose_file)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Восстановить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self._accept_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def _table(self, backups: list[BackupInfo]) -> QTableWidget:
        table = QTableWidget(len(backups), 4, self)
        table.setHorizontalHeaderLabels(["Дата и время", "Причина", "Размер", "Файл"])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        for row, info in enumerate(backups):
            size = f"{info.size / 1024 / 1024:.1f}".replace(".", ",") + " МБ"
            cells = [f"{info.made_at:%d.%m.%Y %H:%M:%S}", info.reason_label, size, info.path.name]
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        if backups:
            table.selectRow(0)
        table.doubleClicked.connect(self._accept_selected)
        return table

    def _accept_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen = self.backups[rows[0].row()].path
            self.accept()

    def _choose_file(self) -> None:
        start = str(self.folder) if self.folder.is_dir() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Файл резервной копии", start, self.filter)
        if path:
            self.chosen = Path(path)
            self.accept()


def restore_into_window(window: MainWindow, source: Path | None = None) -> bool:
    """«Восстановить из копии…»: choose, confirm, back up the current state, replace, reopen."""
    db = window.db
    if db.path is None and db.url.startswith("postgresql"):
        return _restore_server_in_window(window, source)
    target = db.path or sqlite_path(url_for(db.url))
    if target is None or db.read_only:
        QMessageBox.warning(window, APP_NAME, "Восстановить можно только базу, открытую для "
                                              "записи в файле SQLite.")
        return False
    if source is None:
        dialog = RestoreDialog(target, window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return False
        source = dialog.chosen
        if not ask(window, f"Заменить базу «{target.name}» копией «{source.name}»?"):
            return False
    return _replace_and_reopen(window, source, target, lambda: restore(target, source).previous)


def _restore_server_in_window(window: MainWindow, source: Path | None) -> bool:
    """The database on a server replaced by a pg_dump copy (checked before and after; the state
    it replaces copied first), then reopened in the window."""
    db = window.db
    url = db.url
    if db.read_only:
        QMessageBox.warning(window, APP_NAME, "База открыта только для чтения: восстановить её "
                                              "нельзя.")
        return False
    if source is None:
        dialog = RestoreDialog(None, window, url=url)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return False
        source = dialog.chosen
        if not ask(window, f"Заменить базу на сервере «{hide_password(url)}» копией "
                           f"«{source.name}»? Другие рабочие места увидят восстановленную базу."):
            return False
    return _replace_and_reopen(window, source, url,
                               lambda: restore_server(url, source).previous)


def _replace_and_reopen(window: MainWindow, source: Path, target: str | Path,
                        replace: Callable[[], Path | None]) -> bool:
    """Close the window's database, replace it by the copy (replace() returns where the state
    it replaced was saved), reopen it — also when refused — and say how it went."""
    window.db.dispose()
    try:
        previous = replace()
    except (BackupError, DatabaseRefused) as exc:
        QMessageBox.critical(window, APP_NAME, str(exc))
        window.switch_to(target)
        return False
    window.switch_to(target)
    where = f"\nПрежнее состояние сохранено: {previous}" if previous else ""
    QMessageBox.information(window, APP_NAME, f"База восстановлена из «{source.name}».{where}")
    return True
