"""The annual information-analytic report: data by ОО, pairs, mentors, deficits, indicators.

Every number the text quotes is a total of one of the report's numbered tables or an A, B or
fact of the indicator table (the same counts as the «Показатели» tab); where two tables count
differently (a mentee in two pairs, a pair whose mentor is in no active ОО) the text says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model import Pair
from desktop_app.model.enums import Category, CompetenceArea, MenteeCategory, Respondent
from desktop_app.reports import annual_queries, layout
from desktop_app.reports.docmodel import Align, Block, Chart, Document, Heading, Para, Table
from desktop_app.reports.params import ANNUAL_SECTIONS, ReportParams, report_texts
from desktop_app.reports.personal import text_blocks
from desktop_app.services.indicators import (
    CODES,
    IndicatorResult,
    as_of,
    compute_indicators,
    share,
    status_label as indicator_status,
)
from desktop_app.textutil import fmt_date, fmt_number, fmt_percent, years_between

TITLE = "Информационно-аналитический отчёт о реализации системы наставничества педагогических " \
        "работников и деятельности муниципального методического актива"
EXPERIENCE_BANDS = ((0, 5, "до 5 лет"), (5, 10, "от 5 до 10 лет"), (10, 20, "от 10 до 20 лет"),
                    (20, 200, "20 лет и более"))
NO_EXPERIENCE = "стаж не указан"
N: Align = "right"
SECTION = 2  # the heading level of a numbered section (the title is level 1)
# The numbered tables in the order they are printed; «lacking» only when some ОО lacks a document.
TABLE_KEYS = ("lacking", "staff", "forms", "categories", "experience", "qualification",
              "deficits", "indicators", "satisfaction")
# The row of an indicator in the indicator table (and its number on the chart).
INDICATOR_ROW = {code: n for n, code in enumerate(CODES, start=1)}


def pct(a: int, b: int) -> str:
    return fmt_percent(share(a, b))


def number(value: float | None, digits: int = 1) -> str:
    """«12,5», «−3,0» (a true minus), «—» when there is no value."""
    return "—" if value is None else fmt_number(value, digits).replace("-", "\u2212")


@dataclass(frozen=True)
class Period:
    """What every section needs: the year, its first day, the date of the data, the indicators
    by code and the number of each printed table."""

    year: int
    start: date
    on: date
    results: dict[str, IndicatorResult]
    tables: dict[str, int]

    @property
    def on_text(self) -> str:
        return fmt_date(self.on)

    def table(self, key: str) -> str:
        return f"таблица {self.tables[key]}"


def table_numbers(has_lacking: bool) -> dict[str, int]:
    keys = [k for k in TABLE_KEYS if k != "lacking" or has_lacking]
    return {key: n for n, key in enumerate(keys, start=1)}


def caption(period: Period, key: str, title: str) -> Para:
    """«Таблица N — …» above its table, kept with it."""
    return Para(f"Таблица {period.tables[key]} — {title}", align="left", indent=False,
                keep_with_next=True, space_before=6)


def basis_blocks(period: Period) -> list[Block]:
    orgs, people = period.results["I1"].b, period.results["I3"].b
    return [
        Heading("1. Основание и период", SECTION),
        Para("Отчёт подготовлен на основании данных муниципального реестра педагогических "
             "работников и управленческих кадров, наставнических пар (групп), результатов "
             "диагностики профессиональных дефицитов и мониторинга персонализированных программ "
             "наставничества."),
        Para(f"Отчётный период — {period.year} год (с {fmt_date(period.start)} по "
             f"{period.on_text}). На {period.on_text} действующих образовательных организаций "
             f"(ОО) — {orgs}, работающих в них педагогических работников и управленческих кадров "
             f"— {people} ({period.table('staff')}, строка «Итого»)."),
    ]


def normative_blocks(period: Period, lacking: list[annual_queries.OrgActs]) -> list[Block]:
    act, prog = period.results["I1"], period.results["P4"]
    text = (f"Положение о системе наставничества педагогических работников утверждено в {act.a} ОО "
            f"из {act.b} ({fmt_percent(act.fact)}, показатель {INDICATOR_ROW['I1']} таблицы "
            f"{period.tables['indicators']}), программа развития наставничества — в {prog.a} ОО "
            f"из {prog.b} ({fmt_percent(prog.fact)}, показатель {INDICATOR_ROW['P4']}); учтены "
            f"документы, утверждённые не позднее {period.on_text}.")
    if not lacking:
        text += " Положение и программа утверждены во всех ОО."
    else:
        text += (f" Без утверждённого Положения — {act.b - act.a} ОО, без программы — "
                 f"{prog.b - prog.a} ОО; они перечислены в таблице {period.tables['lacking']}.")
    blocks: list[Block] = [
        Heading("2. Нормативное обеспечение наставничества в образовательных организациях",
                SECTION),
        Para(text),
    ]
    if lacking:
        blocks += [
            caption(period, "lacking", "ОО, в которых не утверждены Положение о системе "
                    "наставничества или программа развития наставничества"),
            Table(
                headers=("Образовательная организация", "Положение о системе наставничества",
                         "Программа развития наставничества"),
                rows=tuple((o.name, _act_text(o), _programme_text(o)) for o in lacking),
                widths=(50, 25, 25), align=("left", "center", "center"),
            ),
        ]
    return blocks


def _act_text(org: annual_queries.OrgActs) -> str:
    if org.act_date is None:
        return "не утверждено"
    number_ = f" № {org.act_number}" if org.act_number else ""
    return f"утверждено {fmt_date(org.act_date)}{number_}"


def _programme_text(org: annual_queries.OrgActs) -> str:
    if org.programme_date is None:
        return "не утверждена"
    return f"утверждена {fmt_date(org.programme_date)}"


def _org_totals(lines: list[annual_queries.OrgLine]) -> list[int]:
    """staff, under 35, young, mentors, mentees, pairs, covered: sums over the ОО."""
    return [sum(column) for column in zip(*(_org_values(x) for x in lines), strict=True)] \
        if lines else [0] * 7


def _org_values(line: annual_queries.OrgLine) -> list[int]:
    return [line.staff, line.under_35, line.young, line.mentors, line.mentees, line.pairs,
            line.covered]


def org_table(lines: list[annual_queries.OrgLine]) -> Table:
    """Staff and mentorship by ОО with «Итого»; coverage = participants / staff."""
    def row(name: str, values: list[int]) -> tuple[str, ...]:
        staff, under, young, mentors, mentees, pairs, covered = values
        return (name, str(staff), str(under), str(young), str(mentors), str(mentees), str(pairs),
                pct(covered, staff))

    return Table(
        headers=("Образовательная организация", "Педа-\nгогов", "До 35 лет",
                 "Молодые специа-\nлисты", "Настав-\nники", "Настав-\nляемые",
                 "Пары (груп-\nпы)", "Охват, %"),
        rows=tuple(row(x.name, _org_values(x)) for x in lines),
        widths=(80, 14, 10, 16, 15, 16, 12, 14), align=("left",) + (N,) * 7, size=10,
        total=row("Итого", _org_totals(lines)),
    )


def staff_blocks(period: Period, lines: list[annual_queries.OrgLine]) -> list[Block]:
    staff, _, young, mentors, mentees, _, covered = _org_totals(lines)
    indicators = period.table("indicators")
    row = INDICATOR_ROW
    both = mentors + mentees - covered
    return [
        Heading("3. Кадровый состав и охват наставничеством по образовательным организациям",
                SECTION),
        Para("Молодые специалисты — педагоги в возрасте до 35 лет со стажем педагогической "
             "работы менее 3 лет; наставники и наставляемые — работающие педагоги, которые "
             "были наставниками или наставляемыми пар (групп), работавших в отчётном периоде; "
             "пары отнесены к ОО наставника; охват — доля педагогов ОО, которые были "
             "наставниками или наставляемыми (педагог в обеих ролях учтён один раз).",
             size=layout.TABLE_PT),
        caption(period, "staff", f"Кадровый состав и участие в наставничестве по ОО на "
                f"{period.on_text}"),
        org_table(lines),
        Para(f"Итого по таблице {period.tables['staff']}: педагогических работников — {staff} "
             f"(B показателей {row['I2']}–{row['I4']}, {indicators}), из них молодых "
             f"специалистов — {young} (B показателя {row['I5']}); наставников или наставляемых "
             f"— {covered} (A показателя {row['I3']}), охват — {pct(covered, staff)}."
             + (f" Педагогов, которые были и наставниками, и наставляемыми, — {both}, поэтому "
                f"сумма столбцов «Наставники» и «Наставляемые» ({mentors} + {mentees}) больше "
                f"{covered}." if both else ""),
             space_before=6),
    ]


def pairs_blocks(session: Session, period: Period,
                 lines: list[annual_queries.OrgLine]) -> list[Block]:
    forms = annual_queries.pairs_by_form(session, period.start, period.on)
    by_category = annual_queries.pairs_by_value(session, Pair.mentee_category, period.start,
                                                period.on)
    total_pairs = sum(f.pairs for f in forms)
    total_mentees = sum(f.people for f in forms)
    categories = [(c.label, by_category.get(c.value, 0)) for c in MenteeCategory]
    unknown = total_pairs - sum(n for _, n in categories)
    if unknown:
        categories.append(("категория не указана", unknown))
    return [
        Heading("4. Наставнические пары (группы) по формам наставничества и категориям "
                "наставляемых", SECTION),
        Para(f"Пар (групп), работавших в отчётном периоде, — {total_pairs}: пара учтена, если "
             f"работала хотя бы один день периода; пары, которые только планируются, не "
             f"учтены."),
        caption(period, "forms", "Пары (группы) по формам наставничества"),
        Table(headers=("Форма наставничества", "Пар (групп)", "Наставляемых", "Доля пар, %"),
              rows=tuple((f.label, str(f.pairs), str(f.people), pct(f.pairs, total_pairs))
                         for f in forms),
              widths=(55, 15, 15, 15), align=("left", N, N, N),
              total=("Итого", str(total_pairs), str(total_mentees),
                     pct(total_pairs, total_pairs))),
        caption(period, "categories", "Пары (группы) по категориям наставляемых"),
        Table(headers=("Категория наставляемых", "Пар (групп)", "Доля пар, %"),
              rows=tuple((label, str(n), pct(n, total_pairs)) for label, n in categories),
              widths=(60, 20, 20), align=("left", N, N),
              total=("Итого", str(total_pairs), pct(total_pairs, total_pairs))),
        *_pairs_reconciled(period, lines, total_pairs, total_mentees),
    ]


def _pairs_reconciled(period: Period, lines: list[annual_queries.OrgLine], pairs: int,
                      mentees: int) -> list[Block]:
    """How the pairs and mentees of table «forms» compare with the totals of table «staff»."""
    totals = _org_totals(lines)
    by_org, mentees_by_org = totals[5], totals[4]
    staff, forms = period.tables["staff"], period.tables["forms"]
    if by_org == pairs and mentees_by_org == mentees:
        return [Para(f"Пар (групп) и наставляемых столько же, сколько в итоге таблицы {staff} "
                     f"({pairs} и {mentees}); там пары отнесены к ОО наставника.",
                     space_before=6)]
    if by_org == pairs:
        text = f"Пар (групп) столько же, сколько в итоге таблицы {staff} ({pairs}); там они " \
               f"отнесены к ОО наставника."
    else:
        text = f"В таблице {staff} пар (групп) — {by_org}, а не {pairs}: пары, наставник " \
               f"которых на {period.on_text} не относится к действующей ОО, в ней не учтены."
    if mentees_by_org == mentees:
        text += f" Наставляемых столько же, сколько в таблице {staff} ({mentees})."
    else:
        text += (f" Наставляемых в таблице {forms} — {mentees}, в таблице {staff} — "
                 f"{mentees_by_org}: в таблице {forms} наставляемый учтён в каждой паре "
                 f"(группе), в которой состоял, в том числе уволившийся до {period.on_text}, "
                 f"а в таблице {staff} — один раз и только работающий на эту дату.")
    return [Para(text, space_before=6)]


def _band(info: annual_queries.MentorInfo, on: date) -> str:
    if info.experience_start is None:
        return NO_EXPERIENCE
    years = years_between(info.experience_start, on)
    return next(name for low, high, name in EXPERIENCE_BANDS if low <= years < high)


def mentors_blocks(session: Session, period: Period) -> list[Block]:
    mentors = annual_queries.mentors_of_period(session, period.start, period.on)
    bands = Counter(_band(m, period.on) for m in mentors)
    # «не указано» (Category.UNKNOWN) is counted below with any other code: a row only if any
    categories = [(c.label, sum(1 for m in mentors if m.category == c.value)) for c in Category
                  if c != Category.UNKNOWN]
    unknown = len(mentors) - sum(n for _, n in categories)
    if unknown:
        categories.append(("категория не указана", unknown))
    total = len(mentors)
    band_names = [name for _, _, name in EXPERIENCE_BANDS] + (
        [NO_EXPERIENCE] if bands[NO_EXPERIENCE] else [])
    return [
        Heading("5. Наставники по стажу и квалификационной категории", SECTION),
        Para(f"Наставников — {total} (столбец «Наставники» таблицы {period.tables['staff']}): "
             f"это работающие на {period.on_text} педагоги, которые были наставниками пар "
             f"(групп) отчётного периода; педагогический стаж — на {period.on_text}."),
        caption(period, "experience", "Наставники по педагогическому стажу"),
        Table(headers=("Педагогический стаж", "Наставников", "Доля, %"),
              rows=tuple((b, str(bands[b]), pct(bands[b], total)) for b in band_names),
              widths=(60, 20, 20), align=("left", N, N),
              total=("Итого", str(total), pct(total, total))),
        caption(period, "qualification", "Наставники по квалификационной категории"),
        Table(headers=("Квалификационная категория", "Наставников", "Доля, %"),
              rows=tuple((label, str(n), pct(n, total)) for label, n in categories),
              widths=(60, 20, 20), align=("left", N, N),
              total=("Итого", str(total), pct(total, total))),
    ]


def deficit_rows(session: Session, start: date, on: date) -> list[annual_queries.DeficitLine]:
    """One line per competence area in the order of the areas (zeros where none), then any
    area the register holds that is not one of them."""
    found = {d.area: d for d in annual_queries.deficits_by_area(session, start, on)}
    lines = [replace(found.pop(area.value, annual_queries.DeficitLine(area.value, 0, 0, 0, 0)),
                     area=area.label) for area in CompetenceArea]
    return lines + [replace(d, area=d.area or "область не указана") for d in found.values()]


def deficits_blocks(session: Session, period: Period) -> list[Block]:
    lines = deficit_rows(session, period.start, period.on)
    total = annual_queries.DeficitLine("Итого", *(sum(getattr(d, f) for d in lines) for f in (
        "open_start", "found", "overcome", "open_end")))
    start = fmt_date(period.start)

    def row(d: annual_queries.DeficitLine) -> tuple[str, ...]:
        return (d.area, str(d.open_start), str(d.found), str(d.overcome), str(d.open_end))

    return [
        Heading("6. Профессиональные дефициты: выявлены и преодолены", SECTION),
        Para("Учтены дефициты всех педагогов реестра. Дефицит считается выявленным в день "
             "диагностики, которая его показала, и преодолённым в день диагностики, которая его "
             "больше не показала."),
        caption(period, "deficits", "Профессиональные дефициты педагогов по областям "
                "компетенций"),
        Table(headers=("Область компетенций", f"Не преодолено на начало периода ({start})",
                       "Выявлено за период", "Преодолено за период",
                       f"Не преодолено на конец периода ({period.on_text})"),
              rows=tuple(row(d) for d in lines), widths=(36, 16, 16, 16, 16),
              align=("left", N, N, N, N), total=row(total)),
        Para(f"В каждой строке таблицы {period.tables['deficits']} и в итоге: не преодолено на "
             f"начало периода + выявлено за период − преодолено за период = не преодолено на "
             f"конец периода ({total.open_start} + {total.found} − {total.overcome} = "
             f"{total.open_end}). На начало периода не преодолены дефициты, выявленные до "
             f"{start} и не преодолённые до этой даты; на конец периода — выявленные по "
             f"{period.on_text} включительно и не преодолённые к этой дате. Дефицит, выявленный "
             f"и преодолённый в отчётном периоде, учтён в графах «Выявлено» и «Преодолено»; "
             f"выявленный раньше и преодолённый в периоде — в графах «на начало периода» и "
             f"«Преодолено».", space_before=6),
    ]


def indicator_table(results: list[IndicatorResult]) -> Table:
    return Table(
        headers=("Показатель", "План, %", "Факт, %", "A", "B", "Откл., п.п.", "Оценка"),
        rows=tuple((r.name, number(r.plan), number(r.fact), str(r.a), str(r.b),
                    number(r.difference), indicator_status(r.status)) for r in results),
        widths=(70, 13, 13, 10, 10, 14, 18), align=("left", N, N, N, N, N, "center"),
        size=11,
    )


def indicator_chart(results: list[IndicatorResult], table: int = 0) -> Chart:
    """Plan and fact bars numbered as the table's rows; no plan bar where no plan is set."""
    where = f"номера — строки таблицы {table}" if table else "номера — как в таблице"
    return Chart(
        title=f"Показатели: план и факт, % ({where})",
        categories=tuple(str(i) for i in range(1, len(results) + 1)),
        series=(("План", tuple(r.plan for r in results)),
                ("Факт", tuple(r.fact for r in results))),
    )


def indicators_blocks(period: Period, results: list[IndicatorResult]) -> list[Block]:
    number_ = period.tables["indicators"]
    blocks: list[Block] = [
        Heading("7. Показатели: план и факт", SECTION),
        Para("A — число учтённых (ОО или педагогов), B — их общее число; факт = A / B × 100 %; "
             "откл. — отклонение факта от плана в процентных пунктах. Показатели считаются "
             f"на {period.on_text} так же, как на вкладке «Показатели».",
             size=layout.TABLE_PT),
        caption(period, "indicators", f"Показатели на {period.on_text}: план и факт"),
        indicator_table(results),
    ]
    no_plan = [str(n) for n, r in enumerate(results, start=1) if r.plan is None]
    if no_plan:
        which = "показателя" if len(no_plan) == 1 else "показателей"
        blocks.append(Para(f"План на {period.year} год не задан для {which} "
                           f"{', '.join(no_plan)}: в таблице {number_} вместо плана «—», на "
                           f"диаграмме нет столбца плана.", size=layout.TABLE_PT,
                           keep_with_next=True, space_before=6))
    blocks.append(indicator_chart(results, number_))
    return blocks


def satisfaction_blocks(session: Session, period: Period) -> list[Block]:
    found = {s.respondent: s for s in annual_queries.satisfaction(session, period.start, period.on)}
    lines = [(("Наставники" if r is Respondent.MENTOR else "Наставляемые"), found.get(r.value))
             for r in Respondent]
    answers = sum(s.answers for _, s in lines if s)
    high = sum(s.high for _, s in lines if s)
    weighted = sum((s.mean or 0.0) * s.answers for _, s in lines if s)

    def row(name: str, n: int, mean: float | None, top: int) -> tuple[str, ...]:
        return (name, str(n), number(mean), str(top), pct(top, n) if n else "—")

    return [
        Heading("8. Удовлетворённость участников программ наставничества", SECTION),
        Para("Учтены анкеты, заполненные в отчётном периоде; оценка — по шкале от 1 до 10."),
        caption(period, "satisfaction", "Удовлетворённость наставников и наставляемых"),
        Table(headers=("Респонденты", "Анкет", "Средний балл (1–10)", "Оценок 8–10",
                       "Доля оценок 8–10, %"),
              rows=tuple(row(name, s.answers if s else 0, s.mean if s else None,
                             s.high if s else 0) for name, s in lines),
              widths=(32, 14, 20, 16, 18), align=("left", N, N, N, N),
              total=row("Всего", answers, weighted / answers if answers else None, high)),
    ]


def text_sections(session: Session, year: int,
                  given: tuple[tuple[str, str], ...] = ()) -> list[Block]:
    """Conclusions and recommendations: the text given for this printing (ReportParams.texts,
    report --conclusions FILE) wins over the one stored for the year."""
    texts = {**report_texts(session, "annual", year), **dict(given)}
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
    lacking = [o for o in annual_queries.org_acts(session, on) if o.act_date is None
               or o.programme_date is None]
    period = Period(year, start, on, {r.code: r for r in results}, table_numbers(bool(lacking)))
    lines = annual_queries.org_lines(session, start, on)
    head = layout.letterhead(session)
    texts = [replace(b, level=SECTION) if isinstance(b, Heading) else b
             for b in text_sections(session, year, params.texts)]
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(f"{TITLE} за {year} год", 1),
        *basis_blocks(period),
        *normative_blocks(period, lacking),
        *staff_blocks(period, lines),
        *pairs_blocks(session, period, lines),
        *mentors_blocks(session, period),
        *deficits_blocks(session, period),
        *indicators_blocks(period, results),
        *satisfaction_blocks(session, period),
        *texts,
        *layout.approval_blocks(head, params.day),
        *layout.executor_blocks(head),
    ]
    return Document(f"{TITLE} за {year} год", tuple(blocks),
                    margins_mm=layout.page_margins(session))
