"""Diagnostic sessions: self-assessments and external assessments, and a person's picture.

Holds the list of sessions and of the self-assessment instruments with their items, the
recording of a self-assessment (every item answered on the instrument's scale) and of an
external assessment (a percent per block), what an external-results form offers, the deleting
of a session, and a person's picture (scores by area of the latest self-assessment and the
change since the previous one, deficit areas and strengths, every deficit with its state).
Refusals are DiagnosticsError with a Russian message naming the field; the caller commits.
The deficits a session shows are derived in deficit_rebuild.py; its names are re-exported
here under their old names.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop_app.model import (
    Answer,
    Deficit,
    DiagnosticSession,
    ExternalResult,
    Instrument,
    InstrumentItem,
    Person,
)
from desktop_app.model.diagnostics import SessionAreaScore
from desktop_app.model.enums import CompetenceArea, DeficitState, SessionKind
from desktop_app.services.deficit_rebuild import (
    AREA_TITLE as AREA_TITLE,
    EXTERNAL_TITLE as EXTERNAL_TITLE,
    Group as Group,
    Key as Key,
    Orphans as Orphans,
    RebuildResult as RebuildResult,
    Stream as Stream,
    _area_label,
    rebuild_deficits as rebuild_deficits,
    refresh_states as refresh_states,
    sessions_changed as sessions_changed,
    store_area_scores as store_area_scores,
    thresholds as thresholds,
)
from desktop_app.store.dialect import SQLITE, as_date, dialect_name
from desktop_app.textutil import fio, fmt_date


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
    organisation_id: int | None = None  # the person's ОО now


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


_SESSIONS_SQL = text("""
SELECT s.id,
  substr(CASE WHEN p.last_name <> '' THEN ' ' || p.last_name ELSE '' END
         || CASE WHEN p.first_name <> '' THEN ' ' || p.first_name ELSE '' END
         || CASE WHEN p.middle_name <> '' THEN ' ' || p.middle_name ELSE '' END, 2),
  coalesce(o.short_name, ''), s.session_date, s.kind, coalesce(f.n, 0), s.person_id,
  p.organisation_id
FROM diagnostic_sessions s
JOIN people p ON p.id = s.person_id
LEFT JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN (SELECT found_session_id, count(*) AS n FROM deficits GROUP BY found_session_id) f
  ON f.found_session_id = s.id
ORDER BY s.session_date DESC, s.id
""")


def list_sessions(session: Session) -> list[SessionRow]:
    """Every diagnostic session with the number of deficits it found (newest first).

    One SQL statement (the ФИО joined as textutil.fio joins it); Python only parses the
    dates (ISO text on SQLite, dates on PostgreSQL); the cyclic collector is held while the
    rows are built."""
    labels = {k.value: k.label for k in SessionKind}
    rows = session.execute(_SESSIONS_SQL).fetchall()
    parse = date.fromisoformat if dialect_name(session) == SQLITE else as_date
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [
            SessionRow(sid, name, org, parse(on), labels.get(kind, kind), found, pid, oid)
            for sid, name, org, on, kind, found, pid, oid in rows
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
