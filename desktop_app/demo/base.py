"""The demo's shared ground: its «today» (REFERENCE), the Row type, the scales (Scale, SCALES,
resolve_scale), the counts write_demo returns, the JSON data lists under resources/demo, the small
random helpers every builder draws with (a day in a span, a weighted pick, a working day) and Demo,
the in-memory holder of every table's rows with their explicit ids and the one random source."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from desktop_app import model, paths

# "Today" of the demo: every status and date is consistent as of this day.
REFERENCE = date(2026, 11, 1)
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
    # mentors of long standing: each gets pairs of the school years before the current ones
    # (demo/recognition.py), so that someone meets the five years of Указ № 94
    veterans: int = 0


SCALES: dict[str, Scale] = {
    "municipality": Scale(organisations=30, people=900, active=40, pairs=150, sessions=480,
                          veterans=2),
    "region": Scale(organisations=600, people=30_000, active=1_300, pairs=10_000, sessions=40_000,
                    settings="region_settings", veterans=40),
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
def random_day(start: date, end: date, rng: random.Random) -> date:
    """A random day in [start, end]."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def weighted(pairs: Sequence[Sequence[Any]], rng: random.Random) -> Any:
    """Pick the first element of a [value, weight] list by weight."""
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def working_day(day: date) -> date:
    """Move a Saturday or Sunday to the next Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


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
