"""Two backups of one database started at the same moment by two processes both succeed: each
writes its own partial file and takes a free name, so both copies are there, whole and sound,
even within the same second."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.store.backup import backups_folder, integrity_ok
from desktop_app.store.database import create_database

pytestmark = pytest.mark.slow

ROUNDS = 12  # at most; the test stops once ENOUGH pairs were made within one second
ENOUGH = 3
SAVED = re.compile(r"Резервная копия сохранена: (.+)")
STAMP = re.compile(r"-(\d{4}-\d{2}-\d{2}_\d{6})-")


def _database(path: Path) -> Path:
    """A new database with some bulk (a few MB), so a copy takes a moment."""
    create_database(path).dispose()
    con = sqlite3.connect(path)
    try:
        con.executemany("INSERT INTO settings(key, value) VALUES (?, ?)",
                        [(f"filler_{n}", "ж" * 4000) for n in range(800)])
        con.commit()
    finally:
        con.close()
    return path


def _two_at_once(db: Path, home: Path, *more: str) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "METODAKTIV_HOME": str(home)}
    command = [sys.executable, "-m", "desktop_app", "--db", str(db), "backup", *more]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8", env=env) for _ in range(2)]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
    return done


@pytest.mark.parametrize("where", ["backups folder", "folder chosen by hand"])
def test_two_backups_started_at_once_both_succeed(where: str, tmp_path: Path,
                                                  data_home: Path) -> None:
    db = _database(tmp_path / "x.sqlite")
    folder = backups_folder(db) if where == "backups folder" else tmp_path / "флешка"
    more = [] if where == "backups folder" else ["--out", str(folder)]
    same_second = 0
    for _ in range(ROUNDS):
        if same_second >= ENOUGH:
            break
        before = set(folder.glob("*.sqlite")) if folder.exists() else set()
        results = _two_at_once(db, data_home, *more)
        for result in results:
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
        made = [Path(SAVED.search(r.stdout)[1].strip()) for r in results]  # type: ignore[index]
        assert made[0] != made[1]
        assert set(folder.glob("*.sqlite")) - before == set(made)  # both copies are there
        for copy in made:
            assert integrity_ok(copy) and copy.stat().st_size > 3_000_000
        assert not [p.name for p in folder.iterdir() if ".part" in p.name]
        stamps = {STAMP.search(copy.name)[1] for copy in made}  # type: ignore[index]
        same_second += len(stamps) == 1
    assert same_second >= 1, "no two copies were made within the same second"
