"""Recording sessions, deficits found, kept and overcome, their states, idempotent rebuilds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.model import Deficit, DiagnosticSession, Route, RouteItem
from desktop_app.services.diagnostics import (
    DiagnosticsError,
    instrument_items,
    list_sessions,
    rebuild_deficits,
    record_external,
    record_session,
)
from tests.diagnostics_data import diagnose, instrument_id, person, scores_by_area

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def states(s, person_id: int) -> dict[str, str]:
    rows = s.execute(select(Deficit.title, Deficit.state).where(Deficit.person_id == person_id))
    return {r[0]: r[1] for r in rows}


def test_refusals_leave_database_unchanged(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Иванова")
    with db.sessions() as s:
        inst = instrument_id(s)
        answers = scores_by_area(s, {})
        first = instrument_items(s, inst)[0].id
        missing = dict(answers)
        del missing[first]
        with pytest.raises(DiagnosticsError, match="Утверждение № 1: не указан балл"):
            record_session(s, pid, inst, date(2024, 3, 1), missing)
        with pytest.raises(DiagnosticsError, match="Утверждение № 1: балл «6» вне шкалы"):
            record_session(s, pid, inst, date(2024, 3, 1), {**answers, first: 6})
        with pytest.raises(DiagnosticsError, match="ещё не наступила"):
            record_session(s, pid, inst, date.today() + timedelta(days=1), answers)
        with pytest.raises(DiagnosticsError, match="Педагог не найден"):
            record_session(s, 9999, inst, date(2024, 3, 1), answers)
        with pytest.raises(DiagnosticsError, match="Блок № 2: процент"):
            record_external(s, pid, date(2024, 3, 1), "Оценка ПМК",
                            [("Предмет", "предметные", 40), ("Методика", "методические", 140)])
        assert s.scalar(select(func.count()).select_from(DiagnosticSession)) == 0


def test_rediagnosis_changes_states(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Петрова")
        first = diagnose(s, pid, date(2023, 10, 2), {"digital": 2, "methodical": 3})
    with db.sessions() as s:
        found = states(s, pid)
        # 8 digital items ≤ 2 and the digital area (mean 2 ≤ 2,5); methodical 3 is no deficit.
        assert len(found) == 9 and set(found.values()) == {"found"}
        assert "Дефицитная область «цифровые»" in found
        assert list_sessions(s)[0].deficits_found == 9
        with pytest.raises(DiagnosticsError, match="уже есть диагностика"):
            diagnose(s, pid, date(2023, 10, 2), {})
    with db.sessions.begin() as s:
        second = diagnose(s, pid, date(2024, 4, 10), {"digital": 3, "methodical": 2})
    with db.sessions() as s:
        rows = s.scalars(select(Deficit).where(Deficit.person_id == pid)).all()
        overcome = [d for d in rows if d.state == "overcome"]
        assert len(overcome) == 9
        assert {(d.overcome_session_id, d.overcome_on, d.found_session_id) for d in overcome} == {
            (second, date(2024, 4, 10), first)}
        new = [d for d in rows if d.state == "found"]
        assert len(new) == 9 and {d.area for d in new} == {"methodical"}
        assert {d.found_on for d in new} == {date(2024, 4, 10)}


def test_rebuild_is_idempotent_and_keeps_ids(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Сидорова")
        diagnose(s, pid, date(2023, 1, 10), {"subject": 1})
        diagnose(s, pid, date(2023, 6, 10), {"subject": 2})
        diagnose(s, pid, date(2024, 1, 10), {"subject": 4})
        diagnose(s, pid, date(2024, 6, 10), {"subject": 2})
    with db.sessions() as s:
        before = s.execute(select(Deficit.id, Deficit.found_on, Deficit.overcome_on,
                                  Deficit.state).order_by(Deficit.id)).all()
        # kept through the second session, overcome by the third, found again by the fourth
        assert {(r.found_on, r.overcome_on) for r in before} == {
            (date(2023, 1, 10), date(2024, 1, 10)), (date(2024, 6, 10), None)}
    with db.sessions.begin() as s:
        result = rebuild_deficits(s)
        assert (result.created, result.updated, result.deleted) == (0, 0, 0)
        rebuild_deficits(s, [pid])
    with db.sessions() as s:
        after = s.execute(select(Deficit.id, Deficit.found_on, Deficit.overcome_on,
                                 Deficit.state).order_by(Deficit.id)).all()
        assert after == before


def test_removed_session_and_route_target(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Орлова")
        diagnose(s, pid, date(2023, 1, 10), {"communicative": 2})
        late = diagnose(s, pid, date(2023, 9, 10), {})
    with db.sessions.begin() as s:
        s.delete(s.get(DiagnosticSession, late))
        s.flush()
        rebuild_deficits(s, [pid])
        assert set(states(s, pid).values()) == {"found"}
        target = s.scalar(select(Deficit.id).where(Deficit.item_id.is_(None)))
        route = Route(person_id=pid, start_date=date(2023, 2, 1), end_date=date(2027, 6, 1))
        route.items = [RouteItem(deficit_id=target, task="Освоить приёмы общения")]
        s.add(route)
        s.flush()
        rebuild_deficits(s, [pid])
        assert s.get(Deficit, target).state == "in_work"


def test_external_blocks_below_threshold(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Белова")
        record_external(s, pid, date(2024, 2, 1), "Региональная оценка ПМК",
                        [("Предметный блок", "предметные", 48.5),
                         ("Методический блок", "методические", 50)])
    with db.sessions() as s:
        assert states(s, pid) == {"Внешняя оценка: Предметный блок": "found"}
