"""Tab «Диагностика»: diagnostic sessions and deficits."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.services import diagnostics
from desktop_app.store.database import Database
from desktop_app.ui.table_model import Column
from desktop_app.ui.widgets import ListPanel

COLUMNS = [
    Column("Педагог"), Column("ОО"), Column("Дата"), Column("Вид"),
    Column("Выявлено дефицитов", align_right=True),
]


class DiagnosticsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.list = ListPanel(COLUMNS, search_columns=(0,), placeholder="Поиск по ФИО…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            rows = diagnostics.list_sessions(session)
        self.list.set_rows([
            (s.person, s.organisation, s.session_date, s.kind, s.deficits_found, s.id)
            for s in rows
        ])
