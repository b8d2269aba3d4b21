"""check: integrity, revision and counts of a database."""

from __future__ import annotations

import argparse
import json
import sqlite3
from typing import Any

from sqlalchemy import func, select, text

from desktop_app import model
from desktop_app.commands.common import UserError, db_target
from desktop_app.store.database import (
    DatabaseRefused,
    check_sqlite_file,
    current_revision,
    open_database,
)
from desktop_app.store.engine import sqlite_path, url_for

COUNTED = {
    "organisations": model.Organisation,
    "people": model.Person,
    "active_members": model.ActiveMember,
    "pairs": model.Pair,
    "programmes": model.Programme,
    "plan_items": model.PlanItem,
    "participations": model.Participation,
    "diagnostic_sessions": model.DiagnosticSession,
    "deficits": model.Deficit,
    "routes": model.Route,
    "meetings": model.Meeting,
    "roadmap_items": model.RoadmapItem,
    "indicator_plans": model.IndicatorPlan,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="проверить базу: целостность, ревизия схемы, число записей")
    p.add_argument("--json", action="store_true", help="вывести результат в JSON")
    p.set_defaults(func=run_check)


def _integrity(url: str) -> str:
    path = sqlite_path(url)
    if path is None:
        return "ok"
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        con.close()
    return "ok" if rows == [("ok",)] else "; ".join(r[0] for r in rows[:5])


def collect(target: str) -> dict[str, Any]:
    """Integrity, revision and counts; raises DatabaseRefused for a file that is not ours."""
    url = url_for(target)
    path = sqlite_path(url)
    if path is not None and path.exists():
        check_sqlite_file(path)
        integrity = _integrity(url)
        if integrity != "ok":
            return {"ok": False, "revision": None, "integrity": integrity, "counts": {}}
    db = open_database(target, create=True)
    try:
        with db.sessions() as session:
            counts = {
                name: session.scalar(select(func.count()).select_from(entity)) or 0
                for name, entity in COUNTED.items()
            }
            quick = session.execute(text("PRAGMA quick_check")).scalar() if path else "ok"
        revision = current_revision(db.engine)
    finally:
        db.dispose()
    return {"ok": quick == "ok", "revision": revision, "integrity": quick, "counts": counts}


def run_check(args: argparse.Namespace) -> int:
    target = db_target(args)
    try:
        report = collect(target)
    except DatabaseRefused as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
            return 1
        raise UserError(str(exc)) from exc
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"База данных: {target}")
        print(f"Целостность: {'в порядке' if report['ok'] else report['integrity']}")
        print(f"Ревизия схемы: {report['revision']}")
        for name, count in report["counts"].items():
            print(f"  {name}: {count}")
    return 0 if report["ok"] else 1
