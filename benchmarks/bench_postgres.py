"""PostgreSQL beside SQLite on the region-scale demo: the registry's people list, the pairs tab's
list and all six indicators, on the same data in the same run.

The region demo (benchmarks/common.py) is copied into a new database on a PostgreSQL server
started for this run (initdb in a temporary folder, loopback only — as the tests do), then each
figure is the median of several runs on each engine. Goal: PostgreSQL within 2× of SQLite.

    python benchmarks/bench_postgres.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import region_db_path  # noqa: E402
from desktop_app.store.database import Database, open_database  # noqa: E402

GOAL = 2.0


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    action()  # the first run warms the caches and plans of either engine
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def figures(db: Database, repeat: int) -> dict[str, float]:
    from desktop_app.services import indicators, pairs, registry

    year = date.today().year

    def people() -> None:
        with db.sessions() as s:
            registry.list_people(s)

    def pair_list() -> None:
        with db.sessions() as s:
            pairs.list_pairs(s)

    def all_indicators() -> None:
        with db.sessions() as s:
            indicators.compute_indicators(s, year)

    return {
        "реестр: список педагогов (list_people)": median_ms(people, repeat),
        "вкладка «Пары»: список пар (list_pairs)": median_ms(pair_list, repeat),
        "показатели: все шесть (compute_indicators)": median_ms(all_indicators, repeat),
    }


def copy_into(server_url: str, source: Path) -> None:
    """Every table of the region file copied into the server database, ids kept."""
    from sqlalchemy import create_engine

    from desktop_app.exchange.book_copy import copy_tables
    from desktop_app.model import Base

    open_database(server_url).dispose()  # the schema at its head
    read = create_engine(f"sqlite:///{source}")
    write = create_engine(server_url)
    try:
        with read.connect() as r, write.begin() as w:
            copy_tables(r, w, Base.metadata.sorted_tables)
    finally:
        read.dispose()
        write.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description="PostgreSQL рядом с SQLite на данных региона")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from tests import pgserver

    source = region_db_path()
    server = pgserver.start()
    try:
        name = server.create_database()
        url = server.url(name)
        started = time.perf_counter()
        copy_into(url, source)
        print(f"База региона скопирована на сервер PostgreSQL за "
              f"{time.perf_counter() - started:.1f} с")
        file_db = open_database(source, read_only=True)
        server_db = open_database(url)
        try:
            on_file = figures(file_db, args.repeat)
            on_server = figures(server_db, args.repeat)
        finally:
            file_db.dispose()
            server_db.dispose()
    finally:
        server.stop()
    worst = 0.0
    for what, base in on_file.items():
        ratio = on_server[what] / base
        worst = max(worst, ratio)
        print(f"{what}: SQLite {base:.0f} мс, PostgreSQL {on_server[what]:.0f} мс — "
              f"{ratio:.2f}× (цель ≤ {GOAL:g}×)")
    print("в норме" if worst <= GOAL else "ХУЖЕ ЦЕЛИ")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
