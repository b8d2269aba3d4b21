"""Recognition of mentors: the awards with their conditions (an editable preset, shipped in
resources/presets/awards.json) and the nominations recorded (seeds 002 §3.4, 003 II.2)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.model.base import Base


class Award(Base):
    """An award a mentor can be put forward for: a state or departmental sign, a municipal or
    regional contest. Its conditions are the centre's to edit."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the preset's key («za_nastavnichestvo»): nominations and the command line name it
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(32), default="municipal")
    # the act that establishes the award («Указ Президента Российской Федерации от …»)
    basis: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # who is considered: "mentors", or "participants" (the mentees of the pairs too)
    candidates: Mapped[str] = mapped_column(String(16), default="mentors")
    # given once in a life: a person awarded is not put forward again
    once: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    conditions: Mapped[list[AwardCondition]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="AwardCondition.condition"
    )


class AwardCondition(Base):
    """One condition of an award: what is measured (enums.AwardMeasure) and its threshold."""

    __tablename__ = "award_conditions"

    award_id: Mapped[int] = mapped_column(
        ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True
    )
    condition: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    # how far short of the value still counts as «почти соответствует» (0: never)
    near: Mapped[int] = mapped_column(Integer, default=0)

    award: Mapped[Award] = relationship(back_populates="conditions")


class Nomination(Base):
    """A person put forward for an award on a date, and what came of it."""

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("person_id", "award", "nominated_on", name="person_award_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # found by the person through person_award_date (its first column)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # the award's code (Award.code)
    award: Mapped[str] = mapped_column(String(64), index=True)
    nominated_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(16), default="nominated")
    note: Mapped[str] = mapped_column(Text, default="")
