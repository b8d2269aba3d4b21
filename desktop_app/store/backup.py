"""Copies of a SQLite database made with the online backup API, each checked after writing; the
database's identity carried in its file, the names of its copies and the folder they go to.

The identity is a random number SQLite keeps in the file's header (PRAGMA user_version; not
part of the schema, never read as data): it goes with the file and with every copy made of it,
but not with an exchange book, so a database filled from another one's book keeps its own.
Shown as eight hex digits in the names of the copies:
«<база>-<id>-ГГГГ-ММ-ДД_ЧЧММСС-<причина>.sqlite».
"""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from desktop_app import paths
from desktop_app.store.leftovers import discard, partial_path, remove_partials

log = logging.getLogger(__name__)

_USER_VERSION = slice(60, 64)  # where SQLite keeps PRAGMA user_version in the header
_STAMP = re.compile(r"^(?P<head>.*-\d{4}-\d{2}-\d{2}_\d{6})(?P<tail>-.+)$")


class BackupError(Exception):
    """A backup could not be written or did not pass its check (message in Russian)."""


def integrity_ok(path: Path, quick: bool = False) -> bool:
    """True when SQLite finds the file sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            rows = con.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return rows == [("ok",)]


# identity -----------------------------------------------------------------------------------
def _shown(value: int) -> str | None:
    return f"{value & 0xFFFFFFFF:08x}" if value else None


def read_database_id(path: Path) -> str | None:
    """The database's identity (eight hex digits), None when it has none (a file of an older
    version of the program) or cannot be read. Read from the header, so a damaged file still
    tells it; through SQLite only when the header has none and a -wal may hold it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if len(header) < 100:
        return None
    value = int.from_bytes(header[_USER_VERSION], "big", signed=True)
    if value or not Path(f"{path}-wal").exists():
        return _shown(value)
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return _shown(int(con.execute("PRAGMA user_version").fetchone()[0]))
        finally:
            con.close()
    except sqlite3.Error:
        return None


def ensure_database_id(path: Path) -> str | None:
    """The database's identity, given to it now when it has none (a file of an older version);
    None when the file cannot be written (read-only media) — its copies are then named as
    before, by the file name alone. Two processes giving it at once agree on one."""
    known = read_database_id(path)
    if known is not None:
        return known
    try:
        con = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            value = int(con.execute("PRAGMA user_version").fetchone()[0])
            if not value:
                value = secrets.randbelow(0x7FFFFFFF) + 1
                con.execute(f"PRAGMA user_version={value}")
            con.execute("COMMIT")
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")  # into the header, where it is read
        finally:
            con.close()
    except sqlite3.Error:
        log.warning("the database could not be given its identity (read-only?)")
        return None
    return _shown(value)


def stamp_database_id(path: Path, identity: str | None) -> None:
    """Give a file (a restore's temporary copy) this identity; None leaves it as it is."""
    if identity is None:
        return
    value = int.from_bytes(bytes.fromhex(identity), "big", signed=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute(f"PRAGMA user_version={value}")
    finally:
        con.close()


# names and folders --------------------------------------------------------------------------
def stamped_name(source: Path, reason: str, now: datetime | None = None,
                 identity: str | None = None) -> str:
    """«metodaktiv-3fa9c2d1-2026-11-25_103000-before-upgrade-0007.sqlite»; without an identity
    (a file that has none) the name of earlier versions, «metodaktiv-2026-11-25_103000-…»."""
    moment = (now or datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    who = f"{source.stem}-{identity}" if identity else source.stem
    return f"{who}-{moment}-{reason}.sqlite"


def backups_folder(db_path: Path) -> Path:
    """Where the automatic copies of a database go: the data folder's backups/ for a database
    that lives in the data folder, else a backups/ folder beside the database. Not created."""
    home = paths.data_dir().resolve()
    place = Path(db_path).resolve().parent
    return home / "backups" if place == home else place / "backups"


def numbered(dest: Path) -> Iterator[Path]:
    """dest, then dest with a number: «…_103000-2-manual.sqlite» for a stamped name,
    «copy-2.sqlite» for another."""
    yield dest
    stamped = _STAMP.match(dest.name)
    for number in range(2, 10_000):
        if stamped is not None:
            yield dest.with_name(f"{stamped['head']}-{number}{stamped['tail']}")
        else:
            yield dest.with_name(f"{dest.stem}-{number}{dest.suffix}")


def place_new(part: Path, dest: Path) -> Path:
    """Rename a finished partial file to dest, or to dest with a number when dest is taken
    (never over an existing file, even one made meanwhile by another process); the name used."""
    for candidate in numbered(dest):
        try:
            _rename_new(part, candidate)
        except FileExistsError:
            continue
        return candidate
    raise BackupError(f"В папке «{dest.parent}» нет свободного имени для копии «{dest.name}».")


def _rename_new(source: Path, dest: Path) -> None:
    """Rename without replacing: FileExistsError when dest exists."""
    if os.name == "nt":  # pragma: no cover - Windows: a rename never replaces
        os.rename(source, dest)
        return
    try:
        os.link(source, dest)  # fails when dest exists, atomically
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (a FAT USB stick)
        if dest.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(dest)) from None
        os.replace(source, dest)
        return
    source.unlink()


# copying ------------------------------------------------------------------------------------
def backup_file(source: Path, dest: Path) -> Path:
    """Copy an (open, possibly WAL) database with the online backup API to a partial file of
    this process, check it, then name it dest (or dest with a number when dest is taken).
    Returns the copy. Nothing is left behind when it fails (BackupError, in Russian; a full
    disk has an OSError ENOSPC/EFBIG as its cause)."""
    folder = dest.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Не удалось создать папку резервных копий «{folder}»: "
                          f"{exc.strerror or exc}") from exc
    _check_room(source, dest)
    remove_partials(folder, final_name=dest.name)  # of a killed earlier copy to this very name
    tmp = partial_path(dest)
    try:
        _copy(source, tmp)
        if not integrity_ok(tmp):
            raise BackupError(f"Резервная копия {dest} не прошла проверку целостности")
        return place_new(tmp, dest)
    except BackupError:
        discard(tmp)
        raise
    except (sqlite3.Error, OSError) as exc:
        discard(tmp)
        full = _room_error(source, folder, exc)
        if full is not None:
            raise BackupError(_no_room(dest)) from full
        raise BackupError(f"Не удалось сделать резервную копию в {dest}: {exc}") from exc
    except BaseException:
        discard(tmp)
        raise


def _copy(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _needed(source: Path) -> int:
    return sum(f.stat().st_size for f in (source, Path(f"{source}-wal")) if f.exists())


def _no_room(dest: Path) -> str:
    return (f"Не хватает места на диске для резервной копии «{dest}»: освободите место и "
            "повторите; база данных не изменена.")


def _check_room(source: Path, dest: Path) -> None:
    """Refuse before writing when the disk has clearly less room than the copy needs."""
    try:
        free = shutil.disk_usage(dest.parent).free
        needed = _needed(source)
    except OSError:
        return
    if free < needed:
        raise BackupError(_no_room(dest)) from OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _room_error(source: Path, folder: Path, exc: BaseException) -> OSError | None:
    """Whether a failed copy failed for lack of room. SQLite says «disk is full» for a full
    disk, but only «disk I/O error» for a file over the size allowed (EFBIG: a FAT32 disk's
    4 GB, a process's limit): then a file as large as the copy is tried (a sparse one, at once
    removed) and its error, if any, is the answer."""
    if isinstance(exc, OSError):
        return exc if exc.errno in (errno.ENOSPC, errno.EFBIG) else None
    if "full" in str(exc):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    probe = partial_path(folder / "probe.sqlite")
    try:
        with probe.open("wb") as handle:
            handle.seek(max(_needed(source) - 1, 0))
            handle.write(b"\0")
    except OSError as error:
        return error if error.errno in (errno.ENOSPC, errno.EFBIG) else None
    finally:
        probe.unlink(missing_ok=True)
    return None
