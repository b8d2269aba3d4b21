"""The municipal methodological active: grounds presets, members and their path (seed 004 §3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.model.base import Base
from desktop_app.model.registry import Organisation, Person


class GroundPreset(Base):
    """A municipality's list of grounds of inclusion and the qualification it requires."""

    __tablename__ = "ground_presets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300), default="")
    # "category": a qualification category is required (seed 000);
    # "ped_education": pedagogical education is required (seed 004).
    requirement: Mapped[str] = mapped_column(String(32), default="category")
    min_experience_years: Mapped[int] = mapped_column(Integer, default=5)

    grounds: Mapped[list[Ground]] = relationship(
        back_populates="preset", cascade="all, delete-orphan", order_by="Ground.number"
    )


class Ground(Base):
    __tablename__ = "grounds"
    __table_args__ = (UniqueConstraint("preset_id", "number", name="preset_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    preset_id: Mapped[int] = mapped_column(ForeignKey("ground_presets.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(default=False)

    preset: Mapped[GroundPreset] = relationship(back_populates="grounds")


class ActiveMember(Base):
    """One person's way into (and out of) the active: кандидат → … → включён → исключён."""

    __tablename__ = "active_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(32), default="candidate", index=True)
    role: Mapped[str] = mapped_column(String(32), default="member")
    subject_area: Mapped[str] = mapped_column(String(200), default="")
    nominated_by_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    nominated_by_body: Mapped[str] = mapped_column(String(300), default="")
    request_date: Mapped[date | None] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    diagnosed_on: Mapped[date | None] = mapped_column(Date)
    included_order_number: Mapped[str] = mapped_column(String(64), default="")
    included_on: Mapped[date | None] = mapped_column(Date)
    excluded_on: Mapped[date | None] = mapped_column(Date)
    exclusion_reason: Mapped[str] = mapped_column(Text, default="")
    ineligible_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # how many times the record was saved (1 when added): a form saved over a newer save of
    # another seat is refused (services/record_versions.py, revision 0010)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    person: Mapped[Person] = relationship()
    nominated_by_org: Mapped[Organisation | None] = relationship()
    grounds: Mapped[list[MemberGround]] = relationship(cascade="all, delete-orphan")
    directions: Mapped[list[MemberDirection]] = relationship(cascade="all, delete-orphan")


class MemberGround(Base):
    __tablename__ = "active_member_grounds"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("active_members.id", ondelete="CASCADE"), primary_key=True
    )
    ground_id: Mapped[int] = mapped_column(
        ForeignKey("grounds.id", ondelete="RESTRICT"), primary_key=True
    )
    ground: Mapped[Ground] = relationship()


class MemberDirection(Base):
    __tablename__ = "active_member_directions"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("active_members.id", ondelete="CASCADE"), primary_key=True
    )
    direction: Mapped[str] = mapped_column(String(32), primary_key=True)


class Meeting(Base):
    """A meeting of the active (at least once a quarter, seed 000 §5.3)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[date] = mapped_column(Date, index=True)
    agenda: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    # how many times the record was saved (1 when added): a form saved over a newer save of
    # another seat is refused (services/record_versions.py, revision 0010)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    attendees: Mapped[list[MeetingAttendee]] = relationship(cascade="all, delete-orphan")


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True
    )
