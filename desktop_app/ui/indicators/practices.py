"""Page «Банк практик»: the practices of mentoring the ОО propose, filtered by year, status, ОО
and words; a practice's form (authors picked from the registry, ОО, form of mentorship,
category, description, results, the pairs whose figures show its results, files attached and
opened, the active's decision with its date and meeting), the decision alone, the history and
the year's electronic collection (services/practices.py, practice_files.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import MenteeCategory, PracticeStatus
from desktop_app.services import practice_files, practices
from desktop_app.services.changelog import HistoryEntry
from desktop_app.services.indicators import MAX_YEAR, MIN_YEAR
from desktop_app.services.pairs import list_forms, organisation_choices
from desktop_app.services.practices import PracticeError, PracticeInput
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import (
    combo,
    date_edit,
    dialog_buttons,
    fit_to_screen,
    get_date,
    select_if_found,
    set_date,
    text_edit,
)
from desktop_app.ui.common.pickers import ChoicePicker, PersonPicker
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import LimitedLineEdit
from desktop_app.ui.history_dialog import HistoryDialog
from desktop_app.ui.indicators.views import GREEN, RED, ColouredPanel, run_change
from desktop_app.ui.report_dialog import ReportDialog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TITLE = "Банк практик"
YELLOW = QColor("#fbeec1")
COLUMNS = [
    Column("Название"),
    Column("Авторы"),
    Column("ОО"),
    Column("Год", True),
    Column("Статус"),
    Column("Решение актива"),
    Column("Пары", True, "пары (группы), чьи результаты показывает практика"),
    Column("Файлы", True),
    Column("Форма наставничества"),
]
COLOURS = {PracticeStatus.INCLUDED.value: GREEN, PracticeStatus.REJECTED.value: RED,
           PracticeStatus.REVIEWED.value: YELLOW}


def table_row(r: practices.PracticeRow) -> tuple[object, ...]:
    decision = r.meeting or fmt_date(r.decided_on)
    return (r.title, ", ".join(r.authors), r.organisation, r.year, r.status_label, decision,
            r.pairs, r.files, r.form or "не указана", r.status, r.id)


def row_colour(row: tuple[object, ...]) -> QColor | None:
    return COLOURS.get(str(row[-2]))


def details_html(detail: practices.PracticeDetail, names: list[str],
                 results: tuple[practices.PairResult, ...]) -> str:
    """The selected practice: authors, the description and the linked pairs' figures."""
    data = detail.data
    lines = [f"<b>{escape(data.title)}</b> — {escape(', '.join(names))}"]
    if data.description:
        lines.append(escape(data.description).replace("\n", "<br>"))
    for result in results:
        lines.append(f"<i>{escape(result.mentor)} → {escape(', '.join(result.mentees))} "
                     f"({escape(result.form)})</i>: "
                     + "; ".join(escape(line) for line in result.lines()))
    if not results:
        lines.append("Пары не указаны: результаты пар не показываются.")
    return "<br>".join(lines)


# choosing a pair ---------------------------------------------------------------------------
class PairPicker(ChoicePicker):
    """Choose a pair (group) by typing part of a mentor's or a mentee's name: the authors'
    pairs first, then the newest."""

    def __init__(self, choices: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__("Выбор наставнической пары (группы)",
                         "Наставник → наставляемые (период)", choices, parent, (720, 520),
                         sortable=False)


# the practice's form -----------------------------------------------------------------------
@dataclass
class Choices:
    """What the form offers: the ОО, the forms of mentorship, the meetings, names of people
    and pairs already chosen."""

    organisations: list[tuple[int, str]]
    forms: list[tuple[int, str]]
    meetings: list[tuple[int, str]]
    people: dict[int, str] = field(default_factory=dict)
    pairs: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PracticeChange:
    """What the form saves: the practice, the files to attach and those to detach."""

    data: PracticeInput
    attach: tuple[Path, ...]
    detach: tuple[int, ...]


def load_choices(session: Session, detail: practices.PracticeDetail | None) -> Choices:
    found = Choices(organisation_choices(session), [(f.id, f.name) for f in list_forms(session)],
                    practices.meeting_choices(session))
    if detail is not None:
        found.people = practices.author_names(session, detail.data.author_ids)
        found.pairs = dict(practices.pair_choices(session, detail.data.author_ids,
                                                  detail.data.pair_ids))
    return found


class DecisionFields:
    """The status with the meeting of the active that decided and the date of the decision
    (neither for «предложена»), as rows of a form."""

    def __init__(self, meetings: list[tuple[int, str]], parent: QWidget) -> None:
        self.status = combo(PracticeStatus.choices(), parent)
        self.day = date_edit(optional=True, parent=parent)
        self.meeting = combo([(None, "не указано"), *meetings], parent)
        self.meeting.setToolTip("Дата решения — дата заседания, если оно выбрано")
        self.status.currentIndexChanged.connect(lambda _i: self._enable())
        self._enable()

    def add_to(self, form: QFormLayout) -> None:
        form.addRow("Статус:", self.status)
        form.addRow("Заседание актива:", self.meeting)
        form.addRow("Дата решения:", self.day)

    def _enable(self) -> None:
        decided = self.status.currentData() != PracticeStatus.PROPOSED.value
        self.day.setEnabled(decided)
        self.meeting.setEnabled(decided)

    def set_value(self, status: str, day: date | None, meeting: int | None) -> None:
        select_if_found(self.status, status)
        set_date(self.day, day)
        select_if_found(self.meeting, meeting)
        self._enable()

    def value(self) -> tuple[str, date | None, int | None]:
        status = self.status.currentData()
        if status == PracticeStatus.PROPOSED.value:
            return status, None, None
        meeting = self.meeting.currentData()
        day = get_date(self.day)
        return status, None if meeting is not None and day is None else day, meeting


class PracticeDialog(QDialog):
    """A practice's form: title, ОО, year, form, category, authors in their order, the linked
    pairs, the description and results, the files, the status."""

    def __init__(self, db: Database, choices: Choices, detail: practices.PracticeDetail | None,
                 year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.detail = detail
        self.setWindowTitle("Практика наставничества")
        fit_to_screen(self, 820, 760)
        data = detail.data if detail else None
        self.title = LimitedLineEdit(data.title if data else "", self)
        self.organisation = combo([(None, "— выберите ОО —"), *choices.organisations], self)
        self.year = QSpinBox(self)
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        self.year.setValue(data.year if data and data.year else year)
        self.form = combo([(None, "не указана"), *choices.forms], self)
        self.category = combo(MenteeCategory.choices(), self)
        self.authors = QListWidget(self)
        self.authors.setMaximumHeight(90)
        self.pairs = QListWidget(self)
        self.pairs.setMaximumHeight(90)
        self.description = text_edit(110, self)
        self.results = text_edit(110, self)
        self.files = QListWidget(self)
        self.files.setMaximumHeight(80)
        self.decision = DecisionFields(choices.meetings, self)
        self.detached: list[int] = []
        self._fill(choices)
        self._layout()

    def _fill(self, choices: Choices) -> None:
        detail = self.detail
        select_if_found(self.category, MenteeCategory.UNKNOWN.value)
        if detail is None:
            return
        data = detail.data
        select_if_found(self.organisation, data.organisation_id)
        select_if_found(self.form, data.form_id)
        select_if_found(self.category, data.mentee_category)
        self.description.setPlainText(data.description)
        self.results.setPlainText(data.results)
        for pid in data.author_ids:
            self._add_item(self.authors, choices.people.get(pid, f"педагог № {pid}"), pid)
        for pid in data.pair_ids:
            self._add_item(self.pairs, choices.pairs.get(pid, f"пара № {pid}"), pid)
        for f in detail.files:
            self._add_item(self.files, f"{f.name} ({practice_files.size_text(f.size)})", f.id)
        self.decision.set_value(data.status, data.decided_on, data.meeting_id)

    @staticmethod
    def _add_item(box: QListWidget, text: str, value: object) -> None:
        item = QListWidgetItem(text, box)
        item.setData(Qt.ItemDataRole.UserRole, value)

    def _buttons(self, actions: list[tuple[str, Callable[[], None]]]) -> QWidget:
        holder = QWidget(self)
        row = QVBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for text, action in actions:
            button = QPushButton(text, holder)
            button.clicked.connect(lambda _c=False, a=action: a())
            row.addWidget(button)
        row.addStretch(1)
        return holder

    def _with_buttons(self, box: QListWidget,
                      actions: list[tuple[str, Callable[[], None]]]) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(box, 1)
        row.addWidget(self._buttons(actions))
        return holder

    def _layout(self) -> None:
        form = QFormLayout(self)
        form.addRow("Название:", self.title)
        top = QHBoxLayout()
        top.addWidget(self.organisation, 1)
        top.addWidget(QLabel("Год:", self))
        top.addWidget(self.year)
        form.addRow("ОО:", top)
        form.addRow("Форма наставничества:", self.form)
        form.addRow("Категория наставляемых:", self.category)
        form.addRow("Авторы:", self._with_buttons(self.authors, [
            ("Добавить…", self.add_author), ("Убрать", lambda: self._remove(self.authors)),
            ("Выше", self.author_up)]))
        form.addRow("Краткое описание:", self.description)
        form.addRow("Результаты:", self.results)
        form.addRow("Пары (группы):", self._with_buttons(self.pairs, [
            ("Добавить…", self.add_pair), ("Убрать", lambda: self._remove(self.pairs))]))
        form.addRow("Файлы:", self._with_buttons(self.files, [
            ("Прикрепить…", self.attach), ("Открыть", self.open_file),
            ("Убрать", self.detach)]))
        self.decision.add_to(form)
        form.addRow(dialog_buttons(self, self.accept))

    # authors and pairs -----------------------------------------------------------------
    @staticmethod
    def _values(box: QListWidget) -> tuple[Any, ...]:
        """The values the list's items hold: ids, or the paths of files still to attach."""
        return tuple(box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count()))

    def add_author(self) -> None:
        picker = PersonPicker(self.db, self)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = picker.chosen()
        if chosen is None or chosen in self._values(self.authors):
            return
        with self.db.sessions() as session:
            names = practices.author_names(session, [chosen])
        self._add_item(self.authors, names.get(chosen, f"педагог № {chosen}"), chosen)

    def author_up(self) -> None:
        row = self.authors.currentRow()
        if row > 0:
            item = self.authors.takeItem(row)
            self.authors.insertItem(row - 1, item)
            self.authors.setCurrentRow(row - 1)

    def add_pair(self) -> None:
        with self.db.sessions() as session:
            found = practices.pair_choices(session, self._values(self.authors))
        picker = PairPicker(found, self)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = picker.chosen()
        if chosen is not None and chosen not in self._values(self.pairs):
            self._add_item(self.pairs, dict(found).get(chosen, f"пара № {chosen}"), chosen)

    @staticmethod
    def _remove(box: QListWidget) -> None:
        row = box.currentRow()
        if row >= 0:
            box.takeItem(row)

    # files ------------------------------------------------------------------------------
    def attach(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, "Файлы практики")
        for path in paths:
            problem = practice_files.source_problem(Path(path))
            if problem is not None:
                QMessageBox.warning(self, TITLE, f"Файл не прикреплён: {problem}.")
                continue
            self._add_item(self.files, f"{Path(path).name} (будет прикреплён)", Path(path))

    def open_file(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        value = item.data(Qt.ItemDataRole.UserRole)
        try:
            if isinstance(value, Path):
                path = value
            else:
                with self.db.sessions() as session:
                    path = practice_files.working_copy(session, int(value))
        except PracticeError as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def detach(self) -> None:
        row = self.files.currentRow()
        if row < 0:
            return
        value = self.files.takeItem(row).data(Qt.ItemDataRole.UserRole)
        if not isinstance(value, Path):
            self.detached.append(int(value))

    # the value ---------------------------------------------------------------------------
    def value(self) -> PracticeChange:
        status, day, meeting = self.decision.value()
        data = PracticeInput(
            title=self.title.text(), author_ids=self._values(self.authors),
            organisation_id=self.organisation.currentData(), year=self.year.value(),
            form_id=self.form.currentData(), mentee_category=self.category.currentData(),
            description=self.description.toPlainText(), results=self.results.toPlainText(),
            pair_ids=self._values(self.pairs), status=status, decided_on=day,
            meeting_id=meeting)
        attach = tuple(v for v in self._values(self.files) if isinstance(v, Path))
        return PracticeChange(data, attach, tuple(self.detached))


class DecisionDialog(QDialog):
    """The active's decision on one practice."""

    def __init__(self, row: practices.PracticeRow, meetings: list[tuple[int, str]],
                 meeting_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Решение методического актива")
        self.box = DecisionFields(meetings, self)
        self.box.set_value(row.status, row.decided_on, meeting_id)
        form = QFormLayout(self)
        label = QLabel(f"«{row.title}» — {', '.join(row.authors)}", self)
        label.setWordWrap(True)
        form.addRow(label)
        self.box.add_to(form)
        form.addRow(dialog_buttons(self, self.accept))
        self.resize(640, 200)


def save_change(session: Session, practice_id: int | None, change: PracticeChange,
                expected_version: int | None = None) -> int:
    """The practice added or updated, then its files detached and attached (one transaction);
    expected_version: the version the form was opened with (another seat's newer save refuses
    this one)."""
    if practice_id is None:
        practice_id = practices.add_practice(session, change.data)
    else:
        practices.update_practice(session, practice_id, change.data,
                                  expected_version=expected_version)
    for file_id in change.detach:
        practice_files.remove(session, file_id)
    for path in change.attach:
        practice_files.attach(session, practice_id, path)
    return practice_id


# the page ------------------------------------------------------------------------------------
class PracticesView(QWidget):
    """The practices with the filters, the actions, and the selected practice's details."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = date.today().year
        self.rows: dict[int, practices.PracticeRow] = {}
        self.all_years = QCheckBox("все годы", self)
        self.status_box = combo([(None, "все статусы"), *PracticeStatus.choices()], self)
        self.org_box = QComboBox(self)
        self.summary = QLabel(self)
        self.panel = ColouredPanel(COLUMNS, row_colour, (0, 1, 2), "Поиск по названию, авторам…",
                                   self, (280, 170, 130, 45, 130, 150, 45, 45, 170))
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.org_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.org_box.setMinimumContentsLength(24)
        self._build()
        self.all_years.toggled.connect(lambda _c: self.reload())
        self.status_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.org_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.panel.activated.connect(lambda _key: self.edit())
        self.panel.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._show_details())
        self.reload()

    def _build(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.all_years, QLabel("Статус:", self), self.status_box,
                       QLabel("ОО:", self), self.org_box):
            bar.addWidget(widget)
        bar.addWidget(self.summary, 1)
        actions = QHBoxLayout()
        for text, action in (("Добавить…", self.add), ("Изменить…", self.edit),
                             ("Решение актива…", self.decide), ("Удалить", self.remove),
                             ("История…", self.history), ("Сборник…", self.collection)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _c=False, a=action: a())
            actions.addWidget(button)
        actions.addStretch(1)
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addLayout(actions)
        column.addWidget(self.panel, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        split.addWidget(scroll)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    # loading -----------------------------------------------------------------------------
    def set_period(self, year: int, _on: date | None = None) -> None:
        """The tab's year: the practices of that year (unless «все годы»)."""
        self.year = year
        self.reload()

    def _filter(self) -> practices.PracticeFilter:
        return practices.PracticeFilter(
            year=None if self.all_years.isChecked() else self.year,
            status=self.status_box.currentData(), organisation_id=self.org_box.currentData())

    def reload(self) -> None:
        with self.db.sessions() as session:
            found = practices.list_practices(session, self._filter())
            orgs = organisation_choices(session)
        self._fill_orgs(orgs)
        self.rows = {r.id: r for r in found}
        self.panel.set_rows([table_row(r) for r in found])
        included = sum(r.status == PracticeStatus.INCLUDED.value for r in found)
        when = "за все годы" if self.all_years.isChecked() else f"за {self.year} год"
        self.summary.setText(f"Практик {when}: {len(found)}, из них в банке — {included}")
        self._show_details()

    def _fill_orgs(self, orgs: list[tuple[int, str]]) -> None:
        current = self.org_box.currentData()
        self.org_box.blockSignals(True)
        self.org_box.clear()
        self.org_box.addItem("все ОО", None)
        for oid, name in orgs:
            self.org_box.addItem(name, oid)
        select_if_found(self.org_box, current)
        self.org_box.blockSignals(False)

    def selected(self) -> practices.PracticeRow | None:
        return self.rows.get(self.panel.selected_id())

    def _show_details(self) -> None:
        row = self.selected()
        if row is None:
            self.details.setText("Выберите практику: здесь — её описание и результаты пар.")
            return
        with self.db.sessions() as session:
            detail = practices.get_practice(session, row.id)
            names = list(practices.author_names(session, detail.data.author_ids).values())
            results = practices.pair_results(session, row.id)
        self.details.setText(details_html(detail, names, results))

    # actions -----------------------------------------------------------------------------
    def _run(self, action: Callable[[Session], object]) -> bool:
        return run_change(self, self.db, TITLE, action, self.reload)

    def _need_row(self) -> practices.PracticeRow | None:
        row = self.selected()
        if row is None:
            QMessageBox.information(self, TITLE, "Выберите практику в списке.")
        return row

    def _dialog(self, practice_id: int | None) -> PracticeDialog:
        with self.db.sessions() as session:
            detail = practices.get_practice(session, practice_id) if practice_id else None
            choices = load_choices(session, detail)
        return PracticeDialog(self.db, choices, detail, self.year, self)

    def add(self) -> None:
        dialog = self._dialog(None)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: save_change(s, None, dialog.value())):
                return

    def edit(self) -> None:
        row = self._need_row()
        if row is None:
            return
        dialog = self._dialog(row.id)
        version = dialog.detail.version if dialog.detail else None
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: save_change(s, row.id, dialog.value(), version)):
                return

    def decide(self) -> None:
        row = self._need_row()
        if row is None:
            return
        with self.db.sessions() as session:
            meetings = practices.meeting_choices(session)
            detail = practices.get_practice(session, row.id)
        dialog = DecisionDialog(row, meetings, detail.data.meeting_id, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(lambda s: practices.set_status(s, row.id, *dialog.box.value(),
                                                        expected_version=detail.version)):
                return

    def remove(self) -> None:
        row = self._need_row()
        if row is None:
            return
        answer = QMessageBox.question(self, TITLE, f"Удалить практику «{row.title}» с её "
                                      "файлами?")
        if answer == QMessageBox.StandardButton.Yes and self._run(
                lambda s: practices.delete_practice(s, row.id)):
            practice_files.remove_copies(row.id)

    def history(self) -> None:
        row = self._need_row()
        if row is None:
            return
        db = self.db

        def load(_section: str | None, _text: str) -> list[HistoryEntry]:
            with db.sessions() as session:
                return practices.practice_history(session, row.id)

        HistoryDialog(f"История изменений практики № {row.id}", load, self).exec()

    def collection(self) -> None:
        dialog = ReportDialog(self.db, self, "practices")
        dialog.year.setValue(self.year)
        dialog.exec()
