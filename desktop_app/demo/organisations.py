"""Organisations of the demo: about half schools, a third kindergartens, the rest supplementary
education, named from the catalogue, with their requisites (the act and programme on mentorship,
address, phone, e-mail) and a few of them marked ШНОР or in difficult social conditions."""

from __future__ import annotations

from datetime import date, timedelta

from desktop_app import model
from desktop_app.demo.base import Demo, Row, random_day, weighted


def _kind_counts(total: int) -> list[str]:
    """≈ half schools, a third kindergartens, the rest supplementary education."""
    general = max(1, round(total * 0.5))
    preschool = max(0, round(total * 0.37))
    additional = max(0, total - general - preschool)
    return ["general"] * general + ["preschool"] * preschool + ["additional"] * additional


def _school_name(demo: Demo, number: int) -> tuple[str, str]:
    templates = demo.cat["general_schools"]
    short, full, _ = weighted([(t, t[2]) for t in templates], demo.rng)
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


def _municipalities(demo: Demo) -> list[tuple[Row, int]]:
    """The municipalities with their shares of the ОО: the demo municipality alone (its own), or
    the region's municipalities (none of them the region database's own)."""
    if demo.scale.settings != "region_settings":
        name = demo.cat["municipality"]["municipality"]
        return [(demo.add(model.Municipality, {"id": None, "name": name, "oktmo": "",
                                               "is_own": True}), 1)]
    return [(demo.add(model.Municipality, {"id": None, "name": m["name"], "oktmo": m["oktmo"],
                                           "is_own": False}), m["share"])
            for m in demo.cat["region_municipalities"]]


def _assign_municipalities(demo: Demo, shares: list[tuple[Row, int]]) -> None:
    """Each ОО to a municipality by the shares, kinds mixed (the next ОО goes where the share is
    least filled; no random draw, so the municipality demo draws as before)."""
    counts = [0] * len(shares)
    for org in demo.orgs:
        pick = min(range(len(shares)), key=lambda i: ((counts[i] + 1) / shares[i][1], i))
        counts[pick] += 1
        org["municipality_id"] = shares[pick][0]["id"]


def build_organisations(demo: Demo) -> None:
    rng, numbers = demo.rng, {"general": 0, "preschool": 0, "additional": 0}
    shares = _municipalities(demo)  # written before the ОО that refer to them
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
    _assign_municipalities(demo, shares)
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
    act_date = random_day(date(2022, 2, 1), date(2025, 12, 20), rng) if has_act else None
    programme = random_day(act_date, act_date + timedelta(days=120), rng) if act_date else None
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
