"""Plan and fact of one indicator by year, as a QtCharts bar chart with its table."""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop_app.services import indicators as ind
from desktop_app.store.database import Database
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.indicators.views import ColouredPanel


class DynamicsView(QWidget):
    """Choose an indicator and a range of years; see plan and fact by year."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        # the municipality the tab's filter chose (id, name); None: every ОО of the database
        self.municipality: tuple[int, str] | None = None
        self.code = QComboBox(self)
        for code, (name, _unit) in ind.indicator_names().items():
            self.code.addItem(f"{code}. {name}", code)
        self.first, self.last = QSpinBox(self), QSpinBox(self)
        for spin in (self.first, self.last):
            spin.setRange(ind.MIN_YEAR, ind.MAX_YEAR)
        with db.sessions() as session:
            years = ind.plan_years(session)
        this_year = date.today().year
        self.first.setValue(min(years) if years else this_year - 3)
        self.last.setValue(max(max(years) if years else this_year, this_year))
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setLocalizeNumbers(True)  # decimal comma in the bar labels
        self.chart.setLocale(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
        self.view = QChartView(self.chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.table = ColouredPanel([Column("Год"), Column("План, %", True),
                                    Column("Факт, %", True), Column("A", True), Column("B", True)],
                                   None, (0,), "Поиск года…", self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Показатель:", self))
        top.addWidget(self.code, 1)
        top.addWidget(QLabel("годы с", self))
        top.addWidget(self.first)
        top.addWidget(QLabel("по", self))
        top.addWidget(self.last)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.table, 1)
        self.code.currentIndexChanged.connect(self.reload)
        self.first.valueChanged.connect(self.reload)
        self.last.valueChanged.connect(self.reload)
        self.reload()

    def set_municipality(self, chosen: tuple[int, str] | None) -> None:
        """Keep to a municipality's ОО (None: every ОО); redrawn when it changes."""
        if chosen != self.municipality:
            self.municipality = chosen
            self.reload()

    def select(self, code: str) -> None:
        self.code.setCurrentIndex(self.code.findData(code))

    def reload(self) -> None:
        code = self.code.currentData()
        first, last = sorted((self.first.value(), self.last.value()))
        with self.db.sessions() as session:
            points = ind.dynamics(session, code, range(first, last + 1),
                                  municipality=self.municipality[0] if self.municipality else None)
        self.points = points
        self._draw(code, points)
        self.table.set_rows([(str(p.year), p.plan, p.fact, p.a, p.b, p.year) for p in points])

    def _draw(self, code: str, points: list[ind.YearPoint]) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        plan, fact = QBarSet("План"), QBarSet("Факт")
        plan.setColor(QColor("#9db7d5"))
        fact.setColor(QColor("#2e7d32"))
        for p in points:
            plan.append(p.plan if p.plan is not None else 0.0)
            fact.append(p.fact if p.fact is not None else 0.0)
        series = QBarSeries()
        series.append(plan)
        series.append(fact)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        self.chart.addSeries(series)
        years = QBarCategoryAxis()
        years.append([str(p.year) for p in points])
        values = QValueAxis()
        values.setRange(0, 100)
        values.setLabelFormat("%.0f")
        values.setTitleText("%")
        self.chart.addAxis(years, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(years)
        series.attachAxis(values)
        whose = f" — {self.municipality[1]}" if self.municipality else ""
        self.chart.setTitle(
            f"{code}{whose}: план и факт по годам (на 31 декабря; текущий год — на сегодня)"
        )
