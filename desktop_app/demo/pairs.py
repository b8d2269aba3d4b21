"""Mentoring pairs and groups of the demo: mentees drawn by category (young, new duties, low
results, transfer), matched to eligible mentors of the same ОО and subject first (or of the
municipality), with their form, dates, status and order, directions, programme, plan, monitoring
and, for completed pairs, the satisfaction of mentor and mentees."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from desktop_app import model
from desktop_app.demo.active import eligible
from desktop_app.demo.base import REFERENCE, Demo, Row, random_day, weighted, working_day
from desktop_app.model.enums import (
    MenteeCategory,
    ModelElement,
    PairDirection,
    PairLevel,
    PairStatus,
    Respondent,
)
from desktop_app.services.pairs import add_months, duration_limits
from desktop_app.textutil import short_fio

_PAIR_MIX = [(MenteeCategory.YOUNG, 45), (MenteeCategory.NEW_DUTIES, 25),
             (MenteeCategory.LOW_RESULTS, 18), (MenteeCategory.TRANSFER, 12)]
_ELEMENT = {MenteeCategory.YOUNG: ModelElement.ADAPTATION,
            MenteeCategory.TRANSFER: ModelElement.ADAPTATION,
            MenteeCategory.NEW_DUTIES: ModelElement.TRAINING,
            MenteeCategory.LOW_RESULTS: ModelElement.SUPPORT}
_MONTHS = {MenteeCategory.YOUNG: (9, 12), MenteeCategory.TRANSFER: (3, 6),
           MenteeCategory.NEW_DUTIES: (3, 7), MenteeCategory.LOW_RESULTS: (6, 12)}
_SINGLE_FORMS = [("один на один", 52), ("Учитель – учитель", 12), ("Ситуационное", 7),
                 ("Краткосрочное", 9), ("Реверсивное", 3), ("Флэш", 3), ("Скоростное", 2)]
_REMOTE_FORMS = [("Виртуальное", 6), ("Сетевое", 5)]


@dataclass
class Matcher:
    """Finds mentors for mentees: same ОО and subject first, within the load limit."""

    rng: random.Random
    by_org: dict[int, list[Row]]
    by_kind_subject: dict[tuple[int, str, str], list[Row]]  # municipality, kind, subject
    municipality_of: dict[int, int]  # ОО → its municipality
    load: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    used: set[int] = field(default_factory=set)
    limit: int = 3

    def _free(self, candidates: list[Row], mentees: list[Row], same_org: bool) -> Row | None:
        org, own = mentees[0]["organisation_id"], {m["id"] for m in mentees}
        ok = [c for c in candidates if (c["organisation_id"] == org) == same_org
              and c["id"] not in self.used and c["id"] not in own
              and self.load.get(c["id"], 0) + len(mentees) <= max(self.limit, len(mentees))]
        return self.rng.choice(ok) if ok else None

    def mentor(self, mentees: list[Row], municipal: bool) -> tuple[Row | None, bool]:
        first = mentees[0]
        same_subject = self.by_kind_subject.get(
            (self.municipality_of[first["organisation_id"]], first["_kind"], first["subject"]), [])
        if not municipal:
            local = self.by_org.get(first["organisation_id"], [])
            pick = self._free([c for c in local if c["subject"] == first["subject"]], mentees, True)
            pick = pick or self._free(local, mentees, True)
            if pick:
                return pick, False
        pick = self._free(same_subject, mentees, False)
        return pick, True


def _municipality_of(demo: Demo) -> dict[int, int]:
    return {o["id"]: o["municipality_id"] for o in demo.orgs}


def _without_pairs(demo: Demo) -> set[int]:
    """ОО of the region's municipality that has no mentorship pairs at all (its story)."""
    if demo.scale.settings != "region_settings":
        return set()
    names = {m["name"] for m in demo.cat["region_municipalities"] if not m["pairs"]}
    silent = {m["id"] for m in demo.tables[model.Municipality] if m["name"] in names}
    return {o["id"] for o in demo.orgs if o["municipality_id"] in silent}


def _mentor_pool(demo: Demo) -> Matcher:
    """Mentors from the mentee's ОО, or from another ОО of the same municipality."""
    by_org: dict[int, list[Row]] = defaultdict(list)
    by_kind_subject: dict[tuple[int, str, str], list[Row]] = defaultdict(list)
    municipality_of, silent = _municipality_of(demo), _without_pairs(demo)
    for person in demo.people:
        if eligible(person) and person["organisation_id"] not in silent:
            by_org[person["organisation_id"]].append(person)
            by_kind_subject[(municipality_of[person["organisation_id"]], person["_kind"],
                             person["subject"])].append(person)
    return Matcher(demo.rng, by_org, by_kind_subject, municipality_of)


def _mentee_pools(demo: Demo) -> dict[MenteeCategory, list[Row]]:
    low = {o["id"] for o in demo.orgs if o["is_low_results"]}
    pools: dict[MenteeCategory, list[Row]] = {c: [] for c in MenteeCategory}
    recent = REFERENCE - timedelta(days=700)
    silent = _without_pairs(demo)
    for p in demo.people:
        if not p["is_active"] or p["_head"] or "_member" in p or p["organisation_id"] in silent:
            continue
        if p["_young"]:
            pools[MenteeCategory.YOUNG].append(p)
        elif p["_moved"] and p["_moved"] >= recent:
            pools[MenteeCategory.TRANSFER].append(p)
        elif p["organisation_id"] in low and p["position"] == "учитель" and p["_exp"] < 20:
            pools[MenteeCategory.LOW_RESULTS].append(p)
        elif 3 <= p["_exp"] <= 30 and not p["is_manager"]:
            pools[MenteeCategory.NEW_DUTIES].append(p)
    for pool in pools.values():
        demo.rng.shuffle(pool)
    return pools


def build_pairs(demo: Demo) -> None:
    rng = demo.rng
    pools, matcher = _mentee_pools(demo), _mentor_pool(demo)
    attempts = 0
    while len(demo.tables[model.Pair]) < demo.scale.pairs and attempts < demo.scale.pairs * 3:
        attempts += 1
        category = weighted(_PAIR_MIX, rng)
        if not pools[category]:
            category = max(pools, key=lambda c: len(pools[c]))
            if not pools[category]:
                return
        mentees = [m for m in _take_mentees(rng, pools[category]) if m["id"] not in matcher.load]
        if not mentees:
            continue
        municipal = category == MenteeCategory.LOW_RESULTS and rng.random() < 0.6
        mentor, municipal = matcher.mentor(mentees, municipal)
        if mentor is None:
            continue
        for m in mentees:
            matcher.used.add(m["id"])
        matcher.load[mentor["id"]] += len(mentees)
        _pair(demo, mentor, mentees, category, municipal)


def _take_mentees(rng: random.Random, pool: list[Row]) -> list[Row]:
    """One mentee, or a group of 2–4 from the same ОО."""
    first = pool.pop()
    group = [first]
    if rng.random() < 0.16:
        size = rng.choice([2, 2, 3, 3, 4])
        same = [p for p in pool[-60:] if p["organisation_id"] == first["organisation_id"]]
        for p in same[: size - 1]:
            pool.remove(p)
            group.append(p)
    return group


def _form_id(demo: Demo, key: str) -> int:
    for name, form_id in demo.forms.items():
        if key.lower() in name.lower():
            return form_id
    return min(demo.forms.values())


def _pick_form(demo: Demo, mentor: Row, mentees: list[Row], municipal: bool) -> int:
    if len(mentees) > 1:
        return _form_id(demo, "Групповое")
    if mentor["is_manager"] and demo.rng.random() < 0.5:
        return _form_id(demo, "Руководитель ОО – учитель")
    options = _SINGLE_FORMS + (_REMOTE_FORMS if municipal else [])
    return _form_id(demo, weighted(options, demo.rng))


def _pair_dates(demo: Demo, mentees: list[Row], category: MenteeCategory) -> tuple[date, date]:
    rng = demo.rng
    first = mentees[0]
    if category == MenteeCategory.YOUNG:
        start = max(m["ped_experience_start"] for m in mentees) + timedelta(days=rng.randint(7, 40))
    elif category == MenteeCategory.TRANSFER:
        start = max(m["_moved"] for m in mentees) + timedelta(days=rng.randint(7, 30))
    else:
        year = rng.choices([2023, 2024, 2025, 2026], weights=[20, 25, 30, 25])[0]
        start = date(year, 9, 1) + timedelta(days=rng.randint(0, 45))
        if rng.random() < 0.06:
            start = REFERENCE + timedelta(days=rng.randint(8, 70))
    start = working_day(max(start, first["ped_experience_start"]))
    low, high = _MONTHS[category]
    earliest, latest = duration_limits(start)
    end = add_months(start, rng.randint(low, high)) - timedelta(days=rng.choice([1, 1, 1, 8]))
    return start, min(max(end, earliest), latest)


def _status(rng: random.Random, start: date, end: date) -> tuple[PairStatus, date | None]:
    if start > REFERENCE:
        return PairStatus.PLANNED, None
    if end < REFERENCE:
        if rng.random() < 0.07:
            early = random_day(start + timedelta(days=30), end - timedelta(days=10), rng)
            return PairStatus.ENDED_EARLY, early
        return PairStatus.COMPLETED, None
    if rng.random() < 0.03 and (REFERENCE - start).days > 40:
        return PairStatus.ENDED_EARLY, random_day(start + timedelta(days=30), REFERENCE, rng)
    return PairStatus.ACTIVE, None


def _pair(demo: Demo, mentor: Row, mentees: list[Row], category: MenteeCategory,
          municipal: bool, dates: tuple[date, date] | None = None) -> Row:
    """One pair with its mentees, directions, programme, plan, monitoring and satisfaction;
    dates: its start and planned end (drawn for its category when not given)."""
    rng = demo.rng
    start, end = dates or _pair_dates(demo, mentees, category)
    status, ended_on = _status(rng, start, end)
    # an order is signed before the start, and never after the demo's «today»
    order_date = min(start - timedelta(days=rng.randint(3, 14)),
                     REFERENCE - timedelta(days=1 + start.toordinal() % 9))
    last_change = _last_change(rng, status, order_date, ended_on or end)
    pair = demo.add(model.Pair, {
        "id": None, "mentor_id": mentor["id"],
        "form_id": _pick_form(demo, mentor, mentees, municipal),
        "model_element": _ELEMENT[category].value, "mentee_category": category.value,
        "level": (PairLevel.MUNICIPAL if municipal else PairLevel.ORGANISATION).value,
        "start_date": start, "end_date": end, "status": status.value,
        "end_reason": rng.choice(demo.cat["early_end_reasons"]) if ended_on else "",
        "ended_on": ended_on,
        "order_number": f"{rng.randint(20, 320)}-{'од' if not municipal else 'уо'}",
        "order_date": order_date,
        "updated_at": datetime.combine(last_change, time(10, 0)), "notes": "",
    })
    for m in sorted(mentees, key=lambda p: p["id"]):
        demo.add(model.PairMentee, {"pair_id": pair["id"], "person_id": m["id"]})
    for direction in _directions(rng, mentees[0]):
        demo.add(model.PairDirectionLink, {"pair_id": pair["id"], "direction": direction})
    pair["_mentees"], pair["_category"] = mentees, category
    programme = _programme(demo, pair, category)
    _plan(demo, programme, pair, mentor)
    _monitoring(demo, pair)
    _satisfaction(demo, pair)
    return pair


def _last_change(rng: random.Random, status: PairStatus, order_date: date, end: date) -> date:
    """When the pair was last updated: most open pairs recently, a few over half a year ago."""
    if status == PairStatus.PLANNED:
        return order_date
    if status != PairStatus.ACTIVE:
        return min(end, REFERENCE)
    back = rng.randint(200, 260) if rng.random() < 0.06 else rng.randint(0, 100)
    return max(order_date, REFERENCE - timedelta(days=back))


def _directions(rng: random.Random, mentee: Row) -> list[str]:
    if mentee["_kind"] == "preschool":
        options = [PairDirection.UPBRINGING, PairDirection.PSYCHOLOGY, PairDirection.PARENTS,
                   PairDirection.METHODS]
    elif mentee["_kind"] == "additional":
        options = [PairDirection.ADDITIONAL_EDU, PairDirection.METHODS, PairDirection.UPBRINGING]
    else:
        options = [PairDirection.SUBJECT, PairDirection.METHODS, PairDirection.LESSONS,
                   PairDirection.UPBRINGING, PairDirection.PARENTS, PairDirection.PSYCHOLOGY]
    return sorted(d.value for d in rng.sample(options, rng.randint(1, 3)))


def _programme(demo: Demo, pair: Row, category: MenteeCategory) -> Row:
    texts = demo.cat["programme"][category.value]
    tasks = demo.rng.sample(texts["tasks"], min(len(texts["tasks"]), demo.rng.randint(3, 4)))
    return demo.add(model.Programme, {
        "id": None, "pair_id": pair["id"], "goal": texts["goal"],
        "tasks": "\n".join(f"{i}) {t};" for i, t in enumerate(tasks, start=1)).rstrip(";") + ".",
        "difficulties": texts["difficulties"], "expected_results": texts["expected"],
    })


def _plan(demo: Demo, programme: Row, pair: Row, mentor: Row) -> None:
    rng = demo.rng
    activities = demo.cat["plan_activities"]
    middle = rng.sample(activities[1:-1], rng.randint(2, 6))
    items = [activities[0], *middle, activities[-1]]
    start, end = pair["start_date"], pair["end_date"]
    stop = min(pair["ended_on"] or REFERENCE, REFERENCE)
    step = (end - start).days / len(items)
    mentor_name = short_fio(mentor["last_name"], mentor["first_name"], mentor["middle_name"])
    for position, (activity, who, report) in enumerate(items, start=1):
        deadline = start + timedelta(days=round(step * position))
        done = deadline <= stop and rng.random() < 0.92
        demo.add(model.PlanItem, {
            "id": None, "programme_id": programme["id"], "position": position,
            "activity": activity, "deadline": deadline,
            "responsible": who.replace("наставник", mentor_name, 1) if who == "наставник" else who,
            "report_form": report, "done": done,
            "done_on": max(start, deadline - timedelta(days=rng.randint(0, 10))) if done else None,
        })


def _monitoring(demo: Demo, pair: Row) -> None:
    rng, texts = demo.rng, demo.cat["monitoring"]
    start, end = pair["start_date"], pair["ended_on"] or pair["end_date"]
    middle = start + (end - start) // 2
    days = [middle, end] if pair["status"] == PairStatus.COMPLETED.value else [middle]
    teacher = pair["_mentees"][0]["position"] == "учитель"
    for day in (d for d in days if d <= REFERENCE):
        demo.add(model.Monitoring, {
            "id": None, "pair_id": pair["id"], "monitoring_date": day,
            "students_passed_percent": round(rng.uniform(62, 100), 1) if teacher else None,
            "exam_kind": rng.choice(["ВПР", "ОГЭ", "ЕГЭ"]) if teacher else "",
            "olympiad_participants": rng.randint(0, 12) if teacher else None,
            "progress_dynamics": rng.choice(texts["progress"]),
            "mentee_activity": rng.choice(texts["activity"]),
            "influence": rng.choice(texts["influence"]), "risks": rng.choice(texts["risks"]),
        })


def _satisfaction(demo: Demo, pair: Row) -> None:
    if pair["status"] != PairStatus.COMPLETED.value:
        return
    rng = demo.rng
    respondents = [(pair["mentor_id"], Respondent.MENTOR)] + [
        (m["id"], Respondent.MENTEE) for m in pair["_mentees"]]
    for person_id, who in respondents:
        demo.add(model.Satisfaction, {
            "id": None, "pair_id": pair["id"], "person_id": person_id, "respondent": who.value,
            "answered_on": pair["end_date"],
            "score": rng.choices(range(1, 11), weights=[1, 1, 1, 2, 4, 8, 16, 24, 22, 18])[0],
            "comment": "",
        })
