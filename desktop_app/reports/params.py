"""What a document is asked for (number, date, year, pair, person, points); remembered numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import ReportText
from desktop_app.reports.layout import OrderInfo
from desktop_app.services import settings

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

    @property
    def day(self) -> date:
        return self.on or date.today()

    @property
    def report_year(self) -> int:
        return self.year or self.day.year

    def order_info(self) -> OrderInfo:
        return OrderInfo(self.number.strip(), self.day, self.points, self.preamble)


def number_key(kind: str) -> str:
    return f"last_number_{kind}"


def last_number(session: Session, kind: str) -> str:
    """The number of the last order of this kind printed, "" if none."""
    return settings.get(session, number_key(kind), "")


def next_number(last: str) -> str:
    """«12» → «13», «03/1» → «03/2», «12-од» → «13-од»; anything else stays empty."""
    match = _TRAILING_DIGITS.match(last.strip())
    if not match:
        return ""
    head, digits, tail = match.groups()
    return f"{head}{int(digits) + 1:0{len(digits)}d}{tail}"


def remember_number(session: Session, kind: str, number: str) -> None:
    """Keep the number just used for this kind of order (caller commits)."""
    if number.strip():
        settings.put(session, {number_key(kind): number.strip()})


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
