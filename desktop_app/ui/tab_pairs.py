"""Tab «Пары»: mentor pairs and groups."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.services import pairs
from desktop_app.store.database import Database
from desktop_app.ui.table_model import Column
from desktop_app.ui.widgets import ListPanel

COLUMNS = [
    Column("Наставник"), Column("ОО наставника"), Column("Наставляемые"),
    Column("Форма"), Column("Статус"), Column("Начало"), Column("Окончание"), Column("Приказ №"),
]


class PairsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.list = ListPanel(COLUMNS, search_columns=(0, 2), placeholder="Поиск по ФИО…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            rows = pairs.list_pairs(session)
        self.list.set_rows([
            (p.mentor, p.mentor_org, p.mentees, p.form, p.status, p.start_date, p.end_date,
             p.order_number, p.id)
            for p in rows
        ])
