"""People of the demo and their records: staff sizes per ОО, positions and subjects, names (with
female surnames and transliterated e-mails), careers, education, qualification categories, the
courses each took, the jobs each held (some moved from another ОО, a few have left) and the
curator of mentorship each ОО with a Положение gets."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from desktop_app import model
from desktop_app.demo.base import REFERENCE, Demo, Row, random_day, weighted
from desktop_app.model.enums import Category, CourseKind, EducationLevel
from desktop_app.textutil import fio, fold, person_sort_key


# names and dates --------------------------------------------------------------------------
def _years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * 365.25))


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
        position = weighted(demo.cat["positions"][kind], demo.rng)
        jobs.append((position, _subject(demo, position), False))
    return jobs


def _subject(demo: Demo, position: str) -> str:
    if position == "учитель":
        return str(weighted(demo.cat["subjects"], demo.rng))
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
        "consent_date": random_day(date(2023, 1, 10), REFERENCE, rng) if consent else None,
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
        level = weighted([(EducationLevel.BACHELOR, 55), (EducationLevel.MASTER, 25),
                           (EducationLevel.HIGHER, 20)], rng)
    else:
        level = weighted([(EducationLevel.HIGHER, 80), (EducationLevel.SPECIALIST, 20)], rng)
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
    category = weighted(options, rng)
    if category == Category.NONE:
        return category.value, None
    earliest = max(ped_start + timedelta(days=730), REFERENCE - timedelta(days=5 * 365 - 30))
    return category.value, random_day(earliest, REFERENCE - timedelta(days=20), rng)


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
            end = random_day(start, REFERENCE - timedelta(days=5), rng)
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
            moved = random_day(start + timedelta(days=365), REFERENCE - timedelta(days=30), rng)
            _job(demo, person, rng.choice(others)["id"], start, moved - timedelta(days=1))
            person["_moved"], start = moved, moved
        end = None
        if not person["is_manager"] and rng.random() < 0.02:
            end = random_day(max(start, date(2025, 6, 1)), REFERENCE - timedelta(days=5), rng)
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
