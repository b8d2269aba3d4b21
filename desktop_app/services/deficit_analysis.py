"""Municipal analysis of deficits: areas × ОО, subject, category, experience band; xlsx export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from desktop_app.model import Deficit, DiagnosticSession, Municipality, Organisation, Person
from desktop_app.model.enums import Category, CompetenceArea, DeficitState
from desktop_app.textutil import fmt_date, fmt_percent, ru_sort_key

DIMENSIONS = {
    "organisation": "Образовательная организация",
    "subject": "Предмет (направление)",
    "category": "Квалификационная категория",
    "experience": "Педагогический стаж",
}
# A region's database (ОО of several municipalities) adds this one (dimensions_of)
MUNICIPALITY = "municipality"
TITLES = {**DIMENSIONS, MUNICIPALITY: "Муниципалитет"}
BANDS = ["до 3 лет", "3–5 лет", "5–10 лет", "10–20 лет", "20 лет и более", "стаж не указан"]
NOT_SET = "не указано"
AREAS = [a.value for a in CompetenceArea]


@dataclass(frozen=True)
class HeatRow:
    label: str
    diagnosed: int
    with_deficits: int
    counts: tuple[int, ...]

    def share(self, index: int) -> float | None:
        """Share (percent) of the diagnosed people with a deficit in the area at index."""
        return 100 * self.counts[index] / self.diagnosed if self.diagnosed else None

    @property
    def total_share(self) -> float | None:
        return 100 * self.with_deficits / self.diagnosed if self.diagnosed else None


@dataclass(frozen=True)
class HeatTable:
    dimension: str
    title: str
    on: date
    areas: tuple[str, ...]
    rows: tuple[HeatRow, ...]
    total: HeatRow


def _years_ago(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def dimensions_of(session: Session) -> dict[str, str]:
    """The dimensions of the analysis: the municipality first when the ОО belong to more than
    one, then the others."""
    several = (session.scalar(select(func.count(func.distinct(Organisation.municipality_id))))
               or 0) > 1
    return {MUNICIPALITY: TITLES[MUNICIPALITY], **DIMENSIONS} if several else dict(DIMENSIONS)


def _dimension(by: str, on: date) -> Any:
    if by == MUNICIPALITY:
        return func.coalesce(Municipality.name, literal(NOT_SET))
    if by == "organisation":
        return func.coalesce(Organisation.short_name, literal(NOT_SET))
    if by == "subject":
        return case((func.trim(Person.subject) == "", literal(NOT_SET)),
                    else_=func.trim(Person.subject))
    if by == "category":
        return Person.category
    if by == "experience":
        start = Person.ped_experience_start
        return case(
            (start.is_(None), literal(BANDS[5])),
            (start > _years_ago(on, 3), literal(BANDS[0])),
            (start > _years_ago(on, 5), literal(BANDS[1])),
            (start > _years_ago(on, 10), literal(BANDS[2])),
            (start > _years_ago(on, 20), literal(BANDS[3])),
            else_=literal(BANDS[4]),
        )
    raise ValueError(f"Неизвестный разрез анализа: {by}")


def _label(by: str, value: str) -> str:
    if by == "category":
        found = Category.from_label(value)
        return found.label if found is not None else value or NOT_SET
    return value


def _sort_key(by: str, label: str) -> tuple[Any, ...]:
    if by == "experience":
        return (BANDS.index(label) if label in BANDS else len(BANDS),)
    if by == "category":
        labels = [c.label for c in Category]
        return (labels.index(label) if label in labels else len(labels),)
    return (label == NOT_SET, ru_sort_key(label))


def heat_table(session: Session, by: str = "organisation", on: date | None = None) -> HeatTable:
    """People with open deficits (выявлен, в работе) by area, per value of a dimension, with the
    number of diagnosed people as the base of the shares. One query: deficits folded to one row
    per person, joined to the diagnosed active people, grouped by the dimension."""
    on = on or date.today()
    flags = [func.max(case((Deficit.area == a, 1), else_=0)).label(a) for a in AREAS]
    per_person = (
        select(Deficit.person_id.label("pid"), *flags)
        .where(Deficit.found_on <= on, Deficit.state != DeficitState.OVERCOME.value)
        .group_by(Deficit.person_id)
        .subquery()
    )
    diagnosed = (
        select(DiagnosticSession.person_id.label("pid"))
        .where(DiagnosticSession.session_date <= on)
        .distinct()
        .subquery()
    )
    dim = _dimension(by, on).label("dim")
    stmt = (
        select(dim, func.count(), func.count(per_person.c.pid),
               *[func.coalesce(func.sum(per_person.c[a]), 0) for a in AREAS])
        .select_from(Person)
        .join(diagnosed, diagnosed.c.pid == Person.id)
        .outerjoin(per_person, per_person.c.pid == Person.id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
        .where(Person.is_active.is_(True))
        .group_by(dim)
    )
    rows = [
        HeatRow(label=_label(by, r[0]), diagnosed=r[1], with_deficits=r[2],
                counts=tuple(int(n) for n in r[3:]))
        for r in session.execute(stmt)
    ]
    return _assemble(by, on, rows)


def _assemble(by: str, on: date, rows: list[HeatRow]) -> HeatTable:
    rows.sort(key=lambda r: _sort_key(by, r.label))
    total = HeatRow(
        label="Итого", diagnosed=sum(r.diagnosed for r in rows),
        with_deficits=sum(r.with_deficits for r in rows),
        counts=tuple(sum(r.counts[i] for r in rows) for i in range(len(AREAS))),
    )
    return HeatTable(by, TITLES[by], on, tuple(AREAS), tuple(rows), total)


# --- xlsx ------------------------------------------------------------------------------------

def _append(ws: Any, values: Sequence[object]) -> int:
    """Append a row; text that openpyxl would take for a formula (=…) stays text."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
    return int(ws.max_row)


def heat_colour(share: float | None) -> str | None:
    """Cell colour by share of people with a deficit: none, pale yellow … red."""
    if share is None or share <= 0:
        return None
    if share < 10:
        return "FFF4CC"
    if share < 25:
        return "FFD699"
    if share < 40:
        return "FFA666"
    return "F26B5B"


def _sheet(wb: Any, table: HeatTable) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title=table.title[:31])
    _append(ws, [f"Профессиональные дефициты педагогов: {table.title.lower()}, "
                 f"на {fmt_date(table.on)}"])
    ws["A1"].font = Font(bold=True)
    heads = ["№ п/п", table.title, "Прошли диагностику", "С дефицитами", "Доля"]
    for code in table.areas:
        heads += [f"{CompetenceArea(code).label}: чел.", "доля"]
    _append(ws, heads)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate((*table.rows, table.total), start=1):
        is_total = row is table.total
        line: list[object] = ["" if is_total else number, row.label, row.diagnosed,
                              row.with_deficits, fmt_percent(row.total_share)]
        for i in range(len(table.areas)):
            line += [row.counts[i], fmt_percent(row.share(i))]
        excel_row = _append(ws, line)
        for i in range(len(table.areas)):
            colour = heat_colour(row.share(i))
            if colour:
                for col in (6 + 2 * i, 7 + 2 * i):
                    ws.cell(excel_row, col).fill = PatternFill("solid", fgColor=colour)
        if is_total:
            for cell in ws[excel_row]:
                cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 40
    ws.freeze_panes = "C3"


def export_heat_xlsx(tables: list[HeatTable], path: Path) -> Path:
    """Write one sheet per heat table (counts, shares, coloured cells) to an xlsx file."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for table in tables:
        _sheet(wb, table)
    wb.save(path)
    return path
