"""Dialogs of the «Пары» tab: a pair or group with its programme, a status change, a new form
(the people picker of the pair dialog is in people_picker.py)."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import (
    MenteeCategory,
    ModelElement,
    PairDirection,
    PairLevel,
    PairStatus,
)
from desktop_app.services import pairs, record_versions
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import (
    combo,
    date_field,
    fit_to_screen,
    from_qdate,
    russian_buttons,
    scrolled,
    select_if_found,
    text_edit,
    to_qdate,
)
from desktop_app.ui.common.widgets import LimitedLineEdit, LimitedTextEdit, gc_paused
from desktop_app.ui.pairs.people_picker import PeoplePicker


class PairDialog(QDialog):
    """Create or edit a pair (group): participants, pair fields, the programme.

    The dialog saves through the pairs service and commits; refusals keep it open with the
    reason, warnings (load limit, the same direction twice) are shown and must be confirmed.
    """

    def __init__(self, db: Database, pair_id: int | None = None,
                 parent: QWidget | None = None, mentee_ids: tuple[int, ...] = ()) -> None:
        super().__init__(parent)
        self.db, self.pair_id = db, pair_id
        self.saved_id: int | None = None
        self.setWindowTitle("Новая пара (группа)" if pair_id is None else "Пара (группа)")
        self._level_touched = pair_id is not None
        with gc_paused(), db.sessions() as session:
            self._choices = pairs.list_person_choices(session)
            self._people = {p.id: p for p in self._choices}
            self._forms = pairs.list_forms(session)
            data = pairs.pair_input(session, pair_id) if pair_id is not None else None
            # the pair's version loaded: the save is refused if another seat saved it since
            self.version = (record_versions.pair_version(session, pair_id)
                            if pair_id is not None else None)
        if data is not None:
            self._add_missing_people(data)
        self._data = data
        self.mentor_id: int | None = None
        self.mentee_ids: list[int] = []
        # the pair is checked (the notice) once the form is filled, not after each field set
        self._filling = True
        self._build()
        if data is not None:
            self._fill(data)
        for pid in mentee_ids:
            self._add_mentee(pid)
        self._filling = False
        self._refresh_notice()
        fit_to_screen(self, 1060, 700)
        self.people.search.setFocus()

    def _add_missing_people(self, data: pairs.PairInput) -> None:
        """Someone who left (the choices hold only active people) still shows in an old pair."""
        for pid in (data.mentor_id, *data.mentee_ids):
            if pid not in self._people:
                self._people[pid] = pairs.PersonChoice(pid, f"(выбыл) № {pid}", None, "", "",
                                                       "", 0, None)

    # building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._participants_page(), "Участники")
        self.tabs.addTab(self._pair_page(), "Пара")
        self.tabs.addTab(self._programme_page(), "Программа")
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # a group of ten gives ten lines of facts: they scroll, the buttons stay on the screen
        notice_area = scrolled(self.notice)
        notice_area.setMaximumHeight(110)
        self.buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        ))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(notice_area)
        layout.addWidget(self.buttons)

    def _participants_page(self) -> QWidget:
        page = QWidget(self)
        with gc_paused():
            self.people = PeoplePicker(self._choices, page)
        self.people.activated.connect(self._add_mentee)
        self.set_mentor_button = QPushButton("Назначить наставником", page)
        self.set_mentor_button.clicked.connect(lambda: self._set_mentor(self.people.selected_id()))
        self.add_mentee_button = QPushButton("Добавить наставляемого", page)
        self.add_mentee_button.clicked.connect(lambda: self._add_mentee(self.people.selected_id()))
        self.mentor_label = QLabel("Наставник не выбран", page)
        self.mentor_label.setWordWrap(True)
        self.mentees_list = QListWidget(page)
        self.mentees_list.setWordWrap(True)
        self.remove_mentee_button = QPushButton("Убрать наставляемого", page)
        self.remove_mentee_button.clicked.connect(self._remove_mentee)
        side = QVBoxLayout()
        side.addWidget(self.set_mentor_button)
        side.addWidget(self.add_mentee_button)
        side.addSpacing(8)
        side.addWidget(QLabel("<b>Наставник</b>", page))
        side.addWidget(self.mentor_label)
        side.addWidget(QLabel("<b>Наставляемые</b>", page))
        side.addWidget(self.mentees_list, 1)
        side.addWidget(self.remove_mentee_button)
        layout = QHBoxLayout(page)
        layout.addWidget(self.people, 3)
        layout.addLayout(side, 2)
        return page

    def _pair_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.form_box = QComboBox(page)
        self._fill_forms()
        add_form = QPushButton("Добавить форму…", page)
        add_form.clicked.connect(self._new_form)
        row = QHBoxLayout()
        row.addWidget(self.form_box, 1)
        row.addWidget(add_form)
        form.addRow("Форма наставничества:", row)
        self.element_box = combo(ModelElement.choices(), page)
        form.addRow("Элемент модели:", self.element_box)
        self.category_box = combo(MenteeCategory.choices(), page)
        form.addRow("Категория наставляемого:", self.category_box)
        grid = QGridLayout()
        self.direction_boxes: dict[str, QCheckBox] = {}
        for i, (code, label) in enumerate(PairDirection.choices()):
            box = QCheckBox(label, page)
            box.toggled.connect(self._refresh_notice)
            self.direction_boxes[code] = box
            grid.addWidget(box, i // 2, i % 2)
        form.addRow("Направления:", grid)
        self.level_box = combo(PairLevel.choices(), page)
        self.level_box.activated.connect(self._level_chosen)
        form.addRow("Уровень:", self.level_box)
        today = date.today()
        self.start_edit = date_field(today, page)
        self.end_edit = date_field(pairs.duration_limits(today)[1], page)
        self.start_edit.dateChanged.connect(self._refresh_period_hint)
        self.end_edit.dateChanged.connect(self._refresh_period_hint)
        period = QHBoxLayout()
        period.addWidget(QLabel("с", page))
        period.addWidget(self.start_edit)
        period.addWidget(QLabel("по", page))
        period.addWidget(self.end_edit)
        period.addStretch(1)
        form.addRow("Срок программы:", period)
        self.period_hint = QLabel(page)
        form.addRow("", self.period_hint)
        self.status_box = QComboBox(page)
        self._fill_statuses(PairStatus.PLANNED.value, creating=True)
        self.status_box.currentIndexChanged.connect(self._status_changed)
        form.addRow("Статус:", self.status_box)
        self.reason_edit = LimitedLineEdit(page)
        self.reason_edit.setPlaceholderText("Причина досрочного прекращения")
        form.addRow("Причина:", self.reason_edit)
        # the day a completed or early-ended pair actually stopped: it counts up to that day
        self.ended_dated = QCheckBox("указана", page)
        self.ended_edit = date_field(today, page)
        self.ended_edit.setEnabled(False)
        self.ended_dated.toggled.connect(self._ended_toggled)
        ended = QHBoxLayout()
        ended.addWidget(self.ended_dated)
        ended.addWidget(self.ended_edit)
        ended.addStretch(1)
        form.addRow("Дата завершения фактическая:", ended)
        self.order_number = LimitedLineEdit(page)
        self.order_number.setMaximumWidth(160)
        self.order_dated = QCheckBox("от", page)
        self.order_date = date_field(today, page)
        self.order_date.setEnabled(False)
        self.order_dated.toggled.connect(self.order_date.setEnabled)
        order = QHBoxLayout()
        order.addWidget(QLabel("№", page))
        order.addWidget(self.order_number)
        order.addWidget(self.order_dated)
        order.addWidget(self.order_date)
        order.addStretch(1)
        form.addRow("Приказ о закреплении:", order)
        self._status_changed()
        self._refresh_period_hint()
        return page

    def _programme_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.goal_edit = LimitedTextEdit(page)
        self.tasks_edit = LimitedTextEdit(page)
        self.difficulties_edit = LimitedTextEdit(page)
        self.results_edit = LimitedTextEdit(page)
        for edit in (self.goal_edit, self.tasks_edit, self.difficulties_edit, self.results_edit):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(80)
        form.addRow("Цель:", self.goal_edit)
        form.addRow("Задачи:", self.tasks_edit)
        form.addRow("Затруднения наставляемого:", self.difficulties_edit)
        form.addRow("Ожидаемые результаты:", self.results_edit)
        self.deficits_label = QLabel(page)
        self.deficits_list = QListWidget(page)
        form.addRow("Адресные дефициты:", self.deficits_label)
        form.addRow("", self.deficits_list)
        self._refresh_deficits(())
        return page

    def _fill_forms(self, select_id: int | None = None) -> None:
        self.form_box.clear()
        self.form_box.addItem("— по числу наставляемых —", None)
        for f in self._forms:
            self.form_box.addItem(f.name, f.id)
            self.form_box.setItemData(self.form_box.count() - 1, f.description,
                                      Qt.ItemDataRole.ToolTipRole)
        if select_id is not None:
            select_if_found(self.form_box, select_id)

    def _fill_statuses(self, current: str, creating: bool) -> None:
        allowed = [s.value for s in PairStatus] if creating else [
            current, *pairs.TRANSITIONS[current]]
        self.status_box.clear()
        for code in allowed:
            self.status_box.addItem(PairStatus(code).label, code)
        select_if_found(self.status_box, current)

    # filling an existing pair -----------------------------------------------------------------
    def _fill(self, data: pairs.PairInput) -> None:
        self._set_mentor(data.mentor_id)
        for m in data.mentee_ids:
            self._add_mentee(m)
        select_if_found(self.form_box, data.form_id)
        select_if_found(self.element_box, data.model_element)
        select_if_found(self.category_box, data.mentee_category)
        for code, box in self.direction_boxes.items():
            box.setChecked(code in data.directions)
        select_if_found(self.level_box, data.level)
        self.start_edit.setDate(to_qdate(data.start_date))
        self.end_edit.setDate(to_qdate(data.end_date))
        self._fill_statuses(data.status, creating=False)
        self.reason_edit.setText(data.end_reason)
        self.ended_dated.setChecked(data.ended_on is not None)
        if data.ended_on is not None:
            self.ended_edit.setDate(to_qdate(data.ended_on))
        self.order_number.setText(data.order_number)
        if data.order_date is not None:
            self.order_dated.setChecked(True)
            self.order_date.setDate(to_qdate(data.order_date))
        self.goal_edit.setPlainText(data.goal)
        self.tasks_edit.setPlainText(data.tasks)
        self.difficulties_edit.setPlainText(data.difficulties)
        self.results_edit.setPlainText(data.expected_results)
        self._refresh_deficits(data.deficit_ids)

    # participants -----------------------------------------------------------------------------
    def _person_text(self, pid: int) -> str:
        p = self._people[pid]
        if p.experience_years is None:
            experience = "стаж не указан"
        elif p.experience_years == 0:
            experience = "стаж менее года"
        else:
            experience = f"стаж {pairs.years_text(p.experience_years)}"
        org = f", {p.organisation}" if p.organisation else ""
        return f"{p.fio}{org} ({experience})"

    def _set_mentor(self, pid: int | None) -> None:
        if pid is None:
            self._say_error("Выберите педагога в списке слева.")
            return
        if pid in self.mentee_ids:
            self._say_error("Этот педагог уже в списке наставляемых: наставник не может "
                            "наставлять сам себя.")
            return
        self.mentor_id = pid
        self.mentor_label.setText(self._person_text(pid))
        self._participants_changed()

    def _add_mentee(self, pid: int | None) -> None:
        if pid is None:
            self._say_error("Выберите педагога в списке слева.")
            return
        if pid == self.mentor_id:
            self._say_error("Наставник не может быть наставляемым в своей же паре (группе).")
            return
        if pid in self.mentee_ids:
            self._say_error("Этот педагог уже в списке наставляемых.")
            return
        self.mentee_ids.append(pid)
        item = QListWidgetItem(self._person_text(pid))
        item.setData(Qt.ItemDataRole.UserRole, pid)
        self.mentees_list.addItem(item)
        self._participants_changed()

    def _remove_mentee(self) -> None:
        row = self.mentees_list.currentRow()
        if row < 0:
            self._say_error("Выберите наставляемого в списке справа.")
            return
        item = self.mentees_list.takeItem(row)
        self.mentee_ids.remove(item.data(Qt.ItemDataRole.UserRole))
        self._participants_changed()

    def _participants_changed(self) -> None:
        chosen = self._chosen_deficits()
        self._refresh_deficits(chosen)
        if not self._level_touched and self.mentor_id is not None and self.mentee_ids:
            with self.db.sessions() as session:
                select_if_found(self.level_box,
                            pairs.suggest_level(session, self.mentor_id, self.mentee_ids))
        self._refresh_notice()

    def _level_chosen(self) -> None:
        self._level_touched = True
        self._refresh_notice()

    def _refresh_deficits(self, chosen: tuple[int, ...] | list[int]) -> None:
        with self.db.sessions() as session:
            found = pairs.mentee_deficits(session, self.mentee_ids)
        self.deficits_list.clear()
        for d in found:
            item = QListWidgetItem(f"{d.person}: {d.title} ({d.area}; {d.state})")
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = d.id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.deficits_list.addItem(item)
        self.deficits_list.setVisible(bool(found))
        self.deficits_label.setText(
            "Отметьте дефициты, на устранение которых направлена программа."
            if found else "У наставляемых нет выявленных дефицитов (диагностика)."
        )

    def _chosen_deficits(self) -> tuple[int, ...]:
        return tuple(
            self.deficits_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.deficits_list.count())
            if self.deficits_list.item(i).checkState() == Qt.CheckState.Checked
        )

    # period and status ---------------------------------------------------------------------
    def _refresh_period_hint(self) -> None:
        start = from_qdate(self.start_edit.date())
        earliest, latest = pairs.duration_limits(start)
        reason = pairs.duration_error(start, from_qdate(self.end_edit.date()))
        hint = f"От 3 месяцев до 1 года: окончание с {fmt_date(earliest)} по {fmt_date(latest)}."
        self.period_hint.setText(hint if reason is None else f"<span style='color:#b00020'>"
                                 f"{hint}</span>")

    def _status_changed(self) -> None:
        status = self.status_box.currentData()
        self.reason_edit.setEnabled(status == PairStatus.ENDED_EARLY.value)
        final = status in pairs.FINAL_STATUSES
        self.ended_dated.setEnabled(final)
        # an ended pair has its day (today unless changed); a working one has none
        self.ended_dated.setChecked(final)

    def _ended_toggled(self, checked: bool) -> None:
        self.ended_edit.setEnabled(checked and self.ended_dated.isEnabled())

    def _ended_on(self) -> date | None:
        if not (self.ended_dated.isEnabled() and self.ended_dated.isChecked()):
            return None
        return from_qdate(self.ended_edit.date())

    def _new_form(self) -> None:
        dialog = FormDialog(self.db, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            with self.db.sessions() as session:
                self._forms = pairs.list_forms(session)
            self._fill_forms(dialog.saved_id)

    # reading and saving ---------------------------------------------------------------------
    def value(self) -> pairs.PairInput:
        """The input as typed (not yet checked)."""
        order_date = from_qdate(self.order_date.date()) if self.order_dated.isChecked() else None
        data = pairs.PairInput(
            mentor_id=self.mentor_id or 0, mentee_ids=tuple(self.mentee_ids),
            start_date=from_qdate(self.start_edit.date()),
            end_date=from_qdate(self.end_edit.date()), form_id=self.form_box.currentData(),
            model_element=self.element_box.currentData(),
            mentee_category=self.category_box.currentData(),
            directions=tuple(c for c, b in self.direction_boxes.items() if b.isChecked()),
            level=self.level_box.currentData(), status=self.status_box.currentData(),
            end_reason=self.reason_edit.text(), ended_on=self._ended_on(),
            order_number=self.order_number.text(),
            order_date=order_date, goal=self.goal_edit.toPlainText(),
            tasks=self.tasks_edit.toPlainText(),
            difficulties=self.difficulties_edit.toPlainText(),
            expected_results=self.results_edit.toPlainText(),
            deficit_ids=self._chosen_deficits(),
        )
        if self._data is not None:
            data = dataclasses.replace(data, plan=self._data.plan, notes=self._data.notes)
        return data

    def _check(self) -> pairs.PairCheck:
        data = self.value()
        if self.mentor_id is None:
            return pairs.PairCheck(("Поле «Наставник»: назначьте наставника.",), (), "")
        with self.db.sessions() as session:
            return pairs.check_pair(session, data, self.pair_id)

    def _refresh_notice(self) -> None:
        if self._filling:
            return
        if self.mentor_id is None or not self.mentee_ids:
            self.notice.setText("")
            return
        check = self._check()
        lines = [f"<span style='color:#8a5a00'>⚠ {w}</span>" for w in check.warnings]
        lines += [f"<span style='color:#555'>{f}</span>" for f in check.facts]
        self.notice.setText("<br>".join(lines))

    def _say_error(self, text: str) -> None:
        self.notice.setText(f"<span style='color:#b00020'>{text}</span>")

    def confirm_warnings(self, warnings: tuple[str, ...]) -> bool:
        """Ask whether to save despite the warnings (tests replace this method)."""
        answer = QMessageBox.question(
            self, "Предупреждения",
            "\n\n".join(warnings) + "\n\nСохранить пару всё равно?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def save(self) -> None:
        check = self._check()
        if check.errors:
            self._say_error("<br>".join(check.errors))
            return
        if check.warnings and not self.confirm_warnings(check.warnings):
            return
        data = self.value()
        try:
            with self.db.sessions() as session:
                if self.pair_id is None:
                    self.saved_id = pairs.create_pair(session, data)
                else:
                    pairs.update_pair(session, self.pair_id, data,
                                      expected_version=self.version)
                    self.saved_id = self.pair_id
                session.commit()
        except pairs.PairError as exc:
            self._say_error(str(exc))
            return
        self.accept()


class StatusDialog(QDialog):
    """Move a pair along the status path, or end it early with a reason."""

    def __init__(self, db: Database, pair_id: int, current: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.pair_id = db, pair_id
        self.setWindowTitle("Статус пары")
        with db.sessions() as session:  # the change is refused if another seat saved the pair
            self.version = record_versions.pair_version(session, pair_id)
        self.status_box = QComboBox(self)
        for code in pairs.TRANSITIONS.get(current, ()):
            self.status_box.addItem(PairStatus(code).label, code)
        self.reason_edit = LimitedLineEdit(self)
        self.date_edit = date_field(date.today(), self)
        self.date_edit.setToolTip("дд.мм.гггг; день окончания программы (для завершённой или "
                                  "прекращённой досрочно)")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020")
        form = QFormLayout(self)
        form.addRow("Текущий статус:", QLabel(PairStatus(current).label, self))
        form.addRow("Новый статус:", self.status_box)
        form.addRow("Причина досрочного прекращения:", self.reason_edit)
        form.addRow("Дата окончания:", self.date_edit)
        form.addRow(self.error)
        buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        ))
        self.buttons = buttons
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if not self.status_box.count():
            self.error.setText("Статус завершённой или прекращённой пары не меняется.")
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.status_box.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def _status_changed(self) -> None:
        status = self.status_box.currentData()
        self.reason_edit.setEnabled(status == PairStatus.ENDED_EARLY.value)
        # only an end has a date of its own; «действует» is a state, not an event with a day
        self.date_edit.setEnabled(status in pairs.FINAL_STATUSES)

    def save(self) -> None:
        status = self.status_box.currentData()
        on = from_qdate(self.date_edit.date()) if status in pairs.FINAL_STATUSES else None
        try:
            with self.db.sessions() as session:
                pairs.change_status(session, self.pair_id, status, self.reason_edit.text(), on,
                                    expected_version=self.version)
                session.commit()
        except pairs.PairError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class FormDialog(QDialog):
    """A form of mentorship the municipality adds to the shipped ones."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.saved_id: int | None = None
        self.setWindowTitle("Новая форма наставничества")
        self.name_edit = LimitedLineEdit(self)
        self.description_edit = text_edit(90, self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color:#b00020")
        form = QFormLayout(self)
        form.addRow("Название:", self.name_edit)
        form.addRow("Описание:", self.description_edit)
        form.addRow(self.error)
        buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        ))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 220)

    def save(self) -> None:
        try:
            with self.db.sessions() as session:
                self.saved_id = pairs.add_form(session, self.name_edit.text(),
                                               self.description_edit.toPlainText())
                session.commit()
        except pairs.PairError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
