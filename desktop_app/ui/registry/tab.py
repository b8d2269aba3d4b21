"""Tab «Реестр»: people (search, filters, form, move, leaving), organisations, the active.

The tab opens the window, so it lists through people_list with plain SQL and loads the
services, SQLAlchemy and its dialogs only when an action needs them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import Category
from desktop_app.services import people_list
from desktop_app.services.people_list import OrganisationRow, PersonFilter, PersonRow
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date, ru_sort_key
from desktop_app.ui.common.municipality_filter import Choice, MunicipalityFilter
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import LazyPage, ListPanel, load_shown_pages

if TYPE_CHECKING:  # the dialogs' modules (and the active panel's) are loaded when used
    from desktop_app.ui.registry.active_panel import ActivePanel, MemberDialog
    from desktop_app.ui.registry.organisation_dialog import OrganisationDialog
    from desktop_app.ui.registry.person_dialog import PersonDialog

PEOPLE_COLUMNS = [
    Column("ФИО"), Column("Дата рождения"), Column("Возраст", align_right=True), Column("ОО"),
    Column("Должность"), Column("Категория"), Column("Предмет / направление"),
    Column("Стаж, лет", align_right=True), Column("Работает"),
    Column("Роли", tooltip="Член актива, наставник, наставляемый"),
]
PEOPLE_WIDTHS = [250, 100, 70, 200, 150, 130, 160, 70, 75]
ORG_WIDTHS = [260, 200, 180, 60, 110, 190, 160, 220, 80]
ORG_COLUMNS = [
    Column("Краткое наименование"), Column("Муниципалитет"), Column("Тип"), Column("ШНОР"),
    Column("Сложные условия"), Column("Положение о наставничестве"),
    Column("Программа наставничества"), Column("Куратор"),
    Column("Педагогов", align_right=True), Column("Действует"),
]

MUNICIPALITY_COLUMN = 1


class StepOnDate(QDialog):
    """Move to another ОО or mark leaving: a date and, for a move, the ОО and position."""

    saved = Signal(int)

    def __init__(self, db: Database, person_id: int, move: bool,
                 parent: QWidget | None = None) -> None:
        from desktop_app.services import registry
        from desktop_app.ui.common.forms import date_edit, dialog_buttons, error_label

        super().__init__(parent)
        self.db, self.person_id, self.moving = db, person_id, move
        self.setWindowTitle("Перевод в другую ОО" if move else "Увольнение / выбытие")
        self.error = error_label(self)
        self.on = date_edit()
        self.organisation = QComboBox()
        self.position = QLineEdit()
        form = QFormLayout()
        with db.sessions() as session:
            person = registry.get_person_input(session, person_id)
            orgs = registry.list_organisations(session, include_inactive=False)
        form.addRow("Педагог:", QLabel(f"{person.last_name} {person.first_name} "
                                       f"{person.middle_name}".strip()))
        if move:
            for o in orgs:
                if o.id != person.organisation_id:
                    self.organisation.addItem(o.short_name, o.id)
            self.position.setText(person.position)
            form.addRow("Новая ОО:", self.organisation)
            form.addRow("Должность:", self.position)
        form.addRow("Дата перевода:" if move else "Дата выбытия:", self.on)
        buttons = dialog_buttons(self, self.save, "Ok")
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> bool:
        from desktop_app.services import registry
        from desktop_app.services.validation import Refused
        from desktop_app.ui.common.forms import get_date

        on = get_date(self.on)
        assert on is not None
        try:
            with self.db.sessions.begin() as session:
                if self.moving:
                    org_id = self.organisation.currentData()
                    if org_id is None:
                        raise Refused("«Новая ОО»: не выбрана.")
                    registry.move_person(session, self.person_id, org_id, on,
                                         self.position.text())
                else:
                    registry.dismiss_person(session, self.person_id, on)
        except Refused as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.saved.emit(self.person_id)
        self.accept()
        return True


def _municipalities(orgs: list[OrganisationRow]) -> list[Choice]:
    """The municipalities of the ОО read, in Russian order, each with its ОО."""
    found: dict[int, tuple[str, set[int]]] = {}
    for o in orgs:
        if o.municipality_id is not None:
            found.setdefault(o.municipality_id, (o.municipality, set()))[1].add(o.id)
    return sorted(((mid, name, frozenset(ids)) for mid, (name, ids) in found.items()),
                  key=lambda m: ru_sort_key(m[1]))


def _in(ids: frozenset[int]) -> Callable[[tuple[object, ...]], bool]:
    """A list's rows whose record id (the last field) is one of ids."""
    return lambda row: row[-1] in ids


class RegistryTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self._today = db, today
        self.dialog: QDialog | None = None
        self._people: list[PersonRow] = []
        self.inner = QTabWidget(self)
        self.people = ListPanel(PEOPLE_COLUMNS, search_columns=(0,), placeholder="Поиск по ФИО…")
        self.organisations = ListPanel(ORG_COLUMNS, placeholder="Поиск по наименованию…")
        self._active_page = LazyPage(self._make_active)  # loaded when first shown
        _widths(self.people, PEOPLE_WIDTHS)
        _widths(self.organisations, ORG_WIDTHS)
        self.inner.addTab(self._people_page(), "Педагоги")
        self.inner.addTab(self._organisations_page(), "Организации")
        self.inner.addTab(self._active_page, "Методический актив")
        load_shown_pages(self.inner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.inner)
        self.reload_organisations(self.reload_people())

    def _make_active(self) -> ActivePanel:
        from desktop_app.ui.registry.active_panel import ActivePanel

        panel = ActivePanel(self.db, self, self._today)  # loads itself
        panel.changed.connect(self.reload_people)
        return panel

    @property
    def active(self) -> ActivePanel:
        """The «Методический актив» panel, built and loaded on first use."""
        return cast("ActivePanel", self._active_page.load())

    def _reload_active(self) -> None:
        """Reload the active panel if it has been loaded (otherwise it loads when shown)."""
        if self._active_page.loaded:
            self.active.reload()

    # people ---------------------------------------------------------------------------------
    def _people_page(self) -> QWidget:
        # shown when the ОО belong to more than one municipality (a region's database)
        self.municipality = MunicipalityFilter()
        self.f_municipality = self.municipality.box
        self.f_municipality.currentIndexChanged.connect(self._municipality_chosen)
        self._orgs: list[OrganisationRow] = []
        self.f_org = QComboBox()
        self.f_position = QComboBox()
        self.f_category = QComboBox()
        self.f_category.addItem("любая категория", None)
        for code, label in Category.choices():
            self.f_category.addItem(label, code)
        self.f_checks = {
            "under_35": QCheckBox("до 35 лет"),
            "young_specialist": QCheckBox("молодой специалист (стаж < 3 лет)"),
            "member": QCheckBox("член актива"),
            "mentor": QCheckBox("наставник"),
            "mentee": QCheckBox("наставляемый"),
        }
        self.f_left = QCheckBox("показывать выбывших")
        for combo in (self.f_org, self.f_position, self.f_category):
            combo.currentIndexChanged.connect(self.apply_filters)
        for check in (*self.f_checks.values(), self.f_left):
            check.toggled.connect(self.apply_filters)
        filters = QHBoxLayout()
        for widget in self.municipality.widgets():
            filters.addWidget(widget)
        self.f_municipality.setMinimumWidth(260)  # the registry's bar has room for a name
        for widget, width in ((self.f_org, 220),
                              (self.f_position, 170), (self.f_category, 200)):
            widget.setMinimumWidth(width)
            widget.setMaximumWidth(width + 80)
            filters.addWidget(widget)
        filters.addStretch(1)
        checks = QHBoxLayout()  # a row of its own, so the tab fits a 1366-px laptop screen
        for check in (*self.f_checks.values(), self.f_left):
            checks.addWidget(check)
        checks.addStretch(1)
        buttons = QHBoxLayout()
        for text, slot in (("Добавить…", self.add_person), ("Изменить…", self.edit_person),
                           ("Перевести в другую ОО…", self.move_person),
                           ("Уволить / выбыл…", self.dismiss_person),
                           ("Предложить в актив…", self.propose_person)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.incomplete_button = QPushButton("Неполные записи…")
        self.incomplete_button.setToolTip("Педагоги и ОО, у которых «не указано» то, от чего "
                                          "зависят показатели и документы")
        self.incomplete_button.clicked.connect(lambda _checked=False: self.show_incomplete())
        buttons.addWidget(self.incomplete_button)
        self._add_history_button(buttons)
        self.people.activated.connect(lambda pid: self.edit_person(pid))
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        layout.addLayout(checks)
        layout.addWidget(self.people, 1)
        return page

    def person_filter(self) -> PersonFilter:
        checks = {key: box.isChecked() for key, box in self.f_checks.items()}
        return PersonFilter(
            organisation_id=self.f_org.currentData(), position=self.f_position.currentData() or "",
            category=self.f_category.currentData(), include_left=self.f_left.isChecked(),
            organisations=self.municipality.organisations(), **checks)

    def _municipality_chosen(self) -> None:
        """The ОО filter lists the ОО of the municipality chosen; both lists follow it."""
        orgs = self.municipality.organisations()
        self._fill_filter(self.f_org, "все ОО", [(o.short_name, o.id) for o in self._orgs
                                                 if orgs is None or o.id in orgs])
        self.organisations.set_extra_filter(None if orgs is None else _in(orgs))
        self.apply_filters()

    def apply_filters(self) -> None:
        self.people.set_extra_filter(self._people_filter())

    def _people_filter(self) -> Callable[[tuple[object, ...]], bool] | None:
        f = self.person_filter()
        if f == PersonFilter(include_left=True):
            return None
        if f == PersonFilter(include_left=False):  # the usual view: those working
            return lambda row: bool(row[8])  # «Работает»
        # the ids passing the filters, computed once; the search then only looks them up
        matches = people_list.matches
        allowed = {row.id for row in self._people if matches(row, f)}
        return lambda row: row[-1] in allowed

    def reload_people(self) -> list[OrganisationRow]:
        """Reload the people and the filter lists; the organisations read are returned."""
        rows = people_list.people_rows(self.db.fetch, self._today(), self.db.dialect)
        orgs = people_list.organisation_rows(self.db.fetch, people=rows,
                                             dialect=self.db.dialect)
        positions = people_list.positions_of(rows)
        self._people = rows
        self._orgs = orgs
        self.municipality.fill(_municipalities(orgs))
        chosen = self.municipality.organisations()
        self._fill_filter(self.f_org, "все ОО", [(o.short_name, o.id) for o in orgs
                                                 if chosen is None or o.id in chosen])
        self._fill_filter(self.f_position, "любая должность", [(p, p) for p in positions])
        # the rows are the list's rows (their first fields are its columns, the id last)
        self.people.set_rows(rows, extra=self._people_filter(),  # with the filters, same pass
                             in_order=0)  # they come in Russian order of the ФИО
        return orgs

    def _fill_filter(
        self, combo: QComboBox, everything: str, items: list[tuple[str, object]]
    ) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _open(self, dialog: PersonDialog | StepOnDate | OrganisationDialog | MemberDialog,
              after: Callable[[int], None]) -> QDialog:
        """Show a dialog without blocking the window; reload after a save."""
        self.dialog = dialog
        dialog.saved.connect(after)
        dialog.open()
        return dialog

    def _after_person(self, person_id: int) -> None:
        self.reload_people()
        self._reload_active()
        row = self.people.model.row_of_id(person_id)
        if row is not None:
            self.people.table.selectRow(row)

    def add_person(self) -> QDialog:
        from desktop_app.ui.registry.person_dialog import PersonDialog

        return self._open(PersonDialog(self.db, None, self, self._today), self._after_person)

    def edit_person(self, person_id: int | None = None) -> QDialog | None:
        person_id = person_id if person_id is not None else self.people.selected_id()
        if person_id is None:
            self._hint("Выберите педагога в списке.")
            return None
        from desktop_app.ui.registry.person_dialog import PersonDialog

        return self._open(PersonDialog(self.db, person_id, self, self._today),
                          self._after_person)

    def _add_history_button(self, buttons: QHBoxLayout) -> None:
        """«История…» next to «Изменить…», enabled while a person is selected."""
        self.history_button = QPushButton("История…")
        self.history_button.setToolTip("Что, когда и как менялось в записи педагога")
        self.history_button.setEnabled(False)
        self.history_button.clicked.connect(self.person_history)
        buttons.insertWidget(2, self.history_button)
        self.people.table.selectionModel().selectionChanged.connect(self._history_enabled)
        self.people.model.modelReset.connect(self._history_enabled)

    def _history_enabled(self) -> None:
        self.history_button.setEnabled(self.people.selected_id() is not None)

    def person_history(self, _checked: bool = False) -> QDialog | None:
        """The change history of the selected person (shown without blocking the window)."""
        person_id = self.people.selected_id()
        if person_id is None:
            self._hint("Выберите педагога в списке.")
            return None
        from desktop_app.ui.history_dialog import history_dialog

        self.dialog = history_dialog(self, self.db, "person", person_id)
        self.dialog.open()
        return self.dialog

    def move_person(self) -> QDialog | None:
        person_id = self.people.selected_id()
        if person_id is None:
            self._hint("Выберите педагога в списке.")
            return None
        return self._open(StepOnDate(self.db, person_id, True, self), self._after_person)

    def dismiss_person(self) -> QDialog | None:
        person_id = self.people.selected_id()
        if person_id is None:
            self._hint("Выберите педагога в списке.")
            return None
        return self._open(StepOnDate(self.db, person_id, False, self), self._after_person)

    def show_incomplete(self) -> QDialog:
        """The list of incomplete records (not blocking); a record saved there reloads the tab."""
        from desktop_app.ui.registry.incomplete_dialog import IncompleteDialog

        dialog = IncompleteDialog(self.db, self, self._today)
        dialog.changed.connect(self.reload)
        self.dialog = dialog
        dialog.open()
        return dialog

    def propose_person(self) -> QDialog | None:
        person_id = self.people.selected_id()
        if person_id is None:
            self._hint("Выберите педагога в списке.")
            return None
        from desktop_app.ui.registry.active_panel import MemberDialog

        dialog = MemberDialog(self.db, person_id=person_id, parent=self)

        def after(_member_id: int) -> None:
            self._reload_active()
            self.reload_people()

        return self._open(dialog, after)

    def _hint(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Реестр", text,
                          QMessageBox.StandardButton.Ok, self)
        self.dialog = box
        box.open()

    # organisations ----------------------------------------------------------------------------
    def _organisations_page(self) -> QWidget:
        buttons = QHBoxLayout()
        for text, slot in (("Добавить…", self.add_organisation),
                           ("Изменить…", self.edit_organisation),
                           ("Сделать недействующей", self.deactivate_organisation),
                           ("Удалить", self.delete_organisation)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.org_message = QLabel()
        self.org_message.setWordWrap(True)
        self.organisations.activated.connect(lambda oid: self.edit_organisation(oid))
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.org_message)
        layout.addWidget(self.organisations, 1)
        return page

    def reload_organisations(self, orgs: list[OrganisationRow] | None = None) -> None:
        if orgs is None:
            orgs = people_list.organisation_rows(self.db.fetch, dialect=self.db.dialect)
        # the municipality's column only where the ОО belong to several: the filter's rule
        self.organisations.table.setColumnHidden(MUNICIPALITY_COLUMN,
                                                 len(_municipalities(orgs)) < 2)
        self.organisations.set_rows([
            (o.short_name, o.municipality, o.kind, o.is_low_results, o.is_difficult_conditions,
             _act(o.mentoring_act_number, o.mentoring_act_date),
             fmt_date(o.mentoring_programme_date) or "нет", o.curator, o.people_count,
             o.is_active, o.id)
            for o in orgs
        ])

    def _after_org(self, _org_id: int) -> None:
        self.reload()

    def add_organisation(self) -> QDialog:
        from desktop_app.ui.registry.organisation_dialog import OrganisationDialog

        return self._open(OrganisationDialog(self.db, None, self, self._today), self._after_org)

    def edit_organisation(self, org_id: int | None = None) -> QDialog | None:
        org_id = org_id if org_id is not None else self.organisations.selected_id()
        if org_id is None:
            self._hint("Выберите организацию в списке.")
            return None
        from desktop_app.ui.registry.organisation_dialog import OrganisationDialog

        return self._open(OrganisationDialog(self.db, org_id, self, self._today), self._after_org)

    def _org_action(self, action: Callable[..., None], done: str) -> bool:
        from desktop_app.services.validation import Refused

        org_id = self.organisations.selected_id()
        if org_id is None:
            self.org_message.setText("Выберите организацию в списке.")
            return False
        try:
            with self.db.sessions.begin() as session:
                action(session, org_id)
        except Refused as exc:
            self.org_message.setText(exc.message)
            return False
        self.org_message.setText(done)
        self.reload()
        return True

    def deactivate_organisation(self) -> bool:
        from desktop_app.services import registry

        return self._org_action(
            lambda s, oid: registry.deactivate_organisation(s, oid, self._today()),
            "Организация отмечена как недействующая; её записи сохранены.")

    def delete_organisation(self) -> bool:
        from desktop_app.services import registry

        return self._org_action(registry.delete_organisation, "Организация удалена.")

    # all --------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.reload_organisations(self.reload_people())
        self._reload_active()


def _widths(panel: ListPanel, widths: list[int]) -> None:
    header = panel.table.horizontalHeader()
    for column, width in enumerate(widths):
        header.resizeSection(column, width)


def _act(number: str, when: date | None) -> str:
    if not when:
        return "нет"
    return f"№ {number} от {fmt_date(when)}" if number else f"от {fmt_date(when)}"
