"""Tab «Пары»: mentor pairs and groups, filters, attention badges, the programme of a pair."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import PairStatus
from desktop_app.services import municipalities, pairs
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import date_field, from_qdate
from desktop_app.ui.common.municipality_filter import MunicipalityFilter
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.common.widgets import ListPanel, gc_paused
from desktop_app.ui.history_dialog import history_dialog
from desktop_app.ui.pairs.dialogs import PairDialog, StatusDialog
from desktop_app.ui.pairs.programme_panel import ProgrammePanel

COLUMNS = [
    Column("Наставник"), Column("ОО наставника"), Column("Наставляемые"),
    Column("Кол-во", align_right=True, tooltip="Число наставляемых"), Column("Форма"),
    Column("Уровень"), Column("Категория", tooltip="Категория наставляемых"), Column("Статус"),
    Column("Начало"), Column("Окончание"),
    Column("Приказ №"), Column("Обновлена"), Column("Внимание"),
]
START_COLUMN = next(c for c in COLUMNS if c.title == "Начало")
YOUNG_COLUMNS = [
    Column("ФИО"), Column("ОО"), Column("Должность"), Column("Возраст", align_right=True),
    Column("Стаж", align_right=True, tooltip="Педагогический стаж, полных лет"),
]
BADGE_STYLE = (
    "QPushButton { color: %s; font-weight: bold; } QPushButton:checked { background: #fde9c8; }"
)


def attention(row: pairs.PairRow) -> str:
    marks = []
    if row.ending_soon:
        marks.append("заканчивается")
    if row.stale:
        marks.append("не обновлялась полгода")
    return "; ".join(marks)


def table_row(p: pairs.PairRow) -> tuple[object, ...]:
    updated = p.updated_at.date() if p.updated_at else None
    return (p.mentor, p.mentor_org, p.mentees, p.mentee_count, p.form, p.level, p.category,
            p.status, p.start_date, p.end_date, p.order_number, updated, attention(p), p.id)


class PairsTab(QWidget):
    """The list of pairs with filters (ОО, form, status, period), badges and the programme."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._rows: dict[int, pairs.PairRow] = {}
        self._applied = pairs.PairFilter()
        self.list = ListPanel(COLUMNS, search_columns=(0, 2), placeholder="Поиск по ФИО…")
        # newest programmes first; dates sort far faster than names at region scale
        self.list.table.sortByColumn(COLUMNS.index(START_COLUMN), Qt.SortOrder.DescendingOrder)
        self.programme = ProgrammePanel(db, self)
        self.programme.changed.connect(self.reload)
        self.young = ListPanel(YOUNG_COLUMNS, search_columns=(0, 1), placeholder="Поиск…")
        self._build()
        self.reload()

    # building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.inner = QTabWidget(self)
        self.inner.addTab(self._pairs_page(), "Пары и группы")
        self.inner.addTab(self._young_page(), "Молодые специалисты без наставника")
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_bar())
        layout.addLayout(self._badge_bar())
        layout.addWidget(self.inner, 1)

    def _filter_bar(self) -> QHBoxLayout:
        self.municipality = MunicipalityFilter(self, label=False)  # a 1366-px screen
        self.municipality_box = self.municipality.box
        self._orgs: list[tuple[int, str]] = []
        self.org_box = QComboBox(self)
        self.org_box.setMinimumContentsLength(18)
        self.org_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.form_box = QComboBox(self)
        self.form_box.setMinimumContentsLength(18)
        self.form_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_box = QComboBox(self)
        self.status_box.addItem("все статусы", None)
        for code, label in PairStatus.choices():
            self.status_box.addItem(label, code)
        self.period_check = QCheckBox("Период с", self)
        today = date.today()
        self.period_from = date_field(date(today.year, 1, 1), self)
        self.period_to = date_field(date(today.year, 12, 31), self)
        for w in (self.org_box, self.form_box, self.status_box):
            w.currentIndexChanged.connect(self.apply_filter)
        self.municipality_box.currentIndexChanged.connect(self._municipality_chosen)
        self.period_check.toggled.connect(self.apply_filter)
        for edit in (self.period_from, self.period_to):
            edit.setEnabled(False)
            self.period_check.toggled.connect(edit.setEnabled)
        self.period_from.dateChanged.connect(self.apply_filter)
        self.period_to.dateChanged.connect(self.apply_filter)
        reset = QPushButton("Сбросить", self)
        reset.clicked.connect(self.reset_filter)
        bar = QHBoxLayout()
        for widget in self.municipality.widgets():
            bar.addWidget(widget)
        for label, widget in (("ОО:", self.org_box), ("Форма:", self.form_box),
                              ("Статус:", self.status_box)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addWidget(self.period_check)
        bar.addWidget(self.period_from)
        bar.addWidget(QLabel("по", self))
        bar.addWidget(self.period_to)
        bar.addWidget(reset)
        bar.addStretch(1)
        return bar

    def _badge_bar(self) -> QHBoxLayout:
        self.ending_badge = QPushButton(self)
        self.stale_badge = QPushButton(self)
        self.young_badge = QPushButton(self)
        self.repeat_badge = QLabel(self)
        self.repeat_badge.setStyleSheet("color: #9a5b00; font-weight: bold;")
        for badge, color in ((self.ending_badge, "#9a5b00"), (self.stale_badge, "#9a5b00"),
                             (self.young_badge, "#b00020")):
            badge.setStyleSheet(BADGE_STYLE % color)
            badge.setFlat(True)
        self.ending_badge.setCheckable(True)
        self.stale_badge.setCheckable(True)
        self.ending_badge.setToolTip("Действующие и планируемые пары, срок которых истекает "
                                     "в ближайшие 30 дней")
        self.stale_badge.setToolTip("Пары не обновлялись полгода (состав пар обновляется не "
                                    "реже двух раз в год)")
        self.young_badge.setToolTip("Моложе 35 лет, стаж менее 3 лет, нет действующей пары")
        self.ending_badge.toggled.connect(self.apply_filter)
        self.stale_badge.toggled.connect(self.apply_filter)
        self.young_badge.clicked.connect(lambda: self.inner.setCurrentIndex(1))
        self.new_button = QPushButton("Новая пара…", self)
        self.new_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button = QPushButton("Изменить…", self)
        self.edit_button.clicked.connect(lambda: self.open_dialog(self.list.selected_id()))
        self.status_button = QPushButton("Статус…", self)
        self.status_button.clicked.connect(self.change_status)
        self.history_button = QPushButton("История…", self)
        self.history_button.setToolTip("Что, когда и как менялось в паре, её программе и плане")
        self.history_button.clicked.connect(self.pair_history)
        self.delete_button = QPushButton("Удалить", self)
        self.delete_button.clicked.connect(self.delete_selected)
        bar = QHBoxLayout()
        for w in (self.new_button, self.edit_button, self.status_button, self.history_button,
                  self.delete_button):
            bar.addWidget(w)
        bar.addSpacing(16)
        for shown in (self.ending_badge, self.stale_badge, self.young_badge, self.repeat_badge):
            bar.addWidget(shown)
        bar.addStretch(1)
        return bar

    def _pairs_page(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.programme)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        for column, width in ((0, 130), (1, 150), (2, 200), (3, 50), (4, 180), (5, 100),
                              (6, 150), (7, 95), (8, 82), (9, 82), (10, 65), (11, 82)):
            self.list.table.setColumnWidth(column, width)
        self.list.table.selectionModel().selectionChanged.connect(self._selected)
        self.list.activated.connect(self.open_dialog)
        return splitter

    def _young_page(self) -> QWidget:
        page = QWidget(self)
        self.young_hint = QLabel(page)
        self.young_hint.setWordWrap(True)
        assign = QPushButton("Подобрать наставника…", page)
        assign.clicked.connect(self._pair_for_young)
        self.young.activated.connect(lambda pid: self._pair_for_young(pid))
        self.young.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.young.table.setColumnWidth(0, 260)
        self.young.table.setColumnWidth(1, 200)
        self.young.table.setColumnWidth(2, 180)
        row = QHBoxLayout()
        row.addWidget(self.young_hint, 1)
        row.addWidget(assign)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.young, 1)
        return page

    # data -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the pairs, the filter choices and the attention lists again."""
        with gc_paused():
            self._reload()

    def _reload(self) -> None:
        keep = self.list.selected_id()
        today = date.today()
        with self.db.sessions() as session:
            rows = pairs.list_pairs(session, today=today)
            orgs = pairs.organisation_choices(session)
            by_municipality = municipalities.organisations_by_municipality(session)
            forms = pairs.list_forms(session)
            young = pairs.young_without_mentor(session, today)
            repeated = pairs.repeated_direction_mentees(session)
        self._rows = {r.id: r for r in rows}
        self._orgs = orgs
        self.municipality.fill(by_municipality)
        self._fill_choices(self.org_box, "все ОО", self._orgs_shown())
        self._fill_choices(self.form_box, "все формы", [(f.id, f.name) for f in forms])
        self.list.set_rows([table_row(r) for r in rows])
        self.young.set_rows([(y.fio, y.organisation, y.position, y.age, y.experience_years,
                              y.id) for y in young])
        self._badges(rows, len(young), today)
        self.repeat_badge.setText(f"Повтор направления: {len(repeated)}" if repeated else "")
        self.repeat_badge.setToolTip(
            "Наставляемые в двух действующих программах одного направления:\n"
            + "\n".join(repeated[:40]) + ("\n…" if len(repeated) > 40 else ""))
        if self.current_filter() != self._applied:  # a chosen ОО or form disappeared
            self.apply_filter()
        self._reselect(keep)

    def _orgs_shown(self) -> list[tuple[int, str]]:
        """The ОО filter's choices: the ОО of the municipality chosen (all when none is)."""
        chosen = self.municipality.organisations()
        return [o for o in self._orgs if chosen is None or o[0] in chosen]

    def _municipality_chosen(self) -> None:
        self._fill_choices(self.org_box, "все ОО", self._orgs_shown())
        self.apply_filter()

    def _fill_choices(self, box: QComboBox, everything: str,
                      choices: list[tuple[int, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for value, label in choices:
            box.addItem(label, value)
        index = box.findData(current)
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def _badges(self, rows: list[pairs.PairRow], young: int, today: date) -> None:
        ending = sum(r.ending_soon for r in rows)
        stale = sum(r.stale for r in rows)
        self.ending_badge.setText(f"Заканчиваются в течение 30 дней: {ending}")
        self.stale_badge.setText(f"Не обновлялись полгода: {stale}")
        self.young_badge.setText(f"Молодые специалисты без наставника: {young}")
        self.inner.setTabText(1, f"Молодые специалисты без наставника ({young})")
        self.young_hint.setText(
            f"На {fmt_date(today)}: педагоги моложе 35 лет со стажем менее 3 лет, не "
            "закреплённые за наставником (нет действующей или планируемой пары на эту дату)."
        )

    def current_filter(self) -> pairs.PairFilter:
        period = self.period_check.isChecked()
        return pairs.PairFilter(
            organisation_id=self.org_box.currentData(), form_id=self.form_box.currentData(),
            status=self.status_box.currentData(),
            period_from=from_qdate(self.period_from.date()) if period else None,
            period_to=from_qdate(self.period_to.date()) if period else None,
            ending_soon=self.ending_badge.isChecked(), stale=self.stale_badge.isChecked(),
            organisations=self.municipality.organisations(),
        )

    def apply_filter(self) -> None:
        """Filter the loaded rows (no query): the predicate reads self._rows at each call,
        so a reload keeps the filter."""
        flt = self._applied = self.current_filter()
        if flt == pairs.PairFilter():
            self.list.set_extra_filter(None)
        else:
            self.list.set_extra_filter(lambda row: flt.matches(self._rows[row[-1]]))
        self._selected()

    def reset_filter(self) -> None:
        for w in (self.municipality_box, self.org_box, self.form_box, self.status_box):
            w.blockSignals(True)
            w.setCurrentIndex(0)
            w.blockSignals(False)
        for b in (self.period_check, self.ending_badge, self.stale_badge):
            b.blockSignals(True)
            b.setChecked(False)
            b.blockSignals(False)
        self.period_from.setEnabled(False)
        self.period_to.setEnabled(False)
        self._fill_choices(self.org_box, "все ОО", self._orgs_shown())
        self.apply_filter()

    def _reselect(self, pair_id: int | None) -> None:
        row = self.list.model.row_of_id(pair_id) if pair_id is not None else None
        if row is not None:
            self.list.table.selectRow(row)
        self._selected()

    def _selected(self) -> None:
        pair_id = self.list.selected_id()
        if pair_id != self.programme.pair_id:
            self.programme.set_pair(pair_id)
        for b in (self.edit_button, self.status_button, self.history_button, self.delete_button):
            b.setEnabled(pair_id is not None)

    # actions -------------------------------------------------------------------------------
    def open_dialog(self, pair_id: int | None, mentee_ids: tuple[int, ...] = ()) -> None:
        dialog = PairDialog(self.db, pair_id, self, mentee_ids=mentee_ids)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self._reselect(dialog.saved_id)
            self.programme.reload()

    def _pair_for_young(self, person_id: int | None = None) -> None:
        person_id = person_id or self.young.selected_id()
        if person_id is None:
            QMessageBox.information(
                self, "Подбор наставника", "Выберите молодого специалиста в списке."
            )
            return
        self.open_dialog(None, (person_id,))

    def change_status(self) -> None:
        pair_id = self.list.selected_id()
        if pair_id is None:
            return
        dialog = StatusDialog(self.db, pair_id, self._rows[pair_id].status_code, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def pair_history(self) -> QDialog | None:
        """The change history of the selected pair (shown without blocking the window)."""
        pair_id = self.list.selected_id()
        if pair_id is None:
            return None
        self.history = history_dialog(self, self.db, "pair", pair_id)
        self.history.open()
        return self.history

    def delete_selected(self) -> None:
        pair_id = self.list.selected_id()
        if pair_id is None:
            return
        row = self._rows[pair_id]
        answer = QMessageBox.question(
            self, "Удаление пары",
            f"Удалить пару «{row.mentor} → {row.mentees}» вместе с программой, планом, "
            "мониторингом и анкетами?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self.db.sessions() as session:
            pairs.delete_pair(session, pair_id)
            session.commit()
        self.programme.set_pair(None)
        self.reload()
