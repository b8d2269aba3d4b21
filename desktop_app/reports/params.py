"""What a document is asked for (number, date, year, pair, person, points, texts); the number an
order gets from the journal of orders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import ReportText
from desktop_app.reports.layout import OrderInfo
from desktop_app.services import order_journal, settings
from desktop_app.services.order_journal import NumberNeeded, OrderRefused

ANNUAL_SECTIONS = {"conclusions": "Выводы", "recommendations": "Рекомендации"}
_TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)(\D*)$")


@dataclass(frozen=True)
class ReportParams:
    """Everything a document may need; each document reads only its own fields."""

    number: str = ""
    on: date | None = None
    year: int | None = None
    pair_id: int | None = None
    person_id: int | None = None
    points: tuple[str, ...] | None = None
    preamble: str | None = None
    # section → text for this printing only (annual: conclusions, recommendations); wins over
    # the text stored for the year
    texts: tuple[tuple[str, str], ...] = ()
    page_per_candidate: bool = False  # candidate form: each candidate starts a new page
    award: str | None = None  # the представление (recognition): the award's key

    @property
    def day(self) -> date:
        """The document's date: the one asked for, else today."""
        return self.on or date.today()

    @property
    def report_year(self) -> int:
        """The year of a yearly report: the one asked for, else the date's."""
        return self.year or self.day.year

    def order_info(self) -> OrderInfo:
        """The order's number, date and wording for the layout."""
        return OrderInfo(self.number.strip(), self.day, self.points, self.preamble)

    def text(self, section: str) -> str | None:
        """The text given for a section for this printing only, None when none was given."""
        return next((text for name, text in self.texts if name == section), None)


READ_ONLY_ORDER = (
    "База открыта только для чтения: новый приказ не зарегистрировать в журнале приказов, "
    "поэтому он не сформирован. Без записи в базу можно напечатать только приказ, который уже "
    "есть в журнале (того же вида и той же даты)."
)


def number_key(kind: str) -> str:
    """The setting where numbers of this kind were remembered before the journal of orders."""
    return f"last_number_{kind}"


def last_number(session: Session, kind: str) -> str:
    """The number of the order registered last (one register for all kinds); while the journal
    is empty, the number last printed of this kind before it (the settings), "" if none."""
    entry = order_journal.latest(session)
    if entry is not None:
        return entry.number
    return settings.get(session, number_key(kind), "")


def next_number(last: str) -> str:
    """«12» → «13», «03/1» → «03/2», «12-од» → «13-од»; anything else stays empty."""
    match = _TRAILING_DIGITS.match(last.strip())
    if not match:
        return ""
    head, digits, tail = match.groups()
    return f"{head}{int(digits) + 1:0{len(digits)}d}{tail}"


def suggested_number(session: Session, kind: str, on: date) -> str:
    """The number an order of this kind and date would get: its own when it is registered,
    else the next after the last one not yet taken that year; "" when there is nothing to
    count from."""
    found = order_journal.registered(session, kind, on)
    if found is not None:
        return found.number
    taken = order_journal.numbers_of_year(session, on.year)
    number = next_number(last_number(session, kind))
    for _ in range(len(taken) + 1):
        if " ".join(number.split()).casefold() not in taken:
            break
        number = next_number(number)
    return number


def order_number(session: Session, kind: str, on: date, asked: str | None = None,
                 may_register: bool = True) -> str:
    """The number to print an order with: its own when the kind and date are registered (the
    number asked must then be the same), else the one asked (not taken that year), else the
    suggested one. OrderRefused (NumberNeeded when there is none to suggest); with
    may_register=False (read-only) only an order already in the journal is numbered."""
    wanted = order_journal.check_number(asked or "")
    found = order_journal.registered(session, kind, on)
    if found is not None:
        if wanted and not order_journal.same_number(found.number, wanted):
            raise OrderRefused(order_journal.already_numbered(found, wanted))
        return found.number
    if not may_register:
        raise OrderRefused(READ_ONLY_ORDER)
    if wanted:
        order_journal.refuse_taken(session, wanted, on)
        return wanted
    number = suggested_number(session, kind, on)
    if not number:
        last = last_number(session, kind)
        reason = (f"после номера «{last}» следующий подсказать нельзя" if last
                  else "в журнале приказов ещё нет ни одного")
        raise NumberNeeded(f"Укажите номер приказа: {reason}.", last)
    return number


def register_order(session: Session, kind: str, number: str, on: date, title: str) -> None:
    """Register the order in the journal (caller commits); a reprint changes nothing."""
    order_journal.register(session, kind, number, on, title)


def report_texts(session: Session, kind: str, year: int) -> dict[str, str]:
    """section → text the user wrote for this document and year."""
    rows = session.execute(
        select(ReportText.section, ReportText.text).where(
            ReportText.kind == kind, ReportText.year == year
        )
    )
    return {section: text for section, text in rows}


def save_report_text(session: Session, kind: str, year: int, section: str, text: str) -> None:
    """Store (or replace) one section's text for the year (caller commits)."""
    row = session.scalars(
        select(ReportText).where(
            ReportText.kind == kind, ReportText.year == year, ReportText.section == section
        )
    ).first()
    if row is None:
        session.add(ReportText(kind=kind, year=year, section=section, text=text))
    else:
        row.text = text
