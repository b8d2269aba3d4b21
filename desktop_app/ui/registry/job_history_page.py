"""The «История работы» page of the person form: a person's jobs, newest first, corrected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import registry
from desktop_app.services.registry import JOB_LABELS, JobInput, JobRow
from desktop_app.services.validation import Refused
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import (
    FormErrors,
    date_edit,
    dialog_buttons,
    error_label,
    fit_to_screen,
    get_date,
    row_with_error,
    select_data,
    set_date,
)
from desktop_app.ui.common.widgets import cell_text

JOB_COLUMNS = ["ОО", "Должность", "С", "По"]
JOB_WIDTHS = {1: 190, 2: 90, 3: 140}
NOW = "по настоящее время"
INTRO = ("Места работы педагога, последнее сверху. Здесь исправляются даты, ОО и должность "
         "прежних мест и вносятся места из личного дела; каждое изменение сохраняется сразу. "
         "Нынешнее место закрывается кнопками "
         "«Перевести в другую ОО…» и «Уволить / выбыл…» в списке педагогов; у него здесь "
         "можно исправить начало и должность.")


class JobDialog(QDialog):
    """Add an earlier place of work or correct one; emits saved(job_id) after a save."""

    saved = Signal(int)

    def __init__(self, db: Database, person_id: int, job_id: int | None = None,
                 parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self.person_id, self.job_id, self._today = db, person_id, job_id, today
        self.setWindowTitle("Место работы — " + ("добавить" if job_id is None else "изменить"))
        fit_to_screen(self, 560, 300)
        self.summary = error_label(self)
        self.errors = FormErrors(self.summary)
        self.organisation = QComboBox()
        self.position = QComboBox()
        self.position.setEditable(True)
        self.start_date, self.end_date = date_edit(optional=True), date_edit(optional=True)
        self.now_label = QLabel(NOW + " (закрывается переводом или выбытием)")
        end = QWidget()
        end_row = QHBoxLayout(end)
        end_row.setContentsMargins(0, 0, 0, 0)
        end_row.addWidget(self.end_date, 1)
        end_row.addWidget(self.now_label, 1)
        form = QFormLayout()
        for name, widget in (("organisation_id", self.organisation), ("position", self.position),
                             ("start_date", self.start_date), ("end_date", end)):
            label = error_label()
            self.errors.add(name, label)
            form.addRow(JOB_LABELS[name] + ":", row_with_error(widget, label))
        self.buttons = dialog_buttons(self, self.save, "Save")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._load()

    def _load(self) -> None:
        with self.db.sessions() as session:
            orgs = registry.organisation_choices(session)
            positions = registry.positions(session)
            data = (registry.get_job_input(session, self.job_id)
                    if self.job_id is not None else None)
        self.organisation.addItem("— выберите ОО —", None)
        for oid, name, active in orgs:
            self.organisation.addItem(name if active else f"{name} (недействующая)", oid)
        self.position.addItems(positions)
        self.position.setCurrentText("")
        self.current = data is not None and data.end_date is None
        self.now_label.setVisible(self.current)
        self.end_date.setVisible(not self.current)
        self.organisation.setEnabled(not self.current)
        if data is not None:
            select_data(self.organisation, data.organisation_id)
            self.position.setCurrentText(data.position)
            set_date(self.start_date, data.start_date)
            set_date(self.end_date, data.end_date)

    def values(self) -> JobInput:
        end = None if self.current else get_date(self.end_date)
        return JobInput(self.organisation.currentData(), self.position.currentText(),
                        get_date(self.start_date), end)

    def save(self) -> bool:
        """Save in its own transaction; a refusal is shown here and nothing is saved."""
        data = self.values()
        try:
            with self.db.sessions.begin() as session:
                if self.job_id is None:
                    self.job_id = registry.add_job(session, self.person_id, data,
                                                   on=self._today())
                else:
                    registry.update_job(session, self.job_id, data, on=self._today())
        except Refused as exc:
            self.errors.show(exc.message, exc.errors)
            return False
        self.errors.clear()
        self.saved.emit(self.job_id)
        self.accept()
        return True


class JobsPage(QWidget):
    """The person's jobs with «Добавить…», «Изменить…», «Удалить»; emits changed after a save."""

    changed = Signal()

    def __init__(self, db: Database, person_id: int, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.person_id, self._today = db, person_id, today
        self.dialog: JobDialog | None = None
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.table = self._make_table()
        self.message = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._make_buttons())
        layout.addWidget(self.message)
        self.rows: list[JobRow] = []
        self.reload()

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(JOB_COLUMNS), self)
        table.setHorizontalHeaderLabels(JOB_COLUMNS)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in JOB_WIDTHS.items():
            table.setColumnWidth(column, width)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        # two lines a row: a long name wraps, the whole of it is in the tooltip
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() * 2 + 8)
        table.doubleClicked.connect(lambda _index: self.edit_job())
        return table

    def _make_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in (("Добавить…", self.add_job), ("Изменить…", self.edit_job),
                           ("Удалить", self.delete_job)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def reload(self) -> None:
        """The jobs newest first; the current one «по настоящее время»."""
        with self.db.sessions() as session:
            self.rows = list(reversed(registry.job_history(session, self.person_id)))
        self.table.setRowCount(0)
        for job in self.rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            texts = (job.organisation, job.position, fmt_date(job.start_date) or "—",
                     NOW if job.is_current else fmt_date(job.end_date))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)

    def texts(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row."""
        return [tuple(cell_text(self.table, r, c) for c in range(self.table.columnCount()))
                for r in range(self.table.rowCount())]

    def selected(self) -> JobRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _hint(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _open(self, job_id: int | None) -> JobDialog:
        self.message.hide()
        self.dialog = JobDialog(self.db, self.person_id, job_id, self, self._today)
        self.dialog.saved.connect(self._after_save)
        self.dialog.open()
        return self.dialog

    def add_job(self) -> JobDialog:
        return self._open(None)

    def edit_job(self) -> JobDialog | None:
        job = self.selected()
        if job is None:
            self._hint("Выберите место работы в таблице, затем нажмите «Изменить…».")
            return None
        return self._open(job.id)

    def delete_job(self) -> bool:
        """Delete the selected past job after a question; a refusal is shown under the table."""
        job = self.selected()
        if job is None:
            self._hint("Выберите место работы в таблице, затем нажмите «Удалить».")
            return False
        if job.is_current:
            self._hint(registry.CURRENT_JOB_STAYS)
            return False
        period = f"с {fmt_date(job.start_date) or '…'} по {fmt_date(job.end_date) or '…'}"
        answer = QMessageBox.question(self, "Удалить место работы",
                                      f"Удалить место работы «{job.organisation}» {period}?")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            with self.db.sessions.begin() as session:
                registry.delete_job(session, job.id)
        except Refused as exc:
            self._hint(exc.message)
            return False
        self._after_save()
        return True

    def _after_save(self, _job_id: int = 0) -> None:
        self.message.hide()
        self.reload()
        self.changed.emit()
