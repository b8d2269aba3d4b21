"""Professional deficits derived from the diagnostic sessions, and their states.

Holds the municipality's thresholds (from its settings), the stored mean score per competence
area of each session (session_area_scores, rewritten by every writer of answers), the rebuild
of a person's deficits from the sessions walked in date order (created, kept, overcome, the
titles AREA_TITLE and EXTERNAL_TITLE; existing rows keep their ids) and the state of each
deficit (выявлен, в работе, преодолён). Idempotent and set-based; the caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from desktop_app.model import (
    Answer,
    Deficit,
    DiagnosticSession,
    ExternalResult,
    InstrumentItem,
    Pair,
    Programme,
    ProgrammeDeficit,
    Route,
    RouteItem,
)
from desktop_app.model.diagnostics import SessionAreaScore
from desktop_app.model.enums import (
    CompetenceArea,
    DeficitState,
    PairStatus,
    RouteState,
    SessionKind,
)
from desktop_app.services.scoring import Thresholds, thresholds_from
from desktop_app.store import settings_store as settings_service

AREA_TITLE = "Дефицитная область «{label}»"
EXTERNAL_TITLE = "Внешняя оценка: {block}"
_CHUNK = 5000


@dataclass(frozen=True)
class RebuildResult:
    created: int
    updated: int
    deleted: int


def thresholds(session: Session) -> Thresholds:
    """The municipality's thresholds from its settings."""
    return thresholds_from(settings_service.get_all(session))


def _area_label(area: str) -> str:
    found = CompetenceArea.from_label(area)
    return found.label if found is not None else area


# --- stored area means (session_area_scores) -----------------------------------------------------


def store_area_scores(session: Session, session_ids: Sequence[int] | None = None) -> None:
    """Rewrite the stored area means of the sessions (all when None) from their answers.

    One DELETE and one INSERT … SELECT per chunk of sessions; a session without answers (an
    external assessment) has no rows. Every writer of answers calls this. Caller commits.
    """
    mean = func.round(func.avg(Answer.score), 6)
    source = (
        select(Answer.session_id, InstrumentItem.area, mean, func.count())
        .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
        .group_by(Answer.session_id, InstrumentItem.area)
    )
    columns = ["session_id", "area", "mean_score", "item_count"]
    ids = None if session_ids is None else sorted(set(session_ids))
    for chunk in _chunks(ids):
        wipe = delete(SessionAreaScore).execution_options(synchronize_session=False)
        rows = source
        if chunk is not None:
            wipe = wipe.where(SessionAreaScore.session_id.in_(chunk))
            rows = source.where(Answer.session_id.in_(chunk))
        session.execute(wipe)
        session.execute(insert(SessionAreaScore).from_select(columns, rows))


def sessions_changed(session: Session, person_ids: Iterable[int]) -> RebuildResult:
    """After sessions or answers of these people were written directly (the Excel import):
    rewrite their stored area means and rebuild their deficits. Caller commits."""
    people = sorted(set(person_ids))
    session.flush()
    for chunk in _chunks(people):
        assert chunk is not None
        store_area_scores(session, list(session.scalars(
            select(DiagnosticSession.id).where(DiagnosticSession.person_id.in_(chunk)))))
    return rebuild_deficits(session, people)


# --- rebuilding deficits -------------------------------------------------------------------------

Key = tuple[str, int, str]  # (area, item id or 0, title)
Stream = tuple[str, str]  # (kind, instrument id or procedure): only a later session of the
# same instrument or procedure can overcome a deficit it found.


@dataclass
class _Occurrence:
    found_session_id: int
    found_on: date
    overcome_session_id: int | None = None
    overcome_on: date | None = None


def _chunks(ids: Sequence[int] | None) -> Iterator[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _filtered(stmt: Any, chunk: Sequence[int] | None) -> Any:
    return stmt if chunk is None else stmt.where(DiagnosticSession.person_id.in_(chunk))


def _stream(kind: str, instrument_id: int | None, procedure: str) -> Stream:
    if kind == SessionKind.SELF.value:
        return (kind, str(instrument_id))
    return (kind, procedure)


def _sessions(session: Session, chunk: Sequence[int] | None) -> list[tuple[int, int, date, Stream]]:
    stmt = _filtered(
        select(
            DiagnosticSession.id, DiagnosticSession.person_id, DiagnosticSession.session_date,
            DiagnosticSession.kind, DiagnosticSession.instrument_id, DiagnosticSession.procedure,
        ),
        chunk,
    )
    rows = [(r[0], r[1], r[2], _stream(r[3], r[4], r[5])) for r in session.execute(stmt)]
    rows.sort(key=lambda r: (r[1], r[2], r[0]))
    return rows


def _found_keys(
    session: Session, chunk: Sequence[int] | None, t: Thresholds
) -> dict[int, set[Key]]:
    """The deficits each session shows, by set-based queries (items, areas, external blocks)."""
    meta = session.execute(select(InstrumentItem.id, InstrumentItem.area, InstrumentItem.text))
    items_meta = {r[0]: (r[1], r[2]) for r in meta}
    found: dict[int, set[Key]] = defaultdict(set)
    items = _filtered(
        select(Answer.session_id, Answer.item_id)
        .join(DiagnosticSession, DiagnosticSession.id == Answer.session_id)
        .where(Answer.score <= t.item_deficit_max),
        chunk,
    )
    for sid, item_id in session.execute(items):
        area, text = items_meta[item_id]
        found[sid].add((area, item_id, text))
    by_area = _filtered(
        select(SessionAreaScore.session_id, SessionAreaScore.area)
        .join(DiagnosticSession, DiagnosticSession.id == SessionAreaScore.session_id)
        .where(SessionAreaScore.mean_score <= t.area_deficit_max),
        chunk,
    )
    for sid, area in session.execute(by_area):
        found[sid].add((area, 0, AREA_TITLE.format(label=_area_label(area))))
    external = _filtered(
        select(ExternalResult.session_id, ExternalResult.area, ExternalResult.block)
        .join(DiagnosticSession, DiagnosticSession.id == ExternalResult.session_id)
        .where(ExternalResult.percent < t.external_deficit_below),
        chunk,
    )
    for sid, area, block in session.execute(external):
        found[sid].add((area, 0, EXTERNAL_TITLE.format(block=block)))
    return found


def _walk(
    sessions: list[tuple[int, int, date, Stream]], found: dict[int, set[Key]]
) -> dict[tuple[int, Stream, Key], list[_Occurrence]]:
    """Walk each person's sessions in date order: open, keep and overcome deficits."""
    history: dict[tuple[int, Stream, Key], list[_Occurrence]] = defaultdict(list)
    open_now: dict[tuple[int, Stream], dict[Key, _Occurrence]] = defaultdict(dict)
    for sid, person_id, on, stream in sessions:
        current = open_now[(person_id, stream)]
        shown = found.get(sid, set())
        for key in list(current):
            if key not in shown:
                occurrence = current.pop(key)
                occurrence.overcome_session_id, occurrence.overcome_on = sid, on
        for key in sorted(shown):
            if key not in current:
                current[key] = _Occurrence(sid, on)
                history[(person_id, stream, key)].append(current[key])
    return history


Group = tuple[int, Stream, Key]
Orphans = dict[tuple[int, Key], list[tuple[Any, ...]]]


def _existing(
    session: Session, chunk: Sequence[int] | None
) -> tuple[dict[Group, list[tuple[Any, ...]]], Orphans]:
    """Stored deficits by (person, stream, key); apart, the orphans whose finding session was
    deleted (found_session_id set to NULL): their stream is unknown."""
    stmt = select(
        Deficit.id, Deficit.person_id, Deficit.area, Deficit.item_id, Deficit.title,
        Deficit.found_session_id, Deficit.found_on, Deficit.overcome_session_id,
        Deficit.overcome_on, DiagnosticSession.kind, DiagnosticSession.instrument_id,
        DiagnosticSession.procedure,
    ).outerjoin(DiagnosticSession, DiagnosticSession.id == Deficit.found_session_id)
    if chunk is not None:
        stmt = stmt.where(Deficit.person_id.in_(chunk))
    rows: dict[Group, list[tuple[Any, ...]]] = defaultdict(list)
    orphans: Orphans = defaultdict(list)
    for r in session.execute(stmt):
        key: Key = (r[2], r[3] or 0, r[4])
        if r[9] is None:
            orphans[(r[1], key)].append(tuple(r[:9]))
        else:
            rows[(r[1], _stream(r[9], r[10], r[11]), key)].append(tuple(r[:9]))
    for listed in (*rows.values(), *orphans.values()):
        listed.sort(key=lambda r: (r[6], r[0]))
    return rows, orphans


def _values(occurrence: _Occurrence) -> tuple[Any, ...]:
    return (occurrence.found_session_id, occurrence.found_on,
            occurrence.overcome_session_id, occurrence.overcome_on)


def _update(row_id: int, values: tuple[Any, ...]) -> dict[str, Any]:
    return {"id": row_id, "found_session_id": values[0], "found_on": values[1],
            "overcome_session_id": values[2], "overcome_on": values[3]}


def _diff(
    desired: dict[Group, list[_Occurrence]],
    existing: dict[Group, list[tuple[Any, ...]]],
    orphans: Orphans,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    """Rows to insert, update and delete, in a fixed order (sorted groups: the same database
    gives the same ids whatever the hash seed). A missing occurrence first takes over an
    orphan of the same person and deficit (its id, so its links, survive); orphans nobody
    takes over are no longer shown by any remaining session and are deleted."""
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[int] = []
    for group in sorted(desired.keys() | existing.keys()):
        person_id, _stream_key, (area, item_id, title) = group
        want = desired.get(group, [])
        have = existing.get(group, [])
        for occurrence, row in zip(want, have, strict=False):
            if tuple(row[5:9]) != _values(occurrence):
                updates.append(_update(row[0], _values(occurrence)))
        spare = orphans.get((person_id, (area, item_id, title)), [])
        for occurrence in want[len(have):]:
            if spare:
                updates.append(_update(spare.pop(0)[0], _values(occurrence)))
                continue
            inserts.append({
                "person_id": person_id, "area": area, "item_id": item_id or None, "title": title,
                "found_session_id": occurrence.found_session_id, "found_on": occurrence.found_on,
                "overcome_session_id": occurrence.overcome_session_id,
                "overcome_on": occurrence.overcome_on, "state": DeficitState.FOUND.value,
            })
        deletes.extend(row[0] for row in have[len(want):])
    for key in sorted(orphans):
        deletes.extend(row[0] for row in orphans[key])
    return inserts, updates, deletes


def rebuild_deficits(session: Session, person_ids: Iterable[int] | None = None) -> RebuildResult:
    """Bring the deficits of the people (all when None) in line with their sessions.

    For each person and instrument (or external procedure) the sessions are walked in date
    order: a deficit shown by a session is created or kept (found_on, found_session_id); one no
    longer shown by a later session is overcome (overcome_on, overcome_session_id). Existing
    rows keep their ids, so programmes and routes that target them stay linked. A deficit whose
    finding session was deleted is re-derived from the remaining sessions (kept under its id
    when one of them still shows it, deleted otherwise). Idempotent and deterministic;
    set-based queries and one executemany per kind of change. Caller commits.
    """
    ids = None if person_ids is None else sorted(set(person_ids))
    t = thresholds(session)
    totals = [0, 0, 0]
    for chunk in _chunks(ids):
        desired = _walk(_sessions(session, chunk), _found_keys(session, chunk, t))
        inserts, updates, deletes = _diff(desired, *_existing(session, chunk))
        if inserts:
            # render_nulls: rows with and without item_id / overcome_on stay one executemany
            session.execute(insert(Deficit).execution_options(render_nulls=True), inserts)
        if updates:
            session.execute(update(Deficit), updates)
        for start in range(0, len(deletes), _CHUNK):
            session.execute(delete(Deficit).where(Deficit.id.in_(deletes[start:start + _CHUNK])))
        totals = [totals[0] + len(inserts), totals[1] + len(updates), totals[2] + len(deletes)]
    refresh_states(session, ids)
    return RebuildResult(*totals)


def refresh_states(session: Session, person_ids: Sequence[int] | None = None) -> None:
    """Set each deficit's state: преодолён; в работе when the programme of a planned or active
    pair, or a route not completed, targets it; else выявлен. Caller commits."""
    by_programme = (
        select(ProgrammeDeficit.deficit_id)
        .join(Programme, Programme.id == ProgrammeDeficit.programme_id)
        .join(Pair, Pair.id == Programme.pair_id)
        .where(Pair.status.in_([PairStatus.PLANNED.value, PairStatus.ACTIVE.value]))
    )
    by_route = (
        select(RouteItem.deficit_id)
        .join(Route, Route.id == RouteItem.route_id)
        .where(RouteItem.deficit_id.is_not(None), Route.state != RouteState.COMPLETED.value)
    )
    state = case(
        (Deficit.overcome_on.is_not(None), DeficitState.OVERCOME.value),
        (Deficit.id.in_(by_programme), DeficitState.IN_WORK.value),
        (Deficit.id.in_(by_route), DeficitState.IN_WORK.value),
        else_=DeficitState.FOUND.value,
    )
    for chunk in _chunks(person_ids):
        stmt = (
            update(Deficit)
            .where(Deficit.state.is_distinct_from(state))
            .values(state=state)
            .execution_options(synchronize_session=False)
        )
        if chunk is not None:
            stmt = stmt.where(Deficit.person_id.in_(chunk))
        session.execute(stmt)
