"""Indicator plan values by year, the road map, settings, report texts and the change log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.model.base import Base


class IndicatorPlan(Base):
    __tablename__ = "indicator_plans"
    __table_args__ = (UniqueConstraint("code", "year", name="code_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)


class RoadmapItem(Base):
    """An activity of the road map of seed 003 (activity, result, deadline, responsible, status)."""

    __tablename__ = "roadmap_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(200), default="")
    section: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    activity: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_text: Mapped[str] = mapped_column(String(300), default="")
    responsible: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(32), default="planned")
    done_on: Mapped[date | None] = mapped_column(Date)
    # how many times the record was saved (1 when added): a form saved over a newer save of
    # another seat is refused (services/record_versions.py, revision 0010)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ReportText(Base):
    """Texts the user writes for a printed document of a year (conclusions, recommendations)."""

    __tablename__ = "report_texts"
    __table_args__ = (UniqueConstraint("kind", "year", "section", name="kind_year_section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")


class ChangeLog(Base):
    """Who changed what: every change through the services is written here."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    table_name: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(16))
    old_values: Mapped[str] = mapped_column(Text, default="")
    new_values: Mapped[str] = mapped_column(Text, default="")
    # Where a change came from: «Импорт из Excel: файл.xlsx», «Обмен: …», «Объединение: …»;
    # empty for a change made in the window.
    source: Mapped[str] = mapped_column(String(300), default="", server_default="")
