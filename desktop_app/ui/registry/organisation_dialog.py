"""The organisation form: names, the municipality (in a database of several: a region's), type,
ШНОР and difficult-conditions flags, the mentoring act, the programme of mentorship, the curator
and contacts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import OrgKind
from desktop_app.services import municipalities, record_versions, registry
from desktop_app.services.validation import ORG_LABELS, OrganisationInput, Refused
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import (
    FormErrors,
    date_edit,
    dialog_buttons,
    enum_combo,
    error_label,
    fit_to_screen,
    get_date,
    row_with_error,
    scrolled,
    select_data,
    set_date,
    set_texts,
)
from desktop_app.ui.common.widgets import LimitedLineEdit

W = TypeVar("W", bound=QWidget)


class OrganisationDialog(QDialog):
    """Add or edit an organisation; emits saved(org_id)."""

    saved = Signal(int)

    def __init__(self, db: Database, org_id: int | None = None, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self.org_id, self._today = db, org_id, today
        self.version: int | None = None  # the organisation's version loaded: its save checks it
        self.setWindowTitle("Организация — новая запись" if org_id is None else "Организация")
        fit_to_screen(self, 720, 600)
        self.summary = error_label(self)
        self.errors = FormErrors(self.summary)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form
        self.short_name = self._field("short_name", LimitedLineEdit())
        self.full_name = self._field("full_name", LimitedLineEdit())
        # shown only where the database holds several municipalities (_load)
        self.municipality = self._field("municipality_id", QComboBox())
        self.kind = self._field("kind", enum_combo(OrgKind.choices()))
        self.is_low_results = QCheckBox("школа с низкими образовательными результатами (ШНОР)")
        self.is_difficult_conditions = QCheckBox("функционирует в сложных социальных условиях")
        form.addRow("", self.is_low_results)
        form.addRow("", self.is_difficult_conditions)
        self.mentoring_act_date = self._field("mentoring_act_date", date_edit(optional=True))
        self.mentoring_act_number = self._field("mentoring_act_number", LimitedLineEdit())
        self.mentoring_programme_date = self._field("mentoring_programme_date",
                                                    date_edit(optional=True))
        self.curator = QComboBox()
        self.curator.addItem("— не назначен —", None)
        self._field("curator_id", self.curator)
        self.head_name = self._field("head_name", LimitedLineEdit())
        self.address = self._field("address", LimitedLineEdit())
        self.phone = self._field("phone", LimitedLineEdit())
        self.email = self._field("email", LimitedLineEdit())
        buttons = dialog_buttons(self, self.save, "Save")
        self.buttons = buttons
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(form)
        page_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scrolled(page), 1)
        layout.addWidget(buttons)
        self._load()
        self.short_name.setFocus()

    def _field(self, name: str, widget: W) -> W:
        label = error_label()
        self.errors.add(name, label)
        self.form.addRow(ORG_LABELS[name].replace(" об утверждении Положения о наставничестве",
                                                  " (Положение о наставничестве)") + ":",
                         row_with_error(widget, label))
        return widget

    def _load(self) -> None:
        with self.db.sessions() as session:
            listed = municipalities.list_municipalities(session)
            self._municipalities(listed)
            if self.org_id is None:  # a new ОО: its type is not guessed
                select_data(self.kind, OrgKind.UNKNOWN.value)
                return
            data = registry.get_organisation_input(session, self.org_id)
            self.version = record_versions.organisation_version(session, self.org_id)
            choices = registry.people_choices(session, organisation_id=self.org_id)
            if data.curator_id is not None and data.curator_id not in dict(choices):
                choices += registry.people_choices(session, ids=[data.curator_id])
        for pid, text in choices:
            self.curator.addItem(text, pid)
        self.set_values(data)

    def _municipalities(self, listed: list[municipalities.MunicipalityRow]) -> None:
        """The municipality's row, where there is a choice: every municipality of the database,
        its own one first (a new ОО's); one municipality alone is not shown."""
        for municipality in listed:
            self.municipality.addItem(municipality.name, municipality.id)
        row = self.municipality.parentWidget()  # the box of row_with_error
        assert row is not None
        self.form.setRowVisible(row, self._several())

    def _several(self) -> bool:
        """Whether the municipality is chosen here (the database holds more than one)."""
        return self.municipality.count() > 1

    def set_values(self, data: OrganisationInput) -> None:
        names = ("short_name", "full_name", "mentoring_act_number", "head_name", "address",
                 "phone", "email")
        set_texts({n: getattr(self, n) for n in names}, {n: getattr(data, n) for n in names})
        select_data(self.kind, data.kind)
        self.is_low_results.setChecked(data.is_low_results)
        self.is_difficult_conditions.setChecked(data.is_difficult_conditions)
        set_date(self.mentoring_act_date, data.mentoring_act_date)
        set_date(self.mentoring_programme_date, data.mentoring_programme_date)
        select_data(self.curator, data.curator_id)
        if data.municipality_id is not None:
            select_data(self.municipality, data.municipality_id)

    def values(self) -> OrganisationInput:
        return OrganisationInput(
            short_name=self.short_name.text(), full_name=self.full_name.text(),
            kind=self.kind.currentData(), is_low_results=self.is_low_results.isChecked(),
            is_difficult_conditions=self.is_difficult_conditions.isChecked(),
            mentoring_act_date=get_date(self.mentoring_act_date),
            mentoring_act_number=self.mentoring_act_number.text(),
            mentoring_programme_date=get_date(self.mentoring_programme_date),
            curator_id=self.curator.currentData(), head_name=self.head_name.text(),
            address=self.address.text(), phone=self.phone.text(), email=self.email.text(),
            municipality_id=self.municipality.currentData() if self._several() else None,
        )

    def save(self) -> bool:
        try:
            with self.db.sessions.begin() as session:
                if self.org_id is None:
                    self.org_id = registry.add_organisation(session, self.values(), self._today())
                else:
                    registry.update_organisation(session, self.org_id, self.values(),
                                                 self._today(), expected_version=self.version)
        except Refused as exc:
            self.errors.show(exc.message, exc.errors)
            return False
        self.saved.emit(self.org_id)
        self.accept()
        return True
