"""Tab «Показатели»: the indicators against plan with who is counted, by ОО, dynamics, plan,
road map, meetings of the active, the recognition of mentors and the bank of best practices."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import indicators as ind, municipalities, region
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import from_qdate
from desktop_app.ui.common.municipality_filter import MunicipalityFilter
from desktop_app.ui.common.table_model import Column
from desktop_app.ui.indicators.chart import DynamicsView
from desktop_app.ui.indicators.meetings import MeetingsView
from desktop_app.ui.indicators.plans import PlanEditor
from desktop_app.ui.indicators.practices import PracticesView
from desktop_app.ui.indicators.recognitions import RecognitionsView
from desktop_app.ui.indicators.roadmap import RoadmapView
from desktop_app.ui.indicators.views import (
    INDICATOR_COLUMNS,
    RED,
    ColouredPanel,
    ColouredRowsModel,
    DrillPanel,
    indicator_rows,
    status_colour,
)

ORG_COLUMNS = [Column("ОО"), Column("Положение"), Column("Программа")] + [
    column for code in ind.PERSON_CODES
    for column in (Column(f"{code}, %", True), Column(f"{code}: A из B", True))
]


MUNICIPALITY_COLUMNS = [Column("Муниципалитет")] + [
    column for code in ind.CODES
    for column in (Column(f"{code}, %", True), Column(f"{code}: A из B", True))
] + [Column("Ниже плана")]
REGION = "Регион в целом"


class IndicatorsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.year = QSpinBox(self)
        self.year.setRange(ind.MIN_YEAR, ind.MAX_YEAR)
        self.year.setValue(date.today().year)
        self.use_date = QCheckBox("на дату", self)
        self.on_date = QDateEdit(self)
        self.on_date.setDisplayFormat("dd.MM.yyyy")
        self.on_date.setCalendarPopup(True)
        self.on_date.setDate(QDate.currentDate())
        self.on_date.setEnabled(False)
        self.period = QLabel(self)
        # a region's database: the indicators, by ОО and dynamics of one municipality's ОО
        self.municipality = MunicipalityFilter(self)
        self.municipality.box.setMinimumContentsLength(32)  # the bar has room for a long name
        self.municipality.box.setToolTip(
            "Муниципалитет: его показатели, кто учтён, его ОО и динамика (страницы "
            "«Показатели», «По ОО», «Динамика»)")
        top = QHBoxLayout()
        for widget in (QLabel("Год:", self), self.year, self.use_date, self.on_date,
                       *self.municipality.widgets()):
            top.addWidget(widget)
        top.addWidget(self.period, 1)
        self.pages = QTabWidget(self)
        self.main_page = self._build_main()
        self.pages.addTab(self.main_page, "Показатели")
        self.by_org = ColouredPanel(ORG_COLUMNS, None, (0,), "Поиск ОО…", self, (260,))
        self.pages.addTab(self.by_org, "По ОО")
        # the municipalities side by side: shown when the ОО belong to more than one
        self.by_municipality = ColouredPanel(
            MUNICIPALITY_COLUMNS, lambda row: RED if row[-2] else None, (0,),
            "Поиск муниципалитета…", self, (260,))
        self.by_municipality.hide()  # until it is a page: not drawn over the year's field
        self.municipality_page = -1
        self.dynamics = DynamicsView(db, self)
        self.pages.addTab(self.dynamics, "Динамика")
        self.plan = PlanEditor(db, self)
        self.plan.saved.connect(self._plans_changed)
        self.pages.addTab(self.plan, "План")
        self.roadmap = RoadmapView(db, self)
        self.pages.addTab(self.roadmap, "Дорожная карта")
        self.meetings = MeetingsView(db, self)
        self.pages.addTab(self.meetings, "Заседания актива")
        # computed when shown (for the tab's year and date): the other pages do not wait for it
        self.recognition = RecognitionsView(db, self)
        self.pages.addTab(self.recognition, "Поощрение наставников")
        self.practices = PracticesView(db, self)
        self.pages.addTab(self.practices, "Банк практик")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self.year.valueChanged.connect(self._year_changed)
        self.use_date.toggled.connect(self._date_toggled)
        self.on_date.dateChanged.connect(lambda _d: self.reload())
        self.municipality.box.currentIndexChanged.connect(lambda _i: self.reload())
        self.pages.currentChanged.connect(lambda _i: self._filter_applies())
        self.reload()

    def _build_main(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Vertical, self)
        self.model = ColouredRowsModel(INDICATOR_COLUMNS, self)
        self.model.colour_of = lambda row: status_colour(row[8])
        self.table = QTableView(page)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._drill())
        self.drill = DrillPanel(page)
        page.addWidget(self.table)
        page.addWidget(self.drill)
        page.setStretchFactor(0, 2)
        page.setStretchFactor(1, 3)
        return page

    # period --------------------------------------------------------------------------
    def selected_date(self) -> date | None:
        return from_qdate(self.on_date.date()) if self.use_date.isChecked() else None

    def _year_changed(self, year: int) -> None:
        if self.use_date.isChecked():
            current = self.on_date.date()
            self.on_date.blockSignals(True)
            self.on_date.setDate(QDate(year, current.month(), min(current.day(), 28)
                                       if current.month() == 2 else current.day()))
            self.on_date.blockSignals(False)
        self.reload()

    def _date_toggled(self, checked: bool) -> None:
        self.on_date.setEnabled(checked)
        if checked and self.on_date.date().year() != self.year.value():
            self.on_date.setDate(QDate(self.year.value(), 12, 31))
        self.reload()

    # loading -------------------------------------------------------------------------
    def chosen_municipality(self) -> tuple[int, str] | None:
        """The municipality the filter chose (its id and name); None: every ОО."""
        chosen = self.municipality.box.currentData()
        return None if chosen is None else (int(chosen), self.municipality.box.currentText())

    def _filter_applies(self) -> None:
        """The filter is offered on the pages it keeps to a municipality; the others (the
        municipalities side by side, the plan, the road map…) are the whole database's."""
        self.municipality.box.setEnabled(
            self.pages.currentWidget() in (self.main_page, self.by_org, self.dynamics))

    def reload(self) -> None:
        year, on = self.year.value(), self.selected_date()
        try:
            with self.db.sessions() as session:
                self.municipality.fill(municipalities.organisations_by_municipality(session))
                chosen = self.chosen_municipality()
                mid = chosen[0] if chosen is not None else None
                found = region.region_indicators(session, year, on)
                # the database's indicators (the groups' sums), or the municipality's own
                self.results = found.region
                if mid is not None:
                    own = [m.results for m in found.municipalities if m.id == mid]
                    self.results = own[0] if own else \
                        ind.compute_indicators(session, year, on, mid)
                orgs = ind.by_organisation(session, year, on, mid)
                day = ind.as_of(year, on)
        except ind.IndicatorInputError as exc:
            self.period.setText(str(exc))
            return
        self.period.setText(f"Период: 01.01.{year} – {fmt_date(day)}")
        code = self.current_code()
        self.model.set_rows(indicator_rows(self.results))
        self.by_org.set_rows([self._org_row(o) for o in orgs])
        self._show_municipalities(found)
        self.dynamics.set_municipality(chosen)
        self.meetings.set_period(year, on)
        self.recognition.set_period(year, on)
        self.practices.set_period(year, on)
        self.select_code(code or "I1")

    def _show_municipalities(self, found: region.RegionIndicators) -> None:
        """The page «По муниципалитетам» (each municipality, then the region) when there are
        several; hidden otherwise."""
        several = len(found.municipalities) > 1
        if several and self.municipality_page < 0:
            self.municipality_page = self.pages.insertTab(2, self.by_municipality,
                                                          "По муниципалитетам")
        elif not several and self.municipality_page >= 0:
            self.pages.removeTab(self.municipality_page)
            self.municipality_page = -1
        rows = [self._municipality_row(m.name, m.results, m.below_plan(), m.id)
                for m in found.municipalities]
        rows.append(self._municipality_row(REGION, found.region, [], 0))
        self.by_municipality.set_rows(rows if several else [])

    @staticmethod
    def _municipality_row(name: str, results: list[ind.IndicatorResult], below: list[str],
                          key: int | None) -> tuple[object, ...]:
        values: list[object] = [name]
        for r in results:
            values += [r.fact, f"{r.a} из {r.b}"]
        return (*values, ", ".join(below), bool(below), key)

    @staticmethod
    def _org_row(org: ind.OrgIndicators) -> tuple[object, ...]:
        values: list[object] = [org.name, org.act_date, org.programme_date]
        for code in ind.PERSON_CODES:
            a, b, fact = org.values[code]
            values += [fact, f"{a} из {b}"]
        return (*values, org.org_id)

    def current_code(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_code(self, code: str) -> None:
        row = self.model.row_of_id(code)
        if row is not None:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
            self._drill()

    def _drill(self) -> None:
        code = self.current_code()
        if code is None:
            return
        chosen = self.chosen_municipality()
        with self.db.sessions() as session:
            drill = ind.drill_down(session, code, self.year.value(), self.selected_date(),
                                   chosen[0] if chosen is not None else None)
        self.drill.show_drill(drill)
        self.dynamics.select(code)

    def _plans_changed(self) -> None:
        self.reload()
        self.dynamics.reload()
