"""The person form: every field of the candidate form of seed 004 (Приложение), in tabs.

The dialog calls registry.add_person/update_person; a refusal is shown beside each field and in a
summary at the top, and nothing is saved. Shared form helpers (optional dates, error labels) live
here too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
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
from desktop_app.ui.widgets import LimitedLineEdit, LimitedTextEdit

EMPTY_DATE = QDate(1900, 1, 1)
ERROR_STYLE = "color: #b00020;"


# shared helpers -----------------------------------------------------------------------------------
class RuDateEdit(QDateEdit):
    """A date field typed the Russian way, «12.04.1995» or «1.4.1995», digits and dots.

    Qt's own field jumps to the month by itself after «12» and then takes the typed dot as a
    jump to the year; here a dot right after such a jump is swallowed, and a dot (or «,», «/»)
    typed inside a section moves to the next one. An optional field left «не указана» starts
    from today when a digit is typed, opens its calendar on today, and Delete clears it.
    """

    SEPARATORS = ".,/-"

    def __init__(self, parent: QWidget | None = None, optional: bool = False) -> None:
        super().__init__(parent)
        self.optional = optional
        self._advanced = False
        self._day_digits = ""  # the day as typed: «31» stays 31 when the month comes after it
        self._day_typing = False
        self._month_before: int | None = None  # the month shown before a 31-day stand-in
        self._month_typed = False
        self.editingFinished.connect(self._apply_typed_day)
        self.setDisplayFormat("dd.MM.yyyy")
        self.setCalendarPopup(True)
        self.setToolTip("дд.мм.гггг" + ("; Delete — очистить" if optional else ""))

    def is_empty(self) -> bool:
        return self.optional and self.date() == EMPTY_DATE

    def clear_date(self) -> None:
        if self.optional:
            self.setDate(EMPTY_DATE)

    def _select_section(self, index: int) -> None:
        self.setCurrentSectionIndex(index)
        self.setSelectedSection(self.sectionAt(index))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        text = event.text()
        if self.optional and event.key() == Qt.Key.Key_Delete:
            self.clear_date()
            return
        if text and text.isdigit() and self.is_empty():
            self.setDate(QDate.currentDate())
            self._select_section(0)
        if text and text in self.SEPARATORS:
            if not self._advanced and self.currentSectionIndex() < self.sectionCount() - 1:
                self._select_section(self.currentSectionIndex() + 1)
            self._advanced = False
            return
        before = self.currentSectionIndex()
        digit = bool(text) and text.isdigit()
        in_day = self.currentSection() == QDateTimeEdit.Section.DaySection
        if digit and in_day:
            if not self._day_typing:
                self._day_digits = ""
                self._stand_in_month()
            self._day_digits = (self._day_digits + text)[-2:]
        self._month_typed |= digit and self.currentSection() == QDateTimeEdit.Section.MonthSection
        self._day_typing = digit and in_day
        super().keyPressEvent(event)
        self._advanced = bool(text) and text.isdigit() and self.currentSectionIndex() != before
        if event.key() in (Qt.Key.Key_F4, Qt.Key.Key_Down) and self.is_empty():
            self._calendar_on_today()

    def _stand_in_month(self) -> None:
        """Qt checks a typed day against the month shown: «31» typed over 05.11 would become 30
        and «30» over February would be refused. While the day is typed, the next month (it
        has 31 days whenever the shown one has fewer) stands in; the month is put back when the
        typing ends without a month typed."""
        current = self.date()
        if self.is_empty() or current.daysInMonth() == 31:
            return
        self._month_before = current.month()
        self.setDate(QDate(current.year(), current.month() + 1, current.day()))
        self._select_section(0)

    def _apply_typed_day(self) -> None:
        """The typing ended: the day as typed, in the month typed (or the one shown before)."""
        digits, before, month_typed = self._day_digits, self._month_before, self._month_typed
        self._day_digits, self._month_before = "", None
        self._day_typing = self._month_typed = False
        if self.is_empty() or (not digits and before is None):
            return
        current = self.date()
        month = before if before is not None and not month_typed else current.month()
        last = QDate(current.year(), month, 1).daysInMonth()
        day = min(max(int(digits), 1), last) if digits else min(current.day(), last)
        wanted = QDate(current.year(), month, day)
        if wanted != current:
            self.setDate(wanted)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        super().mousePressEvent(event)
        if self.is_empty():
            self._calendar_on_today()

    def _calendar_on_today(self) -> None:
        today = QDate.currentDate()
        self.calendarWidget().setCurrentPage(today.year(), today.month())


def date_edit(optional: bool = False, parent: QWidget | None = None) -> QDateEdit:
    """A date field shown and typed as дд.мм.гггг; an optional one may be left «не указана»."""
    edit = RuDateEdit(parent, optional)
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


UNKNOWN_TEXT = "не указано"


def yes_no_unknown_combo(parent: QWidget | None = None) -> QComboBox:
    """«не указано», «да», «нет» for a yes/no that may be not given (None, True, False)."""
    combo = QComboBox(parent)
    for text, value in ((UNKNOWN_TEXT, None), ("да", True), ("нет", False)):
        combo.addItem(text, value)
    return combo


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


def russian_buttons(buttons: QDialogButtonBox) -> QDialogButtonBox:
    """Qt's Russian translation leaves «OK» in Latin letters: name every standard button."""
    standard = QDialogButtonBox.StandardButton
    for key, text in OK_TEXTS.items():
        button = buttons.button(getattr(standard, key))
        if button is not None:
            button.setText(text)
    return buttons


def scrolled(inner: QWidget) -> QScrollArea:
    """A frameless scroll area around a form: a long form or long error texts never get cut
    on a small screen, they scroll."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(inner)
    return area


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to the wished size but never beyond the free area of the screen (a 1366×768
    laptop with the taskbar leaves about 1366×728, and the window frame takes its title bar)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry() if screen is not None else None
    if free is not None:
        width, height = min(width, free.width() - 16), min(height, free.height() - 48)
    widget.resize(width, height)


def set_texts(edits: dict[str, QLineEdit], values: dict[str, str]) -> None:
    """Fill line edits showing the beginning of each text (Qt would show the end of a long one)."""
    for name, edit in edits.items():
        edit.setText(values.get(name, ""))
        edit.setCursorPosition(0)


def text_edit(height: int | None = None, parent: QWidget | None = None) -> QPlainTextEdit:
    """A multi-line field where Tab moves on to the next field, as in every other field."""
    edit = LimitedTextEdit(parent)
    edit.setTabChangesFocus(True)
    if height is not None:
        edit.setMaximumHeight(height)
    return edit


def dialog_buttons(dialog: QDialog, ok: str = "Save") -> QDialogButtonBox:
    """Russian «Сохранить»/«ОК» and «Отмена» (whatever Qt translation is loaded), wired to
    dialog.save() and reject()."""
    standard = QDialogButtonBox.StandardButton
    buttons = QDialogButtonBox(getattr(standard, ok) | standard.Cancel, dialog)
    russian_buttons(buttons)
    buttons.accepted.connect(dialog.save)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    return buttons


# the dialog ---------------------------------------------------------------------------------------
COURSE_COLUMNS = ["Название программы", "Вид", "Организация", "Часов", "Окончание"]
COURSE_WIDTHS = {1: 235, 2: 160, 3: 60, 4: 100}


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
        buttons = dialog_buttons(self, "Save")
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

    def _field(self, form: QFormLayout, page: int, name: str, widget: QWidget) -> QWidget:
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
        self.courses.horizontalHeaderItem(4).setToolTip("Дата окончания курса, дд.мм.гггг")
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
        self.courses.editItem(self.courses.item(row, 0))

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
        from desktop_app.ui.job_history_page import JobsPage  # it builds on this module

        assert self.person_id is not None
        self.jobs = JobsPage(self.db, self.person_id, self._today)
        self.jobs.changed.connect(self._jobs_changed)
        self.tabs.addTab(self.jobs, "История работы")

    def _jobs_changed(self) -> None:
        """A job was saved: a corrected current position shows here and in the list behind."""
        assert self.person_id is not None
        with self.db.sessions() as session:
            position = registry.get_person_input(session, self.person_id).position
        if position != self._saved_position:
            self.position.setCurrentText(position)
            self._saved_position = position
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
