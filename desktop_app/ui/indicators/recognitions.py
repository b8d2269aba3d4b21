"""Page «Поощрение наставников»: who meets (or nearly meets) each award's conditions on the tab's
date and why; a nomination recorded from a row, the представление printed, the nominations kept
and the awards' conditions edited (services/recognitions.py, awards.py, nominations.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import AwardMeasure, NominationResult
from desktop_app.services import awards, nominations, recognitions
from desktop_app.services.indicators import IndicatorInputError
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import combo, date_field, dialog_buttons, from_qdate
from desktop_app.ui.common.operations import Operation, Progress, run_in_background
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import LimitedLineEdit
from desktop_app.ui.history_dialog import show_history
from desktop_app.ui.indicators.views import GREEN, ColouredPanel, run_change
from desktop_app.ui.report_dialog import ReportDialog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TITLE = "Поощрение наставников"
Loaded = tuple[recognitions.RecognitionList, list[nominations.NominationRow]]
YELLOW = QColor("#fbeec1")
GREY = QColor("#e4e4e4")
COLUMNS = [
    Column("ФИО"),
    Column("ОО"),
    Column("Награда"),
    Column("Соответствие"),
    Column("Основания (из данных)"),
    Column("Чего не хватает"),
    Column("Выдвижения"),
]
NOMINATION_COLUMNS = [
    Column("Дата"),
    Column("ФИО"),
    Column("ОО"),
    Column("Награда"),
    Column("Результат"),
    Column("Примечание"),
]


def row_colour(row: tuple[Any, ...]) -> QColor | None:
    """Green: meets; yellow: nearly meets; grey: already awarded (an award given once)."""
    found: recognitions.Recognition = row[-2]
    if found.awarded_on is not None:
        return GREY
    return GREEN if found.meets else YELLOW


def table_row(r: recognitions.Recognition) -> tuple[object, ...]:
    return (
        r.name,
        r.organisation,
        r.award_name,
        r.state_label,
        "; ".join(r.reasons),
        "; ".join(r.missing),
        r.nominations_text,
        r,
        (r.person_id, r.award),
    )


def details_html(r: recognitions.Recognition) -> str:
    """The selected row in full: the person, the award, the reasons and what is missing."""
    lines = [f"<b>{escape(r.name)}</b> — {escape(r.award_name)}: {escape(r.state_label)}"]
    lines += [f"✓ {escape(reason)}" for c in r.checks if c.met for reason in (c.reason,)]
    lines += [f"✗ {escape(c.missing)}" for c in r.checks if not c.met]
    if r.nominations:
        lines.append(f"Выдвижения: {escape(r.nominations_text)}")
    return "<br>".join(lines)


class NominationDialog(QDialog):
    """Record a nomination: the award, the date, the result and a note."""

    def __init__(
        self,
        person: str,
        award_list: list[awards.AwardSpec],
        award: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Выдвижение к награде")
        self.award = combo([(a.code, a.name) for a in award_list], self)
        if award is not None and self.award.findData(award) >= 0:
            self.award.setCurrentIndex(self.award.findData(award))
        self.when = date_field(date.today(), self)
        self.result_box = combo(NominationResult.choices(), self)
        self.note = LimitedLineEdit(self)
        self.note.setPlaceholderText("например: представление направлено в управление")
        form = QFormLayout(self)
        form.addRow("Педагог:", QLabel(person, self))
        form.addRow("Награда:", self.award)
        form.addRow("Дата выдвижения:", self.when)
        form.addRow("Результат:", self.result_box)
        form.addRow("Примечание:", self.note)
        form.addRow(dialog_buttons(self, self.accept))
        self.resize(560, 220)

    def value(self) -> tuple[str, date, str, str]:
        return (
            self.award.currentData(),
            from_qdate(self.when.date()),
            self.result_box.currentData(),
            self.note.text(),
        )


class ResultDialog(QDialog):
    """Change a nomination's result and note."""

    def __init__(self, row: nominations.NominationRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Результат выдвижения")
        self.result_box = combo(NominationResult.choices(), self)
        self.result_box.setCurrentIndex(max(self.result_box.findData(row.result), 0))
        self.note = LimitedLineEdit(row.note, self)
        form = QFormLayout(self)
        form.addRow(
            "Выдвижение:",
            QLabel(f"{row.person} — {row.award_name}, {fmt_date(row.nominated_on)}", self),
        )
        form.addRow("Результат:", self.result_box)
        form.addRow("Примечание:", self.note)
        form.addRow(dialog_buttons(self, self.accept))
        self.resize(560, 160)


class ConditionsDialog(QDialog):
    """The conditions of one award: a tick for each measure that applies, its threshold and
    the margin of «почти соответствует»."""

    def __init__(self, award_list: list[awards.AwardSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Условия наград")
        self.awards = {a.code: a for a in award_list}
        self.award = combo([(a.code, a.name) for a in award_list], self)
        self.basis = QLabel(self)
        self.basis.setWordWrap(True)
        grid = QGridLayout()
        for column, title in enumerate(("Условие", "Порог", "Допуск «почти»")):
            grid.addWidget(QLabel(f"<b>{title}</b>", self), 0, column)
        self.rows: dict[str, tuple[QCheckBox, QSpinBox, QSpinBox]] = {}
        for line, measure in enumerate(AwardMeasure, start=1):
            used = QCheckBox(measure.label, self)
            value, near = QSpinBox(self), QSpinBox(self)
            for box in (value, near):
                box.setRange(0, awards.MAX_VALUE)
            near.setToolTip(
                "Насколько можно не дотянуть до порога, чтобы попасть в список "
                "«почти соответствуют» (0 — не попадает)"
            )
            self.rows[measure.value] = (used, value, near)
            for column, widget in enumerate((used, value, near)):
                grid.addWidget(widget, line, column)
        layout = QVBoxLayout(self)
        layout.addWidget(self.award)
        layout.addWidget(self.basis)
        layout.addLayout(grid)
        layout.addWidget(
            QLabel("Условия — данные базы: изменение сразу меняет списки соответствующих.", self)
        )
        layout.addWidget(dialog_buttons(self, self.accept))
        self.award.currentIndexChanged.connect(lambda _i: self._show())
        self._show()

    def _show(self) -> None:
        award = self.awards.get(self.award.currentData())
        if award is None:
            return
        self.basis.setText(award.basis)
        given = {c.measure: c for c in award.conditions}
        for measure, (used, value, near) in self.rows.items():
            condition = given.get(measure)
            used.setChecked(condition is not None)
            value.setValue(condition.value if condition else 0)
            near.setValue(condition.near if condition else 0)

    def apply(self, session: Session) -> None:
        """Write the conditions shown (new and changed first, then the ones unticked)."""
        code = self.award.currentData()
        old = {c.measure for c in self.awards[code].conditions}
        for measure, (used, value, near) in self.rows.items():
            if used.isChecked():
                awards.set_condition(session, code, measure, value.value(), near.value())
        for measure, (used, _value, _near) in self.rows.items():
            if not used.isChecked() and measure in old:
                awards.remove_condition(session, code, measure)


class RecognitionsView(QWidget):
    """Mentors × awards meeting or nearly meeting the conditions; nominations below."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year: int = date.today().year
        self.on: date | None = None
        self.dirty = True
        self.found: recognitions.RecognitionList | None = None
        self.nomination_rows: dict[int, nominations.NominationRow] = {}
        self.operation: Operation[Loaded] | None = None
        self.award_box = QComboBox(self)
        self.award_box.addItem("все награды", None)
        self.near_box = QCheckBox("и почти соответствующие", self)
        self.near_box.setChecked(True)
        self.summary = QLabel(self)
        self.panel = ColouredPanel(
            COLUMNS,
            row_colour,
            (0, 1, 2),
            "Поиск по ФИО, ОО…",
            self,
            (190, 150, 190, 130, 380, 260, 160),
        )
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.nominations = ColouredPanel(
            NOMINATION_COLUMNS, None, (1, 2, 3), "Поиск выдвижения…", self, (80, 220, 160, 260, 100)
        )
        self._build()
        self.award_box.currentIndexChanged.connect(lambda _i: self.show_rows())
        self.near_box.toggled.connect(lambda _c: self.show_rows())
        self.panel.table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._show_details()
        )
        self.panel.activated.connect(lambda _key: self.nominate())

    def _build(self) -> None:
        buttons = [
            ("Выдвинуть…", self.nominate),
            ("Представление…", self.representation),
            ("История педагога…", self.history),
            ("Условия наград…", self.conditions),
        ]
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Награда:", self))
        bar.addWidget(self.award_box)
        bar.addWidget(self.near_box)
        bar.addWidget(self.summary, 1)
        for text, action in buttons:
            button = QPushButton(text, self)
            button.clicked.connect(lambda _c=False, a=action: a())
            bar.addWidget(button)
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.panel, 1)
        column.addWidget(self.details)
        box = QGroupBox("Выдвижения к наградам", self)
        inner = QVBoxLayout(box)
        actions = QHBoxLayout()
        actions.addStretch(1)
        for text, action in (
            ("Изменить результат…", self.change_result),
            ("Удалить", self.remove_nomination),
        ):
            button = QPushButton(text, box)
            button.clicked.connect(lambda _c=False, a=action: a())
            actions.addWidget(button)
        inner.addLayout(actions)
        inner.addWidget(self.nominations, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    # loading -------------------------------------------------------------------------------
    def set_period(self, year: int, on: date | None) -> None:
        """The tab's year and date: computed now when the page is shown, else when it is."""
        self.year, self.on, self.dirty = year, on, True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.dirty:
            self.reload()

    def reload(self) -> None:
        """Compute the lists in the background (a region takes about a second); the rows are
        shown when done. A reload asked for while one runs is done after it."""
        if self.operation is not None and not self.operation.done:
            self.dirty = True
            return
        self.dirty = False
        db, year, on = self.db, self.year, self.on

        def work(_progress: Progress) -> Loaded:
            with db.sessions() as session:
                return (
                    recognitions.recognitions(session, year, on),
                    nominations.list_nominations(session),
                )

        def refused(exc: BaseException) -> bool:
            if isinstance(exc, IndicatorInputError):
                self.summary.setText(str(exc))
                return True
            return False

        self.operation = run_in_background(self, f"{TITLE}: расчёт…", work, self._loaded, refused)
        self.operation.finished.connect(self._again_if_asked)

    def _again_if_asked(self) -> None:
        if self.dirty and self.isVisible():
            self.reload()

    def _loaded(self, loaded: Loaded) -> None:
        self.found, rows = loaded
        current = self.award_box.currentData()
        self.award_box.blockSignals(True)
        self.award_box.clear()
        self.award_box.addItem("все награды", None)
        for award in self.found.awards:
            self.award_box.addItem(award.name, award.code)
        self.award_box.setCurrentIndex(max(self.award_box.findData(current), 0))
        self.award_box.blockSignals(False)
        self.nomination_rows = {r.id: r for r in rows}
        self.nominations.set_rows(
            [
                (
                    r.nominated_on,
                    r.person,
                    r.organisation,
                    r.award_name,
                    r.result_label,
                    r.note,
                    r.id,
                )
                for r in rows
            ]
        )
        self.show_rows()

    def show_rows(self) -> None:
        if self.found is None:
            return
        award, near = self.award_box.currentData(), self.near_box.isChecked()
        rows = [
            r for r in self.found.rows if (award is None or r.award == award) and (r.meets or near)
        ]
        self.panel.set_rows([table_row(r) for r in rows])
        meets = sum(r.meets for r in rows)
        self.summary.setText(
            f"На {fmt_date(self.found.on)}: соответствуют — {meets}, почти "
            f"соответствуют — {len(rows) - meets}"
        )
        self._show_details()

    def selected(self) -> recognitions.Recognition | None:
        key = self.panel.selected_id()
        if self.found is None or key is None:
            return None
        return next((r for r in self.found.rows if (r.person_id, r.award) == key), None)

    def _show_details(self) -> None:
        found = self.selected()
        self.details.setText(
            details_html(found)
            if found
            else "Выберите строку: здесь — все основания и чего не хватает."
        )

    # actions -------------------------------------------------------------------------------
    def _run(self, action: Callable[[Session], object]) -> bool:
        return run_change(self, self.db, TITLE, action, self.reload)

    def _need_row(self) -> recognitions.Recognition | None:
        found = self.selected()
        if found is None:
            QMessageBox.information(self, TITLE, "Выберите педагога в списке.")
        return found

    def nominate(self) -> None:
        found = self._need_row()
        if found is None:
            return
        with self.db.sessions() as session:
            award_list = awards.list_awards(session)
        dialog = NominationDialog(found.name, award_list, found.award, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(
                lambda s: nominations.record_nomination(s, found.person_id, *dialog.value())
            ):
                return

    def representation(self) -> None:
        found = self._need_row()
        if found is not None:
            ReportDialog(self.db, self, "recognition", found.person_id, found.award).exec()

    def history(self) -> None:
        found = self._need_row()
        if found is not None:
            show_history(self, self.db, "person", found.person_id)

    def conditions(self) -> None:
        with self.db.sessions() as session:
            award_list = awards.list_awards(session)
        dialog = ConditionsDialog(award_list, self)
        if self.found is not None and self.award_box.currentData() is not None:
            dialog.award.setCurrentIndex(
                max(dialog.award.findData(self.award_box.currentData()), 0)
            )
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(dialog.apply):
                return

    def _nomination(self) -> nominations.NominationRow | None:
        row = self.nomination_rows.get(self.nominations.selected_id())
        if row is None:
            QMessageBox.information(self, TITLE, "Выберите выдвижение в списке.")
        return row

    def change_result(self) -> None:
        row = self._nomination()
        if row is None:
            return
        dialog = ResultDialog(row, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self._run(
                lambda s: nominations.set_result(
                    s, row.id, dialog.result_box.currentData(), dialog.note.text()
                )
            ):
                return

    def remove_nomination(self) -> None:
        row = self._nomination()
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Удалить выдвижение: {row.person} — {row.award_name}, {fmt_date(row.nominated_on)}?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda s: nominations.delete_nomination(s, row.id))
