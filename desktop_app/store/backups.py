"""Backups of the database (daily, before migration, import and restore, by hand) and restore."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop_app import paths
from desktop_app.store.backup import BackupError, backup_file, integrity_ok
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

log = logging.getLogger(__name__)

DEFAULT_DAILY_KEEP = 10
DEFAULT_MONTHLY_KEEP = 12
# An unfinished copy this old belongs to a killed process (a live copy keeps writing to it).
STALE_PART_SECONDS = 3600
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{4}-\d{2}-\d{2}_\d{6})(?:-(?P<n>\d+))?"
                   r"-(?P<reason>[\w-]+)\.sqlite$")
REASONS = {
    "daily": "ежедневная", "manual": "вручную", "before-import": "перед импортом",
    "before-restore": "перед восстановлением", "damaged": "повреждённая база",
}


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in the backups folder."""

    path: Path
    made_at: datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        if self.reason.startswith("before-upgrade"):
            return "перед обновлением"
        return REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the copy of the replaced state and whether the file was upgraded."""

    target: Path
    previous: Path | None
    upgraded_from: str | None


def _path_of(db: Database | Path) -> Path:
    path = db.path if isinstance(db, Database) else Path(db)
    if path is None:
        raise BackupError("Резервная копия возможна только для базы в файле SQLite.")
    return path


def _unique(folder: Path, stem: str, reason: str, now: datetime) -> Path:
    stamp = now.strftime("%Y-%m-%d_%H%M%S")
    dest = folder / f"{stem}-{stamp}-{reason}.sqlite"
    number = 1
    while dest.exists():
        number += 1
        dest = folder / f"{stem}-{stamp}-{number}-{reason}.sqlite"
    return dest


def backup_now(db: Database | Path, reason: str = "manual", folder: Path | None = None,
               now: datetime | None = None) -> Path:
    """Copy the database with the online backup API (checked) into folder or the backups folder.

    Automatic copies in the backups folder are rotated afterwards; a folder chosen by hand
    (a USB stick) is never pruned. Raises BackupError with a Russian message.
    """
    source = _path_of(db)
    target_folder = folder or paths.backups_dir(source)
    dest = _unique(target_folder, source.stem, reason, now or datetime.now())
    backup_file(source, dest)
    log.info("backup made: reason=%s size=%d", reason, dest.stat().st_size)
    if folder is None:
        daily, monthly = _keep_settings(db)
        rotate(target_folder, source.stem, daily, monthly, keep=dest)
    return dest


def _keep_settings(db: Database | Path) -> tuple[int, int]:
    if not isinstance(db, Database):
        return DEFAULT_DAILY_KEEP, DEFAULT_MONTHLY_KEEP
    from desktop_app.services import settings

    try:
        with db.sessions() as session:
            return (settings.get_int(session, "backup_daily_keep", DEFAULT_DAILY_KEEP),
                    settings.get_int(session, "backup_monthly_keep", DEFAULT_MONTHLY_KEEP))
    except Exception:  # noqa: BLE001 - rotation falls back to defaults, never blocks a backup
        return DEFAULT_DAILY_KEEP, DEFAULT_MONTHLY_KEEP


def parse_name(path: Path) -> tuple[str, datetime, str] | None:
    """(stem, moment, reason) from a backup file name, or None for another file."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        moment = datetime.strptime(match["stamp"], "%Y-%m-%d_%H%M%S")
    except ValueError:
        return None
    return match["stem"], moment, match["reason"]


def list_backups(db_path: Path | None = None, folder: Path | None = None) -> list[BackupInfo]:
    """Backups in the folder (of one database when db_path is given), newest first."""
    folder = folder or paths.backups_dir()
    found = []
    for file in folder.glob("*.sqlite"):
        parsed = parse_name(file)
        if parsed is None or (db_path is not None and parsed[0] != db_path.stem):
            continue
        found.append(BackupInfo(file, parsed[1], parsed[2], file.stat().st_size))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def latest_good_backup(db_path: Path, folder: Path | None = None) -> Path | None:
    """The newest backup of this database that passes a quick integrity check."""
    for info in list_backups(db_path, folder):
        if info.reason != "damaged" and integrity_ok(info.path, quick=True):
            return info.path
    return None


def rotate(folder: Path, stem: str, daily_keep: int, monthly_keep: int,
           keep: Path | None = None) -> list[Path]:
    """Keep every copy of the last daily_keep days with copies and the newest copy of each of
    the last monthly_keep months; delete the other copies of this database. Returns deleted."""
    backups = list_backups(Path(stem + ".sqlite"), folder)
    days = sorted({b.made_at.date() for b in backups}, reverse=True)[: max(daily_keep, 1)]
    kept = {b.path for b in backups if b.made_at.date() in days}
    months: dict[tuple[int, int], Path] = {}
    for b in backups:  # newest first: the first seen of a month is its newest
        months.setdefault((b.made_at.year, b.made_at.month), b.path)
    kept.update(list(months.values())[: max(monthly_keep, 0)])
    if keep is not None:
        kept.add(keep)
    deleted = _remove_stale_parts(folder)
    for b in backups:
        if b.path not in kept:
            b.path.unlink(missing_ok=True)
            deleted.append(b.path)
    return deleted


def _remove_stale_parts(folder: Path, older_than: float = STALE_PART_SECONDS) -> list[Path]:
    """Unfinished copies («….sqlite.part») left by a copy that was killed mid-way."""
    removed = []
    limit = time.time() - older_than
    for part in folder.glob("*.sqlite.part*"):
        try:
            if part.stat().st_mtime < limit:
                part.unlink()
                removed.append(part)
        except FileNotFoundError:
            continue
    return removed


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


def _save_previous(target: Path) -> Path | None:
    if not target.exists():
        return None
    try:
        return backup_now(target, "before-restore")
    except BackupError:
        # The current file is damaged: keep it byte for byte so nothing is lost.
        dest = _unique(paths.backups_dir(), target.stem, "damaged", datetime.now())
        shutil.copy2(target, dest)
        return dest


def restore(target: Path, source: Path) -> RestoreResult:
    """Replace the database at target with a checked (and, if older, upgraded) copy of source.

    The current state is backed up first; the replacement is atomic (a temporary file in the
    same folder, fsync, os.replace). No connection to target may be open. Raises
    DatabaseRefused or BackupError with a Russian message; target is then unchanged.
    """
    source, target = Path(source).resolve(), Path(target).resolve()
    check_restore_source(source)
    if source == target:
        raise DatabaseRefused("Нельзя восстановить базу из неё самой: выберите файл копии.")
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        backup_file(source, tmp)
        upgraded_from = _bring_copy_to_head(tmp, source)
        _seal(tmp)
        previous = _save_previous(target)
        _checkpoint_target(target)
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + "-journal").unlink(missing_ok=True)
        raise
    log.info("restore done: upgraded=%s", bool(upgraded_from))
    return RestoreResult(target, previous, upgraded_from)


def remove_stale_temporaries(target: Path) -> None:
    """Temporary restore copies left by an interrupted restore (never the database itself)."""
    for leftover in target.parent.glob(f".{target.name}.restore-*.tmp*"):
        leftover.unlink(missing_ok=True)
