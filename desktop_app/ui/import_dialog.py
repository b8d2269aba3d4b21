"""Excel in the window: the import dialog with its preview, blank forms, the whole-base export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.kinds import KIND_CODES, KIND_TITLES
from desktop_app.exchange.report import save_report
from desktop_app.exchange.result import ImportResult
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.database import Database
from desktop_app.ui.table_model import Column
from desktop_app.ui.widgets import ListPanel

XLSX_FILTER = "Книга Excel (*.xlsx)"
REFUSAL_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Столбец"),
                   Column("Значение"), Column("Причина")]
ACTION_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Действие"),
                  Column("Что")]


class _Busy:
    """A wait cursor while the file is read (the work is in one quick pass)."""

    def __enter__(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *_exc: Any) -> None:
        QApplication.restoreOverrideCursor()


class ImportDialog(QDialog):
    """What the file would add, change and refuse; import all, only the valid rows, or cancel."""

    def __init__(self, db: Database, path: Path, preview: ImportResult,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.path, self.preview = db, path, preview
        self.result: ImportResult | None = None
        self.setWindowTitle(f"Импорт из Excel — {path.name}")
        self.resize(980, 560)
        self.summary = QLabel(preview.summary(), self)
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.refused = ListPanel(REFUSAL_COLUMNS, search_columns=(0, 2, 3, 4), parent=self)
        self.refused.set_rows([(e.sheet, e.row, e.column, e.value, e.reason, i)
                               for i, e in enumerate(preview.errors)])
        self.actions = ListPanel(ACTION_COLUMNS, search_columns=(2, 3), parent=self)
        self.actions.set_rows([(a.sheet, a.row, a.action, a.what, i) for i, a in enumerate(
            a for s in preview.sheets for a in s.actions)])
        self.tabs.addTab(self.refused, f"Отклонено ({len(preview.errors)})")
        self.tabs.addTab(self.actions, f"Будет добавлено и изменено ({preview.added} + "
                                       f"{preview.changed})")
        if not preview.errors:
            self.tabs.setCurrentIndex(1)
        self.import_all = QPushButton("Импортировать всё", self)
        self.import_valid = QPushButton("Импортировать только верные строки", self)
        self.save = QPushButton("Сохранить отчёт…", self)
        self.cancel = QPushButton("Отмена", self)
        has_work = bool(preview.added or preview.changed)
        self.import_all.setEnabled(not preview.errors and has_work)
        self.import_valid.setEnabled(not preview.fatal and bool(preview.errors) and has_work)
        self.import_all.clicked.connect(lambda: self.run_import(valid_only=False))
        self.import_valid.clicked.connect(lambda: self.run_import(valid_only=True))
        self.save.clicked.connect(lambda: self.save_report_to(None))
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.import_all, self.import_valid, self.save):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def run_import(self, valid_only: bool) -> None:
        try:
            with _Busy():
                self.result = import_file(self.db, self.path, valid_only=valid_only)
        except ExchangeError as exc:
            QMessageBox.critical(self, APP_NAME, str(exc))
            return
        if self.result.applied:
            self.accept()
        else:
            QMessageBox.warning(self, APP_NAME, self.result.summary())

    def save_report_to(self, target: Path | None) -> Path | None:
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Сохранить отчёт", str(self.path.with_name(self.path.stem + "-отчёт.xlsx")),
                XLSX_FILTER)
            if not name:
                return None
            target = Path(name)
        with _Busy():
            save_report(self.preview, target)
        return target


def preview_file(db: Database, path: Path, parent: QWidget | None) -> ImportResult | None:
    """A dry run of the file, or None after showing why the file is refused as a whole."""
    try:
        with _Busy():
            return import_file(db, path, dry_run=True)
    except ExchangeError as exc:
        QMessageBox.critical(parent, APP_NAME, str(exc))
        return None


def choose_and_import(window: Any) -> None:
    """Файл → Импорт из Excel…: choose, preview, import, then reload the tabs."""
    name, _ = QFileDialog.getOpenFileName(window, "Импорт из Excel", "", XLSX_FILTER)
    if not name:
        return
    preview = preview_file(window.db, Path(name), window)
    if preview is None:
        return
    dialog = ImportDialog(window.db, Path(name), preview, window)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result is not None:
        window._build_tabs()
        QMessageBox.information(window, APP_NAME, dialog.result.summary())


def save_template(window: Any) -> None:
    """Файл → Бланк для ОО…: pick the kind, save the form."""
    from desktop_app.exchange.templates import write_template

    titles = [KIND_TITLES[k] for k in KIND_CODES]
    title, ok = QInputDialog.getItem(window, "Бланк для ОО", "Что будут заполнять:", titles, 1,
                                     False)
    if not ok:
        return
    kind = KIND_CODES[titles.index(title)]
    name, _ = QFileDialog.getSaveFileName(window, "Сохранить бланк", f"Бланк — {title}.xlsx",
                                          XLSX_FILTER)
    if name:
        with _Busy():
            write_template(window.db, kind, Path(name))
        window.statusBar().showMessage(f"Бланк сохранён: {name}", 8000)


def export_database(window: Any) -> None:
    """Файл → Экспорт всей базы в Excel…"""
    from desktop_app.exchange.workbook import export_all

    name, _ = QFileDialog.getSaveFileName(window, "Экспорт всей базы", "Методактив — книга "
                                          "обмена.xlsx", XLSX_FILTER)
    if name:
        with _Busy():
            counts = export_all(window.db, Path(name))
        window.statusBar().showMessage(
            f"Книга обмена сохранена: {name} (строк: {sum(counts.values())})", 8000)
