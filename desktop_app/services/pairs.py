"""Mentor pairs and groups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from desktop_app.model import MentorshipForm, Organisation, Pair, PairMentee, Person
from desktop_app.model.enums import PairStatus
from desktop_app.textutil import short_fio


@dataclass(frozen=True)
class PairRow:
    id: int
    mentor: str
    mentor_org: str
    mentees: str
    mentee_count: int
    form: str
    status: str
    start_date: date
    end_date: date
    order_number: str


def list_pairs(session: Session) -> list[PairRow]:
    """Every pair or group with its mentor, mentees, form and period."""
    mentees: dict[int, list[str]] = defaultdict(list)
    for pair_id, last, first, middle in session.execute(
        select(PairMentee.pair_id, Person.last_name, Person.first_name, Person.middle_name)
        .join(Person, Person.id == PairMentee.person_id)
        .order_by(Person.last_name)
    ):
        mentees[pair_id].append(short_fio(last, first, middle))
    mentor = aliased(Person)
    stmt = (
        select(
            Pair.id, mentor.last_name, mentor.first_name, mentor.middle_name,
            Organisation.short_name, MentorshipForm.name, Pair.status, Pair.start_date,
            Pair.end_date, Pair.order_number,
        )
        .join(mentor, mentor.id == Pair.mentor_id)
        .outerjoin(Organisation, Organisation.id == mentor.organisation_id)
        .join(MentorshipForm, MentorshipForm.id == Pair.form_id)
        .order_by(Pair.start_date.desc(), Pair.id)
    )
    labels = {s.value: s.label for s in PairStatus}
    return [
        PairRow(
            r.id, short_fio(r.last_name, r.first_name, r.middle_name), r.short_name or "",
            ", ".join(mentees[r.id]), len(mentees[r.id]), r.name,
            labels.get(r.status, r.status), r.start_date, r.end_date, r.order_number,
        )
        for r in session.execute(stmt)
    ]
