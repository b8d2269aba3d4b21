"""Nothing is left behind: what a killed restore, backup or export left (temporary copies,
partial files, their -journal) is removed at the next open of the database and named in the
log; what is not ours, or still being written, is kept; a full disk leaves no partial file
and the database as it was, with a Russian message."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.logging_setup import setup_logging
from desktop_app.model import Organisation
from desktop_app.store.backup import backups_folder, integrity_ok
from desktop_app.store.database import create_database, open_database
from desktop_app.store.lock import lock_path

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and RLIMIT_FSIZE: Linux")
pytestmark = [linux_only, pytest.mark.slow]


def _cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "desktop_app", *(str(a) for a in args)]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "METODAKTIV_HOME": str(home)}


def _database(path: Path, org: str, bulk_mb: int = 0) -> Path:
    """A new database with one organisation and bulk_mb MB of filler settings."""
    db = create_database(path)
    try:
        with db.sessions.begin() as session:
            session.add(Organisation(short_name=org))
    finally:
        db.dispose()
    if bulk_mb:
        con = sqlite3.connect(path)
        try:
            con.executemany("INSERT INTO settings(key, value) VALUES (?, ?)",
                            [(f"filler_{n}", os.urandom(5000).hex()) for n in range(bulk_mb * 100)])
            con.commit()
        finally:
            con.close()
    return path


def _orgs(path: Path) -> list[str]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT short_name FROM organisations ORDER BY id")]
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ours(folder: Path) -> list[str]:
    """Temporary files of ours in a folder: partial files and restores' copies."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name or ".restore-" in p.name)


def _kill_when(command: list[str], home: Path, seen: Callable[[], bool],
               timeout: float = 120) -> int:
    """Start the command, SIGKILL it as soon as seen() holds; its return code."""
    proc = subprocess.Popen(command, env=_env(home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    limit = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < limit:
        if seen():
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.0005)
    return proc.wait()


def _open_as_the_program_does(path: Path) -> str:
    """Open the database for writing (the lock taken, as the window does), close it; the
    lines the log gained meanwhile."""
    log = setup_logging()
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    open_database(path, lock=True).dispose()
    return log.read_text(encoding="utf-8")[len(before):] if log.exists() else ""


# a killed restore ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def restore_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A database (40 MB, «Прежняя») and another one to restore from («Восстановленная»)."""
    folder = tmp_path_factory.mktemp("restore-pair")
    patch = pytest.MonkeyPatch()
    patch.setenv("METODAKTIV_HOME", str(folder / "home"))
    yield (_database(folder / "x.sqlite", "Прежняя", bulk_mb=40),
           _database(folder / "source.sqlite", "Восстановленная", bulk_mb=40))
    patch.undo()


def _restore_copy_part(folder: Path) -> bool:
    return any(n.startswith(".x.sqlite.restore-") and ".part" in n for n in _ours(folder))


def _restore_copy_done(folder: Path) -> bool:
    return any(n.startswith(".x.sqlite.restore-") and n.endswith(".tmp") for n in _ours(folder))


def _saving_previous(folder: Path) -> bool:
    return bool(_ours(folder / "backups"))


KILL_POINTS: dict[str, Callable[[Path], bool]] = {
    "while copying the chosen copy": _restore_copy_part,
    "with the checked copy beside the database": _restore_copy_done,
    "while saving the current state": _saving_previous,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_restore_leaves_nothing_after_the_next_open(
        point: str, restore_pair: tuple[Path, Path], tmp_path: Path, data_home: Path) -> None:
    template, source = restore_pair
    target = tmp_path / "x.sqlite"
    target.write_bytes(template.read_bytes())
    folder = tmp_path
    code = _kill_when(_cli("--db", target, "restore", source), data_home,
                      lambda: KILL_POINTS[point](folder))
    assert code == -signal.SIGKILL, "the restore ended before the moment to kill it"
    left = _ours(folder) + _ours(backups_folder(target))
    assert left, "the killed restore left nothing to clean up"

    logged = _open_as_the_program_does(target)

    assert _ours(folder) == [] and _ours(backups_folder(target)) == []
    assert integrity_ok(target)
    assert _orgs(target) in (["Прежняя"], ["Восстановленная"])
    assert "removed leftovers of an interrupted operation" in logged
    for name in left:
        assert name in logged, name
    # nothing else beside it: no temporary copy, no lock of the killed process
    beside = {p.name for p in folder.iterdir()} - {"x.sqlite-wal", "x.sqlite-shm"}
    assert beside <= {"x.sqlite", "backups", "home"}


# a killed backup and export -------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A municipality-scale demo database (3 MB, an exchange book of 27 000 rows)."""
    folder = tmp_path_factory.mktemp("leftovers-demo")
    patch = pytest.MonkeyPatch()
    patch.setenv("METODAKTIV_HOME", str(folder / "home"))
    from desktop_app.demo import write_demo

    path = folder / "demo.sqlite"
    write_demo(path, scale="municipality", seed=3)
    yield path
    patch.undo()


def test_killed_backup_is_cleaned_by_the_next_backup(tmp_path: Path, data_home: Path) -> None:
    db = _database(tmp_path / "x.sqlite", "Школа", bulk_mb=40)
    folder = backups_folder(db)
    code = _kill_when(_cli("--db", db, "backup"), data_home, lambda: bool(_ours(folder)))
    assert code == -signal.SIGKILL
    left = _ours(folder)
    assert left and all(".part" in name for name in left)
    log = setup_logging()
    result = subprocess.run(_cli("--db", db, "backup"), env=_env(data_home), capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert _ours(folder) == []
    (copy,) = folder.glob("*.sqlite")
    assert integrity_ok(copy) and _orgs(copy) == ["Школа"]
    logged = log.read_text(encoding="utf-8")
    assert all(name in logged for name in left)


def test_killed_export_is_cleaned_at_the_next_open(demo: Path, tmp_path: Path,
                                                   data_home: Path) -> None:
    db = tmp_path / "x.sqlite"
    db.write_bytes(demo.read_bytes())
    book = tmp_path / "обмен.xlsx"
    code = _kill_when(_cli("--db", db, "export", "--out", book), data_home,
                      lambda: bool(_ours(tmp_path)))
    assert code == -signal.SIGKILL, "the export ended before its partial file was seen"
    left = _ours(tmp_path)
    assert left and all(name.startswith("обмен.xlsx.") for name in left)
    assert not book.exists()
    logged = _open_as_the_program_does(db)
    assert _ours(tmp_path) == [] and not book.exists()
    assert all(name in logged for name in left)
    result = subprocess.run(_cli("--db", db, "export", "--out", book), env=_env(data_home),
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    assert book.exists() and _ours(tmp_path) == []


# what is kept -------------------------------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc.pid
    proc.kill()
    proc.wait()


def test_what_is_not_ours_or_still_being_written_is_kept(
        tmp_path: Path, live_pid: int, data_home: Path) -> None:
    db = _database(tmp_path / "x.sqlite", "Школа")
    backups = backups_folder(db)
    backups.mkdir()
    dead = _dead_pid()
    writer = sqlite3.connect(db)  # the database in use: its own -wal and -shm
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("INSERT INTO settings(key, value) VALUES ('в работе', '1')")
    kept = [tmp_path / "x.sqlite-wal", tmp_path / "x.sqlite-shm",
            tmp_path / "отчёт.pdf.part",  # another program's
            tmp_path / f"книга.xlsx.{live_pid}-1.part",  # an export still being written
            tmp_path / f".x.sqlite.restore-{live_pid}.tmp",
            backups / f"x-0badf00d-2026-01-01_090000-daily.sqlite.{live_pid}-1.part",
            backups / "x-2026-01-01_090000-daily.sqlite.part"]  # old-style, fresh
    gone = [tmp_path / f"книга.xlsx.{dead}-3.part",
            tmp_path / f"demo.sqlite.{dead}.part",  # a demo database being written
            tmp_path / f".x.sqlite.restore-{dead}.tmp",
            tmp_path / f".x.sqlite.restore-{dead}.tmp-journal",
            backups / f"x-0badf00d-2026-01-01_090000-daily.sqlite.{dead}-1.part-journal"]
    for path in kept[2:] + gone:
        path.write_bytes(b"half a file")
    assert all(p.exists() for p in kept + gone)
    try:
        _open_as_the_program_does(db)
        assert [p.name for p in kept if not p.exists()] == []
        assert [p.name for p in gone if p.exists()] == []
        writer.commit()
    finally:
        writer.close()
    assert integrity_ok(db)


def test_a_database_named_like_a_partial_file_is_never_removed(
        tmp_path: Path, data_home: Path) -> None:
    named = tmp_path / f"x.sqlite.{_dead_pid()}.part"
    _database(named, "Школа")
    open_database(named, lock=True).dispose()
    assert named.exists() and _orgs(named) == ["Школа"]


def test_nothing_is_removed_while_another_computer_holds_the_database(
        tmp_path: Path, data_home: Path) -> None:
    """A database on a network share, open on another computer: the process ids in the names
    mean nothing here, so its temporaries are left alone."""
    db = _database(tmp_path / "x.sqlite", "Школа")
    lock_path(db).write_text(
        f'{{"pid": 4242, "host": "{socket.gethostname()}-другой", "user": "коллега", '
        '"started": "2026-03-02T08:15:00"}', encoding="utf-8")
    leftover = tmp_path / f".x.sqlite.restore-{_dead_pid()}.tmp"
    leftover.write_bytes(b"half a file")
    open_database(db).dispose()
    assert leftover.exists()
    lock_path(db).unlink()
    open_database(db).dispose()
    assert not leftover.exists()


# a full disk ------------------------------------------------------------------------------------
def _limited(limit: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _run_limited(limit: int, home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cli(*args), env=_env(home), capture_output=True, text=True,
                          encoding="utf-8", timeout=300, preexec_fn=_limited(limit))


def _listing(*folders: Path) -> dict[str, list[str]]:
    return {str(f): sorted(p.name for p in f.iterdir()) if f.is_dir() else [] for f in folders}


def _refused_for_room(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Не хватает места на диске" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "непредвиденная" not in result.stderr


@pytest.mark.parametrize("where", ["backups folder", "folder chosen by hand", "new file"])
def test_full_disk_backup_leaves_nothing(where: str, demo: Path, tmp_path: Path,
                                         data_home: Path) -> None:
    db = tmp_path / "x.sqlite"
    db.write_bytes(demo.read_bytes())
    usb = tmp_path / "флешка"
    usb.mkdir()
    more = {"backups folder": [], "folder chosen by hand": ["--out", usb],
            "new file": ["--out", usb / "копия.sqlite"]}[where]
    before = _digest(db)
    result = _run_limited(1_000_000, data_home, "--db", db, "backup", *more)
    _refused_for_room(result)
    assert _digest(db) == before
    assert _listing(usb, backups_folder(db)) == {str(usb): [], str(backups_folder(db)): []}


def test_full_disk_restore_leaves_the_database_as_it_was(demo: Path, tmp_path: Path,
                                                         data_home: Path) -> None:
    db = _database(tmp_path / "x.sqlite", "Прежняя")
    before = _digest(db)
    result = _run_limited(1_000_000, data_home, "--db", db, "restore", demo)
    _refused_for_room(result)
    assert _digest(db) == before and _orgs(db) == ["Прежняя"] and integrity_ok(db)
    assert _ours(tmp_path) == [] and _ours(backups_folder(db)) == []


def test_full_disk_export_and_report_leave_no_partial_file(demo: Path, tmp_path: Path,
                                                           data_home: Path) -> None:
    db = tmp_path / "x.sqlite"
    db.write_bytes(demo.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    before = _digest(db)
    result = _run_limited(300_000, data_home, "--db", db, "export", "--out", out / "e.xlsx")
    _refused_for_room(result)
    assert _listing(out)[str(out)] == []
    result = _run_limited(30_000, data_home, "--db", db, "report", "public-list",
                          "--out", out / "r.pdf")
    _refused_for_room(result)
    assert _listing(out)[str(out)] == []
    assert _digest(db) == before
    assert subprocess.run(_cli("--db", db, "report", "public-list", "--out", out / "r.pdf"),
                          env=_env(data_home), capture_output=True, timeout=300).returncode == 0
    assert _listing(out)[str(out)] == ["r.pdf"]
