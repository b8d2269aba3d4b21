"""Diagnostic sessions and professional deficits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.model import Deficit, DiagnosticSession, Organisation, Person
from desktop_app.model.enums import SessionKind
from desktop_app.textutil import fio


@dataclass(frozen=True)
class SessionRow:
    id: int
    person: str
    organisation: str
    session_date: date
    kind: str
    deficits_found: int


def list_sessions(session: Session) -> list[SessionRow]:
    """Every diagnostic session with the number of deficits it found."""
    found = (
        select(Deficit.found_session_id, func.count().label("n"))
        .group_by(Deficit.found_session_id)
        .subquery()
    )
    stmt = (
        select(
            DiagnosticSession.id, Person.last_name, Person.first_name, Person.middle_name,
            Organisation.short_name, DiagnosticSession.session_date, DiagnosticSession.kind,
            func.coalesce(found.c.n, 0),
        )
        .join(Person, Person.id == DiagnosticSession.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(found, found.c.found_session_id == DiagnosticSession.id)
        .order_by(DiagnosticSession.session_date.desc(), DiagnosticSession.id)
    )
    labels = {k.value: k.label for k in SessionKind}
    return [
        SessionRow(r[0], fio(r[1], r[2], r[3]), r[4] or "", r[5], labels.get(r[6], r[6]), r[7])
        for r in session.execute(stmt)
    ]
