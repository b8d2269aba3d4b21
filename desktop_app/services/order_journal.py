"""The journal of orders: each order registered once (kind and date) with its number; numbers
are one sequence for all kinds and unique within a calendar year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import extract, inspect, select
from sqlalchemy.orm import Session

from desktop_app.model import OrderRecord
from desktop_app.textutil import fmt_date

MAX_NUMBER = 64


@dataclass(frozen=True)
class OrderEntry:
    """One registered order."""

    id: int
    kind: str
    number: str
    on: date
    title: str
    created: datetime

    @property
    def label(self) -> str:
        """«№ 16-од от 20.12.2024 «Об утверждении …»» for messages."""
        return f"№ {self.number} от {fmt_date(self.on)} «{self.title}»"


class OrderRefused(Exception):
    """An order that cannot be numbered or registered; the message says why, in Russian."""


class NumberNeeded(OrderRefused):
    """No number given and none to suggest (the journal is empty, or its last number has no
    digits to count on); last is that number, "" for an empty journal."""

    def __init__(self, message: str, last: str = "") -> None:
        super().__init__(message)
        self.last = last


def _entry(row: OrderRecord) -> OrderEntry:
    return OrderEntry(row.id, row.kind, row.number, row.order_date, row.title, row.created)


def same_number(a: str, b: str) -> bool:
    """Numbers compared as a clerk would: spaces and letter case do not matter."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def registered(session: Session, kind: str, on: date) -> OrderEntry | None:
    """The order of this kind on this date, if it is in the journal."""
    row = session.scalars(
        select(OrderRecord).where(OrderRecord.kind == kind, OrderRecord.order_date == on)
    ).first()
    return _entry(row) if row is not None else None


def holder(session: Session, number: str, year: int) -> OrderEntry | None:
    """The order of that year that has this number, if any."""
    rows = session.scalars(
        select(OrderRecord).where(extract("year", OrderRecord.order_date) == year)
        .order_by(OrderRecord.id))
    return next((_entry(r) for r in rows if same_number(r.number, number)), None)


def numbers_of_year(session: Session, year: int) -> set[str]:
    """The numbers the orders of a year have, as same_number compares them."""
    rows = session.scalars(
        select(OrderRecord.number).where(extract("year", OrderRecord.order_date) == year))
    return {" ".join(n.split()).casefold() for n in rows}


def latest(session: Session) -> OrderEntry | None:
    """The order registered last (whatever its kind and date)."""
    row = session.scalars(select(OrderRecord).order_by(OrderRecord.id.desc()).limit(1)).first()
    return _entry(row) if row is not None else None


def entries(session: Session) -> list[OrderEntry]:
    """The whole journal in the order of the register: by date, then as registered."""
    if not inspect(session.connection()).has_table(OrderRecord.__tablename__):
        return []  # a file of an earlier revision read without upgrading it (settings show)
    stmt = select(OrderRecord).order_by(OrderRecord.order_date, OrderRecord.id)
    return [_entry(r) for r in session.scalars(stmt)]


def check_number(number: str) -> str:
    """The number as it is stored (spaces trimmed); OrderRefused when it cannot be one."""
    text = " ".join(number.split())
    if len(text) > MAX_NUMBER:
        raise OrderRefused(f"Номер приказа длиннее {MAX_NUMBER} знаков: «{text[:20]}…».")
    return text


def refuse_taken(session: Session, number: str, on: date) -> None:
    """OrderRefused when another order of that year already has the number."""
    taken = holder(session, number, on.year)
    if taken is not None:
        raise OrderRefused(
            f"Номер {number} уже присвоен приказу {taken.label} (журнал приказов): у каждого "
            "приказа года свой номер. Укажите другой номер.")


def register(session: Session, kind: str, number: str, on: date, title: str) -> OrderEntry:
    """Put the order in the journal (caller commits); the same kind, date and number already
    there is left as it is. OrderRefused for a kind and date registered under another number or
    a number another order has."""
    number = check_number(number)
    found = registered(session, kind, on)
    if found is not None:
        if not same_number(found.number, number):
            raise OrderRefused(already_numbered(found, number))
        return found
    refuse_taken(session, number, on)
    row = OrderRecord(kind=kind, number=number, order_date=on, title=title,
                      created=datetime.now().replace(microsecond=0))
    session.add(row)
    session.flush()
    return _entry(row)


def already_numbered(found: OrderEntry, asked: str) -> str:
    """The refusal of a number asked for an order the journal has under another one."""
    return (f"Приказ от {fmt_date(found.on)} «{found.title}» уже зарегистрирован в журнале "
            f"приказов под № {found.number}, а не № {asked}: повторная печать приказа того же "
            f"вида и той же даты получает его номер — {found.number}.")
