"""Mentor pairs and groups, their personalised programmes, plans and monitoring (seeds 002, 003)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.model.base import Base
from desktop_app.model.registry import Person


class MentorshipForm(Base):
    """A form of mentorship: those of seeds 002 §4.1.5 and 003 ship, the user can add more."""

    __tablename__ = "mentorship_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Pair(Base):
    """A mentor with one or more mentees (a group), assigned by an order for a programme period."""

    __tablename__ = "pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("mentorship_forms.id", ondelete="RESTRICT"))
    model_element: Mapped[str] = mapped_column(String(32), default="adaptation")
    mentee_category: Mapped[str] = mapped_column(String(32), default="young")
    level: Mapped[str] = mapped_column(String(32), default="organisation")
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(32), default="planned", index=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    ended_on: Mapped[date | None] = mapped_column(Date)
    order_number: Mapped[str] = mapped_column(String(64), default="")
    order_date: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    # how many times the record was saved (1 when added): a form saved over a newer save of
    # another seat is refused (services/record_versions.py, revision 0010)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])
    form: Mapped[MentorshipForm] = relationship()
    mentees: Mapped[list[PairMentee]] = relationship(cascade="all, delete-orphan")
    directions: Mapped[list[PairDirectionLink]] = relationship(cascade="all, delete-orphan")
    programme: Mapped[Programme | None] = relationship(
        back_populates="pair", cascade="all, delete-orphan", uselist=False
    )


class PairMentee(Base):
    __tablename__ = "pair_mentees"

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    person: Mapped[Person] = relationship()


class PairDirectionLink(Base):
    __tablename__ = "pair_directions"

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True
    )
    direction: Mapped[str] = mapped_column(String(32), primary_key=True)


class Programme(Base):
    """The personalised mentorship programme of a pair (3 months to 1 year, seed 002 §1.2)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pairs.id", ondelete="CASCADE"), unique=True, index=True
    )
    goal: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    expected_results: Mapped[str] = mapped_column(Text, default="")

    pair: Mapped[Pair] = relationship(back_populates="programme")
    plan: Mapped[list[PlanItem]] = relationship(
        cascade="all, delete-orphan", order_by="PlanItem.position"
    )
    deficits: Mapped[list[ProgrammeDeficit]] = relationship(cascade="all, delete-orphan")


class PlanItem(Base):
    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    activity: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    responsible: Mapped[str] = mapped_column(String(200), default="")
    report_form: Mapped[str] = mapped_column(String(300), default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[date | None] = mapped_column(Date)


class ProgrammeDeficit(Base):
    """A professional deficit the programme targets."""

    __tablename__ = "programme_deficits"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    deficit_id: Mapped[int] = mapped_column(
        ForeignKey("deficits.id", ondelete="CASCADE"), primary_key=True
    )


class PlanTemplate(Base):
    __tablename__ = "plan_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    items: Mapped[list[PlanTemplateItem]] = relationship(
        cascade="all, delete-orphan", order_by="PlanTemplateItem.position"
    )


class PlanTemplateItem(Base):
    __tablename__ = "plan_template_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("plan_templates.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    activity: Mapped[str] = mapped_column(Text)
    offset_days: Mapped[int] = mapped_column(Integer, default=0)
    responsible: Mapped[str] = mapped_column(String(200), default="")
    report_form: Mapped[str] = mapped_column(String(300), default="")


class Monitoring(Base):
    """Monitoring of a programme (seed 002 §5): process results and influence."""

    __tablename__ = "monitorings"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    monitoring_date: Mapped[date] = mapped_column(Date)
    students_passed_percent: Mapped[float | None] = mapped_column(Float)
    exam_kind: Mapped[str] = mapped_column(String(32), default="")
    olympiad_participants: Mapped[int | None] = mapped_column(Integer)
    progress_dynamics: Mapped[str] = mapped_column(Text, default="")
    mentee_activity: Mapped[str] = mapped_column(Text, default="")
    influence: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")


class Satisfaction(Base):
    """A satisfaction questionnaire of the mentor or a mentee, 1–10."""

    __tablename__ = "satisfactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    respondent: Mapped[str] = mapped_column(String(16))
    answered_on: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
