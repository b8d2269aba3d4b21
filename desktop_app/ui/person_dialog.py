"""The person form: every field of the candidate form of seed 004 (Приложение), in tabs.

The dialog calls registry.add_person/update_person; a refusal is shown beside each field and in a
summary at the top, and nothing is saved. Shared form helpers (optional dates, error labels) live
here too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import Category, CourseKind, EducationLevel
from desktop_app.services import registry
from desktop_app.services.active import full_years_months
from desktop_app.services.validation import (
    PERSON_LABELS,
    CourseInput,
    FieldError,
    PersonInput,
    Refused,
    parse_date_ru,
    person_error,
)
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date

EMPTY_DATE = QDate(1900, 1, 1)
ERROR_STYLE = "color: #b00020;"


# shared helpers -----------------------------------------------------------------------------------
def date_edit(optional: bool = False, parent: QWidget | None = None) -> QDateEdit:
    """A date field shown as дд.мм.гггг; an optional one may be left «не указана»."""
    edit = QDateEdit(parent)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setCalendarPopup(True)
    edit.setMaximumDate(QDate(2100, 12, 31))
    if optional:
        edit.setMinimumDate(EMPTY_DATE)
        edit.setSpecialValueText("не указана")
        edit.setDate(EMPTY_DATE)
    else:
        edit.setMinimumDate(QDate(1920, 1, 1))
        edit.setDate(QDate.currentDate())
    return edit


def get_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == EMPTY_DATE and edit.minimumDate() == EMPTY_DATE:
        return None
    return date(value.year(), value.month(), value.day())


def set_date(edit: QDateEdit, value: date | None) -> None:
    if value is None:
        optional = edit.minimumDate() == EMPTY_DATE
        edit.setDate(EMPTY_DATE if optional else QDate.currentDate())
    else:
        edit.setDate(QDate(value.year, value.month, value.day))


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def enum_combo(choices: list[tuple[str, str]], parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for code, label in choices:
        combo.addItem(label, code)
    return combo


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


class FormErrors:
    """Error labels keyed by field: show refusals beside their fields, clear them on retry."""

    def __init__(self, summary: QLabel) -> None:
        self.summary = summary
        self.labels: dict[str, QLabel] = {}
        self.pages: dict[str, int] = {}

    def add(self, field: str, label: QLabel, page: int = 0) -> None:
        self.labels[field] = label
        self.pages[field] = page

    def clear(self) -> None:
        for label in self.labels.values():
            label.hide()
        self.summary.hide()

    def show(self, message: str, errors: list[FieldError]) -> int | None:
        """Show each error at its field; returns the page of the first one."""
        self.clear()
        texts: dict[str, list[str]] = {}
        for e in errors:
            texts.setdefault(e.field if e.field in self.labels else "", []).append(e.message)
        for field, lines in texts.items():
            if field:
                self.labels[field].setText("\n".join(lines))
                self.labels[field].show()
        self.summary.setText("Не сохранено. " + message if errors else message)
        self.summary.show()
        first = next((e.field for e in errors if e.field in self.pages), None)
        return self.pages[first] if first else None


def row_with_error(widget: QWidget, label: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(1)
    layout.addWidget(widget)
    layout.addWidget(label)
    layout.setAlignment(Qt.AlignmentFlag.AlignTop)
    return box


OK_TEXTS = {"Save": "Сохранить", "Ok": "ОК", "Cancel": "Отмена"}


def dialog_buttons(dialog: QDialog, ok: str = "Save") -> QDialogButtonBox:
    """Russian «Сохранить»/«ОК» and «Отмена» (whatever Qt translation is loaded), wired to
    dialog.save() and reject()."""
    standard = QDialogButtonBox.StandardButton
    buttons = QDialogButtonBox(getattr(standard, ok) | standard.Cancel, dialog)
    buttons.button(getattr(standard, ok)).setText(OK_TEXTS[ok])
    buttons.button(standard.Cancel).setText(OK_TEXTS["Cancel"])
    buttons.accepted.connect(dialog.save)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    return buttons


# the dialog ---------------------------------------------------------------------------------------
COURSE_COLUMNS = ["Название программы", "Вид", "Организация", "Часов", "Окончание (дд.мм.гггг)"]


class PersonDialog(QDialog):
    """Add or edit a person; emits saved(person_id) after a successful save."""

    saved = Signal(int)

    def __init__(self, db: Database, person_id: int | None = None,
                 parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db = db
        self.person_id = person_id
        self._today = today
        self.setWindowTitle("Педагог — новая запись" if person_id is None else "Педагог")
        self.resize(760, 560)
        self.summary = error_label(self)
        self.errors = FormErrors(self.summary)
        self.tabs = QTabWidget(self)
        self._build_main()
        self._build_education()
        self._build_courses()
        self._build_work()
        self._build_experience()
        self._build_contacts()
        buttons = dialog_buttons(self, "Save")
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._load()

    # building -------------------------------------------------------------------------------
    def _page(self, title: str) -> tuple[QFormLayout, int]:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        index = self.tabs.addTab(page, title)
        return form, index

    def _field(self, form: QFormLayout, page: int, name: str, widget: QWidget) -> QWidget:
        label = error_label()
        self.errors.add(name, label, page)
        form.addRow(PERSON_LABELS[name] + ":", row_with_error(widget, label))
        return widget

    def _build_main(self) -> None:
        form, page = self._page("Основное")
        self.last_name = self._field(form, page, "last_name", QLineEdit())
        self.first_name = self._field(form, page, "first_name", QLineEdit())
        self.middle_name = self._field(form, page, "middle_name", QLineEdit())
        self.birth_date = self._field(form, page, "birth_date", date_edit())
        self.birth_date.setDate(QDate(1985, 1, 1))
        self.is_manager = self._field(form, page, "is_manager",
                                      QCheckBox("относится к управленческим кадрам"))
        self.notes = self._field(form, page, "notes", QPlainTextEdit())
        self.notes.setMaximumHeight(70)

    def _build_education(self) -> None:
        form, page = self._page("Образование")
        self.education_level = self._field(form, page, "education_level",
                                           enum_combo(EducationLevel.choices()))
        year = QSpinBox()
        year.setRange(0, 2100)
        year.setSpecialValueText("не указан")
        self.education_year = self._field(form, page, "education_year", year)
        self.education_specialty = self._field(form, page, "education_specialty", QLineEdit())
        self.education_institution = self._field(form, page, "education_institution", QLineEdit())
        self.education_pedagogical = self._field(form, page, "education_pedagogical",
                                                 QCheckBox("образование педагогическое"))

    def _build_courses(self) -> None:
        page = QWidget()
        index = self.tabs.addTab(page, "Курсы")
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Повышение квалификации и профессиональная переподготовка "
                                "(в форму кандидата идут курсы за три последних года)"))
        self.courses = QTableWidget(0, len(COURSE_COLUMNS), page)
        self.courses.setHorizontalHeaderLabels(COURSE_COLUMNS)
        self.courses.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.courses.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.courses.verticalHeader().setVisible(False)
        layout.addWidget(self.courses, 1)
        row = QHBoxLayout()
        add, remove = QPushButton("Добавить курс"), QPushButton("Удалить курс")
        add.clicked.connect(lambda: self.add_course_row(CourseInput(title="")))
        remove.clicked.connect(self._remove_course)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        label = error_label()
        layout.addWidget(label)
        self.errors.add("courses", label, index)

    def add_course_row(self, course: CourseInput) -> None:
        row = self.courses.rowCount()
        self.courses.insertRow(row)
        self.courses.setItem(row, 0, QTableWidgetItem(course.title))
        kind = enum_combo(CourseKind.choices())
        select_data(kind, course.kind)
        self.courses.setCellWidget(row, 1, kind)
        self.courses.setItem(row, 2, QTableWidgetItem(course.provider))
        self.courses.setItem(row, 3, QTableWidgetItem("" if course.hours is None
                                                      else str(course.hours)))
        self.courses.setItem(row, 4, QTableWidgetItem(fmt_date(course.end_date)))

    def _remove_course(self) -> None:
        row = self.courses.currentRow()
        if row >= 0:
            self.courses.removeRow(row)

    def _build_work(self) -> None:
        form, page = self._page("Место работы")
        self.organisation = QComboBox()
        self.organisation.addItem("— без места работы —", None)
        self._field(form, page, "organisation_id", self.organisation)
        self.position = QComboBox()
        self.position.setEditable(True)
        self._field(form, page, "position", self.position)
        self.category = self._field(form, page, "category", enum_combo(Category.choices()))
        self.category_date = self._field(form, page, "category_date", date_edit(optional=True))
        self.ped_experience_start = self._field(form, page, "ped_experience_start",
                                                date_edit(optional=True))
        self.experience_hint = QLabel()
        form.addRow("", self.experience_hint)
        self.ped_experience_start.dateChanged.connect(self._show_experience)
        self.subject = self._field(form, page, "subject", QLineEdit())

    def _build_experience(self) -> None:
        form, page = self._page("Опыт и достижения")
        self.methodical_experience = self._field(form, page, "methodical_experience",
                                                 QPlainTextEdit())
        self.methodical_experience.setPlaceholderText(
            "опыт наставничества, деятельности в методических объединениях, ассоциациях, "
            "сообществах")
        self.achievements = self._field(form, page, "achievements", QPlainTextEdit())

    def _build_contacts(self) -> None:
        form, page = self._page("Контакты и согласие")
        self.phone = self._field(form, page, "phone", QLineEdit())
        self.phone.setPlaceholderText("+7 (913) 123-45-67")
        self.email = self._field(form, page, "email", QLineEdit())
        self.email.setPlaceholderText("имя@школа.ru")
        self.consent_publish = self._field(
            form, page, "consent_publish",
            QCheckBox("согласен(на) на публикацию ФИО, места работы, должности, предметной "
                      "области и e-mail"))
        self.consent_date = self._field(form, page, "consent_date", date_edit(optional=True))

    # loading and saving ---------------------------------------------------------------------
    def _load(self) -> None:
        with self.db.sessions() as session:
            orgs = registry.organisation_choices(session, include_inactive=True)
            active_ids = {oid for oid, _name in registry.organisation_choices(session)}
            positions = registry.positions(session)
            data = (registry.get_person_input(session, self.person_id)
                    if self.person_id is not None else None)
        for oid, name in orgs:
            if oid in active_ids or (data is not None and data.organisation_id == oid):
                self.organisation.addItem(name, oid)
        self.position.addItems(positions)
        self.position.setCurrentText("")
        if data is not None:
            self.set_values(data)

    def set_values(self, data: PersonInput) -> None:
        """Fill the form from a PersonInput."""
        for name in ("last_name", "first_name", "middle_name", "education_specialty",
                     "education_institution", "subject", "phone", "email"):
            getattr(self, name).setText(getattr(data, name))
        for name in ("methodical_experience", "achievements", "notes"):
            getattr(self, name).setPlainText(getattr(data, name))
        for name in ("is_manager", "education_pedagogical", "consent_publish"):
            getattr(self, name).setChecked(getattr(data, name))
        for name in ("birth_date", "category_date", "ped_experience_start", "consent_date"):
            set_date(getattr(self, name), getattr(data, name))
        self.education_year.setValue(data.education_year or 0)
        select_data(self.education_level, data.education_level)
        select_data(self.category, data.category)
        select_data(self.organisation, data.organisation_id)
        self.position.setCurrentText(data.position)
        self.courses.setRowCount(0)
        for course in data.courses:
            self.add_course_row(course)
        self._show_experience()

    def _show_experience(self) -> None:
        start = get_date(self.ped_experience_start)
        if start is None:
            self.experience_hint.setText("")
            return
        years, months = full_years_months(start, self._today())
        self.experience_hint.setText(
            f"стаж на {fmt_date(self._today())}: {registry.plural(years, 'год', 'года', 'лет')} "
            f"{registry.plural(months, 'месяц', 'месяца', 'месяцев')}")

    def read_courses(self) -> tuple[tuple[CourseInput, ...], list[FieldError]]:
        courses, errors = [], []
        for row in range(self.courses.rowCount()):
            cells = [self.courses.item(row, c) for c in (0, 2, 3, 4)]
            title, provider, hours_text, end_text = (c.text().strip() if c else "" for c in cells)
            if not any((title, provider, hours_text, end_text)):
                continue
            hours = int(hours_text) if hours_text.isdigit() else None
            if hours_text and hours is None:
                errors.append(person_error(
                    "courses", f"курс {row + 1}: «{hours_text}» — не число часов"))
            end = parse_date_ru(end_text) if end_text else None
            if end_text and end is None:
                errors.append(person_error(
                    "courses", f"курс {row + 1}: дата «{end_text}» не в формате дд.мм.гггг "
                               "или невозможна"))
            kind = self.courses.cellWidget(row, 1)
            courses.append(CourseInput(title=title, kind=kind.currentData(), provider=provider,
                                       hours=hours, end_date=end))
        return tuple(courses), errors

    def values(self) -> tuple[PersonInput, list[FieldError]]:
        """The form's values and the errors of reading the courses table."""
        courses, errors = self.read_courses()
        year = self.education_year.value()
        data = PersonInput(
            last_name=self.last_name.text(), first_name=self.first_name.text(),
            middle_name=self.middle_name.text(), birth_date=get_date(self.birth_date),
            education_level=self.education_level.currentData(),
            education_year=year or None, education_specialty=self.education_specialty.text(),
            education_institution=self.education_institution.text(),
            education_pedagogical=self.education_pedagogical.isChecked(), courses=courses,
            organisation_id=self.organisation.currentData(),
            position=self.position.currentText(), category=self.category.currentData(),
            category_date=get_date(self.category_date),
            ped_experience_start=get_date(self.ped_experience_start),
            subject=self.subject.text(), is_manager=self.is_manager.isChecked(),
            methodical_experience=self.methodical_experience.toPlainText(),
            phone=self.phone.text(), email=self.email.text(),
            achievements=self.achievements.toPlainText(),
            consent_publish=self.consent_publish.isChecked(),
            consent_date=get_date(self.consent_date), notes=self.notes.toPlainText(),
        )
        return data, errors

    def save(self) -> bool:
        """Validate and save; on refusal show the reasons beside the fields and keep the form."""
        data, errors = self.values()
        if errors:
            self._refused(Refused.from_errors(errors))
            return False
        try:
            with self.db.sessions.begin() as session:
                if self.person_id is None:
                    self.person_id = registry.add_person(session, data, on=self._today())
                else:
                    registry.update_person(session, self.person_id, data, on=self._today())
        except Refused as exc:
            self._refused(exc)
            return False
        self.errors.clear()
        self.saved.emit(self.person_id)
        self.accept()
        return True

    def _refused(self, exc: Refused) -> None:
        page = self.errors.show(exc.message, exc.errors)
        if page is not None:
            self.tabs.setCurrentIndex(page)
