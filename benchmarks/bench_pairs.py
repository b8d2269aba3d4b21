"""Region-scale timings of the «Пары» tab: opening it and filtering, beside same-run baselines.

Run: python benchmarks/bench_pairs.py [--fresh]. Uses benchmarks/common.py region_db_path()
when it exists and holds at least 5 000 pairs, otherwise builds its own file (300 ОО,
30 000 people, 10 000 pairs and groups with programmes and plans) with bulk Core inserts in
the temp folder and reuses it. Goals: opening the tab ≤ 300 ms; a filter ≤ 100 ms (median).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from benchmarks.common import with_name_keys  # noqa: E402
from desktop_app.model import (  # noqa: E402
    MentorshipForm,
    Organisation,
    Pair,
    PairDirectionLink,
    PairMentee,
    Person,
    PlanItem,
    Programme,
)
from desktop_app.store.database import open_database  # noqa: E402

PEOPLE = 30_000
ORGS = 300
PAIRS = 10_000
STATUSES = ["planned", "active", "active", "active", "completed", "ended_early"]
DIRECTIONS = ["subject", "methods", "upbringing", "lessons", "psychology", "parents"]
TODAY = date.today()


def median_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _people(rng: random.Random, org_ids: list[int]) -> list[dict[str, Any]]:
    rows = []
    for n in range(PEOPLE):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 42 * 365))
        start = born + timedelta(days=rng.randrange(21 * 365, 24 * 365))
        rows.append({
            "last_name": f"Педагогова{n}", "first_name": rng.choice(["Анна", "Ольга", "Ирина"]),
            "middle_name": "Сергеевна", "birth_date": born,
            "organisation_id": rng.choice(org_ids),
            "ped_experience_start": min(start, TODAY), "position": "учитель",
        })
    return rows


def _pairs(rng: random.Random, person_ids: list[int], form_ids: list[int]) -> list[dict]:
    rows = []
    for n in range(1, PAIRS + 1):
        start = TODAY - timedelta(days=rng.randrange(-120, 900))
        rows.append({
            "id": n, "mentor_id": rng.choice(person_ids), "form_id": rng.choice(form_ids),
            "start_date": start, "end_date": start + timedelta(days=rng.randrange(92, 364)),
            "status": rng.choice(STATUSES), "order_number": f"{rng.randrange(1, 400)}-о",
            "level": rng.choice(["organisation", "municipal"]),
            "updated_at": datetime.now() - timedelta(days=rng.randrange(0, 400)),
        })
    return rows


def build_region(path: Path) -> None:
    """Bulk-insert 300 ОО, 30 000 people, 10 000 pairs (a fifth are groups), plans."""
    rng = random.Random(20250901)
    db = open_database(path)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(Organisation), [
                {"short_name": f"МБОУ СОШ № {n}", "full_name": f"Школа {n}"}
                for n in range(1, ORGS + 1)])
        with db.sessions() as s:
            org_ids = list(s.scalars(select(Organisation.id)))
            form_ids = list(s.scalars(select(MentorshipForm.id)))
        with db.engine.begin() as conn:
            conn.execute(insert(Person), with_name_keys(_people(rng, org_ids)))
        with db.sessions() as s:
            person_ids = list(s.scalars(select(Person.id)))
        pair_rows = _pairs(rng, person_ids, form_ids)
        mentees, directions, programmes, plan = [], [], [], []
        for row in pair_rows:
            group = rng.sample(person_ids, 1 if rng.random() < 0.8 else rng.randrange(2, 5))
            mentees += [{"pair_id": row["id"], "person_id": p} for p in group
                        if p != row["mentor_id"]] or [{"pair_id": row["id"],
                                                       "person_id": person_ids[0]}]
            directions += [{"pair_id": row["id"], "direction": d}
                           for d in rng.sample(DIRECTIONS, rng.randrange(1, 3))]
            programmes.append({"id": row["id"], "pair_id": row["id"], "goal": "Адаптация"})
            plan += [{"programme_id": row["id"], "position": i, "activity": f"Мероприятие {i}",
                      "deadline": row["start_date"] + timedelta(days=20 * i),
                      "done": rng.random() < 0.5} for i in range(1, 6)]
        with db.engine.begin() as conn:
            for model, rows in ((Pair, pair_rows), (PairMentee, mentees),
                                (PairDirectionLink, directions), (Programme, programmes),
                                (PlanItem, plan)):
                conn.execute(insert(model), rows)
    finally:
        db.dispose()


def region_path(fresh: bool) -> Path:
    try:
        from benchmarks.common import region_db_path  # type: ignore[import-not-found]

        path = Path(region_db_path())
        db = open_database(path)
        with db.sessions() as s:
            enough = (s.scalar(select(func.count()).select_from(Pair)) or 0) >= 5000
        db.dispose()
        if enough:
            return path
    except ImportError:
        pass
    path = Path(tempfile.gettempdir()) / "metodaktiv_bench_pairs.sqlite"
    if fresh and path.exists():
        path.unlink()
    if not path.exists():
        start = time.perf_counter()
        build_region(path)
        print(f"построение данных региона: {time.perf_counter() - start:.1f} с")
    return path


def bare_query(db: Any) -> int:
    """Baseline: the same rows as raw tuples, no objects, no Python work."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.id, m.last_name, m.first_name, m.middle_name, o.short_name, f.name, "
            "p.status, p.start_date, p.end_date, p.order_number, p.level, p.updated_at "
            "FROM pairs p JOIN people m ON m.id = p.mentor_id "
            "LEFT JOIN organisations o ON o.id = m.organisation_id "
            "JOIN mentorship_forms f ON f.id = p.form_id").fetchall()
        mentees = conn.exec_driver_sql(
            "SELECT pm.pair_id, x.last_name, x.first_name, x.organisation_id "
            "FROM pair_mentees pm JOIN people x ON x.id = pm.person_id").fetchall()
    return len(rows) + len(mentees)


def report(name: str, ours: float, base: float, goal: float) -> None:
    verdict = "в норме" if ours <= goal else "ПРЕВЫШЕНО"
    print(f"{name}: {ours:.1f} мс (цель ≤ {goal:.0f} мс, {verdict}); база {base:.1f} мс; "
          f"отношение {ours / base:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="построить данные заново")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from desktop_app.services import pairs
    from desktop_app.ui.pairs.dialogs import PairDialog
    from desktop_app.ui.pairs.tab import PairsTab

    app = QApplication.instance() or QApplication([])
    db = open_database(region_path(args.fresh))
    with db.sessions() as s:
        counts = [s.scalar(select(func.count()).select_from(m)) for m in (Person, Pair, PairMentee)]
    print(f"педагогов: {counts[0]}, пар: {counts[1]}, связей с наставляемыми: {counts[2]}")

    base, _ = median_ms(lambda: bare_query(db), 5)
    with db.sessions() as s:
        service, rows = median_ms(lambda: pairs.list_pairs(s), 5)
        young, found = median_ms(lambda: pairs.young_without_mentor(s), 5)
    print(f"list_pairs (сервис): {service:.1f} мс; young_without_mentor: {young:.1f} мс "
          f"({len(found)} чел.)")
    def open_tab() -> PairsTab:
        tab = PairsTab(db)
        app.processEvents()
        return tab

    times = []
    for _ in range(5):  # one tab at a time, as in the window
        start = time.perf_counter()
        tab = open_tab()
        times.append((time.perf_counter() - start) * 1000)
        tab.deleteLater()
        app.processEvents()
    tab = open_tab()
    report("открытие вкладки «Пары»", statistics.median(times), base, 300)

    filters = _filters(tab, rows)
    plain = [r.id for r in rows]
    base_times, ours_times = [], []
    for setter, check in filters:
        base_times.append(median_ms(
            lambda check=check: [i for i, r in zip(plain, rows, strict=True) if check(r)], 3)[0])
        times = []
        for _ in range(3):
            tab.reset_filter()
            start = time.perf_counter()
            setter()
            times.append((time.perf_counter() - start) * 1000)
            app.processEvents()
        ours_times.append(statistics.median(times))
    report("фильтр (медиана по ОО, форме, статусу, периоду, отметкам)",
           statistics.median(ours_times), statistics.median(base_times), 100)
    print(f"  самый долгий фильтр: {max(ours_times):.1f} мс")
    def open_dialog() -> None:
        PairDialog(db, rows[0].id).deleteLater()
        app.processEvents()

    open_dialog()  # the first opening imports the dialog's modules
    dialog_ms, _ = median_ms(open_dialog, 5)
    report(f"открытие диалога пары (поиск по {counts[0]} педагогам)", dialog_ms, base, 150)
    db.dispose()


def _filters(tab: Any, rows: list[Any]) -> list[tuple[Callable[[], None], Callable[[Any], bool]]]:
    """Each filter as a widget change on the tab and the same test as a plain predicate."""
    org = tab.org_box.itemData(5)
    form = tab.form_box.itemData(2)

    def combo(box: Any, index: int) -> Callable[[], None]:
        return lambda: box.setCurrentIndex(index)

    def badge(button: Any) -> Callable[[], None]:
        return lambda: button.setChecked(True)

    def period() -> None:
        tab.period_check.setChecked(True)

    start, end = (tab.period_from.date().toPython(), tab.period_to.date().toPython())
    return [
        (combo(tab.org_box, 5), lambda r: org in r.org_ids),
        (combo(tab.form_box, 2), lambda r: r.form_id == form),
        (combo(tab.status_box, 2), lambda r: r.status_code == "active"),
        (period, lambda r: r.end_date >= start and r.start_date <= end),
        (badge(tab.ending_badge), lambda r: r.ending_soon),
        (badge(tab.stale_badge), lambda r: r.stale),
    ]


if __name__ == "__main__":
    main()
