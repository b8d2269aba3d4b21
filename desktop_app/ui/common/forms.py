"""Form helpers shared by the dialogs: optional dates typed as дд.мм.гггг, error labels beside
their fields, Russian standard buttons, combos and scrolled forms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.validation import FieldError
from desktop_app.ui.common.widgets import LimitedTextEdit

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


def dialog_buttons(dialog: QDialog, save: Callable[[], object],
                   ok: str = "Save") -> QDialogButtonBox:
    """Russian «Сохранить»/«ОК» and «Отмена» (whatever Qt translation is loaded), wired to
    save (the dialog's save()) and the dialog's reject()."""
    standard = QDialogButtonBox.StandardButton
    buttons = QDialogButtonBox(getattr(standard, ok) | standard.Cancel, dialog)
    russian_buttons(buttons)
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons


# dates and choices holding a value -----------------------------------------------------------
def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_field(value: date, parent: QWidget) -> QDateEdit:
    """A required date field holding a date, shown and typed as дд.мм.гггг (see RuDateEdit)."""
    edit = RuDateEdit(parent)
    edit.setDate(to_qdate(value))
    return edit


def combo(choices: Sequence[tuple[object, str]], parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    for value, label in choices:
        box.addItem(label, value)
    return box


def select_if_found(box: QComboBox, value: object) -> None:
    """Select the item holding the value; the choice stays as it was if there is none."""
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)
