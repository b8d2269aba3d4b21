"""Personal documents: the personalised mentorship programme of a pair and a teacher's ИОМ."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model.enums import (
    Category,
    MenteeCategory,
    ModelElement,
    PairDirection,
    PairLevel,
    RouteActivity,
    RouteState,
    RuEnum,
    SessionKind,
)
from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import Block, Document, Heading, Para, Points, Signature, Table
from desktop_app.reports.params import ReportParams
from desktop_app.services.pairs import years_text
from desktop_app.textutil import fmt_date, signature_fio, years_between

BLANK_LINE = "_" * 64
# A bullet or the user's own number at the start of a line («-», «•», «1)», «2.»): the points
# are numbered by the document.
_OWN_NUMBER = re.compile(r"^(?:[-–•]\s*|\d{1,2}[.)]\s+)")
PROGRAMME_TITLE = "Персонализированная программа наставничества"
IOM_TITLE = "Индивидуальный образовательный маршрут педагога"
NOT_DIAGNOSED = "диагностика не проводилась"
NO_DEFICITS = "профессиональные дефициты не выявлены"
# «по результатам самодиагностики от …»: the kind of a diagnostic in the genitive
_KIND_GENITIVE = {SessionKind.SELF.value: "самодиагностики",
                  SessionKind.EXTERNAL.value: "внешней оценки"}


def label(enum: type[RuEnum], value: str | None) -> str:
    """The Russian label of a code; a value never given (empty) is «не указано»."""
    if not value:
        return "не указано"
    try:
        return enum(value).label
    except ValueError:
        return value


def text_blocks(text: str) -> list[Block]:
    """The user's text as paragraphs (one per line), or lines to fill in by hand."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return [Para(BLANK_LINE, indent=False), Para(BLANK_LINE, indent=False)]
    return [Para(line) for line in lines]


def list_blocks(text: str) -> list[Block]:
    """Several lines become numbered points; one line stays a paragraph."""
    lines = [_OWN_NUMBER.sub("", line.strip()) for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        return [Points(tuple(lines))]
    return text_blocks(text)


def job_text(card: queries.PersonCard, on: date) -> str:
    """«учитель математики, МБОУ «СОШ № 1», высшая категория, стаж 12 лет»."""
    parts = [card.position, card.organisation]
    if card.category and card.category != Category.NONE.value:
        parts.append(f"квалификационная категория: {label(Category, card.category)}")
    if card.experience_start:
        parts.append(f"педагогический стаж {years_text(years_between(card.experience_start, on))}")
    return ", ".join(p for p in parts if p)


def signature_name(full: str) -> str:
    """«Хохлова Яна Станиславовна» → «Я.С. Хохлова», as under a signature; a name written
    otherwise («Я.С. Хохлова», one word) stays as it is."""
    parts = full.split()
    if 2 <= len(parts) <= 3 and all(p[:1].isupper() and p[1:].islower() for p in parts):
        return signature_fio(*parts)
    return " ".join(parts)


def _sign_name(card: queries.PersonCard) -> str:
    return f"__________\u00a0{signature_fio(*card.signature)}"


def order_text(number: str, day: date | None) -> str:
    """The pair's order: «от 27.10.2026 № 221-од», «от 27.10.2026»; a number without a date
    is no reference to an order, so neither is printed («—»)."""
    if day is None:
        return "—"
    number = number.strip()
    return f"от {fmt_date(day)} № {number}" if number else f"от {fmt_date(day)}"


def done_mark(done: bool, done_on: date | None) -> str:
    """«выполнено 12.03.2026»; a done item without its date says so."""
    if not done:
        return ""
    return f"выполнено {fmt_date(done_on)}" if done_on else "выполнено (дата не указана)"


def programme_card(data: queries.ProgrammeData, on: date) -> Table:
    mentees = "\n".join(f"{m.fio} — {job_text(m, on)}" for m in data.mentees) or BLANK_LINE
    directions = ", ".join(label(PairDirection, d) for d in data.directions) or "—"
    order = order_text(data.order_number, data.order_date)
    rows = (
        ("Наставник", f"{data.mentor.fio} — {job_text(data.mentor, on)}"),
        ("Наставляемый" if len(data.mentees) == 1 else "Наставляемые", mentees),
        ("Форма наставничества", data.form),
        ("Элемент модели наставничества", label(ModelElement, data.model_element)),
        ("Категория наставляемого", label(MenteeCategory, data.mentee_category)),
        ("Уровень", label(PairLevel, data.level)),
        ("Направления", directions),
        ("Срок реализации", f"с {fmt_date(data.start)} по {fmt_date(data.end)}"),
        ("Приказ о закреплении пары", order),
    )
    return Table(headers=(), rows=rows, widths=(32, 68), numbered=False)


def plan_table(data: queries.ProgrammeData) -> Table:
    return Table(
        headers=("Мероприятие", "Срок", "Ответственный", "Форма отчётности",
                 "Отметка о выполнении"),
        rows=tuple((p.activity, fmt_date(p.deadline) or "—", p.responsible, p.report_form,
                    done_mark(p.done, p.done_on)) for p in data.plan),
        widths=(40, 16, 22, 22, 18), align=("left", "center", "left", "left", "center"),
        empty_rows=0 if data.plan else 3,
    )


def mentee_deficit_blocks(group: queries.MenteeDeficits) -> list[Block]:
    """One mentee's deficits under the mentee's name and the dates of the diagnostics."""
    name = group.mentee.fio
    if group.diagnostics:
        name += " (по результатам " + " и ".join(
            f"{_KIND_GENITIVE.get(kind, label(SessionKind, kind))} от {fmt_date(day)}"
            for kind, day in group.diagnostics) + ")"
    if group.deficits:
        return [Para(f"{name}:", align="left", keep_with_next=True), Points(group.deficits)]
    return [Para(f"{name}: {NO_DEFICITS if group.diagnostics else NOT_DIAGNOSED}.",
                 align="left")]


def deficit_blocks(data: queries.ProgrammeData) -> list[Block]:
    """Section 4: each mentee's own deficits from the latest diagnostic, mentee by mentee."""
    if not data.deficits:
        return text_blocks("")
    return [block for group in data.deficits for block in mentee_deficit_blocks(group)]


def programme(session: Session, params: ReportParams) -> Document:
    """The personalised programme of one pair (seed 002 §1.2): goal, tasks, plan, signatures."""
    if params.pair_id is None:
        raise queries.NotFound("Не выбрана наставническая пара (группа).")
    on = params.day
    data = queries.programme_data(session, params.pair_id, on)
    head = layout.letterhead(session)
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(PROGRAMME_TITLE),
        programme_card(data, on),
        Heading("1. Цель программы"), *text_blocks(data.goal),
        Heading("2. Задачи программы"), *list_blocks(data.tasks),
        Heading("3. Профессиональные затруднения наставляемого"), *text_blocks(data.difficulties),
        Heading("4. Профессиональные дефициты, на преодоление которых направлена программа"),
        *deficit_blocks(data),
        Heading("5. План мероприятий"), plan_table(data),
        Heading("6. Ожидаемые результаты"), *list_blocks(data.expected_results),
        Signature("Наставник", _sign_name(data.mentor)),
        *[Signature("Наставляемый", _sign_name(m), 12) for m in data.mentees],
        *layout.approval_blocks(head, on, 18),
    ]
    title = f"{PROGRAMME_TITLE}: {data.mentor.short}"
    return Document(title, tuple(blocks), margins_mm=layout.page_margins(session))


def route_card(data: queries.RouteData, on: date) -> Table:
    card = data.person
    rows = (
        ("Фамилия, имя, отчество", card.fio),
        ("Место работы, должность", ", ".join(p for p in (card.organisation_full,
                                                           card.position) if p) or "—"),
        ("Квалификационная категория", label(Category, card.category)),
        ("Педагогический стаж", years_text(years_between(card.experience_start, on))
         if card.experience_start else "не указан"),
        ("Предмет (направление)", card.subject or "—"),
        ("Срок реализации маршрута", f"с {fmt_date(data.start)} по {fmt_date(data.end)}"),
        ("Состояние", label(RouteState, data.state)),
    )
    return Table(headers=(), rows=rows, widths=(30, 70), numbered=False)


def activity_text(activity: str, form: str) -> str:
    """The kind of activity and its form in one cell, the kind not said twice: «курсы
    повышения квалификации …» rather than «курсы» next to «курсы повышения квалификации …»."""
    name = label(RouteActivity, activity)
    form = form.strip()
    if not form:
        return name
    stem = name.lower()[: max(4, len(name) - 2)]
    return form if stem in form.lower() else f"{name}: {form}"


def route_table(data: queries.RouteData) -> Table:
    return Table(
        headers=("Профессиональный дефицит", "Задача", "Мероприятие и его форма", "Срок",
                 "Планируемый результат", "Отметка о выполнении"),
        rows=tuple((line.deficit, line.task, activity_text(line.activity, line.form),
                    fmt_date(line.deadline) or "—", line.planned_result,
                    "выполнено" if line.done else "") for line in data.lines),
        widths=(48, 36, 42, 18, 40, 16),
        align=("left", "left", "left", "center", "left", "center"),
        empty_rows=0 if data.lines else 3,
    )


def iom(session: Session, params: ReportParams) -> Document:
    """The individual educational route (ИОМ) of one person, landscape."""
    if params.person_id is None:
        raise queries.NotFound("Не выбран педагог.")
    data = queries.route_data(session, params.person_id)
    on = params.day
    org_head = signature_name(data.person.org_head)
    head = layout.letterhead(session)
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(IOM_TITLE),
        route_card(data, on),
        Heading("План реализации маршрута"),
        route_table(data),
        Signature("Педагог", _sign_name(data.person)),
        Signature("Руководитель образовательной организации", layout.signed_name(org_head),
                  12),
        *layout.approval_blocks(head, on, 18),
    ]
    return Document(f"{IOM_TITLE}: {data.person.short}", tuple(blocks), landscape=True,
                    margins_mm=layout.page_margins(session))
