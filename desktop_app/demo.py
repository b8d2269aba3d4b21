"""The demo municipality (or region): a believable database built deterministically from a seed."""

from __future__ import annotations

import json
import math
import os
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from desktop_app import model, paths
from desktop_app.model.enums import (
    ActiveDirection,
    ActiveRole,
    ActiveStatus,
    Category,
    CourseKind,
    EducationLevel,
    EventLevel,
    MenteeCategory,
    ModelElement,
    PairDirection,
    PairLevel,
    PairStatus,
    ParticipationKind,
    Respondent,
    SessionKind,
)
from desktop_app.services import settings as settings_service
from desktop_app.services.pairs import add_months, duration_limits
from desktop_app.store.database import open_database
from desktop_app.textutil import fio, fold, person_sort_key, short_fio

# "Today" of the demo: every status and date is consistent as of this day.
REFERENCE = date(2026, 11, 1)
CHUNK = 20_000
Row = dict[str, Any]


@dataclass(frozen=True)
class Scale:
    """How big the demo is; the same code builds every scale."""

    organisations: int
    people: int
    active: int
    pairs: int
    sessions: int
    settings: str = "municipality"


SCALES: dict[str, Scale] = {
    "municipality": Scale(organisations=30, people=900, active=40, pairs=150, sessions=480),
    "region": Scale(organisations=600, people=30_000, active=1_300, pairs=10_000, sessions=40_000,
                    settings="region_settings"),
}


@dataclass(frozen=True)
class DemoCounts:
    """What write_demo wrote, table by table."""

    counts: dict[str, int]
    deficits_rebuilt: bool


@lru_cache(maxsize=4)
def _resource(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(paths.resource("demo", name).read_text(encoding="utf-8"))
    return data


def resolve_scale(scale: str | Scale) -> Scale:
    """A named scale («municipality», «region») or a custom Scale."""
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[scale]
    except KeyError:
        names = ", ".join(SCALES)
        raise ValueError(f"Неизвестный масштаб демонстрационной базы «{scale}»: {names}") from None


# small random helpers --------------------------------------------------------------------
def _day(start: date, end: date, rng: random.Random) -> date:
    """A random day in [start, end]."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def _weighted(pairs: Sequence[Sequence[Any]], rng: random.Random) -> Any:
    """Pick the first element of a [value, weight] list by weight."""
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * 365.25))


def _weekday(day: date) -> date:
    """Move a Saturday or Sunday to the next Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))


def translit(text_: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text_.lower() if ch.isalnum())


def female_surname(male: str, indeclinable: Iterable[str]) -> str:
    """Фёдоров → Фёдорова, Ковальский → Ковальская, Толстой → Толстая, Шевченко → Шевченко."""
    if any(male.endswith(end) for end in indeclinable):
        return male
    for end, fem in (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая"), ("ый", "ая"), ("ий", "яя")):
        if male.endswith(end):
            return male[: -len(end)] + fem
    if male.endswith(("ов", "ёв", "ев", "ин", "ын")):
        return male + "а"
    return male


# the builder ------------------------------------------------------------------------------
@dataclass
class Demo:
    """Rows of every table, built in memory with explicit ids, then bulk-inserted."""

    rng: random.Random
    scale: Scale
    grounds: list[int]
    forms: dict[str, int]
    instrument: tuple[int, int, int, list[tuple[int, str]]] | None
    cat: dict[str, Any] = field(default_factory=lambda: _resource("catalogue.json"))
    names: dict[str, Any] = field(default_factory=lambda: _resource("names.json"))
    orgs: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    tables: dict[type[model.Base], list[Row]] = field(default_factory=lambda: defaultdict(list))
    used_keys: set[tuple[str, date]] = field(default_factory=set)

    def add(self, entity: type[model.Base], row: Row) -> Row:
        rows = self.tables[entity]
        if "id" in row and row["id"] is None:
            row["id"] = len(rows) + 1
        rows.append(row)
        return row


# organisations ----------------------------------------------------------------------------
def _kind_counts(total: int) -> list[str]:
    """≈ half schools, a third kindergartens, the rest supplementary education."""
    general = max(1, round(total * 0.5))
    preschool = max(0, round(total * 0.37))
    additional = max(0, total - general - preschool)
    return ["general"] * general + ["preschool"] * preschool + ["additional"] * additional


def _school_name(demo: Demo, number: int) -> tuple[str, str]:
    templates = demo.cat["general_schools"]
    short, full, _ = _weighted([(t, t[2]) for t in templates], demo.rng)
    if "{village}" in short:
        villages = demo.cat["villages"]
        village = villages[number % len(villages)]
        suffix = f" № {number}" if number >= len(villages) else ""
        return (short.replace("{village}", village).replace("СОШ»", f"СОШ{suffix}»"),
                full.replace("{village}", village).replace("школа»", f"школа{suffix}»"))
    return short.format(n=number), full.format(n=number)


def _preschool_name(demo: Demo, number: int) -> tuple[str, str]:
    nick = demo.rng.choice(demo.cat["kindergartens"])
    return (f"МБДОУ «Детский сад № {number} «{nick}»»",
            "Муниципальное бюджетное дошкольное образовательное учреждение "
            f"«Детский сад № {number} «{nick}»»")


def _additional_name(demo: Demo, index: int) -> tuple[str, str]:
    options = demo.cat["additional"]
    short, full = options[index % len(options)]
    round_ = index // len(options)
    if round_:
        short, full = short[:-1] + f" № {round_ + 1}»", full[:-1] + f" № {round_ + 1}»"
    return short, full


def build_organisations(demo: Demo) -> None:
    rng, numbers = demo.rng, {"general": 0, "preschool": 0, "additional": 0}
    for kind in _kind_counts(demo.scale.organisations):
        numbers[kind] += 1
        n = numbers[kind]
        if kind == "general":
            short, full = _school_name(demo, n)
        elif kind == "preschool":
            short, full = _preschool_name(demo, n * 3 + rng.randint(0, 2))
        else:
            short, full = _additional_name(demo, n - 1)
        demo.orgs.append(demo.add(model.Organisation, _org_row(demo, kind, short, full)))
    _mark_difficult(demo)


def _mark_difficult(demo: Demo) -> None:
    """A few ШНОР among the schools, a few ОО in difficult social conditions."""
    schools = [o for o in demo.orgs if o["kind"] == "general"]
    for org in demo.rng.sample(schools, min(len(schools), max(2, round(len(schools) * 0.15)))):
        org["is_low_results"] = True
    pool = [o for o in demo.orgs if o["kind"] != "additional"]
    for org in demo.rng.sample(pool, min(len(pool), max(2, round(len(demo.orgs) * 0.1)))):
        org["is_difficult_conditions"] = True


def _org_row(demo: Demo, kind: str, short: str, full: str) -> Row:
    rng = demo.rng
    idx = len(demo.orgs) + 1
    has_act = rng.random() < 0.72
    act_date = _day(date(2022, 2, 1), date(2025, 12, 20), rng) if has_act else None
    programme = _day(act_date, act_date + timedelta(days=120), rng) if act_date else None
    return {
        "id": idx, "short_name": short, "full_name": full, "kind": kind,
        "is_low_results": False, "is_difficult_conditions": False,
        "mentoring_act_date": act_date,
        "mentoring_act_number": f"{rng.randint(12, 240)}-од" if act_date else "",
        "mentoring_programme_date": programme if programme and rng.random() < 0.85 else None,
        "curator_id": None, "head_name": "",
        "address": f"{rng.choice(demo.cat['streets'])}, д. {rng.randint(1, 120)}",
        "phone": f"8 (38245) {rng.randint(2, 7)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
        "email": f"{('school' if kind == 'general' else 'dou' if kind == 'preschool' else 'do')}"
                 f"{idx}@edu-zarechny.ru",
        "is_active": True, "deactivated_on": None,
    }


# people -----------------------------------------------------------------------------------
_SIZE = {"general": (30, 62), "preschool": (12, 26), "additional": (14, 30), "other": (5, 10)}


def _staff_sizes(demo: Demo) -> list[int]:
    """People per ОО, scaled so the total is exactly scale.people."""
    raw = [demo.rng.randint(*_SIZE[o["kind"]]) for o in demo.orgs]
    factor = demo.scale.people / max(sum(raw), 1)
    sizes = [max(1, int(r * factor)) for r in raw]
    for i in range(demo.scale.people - sum(sizes)):
        sizes[i % len(sizes)] += 1
    while sum(sizes) > demo.scale.people:
        biggest = sizes.index(max(sizes))
        sizes[biggest] -= 1
    return sizes


def build_people(demo: Demo) -> None:
    for org, size in zip(demo.orgs, _staff_sizes(demo), strict=True):
        jobs = _jobs_for(demo, org["kind"], size)
        for position, subject, manager in jobs:
            person = _person(demo, org, position, subject, manager)
            demo.people.append(demo.add(model.Person, person))
        head = next((p for p in demo.people[-size:] if p["_head"]), None)
        if head is not None:
            org["head_name"] = fio(head["last_name"], head["first_name"], head["middle_name"])


def _jobs_for(demo: Demo, kind: str, size: int) -> list[tuple[str, str, bool]]:
    managers = demo.cat["managers"][kind]
    deputies = {"general": 3, "preschool": 1, "additional": 1, "other": 1}[kind]
    jobs: list[tuple[str, str, bool]] = []
    if size >= 1:
        jobs.append((managers[0], _subject(demo, "учитель") if kind == "general" else "", True))
    for i in range(min(deputies, max(size - 1, 0) // 8)):
        jobs.append((managers[1 + i % (len(managers) - 1)], "", True))
    while len(jobs) < size:
        position = _weighted(demo.cat["positions"][kind], demo.rng)
        jobs.append((position, _subject(demo, position), False))
    return jobs


def _subject(demo: Demo, position: str) -> str:
    if position == "учитель":
        return str(_weighted(demo.cat["subjects"], demo.rng))
    if position == "педагог дополнительного образования":
        return str(demo.rng.choice(demo.cat["additional_directions"]))
    return str(demo.cat["position_subjects"].get(position, ""))


def _name(demo: Demo, birth: date) -> tuple[str, str, str, bool]:
    rng, names = demo.rng, demo.names
    female = rng.random() < 0.84
    surname = rng.choice(names["surnames"])
    father = rng.choice(list(names["male_names"]))
    if female:
        last = female_surname(surname, names["indeclinable_endings"])
        first = rng.choice(names["female_names"])
        middle = names["male_names"][father][1]
    else:
        last, first = surname, rng.choice(list(names["male_names"]))
        middle = names["male_names"][father][0]
    key = (fold(fio(last, first, middle)), birth)
    if key in demo.used_keys:
        return _name(demo, birth)
    demo.used_keys.add(key)
    return last, first, middle, female


def _career(rng: random.Random, manager: bool) -> tuple[date, date, bool]:
    """Birth date, start of pedagogical experience, young-specialist flag."""
    if not manager and rng.random() < 0.10:
        experience = rng.uniform(0.05, 2.95)
        start_age = rng.uniform(21, 25) if rng.random() < 0.85 else rng.uniform(26, 44)
        age = start_age + experience
    else:
        age = rng.triangular(24, 68, 48)
        if manager:
            age = max(age, rng.uniform(33, 45))
        start_age = rng.uniform(20.5, 25) if rng.random() < 0.9 else rng.uniform(26, 38)
        experience = max(age - start_age, 8.0 if manager else 3.2)
        age = max(age, start_age + experience)
    birth = _years_before(REFERENCE, age)
    return birth, _years_before(REFERENCE, experience), experience < 3


def _person(demo: Demo, org: Row, position: str, subject: str, manager: bool) -> Row:
    rng = demo.rng
    birth, ped_start, young = _career(rng, manager)
    last, first, middle, female = _name(demo, birth)
    experience = (REFERENCE - ped_start).days / 365.25
    edu = _education(demo, birth, ped_start, young, org["kind"], subject)
    category, category_date = _category(rng, experience, ped_start)
    consent = rng.random() < 0.78
    return {
        "id": len(demo.people) + 1, "last_name": last, "first_name": first, "middle_name": middle,
        "search_key": fold(fio(last, first, middle)),
        "sort_key": person_sort_key(last, first, middle), "birth_date": birth, **edu,
        "organisation_id": org["id"], "position": position, "category": category,
        "category_date": category_date, "ped_experience_start": ped_start, "subject": subject,
        "is_manager": manager, "methodical_experience": "", "phone": _phone(rng),
        "email": f"{translit(last)}.{translit(first[0] + middle[0])}@"
                 f"{rng.choice(['mail.ru', 'yandex.ru', 'bk.ru', 'inbox.ru'])}",
        "achievements": rng.choice(demo.cat["achievements"]) if rng.random() < 0.12 else "",
        "consent_publish": consent,
        "consent_date": _day(date(2023, 1, 10), REFERENCE, rng) if consent else None,
        "is_active": True, "left_on": None, "notes": "",
        "_kind": org["kind"], "_exp": experience, "_young": young, "_female": female,
        "_head": manager and position in ("директор", "заведующий"), "_moved": None,
    }


def _phone(rng: random.Random) -> str:
    return (f"+7 9{rng.randint(0, 99):02d} {rng.randint(100, 999)}-"
            f"{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}")


def _education(
    demo: Demo, birth: date, ped_start: date, young: bool, kind: str, subject: str
) -> Row:
    rng, cat = demo.rng, demo.cat
    late_start = (ped_start - birth).days / 365.25 > 27
    pedagogical = not (late_start and rng.random() < 0.7) and rng.random() > 0.04
    spo = rng.random() < (0.4 if kind == "preschool" else 0.12)
    year = min(ped_start.year, birth.year + (20 if spo else 22) + rng.randint(0, 1))
    if spo:
        level = EducationLevel.SECONDARY_PROF
    elif year >= 2012:
        level = _weighted([(EducationLevel.BACHELOR, 55), (EducationLevel.MASTER, 25),
                           (EducationLevel.HIGHER, 20)], rng)
    else:
        level = _weighted([(EducationLevel.HIGHER, 80), (EducationLevel.SPECIALIST, 20)], rng)
    if pedagogical:
        specialty = cat["ped_specialties"].get(subject, cat["default_ped_specialty"])
        place = rng.choice(cat["ped_colleges"] if spo else cat["ped_institutions"])
    else:
        specialty = rng.choice(cat["other_specialties"])
        place = rng.choice(cat["other_institutions"])
    return {
        "education_level": level.value, "education_year": year,
        "education_specialty": specialty, "education_institution": place,
        "education_pedagogical": pedagogical,
    }


def _category(rng: random.Random, experience: float, ped_start: date) -> tuple[str, date | None]:
    if experience < 2:
        return Category.NONE.value, None
    if experience < 5:
        options = [(Category.NONE, 45), (Category.CONFORMITY, 25), (Category.FIRST, 30)]
    elif experience < 15:
        options = [(Category.NONE, 8), (Category.CONFORMITY, 15), (Category.FIRST, 50),
                   (Category.HIGHEST, 27)]
    else:
        options = [(Category.CONFORMITY, 8), (Category.FIRST, 35), (Category.HIGHEST, 49),
                   (Category.METHODIST, 4), (Category.MENTOR, 4)]
    category = _weighted(options, rng)
    if category == Category.NONE:
        return category.value, None
    earliest = max(ped_start + timedelta(days=730), REFERENCE - timedelta(days=5 * 365 - 30))
    return category.value, _day(earliest, REFERENCE - timedelta(days=20), rng)


# courses, jobs, moves ---------------------------------------------------------------------
def build_courses(demo: Demo) -> None:
    rng, cat = demo.rng, demo.cat
    for person in demo.people:
        if not person["education_pedagogical"]:
            end = min(person["ped_experience_start"] + timedelta(days=rng.randint(-200, 300)),
                      REFERENCE - timedelta(days=10))
            _course(demo, person, CourseKind.RETRAINING, rng.choice(cat["retraining_titles"]),
                    rng.choice([256, 300, 520]), end)
        for _ in range(rng.choices([0, 1, 2, 3], weights=[22, 38, 28, 12])[0]):
            start = max(REFERENCE - timedelta(days=3 * 365), person["ped_experience_start"])
            end = _day(start, REFERENCE - timedelta(days=5), rng)
            _course(demo, person, CourseKind.QUALIFICATION, rng.choice(cat["course_titles"]),
                    rng.choice([16, 24, 36, 36, 72, 72, 108]), end)


def _course(demo: Demo, person: Row, kind: CourseKind, title: str, hours: int, end: date) -> None:
    provider = demo.rng.choice(demo.cat["course_providers"])
    demo.add(model.Course, {
        "id": None, "person_id": person["id"], "kind": kind.value, "title": title,
        "provider": provider, "hours": hours, "end_date": end,
        "in_federal_registry": "Академия Минпросвещения" in provider,
    })


def build_employments(demo: Demo) -> None:
    """The current job of everyone; some moved from another ОО, a few have left."""
    rng = demo.rng
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for org in demo.orgs:
        by_kind[org["kind"]].append(org)
    for person in demo.people:
        start = person["ped_experience_start"]
        others = [o for o in by_kind[person["_kind"]] if o["id"] != person["organisation_id"]]
        if others and person["_exp"] > 4 and rng.random() < 0.12:
            moved = _day(start + timedelta(days=365), REFERENCE - timedelta(days=30), rng)
            _job(demo, person, rng.choice(others)["id"], start, moved - timedelta(days=1))
            person["_moved"], start = moved, moved
        end = None
        if not person["is_manager"] and rng.random() < 0.02:
            end = _day(max(start, date(2025, 6, 1)), REFERENCE - timedelta(days=5), rng)
            person["is_active"], person["left_on"] = False, end
        _job(demo, person, person["organisation_id"], start, end)


def _job(demo: Demo, person: Row, org_id: int, start: date, end: date | None) -> None:
    demo.add(model.Employment, {
        "id": None, "person_id": person["id"], "organisation_id": org_id,
        "position": person["position"], "start_date": start, "end_date": end,
    })


def assign_curators(demo: Demo) -> list[Row]:
    """A deputy (or the most experienced teacher) curates mentorship where a Положение exists."""
    staff: dict[int, list[Row]] = defaultdict(list)
    for person in demo.people:
        staff[person["organisation_id"]].append(person)
    changes = []
    for org in demo.orgs:
        if org["mentoring_act_date"] is None or not staff[org["id"]]:
            continue
        people = staff[org["id"]]
        deputies = [p for p in people if p["is_manager"] and not p["_head"]]
        curator = deputies[0] if deputies else max(people, key=lambda p: p["_exp"])
        changes.append({"id": org["id"], "curator_id": curator["id"]})
    return changes


# the methodological active --------------------------------------------------------------
_WAVES = {  # year: (request, submitted by, diagnosed by, included on)
    2023: (date(2023, 1, 16), date(2023, 2, 3), date(2023, 3, 3), date(2023, 3, 20)),
    2024: (date(2024, 1, 15), date(2024, 2, 2), date(2024, 3, 1), date(2024, 3, 18)),
    2025: (date(2025, 1, 20), date(2025, 2, 7), date(2025, 3, 7), date(2025, 3, 24)),
    2026: (date(2026, 9, 7), date(2026, 9, 25), date(2026, 10, 16), date(2026, 11, 16)),
}


def _eligible(person: Row) -> bool:
    return (
        person["is_active"] and person["_exp"] >= 5 and person["education_pedagogical"]
        and person["category"] in ("first", "highest", "methodist", "mentor")
    )


def build_active(demo: Demo) -> None:
    rng = demo.rng
    pool = [p for p in demo.people if _eligible(p)]
    pool.sort(key=lambda p: (-(p["category"] in ("highest", "methodist", "mentor")), p["id"]))
    chosen = rng.sample(pool[: max(demo.scale.active * 3, 1)], min(demo.scale.active, len(pool)))
    orders = {year: f"{rng.randint(60, 180)}-од" for year in _WAVES}
    for number, person in enumerate(chosen):
        status = _weighted([(ActiveStatus.INCLUDED, 70), (ActiveStatus.EXCLUDED, 8),
                            (ActiveStatus.DIAGNOSED, 7), (ActiveStatus.SUBMITTED, 8),
                            (ActiveStatus.CANDIDATE, 7)], rng)
        if number == 0:
            status = ActiveStatus.INCLUDED
        _member(demo, person, status, _role(rng, number), orders)


def _role(rng: random.Random, number: int) -> ActiveRole:
    if number == 0:
        return ActiveRole.COORDINATOR
    role: ActiveRole = _weighted([(ActiveRole.MEMBER, 55), (ActiveRole.GMO_HEAD, 20),
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
        "diagnosed_on": _weekday(diagnosed - timedelta(days=rng.randint(0, 10)))
        if stage >= 2 else None,
        "included_order_number": orders[year] if stage >= 3 else "",
        "included_on": included if stage >= 3 else None,
        "excluded_on": _day(included + timedelta(days=200), REFERENCE - timedelta(days=10), rng)
        if stage == 4 else None,
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
        day = _weekday(date(year, 3 * quarter - 1, rng.randint(5, 25)))
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
                    _participation(demo, person, _weighted(_SHARING, rng), year)
            if person["organisation_id"] in innovative and rng.random() < 0.22:
                kind = rng.choice([ParticipationKind.INNOVATION, ParticipationKind.EXPERIMENT])
                _participation(demo, person, kind, year)


def _participation(demo: Demo, person: Row, kind: ParticipationKind, year: int) -> None:
    rng = demo.rng
    start = max(date(year, 1, 10), person["ped_experience_start"])
    end = min(date(year, 12, 20), REFERENCE - timedelta(days=3), person["left_on"] or REFERENCE)
    if start > end:
        return
    level = _weighted(_LEVELS, rng)
    if kind.is_innovation:
        level = rng.choice([EventLevel.MUNICIPAL, EventLevel.REGIONAL, EventLevel.FEDERAL])
    demo.add(model.Participation, {
        "id": None, "person_id": person["id"], "kind": kind.value,
        "title": rng.choice(demo.cat["participation_titles"][kind.value]), "level": level.value,
        "event_date": _day(start, end, rng),
        "result": rng.choice(demo.cat["contest_results"])
        if kind == ParticipationKind.CONTEST else "",
    })


# pairs and groups -------------------------------------------------------------------------
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
    by_kind_subject: dict[tuple[str, str], list[Row]]
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
        same_subject = self.by_kind_subject.get((first["_kind"], first["subject"]), [])
        if not municipal:
            local = self.by_org.get(first["organisation_id"], [])
            pick = self._free([c for c in local if c["subject"] == first["subject"]], mentees, True)
            pick = pick or self._free(local, mentees, True)
            if pick:
                return pick, False
        pick = self._free(same_subject, mentees, False)
        return pick, True


def _mentor_pool(demo: Demo) -> Matcher:
    by_org: dict[int, list[Row]] = defaultdict(list)
    by_kind_subject: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for person in demo.people:
        if _eligible(person):
            by_org[person["organisation_id"]].append(person)
            by_kind_subject[(person["_kind"], person["subject"])].append(person)
    return Matcher(demo.rng, by_org, by_kind_subject)


def _mentee_pools(demo: Demo) -> dict[MenteeCategory, list[Row]]:
    low = {o["id"] for o in demo.orgs if o["is_low_results"]}
    pools: dict[MenteeCategory, list[Row]] = {c: [] for c in MenteeCategory}
    recent = REFERENCE - timedelta(days=700)
    for p in demo.people:
        if not p["is_active"] or p["_head"] or "_member" in p:
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
        category = _weighted(_PAIR_MIX, rng)
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
    return _form_id(demo, _weighted(options, demo.rng))


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
    start = _weekday(max(start, first["ped_experience_start"]))
    low, high = _MONTHS[category]
    earliest, latest = duration_limits(start)
    end = add_months(start, rng.randint(low, high)) - timedelta(days=rng.choice([1, 1, 1, 8]))
    return start, min(max(end, earliest), latest)


def _status(rng: random.Random, start: date, end: date) -> tuple[PairStatus, date | None]:
    if start > REFERENCE:
        return PairStatus.PLANNED, None
    if end < REFERENCE:
        if rng.random() < 0.07:
            early = _day(start + timedelta(days=30), end - timedelta(days=10), rng)
            return PairStatus.ENDED_EARLY, early
        return PairStatus.COMPLETED, None
    if rng.random() < 0.03 and (REFERENCE - start).days > 40:
        return PairStatus.ENDED_EARLY, _day(start + timedelta(days=30), REFERENCE, rng)
    return PairStatus.ACTIVE, None


def _pair(demo: Demo, mentor: Row, mentees: list[Row], category: MenteeCategory,
          municipal: bool) -> None:
    rng = demo.rng
    start, end = _pair_dates(demo, mentees, category)
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


# diagnostics ------------------------------------------------------------------------------
_CAMPAIGNS = {2023: (date(2023, 9, 18), date(2023, 10, 31)),
              2024: (date(2024, 9, 16), date(2024, 10, 31)),
              2025: (date(2025, 9, 15), date(2025, 10, 31)),
              2026: (date(2026, 9, 14), date(2026, 10, 23))}


def build_sessions(demo: Demo) -> None:
    """Self-assessment of ≈ 40 % of people (members on their diagnosis day), re-diagnoses later."""
    if demo.instrument is None:
        return
    rng, scale = demo.rng, demo.scale
    first: list[tuple[Row, date]] = []
    for person in demo.people:
        member = person.get("_member")
        if member is not None and member["diagnosed_on"]:
            first.append((person, member["diagnosed_on"]))
    chosen = {p["id"] for p, _ in first}
    share = max(round(0.4 * len(demo.people)), math.ceil(scale.sessions / 2.5))
    wanted = min(len(demo.people), share)
    others = [p for p in demo.people if p["id"] not in chosen and p["is_active"]]
    for person in rng.sample(others, max(0, min(len(others), wanted - len(first)))):
        year = rng.choices(list(_CAMPAIGNS), weights=[35, 25, 25, 15])[0]
        day = max(_day(*_CAMPAIGNS[year], rng), person["ped_experience_start"])
        if day < REFERENCE:
            first.append((person, _weekday(day) if _weekday(day) < REFERENCE else day))
    for person, day in first:
        _session(demo, person, day, 0)
    _rediagnoses(demo, first)


def _rediagnoses(demo: Demo, first: list[tuple[Row, date]]) -> None:
    rng, order = demo.rng, list(first)
    rng.shuffle(order)
    for round_ in (1, 2, 3):
        for person, day in order:
            if len(demo.tables[model.DiagnosticSession]) >= demo.scale.sessions:
                return
            year = day.year + round_
            if year in _CAMPAIGNS and person["is_active"]:
                _session(demo, person, _weekday(_day(*_CAMPAIGNS[year], rng)), round_)


def _session(demo: Demo, person: Row, day: date, round_: int) -> None:
    assert demo.instrument is not None
    demo.add(model.DiagnosticSession, {
        "id": None, "person_id": person["id"], "instrument_id": demo.instrument[0],
        "kind": SessionKind.SELF.value, "session_date": day,
        "procedure": demo.cat["self_procedure"] + f", {day.year}",
        "note": "повторная диагностика" if round_ else "", "_person": person, "_round": round_,
    })


def _profile(demo: Demo, person: Row) -> dict[str, float]:
    """The person's own level in each competence area (kept for re-diagnoses)."""
    profile: dict[str, float] | None = person.get("_profile")
    if profile is None:
        rng = demo.rng
        exp = person["_exp"]
        base = 3.05 if exp < 3 else 3.6 if exp < 10 else 3.95
        base += 0.3 if person["category"] in ("highest", "methodist", "mentor") else 0
        age = (REFERENCE - person["birth_date"]).days / 365.25
        areas = sorted({area for _, area in demo.instrument[3]}) if demo.instrument else []
        profile = {a: base + rng.gauss(0, 0.45) - (0.5 if a == "digital" and age > 55 else 0)
                   for a in areas}
        person["_profile"] = profile
    return profile


@lru_cache(maxsize=1)
def _noise() -> tuple[float, ...]:
    """1024 normal deviates (σ 0.7) drawn once: far cheaper per answer than random.gauss."""
    fixed = random.Random(20260901)
    return tuple(sorted(fixed.gauss(0, 0.7) for _ in range(1024)))


def _answers(demo: Demo, session_row: Row) -> Iterable[Row]:
    assert demo.instrument is not None
    bits, noise = demo.rng.getrandbits, _noise()
    _, low, high, items = demo.instrument
    profile = dict(_profile(demo, session_row["_person"]))
    for area, level in profile.items():
        growth = session_row["_round"] * (0.45 if level < 3.3 else 0.1)
        profile[area] = level + growth
    sid, span = session_row["id"], (high - low) / 4
    for item_id, area in items:
        score = min(5, max(1, round(profile[area] + noise[bits(10)])))
        yield {"session_id": sid, "item_id": item_id, "score": low + round((score - 1) * span)}


def build_external(demo: Demo) -> None:
    """A few teachers with results of an external assessment of their competencies."""
    rng = demo.rng
    blocks = demo.cat["external_blocks"]
    for person in demo.people:
        if person["position"] != "учитель" or not person["is_active"] or rng.random() > 0.03:
            continue
        day = _weekday(_day(date(2024, 3, 1), date(2025, 4, 30), rng))
        row = demo.add(model.DiagnosticSession, {
            "id": None, "person_id": person["id"], "instrument_id": None,
            "kind": SessionKind.EXTERNAL.value, "session_date": day,
            "procedure": rng.choice(demo.cat["external_procedures"]), "note": "",
            "_person": person, "_round": 0,
        })
        for block, area in blocks:
            demo.add(model.ExternalResult, {
                "id": None, "session_id": row["id"], "block": block, "area": area,
                "percent": round(rng.uniform(30, 96), 1),
            })


# writing ----------------------------------------------------------------------------------
def _plain(rows: list[Row]) -> list[Row]:
    if rows and any(key.startswith("_") for key in rows[0]):
        return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return rows


def _bulk(session: Session, entity: type[model.Base], rows: Iterable[Row]) -> int:
    """Bulk Core inserts in chunks (every row has every column, so each chunk is one
    executemany; the ORM bulk path splits on None values and is several times slower)."""
    table = entity.__table__
    assert isinstance(table, Table)  # declared entities map a Table
    stmt = insert(table)  # Core executemany: one statement per chunk
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            session.execute(stmt, _plain(chunk))
            count, chunk = count + len(chunk), []
    if chunk:
        session.execute(stmt, _plain(chunk))
    return count + len(chunk)


def _reference(session: Session) -> tuple[list[int], dict[str, int], Any]:
    """The grounds of the current preset, the mentorship forms and the self-assessment tool."""
    code = settings_service.get(session, "ground_preset")
    grounds = list(session.scalars(
        select(model.Ground.id).join(model.GroundPreset)
        .where(model.GroundPreset.code == code).order_by(model.Ground.number)))
    forms = dict(session.execute(
        select(model.MentorshipForm.name, model.MentorshipForm.id)
        .order_by(model.MentorshipForm.position, model.MentorshipForm.id)).tuples().all())
    tool = session.execute(
        select(model.Instrument.id, model.Instrument.scale_min, model.Instrument.scale_max)
        .where(model.Instrument.kind == SessionKind.SELF.value)
        .order_by(model.Instrument.id.desc())).first()
    instrument = None
    if tool is not None:
        items = [(r.id, r.area) for r in session.execute(
            select(model.InstrumentItem.id, model.InstrumentItem.area)
            .where(model.InstrumentItem.instrument_id == tool.id)
            .order_by(model.InstrumentItem.position, model.InstrumentItem.id))]
        instrument = (tool.id, tool.scale_min, tool.scale_max, items) if items else None
    return grounds, forms, instrument


BUILDERS: list[Callable[[Demo], None]] = [
    build_organisations, build_people, build_employments, build_courses, build_active,
    build_meetings, build_participations, build_pairs, build_sessions, build_external,
]


# The demo municipality's own list of grounds: the shipped general preset, whose texts name
# the municipality by the genitive set here (never another municipality's name).
DEMO_PRESET = "general"
DEMO_GENITIVE = {"municipality": "Заречного муниципального округа",
                 "region_settings": "Демонстрационной области"}


def fill(session: Session, scale: Scale, seed: int) -> bool:
    """Fill a fresh database; True when the deficits were derived from the sessions."""
    settings_service.put(session, {"ground_preset": DEMO_PRESET})  # before its grounds are read
    grounds, forms, instrument = _reference(session)
    demo = Demo(random.Random(seed), scale, grounds, forms, instrument)
    for build in BUILDERS:
        build(demo)
    curators = assign_curators(demo)
    for entity, rows in demo.tables.items():
        _bulk(session, entity, rows)
        if entity is model.Person and curators:
            session.execute(update(model.Organisation), curators)
    if demo.instrument is not None:
        _bulk(session, model.Answer, (a for s in demo.tables[model.DiagnosticSession]
                                      if s["instrument_id"] for a in _answers(demo, s)))
    settings_service.put(session, {
        **demo.cat["municipality"],
        **(demo.cat[scale.settings] if scale.settings != "municipality" else {}),
        "municipality_genitive": DEMO_GENITIVE.get(scale.settings, DEMO_GENITIVE["municipality"])})
    return _derive_deficits(session, demo)


def _derive_deficits(session: Session, demo: Demo) -> bool:
    """Stored area means and deficits derived from the sessions, as the program derives them
    (rebuild_deficits numbers the rows in a fixed order, so the same seed gives the same ids)."""
    from desktop_app.services import diagnostics

    session.flush()
    diagnostics.store_area_scores(session)
    diagnostics.rebuild_deficits(session)
    _link_programmes(session, demo)
    _routes(session)
    diagnostics.refresh_states(session)
    return True


ROUTES_SHARE, ROUTES_MAX = 0.03, 300


def _routes(session: Session) -> None:
    """ИОМ of a few people with at least three open deficits, drafted as the program drafts
    them (every seventh such person, at most 3 % of the people and 300 in all)."""
    from desktop_app.services import routes

    people = session.scalar(select(func.count()).select_from(model.Person)) or 0
    open_deficits = (
        select(model.Deficit.person_id)
        .where(model.Deficit.state != "overcome")
        .group_by(model.Deficit.person_id)
        .having(func.count() >= 3)
        .order_by(model.Deficit.person_id)
    )
    limit = min(int(people * ROUTES_SHARE), ROUTES_MAX)
    chosen = list(session.scalars(open_deficits))[::7][:limit]
    start = REFERENCE - timedelta(days=45)
    for person_id in chosen:
        draft = routes.draft_route(session, person_id, start)
        routes.save_route(session, person_id, draft.start_date, draft.end_date, "active",
                          draft.items)


def _link_programmes(session: Session, demo: Demo) -> None:
    """Programmes target up to three deficits their mentees had when the pair started."""
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for person_id, found_on, deficit_id in session.execute(
        select(model.Deficit.person_id, model.Deficit.found_on, model.Deficit.id)
        .order_by(model.Deficit.person_id, model.Deficit.found_on, model.Deficit.id)
    ):
        found[person_id].append((found_on, deficit_id))
    pairs = {p["id"]: p for p in demo.tables[model.Pair]}
    links = []
    for programme in demo.tables[model.Programme]:
        pair = pairs[programme["pair_id"]]
        limit = pair["start_date"] + timedelta(days=30)
        for mentee in pair["_mentees"]:
            ids = [d for day, d in found[mentee["id"]] if day <= limit][:3]
            links += [{"programme_id": programme["id"], "deficit_id": d} for d in ids]
    _bulk(session, model.ProgrammeDeficit, links)


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every table of the demo, by table name."""
    names = [t.name for t in model.Base.metadata.sorted_tables]
    return {
        n: int(session.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()) for n in names
    }


def _remove(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            candidate.unlink()


def write_demo(path: Path, scale: str | Scale = "municipality", seed: int = 1) -> DemoCounts:
    """Write a demo database to path (a temp file next to it, renamed when complete).

    The same seed gives the same database; the scale only changes the counts.
    """
    path = Path(path)
    size = resolve_scale(scale)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    _remove(part)
    db = open_database(part, create=True)
    try:
        with db.sessions(info={"changelog": False}) as session:
            rebuilt = fill(session, size, seed)
            session.commit()
            counts = table_counts(session)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        db.dispose()
        _remove(part)
        raise
    db.dispose()
    # A -wal or -shm left beside the target by an earlier file would be applied to the new one
    # and damage it: the replaced file takes its sidecars with it.
    for sidecar in ("-wal", "-shm", "-journal"):
        Path(f"{path}{sidecar}").unlink(missing_ok=True)
    os.replace(part, path)
    return DemoCounts(counts, rebuilt)
