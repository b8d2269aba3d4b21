"""One writer per database: a lock file beside it (pid, host, start), stale locks recognised."""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# A lock whose heartbeat is older than this is stale even when its owner cannot be checked
# (another computer on a network share): the window touches its lock every minute.
STALE_AFTER_SECONDS = 15 * 60
HEARTBEAT_SECONDS = 60
# A lock file still being written by its owner (empty or half-written) is not stale yet.
FRESH_SECONDS = 10
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs",
              "afs", "ncpfs", "9p", "davfs", "fuse.davfs2", "glusterfs", "ceph"}


@dataclass(frozen=True)
class LockInfo:
    """Who holds a database: process, computer, user and since when."""

    pid: int
    host: str
    user: str
    started: datetime

    def describe(self) -> str:
        since = self.started.strftime("%d.%m.%Y %H:%M")
        return (f"на компьютере «{self.host}» (пользователь {self.user}, процесс {self.pid}) "
                f"с {since}")


class DatabaseBusy(Exception):
    """The database is open in another copy of the program (message in Russian)."""

    def __init__(self, path: Path, holder: LockInfo) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"База данных «{path.name}» уже открыта в другой копии Методактива "
            f"{holder.describe()}. Её можно открыть только для чтения."
        )


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _me() -> LockInfo:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment is not an error here
        user = "?"
    return LockInfo(os.getpid(), socket.gethostname(), user, datetime.now().replace(microsecond=0))


def pid_alive(pid: int) -> bool:
    """True when a process with this id runs on this computer."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(ctypes.get_last_error() == 5)  # type: ignore[attr-defined]  # access denied
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def read_lock(path: Path) -> LockInfo | None:
    """The holder written in a lock file, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data.get("user", "?")),
                        datetime.fromisoformat(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_stale(path: Path, info: LockInfo | None, now: float | None = None) -> bool:
    """A lock is stale when its process is gone (same computer) or its heartbeat is old."""
    try:
        age = (now or time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return True
    if info is None:
        return age > FRESH_SECONDS
    if info.host == socket.gethostname():
        return not pid_alive(info.pid)
    return age > STALE_AFTER_SECONDS


# How many open databases of this process hold each lock file (a window may reopen its file).
_HOLDERS: dict[Path, int] = {}


class DatabaseLock:
    """The lock file of one database, held by this process until release()."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.info = _me()
        self.held = False

    def acquire(self) -> DatabaseLock:
        """Take the lock or raise DatabaseBusy naming its holder; a stale lock is taken over."""
        for _attempt in range(3):
            if self._create():
                return self._mark_held()
            holder = read_lock(self.path)
            if holder is not None and (holder.pid, holder.host) == (self.info.pid, self.info.host):
                return self._mark_held()  # this process reopens its own database
            if not is_stale(self.path, holder):
                raise DatabaseBusy(self.db_path, holder or self.info)
            self.path.unlink(missing_ok=True)
        raise DatabaseBusy(self.db_path, read_lock(self.path) or self.info)

    def _mark_held(self) -> DatabaseLock:
        self.held = True
        key = self.path.resolve()
        _HOLDERS[key] = _HOLDERS.get(key, 0) + 1
        return self

    def _payload(self) -> bytes:
        data = {"pid": self.info.pid, "host": self.info.host, "user": self.info.user,
                "started": self.info.started.isoformat()}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(fd, self._payload())
            os.fsync(fd)
        finally:
            os.close(fd)
        return True

    def touch(self) -> None:
        """The heartbeat: tell others this lock is still alive."""
        if self.held:
            try:
                os.utime(self.path)
            except FileNotFoundError:
                self._create()

    def release(self) -> None:
        """Remove the lock file if it is still ours."""
        if not self.held:
            return
        self.held = False
        key = self.path.resolve()
        _HOLDERS[key] = _HOLDERS.get(key, 1) - 1
        if _HOLDERS[key] > 0:
            return
        del _HOLDERS[key]
        holder = read_lock(self.path)
        if holder is not None and (holder.pid, holder.host) == (self.info.pid, self.info.host):
            self.path.unlink(missing_ok=True)


def network_location(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """A Russian description when the file lives on a network share, else None."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "сетевой папке (UNC-путь)"
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_network_drive(path)
    return _linux_network_mount(path, mounts_file)


def _windows_network_drive(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive = path.resolve().drive
    if not drive:
        return None
    if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # type: ignore[attr-defined]
        return f"сетевом диске {drive}"
    return None


def _linux_network_mount(path: Path, mounts_file: Path) -> str | None:
    try:
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = path.resolve().as_posix()
    best, best_type = "", ""
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, parts[2]
    if best_type in NETWORK_FS:
        return f"сетевом ресурсе {best} ({best_type})"
    return None


def network_warning(path: Path) -> str | None:
    """The warning to show for a database on a network share."""
    where = network_location(path)
    if where is None:
        return None
    return (
        f"База данных находится на {where}. SQLite на сетевых дисках может повредить файл при "
        "обрыве связи или одновременной работе с нескольких компьютеров. Храните базу на своём "
        "компьютере, а для обмена используйте резервные копии и Excel."
    )
