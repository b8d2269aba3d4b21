"""check, init and upgrade: look at a database, make a new empty one, bring an older one up."""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from desktop_app import model
from desktop_app.commands.common import (
    UserError,
    db_target,
    file_revision,
    missing_text,
    plain_engine,
    quiet_connection,
)
from desktop_app.commands.progress import Progress, terminal_progress
from desktop_app.store.database import (
    DatabaseMissing,
    DatabaseRefused,
    check_sqlite_file,
    create_database,
    current_revision,
    head_revision,
    known_revisions,
    shown_url,
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
    p = sub.add_parser("check", help="проверить базу: целостность, ревизия схемы, число записей "
                                     "(только чтение)",
                       description="Проверяет базу, ничего не меняя. Файл SQLite: проверка "
                                   "целостности, ревизия схемы, число записей. База на сервере "
                                   "PostgreSQL: ревизия схемы (текущая ли), число записей в "
                                   "каждой таблице, все ли таблицы на месте и нет ли записей со "
                                   "ссылкой на несуществующую запись (по каждому внешнему ключу).")
    p.add_argument("--json", action="store_true", help="вывести результат в JSON")
    p.set_defaults(func=run_check)
    p = sub.add_parser(
        "init", help="создать новую пустую базу (существующий файл не трогается)",
        description="Создаёт новую пустую базу данных в файле --db (или в папке данных): схема "
                    "текущей версии и встроенные справочники. Существующий файл не изменяется: "
                    "команда отказывает. Для URL (PostgreSQL) создаёт таблицы в пустой базе.",
    )
    p.set_defaults(func=run_init)
    p = sub.add_parser(
        "upgrade", help="обновить базу прежней версии программы (перед этим — резервная копия)",
        description="Обновляет схему базы, сделанной прежней версией Методактива, до текущей; "
                    "перед обновлением файл копируется в папку резервных копий.",
    )
    p.set_defaults(func=run_upgrade)


def _counts(execute: Callable[[str], Any], tables: set[str],
            progress: Progress | None = None) -> dict[str, int]:
    """Rows of each counted table the database has (an older revision may lack some)."""
    names = [name for name in COUNTED if name in tables]
    counts: dict[str, int] = {}
    for done, name in enumerate(names, start=1):
        if progress is not None:
            progress(done, len(names) + 1, f"число записей: {name}")
        counts[name] = int(execute(f'SELECT count(*) FROM "{name}"'))
    return counts


def _collect_file(path: Path, progress: Progress | None = None) -> dict[str, Any]:
    check_sqlite_file(path)
    with closing(quiet_connection(path)) as con:
        try:
            if progress is not None:  # the longest step: every page of the file read
                progress(0, 0, "проверка целостности")
            rows = con.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            rows = [(str(exc),)]
        if rows != [("ok",)]:
            found = "; ".join(str(r[0]) for r in rows[:5])
            return {"ok": False, "revision": None, "integrity": found, "counts": {}}
        try:
            revision = file_revision(con)
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts = _counts(lambda sql: con.execute(sql).fetchone()[0], tables, progress)
        except sqlite3.DatabaseError as exc:
            return {"ok": False, "revision": None, "integrity": str(exc), "counts": {}}
    return {"ok": True, "revision": revision, "integrity": "ok", "counts": counts}


def _collect_url(url: str, progress: Progress | None = None) -> dict[str, Any]:
    """A database on a server: the revision, every table's rows, the program's tables present,
    and for every foreign key of the model the rows pointing at a row that is not there
    (SQLAlchemy Core: the same checks on any database)."""
    from desktop_app.store.server_backup import check_server

    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            found = check_server(conn, progress)
    finally:
        engine.dispose()
    if found.revision is None and not found.counts:
        raise DatabaseMissing(None, f"В базе данных «{shown_url(url)}» нет таблиц "
                                    "Методактива.")
    problems = found.problems()
    return {"ok": found.ok, "revision": found.revision,
            "integrity": "ok" if found.ok else "; ".join(problems), "counts": found.counts,
            "checked": found.checked(), "problems": problems, "foreign_keys": found.links,
            "orphans": [{"table": o.table, "columns": list(o.columns), "parent": o.parent,
                         "rows": o.rows} for o in found.orphans],
            "upgrade_needed": found.revision is not None and found.revision != found.head
                              and found.revision in known_revisions()}


def collect(target: str, progress: Progress | None = None) -> dict[str, Any]:
    """Integrity, revision and counts, read without changing anything (an older file is not
    upgraded); progress(done, total, label) hears the steps. Raises DatabaseMissing for a
    missing file, DatabaseRefused for one not ours."""
    url = url_for(target)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseMissing(path)
    report = (_collect_file(path, progress) if path is not None
              else _collect_url(url, progress))
    revision, head = report["revision"], head_revision()
    report["head"] = head
    report.setdefault("upgrade_needed", report["ok"] and revision != head)
    if revision is not None and revision not in known_revisions():
        raise DatabaseRefused(
            f"База данных создана более новой версией программы (ревизия {revision}). "
            "Обновите Методактив; файл оставлен без изменений.")
    if report["ok"] and revision is None:
        report.update(ok=False, integrity="в базе не записана ревизия схемы")
    return report


def _refusal(exc: DatabaseRefused, args: argparse.Namespace) -> str:
    return missing_text(exc, args) if isinstance(exc, DatabaseMissing) else str(exc)


def run_check(args: argparse.Namespace) -> int:
    target = db_target(args)
    try:
        with terminal_progress("шагов") as progress:  # a bar on a terminal only
            report = collect(target, progress)
    except DatabaseRefused as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": _refusal(exc, args)}, ensure_ascii=False))
            return 1
        raise UserError(_refusal(exc, args)) from exc
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    elif "checked" in report:
        _print_server_check(shown_url(target), report)
    else:
        shown = target if "://" not in target else shown_url(target)
        print(f"База данных: {shown}")
        print(f"Целостность: {'в порядке' if report['ok'] else report['integrity']}")
        print(f"Ревизия схемы: {report['revision']}")
        if report["upgrade_needed"]:
            print(f"  база сделана прежней версией программы (нужна ревизия {report['head']}); "
                  "check её не обновляет: metodaktiv --db ФАЙЛ upgrade")
        for name, count in report["counts"].items():
            print(f"  {name}: {count}")
    return 0 if report["ok"] else 1


def _print_server_check(shown: str, report: dict[str, Any]) -> None:
    """What was checked in a database on a server, what was found, every table's rows."""
    print(f"База данных: {shown}")
    print("Проверено:")
    for line in report["checked"]:
        print(f"  {line}")
    if report["ok"]:
        print("Целостность: в порядке")
    else:
        print(f"Целостность: найдены ошибки ({len(report['problems'])}):")
        for line in report["problems"]:
            print(f"  {line}")
    print(f"Ревизия схемы: {report['revision']}")
    if report["upgrade_needed"]:
        print(f"  база сделана прежней версией программы (нужна ревизия {report['head']}); "
              "check её не обновляет: metodaktiv --db URL upgrade")
    print("Записей в таблицах:")
    for name, count in report["counts"].items():
        print(f"  {name}: {count}")


def run_init(args: argparse.Namespace) -> int:
    """Make a new empty database; an existing file (or a URL with tables) is refused."""
    target = db_target(args)
    db = create_database(target)
    try:
        revision = current_revision(db.engine)
    finally:
        db.dispose()
    given = getattr(args, "db", None)
    program = "metodaktiv" + (f' --db "{given}"' if given and "://" not in given else
                              " --db URL" if given else "")
    shown = target if "://" not in target else shown_url(target)
    print(f"Создана новая пустая база данных: {shown}")
    print(f"Ревизия схемы: {revision}; справочники загружены, организаций и педагогов нет.")
    print("Дальше:")
    print(f"  1. реквизиты центра для документов: {program} settings show, затем "
          f'{program} settings set НАСТРОЙКА "значение"')
    print(f"  2. бланки для ОО: {program} template people --out педагоги.xlsx "
          "(и organisations, active, pairs, participations, diagnostics)")
    print(f"  3. заполненные бланки: {program} import ФАЙЛ.xlsx --dry-run, затем без --dry-run")
    print(f"  или откройте базу в окне: {program}")
    return 0


def run_upgrade(args: argparse.Namespace) -> int:
    """Bring a database of an older version up to the head revision, after a backup."""
    from desktop_app.commands.exchange import open_for_writing

    path = sqlite_path(url_for(db_target(args)))
    before: str | None = None
    head = head_revision()
    if path is not None and path.exists():
        check_sqlite_file(path)
        with closing(quiet_connection(path)) as con:
            before = file_revision(con)
        if before == head:  # nothing to do: not even the lock is taken
            print(f"База уже в текущей ревизии схемы {head}: обновлять нечего.")
            return 0
    db = open_for_writing(args, "База не обновлена")
    db.dispose()
    if path is None:  # a URL: its revision was not read before
        print(f"Ревизия схемы базы: {head}.")
        return 0
    print(f"База обновлена до ревизии схемы {head}" + (f" (была {before})." if before else "."))
    for copy in db.backups:
        print(f"Резервная копия до обновления: {copy}")
    return 0
