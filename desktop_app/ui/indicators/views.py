"""Indicator tab pieces: the coloured indicator table, the drill-down panel, coloured lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import indicators as ind
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.table_model import Column, RowsTableModel
from desktop_app.ui.common.widgets import ListPanel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

GREEN = QColor("#d4efd4")
RED = QColor("#f7d4d4")
Index = QModelIndex | QPersistentModelIndex


class ColouredRowsModel(RowsTableModel):
    """RowsTableModel with a background colour chosen per row."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.colour_of: Callable[[tuple[Any, ...]], QColor | None] = lambda row: None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            colour = self.colour_of(self.row_values(index.row()))
            return QBrush(colour) if colour is not None else None
        return super().data(index, role)



def run_change(view: QWidget, db: Database, title: str, action: Callable[[Session], object],
               reload: Callable[[], None]) -> bool:
    """Run a change in one transaction of the view's db; a refusal is shown over the view under
    the title and nothing is saved; on success the view reloads (reload())."""
    try:
        with db.sessions.begin() as session:
            action(session)
    except ind.IndicatorInputError as exc:
        QMessageBox.warning(view, title, str(exc))
        return False
    reload()
    return True


class ColouredPanel(ListPanel):
    """A ListPanel whose rows can be coloured."""

    def __init__(self, columns: Sequence[Column], colour_of: Callable[[tuple[Any, ...]],
                 QColor | None] | None = None, search_columns: Sequence[int] = (0,),
                 placeholder: str = "Поиск…", parent: QWidget | None = None,
                 widths: Sequence[int] = ()) -> None:
        super().__init__(columns, search_columns, placeholder, parent)
        # a fresh model keeps the rows in the order the service gives until a header is clicked
        self.model = ColouredRowsModel(columns, self)
        if colour_of is not None:
            self.model.colour_of = colour_of
        self.table.setModel(self.model)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def wrap_rows(self) -> None:
        """Wrap long text and fit each row's height to it (for short lists)."""
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def status_colour(status: str) -> QColor | None:
    return {"above": GREEN, "met": GREEN, "below": RED}.get(status)


INDICATOR_COLUMNS = [
    Column("Код"), Column("Показатель"), Column("A", True, "числитель"),
    Column("B", True, "знаменатель"), Column("Факт, %", True), Column("План, %", True),
    Column("Отклонение", True), Column("Оценка"),
]


def indicator_rows(results: Sequence[ind.IndicatorResult]) -> list[tuple[Any, ...]]:
    return [
        (r.code, r.name, r.a, r.b, r.fact, r.plan, r.difference, ind.status_label(r.status),
         r.status, r.code)
        for r in results
    ]


class DrillPanel(QWidget):
    """Who is behind A and behind B of one indicator, exportable to xlsx."""

    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drill: ind.Drill | None = None
        self.title = QLabel("Выберите показатель, чтобы увидеть, кто учтён.", self)
        self.title.setWordWrap(True)
        self.export_button = QPushButton("Выгрузить в Excel…", self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_export)
        self.saved_label = QLabel(self)
        columns = [Column("Наименование / ФИО"), Column("ОО"), Column("Основание")]
        widths = (200, 180)
        self.a_panel = ColouredPanel(columns, None, (0, 1, 2), "Поиск в A…", self, widths)
        self.b_panel = ColouredPanel(columns, None, (0, 1, 2), "Поиск в B…", self, widths)
        self.a_label, self.b_label = QLabel(self), QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.saved_label)
        top.addWidget(self.export_button)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        for label, panel in ((self.a_label, self.a_panel), (self.b_label, self.b_panel)):
            box = QWidget(split)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(label)
            lay.addWidget(panel, 1)
            split.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def show_drill(self, drill: ind.Drill) -> None:
        self.drill = drill
        self.title.setText(f"<b>{drill.code}</b>. {drill.name}{drill.whose} — на "
                           f"{fmt_date(drill.on)}")
        self.a_label.setText(f"Учтены в A (числитель): {len(drill.a_rows)}")
        self.b_label.setText(f"Учтены в B (знаменатель): {len(drill.b_rows)}")
        for panel, rows in ((self.a_panel, drill.a_rows), (self.b_panel, drill.b_rows)):
            panel.set_rows([(r.name, r.organisation, r.reason, (r.kind, r.id)) for r in rows])
        self.export_button.setEnabled(True)

    def choose_export(self) -> None:
        if self.drill is None:
            return
        whose = f", {self.drill.municipality}," if self.drill.municipality else ""
        name = f"Показатель {self.drill.code}{whose} на {fmt_date(self.drill.on)}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel", name,
                                              "Книга Excel (*.xlsx)")
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        assert self.drill is not None
        try:
            ind.write_drill_xlsx(self.drill, path)
        except OSError as exc:
            QMessageBox.critical(self, "Выгрузка", f"Файл «{path}» не записан: {exc.strerror}.")
            return
        self.saved_label.setText(f"Сохранено: {path}")
        self.exported.emit(path)
