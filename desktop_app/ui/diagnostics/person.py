"""A person's picture (areas, change, deficits with states) and the ИОМ editor."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import RouteActivity, RouteState
from desktop_app.services import diagnostics, routes
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date, fmt_number
from desktop_app.ui.common.forms import date_field, from_qdate, select_if_found, to_qdate
from desktop_app.ui.common.widgets import cell_text

RED, GREEN, AMBER = QColor("#f8d7d3"), QColor("#d9efd5"), QColor("#fff1c7")
STATE_COLOURS = {"found": RED, "in_work": AMBER, "overcome": GREEN}


def _table(heads: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(heads), parent)
    table.setHorizontalHeaderLabels(heads)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _cell(text: str, colour: QColor | None = None, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour is not None:
        item.setBackground(QBrush(colour))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _mean(value: float | None) -> str:
    return "—" if value is None else fmt_number(value, 2)


def _change(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + fmt_number(value, 2)


class PictureDialog(QDialog):
    """Scores by area with the change since the previous session, deficits and their states."""

    def __init__(self, db: Database, person_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.person_id = db, person_id
        self.setWindowTitle("Профессиональные дефициты педагога")
        self.resize(900, 620)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.areas = _table(["Область компетенций", "Средний балл", "Прошлая диагностика",
                             "Изменение", "Вывод"], self)
        self.deficits = _table(["Область", "Дефицит", "Состояние", "Выявлен", "Преодолён"], self)
        self.route_button = QPushButton("ИОМ…", self)
        self.mentor_button = QPushButton("Подобрать наставника…", self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.route_button)
        bottom.addWidget(self.mentor_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.areas)
        layout.addWidget(QLabel("Дефициты:", self))
        layout.addWidget(self.deficits, 1)
        layout.addLayout(bottom)
        self.route_button.clicked.connect(self._route)
        self.mentor_button.clicked.connect(self._mentors)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            pic = diagnostics.person_picture(session, self.person_id)
        when = fmt_date(pic.session_date) if pic.session_date else "самодиагностики нет"
        before = f", предыдущая {fmt_date(pic.previous_date)}" if pic.previous_date else ""
        self.header.setText(f"<b>{pic.name}</b> — {pic.organisation or 'без ОО'}, "
                            f"{pic.subject or 'предмет не указан'}. Последняя самодиагностика: "
                            f"{when}{before}.")
        self.areas.setRowCount(len(pic.areas))
        for row, line in enumerate(pic.areas):
            verdict = "дефицитная область" if line.deficit else (
                "сильная сторона" if line.strength else "")
            colour = RED if line.deficit else (GREEN if line.strength else None)
            values = [line.label, _mean(line.mean), _mean(line.previous), _change(line.change)]
            for col, text in enumerate(values):
                self.areas.setItem(row, col, _cell(text, colour, right=col > 0))
            self.areas.setItem(row, 4, _cell(verdict, colour))
        self.areas.resizeColumnsToContents()
        self.areas.setFixedHeight(self.areas.verticalHeader().length() + 32)
        self.deficits.setRowCount(len(pic.deficits))
        for row, d in enumerate(pic.deficits):
            colour = STATE_COLOURS.get(d.state)
            for col, text in enumerate([d.area_label, d.title, d.state_label,
                                        fmt_date(d.found_on), fmt_date(d.overcome_on)]):
                self.deficits.setItem(row, col, _cell(text, colour if col == 2 else None))
        self.deficits.setColumnWidth(0, 170)
        self.deficits.setColumnWidth(1, 430)
        self.deficits.resizeRowsToContents()

    def _route(self) -> None:
        RouteDialog(self.db, self.person_id, self).exec()
        self.reload()

    def _mentors(self) -> None:
        from desktop_app.ui.diagnostics.analysis import SuggestionsDialog

        SuggestionsDialog(self.db, self.person_id, self).exec()
        self.reload()


ROUTE_HEADS = ["Дефицит", "Задача", "Мероприятие", "Форма", "Срок", "Планируемый результат",
               "Выполнено"]


class RouteDialog(QDialog):
    """The ИОМ of one person: drafted from the deficits, every line editable, saved whole."""

    def __init__(self, db: Database, person_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.person_id = db, person_id
        self.route_id: int | None = None
        self.setWindowTitle("Индивидуальный образовательный маршрут (ИОМ)")
        self.resize(1200, 620)
        self.title = QLabel(self)
        self.start = date_field(date.today(), self)
        self.end = date_field(routes.add_years(date.today(), 5), self)
        self.state = QComboBox(self)
        for value, label in RouteState.choices():
            self.state.addItem(label, value)
        self.table = QTableWidget(0, len(ROUTE_HEADS), self)
        self.table.setHorizontalHeaderLabels(ROUTE_HEADS)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col, width in enumerate((220, 260, 150, 230, 110, 230, 80)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self._deficit_ids: list[int | None] = []
        self._build_layout()
        self._load()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        for text, widget in (("Начало:", self.start), ("Окончание:", self.end),
                             ("Состояние:", self.state)):
            top.addWidget(QLabel(text, self))
            top.addWidget(widget)
        draft = QPushButton("Сформировать из дефицитов", self)
        draft.clicked.connect(self._draft)
        add = QPushButton("Добавить строку", self)
        add.clicked.connect(lambda: self._add_row(routes.RouteItemInput(
            None, "", "", RouteActivity.SELF_EDUCATION.value, "", None, "")))
        remove = QPushButton("Удалить строку", self)
        remove.clicked.connect(self._remove_row)
        top.addStretch(1)
        for button in (draft, add, remove):
            top.addWidget(button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _load(self) -> None:
        with self.db.sessions() as session:
            view = routes.current_route(session, self.person_id)
            if view is None:
                view = routes.draft_route(session, self.person_id)
        self.route_id = view.id
        self.title.setText(f"<b>{view.person}</b> — ИОМ на 4–5 лет"
                           + ("" if view.id else " (проект, ещё не сохранён)"))
        self._show(view)

    def _draft(self) -> None:
        with self.db.sessions() as session:
            view = routes.draft_route(session, self.person_id, from_qdate(self.start.date()))
        self._show(view, keep_state=True)

    def _show(self, view: routes.RouteView, keep_state: bool = False) -> None:
        self.start.setDate(to_qdate(view.start_date))
        self.end.setDate(to_qdate(view.end_date))
        if not keep_state:
            select_if_found(self.state, view.state)
        self.table.setRowCount(0)
        self._deficit_ids = []
        for item in view.items:
            self._add_row(item)

    def _add_row(self, item: routes.RouteItemInput) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._deficit_ids.append(item.deficit_id)
        deficit = QTableWidgetItem(item.deficit_text)
        self.table.setItem(row, 0, deficit)
        self.table.setItem(row, 1, QTableWidgetItem(item.task))
        activity = QComboBox(self.table)
        for value, label in RouteActivity.choices():
            activity.addItem(label, value)
        select_if_found(activity, item.activity)
        self.table.setCellWidget(row, 2, activity)
        self.table.setItem(row, 3, QTableWidgetItem(item.form))
        deadline = date_field(item.deadline or from_qdate(self.end.date()), self.table)
        self.table.setCellWidget(row, 4, deadline)
        self.table.setItem(row, 5, QTableWidgetItem(item.planned_result))
        done = QCheckBox(self.table)
        done.setChecked(item.done)
        self.table.setCellWidget(row, 6, done)
        self.table.setRowHeight(row, 60)

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            del self._deficit_ids[row]

    def items(self) -> list[routes.RouteItemInput]:
        found = []
        for row in range(self.table.rowCount()):
            activity = self.table.cellWidget(row, 2)
            deadline = self.table.cellWidget(row, 4)
            done = self.table.cellWidget(row, 6)
            assert isinstance(activity, QComboBox) and isinstance(deadline, QDateEdit)
            assert isinstance(done, QCheckBox)
            found.append(routes.RouteItemInput(
                deficit_id=self._deficit_ids[row],
                deficit_text=cell_text(self.table, row, 0),
                task=cell_text(self.table, row, 1),
                activity=str(activity.currentData()),
                form=cell_text(self.table, row, 3),
                deadline=from_qdate(deadline.date()),
                planned_result=cell_text(self.table, row, 5),
                done=done.isChecked(),
            ))
        return found

    def save(self) -> None:
        try:
            with self.db.sessions.begin() as session:
                self.route_id = routes.save_route(
                    session, self.person_id, from_qdate(self.start.date()),
                    from_qdate(self.end.date()), str(self.state.currentData()), self.items(),
                    self.route_id)
        except routes.RouteError as exc:
            QMessageBox.warning(self, "ИОМ", str(exc))
            return
        self.accept()
