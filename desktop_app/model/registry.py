"""Organisations, people (every field of the candidate form of seed 004), their courses and jobs."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from desktop_app.model.base import Base
from desktop_app.textutil import person_key, person_sort_key


class Municipality(Base):
    """A municipality (муниципальное образование): the database's own one (its settings name
    it) and, in a region's database, each municipality whose exchange workbook was merged."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # the ОКТМО code (8 or 11 digits) where known; "" when not given
    oktmo: Mapped[str] = mapped_column(String(11), default="", server_default="")
    # the municipality of this database's settings (one at most): a merge adds the others
    is_own: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(200), unique=True)
    # the municipality the ОО belongs to (revision 0012); the program fills it on every ОО it
    # writes — an old exchange workbook's ОО take the municipality its settings name
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(500), default="")
    # a value not given is «не указано» (unknown), never a guessed kind, level or category
    kind: Mapped[str] = mapped_column(String(32), default="unknown")
    is_low_results: Mapped[bool] = mapped_column(Boolean, default=False)
    is_difficult_conditions: Mapped[bool] = mapped_column(Boolean, default=False)
    mentoring_act_date: Mapped[date | None] = mapped_column(Date)
    mentoring_act_number: Mapped[str] = mapped_column(String(64), default="")
    mentoring_programme_date: Mapped[date | None] = mapped_column(Date)
    curator_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", use_alter=True, ondelete="SET NULL")
    )
    head_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_on: Mapped[date | None] = mapped_column(Date)
    # how many times the record was saved (1 when added): a form saved over a newer save of
    # another seat is refused (services/record_versions.py, revision 0010)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    curator: Mapped[Person | None] = relationship(foreign_keys=[curator_id], post_update=True)
    municipality: Mapped[Municipality | None] = relationship()


class Person(Base):
    """A pedagogical worker or manager; age and experience are computed from the dates."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("search_key", "birth_date", name="fio_birth"),
        # covers the people list (services/people_list.py): read in order from the index alone
        Index("ix_people_list", "sort_key", "id", "last_name", "first_name", "middle_name",
              "birth_date", "organisation_id", "position", "category", "subject",
              "ped_experience_start", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    # matched by the unique (search_key, birth_date) index (fio_birth), which serves a lookup by
    # the key alone as well
    search_key: Mapped[str] = mapped_column(String(320))
    # Russian order of the ФИО (textutil.person_sort_key): lists sort in SQL (ix_people_list)
    sort_key: Mapped[str] = mapped_column(String(320), default="", server_default="")
    birth_date: Mapped[date] = mapped_column(Date)
    education_level: Mapped[str] = mapped_column(String(32), default="unknown")
    education_year: Mapped[int | None] = mapped_column(Integer)
    education_specialty: Mapped[str] = mapped_column(String(300), default="")
    education_institution: Mapped[str] = mapped_column(String(300), default="")
    # None: not given («не указано»), neither yes nor no (revision 0008)
    education_pedagogical: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(32), default="unknown")
    category_date: Mapped[date | None] = mapped_column(Date)
    ped_experience_start: Mapped[date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200), default="")
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    methodical_experience: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    achievements: Mapped[str] = mapped_column(Text, default="")
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_date: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # how many times the record was saved (1 when added): a form saved over a newer save of
    # another seat is refused (services/record_versions.py, revision 0010)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    courses: Mapped[list[Course]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Course.end_date"
    )
    jobs: Mapped[list[Employment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Employment.start_date"
    )


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _derive_keys(_mapper: Mapper[Any], _connection: Any, person: Person) -> None:
    """Keep the stored keys right on every ORM write, whoever made it."""
    last, first, middle = person.last_name or "", person.first_name or "", person.middle_name or ""
    person.search_key = person_key(last, first, middle)
    person.sort_key = person_sort_key(last, first, middle)


class Course(Base):
    """Qualification course or retraining (the candidate form asks for the last three years)."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="qualification")
    title: Mapped[str] = mapped_column(String(500))
    provider: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[int | None] = mapped_column(Integer)
    end_date: Mapped[date | None] = mapped_column(Date)
    in_federal_registry: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="courses")


class Employment(Base):
    """A period of work at one ОО: a move to another ОО closes one and opens the next."""

    __tablename__ = "employments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="jobs")
    organisation: Mapped[Organisation] = relationship()


class Participation(Base):
    """A participation in an event: sharing experience (indicator 2) or innovation (indicator 4)."""

    __tablename__ = "participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500), default="")
    level: Mapped[str] = mapped_column(String(32), default="municipal")
    event_date: Mapped[date] = mapped_column(Date, index=True)
    result: Mapped[str] = mapped_column(String(200), default="")
