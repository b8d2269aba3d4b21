"""Choosing a person from the registry: a searchable list of working people (ФИО — ОО)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from desktop_app.services import registry
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import fit_to_screen, russian_buttons
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel, gc_paused


class PersonPicker(QDialog):
    """Choose a working person by typing part of the ФИО."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Выбор педагога")
        fit_to_screen(self, 640, 520)
        self.list = ListPanel([Column("ФИО — ОО")], placeholder="Поиск по ФИО…")
        with gc_paused(), db.sessions() as session:  # 30 000 people at region scale
            # they come in Russian order of the text shown: the list does not sort them again
            self.list.set_rows([(text, pid) for pid, text in registry.people_choices(session)],
                               in_order=0)
        self.list.activated.connect(lambda _id: self.accept())
        buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def chosen(self) -> int | None:
        chosen: int | None = self.list.selected_id()
        return chosen
