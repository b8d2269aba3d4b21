"""Diagnostic instruments, sessions, answers, deficits and the individual route (ИОМ)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.model.base import Base
from desktop_app.model.registry import Person


class Instrument(Base):
    __tablename__ = "instruments"
    __table_args__ = (UniqueConstraint("code", "version", name="code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32), default="1")
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16), default="self")
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    source: Mapped[str] = mapped_column(String(300), default="")
    items: Mapped[list[InstrumentItem]] = relationship(
        cascade="all, delete-orphan", order_by="InstrumentItem.position"
    )


class InstrumentItem(Base):
    __tablename__ = "instrument_items"
    __table_args__ = (UniqueConstraint("instrument_id", "code", name="instrument_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    area: Mapped[str] = mapped_column(String(32))
    labour_function: Mapped[str] = mapped_column(String(32), default="")
    text: Mapped[str] = mapped_column(Text)


class DiagnosticSession(Base):
    """One diagnostic of one person on one date: self-assessment answers or external blocks."""

    __tablename__ = "diagnostic_sessions"
    # Each person's latest session of a kind is one index probe (revision 0003); the index
    # serves a lookup by the person alone as well (0016 dropped the one on person_id)
    __table_args__ = (
        Index("ix_diagnostic_sessions_person_kind_date", "person_id", "kind", "session_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    instrument_id: Mapped[int | None] = mapped_column(
        ForeignKey("instruments.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(16), default="self")
    session_date: Mapped[date] = mapped_column(Date, index=True)
    procedure: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")
    external_results: Mapped[list[ExternalResult]] = relationship(cascade="all, delete-orphan")


class Answer(Base):
    __tablename__ = "answers"
    # SQLite: the rows kept in their key's own tree (no second tree of rowids): a region's
    # 1,6 million answers are written and read in one (revision 0016)
    __table_args__ = {"sqlite_with_rowid": False}

    session_id: Mapped[int] = mapped_column(
        ForeignKey("diagnostic_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("instrument_items.id", ondelete="RESTRICT"), primary_key=True
    )
    score: Mapped[int] = mapped_column(Integer)


class SessionAreaScore(Base):
    """The mean score of one self-assessment in one competence area (kept with its answers).

    Stored so that everyone's latest area means are read without aggregating every answer;
    written by the diagnostics service, the demo and the Excel import (revision 0002).
    """

    __tablename__ = "session_area_scores"
    __table_args__ = {"sqlite_with_rowid": False}  # as answers

    session_id: Mapped[int] = mapped_column(
        ForeignKey("diagnostic_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    mean_score: Mapped[float] = mapped_column(Float)
    item_count: Mapped[int] = mapped_column(Integer)


class ExternalResult(Base):
    """A block of an external assessment (regional or federal), as a percent."""

    __tablename__ = "external_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("diagnostic_sessions.id", ondelete="CASCADE"), index=True
    )
    block: Mapped[str] = mapped_column(String(300))
    area: Mapped[str] = mapped_column(String(32))
    percent: Mapped[float] = mapped_column(Float)


class Deficit(Base):
    """A professional deficit found by a session, and its state (выявлен, в работе, преодолён)."""

    __tablename__ = "deficits"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(32), index=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("instrument_items.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(Text)
    found_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("diagnostic_sessions.id", ondelete="SET NULL")
    )
    found_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="found", index=True)
    overcome_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("diagnostic_sessions.id", ondelete="SET NULL")
    )
    overcome_on: Mapped[date | None] = mapped_column(Date)


class Route(Base):
    """The individual educational route (ИОМ) of a person, drafted from the deficits."""

    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    items: Mapped[list[RouteItem]] = relationship(
        cascade="all, delete-orphan", order_by="RouteItem.position"
    )


class RouteItem(Base):
    __tablename__ = "route_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    deficit_id: Mapped[int | None] = mapped_column(ForeignKey("deficits.id", ondelete="SET NULL"))
    deficit_text: Mapped[str] = mapped_column(Text, default="")
    task: Mapped[str] = mapped_column(Text, default="")
    activity: Mapped[str] = mapped_column(String(32), default="courses")
    form: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    planned_result: Mapped[str] = mapped_column(Text, default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
