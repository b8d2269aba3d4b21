"""The annual information-analytic report: data by ОО, pairs, mentors, deficits, indicators."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model import Pair
from desktop_app.model.enums import Category, CompetenceArea, MenteeCategory, Respondent
from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import Block, Chart, Document, Heading, Para, Table
from desktop_app.reports.params import ANNUAL_SECTIONS, ReportParams, report_texts
from desktop_app.reports.personal import text_blocks
from desktop_app.services.indicators import IndicatorResult, as_of, compute_indicators, share
from desktop_app.services.indicators import status_label as indicator_status
from desktop_app.textutil import fmt_date, fmt_number, fmt_percent, years_between

TITLE = "Информационно-аналитический отчёт о реализации системы наставничества педагогических " \
        "работников и деятельности муниципального методического актива"
EXPERIENCE_BANDS = ((0, 5, "до 5 лет"), (5, 10, "от 5 до 10 лет"), (10, 20, "от 10 до 20 лет"),
                    (20, 200, "20 лет и более"))
N = "right"


def pct(a: int, b: int) -> str:
    return fmt_percent(share(a, b))


def number(value: float | None, digits: int = 1) -> str:
    """«12,5», «−3,0» (a true minus), «—» when there is no value."""
    return "—" if value is None else fmt_number(value, digits).replace("-", "\u2212")


def basis_blocks(year: int, start: date, on: date, results: dict[str, IndicatorResult]) -> list[
        Block]:
    people, orgs = results["I3"].b, results["I1"].b
    return [
        Heading("1. Основание и период"),
        Para("Отчёт подготовлен на основании данных муниципального реестра педагогических "
             "работников и управленческих кадров, наставнических пар (групп), результатов "
             "диагностики профессиональных дефицитов и мониторинга персонализированных программ "
             "наставничества."),
        Para(f"Отчётный период: с {fmt_date(start)} по {fmt_date(on)} ({year} год). "
             f"Образовательных организаций: {orgs}; педагогических работников и управленческих "
             f"кадров: {people}."),
    ]


def normative_blocks(session: Session, on: date, results: dict[str, IndicatorResult]) -> list[
        Block]:
    act, prog = results["I1"], results["P4"]
    lacking = [o for o in queries.org_acts(session, on) if o.act_date is None
               or o.programme_date is None]
    blocks: list[Block] = [
        Heading("2. Нормативное обеспечение наставничества в образовательных организациях"),
        Para(f"Положение о системе наставничества педагогических работников утверждено в "
             f"{act.a} из {act.b} образовательных организаций ({fmt_percent(act.fact)}); "
             f"программа развития наставничества — в {prog.a} ({fmt_percent(prog.fact)})."),
    ]
    if lacking:
        blocks.append(Para("Образовательные организации, в которых не утверждены документы:",
                           keep_with_next=True))
        blocks.append(Table(
            headers=("Образовательная организация", "Положение о системе наставничества",
                     "Программа развития наставничества"),
            rows=tuple((o.name, _act_text(o), fmt_date(o.programme_date) or "не утверждена")
                       for o in lacking),
            widths=(50, 25, 25), align=("left", "center", "center"),
        ))
    return blocks


def _act_text(org: queries.OrgActs) -> str:
    if org.act_date is None:
        return "не утверждено"
    return f"от {fmt_date(org.act_date)} № {org.act_number}" if org.act_number else fmt_date(
        org.act_date)


def org_table(lines: list[queries.OrgLine]) -> Table:
    """Staff and mentorship by ОО with «Итого»; coverage = participants / staff."""
    def row(name: str, values: list[int]) -> tuple[str, ...]:
        staff, under, young, mentors, mentees, pairs, covered = values
        return (name, str(staff), str(under), str(young), str(mentors), str(mentees), str(pairs),
                pct(covered, staff))

    def values(line: queries.OrgLine) -> list[int]:
        return [line.staff, line.under_35, line.young, line.mentors, line.mentees, line.pairs,
                line.covered]

    totals = [sum(column) for column in zip(*(values(x) for x in lines), strict=True)] \
        if lines else [0] * 7
    return Table(
        headers=("Образовательная организация", "Педа-\nгогов", "До 35 лет",
                 "Молодые специа-\nлисты", "Настав-\nники", "Настав-\nляемые",
                 "Пары (груп-\nпы)", "Охват, %"),
        rows=tuple(row(x.name, values(x)) for x in lines),
        widths=(80, 14, 10, 16, 15, 16, 12, 14), align=("left",) + (N,) * 7, size=10,
        total=row("Итого", totals),
    )


def staff_blocks(lines: list[queries.OrgLine]) -> list[Block]:
    return [
        Heading("3. Кадровый состав и охват наставничеством по образовательным организациям"),
        Para("Молодые специалисты — педагоги в возрасте до 35 лет со стажем педагогической "
             "работы менее 3 лет; охват — доля педагогов организации, участвующих в "
             "персонализированных программах наставничества (наставники и наставляемые).",
             size=layout.TABLE_PT, keep_with_next=True),
        org_table(lines),
    ]


def pairs_blocks(session: Session, start: date, on: date) -> list[Block]:
    forms = queries.pairs_by_form(session, start, on)
    categories = queries.pairs_by_value(session, Pair.mentee_category, start, on)
    total_pairs = sum(f.pairs for f in forms)
    return [
        Heading("4. Наставнические пары (группы) по формам наставничества"),
        Table(headers=("Форма наставничества", "Пар (групп)", "Наставляемых", "Доля пар, %"),
              rows=tuple((f.label, str(f.pairs), str(f.people), pct(f.pairs, total_pairs))
                         for f in forms),
              widths=(55, 15, 15, 15), align=("left", N, N, N),
              total=("Итого", str(total_pairs), str(sum(f.people for f in forms)),
                     pct(total_pairs, total_pairs))),
        Para("По категориям наставляемых:", keep_with_next=True, space_before=6),
        Table(headers=("Категория наставляемых", "Пар (групп)", "Доля пар, %"),
              rows=tuple((c.label, str(categories.get(c.value, 0)),
                          pct(categories.get(c.value, 0), total_pairs)) for c in MenteeCategory),
              widths=(60, 20, 20), align=("left", N, N)),
    ]


def _band(info: queries.MentorInfo, on: date) -> str:
    if info.experience_start is None:
        return "стаж не указан"
    years = years_between(info.experience_start, on)
    return next(name for low, high, name in EXPERIENCE_BANDS if low <= years < high)


def mentors_blocks(session: Session, start: date, on: date) -> list[Block]:
    mentors = queries.mentors_of_period(session, start, on)
    bands = Counter(_band(m, on) for m in mentors)
    categories = Counter(m.category for m in mentors)
    total = len(mentors)
    band_names = [name for _, _, name in EXPERIENCE_BANDS] + (
        ["стаж не указан"] if bands["стаж не указан"] else [])
    return [
        Heading("5. Наставники по стажу и квалификационной категории"),
        Table(headers=("Педагогический стаж", "Наставников", "Доля, %"),
              rows=tuple((b, str(bands[b]), pct(bands[b], total)) for b in band_names),
              widths=(60, 20, 20), align=("left", N, N),
              total=("Итого", str(total), pct(total, total))),
        Para("", space_before=6),
        Table(headers=("Квалификационная категория", "Наставников", "Доля, %"),
              rows=tuple((c.label, str(categories[c.value]), pct(categories[c.value], total))
                         for c in Category),
              widths=(60, 20, 20), align=("left", N, N),
              total=("Итого", str(total), pct(total, total))),
    ]


def deficits_blocks(session: Session, start: date, on: date) -> list[Block]:
    found = {d.area: d for d in queries.deficits_by_area(session, start, on)}
    rows = []
    for area in CompetenceArea:
        d = found.get(area.value, queries.DeficitLine(area.value, 0, 0, 0))
        rows.append((area.label, str(d.found), str(d.overcome), str(d.open_on)))
    totals = [sum(int(r[i]) for r in rows) for i in (1, 2, 3)]
    return [
        Heading("6. Профессиональные дефициты: выявлены и преодолены"),
        Table(headers=("Область компетенций", "Выявлено за период", "Преодолено за период",
                       f"Не преодолено на {fmt_date(on)}"),
              rows=tuple(rows), widths=(46, 18, 18, 18), align=("left", N, N, N),
              total=("Итого", *[str(t) for t in totals])),
    ]


def indicator_table(results: list[IndicatorResult]) -> Table:
    return Table(
        headers=("Показатель", "План, %", "Факт, %", "A", "B", "Откл., п.п.", "Оценка"),
        rows=tuple((r.name, number(r.plan), number(r.fact), str(r.a), str(r.b),
                    number(r.difference), indicator_status(r.status)) for r in results),
        widths=(70, 13, 13, 10, 10, 14, 18), align=("left", N, N, N, N, N, "center"),
        size=11,
    )


def indicator_chart(results: list[IndicatorResult]) -> Chart:
    return Chart(
        title="Показатели: план и факт, % (номера — как в таблице)",
        categories=tuple(str(i) for i in range(1, len(results) + 1)),
        series=(("План", tuple(r.plan or 0.0 for r in results)),
                ("Факт", tuple(r.fact or 0.0 for r in results))),
    )


def indicators_blocks(results: list[IndicatorResult]) -> list[Block]:
    return [
        Heading("7. Показатели: план и факт"),
        Para("A — число учтённых (ОО или педагогов), B — их общее число; факт = A / B × 100 %; "
             "откл. — отклонение факта от плана в процентных пунктах.",
             size=layout.TABLE_PT, keep_with_next=True),
        indicator_table(results),
        indicator_chart(results),
    ]


def satisfaction_blocks(session: Session, start: date, on: date) -> list[Block]:
    found = {s.respondent: s for s in queries.satisfaction(session, start, on)}
    rows = []
    for respondent in Respondent:
        s = found.get(respondent.value)
        rows.append((
            "Наставники" if respondent is Respondent.MENTOR else "Наставляемые",
            str(s.answers if s else 0), number(s.mean if s else None),
            pct(s.high, s.answers) if s else "—",
        ))
    return [
        Heading("8. Удовлетворённость участников программ наставничества"),
        Table(headers=("Респонденты", "Анкет", "Средний балл (1–10)", "Доля оценок 8–10, %"),
              rows=tuple(rows), widths=(40, 15, 22, 23), align=("left", N, N, N)),
    ]


def text_sections(session: Session, year: int) -> list[Block]:
    texts = report_texts(session, "annual", year)
    blocks: list[Block] = []
    for number_, (section, title) in enumerate(ANNUAL_SECTIONS.items(), start=9):
        blocks.append(Heading(f"{number_}. {title}"))
        blocks.extend(text_blocks(texts.get(section, "")))
    return blocks


def annual(session: Session, params: ReportParams) -> Document:
    """The annual report for params.year as of 31 December (or params.on of that year)."""
    year = params.report_year
    on = as_of(year, params.on if params.on and params.on.year == year else None)
    start = date(year, 1, 1)
    results = compute_indicators(session, year, on)
    by_code = {r.code: r for r in results}
    head = layout.letterhead(session)
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(f"{TITLE} за {year} год"),
        *basis_blocks(year, start, on, by_code),
        *normative_blocks(session, on, by_code),
        *staff_blocks(queries.org_lines(session, start, on)),
        *pairs_blocks(session, start, on),
        *mentors_blocks(session, start, on),
        *deficits_blocks(session, start, on),
        *indicators_blocks(results),
        *satisfaction_blocks(session, start, on),
        *text_sections(session, year),
        *layout.signature_blocks(head),
    ]
    return Document(f"{TITLE} за {year} год", tuple(blocks),
                    margins_mm=layout.page_margins(session))
