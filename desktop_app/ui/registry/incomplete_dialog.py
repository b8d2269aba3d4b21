"""«Неполные записи»: working people and ОО with a value «не указано» or missing; a double
click opens the person's (or the ОО's) form, and a save there refreshes the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.services.incomplete import IncompleteRecord, incomplete_records
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import fit_to_screen, russian_buttons
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel

if TYPE_CHECKING:  # the forms' modules are loaded when a record is opened
    from desktop_app.ui.registry.organisation_dialog import OrganisationDialog
    from desktop_app.ui.registry.person_dialog import PersonDialog

COLUMNS = [Column("Запись"), Column("ФИО / наименование"), Column("ОО"),
           Column("Не указано")]
WIDTHS = (70, 210, 160)
HINT = ("Педагоги и ОО, у которых не указано то, от чего зависят показатели и документы. "
        "Двойной щелчок открывает карточку; после сохранения список обновляется.")


class IncompleteDialog(QDialog):
    """The list of incomplete records; emits changed() after a record was saved from it."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self._today = db, today
        self.child: QDialog | None = None
        self.setWindowTitle("Неполные записи")
        fit_to_screen(self, 980, 560)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.list = ListPanel(COLUMNS, search_columns=(1, 2, 3), parent=self,
                              placeholder="Поиск по ФИО, ОО или тому, что не указано…")
        header = self.list.table.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        self.list.activated.connect(self.open_record)
        # the whole of what is missing for the selected row (the column may cut it short)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.list.table.selectionModel().selectionChanged.connect(self._show_details)
        buttons = russian_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("Закрыть")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(HINT, self))
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.records: list[IncompleteRecord] = []
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            self.records = incomplete_records(session)
        self.list.set_rows([(r.kind_label, r.name, r.organisation, r.missing_text,
                             (r.kind, r.id)) for r in self.records])
        people = sum(1 for r in self.records if r.kind == "person")
        self.summary.setText(
            f"Неполных записей: {len(self.records)} (ОО — {len(self.records) - people}, "
            f"педагогов — {people})." if self.records else
            "Неполных записей нет: у всех работающих педагогов и действующих ОО всё указано.")

    def _show_details(self) -> None:
        key = self.list.selected_id()
        record = next((r for r in self.records if (r.kind, r.id) == key), None)
        self.details.setText("" if record is None else
                             f"{record.name}: не указано — {record.missing_text}.")

    def open_record(self, key: object) -> QDialog | None:
        """The form of a listed person or ОО (not blocking); a save reloads the list."""
        if not isinstance(key, tuple):
            return None
        kind, record_id = key
        dialog: PersonDialog | OrganisationDialog
        if kind == "person":
            from desktop_app.ui.registry.person_dialog import PersonDialog

            dialog = PersonDialog(self.db, record_id, self, self._today)
        else:
            from desktop_app.ui.registry.organisation_dialog import OrganisationDialog

            dialog = OrganisationDialog(self.db, record_id, self, self._today)
        dialog.saved.connect(self._saved)
        self.child = dialog
        dialog.open()
        return dialog

    def _saved(self, _record_id: int) -> None:
        self.reload()
        self.changed.emit()
