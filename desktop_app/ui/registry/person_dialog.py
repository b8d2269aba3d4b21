"""The person form: every field of the candidate form of seed 004 (Приложение), in tabs.

The dialog calls registry.add_person/update_person; a refusal is shown beside each field and in a
summary at the top, and nothing is saved. The save passes the person's version the form loaded:
when another seat saved the person meanwhile it is refused the same way (the form stays open with
what was typed). The shared form helpers (optional dates, error labels) are in ui.common.forms,
re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar, cast

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import Category, CourseKind, EducationLevel
from desktop_app.services import record_versions, registry
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
from desktop_app.ui.common.forms import (
    EMPTY_DATE,
    ERROR_STYLE,
    OK_TEXTS,
    UNKNOWN_TEXT,
    FormErrors,
    RuDateEdit,
    date_edit,
    dialog_buttons,
    enum_combo,
    error_label,
    fit_to_screen,
    get_date,
    row_with_error,
    russian_buttons,
    scrolled,
    select_data,
    set_date,
    set_texts,
    text_edit,
    yes_no_unknown_combo,
)
from desktop_app.ui.common.widgets import LimitedLineEdit

# the form helpers other dialogs import from here (they live in ui.common.forms)
__all__ = [
    "PersonDialog", "EMPTY_DATE", "ERROR_STYLE", "OK_TEXTS", "UNKNOWN_TEXT", "FormErrors",
    "RuDateEdit", "date_edit", "dialog_buttons", "enum_combo", "error_label",
    "fit_to_screen", "get_date", "row_with_error", "russian_buttons", "scrolled",
    "select_data", "set_date", "set_texts", "text_edit", "yes_no_unknown_combo"
]

W = TypeVar("W", bound=QWidget)

# the dialog ---------------------------------------------------------------------------------------
COURSE_COLUMNS = ["Название программы", "Вид", "Организация", "Часов", "Окончание"]
COURSE_WIDTHS = {1: 235, 2: 160, 3: 60, 4: 100}


class PersonDialog(QDialog):
    """Add or edit a person; emits saved(person_id) after a successful save."""

    saved = Signal(int)
    _saved_position: str  # the position last saved (set by _load)

    def __init__(self, db: Database, person_id: int | None = None,
                 parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db = db
        self.person_id = person_id
        self._today = today
        # the person's version loaded: the save is refused if another seat saved the person since
        self.version: int | None = None
        self.setWindowTitle("Педагог — новая запись" if person_id is None else "Педагог")
        fit_to_screen(self, 880, 600)
        self.summary = error_label(self)
        self.errors = FormErrors(self.summary)
        self.tabs = QTabWidget(self)
        self._build_main()
        self._build_education()
        self._build_courses()
        self._build_work()
        if person_id is not None:
            self._build_jobs()
        self._build_experience()
        self._build_contacts()
        buttons = dialog_buttons(self, self.save, "Save")
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._load()
        self.tabs.setCurrentIndex(0)
        self.last_name.setFocus()

    # building -------------------------------------------------------------------------------
    def _page(self, title: str) -> tuple[QFormLayout, int]:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        index = self.tabs.addTab(scrolled(page), title)
        return form, index

    def _field(self, form: QFormLayout, page: int, name: str, widget: W) -> W:
        label = error_label()
        self.errors.add(name, label, page)
        form.addRow(PERSON_LABELS[name] + ":", row_with_error(widget, label))
        return widget

    def _build_main(self) -> None:
        form, page = self._page("Основное")
        self.last_name = self._field(form, page, "last_name", LimitedLineEdit())
        self.first_name = self._field(form, page, "first_name", LimitedLineEdit())
        self.middle_name = self._field(form, page, "middle_name", LimitedLineEdit())
        self.birth_date = self._field(form, page, "birth_date", date_edit())
        self.birth_date.setDate(QDate(1985, 1, 1))
        self.is_manager = self._field(form, page, "is_manager",
                                      QCheckBox("относится к управленческим кадрам"))
        self.notes = self._field(form, page, "notes", text_edit(70))

    def _build_education(self) -> None:
        form, page = self._page("Образование")
        self.education_level = self._field(form, page, "education_level",
                                           enum_combo(EducationLevel.choices()))
        year = QSpinBox()
        year.setRange(0, 2100)
        year.setSpecialValueText("не указан")
        self.education_year = self._field(form, page, "education_year", year)
        self.education_specialty = self._field(form, page, "education_specialty",
                                               LimitedLineEdit())
        self.education_institution = self._field(form, page, "education_institution",
                                                 LimitedLineEdit())
        self.education_pedagogical = self._field(form, page, "education_pedagogical",
                                                 yes_no_unknown_combo())

    def _build_courses(self) -> None:
        page = QWidget()
        index = self.tabs.addTab(page, "Курсы")
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Повышение квалификации и профессиональная переподготовка "
                                "(в форму кандидата идут курсы за три последних года)"))
        self.courses = QTableWidget(0, len(COURSE_COLUMNS), page)
        self.courses.setHorizontalHeaderLabels(COURSE_COLUMNS)
        self.courses.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in COURSE_WIDTHS.items():
            self.courses.setColumnWidth(column, width)
        end_header = self.courses.horizontalHeaderItem(4)
        if end_header is not None:  # set by the header labels above
            end_header.setToolTip("Дата окончания курса, дд.мм.гггг")
        self.courses.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.courses.verticalHeader().setVisible(False)
        layout.addWidget(self.courses, 1)
        row = QHBoxLayout()
        add, remove = QPushButton("Добавить курс"), QPushButton("Удалить курс")
        add.clicked.connect(self._new_course)
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

    def _new_course(self) -> None:
        self.add_course_row(CourseInput(title=""))
        row = self.courses.rowCount() - 1
        self.courses.setCurrentCell(row, 0)
        title = self.courses.item(row, 0)
        if title is not None:  # set by add_course_row
            self.courses.editItem(title)

    def _remove_course(self) -> None:
        row = self.courses.currentRow()
        label = self.errors.labels["courses"]
        if row < 0:
            label.setText("Выберите курс в таблице, затем нажмите «Удалить курс».")
            label.show()
            return
        label.hide()
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
        self.subject = self._field(form, page, "subject", LimitedLineEdit())

    def _build_jobs(self) -> None:
        """«История работы»: the person's jobs corrected by hand, each saved at once."""
        from desktop_app.ui.registry.job_history_page import JobsPage  # it builds on this module

        assert self.person_id is not None
        self.jobs = JobsPage(self.db, self.person_id, self._today)
        self.jobs.changed.connect(self._jobs_changed)
        self.tabs.addTab(self.jobs, "История работы")

    def _jobs_changed(self) -> None:
        """A job was saved: a corrected current position shows here and in the list behind."""
        assert self.person_id is not None
        with self.db.sessions() as session:
            position = registry.get_person_input(session, self.person_id).position
            version = record_versions.person_version(session, self.person_id)
        if position != self._saved_position:
            self.position.setCurrentText(position)
            self._saved_position = position
            # the job saved here changed the person's position: a new version of the person
            # made by this form, not by another seat (a later one still refuses the save)
            if self.version is not None and version == self.version + 1:
                self.version = version
        self.saved.emit(self.person_id)

    def _build_experience(self) -> None:
        form, page = self._page("Опыт и достижения")
        self.methodical_experience = self._field(form, page, "methodical_experience",
                                                 text_edit())
        self.methodical_experience.setPlaceholderText(
            "опыт наставничества, деятельности в методических объединениях, ассоциациях, "
            "сообществах")
        self.achievements = self._field(form, page, "achievements", text_edit())

    def _build_contacts(self) -> None:
        form, page = self._page("Контакты и согласие")
        self.phone = self._field(form, page, "phone", LimitedLineEdit())
        self.phone.setPlaceholderText("+7 (913) 123-45-67")
        self.email = self._field(form, page, "email", LimitedLineEdit())
        self.email.setPlaceholderText("имя@школа.ru")
        self.consent_publish = self._field(
            form, page, "consent_publish",
            QCheckBox("согласен(на) на публикацию ФИО, места работы, должности, предметной "
                      "области и e-mail"))
        self.consent_date = self._field(form, page, "consent_date", date_edit(optional=True))

    # loading and saving ---------------------------------------------------------------------
    def _load(self) -> None:
        with self.db.sessions() as session:
            orgs = registry.organisation_choices(session)
            positions = registry.positions(session)
            data = (registry.get_person_input(session, self.person_id)
                    if self.person_id is not None else None)
            if self.person_id is not None:
                self.version = record_versions.person_version(session, self.person_id)
        for oid, name, active in orgs:
            if active or (data is not None and data.organisation_id == oid):
                self.organisation.addItem(name, oid)
        self.position.addItems(positions)
        self.position.setCurrentText("")
        self._saved_position = data.position if data is not None else ""
        if data is not None:
            self.set_values(data)
        else:  # a new person: nothing guessed until the methodist chooses
            select_data(self.education_level, EducationLevel.UNKNOWN.value)
            select_data(self.category, Category.UNKNOWN.value)

    def set_values(self, data: PersonInput) -> None:
        """Fill the form from a PersonInput."""
        names = ("last_name", "first_name", "middle_name", "education_specialty",
                 "education_institution", "subject", "phone", "email")
        set_texts({n: getattr(self, n) for n in names}, {n: getattr(data, n) for n in names})
        for name in ("methodical_experience", "achievements", "notes"):
            getattr(self, name).setPlainText(getattr(data, name))
        for name in ("is_manager", "consent_publish"):
            getattr(self, name).setChecked(getattr(data, name))
        select_data(self.education_pedagogical, data.education_pedagogical)
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
            if not title:
                errors.append(person_error("courses", f"курс {row + 1}: не указано название"))
            hours = int(hours_text) if hours_text.isdigit() else None
            if hours_text and hours is None:
                errors.append(person_error(
                    "courses", f"курс {row + 1}: «{hours_text}» — не число часов"))
            end = parse_date_ru(end_text) if end_text else None
            if end_text and end is None:
                errors.append(person_error(
                    "courses", f"курс {row + 1}: дата «{end_text}» не в формате дд.мм.гггг "
                               "или невозможна"))
            kind = cast(QComboBox, self.courses.cellWidget(row, 1))  # set by add_course_row
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
            education_pedagogical=self.education_pedagogical.currentData(), courses=courses,
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
                    registry.update_person(session, self.person_id, data, on=self._today(),
                                           expected_version=self.version)
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
