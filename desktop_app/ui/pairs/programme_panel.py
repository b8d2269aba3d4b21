"""The programme of the selected pair: plan with progress, monitoring, satisfaction."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import pairs
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date, fmt_number, fmt_percent
from desktop_app.ui.common.forms import date_field, from_qdate, russian_buttons
from desktop_app.ui.common.widgets import LimitedLineEdit, LimitedTextEdit, cell_text

PLAN_HEADERS = ["№", "Мероприятие", "Срок", "Ответственный", "Форма отчётности", "Выполнено"]
DONE_COLUMN = 5


def parse_date(text: str) -> date | None:
    """дд.мм.гггг or empty; anything else raises ValueError."""
    text = text.strip()
    return datetime.strptime(text, "%d.%m.%Y").date() if text else None


def ask(parent: QWidget, title: str, label: str,
        items: list[str] | None = None) -> tuple[str, bool]:
    """A line of text, or a choice among items, with «ОК» and «Отмена» in Russian (Qt's own
    QInputDialog.getText/getItem say «OK» in Latin letters)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setOkButtonText("ОК")
    dialog.setCancelButtonText("Отмена")
    if items is not None:
        dialog.setComboBoxItems(items)
        dialog.setComboBoxEditable(False)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue(), accepted


def mean_text(value: float | None) -> str:
    return "—" if value is None else fmt_number(value, 1)


class ProgrammePanel(QWidget):
    """Shows and edits the programme of one pair; emits changed after each saved edit."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.pair_id: int | None = None
        self._items: list[pairs.PlanItemRow] = []
        self._filling = False
        self.title = QLabel("Выберите пару в списке, чтобы увидеть её программу.", self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._plan_page(), "План")
        self.tabs.addTab(self._monitoring_page(), "Мониторинг")
        self.tabs.addTab(self._satisfaction_page(), "Удовлетворённость")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self.set_pair(None)

    # plan ---------------------------------------------------------------------------------
    def _plan_page(self) -> QWidget:
        page = QWidget(self)
        self.plan = QTableWidget(0, len(PLAN_HEADERS), page)
        self.plan.setHorizontalHeaderLabels(PLAN_HEADERS)
        self.plan.verticalHeader().setVisible(False)
        self.plan.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.plan.setWordWrap(True)
        header = self.plan.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 34), (2, 90), (3, 170), (4, 170), (5, 105)):
            self.plan.setColumnWidth(column, width)
        self.plan.itemChanged.connect(self._plan_edited)
        self.progress = QProgressBar(page)
        self.progress.setFormat("")
        self.progress_label = QLabel(page)
        self.add_item_button = QPushButton("Добавить мероприятие", page)
        self.add_item_button.clicked.connect(self._add_item)
        self.delete_item_button = QPushButton("Удалить строку", page)
        self.delete_item_button.clicked.connect(self._delete_item)
        self.template_button = QPushButton("Заполнить из шаблона…", page)
        self.template_button.clicked.connect(self._from_template)
        self.copy_button = QPushButton("Скопировать из другой программы…", page)
        self.copy_button.clicked.connect(self._from_pair)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Выполнение плана:", page))
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.progress_label)
        buttons = QHBoxLayout()
        for b in (self.add_item_button, self.delete_item_button, self.template_button,
                  self.copy_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.plan, 1)
        layout.addLayout(buttons)
        return page

    def set_pair(self, pair_id: int | None) -> None:
        """Show the programme of a pair (None: nothing selected)."""
        self.pair_id = pair_id
        for w in (self.tabs, self.add_item_button):
            w.setEnabled(pair_id is not None)
        if pair_id is None:
            self.title.setText("Выберите пару в списке, чтобы увидеть её программу.")
            self._items = []
            self._fill_plan()
            self._show_progress(pairs.Progress(0, 0))
            self.monitoring.setRowCount(0)
            self.satisfaction.setRowCount(0)
            self.means.setText("")
            return
        self.reload()

    def reload(self) -> None:
        if self.pair_id is None:
            return
        with self.db.sessions() as session:
            data = pairs.pair_input(session, self.pair_id)
            people = pairs.pair_people(session, self.pair_id)
            self._items = pairs.plan_items(session, self.pair_id)
            progress = pairs.plan_progress(session, self.pair_id)
            monitorings = pairs.list_monitorings(session, self.pair_id)
            answers = pairs.list_satisfactions(session, self.pair_id)
            means = pairs.satisfaction_means(session, self.pair_id)
        self._title(data, people)
        self._fill_plan()
        self._show_progress(progress)
        self._fill_monitoring(monitorings)
        self._fill_satisfaction(answers, means, data, people)

    def _title(self, data: pairs.PairInput, people: dict[int, str]) -> None:
        mentees = ", ".join(people.get(m, f"№ {m}") for m in data.mentee_ids)
        goal = f"<br><b>Цель:</b> {data.goal}" if data.goal else ""
        self.title.setText(
            f"<b>{people.get(data.mentor_id, '')}</b> → {mentees}<br>"
            f"Программа с {fmt_date(data.start_date)} по {fmt_date(data.end_date)}{goal}"
        )

    def _fill_plan(self) -> None:
        self._filling = True
        self.plan.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            values = [str(row + 1), item.activity, fmt_date(item.deadline), item.responsible,
                      item.report_form]
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if column == 0:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.plan.setItem(row, column, cell)
            done = QTableWidgetItem(fmt_date(item.done_on) if item.done else "")
            done.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                          | Qt.ItemFlag.ItemIsSelectable)
            done.setCheckState(Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked)
            self.plan.setItem(row, DONE_COLUMN, done)
        self.plan.resizeRowsToContents()
        self._filling = False

    def _show_progress(self, progress: pairs.Progress) -> None:
        self.progress.setMaximum(max(progress.total, 1))
        self.progress.setValue(progress.done)
        self.progress_label.setText(
            f"{progress.done} из {progress.total} ({fmt_percent(progress.percent, 0)})"
            if progress.total else "план пуст"
        )

    def _plan_edited(self, cell: QTableWidgetItem) -> None:
        if self._filling or self.pair_id is None:
            return
        item = self._items[cell.row()]
        try:
            with self.db.sessions() as session:
                if cell.column() == DONE_COLUMN:
                    pairs.set_item_done(session, item.id,
                                        cell.checkState() == Qt.CheckState.Checked)
                else:
                    pairs.update_plan_item(session, item.id, self._row_input(cell.row(), item))
                session.commit()
        except (pairs.PairError, ValueError) as exc:
            QMessageBox.warning(self, "План", str(exc))
        self.reload()
        self.changed.emit()

    def _row_input(self, row: int, item: pairs.PlanItemRow) -> pairs.PlanItemInput:
        text = [cell_text(self.plan, row, c) for c in range(1, 5)]
        try:
            deadline = parse_date(text[1])
        except ValueError:
            raise ValueError(f"План, строка {row + 1}, «Срок»: дата «{text[1]}» не в формате "
                             "дд.мм.гггг.") from None
        return pairs.PlanItemInput(activity=text[0], deadline=deadline, responsible=text[2],
                                   report_form=text[3], done=item.done, done_on=item.done_on)

    def _add_item(self) -> None:
        if self.pair_id is None:
            return
        text, ok = ask(self, "Новое мероприятие", "Мероприятие:")
        if not ok:
            return
        try:
            with self.db.sessions() as session:
                pairs.add_plan_item(session, self.pair_id, pairs.PlanItemInput(activity=text))
                session.commit()
        except pairs.PairError as exc:
            QMessageBox.warning(self, "План", str(exc))
            return
        self.reload()
        self.changed.emit()

    def _delete_item(self) -> None:
        row = self.plan.currentRow()
        if self.pair_id is None:
            return
        if row < 0:
            QMessageBox.information(self, "План", "Выберите строку плана, которую удалить.")
            return
        with self.db.sessions() as session:
            pairs.delete_plan_item(session, self._items[row].id)
            session.commit()
        self.reload()
        self.changed.emit()

    def _replace_ok(self) -> bool:
        if not self._items:
            return True
        answer = QMessageBox.question(self, "План", "Заменить текущий план новым?")
        return answer == QMessageBox.StandardButton.Yes

    def _from_template(self) -> None:
        if self.pair_id is None:
            return
        with self.db.sessions() as session:
            templates = pairs.list_templates(session)
        names = [f"{t.name} ({t.items} мероприятий)" for t in templates]
        name, ok = ask(self, "Шаблон плана", "Шаблон:", names)
        if ok and self._replace_ok():
            with self.db.sessions() as session:
                pairs.copy_plan_from_template(session, self.pair_id,
                                              templates[names.index(name)].id)
                session.commit()
            self.reload()
            self.changed.emit()

    def _from_pair(self) -> None:
        if self.pair_id is None:
            return
        with self.db.sessions() as session:
            others = [p for p in pairs.list_pairs(session) if p.id != self.pair_id]
        names = [f"№ {p.id}: {p.mentor} → {p.mentees} ({fmt_date(p.start_date)})"
                 for p in others]
        if not names:
            QMessageBox.information(self, "План", "Других программ пока нет.")
            return
        name, ok = ask(self, "Скопировать план", "Программа:", names)
        if ok and self._replace_ok():
            try:
                with self.db.sessions() as session:
                    pairs.copy_plan_from_pair(session, self.pair_id,
                                              others[names.index(name)].id)
                    session.commit()
            except pairs.PairError as exc:
                QMessageBox.warning(self, "План", str(exc))
                return
            self.reload()
            self.changed.emit()

    # monitoring ---------------------------------------------------------------------------
    def _monitoring_page(self) -> QWidget:
        page = QWidget(self)
        headers = ["Дата", "Процедура", "Успешно, %", "Олимпиады", "Активность наставляемого",
                   "Влияние программы", "Риски"]
        self.monitoring = QTableWidget(0, len(headers), page)
        self.monitoring.setHorizontalHeaderLabels(headers)
        self.monitoring.verticalHeader().setVisible(False)
        self.monitoring.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.monitoring.horizontalHeader().setStretchLastSection(True)
        add = QPushButton("Добавить запись мониторинга…", page)
        add.clicked.connect(self._add_monitoring)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Мониторинг процесса (результаты обучающихся наставляемого, "
                                "олимпиады, активность) и влияния программы.", page))
        layout.addWidget(self.monitoring, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _fill_monitoring(self, rows: list[pairs.MonitoringRow]) -> None:
        self.monitoring.setRowCount(len(rows))
        for i, m in enumerate(rows):
            percent = "" if m.students_passed_percent is None else fmt_number(
                m.students_passed_percent, 1)
            olympiads = "" if m.olympiad_participants is None else str(m.olympiad_participants)
            for c, text in enumerate([fmt_date(m.monitoring_date), m.exam_kind, percent,
                                      olympiads, m.mentee_activity, m.influence, m.risks]):
                self.monitoring.setItem(i, c, QTableWidgetItem(text))

    def _add_monitoring(self) -> None:
        if self.pair_id is None:
            return
        dialog = MonitoringDialog(self.db, self.pair_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()

    # satisfaction -----------------------------------------------------------------------------
    def _satisfaction_page(self) -> QWidget:
        page = QWidget(self)
        self.means = QLabel(page)
        self.satisfaction = QTableWidget(0, 5, page)
        self.satisfaction.setHorizontalHeaderLabels(
            ["Дата", "Респондент", "Роль", "Оценка (1–10)", "Комментарий"])
        self.satisfaction.verticalHeader().setVisible(False)
        self.satisfaction.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.satisfaction.horizontalHeader().setStretchLastSection(True)
        self.respondent_box = QComboBox(page)
        self.score_box = QSpinBox(page)
        self.score_box.setRange(1, 10)
        self.score_box.setValue(8)
        self.answered_edit = date_field(date.today(), page)
        self.comment_edit = LimitedLineEdit(page)
        self.comment_edit.setPlaceholderText("Комментарий")
        self.add_answer_button = QPushButton("Добавить анкету", page)
        self.add_answer_button.clicked.connect(self._add_answer)
        entry = QHBoxLayout()
        for w in (self.respondent_box, QLabel("оценка", page), self.score_box, self.answered_edit,
                  self.comment_edit, self.add_answer_button):
            entry.addWidget(w)
        layout = QVBoxLayout(page)
        layout.addWidget(self.means)
        layout.addWidget(self.satisfaction, 1)
        layout.addLayout(entry)
        return page

    def _fill_satisfaction(self, rows: list[pairs.SatisfactionRow],
                           means: pairs.SatisfactionMeans, data: pairs.PairInput,
                           people: dict[int, str]) -> None:
        self.satisfaction.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for c, text in enumerate([fmt_date(r.answered_on), r.person, r.respondent,
                                      str(r.score), r.comment]):
                self.satisfaction.setItem(i, c, QTableWidgetItem(text))
        with self.db.sessions() as session:
            overall = pairs.satisfaction_means(session)
        self.means.setText(
            f"Средняя оценка пары: наставник — {mean_text(means.mentor)}, наставляемые — "
            f"{mean_text(means.mentee)}, в целом — {mean_text(means.overall)} "
            f"(анкет: {means.count}). По всем парам: {mean_text(overall.overall)} "
            f"(анкет: {overall.count})."
        )
        self.respondent_box.clear()
        for pid, role in [(data.mentor_id, "наставник"), *[(m, "наставляемый")
                                                            for m in data.mentee_ids]]:
            self.respondent_box.addItem(f"{people.get(pid, f'№ {pid}')} ({role})", pid)

    def _add_answer(self) -> None:
        if self.pair_id is None or self.respondent_box.currentData() is None:
            return
        try:
            with self.db.sessions() as session:
                pairs.add_satisfaction(
                    session, self.pair_id, self.respondent_box.currentData(),
                    self.score_box.value(), from_qdate(self.answered_edit.date()),
                    self.comment_edit.text(),
                )
                session.commit()
        except pairs.PairError as exc:
            QMessageBox.warning(self, "Анкета", str(exc))
            return
        self.comment_edit.clear()
        self.reload()
        self.changed.emit()


class MonitoringDialog(QDialog):
    """One monitoring record (seed 002 §5.1 process, §5.2 influence)."""

    def __init__(self, db: Database, pair_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.pair_id = db, pair_id
        self.setWindowTitle("Запись мониторинга")
        self.date_edit = date_field(date.today(), self)
        self.exam_box = QComboBox(self)
        self.exam_box.addItem("—", "")
        for kind in pairs.EXAM_KINDS:
            self.exam_box.addItem(kind, kind)
        self.percent_box = QDoubleSpinBox(self)
        self.percent_box.setRange(-1, 100)
        self.percent_box.setDecimals(1)
        self.percent_box.setSpecialValueText("не указано")
        self.percent_box.setValue(-1)
        self.percent_box.setSuffix(" %")
        self.olympiad_box = QSpinBox(self)
        self.olympiad_box.setRange(-1, 10000)
        self.olympiad_box.setSpecialValueText("не указано")
        self.olympiad_box.setValue(-1)
        self.dynamics_edit = LimitedLineEdit(self)
        self.activity_edit = LimitedTextEdit(self)
        self.influence_edit = LimitedTextEdit(self)
        self.risks_edit = LimitedLineEdit(self)
        for edit in (self.activity_edit, self.influence_edit):
            edit.setMaximumHeight(70)
            edit.setTabChangesFocus(True)
        self.error = QLabel(self)
        self.error.setStyleSheet("color:#b00020")
        form = QFormLayout(self)
        form.addRow("Дата:", self.date_edit)
        form.addRow("Процедура (ВПР/ОГЭ/ЕГЭ):", self.exam_box)
        form.addRow("Доля обучающихся наставляемого, успешно прошедших:", self.percent_box)
        form.addRow("Участники олимпиад (обучающиеся):", self.olympiad_box)
        form.addRow("Динамика успеваемости:", self.dynamics_edit)
        form.addRow("Социально-профессиональная активность наставляемого:", self.activity_edit)
        form.addRow("Влияние программы на участников:", self.influence_edit)
        form.addRow("Риски:", self.risks_edit)
        form.addRow(self.error)
        buttons = russian_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        ))
        self.buttons = buttons
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(640, 420)

    def value(self) -> pairs.MonitoringInput:
        percent = self.percent_box.value()
        olympiads = self.olympiad_box.value()
        return pairs.MonitoringInput(
            monitoring_date=from_qdate(self.date_edit.date()),
            exam_kind=self.exam_box.currentData(),
            students_passed_percent=None if percent < 0 else percent,
            olympiad_participants=None if olympiads < 0 else olympiads,
            progress_dynamics=self.dynamics_edit.text(),
            mentee_activity=self.activity_edit.toPlainText(),
            influence=self.influence_edit.toPlainText(), risks=self.risks_edit.text(),
        )

    def save(self) -> None:
        try:
            with self.db.sessions() as session:
                pairs.add_monitoring(session, self.pair_id, self.value())
                session.commit()
        except pairs.PairError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
