"""demo: write a demonstration database (a municipality or a region) from a seed.

--out is a file, or the address of an empty database on a PostgreSQL server (postgresql://…):
the demo is built into a temporary SQLite file as always (the same seed, the same data) and
copied into the server's tables in one transaction (exchange/book_copy.py). A server database
that holds rows is refused and left as it is; its address is shown with the password hidden.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from desktop_app.commands.common import UserError
from desktop_app.commands.exchange import busy_message
from desktop_app.demo import SCALES, DemoCounts, Scale, write_demo
from desktop_app.exchange.book_copy import copy_tables
from desktop_app.exchange.schema import SHEETS
from desktop_app.model import Base
from desktop_app.store.database import (
    Database,
    DatabaseExists,
    DatabaseRefused,
    create_database,
    open_database,
)
from desktop_app.store.engine import hide_password, sqlite_path, url_for
from desktop_app.store.lock import DatabaseBusy, DatabaseLock

SHOWN = {
    "organisations": "организаций",
    "people": "педагогов",
    "courses": "курсов повышения квалификации",
    "employments": "записей о местах работы",
    "participations": "участий в мероприятиях",
    "active_members": "записей методического актива",
    "meetings": "заседаний актива",
    "pairs": "наставнических пар и групп",
    "pair_mentees": "наставляемых в парах",
    "plan_items": "пунктов планов программ",
    "monitorings": "записей мониторинга",
    "satisfactions": "анкет удовлетворённости",
    "diagnostic_sessions": "диагностик",
    "answers": "ответов самодиагностики",
    "deficits": "профессиональных дефицитов",
    "routes": "индивидуальных образовательных маршрутов (ИОМ)",
    "indicator_plans": "плановых значений показателей",
    "practices": "практик наставничества",
}
# The tables a new database gets its presets in (`init`: store/presets_seed.py): a server
# database with rows in these only is empty still — the demo's own presets replace them.
PRESET_TABLES = frozenset({
    "settings", "municipalities", "ground_presets", "grounds", "mentorship_forms",
    "indicator_plans",
    "instruments", "instrument_items", "plan_templates", "plan_template_items", "roadmap_items",
    "awards", "award_conditions",
})


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="создать демонстрационную базу (муниципалитет или регион)")
    p.add_argument("--out", required=True, metavar="ФАЙЛ",
                   help="файл создаваемой базы или адрес пустой базы postgresql://…")
    p.add_argument("--scale", choices=list(SCALES), default="municipality",
                   help="масштаб: municipality (≈ 30 ОО, 900 педагогов) или region "
                        "(≈ 600 ОО, 30 000 педагогов)")
    p.add_argument("--seed", type=int, default=1, metavar="ЧИСЛО",
                   help="число, от которого зависят данные")
    p.add_argument("--force", action="store_true", help="перезаписать существующий файл")
    p.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if "://" in str(args.out):
        return _run_on_server(args)
    return _run_to_file(args, Path(args.out))


def _run_to_file(args: argparse.Namespace, out: Path) -> int:
    if out.is_dir():
        raise UserError(f"«{out}» — это папка; укажите имя файла базы.")
    if out.exists() and not args.force:
        raise UserError(
            f"Файл «{out}» уже существует. Выберите другое имя или добавьте --force, "
            "чтобы перезаписать его."
        )
    if not out.parent.exists():
        raise UserError(f"Папка «{out.parent}» не существует.")
    lock = DatabaseLock(out.resolve())
    if out.exists():  # --force replaces a database: never one open in the window
        try:
            lock.acquire()
        except DatabaseBusy as exc:
            raise UserError(busy_message(exc, "Демонстрационная база не записана")) from exc
    try:
        result = write_demo(out, scale=args.scale, seed=args.seed)
    finally:
        lock.release()
    _say(args, str(out), result)
    return 0


def _say(args: argparse.Namespace, where: str, result: DemoCounts) -> None:
    print(f"Демонстрационная база записана: {where}")
    print(f"Масштаб: {args.scale}, начальное число: {args.seed}")
    for table, label in SHOWN.items():
        print(f"  {label}: {result.counts.get(table, 0)}")


def _run_on_server(args: argparse.Namespace) -> int:
    try:
        url = url_for(args.out)  # refused in Russian, the password hidden
    except DatabaseRefused as exc:
        raise UserError(str(exc)) from exc
    path = sqlite_path(url)
    if path is not None:  # sqlite:///F is a file after all
        return _run_to_file(args, path)
    shown = hide_password(url)
    args.out = shown  # whatever names --out from here on (a failed disk) hides the password
    result = write_demo_to_server(url, args.scale, args.seed)
    _say(args, shown, result)
    return 0


def write_demo_to_server(url: str, scale: str | Scale, seed: int) -> DemoCounts:
    """Write the demo into an empty database at a server URL: built into a temporary SQLite
    file, then every table copied, ids kept, in one transaction — all or nothing (a database
    without tables gets the schema first, as `init` makes it). A database that holds rows
    (besides a new database's presets) is refused before anything is built; UserError."""
    target = _empty_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="metodaktiv-demo-") as folder:
            path = Path(folder) / "demo.sqlite"
            result = write_demo(path, scale=scale, seed=seed)
            source = open_database(path, create=False, read_only=True)
            try:
                with source.engine.connect() as read, target.engine.begin() as write:
                    copy_tables(read, write, Base.metadata.sorted_tables)
            finally:
                source.dispose()
    finally:
        target.dispose()
    return result


def _empty_database(url: str) -> Database:
    """The database at the URL, its schema made if it has no tables; refused (UserError, the
    password hidden) when it holds rows, or is not a database of ours."""
    try:
        database = create_database(url)  # no tables: the schema and the presets, as `init`
    except DatabaseExists:  # tables: ours (brought to the head revision) or another's (refused)
        database = open_database(url, create=False)
    try:
        held = _rows_held(database)
    except BaseException:
        database.dispose()
        raise
    if held:
        database.dispose()
        listed = ", ".join(f"«{SHEETS.get(name, name)}» — {count}" for name, count in held[:3])
        raise UserError(
            f"В базе данных «{hide_password(url)}» уже есть данные (строк в таблицах: {listed}"
            f"{' …' if len(held) > 3 else ''}). Демонстрационная база записывается только в "
            "пустую базу; эта база не изменена.")
    return database


def _rows_held(database: Database) -> list[tuple[str, int]]:
    """(table, rows) of every table with rows, but the presets of a new database."""
    held = []
    with database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in PRESET_TABLES:
                count = int(conn.scalar(select(func.count()).select_from(table)) or 0)
                if count:
                    held.append((table.name, count))
    return held
