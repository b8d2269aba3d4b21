"""The представление of a mentor for an award: the характеристика with the mentoring record (the
pairs with their dates, mentees and results, the participations), checked against the award's
conditions (services/recognitions.py), for the committee."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.model import Person
from desktop_app.model.enums import (
    Category,
    EventLevel,
    MenteeCategory,
    PairStatus,
    ParticipationKind,
)
from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import Block, Document, Heading, Para, Points, Signature, Table
from desktop_app.reports.lists import CATEGORY_TEXT, education_text
from desktop_app.reports.params import ReportParams
from desktop_app.reports.personal import label, signature_name, text_blocks
from desktop_app.services import awards
from desktop_app.services.awards import AwardSpec
from desktop_app.services.pairs import years_text
from desktop_app.services.recognitions import (
    MentoringRecord,
    PairLine,
    ParticipationLine,
    Recognition,
    mentoring_record,
    plural,
    school_years_span,
)
from desktop_app.textutil import fmt_date, years_between

TITLE = "Представление"
NO_PAIRS = "Наставнических пар (групп), где педагог — наставник, в базе нет."
NO_PARTICIPATIONS = (
    "Участие в конкурсах и мероприятиях по распространению опыта в базе не записано."
)


def representation(session: Session, params: ReportParams) -> Document:
    """The представление of one person for one award on the document's date."""
    if params.person_id is None:
        raise queries.NotFound("Не выбран педагог.")
    if not params.award:
        raise queries.NotFound("Не выбрана награда.")
    try:
        award = awards.get_award(session, params.award)
    except awards.RecognitionError as exc:
        raise queries.NotFound(str(exc)) from exc
    on = params.day
    record = mentoring_record(session, params.person_id, on)
    person = session.get(Person, params.person_id)
    if record is None or person is None:
        raise queries.NotFound(f"Педагог с кодом {params.person_id} не найден в базе.")
    card = queries.person_card(session, params.person_id)
    checked = record.award(award.code)
    head = layout.letterhead(session)
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(TITLE),
        Para(award.name, align="center", indent=False, bold=True, keep_with_next=True),
        *([Para(award.basis, align="center", indent=False, space_after=6)] if award.basis else []),
        person_table(card, person, record),
        Para(summary(record), space_before=6),
        Heading("1. Наставнические пары (группы)", 2),
        pairs_table(record.pairs) if record.pairs else Para(NO_PAIRS),
        Heading("2. Участие в конкурсах и распространение опыта", 2),
        participations_table(record.participations)
        if record.participations
        else Para(NO_PARTICIPATIONS),
        Heading("3. Профессиональные достижения", 2),
        *text_blocks(person.achievements),
        Heading("4. Соответствие условиям награды", 2),
        *condition_blocks(award, checked),
        *nomination_blocks(record),
        Signature(
            "Руководитель образовательной организации",
            layout.signed_name(signature_name(card.org_head)),
        ),
        *layout.approval_blocks(head, on, 18),
    ]
    return Document(
        f"{TITLE}: {card.short} — {award.name}",
        tuple(blocks),
        margins_mm=layout.page_margins(session),
    )


def person_table(card: queries.PersonCard, person: Person, record: MentoringRecord) -> Table:
    on = record.on
    years = record.figures.school_years
    mentoring = (
        f"{plural(len(years), 'учебный год', 'учебных года', 'учебных лет')} "
        f"({school_years_span(years)})"
        if years
        else "нет"
    )
    rows = (
        ("Фамилия, имя, отчество", card.fio),
        ("Дата рождения", f"{fmt_date(card.birth_date)} ({years_text(record.figures.age)})"),
        (
            "Место работы, должность",
            ", ".join(p for p in (card.organisation_full, card.position) if p) or "—",
        ),
        (
            "Квалификационная категория",
            CATEGORY_TEXT.get(card.category, label(Category, card.category)),
        ),
        ("Образование", education_text(person)),
        (
            "Педагогический стаж",
            years_text(years_between(card.experience_start, on))
            if card.experience_start
            else "не указан",
        ),
        ("Наставническая деятельность", mentoring),
    )
    return Table(headers=(), rows=rows, widths=(32, 68), numbered=False)


def summary(record: MentoringRecord) -> str:
    """One paragraph of figures: years, mentees, programmes, deficits, young specialists."""
    f = record.figures
    if not f.school_years:
        return (
            f"На {fmt_date(record.on)} педагог не был наставником ни одной наставнической "
            "пары (группы), записанной в базе."
        )
    parts = [
        f"Наставническая деятельность на {fmt_date(record.on)}: пар (групп) — "
        f"{len(record.pairs)}, наставляемых — {f.mentees}",
        f"завершено программ наставничества — {f.completed}",
        f"дефицитов наставляемых, преодолённых по повторной диагностике, — {f.deficits_overcome}",
    ]
    if f.young_after:
        parts.append(
            f"из {f.young_after} молодых специалистов после окончания программ "
            f"продолжают работать {f.young_stayed}"
        )
    return "; ".join(parts) + "."


def _result_text(line: PairLine) -> str:
    """«завершена; преодолено дефицитов: 11; продолжает работать» — the pair's status and
    results on the date."""
    parts = [label(PairStatus, line.status)]
    if line.deficits_overcome:
        parts.append(f"преодолено дефицитов: {line.deficits_overcome}")
    ended = line.status in (PairStatus.COMPLETED.value, PairStatus.ENDED_EARLY.value)
    if line.category == MenteeCategory.YOUNG.value and ended and line.mentees:
        one = len(line.mentees) == 1
        if len(line.stayed) == len(line.mentees):
            parts.append("продолжает работать" if one else "продолжают работать все")
        elif line.stayed:
            parts.append(f"продолжают работать: {', '.join(line.stayed)}")
        else:
            parts.append("не работает" if one else "не работают")
    return "; ".join(parts)


def pairs_table(lines: tuple[PairLine, ...]) -> Table:
    return Table(
        headers=(
            "Период",
            "Наставляемые",
            "Категория наставляемых, форма наставничества",
            "Статус и результаты",
        ),
        rows=tuple(
            (
                f"{fmt_date(p.start)} – {fmt_date(p.end)}",
                ", ".join(p.mentees) or "—",
                "\n".join(t for t in (label(MenteeCategory, p.category), p.form) if t),
                _result_text(p),
            )
            for p in lines
        ),
        widths=(22, 26, 50, 44),
        align=("center", "left", "left", "left"),
        size=11,
    )


def participations_table(lines: tuple[ParticipationLine, ...]) -> Table:
    return Table(
        headers=("Дата", "Мероприятие", "Уровень", "Результат"),
        rows=tuple(
            (
                fmt_date(p.day),
                f"{label(ParticipationKind, p.kind)}: {p.title}".rstrip(": "),
                label(EventLevel, p.level),
                p.result or "—",
            )
            for p in lines
        ),
        widths=(18, 60, 22, 28),
        align=("center", "left", "center", "left"),
        size=11,
    )


def condition_blocks(award: AwardSpec, checked: Recognition | None) -> list[Block]:
    """The award's conditions with the figures; what is not met, said plainly."""
    if checked is None or not checked.checks:
        return [Para("Условия награды не заданы.")]
    verdict = "Условия награды выполнены" + (":" if checked.meets else " не все:")
    blocks: list[Block] = [Para(verdict, keep_with_next=True), Points(checked.reasons)]
    if checked.missing:
        blocks += [Para("Не выполнено:", keep_with_next=True), Points(checked.missing)]
    if checked.awarded_on is not None:
        blocks.append(Para(f"Награда уже вручена {fmt_date(checked.awarded_on)}."))
    return blocks


def nomination_blocks(record: MentoringRecord) -> list[Block]:
    """Earlier nominations of the person, for this award and others."""
    if not record.nominations:
        return []
    items = tuple(
        f"{n.award_name}: {n.result_label} {fmt_date(n.nominated_on)}"
        + (f" ({n.note})" if n.note else "")
        for n in sorted(record.nominations, key=lambda n: n.nominated_on)
    )
    return [Para("Выдвижения, записанные ранее:", keep_with_next=True), Points(items)]
