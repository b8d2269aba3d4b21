"""The regional information-analytic report: the municipalities side by side.

The indicators of each municipality (fact with A and B) against the region's plan, with the
region as a whole as the total line and the municipalities below plan named; a chart of each
indicator's fact per municipality beside its plan; the composition of the active and the pairs
by form per municipality; the open deficits per municipality and competence area. Every figure
is the same count as `indicators --by-municipality` (services/region.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model.enums import ActiveRole, CompetenceArea
from desktop_app.reports import layout, region_queries
from desktop_app.reports.annual import number, pct
from desktop_app.reports.docmodel import Align, Block, Chart, Document, Heading, Para, Table
from desktop_app.reports.params import ReportParams
from desktop_app.services.indicators import IndicatorResult
from desktop_app.services.region import (
    RegionIndicators,
    region_indicators,
)
from desktop_app.textutil import fmt_date

TITLE = "Информационно-аналитический отчёт о реализации системы наставничества педагогических " \
        "работников в муниципальных образованиях"
N: Align = "right"
SECTION = 2
CHART_MM = 62.0  # two charts to a landscape page
REGION = "Регион в целом"
NAME = "Муниципальное образование"


def _fact(r: IndicatorResult) -> str:
    """«70,6 (127 / 180)»: the fact with A and B; «— (0 / 0)» without a base."""
    return f"{number(r.fact)} ({r.a} / {r.b})"


def _names(found: RegionIndicators) -> list[str]:
    return [m.name for m in found.municipalities]


def indicator_blocks(found: RegionIndicators) -> list[Block]:
    codes = [r.code for r in found.region]
    headers = (NAME, *(f"{r.code}, % (план {number(r.plan)})" for r in found.region))
    blocks: list[Block] = [
        Heading("2. Показатели по муниципальным образованиям", SECTION),
        Para("Факт показателя — доля, %, в скобках A / B: A — число учтённых (ОО или педагогов), "
             "B — их общее число; план — один для всех муниципальных образований (плановые "
             "значения региона). Строка «Регион в целом» — по всем ОО региона: её A и B — "
             "суммы A и B муниципальных образований.", size=layout.TABLE_PT),
        Para(f"Таблица 1 — Показатели на {fmt_date(found.on)}: факт по муниципальным "
             "образованиям и план", align="left", indent=False, keep_with_next=True,
             space_before=6),
        Table(headers=headers,
              rows=tuple((m.name, *(_fact(r) for r in m.results)) for m in found.municipalities),
              widths=(40, *(20,) * len(codes)), align=("left", *(N,) * len(codes)),
              total=(REGION, *(_fact(r) for r in found.region)), size=10, head_size=9),
    ]
    below = found.below_plan()
    if below:
        blocks.append(Para("Ниже плана: " + "; ".join(
            f"{m.name} — {', '.join(m.below_plan())}" for m in below) + ".", space_before=6))
    else:
        blocks.append(Para("Ни одно муниципальное образование не ниже плана.", space_before=6))
    no_plan = [r.code for r in found.region if r.plan is None]
    if no_plan:
        blocks.append(Para(f"План на {found.year} год не задан: {', '.join(no_plan)} — эти "
                           "показатели не оцениваются, на диаграммах нет линии плана.",
                           size=layout.TABLE_PT))
    blocks.append(Para("Номера на диаграммах — строки таблицы 1.", size=layout.TABLE_PT,
                       keep_with_next=True, space_before=6))
    for i, r in enumerate(found.region):
        blocks.append(Chart(
            title=f"{r.code}: факт по муниципальным образованиям и план, %",
            categories=tuple(str(n) for n in range(1, len(found.municipalities) + 1)),
            series=(("План", tuple(r.plan for _ in found.municipalities)),
                    ("Факт", tuple(m.results[i].fact for m in found.municipalities))),
            height_mm=CHART_MM))
    blocks.append(Para("; ".join(f"{r.code} — {r.name}" for r in found.region) + ".",
                       size=layout.TABLE_PT, space_before=6))
    return blocks


def _row_counts(found: RegionIndicators, counts: dict[int | None, dict[str, int]],
                keys: list[str]) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    rows = []
    totals = [0] * len(keys)
    for m in found.municipalities:
        values = [counts.get(m.id, {}).get(k, 0) for k in keys]
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        rows.append((m.name, *map(str, values), str(sum(values))))
    return tuple(rows), (REGION, *map(str, totals), str(sum(totals)))


def active_blocks(session: Session, found: RegionIndicators) -> list[Block]:
    counts = region_queries.active_by_municipality(session, found.on)
    roles = [r.value for r in ActiveRole if any(r.value in c for c in counts.values())]
    rows, total = _row_counts(found, counts, roles)
    empty = [m.name for m in found.municipalities if not sum(counts.get(m.id, {}).values())]
    blocks: list[Block] = [
        Heading("3. Методический актив", SECTION),
        Para(f"Члены муниципальных методических активов на {fmt_date(found.on)} (включены "
             "приказом и не исключены) — по муниципальным образованиям их ОО, по ролям.",
             size=layout.TABLE_PT),
        Para("Таблица 2 — Состав методических активов", align="left", indent=False,
             keep_with_next=True, space_before=6),
        Table(headers=(NAME, *(ActiveRole(r).label for r in roles), "Всего"),
              rows=rows, widths=(40, *(16,) * len(roles), 14),
              align=("left", *(N,) * (len(roles) + 1)), total=total, size=10, head_size=9),
    ]
    if empty:
        blocks.append(Para("Нет ни одного члена актива: " + ", ".join(empty) + ".",
                           space_before=6))
    return blocks


def pairs_blocks(session: Session, found: RegionIndicators, start: date) -> list[Block]:
    forms, counts = region_queries.pairs_by_form(session, start, found.on)
    used = [f for f in forms if any(f in c for c in counts.values())] or forms[:1]
    rows, total = _row_counts(found, counts, used)
    none = [m.name for m in found.municipalities if not sum(counts.get(m.id, {}).values())]
    blocks: list[Block] = [
        Heading("4. Наставнические пары (группы) по формам наставничества", SECTION),
        Para(f"Пары (группы), работавшие в {found.year} году по {fmt_date(found.on)}, — по "
             "муниципальному образованию ОО наставника.", size=layout.TABLE_PT),
        Para("Таблица 3 — Наставнические пары (группы) по формам наставничества", align="left",
             indent=False, keep_with_next=True, space_before=6),
        Table(headers=(NAME, *used, "Всего"), rows=rows, widths=(40, *(18,) * len(used), 14),
              align=("left", *(N,) * (len(used) + 1)), total=total, size=10, head_size=9),
    ]
    if none:
        blocks.append(Para("Ни одной наставнической пары (группы) в отчётном периоде: "
                           + ", ".join(none) + ".", space_before=6))
    return blocks


def _base(results: list[IndicatorResult], code: str) -> int:
    """B of an indicator: the working ОО (I1) or the working teachers (I2)."""
    return next(r.b for r in results if r.code == code)


def _share(n: int, staff: int) -> str:
    return f"{n} ({pct(n, staff)})" if staff else str(n)


def deficit_blocks(session: Session, found: RegionIndicators) -> list[Block]:
    counts = region_queries.open_deficits(session, found.on)
    areas = [a.value for a in CompetenceArea]
    rows = tuple((m.name, *(_share(counts.get(m.id, {}).get(a, 0), _base(m.results, "I2"))
                            for a in areas)) for m in found.municipalities)
    region_staff = _base(found.region, "I2")
    total = (REGION, *(_share(sum(c.get(a, 0) for c in counts.values()), region_staff)
                       for a in areas))
    worst = []
    for a in areas:
        shares = [(counts.get(m.id, {}).get(a, 0) / staff, m.name)
                  for m in found.municipalities
                  if (staff := _base(m.results, "I2"))]
        if shares and max(shares)[0] > 0:
            worst.append(f"{CompetenceArea(a).label} — {max(shares)[1]}")
    blocks: list[Block] = [
        Heading("5. Профессиональные дефициты по муниципальным образованиям", SECTION),
        Para(f"Педагоги, работающие на {fmt_date(found.on)}, у которых на эту дату есть не "
             "преодолённый дефицит в области компетенций; в скобках — их доля от всех педагогов "
             "муниципального образования, %.", size=layout.TABLE_PT),
        Para("Таблица 4 — Педагоги с не преодолёнными дефицитами по областям компетенций",
             align="left", indent=False, keep_with_next=True, space_before=6),
        Table(headers=(NAME, *(CompetenceArea(a).label for a in areas)), rows=rows,
              widths=(40, *(20,) * len(areas)), align=("left", *(N,) * len(areas)),
              total=total, size=10, head_size=9),
    ]
    if worst:
        blocks.append(Para("Наибольшая доля педагогов с дефицитом: " + "; ".join(worst) + ".",
                           space_before=6))
    return blocks


def region(session: Session, params: ReportParams) -> Document:
    """The regional report for params.year as of 31 December (or params.on of that year)."""
    year = params.report_year
    on = params.on if params.on and params.on.year == year else None
    found = region_indicators(session, year, on)
    start = date(year, 1, 1)
    head = layout.letterhead(session)
    orgs, staff = _base(found.region, "I1"), _base(found.region, "I2")
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(f"{TITLE} за {year} год", 1),
        Heading("1. Основание и период", SECTION),
        Para("Отчёт подготовлен по данным муниципальных образований, сведённым из их книг "
             "обмена: реестры педагогических работников, наставнические пары (группы), "
             "методические активы, результаты диагностики профессиональных дефицитов."),
        Para(f"Отчётный период — {year} год (с {fmt_date(start)} по {fmt_date(found.on)}). "
             f"Муниципальных образований — {len(found.municipalities)}, действующих ОО — "
             f"{orgs}, работающих в них педагогических работников и управленческих кадров — "
             f"{staff}."),
        *indicator_blocks(found),
        *active_blocks(session, found),
        *pairs_blocks(session, found, start),
        *deficit_blocks(session, found),
        *layout.approval_blocks(head, params.day),
        *layout.executor_blocks(head),
    ]
    return Document(f"{TITLE} за {year} год", tuple(blocks), landscape=True,
                    margins_mm=layout.page_margins(session), meta={"xlsx": "tables"})
