"""A refusal told in Russian, and a disk that is full or failed: one message everywhere.

UserError is a refusal to report with exit code 1 (never a traceback). A full disk (ENOSPC,
EFBIG, SQLite's «database or disk is full») is told by one message wherever something is
written: wrap it in `with disk_full_guard(target):` (or test an error with is_disk_full and
raise DiskFull(disk_full_text(target))). The commands (commands/common.py re-exports these),
the collection round's files and the backups use it.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.store.engine import final_name


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
