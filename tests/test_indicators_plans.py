"""The road map of seed 003 (template, statuses, overdue) and meetings of the active."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.services import meetings, roadmap
from desktop_app.services.indicators import IndicatorInputError
from tests.test_indicators_data import build

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def test_roadmap_template_loaded(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        rows = roadmap.list_roadmap(session, date(2021, 1, 1))
    assert len(rows) == 20
    first = rows[0]
    assert first.activity.startswith("Разработка и утверждение муниципальной программы")
    assert first.deadline == date(2021, 7, 31) and first.deadline_text == "Июль 2021 г."
    assert first.responsible == "УО, РЦО" and first.status_label == "запланировано"
    assert [r.stage for r in rows].count("Основной этап") == 9
    assert rows[5].number == 1 and rows[5].stage == "Основной этап"
    conference = next(r for r in rows if r.activity.startswith("Организация итоговой"))
    assert conference.deadline == date(2024, 12, 31)
    assert not any(r.overdue for r in rows)


def test_roadmap_overdue_and_status(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        rows = roadmap.list_roadmap(session)
        first, second = rows[0].id, rows[1].id
        late = {r.id for r in roadmap.overdue(session, date(2021, 8, 1))}
        assert late == {first}
        assert len(roadmap.overdue(session, date(2021, 8, 1))) == 1
        roadmap.set_status(session, first, "done", date(2021, 7, 20))
        roadmap.set_status(session, second, "отменено")
    with db.sessions() as session:
        rows = {r.id: r for r in roadmap.list_roadmap(session, date(2025, 1, 1))}
        assert rows[first].status_label == "выполнено" and rows[first].done_on == date(2021, 7, 20)
        assert not rows[first].overdue and not rows[second].overdue
        # no date for «в течение всего периода»: never overdue
        assert not any(r.overdue for r in rows.values() if r.deadline is None)
        # a deadline on the date itself is not yet overdue
        assert not roadmap.is_overdue(date(2024, 11, 30), "planned", date(2024, 11, 30))
        assert roadmap.is_overdue(date(2024, 11, 30), "in_progress", date(2024, 12, 1))


def test_roadmap_edit_add_refuse(db) -> None:  # type: ignore[no-untyped-def]
    item = roadmap.RoadmapInput("Основной этап", "", "Круглый стол", "Протокол",
                                date(2025, 3, 31), "", "РЦО")
    with db.sessions.begin() as session:
        new_id = roadmap.add_item(session, item)
    with db.sessions() as session:
        row = roadmap.list_roadmap(session)[-1]
        assert row.id == new_id and row.deadline_text == "31.03.2025"
        with pytest.raises(IndicatorInputError, match="Мероприятие"):
            blank = roadmap.RoadmapInput("", "", "  ", "", None, "", "")
            roadmap.update_item(session, new_id, blank)
        with pytest.raises(IndicatorInputError, match="Статус"):
            roadmap.set_status(session, new_id, "почти")
        session.rollback()
    with db.sessions.begin() as session:
        changed = roadmap.RoadmapInput("Основной этап", "", "Круглый стол наставников",
                                       "Протокол", None, "Март 2025 г.", "РЦО")
        roadmap.update_item(session, new_id, changed)
    with db.sessions() as session:
        row = roadmap.list_roadmap(session)[-1]
    assert row.activity == "Круглый стол наставников" and row.deadline is None


def test_roadmap_not_reloaded_over_edits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.store.database import open_database

    path = tmp_path / "r.sqlite"
    first = open_database(path)
    with first.sessions.begin() as session:
        roadmap.delete_item(session, roadmap.list_roadmap(session)[0].id)
    first.dispose()
    again = open_database(path)
    with again.sessions() as session:
        assert len(roadmap.list_roadmap(session)) == 19
    again.dispose()


def _meeting(day: date, ids: tuple[int, ...] = ()) -> meetings.MeetingInput:
    return meetings.MeetingInput(day, "Итоги мониторинга", "Принять к сведению", ids)


def test_meetings_and_quarters(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        ids = build(session)
        meetings.add_meeting(session, _meeting(date(2024, 2, 15), (ids["Иванов"], ids["Ёлкина"])))
        mid = meetings.add_meeting(session, _meeting(date(2024, 6, 30)))
        meetings.add_meeting(session, _meeting(date(2024, 10, 1)))
    with db.sessions() as session:
        checks = meetings.quarters_without_meeting(session, 2024, date(2024, 12, 31))
        assert [(q.quarter, q.meetings, q.flagged) for q in checks] == [
            (1, 1, False), (2, 1, False), (3, 0, True), (4, 1, False)]
        assert checks[2].start == date(2024, 7, 1) and checks[2].end == date(2024, 9, 30)
        # on 15.05.2024 only two quarters have begun, the second has no meeting yet
        early = meetings.quarters_without_meeting(session, 2024, date(2024, 5, 15))
        assert [(q.quarter, q.flagged, q.finished) for q in early] == [(1, False, True),
                                                                      (2, True, False)]
        rows = meetings.list_meetings(session, 2024)
        assert [r.quarter for r in rows] == [1, 2, 4]
        assert [a.name for a in rows[0].attendees] == ["Ёлкина Д.", "Иванов И."]
    with db.sessions.begin() as session:
        meetings.update_meeting(session, mid, _meeting(date(2024, 8, 20), (ids["Петрова"],)))
    with db.sessions() as session:
        assert meetings.flagged_quarters(session, 2024, date(2024, 12, 31)) == [2]
        moved = next(r for r in meetings.list_meetings(session) if r.id == mid)
        assert moved.quarter == 3 and [a.name for a in moved.attendees] == ["Петрова А."]


def test_meeting_refused(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        with pytest.raises(IndicatorInputError, match="Дата заседания"):
            meetings.add_meeting(session, meetings.MeetingInput(None, "x", "", ()))
        with pytest.raises(IndicatorInputError, match="Повестка"):
            meetings.add_meeting(session, meetings.MeetingInput(date(2024, 1, 1), " ", "", ()))
        with pytest.raises(IndicatorInputError, match="Участники"):
            meetings.add_meeting(session, _meeting(date(2024, 1, 1), (999,)))
        session.rollback()
        assert meetings.list_meetings(session) == []
