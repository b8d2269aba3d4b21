"""The annual information-analytic report's own queries: per ОО lines, pairs by form and by value,
the mentors of the period, deficits by area, satisfaction, the ОО's acts (read-only, plain
frozen values; the other documents' queries are in queries.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.model import (
    Deficit,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Person,
    Satisfaction,
)
from desktop_app.services.indicators import (
    org_active,
    pair_ran,
    person_active,
    years_before,
    young as young_on,
)
from desktop_app.store.dialect import binary_order
from desktop_app.textutil import ru_sort_key


@dataclass(frozen=True)
class OrgLine:
    org_id: int
    name: str
    staff: int
    under_35: int
    young: int
    mentors: int
    mentees: int
    pairs: int
    covered: int


def _one_if(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(_one_if(condition)), 0)


def _ran_pairs(start: date, on: date) -> Any:
    return select(Pair.id).where(pair_ran(start, on))


def org_lines(session: Session, start: date, on: date) -> list[OrgLine]:
    """Per active ОО: staff, under 35, young specialists, mentors, mentees, pairs, covered."""
    ran = _ran_pairs(start, on)
    mentor_ids = select(Pair.mentor_id).where(Pair.id.in_(ran))
    mentee_ids = select(PairMentee.person_id).where(PairMentee.pair_id.in_(ran))
    is_mentor, is_mentee = Person.id.in_(mentor_ids), Person.id.in_(mentee_ids)

    stmt = (
        select(Person.organisation_id, func.count(Person.id),
               count_if(Person.birth_date > years_before(on, 35)), count_if(young_on(on)),
               count_if(is_mentor), count_if(is_mentee), count_if(is_mentor | is_mentee))
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(person_active(on)).group_by(Person.organisation_id)
    )
    counts: dict[int, tuple[int, ...]] = {r[0]: tuple(r[1:]) for r in session.execute(stmt)}
    mentor = aliased(Person)
    pair_counts = {org: int(n) for org, n in session.execute(
        select(mentor.organisation_id, func.count(Pair.id))
        .join(mentor, mentor.id == Pair.mentor_id)
        .where(pair_ran(start, on)).group_by(mentor.organisation_id)
    ) if org is not None}
    orgs = session.execute(select(Organisation.id, Organisation.short_name).where(org_active(on)))
    lines = [_org_line(org_id, name, counts.get(org_id), pair_counts.get(org_id, 0))
             for org_id, name in orgs]
    return sorted(lines, key=lambda line: ru_sort_key(line.name))


def _org_line(org_id: int, name: str, counts: tuple[int, ...] | None, pairs: int) -> OrgLine:
    staff, under, young, mentors, mentees, covered = (int(v) for v in (counts or (0,) * 6))
    return OrgLine(org_id, name, staff, under, young, mentors, mentees, int(pairs), covered)


@dataclass(frozen=True)
class CountRow:
    label: str
    pairs: int
    people: int


def pairs_by_form(session: Session, start: date, on: date) -> list[CountRow]:
    """Pairs that ran in the period and their mentees, by form of mentorship."""
    mentees = (select(PairMentee.pair_id, func.count().label("n"))
               .group_by(PairMentee.pair_id).subquery())
    stmt = (
        select(MentorshipForm.name, MentorshipForm.position, func.count(Pair.id),
               func.coalesce(func.sum(mentees.c.n), 0))
        .join(Pair, Pair.form_id == MentorshipForm.id)
        .outerjoin(mentees, mentees.c.pair_id == Pair.id)
        .where(pair_ran(start, on)).group_by(MentorshipForm.id)
        .order_by(MentorshipForm.position, MentorshipForm.name)
    )
    return [CountRow(name, int(n), int(m)) for name, _, n, m in session.execute(stmt)]


def pairs_by_value(session: Session, column: Any, start: date, on: date) -> dict[str, int]:
    """Pairs that ran in the period counted by one of their columns (category, level …)."""
    stmt = select(column, func.count(Pair.id)).where(pair_ran(start, on)).group_by(column)
    return {value: int(n) for value, n in session.execute(stmt)}


@dataclass(frozen=True)
class MentorInfo:
    experience_start: date | None
    category: str


def mentors_of_period(session: Session, start: date, on: date) -> list[MentorInfo]:
    """Distinct mentors of the pairs that ran in the period who work in an active ОО on the
    date: the people of org_lines' «mentors» column, so the two counts are the same."""
    ids = select(Pair.mentor_id).where(pair_ran(start, on))
    stmt = (select(Person.ped_experience_start, Person.category)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(ids), person_active(on)))
    return [MentorInfo(s, c) for s, c in session.execute(stmt)]


@dataclass(frozen=True)
class DeficitLine:
    """Deficits of one area in the period; open_start + found − overcome = open_end."""

    area: str
    open_start: int
    found: int
    overcome: int
    open_end: int


def deficits_by_area(session: Session, start: date, on: date) -> list[DeficitLine]:
    """Deficits of every person in the register by area, so that each row balances.

    A deficit is open on a day when it was found on or before that day and not overcome on or
    before it (overcome = its overcome_on; a date earlier than found_on counts as found_on).
    open_start: found before start and not overcome before start (open when the period
    begins); found: found from start to on; overcome: overcome from start to on; open_end:
    found on or before on and not overcome on or before on. A deficit found and overcome
    within the period is in found and overcome; found earlier and overcome within it, in
    open_start and overcome; found earlier and still open, in open_start and open_end.
    """
    overcome_day = case((Deficit.overcome_on < Deficit.found_on, Deficit.found_on),
                        else_=Deficit.overcome_on)
    open_start = count_if(and_(Deficit.found_on < start,
                               overcome_day.is_(None) | (overcome_day >= start)))
    found = count_if(and_(Deficit.found_on >= start, Deficit.found_on <= on))
    overcome = count_if(and_(overcome_day >= start, overcome_day <= on))
    open_end = count_if(and_(Deficit.found_on <= on,
                             overcome_day.is_(None) | (overcome_day > on)))
    stmt = (select(Deficit.area, open_start, found, overcome, open_end)
            .group_by(Deficit.area).order_by(binary_order(Deficit.area)))  # as on SQLite
    return [DeficitLine(a, int(s), int(f), int(o), int(e))
            for a, s, f, o, e in session.execute(stmt)]


@dataclass(frozen=True)
class SatisfactionLine:
    respondent: str
    answers: int
    mean: float | None
    high: int


def satisfaction(session: Session, start: date, on: date) -> list[SatisfactionLine]:
    """Questionnaires answered in the period: count, mean 1–10 and answers of 8 and above."""
    stmt = (
        select(Satisfaction.respondent, func.count(), func.avg(Satisfaction.score),
               func.sum(_one_if(Satisfaction.score >= 8)))
        .where(Satisfaction.answered_on >= start, Satisfaction.answered_on <= on)
        .group_by(Satisfaction.respondent)
    )
    return [SatisfactionLine(r, int(n), float(m) if m is not None else None, int(h or 0))
            for r, n, m, h in session.execute(stmt)]


@dataclass(frozen=True)
class OrgActs:
    name: str
    act_date: date | None
    act_number: str
    programme_date: date | None


def org_acts(session: Session, on: date) -> list[OrgActs]:
    """Active ОО with the dates of their Положение and programme (those after the date blank)."""
    stmt = select(Organisation.short_name, Organisation.mentoring_act_date,
                  Organisation.mentoring_act_number,
                  Organisation.mentoring_programme_date).where(org_active(on))
    rows = [OrgActs(n, a if a and a <= on else None, num if a and a <= on else "",
                    p if p and p <= on else None) for n, a, num, p in session.execute(stmt)]
    return sorted(rows, key=lambda r: ru_sort_key(r.name))
