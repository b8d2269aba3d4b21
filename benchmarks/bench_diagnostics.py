"""Region-scale timings of diagnostics: migration, rebuild, heat table, mentor suggestions.

Run: python benchmarks/bench_diagnostics.py [--fresh] [--db FILE]. Uses benchmarks/common.py
region_db_path() when it exists, otherwise builds its own file (30 000 people, 300 ОО,
~40 000 sessions of the built-in instrument) in the data folder and reuses it. --db FILE runs
on a copy of your own file (an older revision is upgraded and the upgrade timed).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import with_name_keys  # noqa: E402
from desktop_app.model import (  # noqa: E402
    ActiveMember,
    Answer,
    Deficit,
    DiagnosticSession,
    Instrument,
    InstrumentItem,
    Organisation,
    Person,
)
from desktop_app.services.deficit_analysis import export_heat_xlsx, heat_table  # noqa: E402
from desktop_app.services.diagnostics import (  # noqa: E402
    rebuild_deficits,
    store_area_scores,
)
from desktop_app.services.matching import latest_strengths, suggest_mentors  # noqa: E402
from desktop_app.store.database import (  # noqa: E402
    Database,
    current_revision,
    head_revision,
    open_database,
)
from desktop_app.store.engine import make_engine, url_for  # noqa: E402

PEOPLE = 30_000
ORGS = 300
SUBJECTS = ["математика", "русский язык", "история", "физика", "биология", "начальные классы",
            "английский язык", "химия", "информатика", "физическая культура"]
CATEGORIES = ["none", "conformity", "first", "highest"]


def _timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _people(rng: random.Random, org_ids: list[int]) -> list[dict[str, Any]]:
    rows = []
    for n in range(PEOPLE):
        start = date(1985, 9, 1) + timedelta(days=rng.randrange(0, 38 * 365))
        rows.append({
            "last_name": f"Педагог{n}", "first_name": "Мария", "middle_name": "Ивановна",
            "birth_date": date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365)),
            "organisation_id": rng.choice(org_ids), "subject": rng.choice(SUBJECTS),
            "category": rng.choice(CATEGORIES),
            "ped_experience_start": min(start, date(2024, 9, 1)), "is_active": True,
        })
    return rows


def _sessions(rng: random.Random, person_ids: list[int], inst: int,
              items: list[tuple[int, str]], db: Database) -> None:
    """One session for each person in 2023, a second in 2024 for a third of them."""
    with db.engine.begin() as conn:
        next_id = 1
        for pid in person_ids:
            level = {a: rng.gauss(3.6, 0.7) for a in {area for _, area in items}}
            dates = [date(2023, 3, 1) + timedelta(days=rng.randrange(200))]
            if pid % 3 == 0:
                dates.append(date(2024, 3, 1) + timedelta(days=rng.randrange(200)))
            for on in dates:
                conn.execute(insert(DiagnosticSession), [{
                    "id": next_id, "person_id": pid, "instrument_id": inst, "kind": "self",
                    "session_date": on, "procedure": "Самооценка", "note": "",
                }])
                conn.execute(insert(Answer), [
                    {"session_id": next_id, "item_id": item,
                     "score": max(1, min(5, round(level[area] + rng.gauss(0, 0.6))))}
                    for item, area in items
                ])
                next_id += 1
                for area in level:
                    level[area] += rng.gauss(0.3, 0.3)
    with db.sessions.begin() as s:
        store_area_scores(s)


def build_region(path: Path) -> None:
    """Bulk-insert a region: 300 ОО, 30 000 people, ~40 000 self-assessments, a small active."""
    rng = random.Random(20240901)
    db = open_database(path)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(Organisation), [
                {"short_name": f"МБОУ СОШ № {n}", "full_name": f"Школа {n}"}
                for n in range(1, ORGS + 1)
            ])
        with db.sessions() as s:
            org_ids = list(s.scalars(select(Organisation.id)))
            inst = s.scalar(select(Instrument.id).where(Instrument.code == "self_assessment"))
            items = [(r[0], r[1]) for r in s.execute(
                select(InstrumentItem.id, InstrumentItem.area)
                .where(InstrumentItem.instrument_id == inst))]
        with db.engine.begin() as conn:
            conn.execute(insert(Person), with_name_keys(_people(rng, org_ids)))
        with db.sessions() as s:
            person_ids = list(s.scalars(select(Person.id).order_by(Person.id)))
        with db.engine.begin() as conn:
            conn.execute(insert(ActiveMember), [
                {"person_id": pid, "status": "included"} for pid in person_ids[::50]
            ])
        _sessions(rng, person_ids, inst, items, db)
    finally:
        db.dispose()


def region_path(fresh: bool) -> Path:
    try:
        from benchmarks.common import region_db_path  # type: ignore[import-not-found]

        return Path(region_db_path())
    except ImportError:
        pass
    path = Path(tempfile.gettempdir()) / "metodaktiv_bench_diagnostics.sqlite"
    if fresh and path.exists():
        path.unlink()
    if not path.exists():
        start = time.perf_counter()
        build_region(path)
        print(f"построение данных региона: {time.perf_counter() - start:.1f} с")
    return path


def _open_timed(path: Path) -> Database:
    engine = make_engine(url_for(path))
    revision = current_revision(engine)
    engine.dispose()
    start = time.perf_counter()
    db = open_database(path)
    took = time.perf_counter() - start
    if revision != head_revision():
        print(f"обновление базы с ревизии {revision} до {head_revision()} (с резервной копией): "
              f"{took:.1f} с")
    return db


def _bench_rebuild(db: Database) -> None:
    with db.sessions() as s:
        took, res = _timed(lambda: rebuild_deficits(s), repeat=1)
        print(f"rebuild_deficits (повторный, без изменений): {took:.2f} с, {res}")
        for table in ("programme_deficits", "route_items", "deficits"):
            s.execute(text(f"DELETE FROM {table}"))
        took, res = _timed(lambda: rebuild_deficits(s), repeat=1)
        print(f"rebuild_deficits (с нуля, все педагоги; откатывается): {took:.2f} с, "
              f"создано {res.created}")
        s.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="построить данные заново")
    parser.add_argument("--db", type=Path, help="файл базы (будет обновлён до текущей ревизии)")
    args = parser.parse_args()
    db = _open_timed(args.db if args.db else region_path(args.fresh))
    with db.sessions() as s:
        people = s.scalar(select(func.count()).select_from(Person))
        sessions = s.scalar(select(func.count()).select_from(DiagnosticSession))
        print(f"педагогов: {people}, сессий: {sessions}")
    with db.sessions.begin() as s:
        if not s.scalar(select(func.count()).select_from(Deficit)):
            took, res = _timed(lambda: rebuild_deficits(s), repeat=1)
            print(f"rebuild_deficits (первый, все педагоги): {took:.2f} с, создано {res.created}")
    _bench_rebuild(db)
    with db.sessions() as s:
        _bench_heat(s)
        _bench_suggestions(s, db.path)
    db.dispose()


def _bench_heat(s: Any) -> None:
    baseline, _ = _timed(lambda: s.execute(text(
        "SELECT p.organisation_id, d.area, count(*) FROM deficits d "
        "JOIN people p ON p.id = d.person_id GROUP BY 1, 2")).all())
    print(f"база: один GROUP BY дефицитов по ОО и области: {baseline * 1000:.0f} мс")
    for by in ("organisation", "subject", "category", "experience"):
        took, table = _timed(lambda by=by: heat_table(s, by, date(2024, 12, 31)))
        print(f"тепловая таблица «{table.title}» ({len(table.rows)} строк): "
              f"{took * 1000:.0f} мс, ×{took / baseline:.1f} к базе (цель ≤ 1000 мс)")
    tables = [heat_table(s, by) for by in ("organisation", "subject", "category", "experience")]
    took, _ = _timed(lambda: export_heat_xlsx(
        tables, Path(tempfile.gettempdir()) / "bench_heat.xlsx"), repeat=1)
    print(f"выгрузка четырёх таблиц в xlsx: {took * 1000:.0f} мс")


# The area means of everyone's latest self-assessment from every answer: the way revision 0001
# had to compute them, kept here as the same-run baseline of the stored means.
FROM_ANSWERS = """
SELECT r.pid, i.area FROM (
  SELECT id AS sid, person_id AS pid, row_number() OVER (PARTITION BY person_id
         ORDER BY session_date DESC, id DESC) AS n
  FROM diagnostic_sessions WHERE kind = 'self') AS r
JOIN answers a ON a.session_id = r.sid JOIN instrument_items i ON i.id = a.item_id
WHERE r.n = 1 GROUP BY r.pid, i.area HAVING round(avg(a.score), 6) >= 4.5
"""


def _bench_suggestions(s: Any, path: Path) -> None:
    mentees = list(s.scalars(select(Deficit.person_id).where(Deficit.state != "overcome")
                             .group_by(Deficit.person_id).limit(5)))
    baseline, _ = _timed(lambda: s.execute(text(
        "SELECT person_id, max(session_date) FROM diagnostic_sessions GROUP BY person_id")).all())
    print(f"база: последняя сессия каждого педагога (один GROUP BY): {baseline * 1000:.0f} мс")
    old, _ = _timed(lambda: s.execute(text(FROM_ANSWERS)).all())
    print(f"сильные стороны из всех ответов (как до ревизии 0002): {old * 1000:.0f} мс")
    took, _ = _timed(lambda: latest_strengths(s))
    print(f"сильные стороны всех педагогов из хранимых средних: {took * 1000:.0f} мс, "
          f"×{took / old:.2f} к расчёту из ответов")
    if mentees:
        first = _first_in_new_process(path, mentees[0])
        print(f"первый подбор наставников в новом процессе: {first * 1000:.0f} мс, "
              f"×{first / baseline:.1f} к базе (цель ≤ 200 мс)")
    for pid in mentees:
        took, found = _timed(lambda pid=pid: suggest_mentors(s, pid))
        print(f"подбор наставников для педагога {pid}: {took * 1000:.0f} мс, "
              f"{len(found)} предложений, ×{took / baseline:.1f} к базе (цель ≤ 200 мс)")
    if found:
        print(f"  пример: {found[0].name}, {found[0].organisation} — {found[0].reason}")


# The first suggestion of a fresh process (nothing imported, compiled or read before it).
FIRST = """
import sys, time
from desktop_app.services.matching import suggest_mentors
from desktop_app.store.database import open_database
db = open_database(sys.argv[1])
with db.sessions() as s:
    start = time.perf_counter()
    suggest_mentors(s, int(sys.argv[2]))
    print(time.perf_counter() - start)
db.dispose()
"""


def _first_in_new_process(path: Path, mentee: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", FIRST, str(path), str(mentee)], capture_output=True, text=True,
        encoding="utf-8", check=True, cwd=Path(__file__).resolve().parent.parent,
    )
    return float(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
