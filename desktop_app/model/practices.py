"""The bank of best practices of mentoring (seeds 000 §5, 002 §3, 003 road map): a practice with
its authors, the pairs whose results it shows, the files attached and the active's decision."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.model.active import Meeting
from desktop_app.model.base import Base
from desktop_app.model.pairs import MentorshipForm
from desktop_app.model.registry import Organisation


class Practice(Base):
    """A practice proposed by an ОО: предложена → рассмотрена активом → включена в банк or
    отклонена, with the date and the meeting of the active that decided."""

    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    # the form of mentorship the practice is of; None: not given («не указана»)
    form_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorship_forms.id", ondelete="RESTRICT")
    )
    # enums.MenteeCategory, as the pairs have it
    mentee_category: Mapped[str] = mapped_column(String(32), default="unknown")
    description: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer, index=True)
    # enums.PracticeStatus
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    decided_on: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    # saves counted: a form's save over another seat's newer one is refused (revision 0015)
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    organisation: Mapped[Organisation] = relationship()
    form: Mapped[MentorshipForm | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    authors: Mapped[list[PracticeAuthor]] = relationship(
        cascade="all, delete-orphan", order_by="PracticeAuthor.position"
    )
    pairs: Mapped[list[PracticePair]] = relationship(cascade="all, delete-orphan")
    files: Mapped[list[PracticeFile]] = relationship(
        cascade="all, delete-orphan", order_by="PracticeFile.name"
    )


class PracticeAuthor(Base):
    """An author of a practice, in the order the authors are named."""

    __tablename__ = "practice_authors"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class PracticePair(Base):
    """A pair (group) whose monitoring and re-diagnosis show the practice's results."""

    __tablename__ = "practice_pairs"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PracticeFile(Base):
    """A file attached to a practice: its name, size and SHA-256. Its content is kept in the
    database (practice_file_parts), so every backup and exchange book holds it; the data
    folder has a copy to open (services/practice_files.py)."""

    __tablename__ = "practice_files"
    __table_args__ = (UniqueConstraint("practice_id", "name", name="practice_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(  # found through practice_name (its first column)
        ForeignKey("practices.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_on: Mapped[date] = mapped_column(Date)


class PracticeFilePart(Base):
    """One part of a file's content, as base64 text of at most 32 000 characters: a part fits a
    cell of a spreadsheet (32 767), so the exchange book carries files as any other table."""

    __tablename__ = "practice_file_parts"

    file_id: Mapped[int] = mapped_column(
        ForeignKey("practice_files.id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
