"""What every command shares: the refusal exception, a full disk, opening the --db database, dates.

A full disk (ENOSPC, EFBIG, SQLite's «database or disk is full») is told by one message
everywhere: wrap what writes in `with disk_full_guard(target):` (or test an error with
is_disk_full and raise DiskFull(disk_full_text(target))); the backups and the cleanup of
leftovers use it too.

A command that only looks (check, template, indicators, export, report, settings show, orders,
backups, import --dry-run) opens the database with open_db: a missing file is refused, never
created; an older file is refused, never upgraded; and the file is read through connections
that leave it as it was (no journal mode switched, no -wal or -shm left beside it, no backup).
A new empty database is made by one command only: `metodaktiv --db FILE init`.
"""

from __future__ import annotations

import argparse
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import paths
from desktop_app.store.database import (
    Database,
    DatabaseDamaged,
    DatabaseMissing,
    DatabaseRefused,
    check_sqlite_file,
    current_revision,
    head_revision,
    known_revisions,
    refuse_unwritable_place,
    shown_url,
)

# The commands' shared names, re-exported (the "X as X" form says so to mypy and ruff).
from desktop_app.store.diskerrors import (
    DISK_FULL_ERRNOS as DISK_FULL_ERRNOS,
    LOW_ROOM as LOW_ROOM,
    DiskError as DiskError,
    DiskFull as DiskFull,
    UserError as UserError,
    busy_text as busy_text,
    disk_error_text as disk_error_text,
    disk_full_guard as disk_full_guard,
    disk_full_text as disk_full_text,
    file_error_text as file_error_text,
    file_size_limited as file_size_limited,
    is_database_busy as is_database_busy,
    is_disk_error as is_disk_error,
    is_disk_full as is_disk_full,
    os_reason as os_reason,
)
from desktop_app.store.engine import sqlite_path, url_for
from desktop_app.textutil import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Engine

# Told with every refusal of a missing database.
INIT_HINT = "Новая пустая база создаётся командой metodaktiv --db ФАЙЛ init"


def db_target(args: argparse.Namespace) -> str:
    """The --db path or URL, else the user's own database in the data folder."""
    return str(args.db) if getattr(args, "db", None) else str(paths.default_db_path())


def shown_target(args: argparse.Namespace) -> str:
    """The --db database as messages name it: a path, or a URL with its password hidden."""
    target = db_target(args)
    return shown_url(target) if "://" in target else target


def given_db(args: argparse.Namespace) -> str | None:
    """The --db as given, for a command the message tells to type: a path as it is, a URL with
    its password hidden (a password is never printed); None without --db."""
    given = getattr(args, "db", None)
    if not given:
        return None
    return shown_url(given) if "://" in str(given) else str(given)


def missing_text(exc: DatabaseMissing, args: argparse.Namespace) -> str:
    """The refusal of a missing database with the way to make a new one (for this --db)."""
    given = getattr(args, "db", None)
    if given and "://" in str(given):
        example = "metodaktiv --db URL init"
    elif given:
        example = f'metodaktiv --db "{given}" init'
    else:
        example = "metodaktiv init"
    return f"{exc} {INIT_HINT} (для этой базы: {example})."


def open_db(args: argparse.Namespace, read_only: bool = False,
            rollback_only: bool = False) -> Database:
    """The --db database for a command that only looks. Nothing is created, upgraded or
    written: a missing file or an empty database at a URL raises DatabaseMissing; a file of an
    older version of the program is refused (upgrade it with `upgrade`); a damaged one raises
    DatabaseDamaged. Every command gets the same read-only database whatever read_only says
    (the global --read-only is accepted and changes nothing here).

    rollback_only (import --dry-run): its connections may write inside a transaction that the
    caller rolls back — the file is never committed to."""
    del read_only  # a looking database is read-only in any case
    url = url_for(db_target(args))
    path = sqlite_path(url)
    if path is None:
        return _open_url(url)  # a dry run's transaction is rolled back there as well
    if not path.exists():
        raise DatabaseMissing(path)
    check_sqlite_file(path)
    refuse_unwritable_place(path, writing=rollback_only)
    with closing(quiet_connection(path)) as con:
        if con.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            from desktop_app.store.backups import latest_good_backup

            raise DatabaseDamaged(path, latest_good_backup(path))
        require_head(file_revision(con), str(path))
    return _LookingDatabase(url, path, _quiet_engine(path, rollback_only))


def quiet_connection(path: Path, writes: bool = False) -> sqlite3.Connection:
    """A connection to a database file that leaves it as it was: no journal mode switched, and
    once closed no -wal or -shm file left behind (a connection opened with mode=ro leaves them:
    it may not delete them). It cannot write unless writes (then only what is rolled back)."""
    con = sqlite3.connect(path, check_same_thread=False)
    con.create_function("fold", 1, fold, deterministic=True)
    con.execute("PRAGMA busy_timeout=5000")
    con.execute("PRAGMA foreign_keys=ON")
    if not writes:
        con.execute("PRAGMA query_only=ON")
    return con


def file_revision(con: sqlite3.Connection) -> str | None:
    """The schema revision stamped in the file (None without one), read as it is."""
    try:
        rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        return None
    if len(rows) > 1:
        raise DatabaseRefused("В базе данных несколько ревизий схемы: это не база Методактива.")
    return str(rows[0][0]) if rows else None


def require_head(revision: str | None, where: str) -> None:
    """Refuse a database that is not at the program's revision: a newer program's, or an older
    one that needs an upgrade (which a command that only looks never makes)."""
    head = head_revision()
    if revision == head:
        return
    if revision is not None and revision not in known_revisions():
        raise DatabaseRefused(
            f"База данных «{where}» создана более новой версией программы (ревизия "
            f"{revision}). Обновите Методактив; файл оставлен без изменений.")
    raise DatabaseRefused(
        f"База данных «{where}» сделана прежней версией программы (ревизия схемы "
        f"{revision or 'не записана'}, нужна {head}) и требует обновления; эта команда только "
        "читает и базу не меняет. Обновите её командой metodaktiv --db ФАЙЛ upgrade (перед "
        "обновлением делается резервная копия) или откройте в окне программы.")


def _quiet_engine(path: Path, writes: bool) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine("sqlite://", creator=lambda: quiet_connection(path, writes),
                         poolclass=NullPool)


def _open_url(url: str) -> Database:
    """Another database than a file (PostgreSQL): at the head revision, or refused. It is
    looked at first through a plain engine (ours would set a SQLite database's journal mode)."""
    from sqlalchemy import inspect

    from desktop_app.store.engine import make_engine

    engine = plain_engine(url)
    try:
        revision = current_revision(engine)
        if revision is None:
            where = shown_url(url)
            if inspect(engine).get_table_names():
                raise DatabaseRefused(f"В базе данных «{where}» чужие таблицы: это не база "
                                      "Методактива.")
            raise DatabaseMissing(None, f"В базе данных «{where}» нет таблиц Методактива.")
        require_head(revision, shown_url(url))
    finally:
        engine.dispose()
    return _LookingDatabase(url, None, make_engine(url))


def plain_engine(url: str) -> Engine:
    """An engine with no connection kept and nothing done on connecting (a server's
    connection errors told in Russian)."""
    from desktop_app.store.engine import plain_engine as engine_without_pool

    return engine_without_pool(url)


class _LookingDatabase(Database):
    """A database opened to look: everything, the lists' reads too, goes through its engine's
    quiet connections."""

    def __init__(self, url: str, path: Path | None, engine: Engine) -> None:
        super().__init__(url, path, read_only=True, engine=engine)

    def fetch(self, sql: str, params: dict[str, Any] | Sequence[Any] = ()) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.exec_driver_sql(sql, params).fetchall())


def check_year(year: int) -> int:
    """A year the program counts for (indicators, the annual report); UserError with the
    message the indicators give otherwise."""
    from desktop_app.services.indicators import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"Год: ожидается число от {MIN_YEAR} до {MAX_YEAR}, а не «{year}».")
    return year


def check_date(day: date, option: str = "--date") -> date:
    """A date within the years the program counts for; UserError otherwise."""
    from desktop_app.services.indicators import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UserError(f"Дата {day.strftime('%d.%m.')}{day.year:04d} ({option}): год ожидается "
                        f"от {MIN_YEAR} до {MAX_YEAR}.")
    return day


def parse_ru_date(text: str) -> date:
    """ДД.ММ.ГГГГ (also ДД.ММ.ГГ) for argparse; a wrong date is a usage error."""
    for fmt in ("%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"дата «{text}» не в формате ДД.ММ.ГГГГ или невозможна")
