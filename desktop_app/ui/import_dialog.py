"""Excel in the window: the import dialog with its preview, blank forms, the whole-base export.

Reading, importing and exporting run in a worker thread behind a progress dialog (operations.py);
the worker opens its own database sessions.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.report import save_report
from desktop_app.exchange.result import Actions, ImportResult
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.backup import BackupError
from desktop_app.store.database import Database
from desktop_app.textutil import ru_sort_key
from desktop_app.ui.common.operations import Operation, Progress, refusals, run_in_background
from desktop_app.ui.common.table_model import Column, IndexFilter, ListRows, RowSource
from desktop_app.ui.common.widgets import ListPanel, wait_cursor

T = TypeVar("T")
XLSX_FILTER = "Книга Excel (*.xlsx)"
SUMMARY_HEIGHT = 170  # pixels of the per-sheet summary above the tabs (scrolled beyond)
REFUSAL_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Столбец"),
                   Column("Значение"), Column("Причина")]
ACTION_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Действие"),
                  Column("Что")]
NOTE_COLUMNS = [Column("Лист"), Column("Строка", align_right=True), Column("Столбец"),
                Column("Значение"), Column("Замечание")]


class ActionRows(RowSource):
    """The row actions of every sheet of a preview, as (sheet, row, action, what, position),
    read from the sheets' compact Actions: the 2 million rows of a region's book open at once.
    Sorting and searching work on the few distinct sheets and (action, what) pairs, and on
    per-row numbers made once, at the first sort or search."""

    SHEET, ROW, ACTION, WHAT = range(4)

    def __init__(self, parts: Sequence[Actions]) -> None:
        self._parts = [a.compact() for a in parts if len(a)]
        self._starts = list(accumulate((len(p[0]) for p in self._parts), initial=0))
        # made at the first sort or search: every row's sheet and (action, what) as numbers
        # into the distinct ones of all the sheets
        self._codes: tuple[array[int], list[str], array[int], list[tuple[str, str]]] | None = None

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, index: int) -> tuple[Any, ...]:
        if index < 0:
            index += len(self)
        part = bisect_right(self._starts, index) - 1
        rows, sheets, kinds, titles, pairs = self._parts[part]
        at = index - self._starts[part]
        action, what = pairs[kinds[at]]
        return titles[sheets[at]], rows[at], action, what, index

    def _all_codes(self) -> tuple[array[int], list[str], array[int], list[tuple[str, str]]]:
        if self._codes is None:
            sheet_of, titles = array("I"), list[str]()
            kind_of, pairs = array("I"), list[tuple[str, str]]()
            for _rows, sheets, kinds, part_titles, part_pairs in self._parts:
                sheet_table = [_index_of(titles, t) for t in part_titles]
                sheet_of.extend(array("I", map(sheet_table.__getitem__, sheets)))
                kind_table = [_index_of(pairs, p) for p in part_pairs]
                kind_of.extend(array("I", map(kind_table.__getitem__, kinds)))
            self._codes = sheet_of, titles, kind_of, pairs
        return self._codes

    def sort_keys(self, column: int) -> Sequence[Any]:
        if column == self.ROW:
            numbers = array("q")
            for rows, *_rest in self._parts:
                numbers.extend(rows)
            return numbers
        if column not in (self.SHEET, self.ACTION, self.WHAT):
            return range(len(self))
        sheet_of, titles, kind_of, pairs = self._all_codes()
        texts = titles if column == self.SHEET else [p[column - self.ACTION] for p in pairs]
        rank = _ranks(texts)
        return [rank[c] for c in (sheet_of if column == self.SHEET else kind_of)]

    def search(self, columns: Sequence[int], key: Callable[[Any], str],
               needle: str) -> IndexFilter:
        if self.ROW in columns:
            return super().search(columns, key, needle)
        sheet_of, titles, kind_of, pairs = self._all_codes()
        count = len(pairs)
        passing = set()
        for s, title in enumerate(titles):
            for k, pair in enumerate(pairs):
                values = {self.SHEET: title, self.ACTION: pair[0], self.WHAT: pair[1]}
                if needle in " ".join(key(values[c]) for c in columns):
                    passing.add(s * count + k)

        def select(order: Sequence[int]) -> list[int]:
            if not passing:
                return []
            if len(passing) == len(titles) * count:
                return list(order)
            return [i for i in order if sheet_of[i] * count + kind_of[i] in passing]

        return IndexFilter(select)


def _index_of(values: list[T], value: T) -> int:
    """The position of value in values, appended when new (a few dozen distinct values)."""
    try:
        return values.index(value)
    except ValueError:
        values.append(value)
        return len(values) - 1


def _ranks(texts: list[str]) -> list[int]:
    """Each text's place in Russian order (equal texts equal places)."""
    ordered = sorted(set(texts), key=ru_sort_key)
    place = {t: i for i, t in enumerate(ordered)}
    return [place[t] for t in texts]


def _error_row(error: RowError, position: int) -> tuple[Any, ...]:
    return error.sheet, error.row, error.column, error.value, error.reason, position


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
        # every list in the order of the file (a header click sorts), its rows made when shown
        self.refused = ListPanel(REFUSAL_COLUMNS, search_columns=(0, 2, 3, 4), parent=self,
                                 sort_column=None)
        self.refused.set_rows(ListRows(preview.errors, _error_row))
        # shadows QWidget.actions() on purpose: the tests read dialog.actions
        self.actions: ListPanel = ListPanel(  # type: ignore[assignment]
            ACTION_COLUMNS, search_columns=(0, 2, 3), parent=self, sort_column=None)
        self.actions.set_rows(ActionRows([s.actions for s in preview.sheets]))
        self.tabs.addTab(self.refused, f"Отклонено ({len(preview.errors)})")
        self.tabs.addTab(self.actions, f"Строки файла: {preview.counts_text()}")
        # remarks (a column not of the form skipped): not refusals, the rows are taken in
        self.notes: ListPanel | None = None
        if preview.notes:
            self.notes = ListPanel(NOTE_COLUMNS, search_columns=(0, 2, 3, 4), parent=self,
                                   sort_column=None)
            self.notes.set_rows(ListRows(preview.notes, _error_row))
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
        with wait_cursor():
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
        with wait_cursor():
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
