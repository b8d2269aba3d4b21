"""Meetings of the methodological active; quarters without a meeting are flagged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import meetings
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date, fold
from desktop_app.ui.common.forms import from_qdate
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import LimitedTextEdit
from desktop_app.ui.indicators.views import ColouredPanel, run_change

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COLUMNS = [Column("Дата"), Column("Квартал"), Column("Повестка"), Column("Участники", True),
           Column("Присутствовали"), Column("Решения")]


class MeetingDialog(QDialog):
    """Date, agenda, attendees (ticked in a searchable list) and decisions of a meeting."""

    def __init__(self, people: list[meetings.Attendee], row: meetings.MeetingRow | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Заседание методического актива")
        self.when = QDateEdit(self)
        self.when.setDisplayFormat("dd.MM.yyyy")
        self.when.setCalendarPopup(True)
        day = row.meeting_date if row else date.today()
        self.when.setDate(QDate(day.year, day.month, day.day))
        self.agenda = LimitedTextEdit(row.agenda if row else "", self)
        self.decisions = LimitedTextEdit(row.decisions if row else "", self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Поиск участника…")
        self.people = QListWidget(self)
        chosen = {a.person_id for a in row.attendees} if row else set()
        for person in people:
            text = f"{person.name} — {person.organisation}" if person.organisation else person.name
            item = QListWidgetItem(text, self.people)
            item.setData(Qt.ItemDataRole.UserRole, person.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = person.person_id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.search.textChanged.connect(self._filter)
        form = QFormLayout(self)
        form.addRow("Дата:", self.when)
        form.addRow("Повестка:", self.agenda)
        form.addRow("Участники:", self.search)
        form.addRow("", self.people)
        form.addRow("Решения:", self.decisions)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(620, 560)

    def _filter(self, text: str) -> None:
        needle = fold(text)
        for i in range(self.people.count()):
            item = self.people.item(i)
            item.setHidden(bool(needle) and needle not in fold(item.text()))

    def value(self) -> meetings.MeetingInput:
        ids = tuple(
            int(self.people.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.people.count())
            if self.people.item(i).checkState() == Qt.CheckState.Checked
        )
        return meetings.MeetingInput(from_qdate(self.when.date()), self.agenda.toPlainText(),
                                     self.decisions.toPlainText(), ids)


class MeetingsView(QWidget):
    """The meetings of a year and the quarter check."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = date.today().year
        self.on: date | None = None
        self.quarters = QLabel(self)
        self.quarters.setTextFormat(Qt.TextFormat.RichText)
        self.panel = ColouredPanel(COLUMNS, None, (2, 4, 5), "Поиск по повестке, участникам…",
                                   self, (80, 90, 360, 80, 300))
        self.panel.wrap_rows()
        self.panel.activated.connect(self.edit)
        add, edit, remove = (QPushButton(t, self) for t in ("Добавить…", "Изменить…", "Удалить"))
        add.clicked.connect(self.add)
        edit.clicked.connect(lambda: self.edit(self.panel.selected_id()))
        remove.clicked.connect(self.remove)
        bar = QHBoxLayout()
        bar.addWidget(self.quarters, 1)
        for button in (add, edit, remove):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.panel, 1)
        self.reload()

    def set_period(self, year: int, on: date | None) -> None:
        self.year, self.on = year, on
        self.reload()

    def _check_date(self) -> date:
        if self.on is not None:
            return self.on
        today = date.today()
        return today if today.year == self.year else date(self.year, 12, 31)

    def reload(self) -> None:
        day = self._check_date()
        with self.db.sessions() as session:
            self.rows = meetings.list_meetings(session, self.year)
            checks = meetings.quarters_without_meeting(session, self.year, day)
        self.panel.set_rows([
            (r.meeting_date, f"{ROMAN[r.quarter]} квартал", r.agenda, len(r.attendees),
             ", ".join(a.name for a in r.attendees), r.decisions, r.id)
            for r in self.rows
        ])
        parts = []
        for q in checks:
            if q.flagged:
                parts.append(f"<span style='color:#b71c1c'><b>{ROMAN[q.quarter]} квартал: "
                             "нет заседания</b></span>")
            else:
                parts.append(f"{ROMAN[q.quarter]} квартал: заседаний {q.meetings}")
        head = f"{self.year} год на {fmt_date(day)} (не реже 1 раза в квартал): "
        self.quarters.setText(head + ("; ".join(parts) if parts else "год ещё не начался"))
        self.flagged = [q.quarter for q in checks if q.flagged]

    def _people(self) -> list[meetings.Attendee]:
        with self.db.sessions() as session:
            return meetings.people_choices(session)

    def _run(self, action: Callable[[Session], object]) -> bool:
        return run_change(self, self.db, "Заседания актива", action, self.reload)

    def add(self) -> None:
        dialog = MeetingDialog(self._people(), None, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: meetings.add_meeting(s, dialog.value())):
                return

    def edit(self, meeting_id: int | None) -> None:
        row = next((r for r in self.rows if r.id == meeting_id), None)
        if row is None:
            return
        dialog = MeetingDialog(self._people(), row, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: meetings.update_meeting(s, row.id, dialog.value(),
                                                           expected_version=row.version)):
                return

    def remove(self) -> None:
        meeting_id = self.panel.selected_id()
        if meeting_id is None:
            return
        answer = QMessageBox.question(self, "Заседания актива", "Удалить выбранное заседание?")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda s: meetings.delete_meeting(s, meeting_id))
