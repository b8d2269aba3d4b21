"""No lost edit: a form's save is refused when another seat saved the same record after the form
was opened (several seats editing one database on a server at once).

Each record a form saves whole — a person (with the courses), an organisation, a pair or group
(with its programme), a member of the active, a meeting (with its attendees), a road map item,
a practice (with its authors, pairs and files) — counts its saves in row_version, SQLAlchemy's
version_id_col (revisions 0010, 0015): every UPDATE of
the row through the ORM sets the next number and is made only WHERE the row still has the
number it was read with. A form remembers the version it loaded (version_of) and its save passes
it on (expected_version=…): check_version refuses a record that has moved on since, with
changed_message — who and when from the latest entry of the change log for the record (the
source of a bulk change, the time; a change made in a window has no name in the log). A save
always counts as a new version (saved), even when only the record's lists changed. Between the
check and the write another seat may still commit: the UPDATE then finds no row with the
version read, SQLAlchemy raises StaleDataError at the flush, and stale_refused turns it into
the same refusal. Nothing is written by a refused save; the caller's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.model import (
    ActiveMember,
    Base,
    ChangeLog,
    Meeting,
    Organisation,
    Pair,
    Person,
    Practice,
    RoadmapItem,
)
from desktop_app.services import changelog
from desktop_app.textutil import fmt_date

CHANGED_ELSEWHERE = "Запись изменена другим пользователем{who} — обновите и повторите"
VERSIONED: dict[str, type[Base]] = {
    model.__tablename__: model
    for model in (Organisation, Person, Pair, ActiveMember, Meeting, RoadmapItem, Practice)
}
# Tables without an id of their own whose log entries carry the record's id (their rows are
# saved with the record: the member's grounds and directions, the meeting's attendees).
LINKED = {
    "active_members": ("active_member_grounds", "active_member_directions"),
    "meetings": ("meeting_attendees",),
    "practices": ("practice_authors", "practice_pairs"),
}
# A person's form saves the person and the courses; a move closes and opens places of work.
PERSON_TABLES = ("people", "courses", "employments")
Refusal = Callable[[str], Exception]


def version_of(session: Session, table: str, record_id: int) -> int | None:
    """The version of a record now in the database (None: no such record)."""
    model: Any = VERSIONED[table]
    return session.scalar(select(model.row_version).where(model.id == record_id))


def person_version(session: Session, person_id: int) -> int | None:
    return version_of(session, "people", person_id)


def organisation_version(session: Session, org_id: int) -> int | None:
    return version_of(session, "organisations", org_id)


def pair_version(session: Session, pair_id: int) -> int | None:
    return version_of(session, "pairs", pair_id)


def member_version(session: Session, member_id: int) -> int | None:
    return version_of(session, "active_members", member_id)


def _last_change(session: Session, table: str, record_id: int) -> tuple[datetime, str] | None:
    """When the record (or a row saved with it) last changed, and the source of that change."""
    if table == "people":
        entries = [e for e in changelog.person_history(session, record_id)
                   if e.table in PERSON_TABLES]
    elif table == "pairs":
        entries = changelog.pair_history(session, record_id)
    else:
        row = session.scalar(
            select(ChangeLog)
            .where(ChangeLog.table_name.in_((table, *LINKED.get(table, ()))),
                   ChangeLog.record_id == record_id)
            .order_by(ChangeLog.id.desc()).limit(1))
        return None if row is None else (row.changed_at, row.source or "")
    return (entries[-1].changed_at, entries[-1].source) if entries else None


def changed_message(session: Session, table: str, record_id: int) -> str:
    """«Запись изменена другим пользователем (source, 07.12.2026 10:15) — обновите и повторите»:
    the source and the time of the record's latest change when the change log has them."""
    last = _last_change(session, table, record_id)
    parts = [] if last is None else [p for p in (
        last[1], f"{fmt_date(last[0].date())} {last[0]:%H:%M}") if p]
    return CHANGED_ELSEWHERE.format(who=f" ({', '.join(parts)})" if parts else "")


def check_version(session: Session, record: Any, expected: int | None,
                  refusal: Refusal) -> None:
    """Raise refusal(changed_message) when the record in the database is no longer at the
    version its form was opened with; expected None (no form, the command line) checks
    nothing."""
    if expected is None:
        return
    table = record.__tablename__
    if version_of(session, table, record.id) != expected:
        raise refusal(changed_message(session, table, record.id))


def saved(record: Any) -> None:
    """The form's save is a new version of the record even when only its lists (courses,
    mentees, grounds, attendees) changed and its own row did not. Called before the changes:
    a flush on the way (a query's autoflush) writes the new version with them, and every
    further UPDATE of the row in the same save adds one more."""
    record.row_version = record.row_version + 1


def _message_apart(session: Session, table: str, record_id: int) -> str:
    """changed_message read in a session of its own: the session whose flush failed cannot
    read until it is rolled back (its caller does that)."""
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return CHANGED_ELSEWHERE.format(who="")
    with Session(bind) as apart:
        return changed_message(apart, table, record_id)


@contextmanager
def stale_refused(session: Session, record: Any, refusal: Refusal) -> Iterator[None]:
    """Writes of the record inside: another seat's save committed between the check and the
    write (StaleDataError at the flush) is refused as check_version refuses it."""
    table, record_id = record.__tablename__, record.id
    try:
        yield
    except StaleDataError as exc:
        raise refusal(_message_apart(session, table, record_id)) from exc
