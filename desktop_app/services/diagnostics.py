"""Diagnostic sessions, professional deficits and their states, a person's picture."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from desktop_app.model import (
    Answer,
    Deficit,
    DiagnosticSession,
    ExternalResult,
    Instrument,
    InstrumentItem,
    Pair,
    Person,
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
from desktop_app.textutil import fio, fmt_date

AREA_TITLE = "Дефицитная область «{label}»"
EXTERNAL_TITLE = "Внешняя оценка: {block}"
_CHUNK = 5000


class DiagnosticsError(ValueError):
    """Input refused by a diagnostics service (Russian message naming the field)."""


class SessionRow(NamedTuple):
    """One diagnostic session of the list (immutable; a named tuple: tens of thousands are
    built when the tab opens, several times faster than frozen dataclasses)."""

    id: int
    person: str
    organisation: str
    session_date: date
    kind: str
    deficits_found: int
    person_id: int = 0


@dataclass(frozen=True)
class InstrumentRow:
    id: int
    code: str
    version: str
    name: str
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class ItemRow:
    id: int
    code: str
    position: int
    area: str
    area_label: str
    labour_function: str
    text: str


@dataclass(frozen=True)
class RebuildResult:
    created: int
    updated: int
    deleted: int


def thresholds(session: Session) -> Thresholds:
    """The municipality's thresholds from its settings."""
    return thresholds_from(settings_service.get_all(session))


_SESSIONS_SQL = """
SELECT s.id,
  substr(CASE WHEN p.last_name <> '' THEN ' ' || p.last_name ELSE '' END
         || CASE WHEN p.first_name <> '' THEN ' ' || p.first_name ELSE '' END
         || CASE WHEN p.middle_name <> '' THEN ' ' || p.middle_name ELSE '' END, 2),
  coalesce(o.short_name, ''), s.session_date, s.kind, coalesce(f.n, 0), s.person_id
FROM diagnostic_sessions s
JOIN people p ON p.id = s.person_id
LEFT JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN (SELECT found_session_id, count(*) AS n FROM deficits GROUP BY found_session_id) f
  ON f.found_session_id = s.id
ORDER BY s.session_date DESC, s.id
"""


def list_sessions(session: Session) -> list[SessionRow]:
    """Every diagnostic session with the number of deficits it found (newest first).

    One SQL statement (the ФИО joined as textutil.fio joins it); Python only parses the
    dates; the cyclic collector is held while the rows are built."""
    labels = {k.value: k.label for k in SessionKind}
    rows = session.connection().exec_driver_sql(_SESSIONS_SQL).fetchall()
    parse = date.fromisoformat
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [
            SessionRow(sid, name, org, parse(on), labels.get(kind, kind), found, pid)
            for sid, name, org, on, kind, found, pid in rows
        ]
    finally:
        if collecting:
            gc.enable()


def list_instruments(session: Session) -> list[InstrumentRow]:
    """Self-assessment instruments in the database, newest version of each code last."""
    stmt = select(Instrument).where(Instrument.kind == "self").order_by(Instrument.id)
    return [
        InstrumentRow(i.id, i.code, i.version, i.name, i.scale_min, i.scale_max)
        for i in session.scalars(stmt)
    ]


def instrument_items(session: Session, instrument_id: int) -> list[ItemRow]:
    """The items of an instrument in their order."""
    stmt = (
        select(InstrumentItem)
        .where(InstrumentItem.instrument_id == instrument_id)
        .order_by(InstrumentItem.position, InstrumentItem.id)
    )
    return [
        ItemRow(i.id, i.code, i.position, i.area, _area_label(i.area), i.labour_function, i.text)
        for i in session.scalars(stmt)
    ]


def _area_label(area: str) -> str:
    found = CompetenceArea.from_label(area)
    return found.label if found is not None else area


def _check_person_and_date(session: Session, person_id: int, session_date: date) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise DiagnosticsError("Педагог не найден: выберите педагога из реестра.")
    if not isinstance(session_date, date):
        raise DiagnosticsError("Дата диагностики: укажите дату в виде дд.мм.гггг.")
    if session_date > date.today():
        raise DiagnosticsError(
            f"Дата диагностики {fmt_date(session_date)} ещё не наступила: укажите прошедшую дату."
        )
    return person


def _check_answers(items: Sequence[ItemRow], answers: dict[int, Any], low: int, high: int) -> None:
    known = {i.id for i in items}
    if set(answers) - known:
        raise DiagnosticsError("Ответы содержат утверждения не из этого инструмента.")
    for item in items:
        score = answers.get(item.id)
        if score is None or score == "":
            raise DiagnosticsError(
                f"Утверждение № {item.position}: не указан балл (от {low} до {high})."
            )
        if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
            raise DiagnosticsError(
                f"Утверждение № {item.position}: балл «{score}» вне шкалы от {low} до {high}."
            )


def record_session(
    session: Session, person_id: int, instrument_id: int, session_date: date,
    answers: dict[int, int], note: str = "",
) -> int:
    """Record a self-assessment (every item answered on the instrument's scale), update deficits.

    Raises DiagnosticsError with a Russian message; nothing is written then. Caller commits.
    """
    _check_person_and_date(session, person_id, session_date)
    instrument = session.get(Instrument, instrument_id)
    if instrument is None:
        raise DiagnosticsError("Инструмент диагностики не найден.")
    items = instrument_items(session, instrument_id)
    _check_answers(items, answers, instrument.scale_min, instrument.scale_max)
    twin = session.scalar(
        select(DiagnosticSession.id).where(
            DiagnosticSession.person_id == person_id,
            DiagnosticSession.instrument_id == instrument_id,
            DiagnosticSession.session_date == session_date,
        )
    )
    if twin is not None:
        raise DiagnosticsError(
            f"Дата диагностики: у педагога уже есть диагностика по этому инструменту "
            f"на {fmt_date(session_date)}."
        )
    row = DiagnosticSession(
        person_id=person_id, instrument_id=instrument_id, kind=SessionKind.SELF.value,
        session_date=session_date, procedure=instrument.name, note=note,
    )
    row.answers = [Answer(item_id=i, score=s) for i, s in answers.items()]
    session.add(row)
    session.flush()
    store_area_scores(session, [row.id])
    rebuild_deficits(session, [person_id])
    return row.id


def _check_blocks(blocks: Sequence[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    if not blocks:
        raise DiagnosticsError("Результаты внешней оценки: добавьте хотя бы один блок.")
    clean: list[tuple[str, str, float]] = []
    for number, (block, area, percent) in enumerate(blocks, start=1):
        where = f"Блок № {number}"
        if not str(block).strip():
            raise DiagnosticsError(f"{where}: не указано название блока.")
        found = CompetenceArea.from_label(str(area))
        if found is None:
            raise DiagnosticsError(f"{where}: неизвестная область компетенций «{area}».")
        if isinstance(percent, bool) or not isinstance(percent, int | float):
            raise DiagnosticsError(f"{where}: процент выполнения должен быть числом.")
        if not 0 <= percent <= 100:
            raise DiagnosticsError(f"{where}: процент выполнения {percent} вне пределов 0–100.")
        clean.append((str(block).strip(), found.value, float(percent)))
    return clean


def record_external(
    session: Session, person_id: int, session_date: date, procedure: str,
    blocks: Sequence[tuple[str, str, float]], note: str = "",
) -> int:
    """Record the result of an external assessment (percent per block), update deficits.

    blocks: (block name, competence area code or label, percent 0–100). Caller commits.
    """
    _check_person_and_date(session, person_id, session_date)
    if not procedure.strip():
        raise DiagnosticsError("Процедура оценки: укажите название (например, «Оценка ПМК»).")
    clean = _check_blocks(blocks)
    row = DiagnosticSession(
        person_id=person_id, instrument_id=None, kind=SessionKind.EXTERNAL.value,
        session_date=session_date, procedure=procedure.strip(), note=note,
    )
    row.external_results = [ExternalResult(block=b, area=a, percent=p) for b, a, p in clean]
    session.add(row)
    session.flush()
    store_area_scores(session, [row.id])  # no answers: stores nothing, clears nothing stale
    rebuild_deficits(session, [person_id])
    return row.id


@dataclass(frozen=True)
class ExternalChoices:
    """What an external-results form offers: procedures and blocks already recorded."""

    procedures: tuple[str, ...]
    blocks: tuple[tuple[str, str], ...]  # (block, area code), the latest area of each block
    threshold: float


DEFAULT_PROCEDURES = (
    "Оценка предметных и методических компетенций учителей (ФГБУ «ФИОКО»)",
    "Региональная оценка предметных и методических компетенций учителей",
)


def external_choices(session: Session) -> ExternalChoices:
    """Known external procedures (the usual two first) and blocks with their areas."""
    used = session.scalars(
        select(DiagnosticSession.procedure)
        .where(DiagnosticSession.kind == SessionKind.EXTERNAL.value)
        .group_by(DiagnosticSession.procedure)
    ).all()
    procedures = list(DEFAULT_PROCEDURES) + sorted(
        (p for p in used if p and p not in DEFAULT_PROCEDURES), key=str.casefold)
    blocks: dict[str, str] = {}
    for block, area in session.execute(
        select(ExternalResult.block, ExternalResult.area).order_by(ExternalResult.id)
    ):
        blocks[block] = area
    return ExternalChoices(tuple(procedures), tuple(sorted(blocks.items())),
                           thresholds(session).external_deficit_below)


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


def delete_session(session: Session, session_id: int) -> None:
    """Delete a diagnostic session (its answers, blocks and stored means go with it) and
    re-derive the person's deficits from the remaining sessions. Caller commits."""
    row = session.get(DiagnosticSession, session_id)
    if row is None:
        raise DiagnosticsError("Диагностика не найдена: возможно, она уже удалена.")
    person_id = row.person_id
    session.delete(row)
    session.flush()
    rebuild_deficits(session, [person_id])


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


# --- a person's picture ----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaLine:
    area: str
    label: str
    mean: float | None
    previous: float | None
    change: float | None
    deficit: bool
    strength: bool


@dataclass(frozen=True)
class DeficitLine:
    id: int
    area: str
    area_label: str
    title: str
    found_on: date
    state: str
    state_label: str
    overcome_on: date | None


@dataclass(frozen=True)
class PersonPicture:
    person_id: int
    name: str
    organisation: str
    subject: str
    session_id: int | None
    session_date: date | None
    previous_date: date | None
    areas: tuple[AreaLine, ...]
    deficits: tuple[DeficitLine, ...]
    sessions: tuple[tuple[date, str], ...]


def area_means(session: Session, session_id: int | None) -> dict[str, float]:
    """The stored mean score per area of one self-assessment (empty for None)."""
    if session_id is None:
        return {}
    stmt = select(SessionAreaScore.area, SessionAreaScore.mean_score).where(
        SessionAreaScore.session_id == session_id
    )
    return {area: float(mean) for area, mean in session.execute(stmt)}


def _latest_two(session: Session, person_id: int) -> tuple[Any, Any]:
    rows = session.execute(
        select(DiagnosticSession.id, DiagnosticSession.session_date,
               DiagnosticSession.instrument_id)
        .where(DiagnosticSession.person_id == person_id,
               DiagnosticSession.kind == SessionKind.SELF.value)
        .order_by(DiagnosticSession.session_date.desc(), DiagnosticSession.id.desc())
    ).all()
    if not rows:
        return None, None
    earlier = [r for r in rows[1:] if r[2] == rows[0][2]]
    return rows[0], (earlier[0] if earlier else None)


def _deficit_lines(session: Session, person_id: int) -> tuple[DeficitLine, ...]:
    labels = {s.value: s.label for s in DeficitState}
    order = {DeficitState.FOUND.value: 0, DeficitState.IN_WORK.value: 1,
             DeficitState.OVERCOME.value: 2}
    rows = session.scalars(select(Deficit).where(Deficit.person_id == person_id)).all()
    lines = [
        DeficitLine(d.id, d.area, _area_label(d.area), d.title, d.found_on, d.state,
                    labels.get(d.state, d.state), d.overcome_on)
        for d in rows
    ]
    area_rank = {a.value: n for n, a in enumerate(CompetenceArea)}
    lines.sort(key=lambda d: (order.get(d.state, 3), area_rank.get(d.area, 9), d.found_on,
                              not d.title.startswith("Дефицитная область"), d.id))
    return tuple(lines)


def person_picture(session: Session, person_id: int) -> PersonPicture:
    """Scores by area of the latest self-assessment, the change since the previous one of the
    same instrument, deficit areas and strengths, every deficit with its state."""
    person = session.get(Person, person_id)
    if person is None:
        raise DiagnosticsError("Педагог не найден.")
    latest, previous = _latest_two(session, person_id)
    t = thresholds(session)
    now = area_means(session, latest[0] if latest else None)
    before = area_means(session, previous[0] if previous else None)
    areas = []
    for area in CompetenceArea:
        mean = now.get(area.value)
        old = before.get(area.value)
        areas.append(AreaLine(
            area.value, area.label, mean, old,
            round(mean - old, 6) if mean is not None and old is not None else None,
            mean is not None and mean <= t.area_deficit_max,
            mean is not None and mean >= t.area_strength_min,
        ))
    history = session.execute(
        select(DiagnosticSession.session_date, DiagnosticSession.procedure)
        .where(DiagnosticSession.person_id == person_id)
        .order_by(DiagnosticSession.session_date, DiagnosticSession.id)
    ).all()
    return PersonPicture(
        person_id=person_id,
        name=fio(person.last_name, person.first_name, person.middle_name),
        organisation=person.organisation.short_name if person.organisation else "",
        subject=person.subject,
        session_id=latest[0] if latest else None,
        session_date=latest[1] if latest else None,
        previous_date=previous[1] if previous else None,
        areas=tuple(areas),
        deficits=_deficit_lines(session, person_id),
        sessions=tuple((r[0], r[1]) for r in history),
    )
