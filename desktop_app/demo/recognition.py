"""Recognition in the demo: a few mentors of long standing (Scale.veterans) get pairs of the
school years 2019/2020–2022/2023 with young specialists of those years who still work, their
mentees a self-assessment at the start and a re-diagnosis a year later (deficits found, then
overcome), so that someone meets the five years of Указ № 94; and the nominations recorded for
them and for others (выдвинут, награждён, отказано). Run after every other builder, so the draws
of the rest of the demo stay as they were."""

from __future__ import annotations

from datetime import date, timedelta

from desktop_app import model
from desktop_app.demo.active import eligible
from desktop_app.demo.base import REFERENCE, Demo, Row, working_day
from desktop_app.demo.pairs import _pair
from desktop_app.model.enums import MenteeCategory, NominationResult, SessionKind
from desktop_app.services.pairs import add_months

HISTORY_YEARS = (2019, 2020, 2021, 2022)  # the school years before the current programmes
YOUNG_YEARS = 3  # a young specialist: less than three years of experience at the pair's start
# a session of years ago finds the mentee weaker than now; the re-diagnosis a year later less so
FIRST_SHIFT, SECOND_SHIFT = -0.4, 0.2


def build_recognition(demo: Demo) -> None:
    """The veterans' earlier pairs with their mentees' diagnostics, then the nominations."""
    veterans = _veterans(demo)
    for veteran in veterans:
        for year in HISTORY_YEARS:
            _history_pair(demo, veteran, year)
    _nominations(demo, veterans)


def _veterans(demo: Demo) -> list[Row]:
    """Experienced eligible mentors of the current pairs, chosen by the demo's random source."""
    if not demo.scale.veterans:
        return []
    mentors = {p["mentor_id"] for p in demo.tables[model.Pair]}
    pool = [p for p in demo.people if p["id"] in mentors and eligible(p) and p["_exp"] >= 15]
    return demo.rng.sample(pool, min(demo.scale.veterans, len(pool)))


def _young_then(person: Row, start: date, veteran: Row) -> bool:
    began = person["ped_experience_start"]
    return (
        person["is_active"]
        and not person["_head"]
        and person["id"] != veteran["id"]
        and start - timedelta(days=365 * YOUNG_YEARS - 30) <= began <= start - timedelta(days=7)
    )


def _history_pair(demo: Demo, veteran: Row, year: int) -> None:
    """A pair of the school year with a young specialist of the veteran's ОО (else of the
    municipality, a municipal pair); none when there was no such young specialist."""
    rng = demo.rng
    start = working_day(date(year, 9, 1) + timedelta(days=rng.randint(0, 14)))
    end = add_months(start, 9) - timedelta(days=1)
    taken = {m["person_id"] for m in demo.tables[model.PairMentee]}
    young = [p for p in demo.people if p["id"] not in taken and _young_then(p, start, veteran)]
    own = [p for p in young if p["organisation_id"] == veteran["organisation_id"]]
    municipality = {o["id"]: o["municipality_id"] for o in demo.orgs}
    home = municipality[veteran["organisation_id"]]
    near = [
        p
        for p in young
        if p["_kind"] == veteran["_kind"] and municipality[p["organisation_id"]] == home
    ]
    pool = own or near
    if not pool:
        return
    mentee = rng.choice(pool)
    _pair(demo, veteran, [mentee], MenteeCategory.YOUNG, not own, (start, end))
    _diagnostics(demo, mentee, start)


def _diagnostics(demo: Demo, mentee: Row, start: date) -> None:
    """The mentee's self-assessment at the pair's start and the re-diagnosis a year later."""
    if demo.instrument is None:
        return
    first = working_day(start + timedelta(days=demo.rng.randint(5, 20)))
    for day, shift, note in (
        (first, FIRST_SHIFT, ""),
        (working_day(first + timedelta(days=364)), SECOND_SHIFT, "повторная диагностика"),
    ):
        demo.add(
            model.DiagnosticSession,
            {
                "id": None,
                "person_id": mentee["id"],
                "instrument_id": demo.instrument[0],
                "kind": SessionKind.SELF.value,
                "session_date": day,
                "procedure": demo.cat["self_procedure"] + f", {day.year}",
                "note": note,
                "_person": mentee,
                "_round": 0,
                "_shift": shift,
            },
        )


def _nominations(demo: Demo, veterans: list[Row]) -> None:
    """The first veteran put forward for the знак «За наставничество» and the regional contest,
    the second awarded in the municipal contest, another mentor refused a departmental sign."""
    if not veterans:
        return
    first = veterans[0]
    _nominate(
        demo,
        first,
        "za_nastavnichestvo",
        date(2026, 10, 12),
        NominationResult.NOMINATED,
        "представление направлено в управление образования",
    )
    _nominate(
        demo,
        first,
        "luchshie_praktiki",
        date(2026, 3, 16),
        NominationResult.NOMINATED,
        "практика направлена на региональный этап",
    )
    second = veterans[1] if len(veterans) > 1 else first
    _nominate(
        demo,
        second,
        "luchshiy_nastavnik",
        date(2025, 4, 14),
        NominationResult.AWARDED,
        "победитель муниципального конкурса",
    )
    chosen = {v["id"] for v in veterans}
    others = sorted({p["mentor_id"] for p in demo.tables[model.Pair]} - chosen)
    if others:
        chosen_id = demo.rng.choice(others)
        person = next(p for p in demo.people if p["id"] == chosen_id)
        _nominate(
            demo,
            person,
            "pochetny_nastavnik",
            date(2025, 11, 10),
            NominationResult.REFUSED,
            "недостаточно лет наставнической деятельности",
        )


def _nominate(
    demo: Demo, person: Row, award: str, day: date, result: NominationResult, note: str
) -> None:
    if day <= REFERENCE:
        demo.add(
            model.Nomination,
            {
                "id": None,
                "person_id": person["id"],
                "award": award,
                "nominated_on": day,
                "result": result.value,
                "note": note,
            },
        )
