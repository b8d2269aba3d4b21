"""Entering a self-assessment with the keyboard alone: a digit sets the score and moves on."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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

from desktop_app.services import diagnostics, instruments, registry
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import date_field, from_qdate
from desktop_app.ui.common.pickers import PersonPicker
from desktop_app.ui.common.widgets import cell_text

SCORE_COLUMN = 3
LOW = QColor("#f8d7d3")


class ScoreTable(QTableWidget):
    """Items in rows; typing a digit of the scale sets the score and goes to the next row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.low, self.high, self.deficit_max = 1, 5, 2.0
        self.setHorizontalHeaderLabels(["№", "Область", "Утверждение", "Балл"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 36), (1, 170), (3, 50)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(col, width)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        text = event.text()
        row = self.currentRow()
        if text.isdigit():
            if row >= 0 and self.low <= int(text) <= self.high:
                self.set_score(row, int(text))
                self.selectRow(min(row + 1, self.rowCount() - 1))
            return  # a digit outside the scale is ignored
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and row >= 0:
            self.set_score(row, None)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()  # the dialog saves
            return
        super().keyPressEvent(event)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt override
        """Typing never jumps between rows: keys are scores here."""

    def set_score(self, row: int, score: int | None) -> None:
        cell = self.item(row, SCORE_COLUMN)
        assert cell is not None  # every row is made with its score cell
        cell.setText("" if score is None else str(score))
        low = score is not None and score <= self.deficit_max
        cell.setBackground(QBrush(LOW) if low else QBrush())

    def scores(self) -> dict[int, int]:
        found = {}
        for row in range(self.rowCount()):
            text = cell_text(self, row, SCORE_COLUMN)
            number = self.item(row, 0)
            if text and number is not None:  # every row is made with its numbered cell
                found[int(number.data(Qt.ItemDataRole.UserRole))] = int(text)
        return found


class PersonChoice:
    """For a dialog with db, person_id and person_label: pick the person, show the name."""

    db: Database
    person_id: int | None
    person_label: QLabel

    def _pick(self) -> None:
        picker = PersonPicker(self.db, self if isinstance(self, QWidget) else None)
        if picker.exec() == QDialog.DialogCode.Accepted and picker.chosen() is not None:
            self.person_id = picker.chosen()
            self._show_person()

    def _show_person(self) -> None:
        if self.person_id is None:
            self.person_label.setText("не выбран")
            return
        with self.db.sessions() as session:
            names = dict(registry.people_choices(session, [self.person_id]))
        self.person_label.setText(names.get(self.person_id, "не найден"))


class SessionEntryDialog(PersonChoice, QDialog):
    """A new self-assessment of one person; saves through the diagnostics service and commits."""

    def __init__(self, db: Database, person_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.person_id = db, person_id
        self.saved_id: int | None = None
        self.setWindowTitle("Новая самодиагностика")
        self.resize(900, 640)
        with db.sessions.begin() as session:
            problems = instruments.sync_instruments(session)
            self._instruments = diagnostics.list_instruments(session)
            self._limits = diagnostics.thresholds(session)
        self._build(problems)
        self._show_person()
        self._load_items()

    def _build(self, problems: list[str]) -> None:
        self.person_label = QLabel(self)
        pick = QPushButton("Выбрать педагога…", self)
        pick.clicked.connect(self._pick)
        who = QHBoxLayout()
        who.addWidget(self.person_label, 1)
        who.addWidget(pick)
        self.instrument = QComboBox(self)
        for row in self._instruments:
            self.instrument.addItem(f"{row.name} (версия {row.version})", row.id)
        self.instrument.currentIndexChanged.connect(self._load_items)
        self.date = date_field(date.today(), self)
        form = QFormLayout()
        form.addRow("Педагог:", who)
        form.addRow("Инструмент:", self.instrument)
        form.addRow("Дата:", self.date)
        self.scale = QLabel(self)
        self.scale.setWordWrap(True)
        self.table = ScoreTable(self)
        self.progress = QLabel(self)
        self.table.itemChanged.connect(self._count)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.scale)
        if problems:
            warn = QLabel("Не загружены файлы инструментов:\n" + "\n".join(problems), self)
            warn.setWordWrap(True)
            layout.addWidget(warn)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)

    def _load_items(self) -> None:
        inst_id = self.instrument.currentData()
        row = next((r for r in self._instruments if r.id == inst_id), None)
        if row is None:
            return
        with self.db.sessions() as session:
            items = diagnostics.instrument_items(session, row.id)
        labels = instruments.scale_labels(row.code, row.version)
        self.scale.setText("Шкала: " + "; ".join(f"{k} — {v}" for k, v in sorted(labels.items()))
                           + ". Наберите цифру — балл встанет и курсор перейдёт к следующему "
                             "утверждению; Enter — сохранить.")
        self.table.low, self.table.high = row.scale_min, row.scale_max
        self.table.deficit_max = self._limits.item_deficit_max
        self.table.blockSignals(True)
        self.table.setRowCount(len(items))
        for n, item in enumerate(items):
            number = QTableWidgetItem(str(item.position))
            number.setData(Qt.ItemDataRole.UserRole, item.id)
            self.table.setItem(n, 0, number)
            self.table.setItem(n, 1, QTableWidgetItem(item.area_label))
            text = QTableWidgetItem(item.text)
            text.setToolTip(f"Трудовая функция {item.labour_function}")
            self.table.setItem(n, 2, text)
            self.table.setItem(n, SCORE_COLUMN, QTableWidgetItem(""))
        self.table.blockSignals(False)
        for n in range(len(items)):
            self.table.setRowHeight(n, 40)
        self.table.selectRow(0)
        self.table.setFocus()
        self._count()

    def _count(self) -> None:
        done = len(self.table.scores())
        self.progress.setText(f"Отвечено: {done} из {self.table.rowCount()}")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)

    def save(self) -> None:
        if self.person_id is None:
            QMessageBox.warning(self, "Диагностика", "Педагог: выберите педагога.")
            return
        try:
            with self.db.sessions.begin() as session:
                self.saved_id = diagnostics.record_session(
                    session, self.person_id, self.instrument.currentData(),
                    from_qdate(self.date.date()), self.table.scores())
        except diagnostics.DiagnosticsError as exc:
            QMessageBox.warning(self, "Диагностика", str(exc))
            return
        self.accept()
