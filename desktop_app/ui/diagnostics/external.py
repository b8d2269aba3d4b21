"""Entering the result of an external assessment (percent per block) with the keyboard alone."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import CompetenceArea
from desktop_app.services import diagnostics
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_percent
from desktop_app.ui.common.forms import date_field, from_qdate, russian_buttons
from desktop_app.ui.diagnostics.entry import PersonChoice

LOW = QColor("#f8d7d3")
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class BlocksTable(QTableWidget):
    """The blocks entered so far; Delete removes the selected one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["Блок", "Область компетенций", "Выполнение"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(1, 220)
        self.setColumnWidth(2, 110)
        self.blocks: list[tuple[str, str, float]] = []

    def add(self, block: str, area: str, percent: float, low: bool) -> None:
        self.blocks.append((block, area, percent))
        row = self.rowCount()
        self.insertRow(row)
        cells = [block, CompetenceArea(area).label, fmt_percent(percent)]
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col == 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if low:
                item.setBackground(QBrush(LOW))
            self.setItem(row, col, item)

    def remove_selected(self) -> None:
        row = self.currentRow()
        if 0 <= row < len(self.blocks):
            del self.blocks[row]
            self.removeRow(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_selected()
            return
        super().keyPressEvent(event)


class ExternalEntryDialog(PersonChoice, QDialog):
    """A new external assessment of one person: procedure, date, blocks with percent and area.

    Enter adds the block typed in the entry row (the cursor goes back to the block name);
    Ctrl+Enter saves through the diagnostics service, which derives the deficits.
    """

    def __init__(self, db: Database, person_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.person_id = db, person_id
        self.saved_id: int | None = None
        self.setWindowTitle("Результаты внешней оценки")
        self.resize(860, 560)
        with db.sessions() as session:
            self.choices = diagnostics.external_choices(session)
        self._known = dict(self.choices.blocks)
        self._build()
        self._show_person()
        self.block.setFocus()

    def _build(self) -> None:
        self.person_label = QLabel(self)
        pick = QPushButton("&Выбрать педагога…", self)
        pick.setAutoDefault(False)
        pick.clicked.connect(self._pick)
        who = QHBoxLayout()
        who.addWidget(self.person_label, 1)
        who.addWidget(pick)
        self.procedure = QComboBox(self)
        self.procedure.setEditable(True)
        self.procedure.addItems(list(self.choices.procedures))
        self.date = date_field(date.today(), self)
        form = QFormLayout()
        form.addRow("Педагог:", who)
        form.addRow("&Процедура оценки:", self.procedure)
        form.addRow("Д&ата:", self.date)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self._entry_row())
        hint = QLabel(
            "Enter — добавить блок (курсор вернётся к названию), Delete в списке — удалить "
            f"блок, Ctrl+Enter — сохранить. Блок с выполнением ниже "
            f"{fmt_percent(self.choices.threshold)} — дефицит.", self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = BlocksTable(self)
        layout.addWidget(self.table, 1)
        buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self))
        for button in buttons.buttons():
            if isinstance(button, QPushButton):  # the box's standard buttons all are
                button.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _entry_row(self) -> QHBoxLayout:
        self.block = QLineEdit(self)
        self.block.setPlaceholderText("Название блока, например «Предметный блок»")
        self.block.setMinimumWidth(300)
        completer = QCompleter([b for b, _ in self.choices.blocks], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.block.setCompleter(completer)
        self.block.editingFinished.connect(self._known_area)
        completer.activated.connect(lambda _text: self._known_area())
        self.area = QComboBox(self)
        for area in CompetenceArea:
            self.area.addItem(area.label, area.value)
        self.percent = QDoubleSpinBox(self)
        self.percent.setLocale(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
        self.percent.setRange(0, 100)
        self.percent.setDecimals(1)
        self.percent.setSuffix(" %")
        add = QPushButton("&Добавить блок", self)
        add.setAutoDefault(False)
        add.clicked.connect(self.add_block)
        row = QHBoxLayout()
        for label, widget, stretch in (("&Блок:", self.block, 3), ("&Область:", self.area, 2),
                                       ("Выполн&ение:", self.percent, 1)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget, stretch)
        row.addWidget(add)
        return row

    def _known_area(self) -> None:
        area = self._known.get(self.block.text().strip())
        if area is not None:
            self.area.setCurrentIndex(self.area.findData(area))

    def add_block(self) -> bool:
        """Move the entry row into the list; a block without a name is refused in words."""
        name = self.block.text().strip()
        if not name:
            QMessageBox.warning(self, "Внешняя оценка", "Блок: укажите название блока.")
            self.block.setFocus()
            return False
        self.percent.interpretText()
        percent = round(self.percent.value(), 1)
        self.table.add(name, self.area.currentData(), percent, percent < self.choices.threshold)
        self.block.clear()
        self.percent.setValue(0)
        self.block.setFocus()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in ENTER:
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save()
            elif self.focusWidget() in (self.block, self.area, self.percent,
                                        self.percent.findChild(QLineEdit)):
                self.add_block()
            return  # Enter never closes the form by accident
        super().keyPressEvent(event)

    def save(self) -> None:
        if self.person_id is None:
            QMessageBox.warning(self, "Внешняя оценка", "Педагог: выберите педагога.")
            return
        if self.block.text().strip() and not self.add_block():
            return
        try:
            with self.db.sessions.begin() as session:
                self.saved_id = diagnostics.record_external(
                    session, self.person_id, from_qdate(self.date.date()),
                    self.procedure.currentText(), self.table.blocks)
        except diagnostics.DiagnosticsError as exc:
            QMessageBox.warning(self, "Внешняя оценка", str(exc))
            return
        self.accept()
