"""Backups of the database (daily, before migration, import and restore, by hand), restore, and
removing what an interrupted backup or restore left behind.

Where the copies of a database go: backups/ in the data folder for a database that lives there,
else a backups/ folder beside the database. Their names carry the database's file name and its
identity (store/backup.py), so two databases of the same name never list, rotate or restore
each other's copies. Copies named by earlier versions (the file name alone) stay listed for the
database of that file name whose backups folder holds them, and are never rotated away.

A database on a PostgreSQL server is copied with pg_dump into the data folder's backups/ and
restored with pg_restore (store/server_backup.py): backup_now takes either, and its copies are
rotated as a file's are.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop_app.store.backup import (
    BackupError,
    backup_file,
    backups_folder,
    ensure_database_id,
    integrity_ok,
    place_new,
    read_database_id,
    stamp_database_id,
    stamped_name,
)
from desktop_app.store.backup_files import (
    REASONS,
    STALE_PART_SECONDS,
    BackupInfo,
    _found,
    _names_of,
    latest_good_backup,
    list_backups,
    parse_name,
    remove_backup_leftovers,
    remove_leftovers,
)
from desktop_app.store.database import (
    Database,
    DatabaseRefused,
    _load_presets,
    check_sqlite_file,
    current_revision,
    head_revision,
    known_revisions,
    upgrade,
)
from desktop_app.store.engine import make_engine, url_for
from desktop_app.store.leftovers import (
    discard,
    partial_path,
    remove_partials,
)
from desktop_app.store.server_backup import (
    ServerRestoreResult,
    ToolMissing,
    backup_server,
    list_server_backups,
    manifest_path,
    restore_server,
)

log = logging.getLogger(__name__)

DEFAULT_DAILY_KEEP = 10
DEFAULT_MONTHLY_KEEP = 12

__all__ = ["DEFAULT_DAILY_KEEP", "DEFAULT_MONTHLY_KEEP", "REASONS", "STALE_PART_SECONDS",
           "BackupInfo", "RestoreResult", "ServerRestoreResult", "ToolMissing", "backup_now",
           "backup_server", "check_restore_source", "daily_backup", "latest_good_backup",
           "list_backups", "list_server_backups", "parse_name", "remove_backup_leftovers",
           "remove_leftovers", "restore", "restore_server", "rotate", "rotate_server",
           "same_file"]


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the copy of the replaced state and whether the file was upgraded."""

    target: Path
    previous: Path | None
    upgraded_from: str | None


def _path_of(db: Database | Path) -> Path:
    path = db.path if isinstance(db, Database) else Path(db)
    if path is None:
        raise BackupError("Резервная копия делается для базы в файле SQLite и для базы на "
                          "сервере PostgreSQL; эта база — ни то, ни другое.")
    return path


def backup_now(db: Database | Path, reason: str = "manual", folder: Path | None = None,
               now: datetime | None = None) -> Path:
    """Copy the database with the online backup API (checked) into folder or its backups folder.

    The copy is named with the database's file name, its identity (given to it now if it has
    none and may be written), the time to the second and the reason; a second copy in the same
    second gets a number. Automatic copies in the backups folder are rotated afterwards; a folder
    chosen by hand (a USB stick) is never pruned. Raises BackupError with a Russian message.

    A database on a PostgreSQL server is copied with pg_dump (store/server_backup.py) into the
    data folder's backups/ (or folder), rotated the same way; ToolMissing, a BackupError, when
    pg_dump is not installed."""
    if isinstance(db, Database) and db.path is None:
        dest = backup_server(db.url, reason, folder, now=now)
        if folder is None:
            daily, monthly = _keep_settings(db)
            rotate_server(db.url, daily, monthly, keep=dest)
        return dest
    source = _path_of(db)
    writable = not (isinstance(db, Database) and db.read_only)
    identity = ensure_database_id(source) if writable else read_database_id(source)
    dest = _backup(source, reason, identity, folder, now)
    if folder is None and identity is not None:
        daily, monthly = _keep_settings(db)
        rotate(dest.parent, source.stem, daily, monthly, keep=dest, identity=identity)
    return dest


def _backup(source: Path, reason: str, identity: str | None, folder: Path | None = None,
            now: datetime | None = None) -> Path:
    """One checked copy; the backups folder's leftovers of killed copies are removed first."""
    target_folder = folder or backups_folder(source)
    if folder is None:
        remove_backup_leftovers(target_folder)
    else:  # a folder chosen by hand: only partial files of ours whose process is over
        remove_partials(target_folder)
    dest = backup_file(source, target_folder / stamped_name(source, reason, now, identity))
    log.info("backup made: reason=%s size=%d", reason, dest.stat().st_size)
    return dest


def _keep_settings(db: Database | Path) -> tuple[int, int]:
    if not isinstance(db, Database):
        return DEFAULT_DAILY_KEEP, DEFAULT_MONTHLY_KEEP
    from desktop_app.store import settings_store as settings

    try:
        with db.sessions() as session:
            return (settings.get_int(session, "backup_daily_keep", DEFAULT_DAILY_KEEP),
                    settings.get_int(session, "backup_monthly_keep", DEFAULT_MONTHLY_KEEP))
    except Exception:  # noqa: BLE001 - rotation falls back to defaults, never blocks a backup
        return DEFAULT_DAILY_KEEP, DEFAULT_MONTHLY_KEEP


def rotate(folder: Path, stem: str, daily_keep: int, monthly_keep: int,
           keep: Path | None = None, identity: str | None = None) -> list[Path]:
    """Keep every copy of the last daily_keep days with copies and the newest copy of each of
    the last monthly_keep months; delete the other copies of this database (its file name and
    identity: copies of earlier versions, without an identity, are never deleted). Returns
    those deleted."""
    if identity is None:
        return []
    return _prune(_found(folder, _names_of(stem, identity, old_style=False)), daily_keep,
                  monthly_keep, keep)


def rotate_server(url: str, daily_keep: int, monthly_keep: int,
                  keep: Path | None = None) -> list[Path]:
    """rotate for the copies of a server's database (each with its manifest beside it)."""
    deleted = _prune(list_server_backups(url), daily_keep, monthly_keep, keep)
    for copy in deleted:
        manifest_path(copy).unlink(missing_ok=True)
    return deleted


def _prune(backups: list[BackupInfo], daily_keep: int, monthly_keep: int,
           keep: Path | None) -> list[Path]:
    days = sorted({b.made_at.date() for b in backups}, reverse=True)[: max(daily_keep, 1)]
    kept = {b.path for b in backups if b.made_at.date() in days}
    months: dict[tuple[int, int], Path] = {}
    for b in backups:  # newest first: the first seen of a month is its newest
        months.setdefault((b.made_at.year, b.made_at.month), b.path)
    kept.update(list(months.values())[: max(monthly_keep, 0)])
    if keep is not None:
        kept.add(keep)
    deleted = []
    for b in backups:
        if b.path not in kept:
            b.path.unlink(missing_ok=True)
            deleted.append(b.path)
    return deleted


def daily_backup(db: Database, today: date | None = None) -> Path | None:
    """At start: a backup unless one of this database was made today. None when not needed."""
    if db.path is None or db.read_only or not db.path.exists():
        return None
    today = today or date.today()
    if any(b.made_at.date() == today for b in list_backups(db.path)):
        return None
    return backup_now(db, "daily")


# restore -----------------------------------------------------------------------------------
def check_restore_source(source: Path) -> None:
    """Refuse a file that is missing, not ours, or damaged (Russian message)."""
    if not source.exists():
        raise DatabaseRefused(f"Файл «{source}» не найден.")
    check_sqlite_file(source)
    if not integrity_ok(source):
        raise DatabaseRefused(f"Файл «{source}» повреждён: он не прошёл проверку целостности.")


def _bring_copy_to_head(copy: Path, source: Path) -> str | None:
    """Upgrade the temporary copy when it is older; refuse a newer or an empty one."""
    engine = make_engine(url_for(copy))
    try:
        revision = current_revision(engine)
        if revision is None:
            raise DatabaseRefused(f"В файле «{source}» нет данных Методактива.")
        if revision not in known_revisions():
            raise DatabaseRefused(
                f"Копия «{source.name}» сделана более новой версией программы (ревизия "
                f"{revision}). Обновите Методактив, чтобы восстановить её.")
        if revision == head_revision():
            return None
        upgrade(engine)
        _load_presets(engine)
        return revision
    finally:
        engine.dispose()


def _seal(path: Path) -> None:
    """Checkpoint and leave the file in rollback-journal mode, then flush it to the disk."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; os.replace is durable there
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _checkpoint_target(target: Path) -> None:
    """Fold the target's WAL into it so no stale -wal/-shm outlives the replacement."""
    try:
        con = sqlite3.connect(target)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except sqlite3.DatabaseError:
        pass  # a damaged target: it was copied aside, its journal files are removed below
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)


def _save_previous(target: Path, sound: bool, identity: str | None) -> Path | None:
    """The current state copied aside before it is replaced: a checked copy, or (a damaged
    file) the file itself byte for byte so nothing is lost."""
    if not target.exists():
        return None
    if sound:
        return _backup(target, "before-restore", identity)
    return _keep_damaged(target, identity)


def _keep_damaged(target: Path, identity: str | None) -> Path:
    folder = backups_folder(target)
    dest = folder / stamped_name(target, "damaged", None, identity)
    part = partial_path(dest)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, part)
        return place_new(part, dest)
    except OSError as exc:
        discard(part)
        raise BackupError(f"Не удалось сохранить повреждённую базу в «{folder}» перед "
                          f"восстановлением: {exc.strerror or exc}") from exc
    except BaseException:
        discard(part)
        raise


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (also through a link, a hard link or «..»)."""
    try:
        return one.resolve() == other.resolve() or os.path.samefile(one, other)
    except OSError:
        return False


def restore(target: Path, source: Path) -> RestoreResult:
    """Replace the database at target with a checked (and, if older, upgraded) copy of source.

    The current state is backed up first; the replacement is atomic (a temporary file in the
    same folder, fsync, os.replace). The restored file keeps the identity of the database it
    replaces, so its copies stay listed. No connection to target may be open. Raises
    DatabaseRefused or BackupError with a Russian message; target is then unchanged, and no
    temporary file is left (those of an earlier, killed restore are removed first).
    """
    source, target = Path(source).resolve(), Path(target).resolve()
    check_restore_source(source)
    if same_file(source, target):
        raise DatabaseRefused("Нельзя восстановить базу из неё самой: выберите файл копии.")
    remove_leftovers(target)
    sound = target.exists() and integrity_ok(target, quick=True)
    identity = ensure_database_id(target) if sound else read_database_id(target)
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}.tmp")
    discard(tmp)
    try:
        tmp = backup_file(source, tmp)
        upgraded_from = _bring_copy_to_head(tmp, source)
        stamp_database_id(tmp, identity)
        _seal(tmp)
        previous = _save_previous(target, sound, identity)
        _checkpoint_target(target)
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except BaseException:
        discard(tmp)
        raise
    log.info("restore done: upgraded=%s", bool(upgraded_from))
    return RestoreResult(target, previous, upgraded_from)
