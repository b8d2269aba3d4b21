"""Crash safety: SIGKILL in the middle of an import, a restore and a backup leaves a sound file."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store.backup import integrity_ok
from desktop_app.store.database import open_database

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only"),
    pytest.mark.slow,
]

FRACTIONS = (0.55, 0.75, 0.9)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", *args]


def _run_killed(command: list[str], after: float) -> int:
    """Start the command, SIGKILL it after the delay; its return code (-9 when killed)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    return proc.returncode


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _counts(path: Path) -> dict[str, object]:
    """Row counts of the main tables and every setting: the state to compare."""
    con = sqlite3.connect(path)
    try:
        state: dict[str, object] = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("organisations", "people", "pairs", "answers", "change_log")}
        state["settings"] = dict(con.execute("SELECT key, value FROM settings"))
        return state
    finally:
        con.close()


def _sound(path: Path) -> dict[str, int]:
    """Open as the program does (the lock of a killed process is stale), then count."""
    db = open_database(path, lock=True)
    db.dispose()
    assert integrity_ok(path)
    return _counts(path)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A municipality-scale demo database and its exchange workbook."""
    folder = tmp_path_factory.mktemp("crash-source")
    patch = pytest.MonkeyPatch()
    patch.setenv("METODAKTIV_HOME", str(folder / "home"))
    from desktop_app.demo import write_demo
    from desktop_app.exchange.workbook import export_all

    demo = folder / "demo.sqlite"
    write_demo(demo, scale="municipality", seed=3)
    book = folder / "exchange.xlsx"
    db = open_database(demo)
    export_all(db, book)
    db.dispose()
    yield demo, book
    patch.undo()


def _base(path: Path, organisation: bool = True) -> dict[str, object]:
    """A database with changes of its own (the previous state to keep)."""
    from desktop_app.model import Organisation
    from desktop_app.services import settings

    db = open_database(path)
    with db.sessions.begin() as session:
        settings.put(session, {"place": "Прежнее место"})
        if organisation:
            session.add(Organisation(short_name="Прежняя организация"))
    db.dispose()
    return _counts(path)


def test_kill_during_import_keeps_all_or_nothing(source, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo, book = source
    full_db = tmp_path / "full.sqlite"
    _base(full_db, organisation=False)  # an exchange workbook goes into a new database only
    duration = _timed(_cli("--db", str(full_db), "import", str(book)))
    full = _counts(full_db)
    assert full["people"] == _counts(demo)["people"] > 0
    killed = 0
    for n, fraction in enumerate(FRACTIONS):
        target = tmp_path / f"target{n}.sqlite"
        before = _base(target, organisation=False)
        code = _run_killed(_cli("--db", str(target), "import", str(book)), duration * fraction)
        killed += code == -signal.SIGKILL
        after = _sound(target)
        assert after in (before, full), (fraction, after)
    assert killed >= 1


def test_kill_during_restore_keeps_old_or_new(source, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo, _book = source
    copy = tmp_path / "copy.sqlite"
    shutil.copy2(demo, copy)
    probe = tmp_path / "probe.sqlite"
    _base(probe)
    duration = _timed(_cli("--db", str(probe), "restore", str(copy)))
    new = _counts(demo)
    killed = 0
    for n, fraction in enumerate((0.5, *FRACTIONS)):
        target = tmp_path / f"restore{n}.sqlite"
        old = _base(target)
        code = _run_killed(_cli("--db", str(target), "restore", str(copy)), duration * fraction)
        killed += code == -signal.SIGKILL
        assert _sound(target) in (old, new)
        assert not list(tmp_path.glob(f".restore{n}.sqlite.restore-*.tmp")) or code != 0
    assert killed >= 1


def test_kill_during_backup_leaves_source_and_only_checked_copies(source, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo, _book = source
    target = tmp_path / "live.sqlite"
    shutil.copy2(demo, target)
    before = _counts(target)
    out = tmp_path / "usb"
    duration = _timed(_cli("--db", str(target), "backup", "--out", str(out / "probe")))
    for fraction in (0.5, *FRACTIONS):
        _run_killed(_cli("--db", str(target), "backup", "--out", str(out)), duration * fraction)
        assert _sound(target) == before
        for copy in out.glob("*.sqlite"):
            assert integrity_ok(copy)
