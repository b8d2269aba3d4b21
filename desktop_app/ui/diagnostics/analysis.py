"""The municipal heat table of deficits (with xlsx export) and mentor suggestions for a mentee."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.model.enums import CompetenceArea
from desktop_app.services import deficit_analysis as analysis, matching, pairs, settings
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date, fmt_number, fmt_percent
from desktop_app.ui.common.forms import date_field, from_qdate, to_qdate


def _cell(text: str, colour: str | None = None, right: bool = False,
          bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour:
        item.setBackground(QBrush(QColor("#" + colour)))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


class HeatDialog(QDialog):
    """Deficits by area × a dimension: people and share, cells coloured by the share."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Муниципальный анализ профессиональных дефицитов")
        self.resize(1280, 640)
        self.dimension = QComboBox(self)
        with db.sessions() as session:
            self.dimensions = analysis.dimensions_of(session)
        for key, title in self.dimensions.items():
            self.dimension.addItem(title, key)
        self.on = date_field(date.today(), self)
        self.table = QTableWidget(0, 0, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        export = QPushButton("Выгрузить в Excel…", self)
        export.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(QLabel("Разрез:", self))
        top.addWidget(self.dimension)
        top.addWidget(QLabel("на дату:", self))
        top.addWidget(self.on)
        top.addStretch(1)
        top.addWidget(export)
        legend = QLabel("В ячейке: число педагогов с невосполненным дефицитом в области и их доля "
                        "от прошедших диагностику; чем темнее цвет, тем больше доля.", self)
        legend.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(legend)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        self.dimension.currentIndexChanged.connect(self.reload)
        self.on.dateChanged.connect(self.reload)
        self.reload()

    def current(self) -> analysis.HeatTable:
        with self.db.sessions() as session:
            return analysis.heat_table(session, str(self.dimension.currentData()),
                                       from_qdate(self.on.date()))

    def reload(self) -> None:
        table = self.current()
        heads = ["№ п/п", table.title, "Прошли диагностику", "С дефицитами"]
        heads += [CompetenceArea(a).label for a in table.areas]
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        rows = [*table.rows, table.total]
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            total = row is table.total
            values = ["" if total else str(n + 1), row.label, str(row.diagnosed),
                      f"{row.with_deficits} ({fmt_percent(row.total_share)})"]
            for col, text in enumerate(values):
                self.table.setItem(n, col, _cell(text, right=col != 1, bold=total))
            for i in range(len(table.areas)):
                share = row.share(i)
                self.table.setItem(n, 4 + i, _cell(
                    f"{row.counts[i]} ({fmt_percent(share)})", analysis.heat_colour(share),
                    right=True, bold=total))
        self.table.resizeColumnsToContents()

    def export(self) -> None:
        name = f"Дефициты {fmt_date(from_qdate(self.on.date()))}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Выгрузка в Excel", name, "Excel (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        on = from_qdate(self.on.date())
        with self.db.sessions() as session:
            tables = [analysis.heat_table(session, by, on) for by in self.dimensions]
        try:
            analysis.export_heat_xlsx(tables, path)
        except OSError as exc:
            QMessageBox.warning(self, "Выгрузка", f"Файл «{path}» не записан: {exc}")


class SuggestionsDialog(QDialog):
    """Mentors whose strengths cover the mentee's deficit areas; the choice opens a pair."""

    def __init__(self, db: Database, mentee_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.mentee_id = db, mentee_id
        self.pair_id: int | None = None
        self.setWindowTitle("Подбор наставника по дефицитам")
        self.resize(1100, 520)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Наставник", "ОО", "Предмет", "Баллы", "Почему"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        start = date.today()
        self.start = date_field(start, self)
        self.end = date_field(pairs.duration_limits(start)[1], self)
        self.open_button = QPushButton("Открыть пару с выбранным наставником", self)
        self.open_button.clicked.connect(self.open_pair)
        form = QFormLayout()
        form.addRow("Начало программы:", self.start)
        form.addRow("Окончание:", self.end)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addLayout(form)
        bottom.addWidget(self.open_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            needs = matching.mentee_needs(session, self.mentee_id)
            self.found = matching.suggest_mentors(session, self.mentee_id)
            limit = settings.get_int(session, "mentee_limit", 3)
        areas = ", ".join(CompetenceArea(a).label for a in needs.areas) or "нет"
        self.header.setText(
            f"<b>{needs.name}</b>: дефицитные области — {areas}. Предлагаются педагоги с "
            f"сильными сторонами в этих областях (сначала та же ОО, затем муниципальные), "
            f"члены ММА и педагоги со стажем от {matching.MIN_EXPERIENCE_YEARS} лет, у которых "
            f"меньше {limit} наставляемых.")
        self.table.setRowCount(len(self.found))
        for row, s in enumerate(self.found):
            values = [s.name, s.organisation, s.subject, fmt_number(s.score, 1), s.reason]
            for col, text in enumerate(values):
                self.table.setItem(row, col, _cell(text, right=col == 3))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(4, 520)
        self.table.resizeRowsToContents()
        if self.found:
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(self.found))

    def open_pair(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.found):
            return
        chosen = self.found[row]
        try:
            with self.db.sessions.begin() as session:
                self.pair_id = matching.open_pair(
                    session, self.mentee_id, chosen.person_id, from_qdate(self.start.date()),
                    from_qdate(self.end.date()))
        except (pairs.PairError, matching.MatchingError) as exc:
            QMessageBox.warning(self, "Новая пара", str(exc))
            return
        QMessageBox.information(self, "Новая пара", f"Пара открыта: наставник {chosen.name}. "
                                "Дефициты наставляемого в областях наставника взяты в работу; "
                                "программу и приказ заполните на вкладке «Пары».")
        self.accept()

    def set_period(self, start: date, end: date) -> None:
        self.start.setDate(to_qdate(start))
        self.end.setDate(to_qdate(end))
