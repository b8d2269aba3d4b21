"""The people picker of the pair dialog: a search field over every active person (30 000 at
region scale, already in Russian order) and a table of them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import pairs
from desktop_app.ui.common.table_model import Column, RowsTableModel

PEOPLE_COLUMNS = [
    Column("ФИО"), Column("ОО"), Column("Должность"), Column("Возраст", align_right=True),
    Column("Стаж", align_right=True, tooltip="Педагогический стаж, полных лет"),
]


class PeoplePicker(QWidget):
    """A search field over every active person (already in Russian order) and a table.

    No sorting by clicking a header: 30 000 names arrive sorted, and a search folds case and ё.
    """

    activated = Signal(object)  # the id of a double-clicked person

    def __init__(self, people: list[pairs.PersonChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsTableModel(PEOPLE_COLUMNS, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Поиск педагога по ФИО или ОО…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply)
        self.count = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        # the name gets the room; short columns keep their width
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(
            lambda ix: self.activated.emit(self.model.row_id(ix.row())))
        for column, width in ((1, 140), (2, 85), (3, 58), (4, 48)):
            self.table.setColumnWidth(column, width)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._people = people
        self._keys: dict[int, str] | None = None  # built on the first search, not to open
        self.model.set_rows([
            (p.fio, p.organisation, p.position, p.age, p.experience_years, p.id) for p in people
        ])
        self._apply()

    def _apply(self) -> None:
        needle = self.search.text().strip().lower().replace("ё", "е")
        if needle and self._keys is None:
            self._keys = {p.id: f"{p.fio} {p.organisation}".lower().replace("ё", "е")
                          for p in self._people}
        keys = self._keys or {}
        self.model.set_filter((lambda row: needle in keys[row[-1]]) if needle else None)
        self.count.setText(f"Найдено: {self.model.rowCount()} из {self.model.total_count()}")
        if self.model.rowCount() == 1:
            self.table.selectRow(0)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_id(rows[0].row()) if rows else None
