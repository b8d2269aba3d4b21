"""Shared by the benchmarks: the region-scale demo database in benchmarks/out/, built if missing."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _sources() -> list[Path]:
    """What the region demo is made from: a newer source (the generator, its data lists, a
    schema revision) means the file is rebuilt."""
    return [*sorted((ROOT / "desktop_app" / "demo").glob("*.py")),
            *sorted((ROOT / "resources" / "demo").glob("*.json")),
            *sorted((ROOT / "db" / "versions").glob("*.py"))]


def region_file(seed: int = 1) -> Path:
    """Where the region-scale demo of a seed lives (not built)."""
    return OUT / ("region.sqlite" if seed == 1 else f"region-seed{seed}.sqlite")


def region_is_stale(seed: int = 1) -> bool:
    """Missing, or older than the demo generator and its data lists."""
    path = region_file(seed)
    newest = max((p.stat().st_mtime for p in _sources() if p.exists()), default=0.0)
    return not path.exists() or path.stat().st_mtime < newest


def region_db_path(seed: int = 1, rebuild: bool = False) -> Path:
    """The region-scale demo (≈ 600 ОО, 30 000 people), built into benchmarks/out/ if missing
    or older than the demo generator."""
    from desktop_app.demo import write_demo

    path = region_file(seed)
    if rebuild or region_is_stale(seed):
        OUT.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        started = time.perf_counter()
        print(f"Строится демонстрационная база региона: {path} …", flush=True)
        result = write_demo(path, scale="region", seed=seed)
        counts = result.counts
        print(f"  готово за {time.perf_counter() - started:.1f} с: ОО {counts['organisations']}, "
              f"педагогов {counts['people']}, пар {counts['pairs']}, "
              f"диагностик {counts['diagnostic_sessions']}", flush=True)
    return path


if __name__ == "__main__":
    print(region_db_path(rebuild="--rebuild" in sys.argv[1:]))


def with_name_keys(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """People rows for a Core insert with the two keys the program keeps from the names
    (people.search_key and people.sort_key), as its own write paths set them."""
    from desktop_app.textutil import person_key, person_sort_key

    for row in people:
        names = (row["last_name"], row["first_name"], row.get("middle_name", ""))
        row["search_key"], row["sort_key"] = person_key(*names), person_sort_key(*names)
    return people
