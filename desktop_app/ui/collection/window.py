"""«Сбор сведений…» in the window: the latest round, one row per ОО; starting a round, loading
the schools' answers (reviewed in collection_review.py), the reminder for the silent ones.

Writing the round's files and reading the answers run in a worker thread behind a progress
dialog (operations.py); the worker opens its own database sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.exchange.book_file import OPEN_FILTER
from desktop_app.exchange.rounds.spec import RoundError
from desktop_app.exchange.rounds.status import OrgStatus, RoundStatus, round_status
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.backup import BackupError
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import fit_to_screen, russian_buttons
from desktop_app.ui.common.operations import Operation, Progress, refusals, run_in_background
from desktop_app.ui.common.table_model import Column, Index, RowsTableModel
from desktop_app.ui.opening import ask

LIST_FILTERS = "Книга Excel (*.xlsx);;Текст (*.txt)"
DEADLINE_DAYS = 14  # the deadline offered: two weeks after the round's date
READ_ONLY = "База открыта только для чтения: сбор сведений не начинается и ответы не загружаются"
OVERDUE = "просрочен"
OVERDUE_BACKGROUND = QColor("#f9d9d6")
OVERDUE_TEXT = QColor("#8a1c12")
COLUMNS = [
    Column("ОО"), Column("Состояние"), Column("Отправлен"), Column("Возвращён"),
    Column("Применён"), Column("Изменений", align_right=True),
    Column("Ошибок", align_right=True, tooltip="Отклонённые значения в возвращённом файле"),
    Column("Файл"),
]
TEXTS = (0, 7)  # the columns of names: the whole text also in a tooltip
WIDEST = 350  # pixels: a long ОО name does not push the dates off screen
# rows the columns are fitted to (Qt asks the model eight roles of every cell it measures: the
# region's 600 ОО took a quarter of a second); dates, counts and states are alike in every row,
# and a long name is capped at WIDEST anyway and shown whole in its tooltip
FIT_ROWS = 100
SILENT_TITLES = ("ОО", "Эл. почта", "Файл", "Отправлен")
EMPTY_TEXT = "Сбора сведений ещё не было"
EMPTY_HINT = (
    "При сборе сведений каждая ОО получает файл Excel со своими данными из базы центра: "
    "карточкой ОО, педагогами, парами и участием в мероприятиях. ОО проверяет его, исправляет, "
    "дописывает новое и отмечает выбывших, а вернувшийся файл здесь сравнивается с отправленным: "
    "вы видите каждое изменение и принимаете его или нет.")


class RoundModel(RowsTableModel):
    """The round's rows; an overdue ОО is tinted (its state also says «просрочен»)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self.overdue: set[int] = set()  # org ids

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.BackgroundRole,
                                        Qt.ItemDataRole.ForegroundRole):
            if self.row_id(index.row()) not in self.overdue:
                return None
            return OVERDUE_BACKGROUND if role == Qt.ItemDataRole.BackgroundRole else OVERDUE_TEXT
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole and index.column() in TEXTS:
            return super().data(index, Qt.ItemDataRole.DisplayRole)  # a long name whole
        return super().data(index, role)


def state_text(org: OrgStatus) -> str:
    return OVERDUE if org.overdue else org.state


def round_rows(status: RoundStatus) -> list[tuple[Any, ...]]:
    """One row per ОО: the values of COLUMNS, then the ОО's id."""
    return [(o.org_name, state_text(o), o.sent, o.returned, o.applied, o.changes, o.refused,
             o.file_name, o.org_id) for o in status.orgs]


def heading(status: RoundStatus) -> str:
    deadline = f" · срок ответа — {fmt_date(status.deadline)}" if status.deadline else ""
    return (f"<b>Сбор сведений на {fmt_date(status.on)}</b>{deadline} · начат "
            f"{status.started:%d.%m.%Y %H:%M}")


def summary(status: RoundStatus) -> str:
    orgs = status.orgs
    returned = sum(1 for o in orgs if o.returned is not None)
    applied = sum(1 for o in orgs if o.applied is not None)
    overdue = sum(1 for o in orgs if o.overdue)
    late = f", из них просрочили — {overdue}" if overdue else ""
    return (f"ОО: {len(orgs)} · вернули файл: {returned} · применено: {applied} · "
            f"не ответили: {len(status.silent)}{late}")


class StartRoundDialog(QDialog):
    """The date of the data, the deadline and the folder for the files of a new round."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Начать сбор сведений")
        self.on_edit = _date_edit(today, self)
        self.on_edit.setMaximumDate(self.on_edit.date())  # the data of a day not yet come: no
        self.deadline_box = QCheckBox("Срок ответа", self)
        self.deadline_box.setChecked(True)
        self.deadline_edit = _date_edit(today + timedelta(days=DEADLINE_DAYS), self)
        self.deadline_box.toggled.connect(self.deadline_edit.setEnabled)
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setPlaceholderText("Папка, куда сохранить файлы для ОО")
        self.choose = QPushButton("Выбрать…", self)
        self.choose.clicked.connect(lambda _checked=False: self.choose_folder())
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose)
        form = QFormLayout()
        form.addRow("Сведения на дату:", self.on_edit)
        form.addRow(self.deadline_box, self.deadline_edit)
        form.addRow("Папка для файлов:", folder_row)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #a61b1b")
        self.error.setWordWrap(True)
        buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self))
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Начать сбор")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Для каждой действующей ОО будет записан файл Excel с её "
                                "сведениями на эту дату.", self))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def choose_folder(self) -> str:
        folder = QFileDialog.getExistingDirectory(self, "Папка для файлов сбора сведений",
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(str(Path(folder)))
            self.error.clear()
        return folder

    @property
    def on(self) -> date:
        return _date_of(self.on_edit)

    @property
    def deadline(self) -> date | None:
        return _date_of(self.deadline_edit) if self.deadline_box.isChecked() else None

    @property
    def folder(self) -> Path | None:
        return Path(self.folder_edit.text()) if self.folder_edit.text() else None

    def _check(self) -> None:
        if self.folder is None and not self.choose_folder():
            self.error.setText("Выберите папку, куда сохранить файлы для ОО.")
            return
        if self.deadline is not None and self.deadline < self.on:
            self.error.setText("Срок ответа не может быть раньше даты сведений.")
            return
        self.accept()


def _date_edit(value: date, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def _date_of(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class CollectionDialog(QDialog):
    """The latest round: one row per ОО with its file's way (sent, returned, applied); emits
    changed() after a returned file was applied (the window's lists reload)."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self._today = db, today
        self.status: RoundStatus | None = None
        self.operation: Operation[Any] | None = None  # the latest background job
        self.start_dialog: StartRoundDialog | None = None
        self.review_dialog: QDialog | None = None
        self.setWindowTitle("Сбор сведений")
        fit_to_screen(self, 1060, 600)
        self.heading = QLabel(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._empty_page())
        self.pages.addWidget(self._table_page())
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.note)
        layout.addLayout(self._buttons())
        self.reload()

    # building ---------------------------------------------------------------------------
    def _empty_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel(EMPTY_TEXT, page)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        hint = QLabel(EMPTY_HINT, page)
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.empty_start = QPushButton("Начать сбор…", page)
        self.empty_start.clicked.connect(lambda _checked=False: self.start_new_round())
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint)
        layout.addWidget(self.empty_start, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _table_page(self) -> QWidget:
        self.model = RoundModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.table.horizontalHeader().setStretchLastSection(True)
        return self.table

    def _buttons(self) -> QHBoxLayout:
        self.start_button = QPushButton("Начать сбор…", self)
        self.load_button = QPushButton("Загрузить ответы…", self)
        self.remind_button = QPushButton("Скопировать напоминание", self)
        self.remind_button.setToolTip("Текст письма ОО, не вернувшим файл, — в буфер обмена")
        self.save_silent_button = QPushButton("Сохранить список неответивших…", self)
        close = QPushButton("Закрыть", self)
        self.start_button.clicked.connect(lambda _checked=False: self.start_new_round())
        self.load_button.clicked.connect(lambda _checked=False: self.load_answers())
        self.remind_button.clicked.connect(lambda _checked=False: self.copy_reminder())
        self.save_silent_button.clicked.connect(lambda _checked=False: self.save_silent())
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.start_button, self.load_button, self.remind_button,
                       self.save_silent_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    # showing ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the latest round again and show it."""
        self.status = round_status(self.db, today=self._today())
        status = self.status
        self.pages.setCurrentIndex(0 if status is None else 1)
        writable = not self.db.read_only
        self.start_button.setVisible(status is not None)
        self.start_button.setEnabled(writable)
        self.empty_start.setEnabled(writable)
        self.load_button.setEnabled(status is not None and writable)
        for button in (self.start_button, self.empty_start, self.load_button):
            button.setToolTip("" if writable else READ_ONLY)
        silent = bool(status and status.silent)
        self.remind_button.setEnabled(silent)
        self.save_silent_button.setEnabled(silent)
        if status is None:
            self.heading.setText("<b>Сбор сведений</b>")
            self.summary.setText("")
            self.model.set_rows([])
            return
        self.heading.setText(heading(status))
        self.summary.setText(summary(status))
        self.model.overdue = {o.org_id for o in status.orgs if o.overdue}
        self.model.set_rows(round_rows(status))
        self._fit_columns()

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):
            if header.sectionSize(column) > WIDEST:
                header.resizeSection(column, WIDEST)

    def tell(self, text: str) -> None:
        """A short note under the table, and in the window's status bar when there is one."""
        self.note.setText(text)
        bar = getattr(self.parent(), "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 8000)

    # starting a round -------------------------------------------------------------------
    def start_new_round(self) -> StartRoundDialog | None:
        """«Начать сбор…»: the date, the deadline and the folder; then the files are written."""
        status = self.status
        if status is not None and status.silent and not ask(
                self, f"Идёт сбор сведений на {fmt_date(status.on)}: не вернули файл "
                      f"{len(status.silent)} ОО. Всё равно начать новый сбор?"):
            return None
        dialog = StartRoundDialog(self._today(), self)
        self.start_dialog = dialog
        dialog.accepted.connect(lambda: self._start(dialog.on, dialog.deadline, dialog.folder))
        dialog.open()
        return dialog

    def _start(self, on: date, deadline: date | None, folder: Path | None) -> None:
        if folder is None:
            return
        from desktop_app.exchange.rounds.write import StartResult, start_round

        db, today = self.db, self._today()

        def work(progress: Progress) -> StartResult:
            return start_round(db, on, folder, deadline=deadline, today=today,
                               progress=lambda done, total, label: progress(
                                   done, total, f"Запись файлов для ОО: {label}"))

        told = refusals(RoundError, ExchangeError, BackupError, parent=self)

        def failed(exc: BaseException) -> bool:
            if not isinstance(exc, OSError):
                return told(exc)
            QMessageBox.critical(self, APP_NAME, f"Не удалось записать файлы в папку «{folder}»: "
                                                 f"{exc.strerror or exc}. Сбор не начат.")
            return True

        self.operation = run_in_background(self, "Запись файлов для ОО…", work, self._started,
                                           failed)

    def _started(self, result: Any) -> None:
        self.reload()
        count = len(result.files)
        self.tell(f"Сбор сведений на {fmt_date(result.on)} начат: файлов для ОО — {count}, "
                  f"папка «{result.folder}».")
        if ask(self, f"Файлы для ОО записаны: {count}.\nПапка: {result.folder}\n\n"
                     "Отправьте каждой ОО её файл (имя файла — краткое наименование ОО). "
                     "Открыть папку?"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.folder)))

    # the answers --------------------------------------------------------------------------
    def load_answers(self, paths: list[Path] | None = None) -> Operation[Any] | None:
        """«Загрузить ответы…»: each file is read and compared in the background; a refused file
        is told with its reason, the others are shown for review."""
        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(self, "Ответы ОО", "", OPEN_FILTER)
            paths = [Path(n) for n in names]
        paths = list(dict.fromkeys(paths))
        if not paths:
            return None
        from desktop_app.exchange.rounds.preview import review_return

        db, today = self.db, self._today()

        def work(progress: Progress) -> tuple[list[Any], list[tuple[Path, str]]]:
            reviews: list[Any] = []
            refused: list[tuple[Path, str]] = []
            for done, path in enumerate(paths):
                progress(done, len(paths), f"Проверка файла «{path.name}»")
                try:
                    reviews.append(review_return(db, path, today=today))
                except (RoundError, ExchangeError) as exc:
                    refused.append((path, str(exc)))
                except OSError as exc:
                    refused.append((path, f"файл не прочитан: {exc.strerror or exc}."))
            return reviews, refused

        self.operation = run_in_background(self, "Проверка файлов ОО…", work, self._reviewed)
        return self.operation

    def _reviewed(self, outcome: tuple[list[Any], list[tuple[Path, str]]]) -> None:
        reviews, refused = outcome
        if refused:
            said = "\n\n".join(f"«{path.name}»: {message}" for path, message in refused)
            head = ("Файл не принят" if len(refused) == 1 else
                    f"Не приняты файлы ({len(refused)})")
            rest = f"\n\nОстальные файлы ({len(reviews)}) открыты для просмотра." if reviews else ""
            QMessageBox.warning(self, APP_NAME, f"{head}:\n\n{said}{rest}")
        if not reviews:
            return
        from desktop_app.ui.collection.review import ReviewDialog

        dialog = ReviewDialog(self.db, reviews, self, self._today)
        self.review_dialog = dialog
        dialog.file_done.connect(self._applied)
        dialog.open()

    def _applied(self, result: Any) -> None:
        """A file applied (or refused, its return recorded): the round's table shows it."""
        self.reload()
        if result.applied:
            self.changed.emit()  # the window reloads its lists (and its status bar) first
        self.tell(result.message)

    # the silent ones ----------------------------------------------------------------------
    def copy_reminder(self) -> str:
        """«Скопировать напоминание»: the reminder to the silent ОО into the clipboard."""
        if self.status is None:
            return ""
        text = self.status.reminder_text()
        QGuiApplication.clipboard().setText(text)
        self.tell(f"Напоминание скопировано в буфер обмена: не ответили "
                  f"{len(self.status.silent)} ОО. Вставьте его в письмо.")
        return text

    def save_silent(self, target: Path | None = None) -> Path | None:
        """«Сохранить список неответивших…»: the ОО not yet returned, as xlsx or txt."""
        status = self.status
        if status is None:
            return None
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Список неответивших ОО",
                f"Не ответили — сбор на {fmt_date(status.on)}.xlsx", LIST_FILTERS)
            if not name:
                return None
            target = Path(name)
        try:
            write_silent(status, target)
        except OSError as exc:
            QMessageBox.critical(self, APP_NAME, f"Не удалось записать файл «{target}»: "
                                                 f"{exc.strerror or exc}.")
            return None
        self.tell(f"Список неответивших ОО сохранён: {target}")
        return target


def write_silent(status: RoundStatus, target: Path) -> Path:
    """The silent ОО in a text file (.txt) or a workbook (anything else)."""
    rows = [(o.org_name, o.email, o.file_name, o.sent.date()) for o in status.silent]
    if target.suffix.lower() == ".txt":
        deadline = f", срок ответа — {fmt_date(status.deadline)}" if status.deadline else ""
        lines = [f"Сбор сведений на {fmt_date(status.on)}{deadline}.",
                 f"Не вернули файл ОО: {len(rows)}.", ""]
        lines += [f"{i}. {name}" + (f" — {email}" if email else "")
                  for i, (name, email, _file, _sent) in enumerate(rows, start=1)]
        target.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
        return target
    from desktop_app.exchange.lists import export_rows

    return export_rows(SILENT_TITLES, rows, target, sheet="Не ответили")


def show_collection(window: Any) -> CollectionDialog:
    """«Сбор сведений…» in the window's menu: the round view; an apply reloads the tabs."""
    dialog = CollectionDialog(window.db, window)
    window.collection_dialog = dialog  # kept while it is open (it is shown without blocking)
    dialog.changed.connect(window._build_tabs)
    dialog.open()
    return dialog
