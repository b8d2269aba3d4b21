"""Excel in the window: the import dialog with its preview, blank forms, the whole-base export.

Reading, importing and exporting run in a worker thread behind a progress dialog (operations.py);
the worker opens its own database sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.exchange.book_file import OPEN_FILTER
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.kinds import KIND_CODES, KIND_TITLES
from desktop_app.exchange.report import save_report
from desktop_app.exchange.result import ImportResult
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.backup import BackupError
from desktop_app.store.database import Database
from desktop_app.ui.common.operations import Operation, Progress, refusals, run_in_background
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel

XLSX_FILTER = "Книга Excel (*.xlsx)"
SUMMARY_HEIGHT = 170  # pixels of the per-sheet summary above the tabs (scrolled beyond)
REFUSAL_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Столбец"),
                   Column("Значение"), Column("Причина")]
ACTION_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Действие"),
                  Column("Что")]
NOTE_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Столбец"),
                Column("Значение"), Column("Замечание")]


class _Busy:
    """A wait cursor for the short jobs (a blank form, a report of refused rows)."""

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
        # shadows QDialog.result() on purpose: callers and tests read dialog.result
        self.result: ImportResult | None = None  # type: ignore[assignment]
        self.setWindowTitle(f"Импорт из Excel — {path.name}")
        self.resize(980, 560)
        self.summary = QLabel(preview.summary(), self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a book of 35 sheets has a line each: scrolled, so the table of rows keeps its room
        self.summary_area = QScrollArea(self)
        self.summary_area.setWidget(self.summary)
        self.summary_area.setWidgetResizable(True)
        self.summary_area.setFrameShape(QFrame.Shape.NoFrame)
        self.summary_area.setMaximumHeight(SUMMARY_HEIGHT)
        self.tabs = QTabWidget(self)
        self.refused = ListPanel(REFUSAL_COLUMNS, search_columns=(0, 2, 3, 4), parent=self)
        self.refused.set_rows([(e.sheet, e.row, e.column, e.value, e.reason, i)
                               for i, e in enumerate(preview.errors)])
        # shadows QWidget.actions() on purpose: the tests read dialog.actions
        self.actions: ListPanel = ListPanel(  # type: ignore[assignment]
            ACTION_COLUMNS, search_columns=(2, 3), parent=self)
        self.actions.set_rows([(a.sheet, a.row, a.action, a.what, i) for i, a in enumerate(
            a for s in preview.sheets for a in s.actions)])
        self.tabs.addTab(self.refused, f"Отклонено ({len(preview.errors)})")
        self.tabs.addTab(self.actions, f"Строки файла: {preview.counts_text()}")
        # remarks (a column not of the form skipped): not refusals, the rows are taken in
        self.notes: ListPanel | None = None
        if preview.notes:
            self.notes = ListPanel(NOTE_COLUMNS, search_columns=(0, 2, 3, 4), parent=self)
            self.notes.set_rows([(n.sheet, n.row, n.column, n.value, n.reason, i)
                                 for i, n in enumerate(preview.notes)])
            self.tabs.addTab(self.notes, f"Замечания ({len(preview.notes)})")
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
        layout.addWidget(self.summary_area)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def run_import(self, valid_only: bool) -> Operation[ImportResult]:
        """Write the file in the background; the dialog closes when the rows are in."""
        db, path = self.db, self.path

        def work(progress: Progress) -> ImportResult:
            return import_file(db, path, valid_only=valid_only,
                               progress=_labels(progress, f"Загрузка «{path.name}» в базу"))

        return run_in_background(self, f"Загрузка «{path.name}» в базу…", work,
                                 self._imported,
                                 refusals(ExchangeError, BackupError, parent=self))

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        if result.applied:
            self.accept()
        else:
            QMessageBox.warning(self, APP_NAME, result.summary())

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


def _labels(progress: Progress, doing: str) -> Callable[[int, int, str], None]:
    """The importer reports rows read (done of total) and names the sheet it reads: shown after
    what is done, «Проверка файла «…»: лист «Педагоги»» over «N из M»."""
    return lambda done, total, label: progress(done, total, f"{doing}: {label}")


def preview_file(db: Database, path: Path, parent: QWidget | None,
                 then: Callable[[ImportResult], None]) -> Operation[ImportResult]:
    """A dry run of the file in the background; then(result) on the GUI thread, or a message
    saying why the file is refused as a whole."""
    def work(progress: Progress) -> ImportResult:
        return import_file(db, path, dry_run=True,
                           progress=_labels(progress, f"Проверка файла «{path.name}»"))

    return run_in_background(parent, f"Проверка файла «{path.name}»…", work, then,
                             refusals(ExchangeError, parent=parent))


def choose_and_import(window: Any, path: Path | None = None) -> Operation[ImportResult] | None:
    """Файл → Импорт из Excel…: choose, preview, import, then reload the tabs."""
    if path is None:
        name, _ = QFileDialog.getOpenFileName(window, "Импорт из Excel", "", OPEN_FILTER)
        if not name:
            return None
        path = Path(name)

    def show(preview: ImportResult) -> None:
        _show_preview(window, path, preview)

    return preview_file(window.db, path, window, show)


def _show_preview(window: Any, path: Path, preview: ImportResult) -> ImportDialog:
    dialog = ImportDialog(window.db, path, preview, window)
    window.import_dialog = dialog  # kept while it is open (it is shown without blocking)
    dialog.accepted.connect(lambda: _after_import(window, dialog))
    dialog.open()
    return dialog


def _after_import(window: Any, dialog: ImportDialog) -> None:
    if dialog.result is not None:
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


def export_database(window: Any, target: Path | None = None) -> Operation[dict[str, int]] | None:
    """Файл → Экспорт всей базы в Excel…: written in the background."""
    from desktop_app.exchange.workbook import export_all

    if target is None:
        name, _ = QFileDialog.getSaveFileName(window, "Экспорт всей базы", "Методактив — книга "
                                              "обмена.xlsx", XLSX_FILTER)
        if not name:
            return None
        target = Path(name)
    db = window.db

    def done(counts: dict[str, int]) -> None:
        window.statusBar().showMessage(
            f"Книга обмена сохранена: {target} (строк: {sum(counts.values())})", 8000)

    def failed(exc: BaseException) -> bool:
        if isinstance(exc, ExchangeError):  # a text too long for a cell: nothing written
            QMessageBox.warning(window, APP_NAME, str(exc))
            return True
        if not isinstance(exc, OSError):
            return False
        QMessageBox.critical(window, APP_NAME, f"Не удалось записать файл «{target}»: "
                                               f"{exc.strerror or exc}. База не изменена.")
        return True

    def work(progress: Progress) -> dict[str, int]:
        return export_all(db, target, progress=_labels(progress, "Выгрузка всей базы в Excel"))

    return run_in_background(window, "Выгрузка всей базы в Excel…", work, done, failed)
