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
import errno
import shutil
import sqlite3
from contextlib import closing, contextmanager
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
from desktop_app.store.engine import final_name, sqlite_path, url_for
from desktop_app.textutil import fold

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sqlalchemy import Engine

# Told with every refusal of a missing database.
INIT_HINT = "Новая пустая база создаётся командой metodaktiv --db ФАЙЛ init"


class UserError(Exception):
    """A refusal to report in Russian with exit code 1 (never a traceback)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# A full disk -----------------------------------------------------------------------------------
# Shared by every command that writes a file (import, export, report, backup, restore, init …):
#     with disk_full_guard(out):
#         write(out)
# turns a full disk met inside into DiskFull (a UserError: the Russian message, exit code 1, no
# traceback), and a disk that failed to write for another reason into DiskError; cli.py's last
# guard tells a full disk met anywhere else the same way. is_disk_full(exc, folder) answers the
# question for an error caught elsewhere (a cleanup that must not stop on it, a dialog).

# ENOSPC: no space left on the device; EFBIG: a file over the size allowed to it (a FAT32 disk's
# 4 GB, a process's RLIMIT_FSIZE); EDQUOT: the user's disk quota (not on Windows).
DISK_FULL_ERRNOS = frozenset(
    code for code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", None)) if code)
# Windows: ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WINDOWS_DISK_FULL = frozenset({39, 112})
# What libraries say of a full disk in their own words: SQLite's SQLITE_FULL (sqlite3 and
# SQLAlchemy pass it on), libxml2's through lxml (openpyxl's write-only sheets).
_FULL_WORDS = ("database or disk is full", "IO_ENOSPC", "IO_EFBIG", "IO_EDQUOT")
# SQLite reports a write refused with EFBIG or EDQUOT (and some ENOSPC: extending the -shm) as
# an I/O error of its own, not as SQLITE_FULL; it is a full disk when the disk is short of room
# or a file size limit is in force, else a disk that failed.
_SQLITE_WRITE_ERRORS = ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_TRUNCATE",
                        "SQLITE_IOERR_FSYNC", "SQLITE_IOERR")
LOW_ROOM = 16 * 1024 * 1024  # bytes free below which a failed write is taken for a full disk


class DiskFull(UserError):
    """A file could not be written for lack of room on its disk; nothing half-written is kept."""


class DiskError(UserError):
    """A file could not be written: the disk failed (removed, damaged, a network share gone)."""


def disk_full_text(target: object) -> str:
    """The refusal when the disk is full while writing target (a file or a database)."""
    return (f"Не хватает места на диске для «{target}»: освободите место и повторите; база "
            "данных не изменена.")


def disk_error_text(target: object) -> str:
    """The refusal when the disk failed while writing target (not for lack of room)."""
    return (f"Не удалось записать на диск для «{target}» (ошибка ввода-вывода: диск отключён, "
            "неисправен или недоступен по сети): проверьте его и повторите; база данных не "
            "изменена.")


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """The error and those it came from: SQLAlchemy's orig, the cause, the context."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        orig = getattr(exc, "orig", None)
        exc = orig if isinstance(orig, BaseException) else (exc.__cause__ or exc.__context__)


def _sqlite_write_error(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and (
        getattr(exc, "sqlite_errorname", "") in _SQLITE_WRITE_ERRORS
        or "disk i/o error" in str(exc).lower())


def is_disk_full(exc: BaseException | None, folder: Path | None = None) -> bool:
    """Whether an error (or one it was raised from) is a full disk: OSError ENOSPC, EFBIG or
    EDQUOT; SQLite's «database or disk is full»; SQLite's write error while the disk (of folder,
    when given) is short of room or a file size limit is in force."""
    for link in _chain(exc):
        if isinstance(link, OSError) and (
                link.errno in DISK_FULL_ERRNOS
                or getattr(link, "winerror", None) in _WINDOWS_DISK_FULL):
            return True
        if getattr(link, "sqlite_errorname", "") == "SQLITE_FULL":
            return True
        if any(words in str(link) for words in _FULL_WORDS):
            return True
        if _sqlite_write_error(link):
            return _short_of_room(folder)
    return False


def is_disk_error(exc: BaseException | None) -> bool:
    """Whether an error (or one it was raised from) is SQLite failing to write to its disk."""
    return any(_sqlite_write_error(link) for link in _chain(exc))


def is_database_busy(exc: BaseException | None) -> bool:
    """Whether an error (or one it was raised from) is SQLite waiting in vain for another
    program's write to end («database is locked»)."""
    return any(getattr(link, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")
               or "database is locked" in str(link) for link in _chain(exc))


def busy_text(target: object) -> str:
    """The refusal when another program kept writing to the database for too long."""
    return (f"База данных «{target}» занята: в неё сейчас пишет другая программа. Повторите, "
            "когда она закончит; база данных не изменена.")


def _short_of_room(folder: Path | None) -> bool:
    if file_size_limited():
        return True
    if folder is None:
        return False
    try:
        return shutil.disk_usage(folder).free < LOW_ROOM
    except OSError:
        return False


def file_size_limited() -> bool:
    """Whether this process may not write files past some size (POSIX RLIMIT_FSIZE, `ulimit
    -f`); never on Windows."""
    try:
        import resource
    except ImportError:
        return False
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return soft != resource.RLIM_INFINITY


def _folder_of(target: object) -> Path | None:
    text = str(target)
    if not text or "://" in text:
        return None
    path = Path(text)
    return path if path.is_dir() else path.parent


@contextmanager
def disk_full_guard(target: object, folder: Path | None = None) -> Iterator[None]:
    """Run the block; a full disk inside becomes DiskFull naming target (its message:
    disk_full_text), a disk that failed to write DiskError (disk_error_text). folder: where the
    room is looked at for SQLite's write errors (by default target's folder). Every other error
    passes on unchanged."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        if is_disk_full(exc, folder or _folder_of(target)):
            raise DiskFull(disk_full_text(target)) from exc
        if is_disk_error(exc):
            raise DiskError(disk_error_text(target)) from exc
        raise


# Why a file could not be opened or written, in Russian (the system's own words are English).
_OS_REASONS = {
    errno.EACCES: "нет прав доступа", errno.EPERM: "нет прав доступа",
    errno.ENOENT: "нет такого файла или папки", errno.EROFS: "диск или папка только для чтения",
    errno.EISDIR: "это папка, а не файл", errno.ENOTDIR: "часть пути — не папка",
    errno.ENAMETOOLONG: "слишком длинное имя файла или пути", errno.EEXIST: "файл уже есть",
    errno.EBUSY: "файл занят другой программой", errno.EINVAL: "недопустимое имя файла",
    errno.EMFILE: "открыто слишком много файлов", errno.ENFILE: "открыто слишком много файлов",
    errno.EIO: "ошибка ввода-вывода: диск неисправен или отключён",
    errno.ELOOP: "слишком много символических ссылок", errno.EXDEV: "файл на другом диске",
    errno.ENODEV: "нет такого устройства", errno.ENXIO: "нет такого устройства",
}
# Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION (a workbook open in Excel)
_WINDOWS_REASONS = {32: "файл открыт в другой программе (например, в Excel): закройте его",
                    33: "файл открыт в другой программе (например, в Excel): закройте его"}


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in Russian (a full disk: see disk_full_text)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINDOWS_REASONS:
        return _WINDOWS_REASONS[winerror]
    if exc.errno in DISK_FULL_ERRNOS:
        return "не хватает места на диске"
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return f"системная ошибка {exc.errno}" if exc.errno else "системная ошибка"


def file_error_text(exc: OSError, target: object | None = None) -> str:
    """The refusal when a file could not be opened, made or written (target, else the file
    the error names)."""
    named = target if target is not None else final_name(exc.filename or "")
    return f"Не удалось открыть или записать «{named}»: {os_reason(exc)}."


def db_target(args: argparse.Namespace) -> str:
    """The --db path or URL, else the user's own database in the data folder."""
    return str(args.db) if getattr(args, "db", None) else str(paths.default_db_path())


def shown_target(args: argparse.Namespace) -> str:
    """The --db database as messages name it: a path, or a URL with its password hidden."""
    target = db_target(args)
    return shown_url(target) if "://" in target else target


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
