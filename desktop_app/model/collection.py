"""The collection rounds: twice a year each ОО gets its own data back in a workbook, checks it and
returns it; what was sent is kept here, so a return is matched to its school and compared."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.model.base import Base
from desktop_app.model.registry import Organisation


class CollectionRound(Base):
    """One round: the date the data is asked for, the deadline, when it was started, and the
    secret that signs the hidden sheet of each of its files (an edited sheet fails the check)."""

    __tablename__ = "collection_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    on_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    started: Mapped[datetime] = mapped_column(DateTime)
    secret: Mapped[str] = mapped_column(String(64))

    files: Mapped[list[RoundFile]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundFile.id")


class RoundFile(Base):
    """The workbook of one ОО in a round: what was sent (the snapshot, as the canonical text of
    every cell, and its fingerprint), and what came back: when, which file (its SHA-256, so the
    same file applied twice is told), when it was applied, how many changes and refusals."""

    __tablename__ = "round_files"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id", name="round_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(  # found through round_org (its first column)
        ForeignKey("collection_rounds.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    file_name: Mapped[str] = mapped_column(String(260))
    sent: Mapped[datetime] = mapped_column(DateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[str] = mapped_column(Text)
    returned: Mapped[datetime | None] = mapped_column(DateTime)
    returned_name: Mapped[str] = mapped_column(String(260), default="")
    returned_sha256: Mapped[str] = mapped_column(String(64), default="")
    applied: Mapped[datetime | None] = mapped_column(DateTime)
    changes: Mapped[int | None] = mapped_column(Integer)
    refused: Mapped[int | None] = mapped_column(Integer)

    round: Mapped[CollectionRound] = relationship(back_populates="files")
    organisation: Mapped[Organisation] = relationship()
