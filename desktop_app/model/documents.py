"""The journal of orders: each order the centre has printed, registered once with its number."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.model.base import Base


class OrderRecord(Base):
    """One order in the register: its kind and date (one order of a kind a day), its number."""

    __tablename__ = "order_journal"
    __table_args__ = (UniqueConstraint("kind", "date", name="kind_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64), index=True)
    order_date: Mapped[date] = mapped_column("date", Date)
    title: Mapped[str] = mapped_column(String(500), default="")
    created: Mapped[datetime] = mapped_column(DateTime)
