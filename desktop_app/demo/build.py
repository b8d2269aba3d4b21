"""Building a demo database: the reference rows read from a fresh database (grounds, forms, the
self-assessment tool), the builders run in order on one random source (BUILDERS; their order is
the order of the draws), the rows bulk-written, the settings of the demo municipality or region
put, the derived rows added, and write_demo writing it all to a temp file renamed when complete."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from desktop_app import model
from desktop_app.demo.active import build_active, build_meetings, build_participations
from desktop_app.demo.base import Demo, DemoCounts, Scale, resolve_scale
from desktop_app.demo.bulk import bulk_insert
from desktop_app.demo.deficits import derive_deficits
from desktop_app.demo.diagnostics import build_external, build_sessions, session_answers
from desktop_app.demo.organisations import build_organisations
from desktop_app.demo.pairs import build_pairs
from desktop_app.demo.people import assign_curators, build_courses, build_employments, build_people
from desktop_app.demo.practices import build_practices
from desktop_app.demo.recognition import build_recognition
from desktop_app.model.enums import SessionKind
from desktop_app.services import settings as settings_service
from desktop_app.store.database import open_database


def _reference(session: Session) -> tuple[list[int], dict[str, int], Any]:
    """The grounds of the current preset, the mentorship forms and the self-assessment tool."""
    code = settings_service.get(session, "ground_preset")
    grounds = list(session.scalars(
        select(model.Ground.id).join(model.GroundPreset)
        .where(model.GroundPreset.code == code).order_by(model.Ground.number)))
    forms = dict(session.execute(
        select(model.MentorshipForm.name, model.MentorshipForm.id)
        .order_by(model.MentorshipForm.position, model.MentorshipForm.id)).tuples().all())
    tool = session.execute(
        select(model.Instrument.id, model.Instrument.scale_min, model.Instrument.scale_max)
        .where(model.Instrument.kind == SessionKind.SELF.value)
        .order_by(model.Instrument.id.desc())).first()
    instrument = None
    if tool is not None:
        items = [(r.id, r.area) for r in session.execute(
            select(model.InstrumentItem.id, model.InstrumentItem.area)
            .where(model.InstrumentItem.instrument_id == tool.id)
            .order_by(model.InstrumentItem.position, model.InstrumentItem.id))]
        instrument = (tool.id, tool.scale_min, tool.scale_max, items) if items else None
    return grounds, forms, instrument


Builder = Callable[[Demo], None]

# The order of the builders is the order of the random draws: the same seed, the same database.
BUILDERS: list[Builder] = [
    build_organisations, build_people, build_employments, build_courses, build_active,
    build_meetings, build_participations, build_pairs, build_sessions, build_external,
    build_recognition, build_practices,
]


# The demo municipality's own list of grounds: the shipped general preset, whose texts name
# the municipality by the genitive set here (never another municipality's name).
DEMO_PRESET = "general"
DEMO_GENITIVE = {"municipality": "Заречного муниципального округа",
                 "region_settings": "Демонстрационной области"}


def fill(session: Session, scale: Scale, seed: int,
         builders: Sequence[Builder] | None = None) -> bool:
    """Fill a fresh database; True when the deficits were derived from the sessions
    (builders: BUILDERS unless given)."""
    settings_service.put(session, {"ground_preset": DEMO_PRESET})  # before its grounds are read
    # the demo names its own municipalities (a new database's own one, from the shipped
    # settings, refers to no ОО yet)
    session.execute(delete(cast(Table, model.Municipality.__table__)))
    grounds, forms, instrument = _reference(session)
    demo = Demo(random.Random(seed), scale, grounds, forms, instrument)
    for build in BUILDERS if builders is None else builders:
        build(demo)
    curators = assign_curators(demo)
    for entity, rows in demo.tables.items():
        bulk_insert(session, entity, rows)
        if entity is model.Person and curators:  # a plain UPDATE: the new ОО stay at version 1
            org = cast(Table, model.Organisation.__table__)
            session.execute(
                update(org).where(org.c.id == bindparam("org_id"))
                .values(curator_id=bindparam("curator")),
                [{"org_id": c["id"], "curator": c["curator_id"]} for c in curators])
    if demo.instrument is not None:
        bulk_insert(session, model.Answer, (
            a for s in demo.tables[model.DiagnosticSession]
            if s["instrument_id"] for a in session_answers(demo, s)))
    settings_service.put(session, {
        **demo.cat["municipality"],
        **(demo.cat[scale.settings] if scale.settings != "municipality" else {}),
        "municipality_genitive": DEMO_GENITIVE.get(scale.settings, DEMO_GENITIVE["municipality"])})
    return derive_deficits(session, demo)


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every table of the demo, by table name."""
    names = [t.name for t in model.Base.metadata.sorted_tables]
    return {
        n: int(session.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()) for n in names
    }


def _remove(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            candidate.unlink()


def write_demo(path: Path, scale: str | Scale = "municipality", seed: int = 1,
               builders: Sequence[Builder] | None = None) -> DemoCounts:
    """Write a demo database to path (a temp file next to it, renamed when complete).

    The same seed gives the same database; the scale only changes the counts. builders:
    BUILDERS unless given (desktop_app.demo.write_demo passes the package's own BUILDERS).
    """
    path = Path(path)
    size = resolve_scale(scale)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    _remove(part)
    db = open_database(part, create=True)
    try:
        with db.sessions(info={"changelog": False}) as session:
            rebuilt = fill(session, size, seed, builders)
            session.commit()
            counts = table_counts(session)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        db.dispose()
        _remove(part)
        raise
    db.dispose()
    # A -wal or -shm left beside the target by an earlier file would be applied to the new one
    # and damage it: the replaced file takes its sidecars with it.
    for sidecar in ("-wal", "-shm", "-journal"):
        Path(f"{path}{sidecar}").unlink(missing_ok=True)
    os.replace(part, path)
    return DemoCounts(counts, rebuilt)
