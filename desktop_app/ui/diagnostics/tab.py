"""Tab «Диагностика»: sessions, a person's deficits, the ИОМ, municipal analysis, mentors."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import diagnostics, municipalities
from desktop_app.store.database import Database
from desktop_app.ui.common.municipality_filter import MunicipalityFilter
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel
from desktop_app.ui.diagnostics.analysis import HeatDialog, SuggestionsDialog
from desktop_app.ui.diagnostics.entry import SessionEntryDialog
from desktop_app.ui.diagnostics.external import ExternalEntryDialog
from desktop_app.ui.diagnostics.person import PictureDialog, RouteDialog

COLUMNS = [
    Column("Педагог"), Column("ОО"), Column("Дата"), Column("Вид"),
    Column("Выявлено дефицитов", align_right=True),
]


class DiagnosticsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._people: dict[int, int] = {}
        self.list = ListPanel(COLUMNS, search_columns=(0, 1), placeholder="Поиск по ФИО или ОО…")
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()  # a row of their own: the search field keeps its width
        for key, text, slot in (
            ("new", "Новая диагностика…", self.new_session),
            ("external", "Внешняя оценка…", self.new_external),
            ("picture", "Дефициты педагога", self.show_picture),
            ("route", "ИОМ…", self.edit_route),
            ("mentors", "Подобрать наставника…", self.suggest),
            ("heat", "Муниципальный анализ…", self.show_heat),
            ("delete", "Удалить…", self.delete_session),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[key] = button
        actions.addStretch(1)
        self.list.activated.connect(lambda _id: self.show_picture())
        self.municipality = MunicipalityFilter(self)
        self.municipality_box = self.municipality.box
        self.municipality_box.currentIndexChanged.connect(self.apply_filter)
        self._orgs: dict[int, int | None] = {}  # session → the person's ОО
        filters = QHBoxLayout()
        for widget in self.municipality.widgets():
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.list)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            rows = diagnostics.list_sessions(session)
            by_municipality = municipalities.organisations_by_municipality(session)
        self._people = {s.id: s.person_id for s in rows}
        self._orgs = {s.id: s.organisation_id for s in rows}
        self.municipality.fill(by_municipality)
        self.list.set_rows([
            (s.person, s.organisation, s.session_date, s.kind, s.deficits_found, s.id)
            for s in rows
        ], extra=self._filter())

    def _filter(self) -> Callable[[tuple[object, ...]], bool] | None:
        """Sessions of people working in the municipality chosen (None: every one)."""
        orgs = self.municipality.organisations()
        if orgs is None:
            return None
        allowed = {sid for sid, oid in self._orgs.items() if oid in orgs}
        return lambda row: row[-1] in allowed

    def apply_filter(self) -> None:
        self.list.set_extra_filter(self._filter())

    def selected_person(self) -> int | None:
        session_id = self.list.selected_id()
        if session_id is None:
            QMessageBox.information(self, "Диагностика", "Выберите строку в списке диагностик.")
            return None
        return self._people.get(session_id)

    def new_session(self) -> None:
        dialog = SessionEntryDialog(self.db, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def new_external(self) -> None:
        person_id = self._people.get(self.list.selected_id() or 0)
        if ExternalEntryDialog(self.db, person_id, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def show_picture(self) -> None:
        person_id = self.selected_person()
        if person_id is not None:
            PictureDialog(self.db, person_id, self).exec()
            self.reload()

    def edit_route(self) -> None:
        person_id = self.selected_person()
        if person_id is not None:
            RouteDialog(self.db, person_id, self).exec()

    def suggest(self) -> None:
        person_id = self.selected_person()
        if person_id is not None:
            SuggestionsDialog(self.db, person_id, self).exec()
            self.reload()

    def show_heat(self) -> None:
        HeatDialog(self.db, self).exec()

    def delete_session(self) -> None:
        """Delete the chosen session after a question; the person's deficits are re-derived."""
        session_id = self.list.selected_id()
        if session_id is None:
            QMessageBox.information(self, "Диагностика", "Выберите строку в списке диагностик.")
            return
        answer = QMessageBox.question(
            self, "Удаление диагностики",
            "Удалить выбранную диагностику со всеми ответами? Дефициты педагога будут "
            "пересчитаны по оставшимся диагностикам.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            with self.db.sessions.begin() as session:
                diagnostics.delete_session(session, session_id)
        except diagnostics.DiagnosticsError as exc:
            QMessageBox.warning(self, "Удаление диагностики", str(exc))
        self.reload()
