"""The methodological active of the demo: members chosen among experienced people with a category,
taken through the yearly waves (request, submission, diagnosis, inclusion, sometimes exclusion)
with their grounds and directions; the quarterly meetings and who attended them; and everyone's
participations in events (sharing experience, contests, innovation work), more often for members."""

from __future__ import annotations

import random
from datetime import date, timedelta

from desktop_app import model
from desktop_app.demo.base import REFERENCE, Demo, Row, random_day, weighted, working_day
from desktop_app.model.enums import (
    ActiveDirection,
    ActiveRole,
    ActiveStatus,
    EventLevel,
    ParticipationKind,
)

# the methodological active --------------------------------------------------------------
_WAVES = {  # year: (request, submitted by, diagnosed by, included on)
    2023: (date(2023, 1, 16), date(2023, 2, 3), date(2023, 3, 3), date(2023, 3, 20)),
    2024: (date(2024, 1, 15), date(2024, 2, 2), date(2024, 3, 1), date(2024, 3, 18)),
    2025: (date(2025, 1, 20), date(2025, 2, 7), date(2025, 3, 7), date(2025, 3, 24)),
    2026: (date(2026, 9, 7), date(2026, 9, 25), date(2026, 10, 16), date(2026, 11, 16)),
}


def eligible(person: Row) -> bool:
    return (
        person["is_active"] and person["_exp"] >= 5 and person["education_pedagogical"]
        and person["category"] in ("first", "highest", "methodist", "mentor")
    )


def build_active(demo: Demo) -> None:
    rng = demo.rng
    pool = [p for p in demo.people if eligible(p)]
    pool.sort(key=lambda p: (-(p["category"] in ("highest", "methodist", "mentor")), p["id"]))
    chosen = rng.sample(pool[: max(demo.scale.active * 3, 1)], min(demo.scale.active, len(pool)))
    orders = {year: f"{rng.randint(60, 180)}-од" for year in _WAVES}
    for number, person in enumerate(chosen):
        status = weighted([(ActiveStatus.INCLUDED, 70), (ActiveStatus.EXCLUDED, 8),
                            (ActiveStatus.DIAGNOSED, 7), (ActiveStatus.SUBMITTED, 8),
                            (ActiveStatus.CANDIDATE, 7)], rng)
        if number == 0:
            status = ActiveStatus.INCLUDED
        _member(demo, person, status, _role(rng, number), orders)


def _role(rng: random.Random, number: int) -> ActiveRole:
    if number == 0:
        return ActiveRole.COORDINATOR
    role: ActiveRole = weighted([(ActiveRole.MEMBER, 55), (ActiveRole.GMO_HEAD, 20),
                                  (ActiveRole.CURATOR, 16), (ActiveRole.METHODIST, 9)], rng)
    return role


def _member(demo: Demo, person: Row, status: ActiveStatus, role: ActiveRole,
            orders: dict[int, str]) -> None:
    rng = demo.rng
    if status in (ActiveStatus.INCLUDED, ActiveStatus.EXCLUDED):
        year = rng.choices([2023, 2024, 2025], weights=[50, 30, 20])[0]
    else:
        year = 2026
    request, submitted, diagnosed, included = _WAVES[year]
    stage = [ActiveStatus.CANDIDATE, ActiveStatus.SUBMITTED, ActiveStatus.DIAGNOSED,
             ActiveStatus.INCLUDED, ActiveStatus.EXCLUDED].index(status)
    row = demo.add(model.ActiveMember, {
        "id": None, "person_id": person["id"], "status": status.value, "role": role.value,
        "subject_area": person["subject"], "nominated_by_org_id": person["organisation_id"],
        "nominated_by_body": f"ГМО: {person['subject']}" if role == ActiveRole.GMO_HEAD else "",
        "request_date": request,
        "submitted_on": submitted - timedelta(days=rng.randint(0, 6)) if stage >= 1 else None,
        "diagnosed_on": working_day(diagnosed - timedelta(days=rng.randint(0, 10)))
        if stage >= 2 else None,
        "included_order_number": orders[year] if stage >= 3 else "",
        "included_on": included if stage >= 3 else None,
        "excluded_on": random_day(included + timedelta(days=200),
                                  REFERENCE - timedelta(days=10), rng) if stage == 4 else None,
        "exclusion_reason": rng.choice(demo.cat["exclusion_reasons"]) if stage == 4 else "",
        "ineligible_reason": "", "notes": "",
    })
    person["_member"] = row
    person["methodical_experience"] = "; ".join(rng.sample(demo.cat["methodical_experience"], 2))
    _member_links(demo, row, role)


def _member_links(demo: Demo, member: Row, role: ActiveRole) -> None:
    rng = demo.rng
    grounds = rng.sample(demo.grounds, min(len(demo.grounds), rng.randint(1, 3)))
    if role == ActiveRole.GMO_HEAD and demo.grounds and demo.grounds[0] not in grounds:
        grounds[0] = demo.grounds[0]
    for ground_id in sorted(grounds):
        demo.add(model.MemberGround, {"member_id": member["id"], "ground_id": ground_id})
    for direction in rng.sample(list(ActiveDirection), rng.randint(1, 3)):
        demo.add(model.MemberDirection, {"member_id": member["id"], "direction": direction.value})


def build_meetings(demo: Demo) -> None:
    """Quarterly meetings of the active from its first inclusion, one quarter missed."""
    rng = demo.rng
    members = [m for m in demo.tables[model.ActiveMember] if m["included_on"]]
    quarters = [(y, q) for y in range(2023, 2027) for q in range(1, 5)
                if date(2023, 4, 1) <= date(y, 3 * q - 2, 1) < REFERENCE]
    if not members or len(quarters) < 3:
        return
    skipped = rng.choice(quarters[2:-1])
    for year, quarter in quarters:
        if (year, quarter) == skipped:
            continue
        day = working_day(date(year, 3 * quarter - 1, rng.randint(5, 25)))
        if day >= REFERENCE:
            continue
        meeting = demo.add(model.Meeting, {
            "id": None, "meeting_date": day,
            "agenda": "\n".join(f"{i}. {a}" for i, a in enumerate(
                rng.sample(demo.cat["meeting_agendas"], 2), start=1)),
            "decisions": " ".join(rng.sample(demo.cat["meeting_decisions"], 2)),
        })
        _attendees(demo, meeting, members, day)


def _attendees(demo: Demo, meeting: Row, members: list[Row], day: date) -> None:
    present = sorted({
        m["person_id"] for m in members
        if m["included_on"] <= day and (m["excluded_on"] is None or m["excluded_on"] > day)
        and demo.rng.random() < 0.82
    })
    for person_id in present:
        demo.add(model.MeetingAttendee, {"meeting_id": meeting["id"], "person_id": person_id})


# participations ---------------------------------------------------------------------------
_SHARING = [(ParticipationKind.MASTER_CLASS, 22), (ParticipationKind.OPEN_LESSON, 30),
            (ParticipationKind.TALK, 25), (ParticipationKind.PUBLICATION, 13),
            (ParticipationKind.CONTEST, 10)]
_LEVELS = [(EventLevel.ORGANISATION, 30), (EventLevel.MUNICIPAL, 42), (EventLevel.REGIONAL, 20),
           (EventLevel.FEDERAL, 7), (EventLevel.INTERNATIONAL, 1)]


def build_participations(demo: Demo) -> None:
    rng = demo.rng
    innovative = {o["id"] for o in demo.orgs if rng.random() < 0.25}
    for person in demo.people:
        share = 0.06 + (0.14 if person["category"] in ("highest", "methodist", "mentor") else 0)
        if "_member" in person:
            share = 0.55
        for year in (2023, 2024, 2025, 2026):
            if rng.random() < share:
                for _ in range(rng.choice([1, 1, 1, 2])):
                    _participation(demo, person, weighted(_SHARING, rng), year)
            if person["organisation_id"] in innovative and rng.random() < 0.22:
                kind = rng.choice([ParticipationKind.INNOVATION, ParticipationKind.EXPERIMENT])
                _participation(demo, person, kind, year)


def _participation(demo: Demo, person: Row, kind: ParticipationKind, year: int) -> None:
    rng = demo.rng
    start = max(date(year, 1, 10), person["ped_experience_start"])
    end = min(date(year, 12, 20), REFERENCE - timedelta(days=3), person["left_on"] or REFERENCE)
    if start > end:
        return
    level = weighted(_LEVELS, rng)
    if kind.is_innovation:
        level = rng.choice([EventLevel.MUNICIPAL, EventLevel.REGIONAL, EventLevel.FEDERAL])
    demo.add(model.Participation, {
        "id": None, "person_id": person["id"], "kind": kind.value,
        "title": rng.choice(demo.cat["participation_titles"][kind.value]), "level": level.value,
        "event_date": random_day(start, end, rng),
        "result": rng.choice(demo.cat["contest_results"])
        if kind == ParticipationKind.CONTEST else "",
    })
