"""Tab «Реестр»: organisations and people."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop_app.services import registry
from desktop_app.store.database import Database
from desktop_app.ui.table_model import Column
from desktop_app.ui.widgets import ListPanel

PEOPLE_COLUMNS = [
    Column("ФИО"), Column("Дата рождения"), Column("ОО"), Column("Должность"),
    Column("Категория"), Column("Предмет / направление"), Column("Стаж, лет", align_right=True),
]
ORG_COLUMNS = [
    Column("Краткое наименование"), Column("Тип"), Column("ШНОР"),
    Column("Сложные условия"), Column("Положение о наставничестве"), Column("Действует"),
]


class RegistryTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.inner = QTabWidget(self)
        self.people = ListPanel(PEOPLE_COLUMNS, search_columns=(0,), placeholder="Поиск по ФИО…")
        self.organisations = ListPanel(ORG_COLUMNS, placeholder="Поиск по наименованию…")
        self.inner.addTab(self.people, "Педагоги")
        self.inner.addTab(self.organisations, "Организации")
        layout = QVBoxLayout(self)
        layout.addWidget(self.inner)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            people = registry.list_people(session)
            orgs = registry.list_organisations(session)
        self.people.set_rows([
            (p.fio, p.birth_date, p.organisation, p.position, p.category, p.subject,
             p.experience_years, p.id)
            for p in people
        ])
        self.organisations.set_rows([
            (o.short_name, o.kind, o.is_low_results, o.is_difficult_conditions,
             _act(o.mentoring_act_number, o.mentoring_act_date), o.is_active, o.id)
            for o in orgs
        ])


def _act(number: str, when: object) -> str:
    from desktop_app.ui.table_model import show_value

    if not when:
        return "нет"
    return f"№ {number} от {show_value(when)}" if number else f"от {show_value(when)}"
