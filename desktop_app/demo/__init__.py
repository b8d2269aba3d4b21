"""The demo municipality (or region): a believable database built deterministically from a seed.

base holds the shared ground (REFERENCE, Scale, Demo, the random helpers); organisations, people,
active, pairs and diagnostics each build their tables' rows in memory; bulk writes them, deficits
derives what the program derives from them, and build runs it all (BUILDERS, fill, write_demo).
The package's write_demo reads BUILDERS from here at each call, so replacing
desktop_app.demo.BUILDERS (as a test does) changes what is built.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.demo import build
from desktop_app.demo.base import (
    REFERENCE as REFERENCE,
    SCALES as SCALES,
    Demo as Demo,
    DemoCounts as DemoCounts,
    Row as Row,
    Scale as Scale,
    _resource as _resource,
    resolve_scale as resolve_scale,
)
from desktop_app.demo.build import (
    BUILDERS as BUILDERS,
    DEMO_GENITIVE as DEMO_GENITIVE,
    DEMO_PRESET as DEMO_PRESET,
    Builder as Builder,
    fill as fill,
    table_counts as table_counts,
)
from desktop_app.demo.people import female_surname as female_surname, translit as translit


def write_demo(path: Path, scale: str | Scale = "municipality", seed: int = 1) -> DemoCounts:
    """Write a demo database to path (a temp file next to it, renamed when complete).

    The same seed gives the same database; the scale only changes the counts.
    """
    return build.write_demo(path, scale, seed, builders=BUILDERS)
