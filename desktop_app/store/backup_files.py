"""The copies of a database found in its backups folder (the newest sound one offered when the
file is damaged), and what killed processes left of their copies. Used by store.database and
store.backups (which re-exports these); kept apart so that neither imports the other back."""

from __future__ import annotations

import contextlib
import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app import paths
from desktop_app.store.backup import backups_folder, integrity_ok, read_database_id
from desktop_app.store.leftovers import maker_gone, remove_files, remove_partials
from desktop_app.store.lock import is_stale, lock_path, read_lock

# An unfinished copy of an earlier version («….sqlite.part», no process id in its name) this
# old belongs to a killed process (a live copy keeps writing to it).
STALE_PART_SECONDS = 3600
_STAMP = r"(?P<stamp>\d{4}-\d{2}-\d{2}_\d{6})(?:-(?P<n>\d+))?-(?P<reason>[\w-]+)\.sqlite"
_NAME = re.compile(rf"^(?P<stem>.+?)(?:-(?P<id>[0-9a-f]{{8}}))?-{_STAMP}$")
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


def parse_name(path: Path) -> tuple[str, datetime, str] | None:
    """(stem, moment, reason) from a backup file name, or None for another file."""
    match = _NAME.match(path.name)
    moment = _moment(match)
    if match is None or moment is None:
        return None
    return match["stem"], moment, match["reason"]


def _moment(match: re.Match[str] | None) -> datetime | None:
    if match is None:
        return None
    try:
        return datetime.strptime(match["stamp"], "%Y-%m-%d_%H%M%S")
    except ValueError:
        return None


def _names_of(stem: str, identity: str | None, old_style: bool = True) -> list[re.Pattern[str]]:
    """The names of one database's copies: with its identity, and (old_style) the names of
    earlier versions, which carry the file name alone."""
    patterns = [re.compile(rf"^{re.escape(stem)}-{identity}-{_STAMP}$")] if identity else []
    if old_style:
        patterns.append(re.compile(rf"^{re.escape(stem)}-{_STAMP}$"))
    return patterns


def _found(folder: Path, patterns: list[re.Pattern[str]],
           suffix: str = ".sqlite") -> list[BackupInfo]:
    """The copies in folder whose names (ending in suffix: «.dump» for a server's) match."""
    found = []
    for file in folder.glob(f"*{suffix}"):
        for pattern in patterns:
            match = pattern.match(file.name)
            moment = _moment(match)
            if match is not None and moment is not None:
                with contextlib.suppress(FileNotFoundError):  # rotated away meanwhile
                    found.append(BackupInfo(file, moment, match["reason"], file.stat().st_size))
                break
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def list_backups(db_path: Path | None = None, folder: Path | None = None) -> list[BackupInfo]:
    """The copies of one database in its backups folder (or folder), newest first: those named
    with its file name and identity, and those of earlier versions named with its file name
    alone. Without db_path: every copy in folder (the data folder's backups/ by default)."""
    if db_path is None:
        return _found(folder or paths.backups_dir(), [_NAME])
    db_path = Path(db_path)
    folder = folder or backups_folder(db_path)
    return _found(folder, _names_of(db_path.stem, read_database_id(db_path)))


def latest_good_backup(db_path: Path, folder: Path | None = None) -> Path | None:
    """The newest backup of this database that passes a quick integrity check."""
    for info in list_backups(db_path, folder):
        if info.reason != "damaged" and integrity_ok(info.path, quick=True):
            return info.path
    return None


# leftovers of killed processes ----------------------------------------------------------------
def remove_backup_leftovers(folder: Path, older_than: float = STALE_PART_SECONDS) -> list[Path]:
    """Unfinished copies in a backups folder whose process is over («….<pid>-<n>.part»), and
    those of earlier versions («….sqlite.part», no process id) older than older_than."""
    removed = remove_partials(folder)
    limit = time.time() - older_than
    old = []
    for part in folder.glob("*.sqlite.part*"):
        try:
            if part.stat().st_mtime < limit:
                old.append(part)
        except OSError:
            continue
    return removed + remove_files(old)


def _restore_temporaries(db_path: Path) -> list[Path]:
    """The temporary copies of restores into this database whose process is over."""
    pattern = re.compile(rf"^\.{re.escape(db_path.name)}\.restore-(?P<pid>\d+)\.tmp")
    found = []
    for entry in db_path.parent.glob(f".{_glob_escape(db_path.name)}.restore-*"):
        match = pattern.match(entry.name)
        if match is not None and maker_gone(int(match["pid"]), entry):
            found.append(entry)
    return found


def _glob_escape(name: str) -> str:
    """A file name as a glob pattern that matches it alone."""
    return re.sub(r"([*?[])", r"[\1]", name)


def _held_elsewhere(db_path: Path) -> bool:
    """Whether another computer holds the database (a network share): its temporaries may be
    alive there, whatever their process ids say here."""
    holder = read_lock(lock_path(db_path))
    return (holder is not None and holder.host != socket.gethostname()
            and not is_stale(lock_path(db_path), holder))


def remove_leftovers(db_path: Path) -> list[Path]:
    """Remove what killed processes left of their work on this database: restores' temporary
    copies beside it, partial files of copies, exchange books and documents beside it and in
    its backups folder (only files named as ours whose process is over; never the database's
    own -wal, -shm or -journal, which SQLite recovers itself). Each removal is logged.
    Returns the files removed."""
    db_path = Path(db_path)
    if _held_elsewhere(db_path):
        return []
    removed = (remove_files(_restore_temporaries(db_path))
               + remove_partials(db_path.parent, spare=db_path))
    folder = backups_folder(db_path)
    if folder.is_dir():
        removed += remove_backup_leftovers(folder)
    return removed
