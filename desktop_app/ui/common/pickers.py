"""Choosing from a long list by typing: a person from the registry (ФИО — ОО), a pair."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from desktop_app.services import registry
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import fit_to_screen, russian_buttons
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel, gc_paused


class ChoicePicker(QDialog):
    """Choose one of many rows (id, text shown) by typing part of the text; rows in the order
    given (the list does not sort them again; sortable: a click on the header may)."""

    def __init__(self, title: str, column: str, choices: list[tuple[int, str]],
                 parent: QWidget | None = None, size: tuple[int, int] = (640, 520),
                 sortable: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_to_screen(self, *size)
        self.list = ListPanel([Column(column)], placeholder="Поиск по ФИО…")
        with gc_paused():  # 30 000 rows at region scale
            self.list.set_rows([(text, pid) for pid, text in choices], in_order=0)
        if not sortable:
            self.list.table.setSortingEnabled(False)
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


class PersonPicker(ChoicePicker):
    """Choose a working person by typing part of the ФИО."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        with gc_paused(), db.sessions() as session:  # 30 000 people at region scale
            # they come in Russian order of the text shown
            choices = registry.people_choices(session)
        super().__init__("Выбор педагога", "ФИО — ОО", choices, parent)
