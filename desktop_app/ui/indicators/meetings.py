"""Meetings of the methodological active; quarters without a meeting are flagged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
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
from desktop_app.ui.common.widgets import LimitedTextEdit, gc_paused
from desktop_app.ui.indicators.views import ColouredPanel, run_change

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Index = QModelIndex | QPersistentModelIndex
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
        self.model = AttendeeModel(people, {a.person_id for a in row.attendees} if row else (),
                                   self)
        self.people = QListView(self)
        self.people.setUniformItemSizes(True)  # one line each: 30 000 rows laid out at once
        self.people.setModel(self.model)
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
        self.model.set_filter(fold(text))

    def value(self) -> meetings.MeetingInput:
        return meetings.MeetingInput(from_qdate(self.when.date()), self.agenda.toPlainText(),
                                     self.decisions.toPlainText(), self.model.checked_ids())


class AttendeeModel(QAbstractListModel):
    """The people to tick, «ФИО — ОО» (30 000 at region scale): texts made when shown, ticks
    kept by person, the search applied inside the model (a QListWidget item each took a second
    to make and lay out); ticked people stay ticked while a search hides them."""

    def __init__(self, people: list[meetings.Attendee], chosen: Iterable[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people = people
        self._shown: Sequence[int] = range(len(people))  # indices into people, in order
        self._keys: list[str] | None = None  # the folded texts, made on the first search
        self.chosen = set(chosen)

    @staticmethod
    def text(person: meetings.Attendee) -> str:
        return f"{person.name} — {person.organisation}" if person.organisation else person.name

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        person = self._people[self._shown[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(person)
        if role == Qt.ItemDataRole.CheckStateRole:
            ticked = person.person_id in self.chosen
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return person.person_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        person_id = self._people[self._shown[index.row()]].person_id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.chosen.add(person_id)
        else:
            self.chosen.discard(person_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_filter(self, needle: str) -> None:
        """Show the people whose folded text holds the needle (everyone for an empty one)."""
        self.beginResetModel()
        if needle:
            if self._keys is None:
                self._keys = [fold(self.text(p)) for p in self._people]
            self._shown = [i for i, key in enumerate(self._keys) if needle in key]
        else:
            self._shown = range(len(self._people))
        self.endResetModel()

    def checked_ids(self) -> tuple[int, ...]:
        """The people ticked, shown or not, in the list's order."""
        return tuple(p.person_id for p in self._people if p.person_id in self.chosen)


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
        with gc_paused(), self.db.sessions() as session:  # 30 000 people at region scale
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
