"""Mentors suggested for a mentee: strengths that cover the mentee's deficit areas, with reasons."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    ActiveMember,
    Deficit,
    DiagnosticSession,
    Organisation,
    Pair,
    PairMentee,
    Person,
)
from desktop_app.model.diagnostics import SessionAreaScore
from desktop_app.model.enums import ActiveStatus, CompetenceArea, DeficitState, SessionKind
from desktop_app.services import settings as settings_service
from desktop_app.services.diagnostics import thresholds
from desktop_app.services.pairs import OPEN_STATUSES, PairInput, create_pair, years_text
from desktop_app.services.scoring import AREA_ORDER
from desktop_app.textutil import fold, short_fio, years_between

# Seeds 000 §3.1 and 004 §3: the active takes teachers with at least five years of experience.
MIN_EXPERIENCE_YEARS = 5
_CHUNK = 5000


class MatchingError(ValueError):
    """A suggestion or a pair that cannot be made (Russian message)."""


@dataclass(frozen=True)
class MenteeNeeds:
    person_id: int
    name: str
    organisation_id: int | None
    subject: str
    areas: tuple[str, ...]
    deficit_ids: tuple[int, ...]


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    name: str
    organisation: str
    subject: str
    same_organisation: bool
    same_subject: bool
    covered: tuple[str, ...]
    member: bool
    experience_years: int | None
    load: int
    limit: int
    score: float
    reason: str


@dataclass(frozen=True)
class _Candidate:
    person_id: int
    last: str
    first: str
    middle: str
    organisation_id: int | None
    organisation: str
    subject: str
    start: date | None


_LABELS = {a.value: a.label for a in CompetenceArea}


def _area_label(area: str) -> str:
    if area in _LABELS:
        return _LABELS[area]
    found = CompetenceArea.from_label(area)
    return found.label if found is not None else area


def mentee_needs(session: Session, mentee_id: int) -> MenteeNeeds:
    """The mentee's open deficits (выявлен, в работе) and their areas, in the order of areas."""
    person = session.get(Person, mentee_id)
    if person is None:
        raise MatchingError("Наставляемый не найден в реестре.")
    rows = session.execute(
        select(Deficit.id, Deficit.area).where(
            Deficit.person_id == mentee_id, Deficit.state != DeficitState.OVERCOME.value
        ).order_by(Deficit.id)
    ).all()
    areas = sorted({r[1] for r in rows}, key=_order)
    return MenteeNeeds(
        person_id=mentee_id,
        name=short_fio(person.last_name, person.first_name, person.middle_name),
        organisation_id=person.organisation_id,
        subject=person.subject,
        areas=tuple(areas),
        deficit_ids=tuple(r[0] for r in rows),
    )


def _order(area: str) -> int:
    return AREA_ORDER.index(area) if area in AREA_ORDER else len(AREA_ORDER)


# --- strengths of everyone's latest self-assessment, cached until the sessions change ---------

_cache: dict[tuple[object, ...], dict[int, frozenset[str]]] = {}
_cache_lock = Lock()


def _fingerprint(session: Session, strength_min: float) -> tuple[object, ...]:
    """Changes whenever a session is added, removed or re-dated (cheap aggregate)."""
    row = session.execute(
        select(
            func.count(), func.max(DiagnosticSession.id), func.sum(DiagnosticSession.id),
            func.max(DiagnosticSession.session_date),
            func.sum(DiagnosticSession.person_id * 7 + DiagnosticSession.id % 13),
        ).where(DiagnosticSession.kind == SessionKind.SELF.value)
    ).one()
    return (str(session.get_bind().url), strength_min, *row)


def _compute_strengths(session: Session, strength_min: float) -> dict[int, frozenset[str]]:
    """Stored area means (session_area_scores) of each person's latest self-assessment."""
    ranked = select(
        DiagnosticSession.id.label("sid"), DiagnosticSession.person_id.label("pid"),
        func.row_number().over(
            partition_by=DiagnosticSession.person_id,
            order_by=(DiagnosticSession.session_date.desc(), DiagnosticSession.id.desc()),
        ).label("n"),
    ).where(DiagnosticSession.kind == SessionKind.SELF.value).subquery()
    stmt = (
        select(ranked.c.pid, SessionAreaScore.area)
        .join(SessionAreaScore, SessionAreaScore.session_id == ranked.c.sid)
        .where(ranked.c.n == 1, SessionAreaScore.mean_score >= strength_min)
    )
    found: dict[int, set[str]] = {}
    # Core rows (session.connection()): the ORM result layer costs more than the query here
    for pid, area in session.connection().execute(stmt):
        found.setdefault(pid, set()).add(area)
    return {pid: frozenset(areas) for pid, areas in found.items()}


def latest_strengths(session: Session) -> dict[int, frozenset[str]]:
    """Strength areas (mean ≥ threshold) of each person's latest self-assessment."""
    strength_min = thresholds(session).area_strength_min
    key = _fingerprint(session, strength_min)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        cached = _compute_strengths(session, strength_min)
        with _cache_lock:
            _cache.clear()
            _cache[key] = cached
    return cached


# --- candidates ------------------------------------------------------------------------------


def _candidates(session: Session, ids: Sequence[int]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(
                Person.id, Person.last_name, Person.first_name, Person.middle_name,
                Person.organisation_id, Organisation.short_name, Person.subject,
                Person.ped_experience_start,
            )
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(ids[start:start + _CHUNK]), Person.is_active.is_(True))
        )
        found.extend(_Candidate(*row) for row in session.connection().execute(stmt))
    return found


def _members(session: Session, ids: Sequence[int]) -> set[int]:
    stmt = select(ActiveMember.person_id).where(
        ActiveMember.status == ActiveStatus.INCLUDED.value
    )
    wanted = set(ids)
    return {pid for pid in session.scalars(stmt) if pid in wanted}


def _loads(session: Session) -> dict[int, int]:
    """Distinct mentees per mentor in planned or active pairs (as the pairs service counts)."""
    stmt = (
        select(Pair.mentor_id, func.count(func.distinct(PairMentee.person_id)))
        .join(PairMentee, PairMentee.pair_id == Pair.id)
        .where(Pair.status.in_(OPEN_STATUSES))
        .group_by(Pair.mentor_id)
    )
    return {row[0]: row[1] for row in session.execute(stmt)}


def _reason(
    covered: Sequence[str], subject: str | None, member: bool, years: int | None,
    load: int, limit: int, same_org: bool,
) -> str:
    parts = ["сильные стороны: " + ", ".join(_area_label(a) for a in covered)]
    if subject:
        parts.append(f"тот же предмет — {subject}")
    if member:
        parts.append("член ММА")
    if years is not None:
        parts.append(f"стаж {years_text(years)}")
    parts.append(f"нагрузка {load} из {limit}")
    parts.append("та же ОО" if same_org else "другая ОО (муниципальный уровень)")
    return "; ".join(parts)


def _score(covered: int, needed: int, same_subject: bool, member: bool, years: int | None,
           load: int) -> float:
    """Points: 3 per covered deficit area, 2 same subject, 1,5 member of the active, up to 2 for
    experience (30 years and more), −0,5 per mentee already taken."""
    experience = min(years or 0, 30) / 15
    value = 3 * covered + 2 * same_subject + 1.5 * member + experience - 0.5 * load
    return round(value if needed else 0.0, 1)


def suggest_mentors(
    session: Session, mentee_id: int, limit: int = 15, on: date | None = None
) -> list[Suggestion]:
    """Mentors whose strengths cover the mentee's deficit areas, best first.

    Candidates: active people other than the mentee, members of the active (включён) or with at
    least five years of experience, under the load limit (setting mentee_limit). Order: the same
    ОО first, then municipal; inside each, more covered areas, the same subject, then the score.
    """
    on = on or date.today()
    needs = mentee_needs(session, mentee_id)
    if not needs.areas:
        return []
    wanted = set(needs.areas)
    strong = {
        pid: areas & wanted
        for pid, areas in latest_strengths(session).items()
        if pid != mentee_id and areas & wanted
    }
    if not strong:
        return []
    ids = sorted(strong)
    members = _members(session, ids)
    loads = _loads(session)
    cap = settings_service.get_int(session, "mentee_limit", 3)
    subject_key = fold(needs.subject).strip()
    found: list[Suggestion] = []
    for c in _candidates(session, ids):
        years = years_between(c.start, on) if c.start else None
        member = c.person_id in members
        load = loads.get(c.person_id, 0)
        if load >= cap or not (member or (years or 0) >= MIN_EXPERIENCE_YEARS):
            continue
        covered = tuple(sorted(strong[c.person_id], key=_order))
        same_subject = bool(subject_key) and fold(c.subject).strip() == subject_key
        same_org = needs.organisation_id is not None and c.organisation_id == needs.organisation_id
        found.append(Suggestion(
            person_id=c.person_id, name=short_fio(c.last, c.first, c.middle),
            organisation=c.organisation or "", subject=c.subject, same_organisation=same_org,
            same_subject=same_subject, covered=covered, member=member, experience_years=years,
            load=load, limit=cap,
            score=_score(len(covered), len(wanted), same_subject, member, years, load),
            reason="",
        ))
    best = heapq.nsmallest(limit, found, key=lambda s: (
        not s.same_organisation, -len(s.covered), not s.same_subject, -s.score, s.name))
    return [_with_reason(s) for s in best]  # words only for those shown


def _with_reason(s: Suggestion) -> Suggestion:
    return replace(s, reason=_reason(
        s.covered, s.subject if s.same_subject else None, s.member, s.experience_years, s.load,
        s.limit, s.same_organisation,
    ))


def open_pair(
    session: Session, mentee_id: int, mentor_id: int, start: date, end: date, **extra: object
) -> int:
    """Open a new pair of the chosen mentor and the mentee, targeting the mentee's open deficits
    in the areas the mentor covers. Refusals come from the pairs service (PairError)."""
    needs = mentee_needs(session, mentee_id)
    covered = latest_strengths(session).get(mentor_id, frozenset())
    rows = session.execute(
        select(Deficit.id, Deficit.area).where(Deficit.id.in_(needs.deficit_ids))
    ).all()
    targeted = tuple(r[0] for r in rows if r[1] in covered) or needs.deficit_ids
    data = PairInput(
        mentor_id=mentor_id, mentee_ids=(mentee_id,), start_date=start, end_date=end,
        deficit_ids=targeted, **extra,  # type: ignore[arg-type]
    )
    return create_pair(session, data)
