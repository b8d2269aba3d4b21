"""Indicators at region scale: all six for a year vs one hand-written SQL aggregate each.

Goal: compute_indicators ≤ 300 ms and ≤ 3 × the sum of six hand-written aggregates measured in
the same run. Region data: benchmarks/common.py region_db_path() when it exists, else a database
of 600 ОО, 36 000 people, 8 000 pairs and 40 000 participations bulk-inserted here.

    python benchmarks/bench_indicators.py [--db FILE] [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import with_name_keys  # noqa: E402
from desktop_app.model import (  # noqa: E402
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.services import indicators  # noqa: E402
from desktop_app.store.database import Database, open_database  # noqa: E402

YEAR = 2024
KINDS = ["master_class", "open_lesson", "talk", "publication", "contest", "innovation",
         "experiment"]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def fill(db: Database, orgs: int = 600, per_org: int = 60, pairs: int = 8000,
         participations: int = 40000) -> None:
    """Bulk-insert region-scale data with Core executemany."""
    rng = random.Random(7)
    with db.sessions.begin() as s:
        s.execute(insert(Organisation), [
            {"short_name": f"ОО № {i}", "kind": "general",
             "is_active": i % 40 != 0, "deactivated_on": date(2024, 5, 1) if i % 80 == 0 else None,
             "mentoring_act_date": _day(rng, date(2020, 1, 1), date(2025, 6, 1)) if i % 5 else None,
             "mentoring_programme_date": _day(rng, date(2020, 1, 1), date(2025, 6, 1))
             if i % 3 else None}
            for i in range(1, orgs + 1)
        ])
        org_ids = list(s.scalars(select(Organisation.id)))
        people = []
        for n in range(orgs * per_org):
            start = _day(rng, date(1985, 1, 1), date(2024, 9, 1))
            people.append({
                "last_name": f"Фамилия{n}", "first_name": "Имя", "middle_name": "Отчество",
                "birth_date": _day(rng, date(1960, 1, 1), date(2002, 12, 31)),
                "ped_experience_start": start, "organisation_id": org_ids[n % len(org_ids)],
                "is_active": n % 25 != 0,
                "left_on": date(2024, 8, 31) if n % 50 == 0 else None,
            })
        s.execute(insert(Person), with_name_keys(people))
        person_ids = list(s.scalars(select(Person.id)))
        form_id = s.scalar(select(func.min(MentorshipForm.id)))
        statuses = ["active", "completed", "ended_early", "planned"]
        rows = []
        for _ in range(pairs):
            begin = _day(rng, date(2022, 9, 1), date(2025, 3, 1))
            status = rng.choice(statuses)
            rows.append({
                "mentor_id": rng.choice(person_ids), "form_id": form_id, "start_date": begin,
                "end_date": begin + timedelta(days=270), "status": status,
                "ended_on": begin + timedelta(days=100) if status == "ended_early" else None,
            })
        s.execute(insert(Pair), rows)
        pair_ids = list(s.scalars(select(Pair.id)))
        mentees = {
            (pid, rng.choice(person_ids)) for pid in pair_ids for _ in range(rng.randint(1, 3))
        }
        s.execute(insert(PairMentee), [{"pair_id": p, "person_id": m} for p, m in mentees])
        s.execute(insert(Participation), [
            {"person_id": rng.choice(person_ids), "kind": rng.choice(KINDS), "title": "Событие",
             "event_date": _day(rng, date(2022, 1, 1), date(2025, 12, 31))}
            for _ in range(participations)
        ])


ACTIVE_ORG = "(o.is_active = 1 OR o.deactivated_on > :d)"
ACTIVE_PERSON = f"(p.is_active = 1 OR p.left_on > :d) AND {ACTIVE_ORG}"
PAIR_RAN = ("pr.status != 'planned' AND pr.start_date <= :d "
            "AND coalesce(pr.ended_on, pr.end_date) >= :s")
BASE = "FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE " + ACTIVE_PERSON
YOUNG = "p.birth_date > :d35 AND p.ped_experience_start > :d3"


def _took(kinds: str) -> str:
    return (f"EXISTS (SELECT 1 FROM participations x WHERE x.person_id = p.id AND x.kind IN "
            f"({kinds}) AND x.event_date BETWEEN :s AND :d)")


SHARING = "'master_class','open_lesson','talk','publication','contest'"
INNOVATION = "'innovation','experiment'"
HAND = {
    "I1": (f"SELECT sum(o.mentoring_act_date <= :d), count(*) FROM organisations o "
           f"WHERE {ACTIVE_ORG}"),
    "I2": f"SELECT sum({_took(SHARING)}), count(*) {BASE}",
    "I3": (f"SELECT sum(EXISTS (SELECT 1 FROM pairs pr WHERE pr.mentor_id = p.id AND {PAIR_RAN}) "
           f"OR EXISTS (SELECT 1 FROM pair_mentees m JOIN pairs pr ON pr.id = m.pair_id "
           f"WHERE m.person_id = p.id AND {PAIR_RAN})), count(*) {BASE}"),
    "I4": f"SELECT sum({_took(INNOVATION)}), count(*) {BASE}",
    "I5": (f"SELECT sum(EXISTS (SELECT 1 FROM pair_mentees m JOIN pairs pr ON pr.id = m.pair_id "
           f"WHERE m.person_id = p.id AND {PAIR_RAN})), count(*) {BASE} AND {YOUNG}"),
    "P4": (f"SELECT sum(o.mentoring_programme_date <= :d), count(*) FROM organisations o "
           f"WHERE {ACTIVE_ORG}"),
}


def hand_counts(db: Database, on: date) -> dict[str, tuple[int, int]]:
    params = {"d": on.isoformat(), "s": date(on.year, 1, 1).isoformat(),
              "d35": indicators.years_before(on, 35).isoformat(),
              "d3": indicators.years_before(on, 3).isoformat()}
    with db.engine.connect() as conn:
        return {code: tuple(int(v or 0) for v in conn.execute(text(sql), params).one())
                for code, sql in HAND.items()}  # type: ignore[misc]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    fn()  # warm the caches
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def region_db() -> Path | None:
    try:
        from benchmarks.common import region_db_path  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(region_db_path())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an existing region-scale database")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    target = Path(args.db) if args.db else region_db()
    if target is None:
        target = folder / "region.sqlite"
        db = open_database(target)
        t0 = time.perf_counter()
        fill(db)
        print(f"данные созданы за {time.perf_counter() - t0:.1f} с: {target}")
    else:
        db = open_database(target)
    with db.sessions() as s:
        people = s.scalar(select(func.count()).select_from(Person))
        orgs = s.scalar(select(func.count()).select_from(Organisation))
    print(f"ОО: {orgs}, педагогов: {people}")
    on = date(YEAR, 12, 31)

    def ours() -> list[indicators.IndicatorResult]:
        with db.sessions() as s:
            return indicators.compute_indicators(s, YEAR)

    ours_ms, results = timed(ours, args.repeat)
    hand_ms, hand = timed(lambda: hand_counts(db, on), args.repeat)
    mine = {r.code: (r.a, r.b) for r in results}  # type: ignore[union-attr]
    print(f"compute_indicators (6 показателей): {ours_ms:.1f} мс (цель ≤ 300 мс)")
    print(f"6 ручных SQL-агрегатов:             {hand_ms:.1f} мс")
    ratio = ours_ms / hand_ms
    print(f"отношение: {ratio:.2f} (цель ≤ 3)")
    print("совпадение A и B с ручными запросами:", "да" if mine == hand else f"НЕТ {mine} {hand}")
    ok = ours_ms <= 300 and ratio <= 3 and mine == hand
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
