"""Tab «Показатели»: the municipal indicators against their plan values."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.services import indicators
from desktop_app.store.database import Database
from desktop_app.ui.table_model import Column
from desktop_app.ui.widgets import ListPanel


class IndicatorsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.layout_ = QVBoxLayout(self)
        self.list: ListPanel | None = None
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            rows = indicators.list_plans(session)
        years = sorted({y for r in rows for y in r.plans})
        columns = [Column("Код"), Column("Показатель"), Column("Ед. изм.")] + [
            Column(f"План {y}", align_right=True) for y in years
        ]
        if self.list is not None:
            self.list.setParent(None)
        self.list = ListPanel(columns, search_columns=(1,), placeholder="Поиск показателя…")
        self.layout_.addWidget(self.list)
        self.list.set_rows([
            (r.code, r.name, r.unit, *[r.plans.get(y) for y in years], r.code) for r in rows
        ])
