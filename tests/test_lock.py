"""One writer: the lock file beside the database, stale locks, network shares."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.store.database import open_database
from desktop_app.store.lock import (
    DatabaseBusy,
    DatabaseLock,
    lock_path,
    network_location,
    network_warning,
    read_lock,
)


def _write_lock(db_path: Path, pid: int, host: str | None = None, age: float = 0) -> Path:
    path = lock_path(db_path)
    data = {"pid": pid, "host": host or socket.gethostname(), "user": "методист",
            "started": "2026-03-02T08:15:00"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if age:
        past = time.time() - age
        os.utime(path, (past, past))
    return path


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_is_written_and_released(tmp_path: Path) -> None:
    db_path = tmp_path / "база.sqlite"
    lock = DatabaseLock(db_path).acquire()
    info = read_lock(lock_path(db_path))
    assert info is not None and info.pid == os.getpid() and info.host == socket.gethostname()
    again = DatabaseLock(db_path).acquire()  # the same process may reopen its database
    lock.release()
    assert lock_path(db_path).exists()  # still held by the second opening
    again.release()
    assert not lock_path(db_path).exists()


def test_live_holder_is_named(tmp_path: Path) -> None:
    db_path = tmp_path / "база.sqlite"
    _write_lock(db_path, os.getppid())
    with pytest.raises(DatabaseBusy) as caught:
        DatabaseLock(db_path).acquire()
    message = str(caught.value)
    assert socket.gethostname() in message and "методист" in message
    assert "02.03.2026 08:15" in message and "только для чтения" in message


def test_stale_locks_are_taken_over(tmp_path: Path) -> None:
    db_path = tmp_path / "база.sqlite"
    _write_lock(db_path, _dead_pid())
    DatabaseLock(db_path).acquire().release()
    _write_lock(db_path, 4242, host="другой-компьютер", age=3600)
    DatabaseLock(db_path).acquire().release()
    lock_path(db_path).write_text("{обрыв", encoding="utf-8")
    os.utime(lock_path(db_path), (time.time() - 60, time.time() - 60))
    lock = DatabaseLock(db_path).acquire()
    assert read_lock(lock_path(db_path)).pid == os.getpid()
    lock.release()


def test_fresh_foreign_locks_hold(tmp_path: Path) -> None:
    db_path = tmp_path / "база.sqlite"
    _write_lock(db_path, 4242, host="другой-компьютер", age=30)
    with pytest.raises(DatabaseBusy, match="другой-компьютер"):
        DatabaseLock(db_path).acquire()
    lock_path(db_path).write_text("", encoding="utf-8")
    with pytest.raises(DatabaseBusy):
        DatabaseLock(db_path).acquire()


def test_release_leaves_a_foreign_lock(tmp_path: Path) -> None:
    db_path = tmp_path / "база.sqlite"
    lock = DatabaseLock(db_path).acquire()
    _write_lock(db_path, os.getppid())
    lock.release()
    assert lock_path(db_path).exists()


def test_second_program_is_refused_then_reads(tmp_path: Path) -> None:
    db_path = tmp_path / "общая.sqlite"
    open_database(db_path).dispose()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from desktop_app.store.database import open_database\n"
         f"db = open_database({str(db_path)!r}, lock=True)\n"
         "print('open', flush=True)\n"
         "time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseBusy, match=f"процесс {holder.pid}"):
            open_database(db_path, lock=True)
        reader = open_database(db_path, read_only=True, lock=True)
        assert reader.read_only and reader.lock is None
        reader.dispose()
    finally:
        holder.kill()
        holder.wait()
    writer = open_database(db_path, lock=True)  # the killed holder's lock is stale now
    assert writer.lock is not None and read_lock(lock_path(db_path)).pid == os.getpid()
    writer.dispose()
    assert not lock_path(db_path).exists()


def test_network_share_is_recognised(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    share = tmp_path / "share"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        f"//server/docs {share} cifs rw 0 0\n", encoding="utf-8")
    assert "cifs" in (network_location(share / "база.sqlite", mounts) or "")
    assert network_location(tmp_path / "база.sqlite", mounts) is None
    assert network_location(Path("\\\\server\\share\\база.sqlite")) is not None
    assert network_warning(tmp_path / "база.sqlite") is None
