"""Sub-tab «Методический актив»: members and candidates, their path, eligibility, composition,
gaps and the public list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import ActiveDirection, ActiveRole, ActiveStatus
from desktop_app.services import active, record_versions, registry
from desktop_app.services.validation import Refused
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import (
    date_edit,
    dialog_buttons,
    enum_combo,
    error_label,
    fit_to_screen,
    get_date,
    scrolled,
    text_edit,
)
from desktop_app.ui.common.pickers import PersonPicker
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel

MEMBER_COLUMNS = [
    Column("ФИО"), Column("ОО"), Column("Статус"), Column("Роль"), Column("Направления"),
    Column("Предметная область"), Column("Основания"), Column("Приказ"),
    Column("Требованиям", tooltip="Соответствие требованиям на сегодня"),
]
PUBLIC_COLUMNS = [
    Column("ФИО"), Column("Место работы"), Column("Должность"),
    Column("Курируемая предметная область"), Column("E-mail"),
]


class MemberDialog(QDialog):
    """Role, directions, subject area, grounds and notes of a candidate or member."""

    saved = Signal(int)

    def __init__(self, db: Database, person_id: int | None = None, member_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.person_id, self.member_id = db, person_id, member_id
        self.setWindowTitle("Кандидат в методический актив" if member_id is None
                            else "Член методического актива")
        fit_to_screen(self, 760, 640)
        self.error = error_label(self)
        self.who = QLabel(self)
        self.role = enum_combo(ActiveRole.choices())
        self.subject_area = QLineEdit()
        self.request_date = date_edit(optional=True)
        self.directions = {d.value: QCheckBox(d.label) for d in ActiveDirection}
        self.grounds: dict[int, QCheckBox] = {}
        self.notes = text_edit(60)
        self._build()

    def _build(self) -> None:
        with self.db.sessions() as session:
            preset = active.preset_in_force(session)
            row = active.get_member(session, self.member_id) if self.member_id else None
            # the member's version loaded: the save is refused if another seat saved it since
            self.version = (record_versions.member_version(session, self.member_id)
                            if self.member_id else None)
            if self.person_id:
                person_id = self.person_id
            else:  # a member edited: the dialog is given the member, not the person
                assert row is not None
                person_id = row.person_id
            choices = registry.people_choices(session, ids=[person_id])
        form = QFormLayout()
        form.addRow("Педагог:", self.who)
        self.who.setText(choices[0][1] if choices else "")
        form.addRow("Роль:", self.role)
        form.addRow("Курируемая предметная область:", self.subject_area)
        if self.member_id is None:
            form.addRow("Дата запроса о кандидатах:", self.request_date)
        box = QGroupBox("Направления деятельности (Положение о ММА, п. 2.1)")
        inner = QVBoxLayout(box)
        for check in self.directions.values():
            inner.addWidget(check)
        grounds = QGroupBox(f"Основания включения — {preset.name}")
        g_layout = QVBoxLayout(grounds)
        for g in preset.grounds:
            check = QCheckBox(f"{g.number})")
            check.setToolTip(g.text)
            self.grounds[g.id] = check
            g_layout.addLayout(_wrapped_check(check, g.text))
        g_layout.addStretch(1)
        scroll = scrolled(grounds)
        scroll.setMinimumHeight(160)
        buttons = dialog_buttons(self, self.save, "Save")
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addWidget(scroll, 1)
        layout.addWidget(QLabel("Примечание:"))
        layout.addWidget(self.notes)
        layout.addWidget(buttons)
        if row is not None:
            self._fill(row)
        self.role.setFocus()

    def _fill(self, row: active.MemberRow) -> None:
        self.role.setCurrentIndex(max(self.role.findData(row.role_code), 0))
        self.subject_area.setText(row.subject_area)
        for code in row.direction_codes:
            self.directions[code].setChecked(True)
        for gid in row.ground_ids:
            if gid in self.grounds:
                self.grounds[gid].setChecked(True)
        self._kept_grounds = [g for g in row.ground_ids if g not in self.grounds]
        self.notes.setPlainText(row.notes)

    def values(self) -> active.MemberInput:
        chosen = [gid for gid, check in self.grounds.items() if check.isChecked()]
        return active.MemberInput(
            role=self.role.currentData(), subject_area=self.subject_area.text(),
            directions=tuple(c for c, check in self.directions.items() if check.isChecked()),
            ground_ids=tuple(getattr(self, "_kept_grounds", []) + chosen),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> bool:
        try:
            with self.db.sessions.begin() as session:
                if self.member_id is None:
                    assert self.person_id is not None
                    self.member_id = active.add_candidate(
                        session, self.person_id, self.values(), get_date(self.request_date))
                else:
                    active.update_member(session, self.member_id, self.values(),
                                         expected_version=self.version)
        except Refused as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.saved.emit(self.member_id)
        self.accept()
        return True


class StepDialog(QDialog):
    """One step of the path: представить, отметить диагностику, включить, исключить."""

    TITLES = {
        ActiveStatus.SUBMITTED: "Представить кандидата",
        ActiveStatus.DIAGNOSED: "Отметить прохождение диагностики",
        ActiveStatus.INCLUDED: "Включить в состав актива",
        ActiveStatus.EXCLUDED: "Исключить из состава актива",
    }
    saved = Signal(int)

    def __init__(self, db: Database, member_id: int, target: ActiveStatus,
                 parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self.member_id, self.target = db, member_id, target
        self.setWindowTitle(self.TITLES[target])
        fit_to_screen(self, 600, 360)
        self.error = error_label(self)
        self.on = date_edit()
        form = QFormLayout()
        with db.sessions() as session:
            row = active.get_member(session, member_id, today())
            orgs = registry.list_organisations(session, include_inactive=False)
            self._preset = active.preset_in_force(session)
        form.addRow("Кандидат:", QLabel(f"{row.fio} — {row.organisation}"))
        form.addRow("Дата:", self.on)
        self.by_org = QComboBox()
        self.by_body = QLineEdit()
        self.order_number = QLineEdit()
        self.reason = text_edit(70)
        self.requirements = QLabel()
        self.requirements.setWordWrap(True)
        if target == ActiveStatus.SUBMITTED:
            self.by_org.addItem("— не ОО (орган, ГМО …) —", None)
            for o in orgs:
                self.by_org.addItem(o.short_name, o.id)
            form.addRow("Представила ОО:", self.by_org)
            form.addRow("или орган / объединение:", self.by_body)
        elif target == ActiveStatus.INCLUDED:
            form.addRow("Номер приказа:", self.order_number)
            form.addRow("Требования:", self.requirements)
            self.reason_label = QLabel("Причина включения\nвопреки требованиям:")
            form.addRow(self.reason_label, self.reason)
            # eligibility is checked on the date of the order, which the user may change
            self.on.dateChanged.connect(self._show_eligibility)
            self._show_eligibility()
        elif target == ActiveStatus.EXCLUDED:
            form.addRow("Причина исключения:", self.reason)
        buttons = dialog_buttons(self, self.save, "Ok")
        self.buttons = buttons
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.error)
        page_layout.addLayout(form)
        page_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolled(page), 1)
        layout.addWidget(buttons)
        self.on.setFocus()

    def eligibility(self) -> active.Eligibility:
        """The candidate's eligibility on the date in the field (the date of the order)."""
        on = get_date(self.on)
        assert on is not None
        with self.db.sessions() as session:
            return active.member_eligibility(session, self.member_id, on)

    def _show_eligibility(self) -> None:
        result = self.eligibility()
        self.requirements.setText(_eligibility_text(result))
        self.reason_label.setVisible(not result.eligible)
        self.reason.setVisible(not result.eligible)

    def save(self) -> bool:
        on = get_date(self.on)
        assert on is not None
        reason = self.reason.toPlainText()
        try:
            with self.db.sessions.begin() as session:
                if self.target == ActiveStatus.SUBMITTED:
                    active.submit(session, self.member_id, on, self.by_org.currentData(),
                                  self.by_body.text())
                elif self.target == ActiveStatus.DIAGNOSED:
                    active.mark_diagnosed(session, self.member_id, on)
                elif self.target == ActiveStatus.INCLUDED:
                    active.include(session, self.member_id, self.order_number.text(), on, reason)
                else:
                    active.exclude(session, self.member_id, on, reason)
        except Refused as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.saved.emit(self.member_id)
        self.accept()
        return True


def _eligibility_text(result: active.Eligibility) -> str:
    lines = [f"{'✔' if c.ok else '✘'} {c.label}: {c.detail}" for c in result.checks]
    head = "Соответствует требованиям." if result.eligible else "Не соответствует требованиям."
    return head + "\n" + "\n".join(lines)


class ActivePanel(QWidget):
    """Members and candidates with their path; composition and gaps; the public list."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self._today = db, today
        self.dialog: QDialog | None = None
        self._rows: dict[int, active.MemberRow] = {}
        self.members = ListPanel(MEMBER_COLUMNS, search_columns=(0, 1),
                                 placeholder="Поиск по ФИО или ОО…")
        self.status_filter = QComboBox()
        self.status_filter.addItem("все записи", None)
        for code, label in ActiveStatus.choices():
            self.status_filter.addItem(label, code)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.members.toolbar.insertWidget(1, QLabel("Статус:"))
        self.members.toolbar.insertWidget(2, self.status_filter)
        self.members.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.members.activated.connect(lambda _id: self.edit_member())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.public = ListPanel(PUBLIC_COLUMNS, placeholder="Поиск по ФИО…")
        self._build()
        self.reload()

    def _build(self) -> None:
        buttons = QHBoxLayout()
        # shadows QWidget.actions() on purpose: the tests read panel.actions[key]
        self.actions: dict[str, QPushButton] = {}  # type: ignore[assignment]
        for key, text, slot in (
            ("propose", "Предложить кандидата…", self.propose),
            ("edit", "Изменить…", self.edit_member),
            ("submit", "Представить…", lambda: self.step(ActiveStatus.SUBMITTED)),
            ("diagnose", "Отметить диагностику…", lambda: self.step(ActiveStatus.DIAGNOSED)),
            ("include", "Включить…", lambda: self.step(ActiveStatus.INCLUDED)),
            ("exclude", "Исключить…", lambda: self.step(ActiveStatus.EXCLUDED)),
            ("withdraw", "Отозвать кандидатуру", self.withdraw),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.actions[key] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(_boxed("Выбранная запись", self.details))
        side_layout.addWidget(_boxed("Состав и пробелы", self.summary))
        side_layout.addStretch(1)
        self.details.setMinimumHeight(120)
        header = self.members.table.horizontalHeader()
        for column, width in enumerate((220, 160, 120, 130, 160, 130, 80, 140)):
            header.resizeSection(column, width)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(side)
        split = QSplitter()
        split.addWidget(self.members)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(buttons)
        page_layout.addWidget(split, 1)
        public_page = QWidget()
        public_layout = QVBoxLayout(public_page)
        public_layout.addWidget(QLabel(
            "Списочный состав для сайта (Положение о ММАН, п. 2.3): только включённые в актив, "
            "давшие согласие на публикацию."))
        public_layout.addWidget(self.public, 1)
        self.inner = QTabWidget(self)
        self.inner.addTab(page, "Состав и кандидаты")
        self.inner.addTab(public_page, "Публичный список")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inner)

    # data -----------------------------------------------------------------------------------
    def reload(self) -> None:
        on = self._today()
        with self.db.sessions() as session:
            rows = active.list_members(session, on)
            comp = active.composition(session, on, rows)
            found = active.gaps(session, on)
            public = active.public_list(session, on)
            preset = active.preset_in_force(session)
        self._rows.clear()  # in place: the status filter in use holds this dict
        self._rows.update((r.id, r) for r in rows)
        self.members.set_rows([
            (r.fio, r.organisation, r.status, r.role, r.directions, r.subject_area, r.grounds,
             _order(r), "да" if r.eligibility.eligible else "нет", r.id)
            for r in rows
        ])
        self.public.set_rows([(p.fio, p.place_of_work, p.position, p.subject_area, p.email, i)
                              for i, p in enumerate(public)])
        self.summary.setText(_summary_text(comp, found, preset.name, on))
        self._show_selected()

    def _apply_filter(self) -> None:
        status = self.status_filter.currentData()
        rows = self._rows
        self.members.set_extra_filter(
            None if status is None else (lambda row: rows[row[-1]].status_code == status))

    def selected(self) -> active.MemberRow | None:
        member_id = self.members.selected_id()
        return self._rows.get(member_id) if member_id is not None else None

    def select_member(self, member_id: int) -> None:
        row = self.members.model.row_of_id(member_id)
        if row is not None:
            self.members.table.selectRow(row)

    def _show_selected(self) -> None:
        row = self.selected()
        status = row.status_code if row else None
        self.actions["edit"].setEnabled(row is not None)
        for key, allowed in (("submit", "candidate"), ("diagnose", "submitted"),
                             ("include", "diagnosed"), ("exclude", "included")):
            self.actions[key].setEnabled(status == allowed)
        self.actions["withdraw"].setEnabled(status in ("candidate", "submitted", "diagnosed"))
        self.details.setText(_details_text(row) if row else "Выберите запись в списке.")

    # actions --------------------------------------------------------------------------------
    def _open(self, dialog: MemberDialog | StepDialog) -> QDialog:
        """Show a dialog without blocking; the list reloads after a save."""
        self.dialog = dialog
        dialog.saved.connect(self._after_save)
        dialog.open()
        return dialog

    def _after_save(self, member_id: int) -> None:
        self.reload()
        self.select_member(member_id)
        self.changed.emit()

    def propose(self) -> None:
        picker = PersonPicker(self.db, self)
        picker.accepted.connect(lambda: self.propose_person(picker.chosen()))
        self.dialog = picker
        picker.open()

    def propose_person(self, person_id: int | None) -> QDialog | None:
        if person_id is None:
            return None
        return self._open(MemberDialog(self.db, person_id=person_id, parent=self))

    def edit_member(self) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        return self._open(MemberDialog(self.db, member_id=row.id, parent=self))

    def step(self, target: ActiveStatus) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        return self._open(StepDialog(self.db, row.id, target, self, self._today))

    def withdraw(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            with self.db.sessions.begin() as session:
                active.withdraw_candidate(session, row.id)
        except Refused as exc:
            self.details.setText(exc.message)
            return
        self.reload()
        self.changed.emit()


class _TogglingLabel(QLabel):
    """A label whose click ticks (or unticks) its check box."""

    def __init__(self, text: str, check: QCheckBox) -> None:
        super().__init__(text)
        self._check = check

    def mousePressEvent(self, _event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._check.toggle()


def _wrapped_check(check: QCheckBox, text: str) -> QHBoxLayout:
    """A check box with a long text that wraps (a QCheckBox never wraps its own text); a click
    on the text ticks the box too."""
    label = _TogglingLabel(text, check)
    label.setWordWrap(True)
    label.setToolTip(text)
    row = QHBoxLayout()
    row.setSpacing(4)
    row.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(label, 1)
    return row


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(widget)
    return box


def _order(r: active.MemberRow) -> str:
    if not r.order_number:
        return ""
    return f"№ {r.order_number} от {fmt_date(r.included_on)}"


def _details_text(r: active.MemberRow) -> str:
    path = [f"Статус: {r.status}"]
    if r.submitted_on:
        path.append(f"представлен {fmt_date(r.submitted_on)} ({r.submitted_by})")
    if r.diagnosed_on:
        path.append(f"диагностика {fmt_date(r.diagnosed_on)}")
    if r.included_on:
        path.append(f"включён приказом № {r.order_number} от {fmt_date(r.included_on)}")
    if r.excluded_on:
        path.append(f"исключён {fmt_date(r.excluded_on)}: {r.exclusion_reason}")
    if r.ineligible_reason:
        path.append(f"включён вопреки требованиям: {r.ineligible_reason}")
    return f"{r.fio}, {r.position} — {r.organisation}\n" + "\n".join(path) + "\n\n" + (
        _eligibility_text(r.eligibility))


def _summary_text(comp: active.Composition, found: active.Gaps, preset: str, on: date) -> str:
    lines = [f"Включено в актив на {fmt_date(on)}: {comp.total}", f"Перечень оснований: {preset}",
             "", "По ролям:"]
    lines += [f"  {label} — {n}" for label, n in comp.by_role]
    lines += ["", "По направлениям:"] + [f"  {label} — {n}" for label, n in comp.by_direction]
    lines += ["", "По ОО:"] + [f"  {label} — {n}" for label, n in comp.by_organisation]
    lines += ["", "Записи по статусам:"] + [f"  {label} — {n}" for label, n in comp.by_status]
    lines += ["", f"ОО без члена актива ({len(found.without_member)}):"]
    lines += [f"  {name}" for name in found.without_member] or ["  нет"]
    lines += ["", f"ШНОР без муниципальной поддержки ({len(found.low_results_unsupported)}):"]
    lines += [f"  {name}" for name in found.low_results_unsupported] or ["  нет"]
    return "\n".join(lines)
