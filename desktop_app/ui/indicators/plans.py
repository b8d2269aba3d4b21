"""Plan values of the indicators: years as columns, editable, a year can be added."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import indicators as ind
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_number


def parse_value(text: str) -> float | None:
    """«12,5» or «12.5» → 12.5; empty → None; anything else raises ValueError."""
    cleaned = text.strip().replace("\u00a0", "").replace("%", "").strip().replace(",", ".")
    return None if not cleaned else float(cleaned)


class PlanEditor(QWidget):
    """The plan table; «Сохранить» writes every cell in one transaction or nothing."""

    saved = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.table = QTableWidget(self)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.new_year = QSpinBox(self)
        self.new_year.setRange(ind.MIN_YEAR, ind.MAX_YEAR)
        self.add_button = QPushButton("Добавить год", self)
        self.save_button = QPushButton("Сохранить план", self)
        self.status = QLabel(self)
        self.add_button.clicked.connect(self.add_year)
        self.save_button.clicked.connect(self.save)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Новый год:", self))
        bar.addWidget(self.new_year)
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Плановые значения, % (пустая ячейка — план на год не задан). "
                                "Новый год получает значения последнего года плана.", self))
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.reload()

    def reload(self) -> None:
        with self.db.sessions() as session:
            rows = ind.list_plans(session)
            self.years = ind.plan_years(session)
        self.codes = [r.code for r in rows]
        self.table.clear()
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(self.years) + 1)
        self.table.setHorizontalHeaderLabels(["Показатель"] + [str(y) for y in self.years])
        self.table.setVerticalHeaderLabels([r.code for r in rows])
        for i, row in enumerate(rows):
            name = QTableWidgetItem(row.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setToolTip(row.name)
            self.table.setItem(i, 0, name)
            for j, year in enumerate(self.years, start=1):
                value = row.plans.get(year)
                item = QTableWidgetItem("" if value is None else fmt_number(value, 1))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.setColumnWidth(0, 520)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        self.new_year.setValue((max(self.years) + 1) if self.years else 2024)
        self.status.setText("")

    def add_year(self) -> None:
        year = self.new_year.value()
        with self.db.sessions.begin() as session:
            ind.add_plan_year(session, year)
        self.reload()
        self.status.setText(f"Добавлен {year} год.")
        self.saved.emit()

    def _cell_values(self) -> list[tuple[str, int, float | None]]:
        values = []
        for i, code in enumerate(self.codes):
            for j, year in enumerate(self.years, start=1):
                item = self.table.item(i, j)
                text = item.text() if item is not None else ""
                try:
                    values.append((code, year, parse_value(text)))
                except ValueError:
                    raise ind.IndicatorInputError(
                        f"План {code} на {year} год: «{text}» — не число."
                    ) from None
        return values

    def save(self) -> bool:
        """Write the table; a wrong cell is named and nothing is saved."""
        try:
            values = self._cell_values()
            with self.db.sessions.begin() as session:
                for code, year, value in values:
                    ind.set_plan(session, code, year, value)
        except ind.IndicatorInputError as exc:
            QMessageBox.warning(self, "План показателей", str(exc))
            return False
        self.reload()
        self.status.setText("План сохранён.")
        self.saved.emit()
        return True
