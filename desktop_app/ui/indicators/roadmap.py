"""The road map of seed 003: items with status, overdue ones highlighted, editable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import RoadmapStatus
from desktop_app.services import roadmap
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import from_qdate
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import LimitedLineEdit, LimitedTextEdit
from desktop_app.ui.indicators.views import RED, ColouredPanel, run_change

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

COLUMNS = [
    Column("Этап"), Column("№", True), Column("Мероприятие"), Column("Результат"),
    Column("Срок реализации"), Column("Срок (дата)"), Column("Ответственные"), Column("Статус"),
    Column("Выполнено"), Column("Просрочено"),
]


class RoadmapItemDialog(QDialog):
    """Add or change one activity of the road map."""

    def __init__(self, row: roadmap.RoadmapRow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Мероприятие дорожной карты")
        self.stage = LimitedLineEdit(row.stage if row else "", self)
        self.section = LimitedLineEdit(row.section if row else "", self)
        self.activity = LimitedTextEdit(row.activity if row else "", self)
        self.result_edit = LimitedTextEdit(row.result if row else "", self)
        self.deadline_text = LimitedLineEdit(row.deadline_text if row else "", self)
        self.has_deadline = QCheckBox("дата срока", self)
        self.deadline = QDateEdit(self)
        self.deadline.setDisplayFormat("dd.MM.yyyy")
        self.deadline.setCalendarPopup(True)
        when = row.deadline if row and row.deadline else date.today()
        self.deadline.setDate(QDate(when.year, when.month, when.day))
        self.has_deadline.setChecked(bool(row and row.deadline) or row is None)
        self.responsible = LimitedLineEdit(row.responsible if row else "", self)
        form = QFormLayout(self)
        form.addRow("Этап:", self.stage)
        form.addRow("Раздел:", self.section)
        form.addRow("Мероприятие:", self.activity)
        form.addRow("Результат:", self.result_edit)
        form.addRow("Срок реализации (текст):", self.deadline_text)
        line = QHBoxLayout()
        line.addWidget(self.has_deadline)
        line.addWidget(self.deadline, 1)
        form.addRow("Срок (дата):", line)
        form.addRow("Ответственные:", self.responsible)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(620, 420)

    def value(self) -> roadmap.RoadmapInput:
        deadline = from_qdate(self.deadline.date()) if self.has_deadline.isChecked() else None
        return roadmap.RoadmapInput(
            self.stage.text(), self.section.text(), self.activity.toPlainText(),
            self.result_edit.toPlainText(), deadline, self.deadline_text.text(),
            self.responsible.text(),
        )


class RoadmapView(QWidget):
    """The list of road-map items with their status; overdue as of today in red."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.on = date.today()
        self.panel = ColouredPanel(COLUMNS, lambda r: RED if r[9] == "да" else None,
                                   (2, 3, 6), "Поиск мероприятия…", self,
                                   (120, 34, 330, 230, 190, 80, 110, 110, 80))
        self.panel.wrap_rows()
        self.panel.activated.connect(self.edit)
        self.summary = QLabel(self)
        self.status = QComboBox(self)
        for code, label in RoadmapStatus.choices():
            self.status.addItem(label, code)
        set_status = QPushButton("Установить статус", self)
        set_status.clicked.connect(self.apply_status)
        add, edit, remove = (QPushButton(t, self) for t in ("Добавить…", "Изменить…", "Удалить"))
        add.clicked.connect(self.add)
        edit.clicked.connect(lambda: self.edit(self.panel.selected_id()))
        remove.clicked.connect(self.remove)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for button in (self.status, set_status, add, edit, remove):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.panel, 1)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            self.rows = roadmap.list_roadmap(session, self.on)
        self.panel.set_rows([
            (r.stage, r.number, r.activity, r.result, r.deadline_text, r.deadline, r.responsible,
             r.status_label, r.done_on, "да" if r.overdue else "", r.id)
            for r in self.rows
        ])
        late = sum(r.overdue for r in self.rows)
        self.summary.setText(
            f"Мероприятий: {len(self.rows)}; просрочено на {fmt_date(self.on)}: {late}"
        )

    def _run(self, action: Callable[[Session], object]) -> bool:
        return run_change(self, self.db, "Дорожная карта", action, self.reload)

    def apply_status(self) -> None:
        item_id = self.panel.selected_id()
        if item_id is not None:
            code = self.status.currentData()
            self._run(lambda s: roadmap.set_status(s, item_id, code))

    def add(self) -> None:
        dialog = RoadmapItemDialog(None, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: roadmap.add_item(s, dialog.value())):
                return

    def edit(self, item_id: int | None) -> None:
        row = next((r for r in self.rows if r.id == item_id), None)
        if row is None:
            return
        dialog = RoadmapItemDialog(row, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: roadmap.update_item(s, row.id, dialog.value(),
                                                       expected_version=row.version)):
                return

    def remove(self) -> None:
        item_id = self.panel.selected_id()
        if item_id is None:
            return
        answer = QMessageBox.question(self, "Дорожная карта", "Удалить выбранное мероприятие?")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda s: roadmap.delete_item(s, item_id))
