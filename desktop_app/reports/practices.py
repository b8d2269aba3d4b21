"""The electronic collection of best practices of mentoring of a year (seed 003's road map:
«Издание электронных сборников лучших практик»): a title page, the contents, then one section
per practice included in the bank — its authors, ОО, form of mentorship, category of mentees,
the active's decision, the description, the results with the linked pairs' figures computed on
the document's date (today unless another is asked: the latest results), and the materials
attached."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Meeting, Organisation, Person, Practice
from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import (
    Block,
    Document,
    Heading,
    PageBreak,
    Para,
    Points,
    Spacer,
    Table,
)
from desktop_app.reports.params import ReportParams
from desktop_app.services import practice_files
from desktop_app.services.indicators import as_of
from desktop_app.services.practices import BankPractice, PairResult, in_bank, pair_results
from desktop_app.textutil import fio, fmt_date

TITLE = "Банк лучших практик наставничества педагогических работников"
SUBTITLE = "Электронный сборник лучших практик наставничества"
CONTENTS = "Содержание"
SECTION = 2  # a practice's heading: under the collection's title


def collection(session: Session, params: ReportParams) -> Document:
    """The collection of params.year: the practices of that year included in the bank, in
    Russian order of their titles."""
    year = params.report_year
    as_of(year)  # the year checked as every yearly document checks it
    on = params.day
    found = in_bank(session, year)
    if not found:
        raise queries.NotFound(f"В банке лучших практик нет практик за {year} год: включите "
                               "практики в банк решением методического актива.")
    head = layout.letterhead(session)
    blocks: list[Block] = [*title_page(head, year), *contents(found, year),
                           *layout.approval_blocks(head, on), PageBreak()]
    for number, practice in enumerate(found, start=1):
        if number > 1:
            blocks.append(PageBreak())
        blocks += section(session, number, practice, on)
    return Document(f"{SUBTITLE} за {year} год", tuple(blocks),
                    margins_mm=layout.page_margins(session))


def title_page(head: layout.Letterhead, year: int) -> list[Block]:
    """The issuer above, the collection's name in the middle, the place and year below."""
    place = ", ".join(p for p in (head.place, str(year)) if p)
    return [
        *layout.issuer_blocks(head),
        Spacer(150),
        Para(SUBTITLE.upper(), align="center", indent=False, bold=True, size=16,
             space_after=12),
        Para(TITLE, align="center", indent=False, size=14, space_after=6),
        Para(f"{year} год", align="center", indent=False, size=14),
        Spacer(230),
        Para(place, align="center", indent=False),
        PageBreak(),
    ]


def contents(found: list[BankPractice], year: int) -> list[Block]:
    """The list of the collection's practices with their authors and ОО."""
    return [
        Heading(CONTENTS, 1),
        Para(f"В сборник включены практики наставничества педагогических работников, которые "
             f"методический актив рассмотрел и включил в банк лучших практик за {year} год, — "
             f"{len(found)}.", keep_with_next=True),
        Table(
            headers=("Практика", "Авторы", "Образовательная организация"),
            rows=tuple((p.title, ", ".join(_short(a) for a in p.authors), p.organisation)
                       for p in found),
            widths=(55, 30, 30), align=("left", "left", "left"),
        ),
    ]


def _short(full: str) -> str:
    """«Иванова Анна Ивановна» → «Иванова А.И.»."""
    last, *rest = full.split()
    return f"{last} {''.join(f'{p[0]}.' for p in rest)}".strip()


def section(session: Session, number: int, practice: BankPractice, on: date) -> list[Block]:
    """One practice: its card, description, results (with the pairs' figures), materials."""
    blocks: list[Block] = [
        Heading(f"{number}. {practice.title}", SECTION),
        card(session, practice),
        Para("Описание практики", bold=True, indent=False, keep_with_next=True,
             space_before=8),
        *_text(practice.description),
        Para("Результаты", bold=True, indent=False, keep_with_next=True, space_before=8),
        *_text(practice.results),
    ]
    results = pair_results(session, practice.id, on)
    if results:
        blocks.append(Para(f"Результаты наставнических пар (групп) на {fmt_date(on)}",
                           bold=True, indent=False, keep_with_next=True, space_before=8))
        for result in results:
            blocks += pair_blocks(result)
    files = practice_files.list_files(session, practice.id)
    if files:
        blocks += [
            Para("Материалы практики", bold=True, indent=False, keep_with_next=True,
                 space_before=8),
            Points(tuple(f"{f.name} ({practice_files.size_text(f.size)})" for f in files)),
        ]
    return blocks


def _text(text: str) -> list[Block]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [Para(line) for line in lines] or [Para("Не заполнено.", italic=True)]


def card(session: Session, practice: BankPractice) -> Table:
    row = session.execute(
        select(Organisation.short_name, Organisation.full_name, Meeting.meeting_date)
        .select_from(Practice)
        .join(Organisation, Organisation.id == Practice.organisation_id)
        .outerjoin(Meeting, Meeting.id == Practice.meeting_id)
        .where(Practice.id == practice.id)).one()
    short, full, met = row
    rows = (
        ("Авторы", "\n".join(authors(session, practice))),
        ("Образовательная организация", full or short),
        ("Форма наставничества", practice.form or "не указана"),
        ("Категория наставляемых", practice.category or "не указано"),
        ("Решение методического актива", _decision(practice.decided_on, met)),
    )
    return Table(headers=(), rows=rows, widths=(32, 68), numbered=False)


def authors(session: Session, practice: BankPractice) -> list[str]:
    """«Иванова Анна Ивановна, учитель математики» (and the author's ОО when another)."""
    found = {
        pid: (fio(last, first, middle or ""), position, org)
        for pid, last, first, middle, position, org in session.execute(
            select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                   Person.position, Organisation.short_name)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(practice.author_ids)))
    }
    lines = []
    for pid in practice.author_ids:
        name, position, org = found[pid]
        parts = [name, position] + ([org] if org and org != practice.organisation else [])
        lines.append(", ".join(p for p in parts if p))
    return lines


def _decision(decided_on: date | None, meeting: date | None) -> str:
    text = "включена в банк лучших практик"
    if meeting is not None:
        return f"{text} на заседании методического актива {fmt_date(meeting)}"
    return f"{text} {fmt_date(decided_on)}" if decided_on else text


def pair_blocks(result: PairResult) -> list[Block]:
    """A pair's line (mentor, mentees, form) and its figures as a card."""
    who = f"Наставник {result.mentor}; наставляемые: {', '.join(result.mentees) or '—'}"
    return [
        Para(f"{who} ({result.form})", indent=False, italic=True, keep_with_next=True,
             space_before=4),
        Table(headers=(), rows=result.facts(), widths=(32, 68), numbered=False, size=11),
    ]
