"""Meetings of the methodological active: date, agenda, attendees, decisions (seed 000 §5.3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from desktop_app.model import Meeting, MeetingAttendee, Organisation, Person
from desktop_app.services.indicators import IndicatorInputError, log_change
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.store.dialect import binary_order_sql, dialect_name, full_name_sql
from desktop_app.textutil import clean, fmt_date, ru_sort_key, short_fio


class Attendee(NamedTuple):
    person_id: int
    name: str
    organisation: str


@dataclass(frozen=True)
class MeetingRow:
    id: int
    meeting_date: date
    quarter: int
    agenda: str
    decisions: str
    attendees: tuple[Attendee, ...]
    version: int = 1  # the meeting's row_version when listed: its form's save passes it back


@dataclass(frozen=True)
class MeetingInput:
    meeting_date: date | None
    agenda: str
    decisions: str
    attendee_ids: tuple[int, ...]


@dataclass(frozen=True)
class QuarterCheck:
    """One quarter of a year: its meetings, and whether it is flagged as having none."""

    year: int
    quarter: int
    start: date
    end: date
    meetings: int
    flagged: bool
    finished: bool


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(1)
    return start, end


def _checked(session: Session, data: MeetingInput) -> MeetingInput:
    if data.meeting_date is None:
        raise IndicatorInputError("Дата заседания: не заполнена.")
    agenda = clean(data.agenda)
    if not agenda:
        raise IndicatorInputError("Повестка: не заполнена.")
    ids = tuple(dict.fromkeys(data.attendee_ids))
    found = set(session.scalars(select(Person.id).where(Person.id.in_(ids)))) if ids else set()
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise IndicatorInputError(f"Участники: нет педагогов с номерами {', '.join(missing)}.")
    return MeetingInput(data.meeting_date, agenda, data.decisions.strip(), ids)


def add_meeting(session: Session, data: MeetingInput) -> int:
    """Record a meeting; returns its id."""
    data = _checked(session, data)
    assert data.meeting_date is not None
    meeting = Meeting(meeting_date=data.meeting_date, agenda=data.agenda, decisions=data.decisions)
    meeting.attendees = [MeetingAttendee(person_id=pid) for pid in data.attendee_ids]
    session.add(meeting)
    session.flush()
    log_change(session, "meetings", meeting.id, "insert", "", fmt_date(data.meeting_date))
    return meeting.id


def update_meeting(session: Session, meeting_id: int, data: MeetingInput, *,
                   expected_version: int | None = None) -> None:
    """Change a meeting's date, agenda, decisions and attendees. expected_version: the
    meeting's version its form was opened with; refused when another seat saved the meeting
    since (services/record_versions.py)."""
    data = _checked(session, data)
    assert data.meeting_date is not None
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise IndicatorInputError(f"Заседание № {meeting_id} не найдено.")
    check_version(session, meeting, expected_version, IndicatorInputError)
    old = f"{fmt_date(meeting.meeting_date)} | {meeting.agenda}"
    with stale_refused(session, meeting, IndicatorInputError):
        saved(meeting)
        meeting.meeting_date, meeting.agenda = data.meeting_date, data.agenda
        meeting.decisions = data.decisions
        session.flush()
        session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id))
        session.expire(meeting, ["attendees"])
        session.add_all(MeetingAttendee(meeting_id=meeting_id, person_id=p)
                        for p in data.attendee_ids)
        session.flush()
    new = f"{fmt_date(data.meeting_date)} | {data.agenda}"
    log_change(session, "meetings", meeting_id, "update", old, new)


def delete_meeting(session: Session, meeting_id: int) -> None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise IndicatorInputError(f"Заседание № {meeting_id} не найдено.")
    log_change(session, "meetings", meeting_id, "delete", fmt_date(meeting.meeting_date), "")
    session.delete(meeting)


def list_meetings(session: Session, year: int | None = None) -> list[MeetingRow]:
    """Meetings by date (of one year when given), each with its attendees."""
    stmt = select(Meeting).order_by(Meeting.meeting_date, Meeting.id)
    if year is not None:
        stmt = stmt.where(Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31)))
    meetings = list(session.scalars(stmt))
    people: dict[int, list[Attendee]] = defaultdict(list)
    if meetings:
        rows = session.execute(
            select(MeetingAttendee.meeting_id, Person.id, Person.last_name, Person.first_name,
                   Person.middle_name, Organisation.short_name)
            .join(Person, Person.id == MeetingAttendee.person_id)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(MeetingAttendee.meeting_id.in_([m.id for m in meetings]))
        )
        for mid, pid, last, first, middle, org in rows:
            people[mid].append(Attendee(pid, short_fio(last, first, middle), org or ""))
    return [
        MeetingRow(
            m.id, m.meeting_date, quarter_of(m.meeting_date), m.agenda, m.decisions,
            tuple(sorted(people[m.id], key=lambda a: ru_sort_key(a.name))), m.row_version,
        )
        for m in meetings
    ]


def quarters_without_meeting(
    session: Session, year: int, on: date | None = None
) -> list[QuarterCheck]:
    """The quarters of the year begun by the date (today by default), each flagged when it
    has no meeting up to the date (seed 000 §5.3: not less than once a quarter); `finished`
    tells a quarter that has ended from the current one."""
    day = on or date.today()
    dates = session.scalars(
        select(Meeting.meeting_date).where(
            Meeting.meeting_date.between(date(year, 1, 1), date(year, 12, 31))
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for when in dates:
        if when <= day:
            counts[quarter_of(when)] += 1
    checks = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(year, quarter)
        if start > day:
            break
        finished = end <= day
        checks.append(
            QuarterCheck(year, quarter, start, end, counts[quarter], counts[quarter] == 0, finished)
        )
    return checks


def flagged_quarters(session: Session, year: int, on: date | None = None) -> Sequence[int]:
    """The numbers of the quarters flagged as having no meeting."""
    return [q.quarter for q in quarters_without_meeting(session, year, on) if q.flagged]


def people_choices(session: Session) -> list[Attendee]:
    """Working people (active) to pick attendees from: the full ФИО (among a region's 30 000
    people many share their initials) in Russian order (the stored people.sort_key), made by
    the database."""
    rows = session.execute(text(
        f"SELECT p.id, {full_name_sql('p')}, o.short_name FROM people p"
        " LEFT JOIN organisations o ON o.id = p.organisation_id WHERE p.is_active"
        f" ORDER BY {binary_order_sql(dialect_name(session), 'p.sort_key')}, p.id")).all()
    return [Attendee(pid, name, org or "") for pid, name, org in rows]
