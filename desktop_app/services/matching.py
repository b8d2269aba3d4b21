"""Mentors suggested for a mentee: strengths that cover the mentee's deficit areas, with reasons."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from sqlalchemy import Date, Integer, String, TextClause, bindparam, column, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from desktop_app.model import (
    ActiveMember,
    Deficit,
    DiagnosticSession,
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
from desktop_app.store.dialect import POSTGRESQL, SQLITE, dialect_name, join_in_order
from desktop_app.textutil import fold, short_fio, years_between

# Seeds 000 §3.1 and 004 §3: the active takes teachers with at least five years of experience.
MIN_EXPERIENCE_YEARS = 5


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


class _Candidate(NamedTuple):
    person_id: int
    last: str
    first: str
    middle: str
    organisation_id: int | None
    organisation: str
    subject: str
    start: date | None


# (order key without the name, candidate, covered areas, member, experience years, load)
_Ranked = tuple[tuple[bool, int, bool, float], _Candidate, tuple[str, ...], bool, int | None, int]

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


# --- strengths of the latest self-assessment ------------------------------------------------

# A session is a person's latest self-assessment when no self-assessment of theirs is later (the
# same date: a higher id). Index ix_diagnostic_sessions_person_kind_date (revision 0003) makes
# that one covering-index probe per session.
_LATEST = """NOT EXISTS (
  SELECT 1 FROM diagnostic_sessions AS n
  WHERE n.person_id = d.person_id AND n.kind = :kind
    AND (n.session_date > d.session_date OR (n.session_date = d.session_date AND n.id > d.id)))"""

# Candidates of one mentee in one statement: the strong area means (session_area_scores) of the
# mentee's deficit areas, kept when their session is the person's latest self-assessment, with
# the active person and their ОО. On SQLite CROSS JOIN … ON keeps the planner on this order:
# the few strong rows first, then one probe each (else it walks every session before the means).
# That syntax is SQLite's own: PostgreSQL takes a plain JOIN and plans the order itself
# (store.dialect.join_in_order).
def _strong(dialect: str) -> TextualSelect:
    join = join_in_order(dialect)
    return text(f"""
SELECT d.person_id, sc.area, p.last_name, p.first_name, p.middle_name, p.organisation_id,
       o.short_name, p.subject, p.ped_experience_start
FROM session_area_scores AS sc
{join} diagnostic_sessions AS d ON d.id = sc.session_id
{join} people AS p ON p.id = d.person_id
LEFT JOIN organisations AS o ON o.id = p.organisation_id
WHERE sc.area IN :areas AND sc.mean_score >= :strength_min AND d.kind = :kind
  AND d.person_id != :mentee AND p.is_active AND {_LATEST}
""").bindparams(bindparam("areas", expanding=True)).columns(
        column("person_id", Integer), column("area", String), column("last_name", String),
        column("first_name", String), column("middle_name", String),
        column("organisation_id", Integer), column("short_name", String),
        column("subject", String), column("ped_experience_start", Date),
    )


def _all_strong(dialect: str) -> TextClause:
    return text(f"""
SELECT d.person_id, sc.area FROM session_area_scores AS sc
{join_in_order(dialect)} diagnostic_sessions AS d ON d.id = sc.session_id
WHERE sc.mean_score >= :strength_min AND d.kind = :kind AND {_LATEST}
""")


_STRONG = {dialect: _strong(dialect) for dialect in (SQLITE, POSTGRESQL)}
_ALL_STRONG = {dialect: _all_strong(dialect) for dialect in (SQLITE, POSTGRESQL)}


def latest_strengths(session: Session) -> dict[int, frozenset[str]]:
    """Strength areas (mean ≥ threshold) of each person's latest self-assessment."""
    params = {"strength_min": thresholds(session).area_strength_min,
              "kind": SessionKind.SELF.value}
    found: dict[int, set[str]] = {}
    for pid, area in session.execute(_ALL_STRONG[dialect_name(session)], params):
        found.setdefault(pid, set()).add(area)
    return {pid: frozenset(areas) for pid, areas in found.items()}


def person_strengths(session: Session, person_id: int) -> frozenset[str]:
    """Strength areas (mean ≥ threshold) of one person's latest self-assessment."""
    latest = session.scalar(
        select(DiagnosticSession.id).where(
            DiagnosticSession.person_id == person_id,
            DiagnosticSession.kind == SessionKind.SELF.value,
        ).order_by(DiagnosticSession.session_date.desc(), DiagnosticSession.id.desc()).limit(1)
    )
    if latest is None:
        return frozenset()
    return frozenset(session.scalars(select(SessionAreaScore.area).where(
        SessionAreaScore.session_id == latest,
        SessionAreaScore.mean_score >= thresholds(session).area_strength_min,
    )))


# --- candidates ------------------------------------------------------------------------------


def _candidates(
    session: Session, needs: MenteeNeeds
) -> list[tuple[_Candidate, frozenset[str]]]:
    """Active people whose latest self-assessment is strong in some of the mentee's deficit
    areas, with those areas, in the order of person id."""
    params = {"areas": list(needs.areas), "strength_min": thresholds(session).area_strength_min,
              "kind": SessionKind.SELF.value, "mentee": needs.person_id}
    people: dict[int, _Candidate] = {}
    strong: dict[int, set[str]] = {}
    for pid, area, *rest in session.execute(_STRONG[dialect_name(session)], params):
        if pid not in people:
            people[pid] = _Candidate(pid, *rest)
        strong.setdefault(pid, set()).add(area)
    return [(people[pid], frozenset(strong[pid])) for pid in sorted(people)]


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
    candidates = _candidates(session, needs)
    if not candidates:
        return []
    members = _members(session, [c.person_id for c, _areas in candidates])
    loads = _loads(session)
    cap = settings_service.get_int(session, "mentee_limit", 3)
    subject_key = fold(needs.subject).strip()
    ranked: list[_Ranked] = []
    for c, strong in candidates:
        years = years_between(c.start, on) if c.start else None
        member = c.person_id in members
        load = loads.get(c.person_id, 0)
        if load >= cap or not (member or (years or 0) >= MIN_EXPERIENCE_YEARS):
            continue
        covered = tuple(sorted(strong, key=_order))
        same_subject = bool(subject_key) and fold(c.subject).strip() == subject_key
        same_org = needs.organisation_id is not None and c.organisation_id == needs.organisation_id
        score = _score(len(covered), len(wanted), same_subject, member, years, load)
        key = (not same_org, -len(covered), not same_subject, -score)
        ranked.append((key, c, covered, member, years, load))
    found = [
        Suggestion(
            person_id=c.person_id, name=short_fio(c.last, c.first, c.middle),
            organisation=c.organisation or "", subject=c.subject, same_organisation=not key[0],
            same_subject=not key[2], covered=covered, member=member, experience_years=years,
            load=load, limit=cap, score=-key[3], reason="",
        )
        for key, c, covered, member, years, load in _contenders(ranked, limit)
    ]
    best = heapq.nsmallest(limit, found, key=lambda s: (
        not s.same_organisation, -len(s.covered), not s.same_subject, -s.score, s.name))
    return [_with_reason(s) for s in best]  # words only for those shown


def _contenders(ranked: list[_Ranked], limit: int) -> list[_Ranked]:
    """Those that can still be among the first `limit` once names break the ties (their key is
    not after the limit-th smallest key), in the order given."""
    if limit <= 0 or not ranked:
        return []
    cutoff = heapq.nsmallest(limit, (r[0] for r in ranked))[-1]
    return [r for r in ranked if r[0] <= cutoff]


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
    covered = person_strengths(session, mentor_id)
    rows = session.execute(
        select(Deficit.id, Deficit.area).where(Deficit.id.in_(needs.deficit_ids))
    ).all()
    targeted = tuple(r[0] for r in rows if r[1] in covered) or needs.deficit_ids
    data = PairInput(
        mentor_id=mentor_id, mentee_ids=(mentee_id,), start_date=start, end_date=end,
        deficit_ids=targeted, **extra,  # type: ignore[arg-type]
    )
    return create_pair(session, data)
