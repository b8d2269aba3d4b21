"""Temporary files written whole or not at all, and removing those a killed process left behind.

Every file the program writes in full (a backup, a restore's copy, an exchange book, a printed
document) is first written to a partial file beside it, «<name>.<pid>-<n>.part», then renamed
into place. The process id in the name makes two writers of the same name in the same second
write two different files, and tells later whether the maker still runs: a partial file whose
process no longer runs on this computer is a leftover of a killed process and is removed (with
its SQLite «-journal», «-wal», «-shm»). A partial file whose process id looks alive is kept
unless nothing has written to it for a day (its id taken over by another process). Files of
other programs never match the names, and a database's own -wal/-shm/-journal are never touched.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.store.lock import pid_alive

log = logging.getLogger(__name__)

# A partial file untouched this long is abandoned even when a process with its id runs (the id
# reused): a live writer keeps writing to its file, and no copy or export takes hours.
ABANDONED_SECONDS = 24 * 3600
# What a partial file of ours may become (the program writes nothing else in full).
OUR_SUFFIXES = (".sqlite", ".db", ".xlsx", ".pdf", ".docx")
# «<pid>-<n>»; a demo database is written to «demo.sqlite.<pid>.part» (desktop_app/demo/)
PARTIAL = re.compile(r"^(?P<final>.+)\.(?P<pid>\d+)(?:-\d+)?\.part(?:-journal|-wal|-shm)?$")
_SEQUENCE = itertools.count(1)


def partial_path(final: Path) -> Path:
    """A partial file for final, beside it and unique to this process (and to this call)."""
    return final.with_name(f"{final.name}.{os.getpid()}-{next(_SEQUENCE)}.part")


def companions(path: Path) -> list[Path]:
    """The file with the files SQLite may keep beside it."""
    return [path, *(Path(f"{path}{suffix}") for suffix in ("-journal", "-wal", "-shm"))]


def discard(path: Path) -> None:
    """Remove a partial file and SQLite's files beside it, whatever of them there is."""
    for file in companions(path):
        try:
            file.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - a file held open on Windows: the next open retries
            log.warning("a temporary file could not be removed yet")


@contextmanager
def written_whole(target: Path | str) -> Iterator[Path]:
    """Write target whole or not at all: the block writes the partial file it is given, which
    then replaces target; on any error (a full disk among them) the partial file is removed and
    target is left as it was. Leftovers of a killed earlier writer of target are removed first."""
    target = Path(target)
    remove_partials(target.parent, final_name=target.name)
    part = partial_path(target)
    try:
        yield part
        os.replace(part, target)
    except BaseException:
        discard(part)
        raise


def maker_gone(pid: int, path: Path, now: float | None = None) -> bool:
    """Whether the process that made a temporary file is over: it does not run on this
    computer (this process is never over), or nothing has written the file for a day."""
    if pid == os.getpid():
        return False
    try:
        age = (now or time.time()) - path.stat().st_mtime
    except OSError:
        return False
    return age > ABANDONED_SECONDS or not pid_alive(pid)


def partials(folder: Path, final_name: str | None = None) -> Iterator[tuple[Path, int]]:
    """Our partial files in the folder (of one final name when given), with their makers."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        match = PARTIAL.match(entry.name)
        if match is None or not match["final"].lower().endswith(OUR_SUFFIXES):
            continue
        if final_name is not None and match["final"] != final_name:
            continue
        yield entry, int(match["pid"])


def remove_partials(folder: Path, final_name: str | None = None,
                    spare: Path | None = None) -> list[Path]:
    """Remove the partial files in the folder whose makers are gone (never spare, the database
    being opened, nor its -journal, -wal, -shm, whatever its name); returns those removed."""
    kept = {p.name for p in companions(spare)} if spare is not None else set()
    return remove_files(path for path, pid in partials(folder, final_name)
                        if path.name not in kept and maker_gone(pid, path))


def remove_files(found: Iterable[Path]) -> list[Path]:
    """Remove the files (a file gone meanwhile or held open is skipped) and name them in the
    log; returns those removed."""
    removed = []
    for path in found:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:  # held open by its maker (Windows), or no right to remove it
            log.warning("leftover not removed (in use or protected): %s", path.name)
            continue
        removed.append(path)
    if removed:
        log.warning("removed leftovers of an interrupted operation in %s: %s",
                    removed[0].parent, ", ".join(sorted(p.name for p in removed)))
    return removed
