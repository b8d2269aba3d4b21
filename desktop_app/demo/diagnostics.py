"""Diagnostics of the demo: self-assessment sessions (members on their diagnosis day, ≈ 40 % of the
others in the autumn campaigns, then re-diagnoses), every session's answers drawn from the
person's own level in each competence area, and a few teachers' external assessment results."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from desktop_app import model
from desktop_app.demo.base import REFERENCE, Demo, Row, random_day, working_day
from desktop_app.model.enums import SessionKind

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
        day = max(random_day(*_CAMPAIGNS[year], rng), person["ped_experience_start"])
        if day < REFERENCE:
            first.append((person, working_day(day) if working_day(day) < REFERENCE else day))
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
                _session(demo, person, working_day(random_day(*_CAMPAIGNS[year], rng)), round_)


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


def session_answers(demo: Demo, session_row: Row) -> Iterable[Row]:
    assert demo.instrument is not None
    bits, noise = demo.rng.getrandbits, _noise()
    _, low, high, items = demo.instrument
    profile = dict(_profile(demo, session_row["_person"]))
    # _shift: a session of years ago (demo/recognition.py) finds the person weaker than now
    shift = session_row.get("_shift", 0.0)
    for area, level in profile.items():
        growth = session_row["_round"] * (0.45 if level < 3.3 else 0.1)
        profile[area] = level + growth + shift
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
        day = working_day(random_day(date(2024, 3, 1), date(2025, 4, 30), rng))
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
