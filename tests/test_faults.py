"""Faults a user's computer brings, caused for real in child processes: SIGKILL at several points
of an import (reading, writing the rows, the copy before-import, the commit), a full disk
(RLIMIT_FSIZE) during an import and an export, two imports into one database at once, and
another program writing to the database. Afterwards the database passes integrity_check, holds
either none of the file's rows or all of them, keeps everything it had, and the next open
leaves nothing of the killed run behind."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from desktop_app.demo import Scale, write_demo
from desktop_app.store.backup import integrity_ok
from desktop_app.store.database import open_database

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and RLIMIT_FSIZE are POSIX"),
    pytest.mark.slow,
]

SMALL = Scale(organisations=6, people=60, active=6, pairs=10, sessions=20)
ROWS = 2000  # people in the form: about 2 s of reading, then the rows written at once
UNEXPECTED = "непредвиденная ошибка"
DISK_FULL = "Не хватает места на диске для «{}»: освободите место и повторите; база данных не " \
            "изменена."
HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность",
          "Квалификационная категория", "Дата присвоения категории",
          "Начало педагогического стажа", "Предмет", "Уровень образования", "Эл. почта"]
LAST = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков", "Фёдоров"]
FIRST = ["Иван", "Пётр", "Сергей", "Андрей", "Олег", "Алексей", "Михаил", "Никита"]
MIDDLE = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Олегович", "Алексеевич"]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", *args]


def people_form(path: Path, organisations: list[str], count: int, tag: str) -> Path:
    """A people form of `count` new teachers, each with the e-mail «<tag>N@fault.test» (how its
    rows are found again)."""
    rng = random.Random(tag)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Педагоги")
    ws.append(HEADER)
    seen: set[tuple[tuple[str, str, str], date]] = set()
    while len(seen) < count:
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
        name = (rng.choice(LAST), rng.choice(FIRST), rng.choice(MIDDLE))
        if (name, born) in seen:
            continue
        seen.add((name, born))
        start = born + timedelta(days=365 * 23)
        ws.append([*name, born.strftime("%d.%m.%Y"), rng.choice(organisations), "учитель",
                   "первая", start + timedelta(days=900), start, "математика", "высшее",
                   f"{tag}{len(seen)}@fault.test"])
    wb.save(path)
    return path


def state(path: Path) -> dict[str, object]:
    """What a user would compare: the rows of the main tables, the journal, every setting."""
    con = sqlite3.connect(path)
    try:
        found: dict[str, object] = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("organisations", "people", "pairs", "change_log", "order_journal")}
        found["settings"] = dict(con.execute("SELECT key, value FROM settings"))
        found["people rows"] = con.execute(
            "SELECT group_concat(id || last_name || coalesce(email, ''), ',') FROM "
            "(SELECT * FROM people ORDER BY id)").fetchone()[0]
        return found
    finally:
        con.close()


def tagged(path: Path, tag: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM people WHERE email LIKE ?",
                               (f"{tag}%@fault.test",)).fetchone()[0])
    finally:
        con.close()


def reopened(path: Path) -> dict[str, object]:
    """Open as the program does after a crash (the killed run's lock is stale; its leftovers
    are cleaned), check the whole file, then read its state."""
    db = open_database(path, lock=True)
    db.dispose()
    assert integrity_ok(path)
    return state(path)


def leftovers(folder: Path) -> list[str]:
    """Files of an unfinished run: partial files, their journals, locks, temporary copies."""
    return sorted(p.name for p in folder.rglob("*")
                  if p.is_file() and (".part" in p.name or p.name.endswith((".lock", ".tmp"))))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A filled database and two people forms of ROWS new teachers each (tags a and b)."""
    folder = tmp_path_factory.mktemp("faults")
    patch = pytest.MonkeyPatch()
    patch.setenv("METODAKTIV_HOME", str(folder / "home"))
    try:
        demo = folder / "demo.sqlite"
        write_demo(demo, SMALL, seed=11)
        con = sqlite3.connect(demo)
        names = [row[0] for row in con.execute("SELECT short_name FROM organisations")]
        con.close()
        return (demo, people_form(folder / "a.xlsx", names, ROWS, "a"),
                people_form(folder / "b.xlsx", names, ROWS, "b"))
    finally:
        patch.undo()


@pytest.fixture
def base(source: tuple[Path, Path, Path], tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "база.sqlite"
    shutil.copy(source[0], path)
    return path


# SIGKILL ------------------------------------------------------------------------------------------

def wal_over(size: int) -> Callable[[Path], bool]:
    """The import is writing its rows: the database's -wal has grown past size."""
    def reached(db: Path) -> bool:
        wal = Path(f"{db}-wal")
        return wal.exists() and wal.stat().st_size > size
    return reached


def copy_started(db: Path) -> bool:
    """The rows are written and the copy before-import is being made (its partial file)."""
    return any(".part" in p.name for p in db.parent.rglob("*"))


def run_killed_when(command: list[str], db: Path, reached: Callable[[Path], bool],
                    limit: float = 60) -> tuple[int, bool]:
    """Start the command and SIGKILL it the moment `reached(db)` is seen (polled every
    millisecond or so); (its exit code, whether the moment came before it ended)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - started < limit:
            if reached(db):
                os.kill(proc.pid, signal.SIGKILL)
                return proc.wait(), True
            time.sleep(0.001)
        return proc.wait(), False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


KILL_POINTS = {
    "writing its first rows": wal_over(64 * 1024),
    "half-way through the rows": wal_over(1024 * 1024),
    "making the copy before-import": copy_started,
}


@pytest.mark.parametrize("moment", list(KILL_POINTS))
def test_an_import_killed_leaves_all_or_nothing(source: tuple[Path, Path, Path], base: Path,
                                                moment: str) -> None:
    demo, form, _other = source
    before = state(base)
    for _attempt in range(3):  # a busy machine may let a short moment pass unseen: try again
        code, caught = run_killed_when(cli("--db", str(base), "import", str(form)), base,
                                       KILL_POINTS[moment])
        if caught:
            break
        shutil.rmtree(base.parent)
        base.parent.mkdir()
        shutil.copy(demo, base)
    assert caught and code == -signal.SIGKILL, (moment, code)
    after = reopened(base)
    added = tagged(base, "a")
    assert added in (0, ROWS), (moment, added)  # none of the file's rows, or all of them
    if added == 0:
        assert after == before, moment
    else:
        assert after["people"] == before["people"] + ROWS  # type: ignore[operator]
        assert after["settings"] == before["settings"]
    # nothing of the killed run is left: its lock, its partial copy and the copy's journal
    assert leftovers(base.parent) == [], moment


def test_an_import_killed_at_its_commit_leaves_all_or_nothing(
        source: tuple[Path, Path, Path], base: Path) -> None:
    """Killed as soon as the -wal grows after the copy before-import: the commit itself."""
    _demo, form, _other = source
    before = state(base)
    seen = {"copy": False, "wal": 0}

    def committing(db: Path) -> bool:
        wal = Path(f"{db}-wal")
        size = wal.stat().st_size if wal.exists() else 0
        if copy_started(db):
            seen["copy"], seen["wal"] = True, size
            return False
        return bool(seen["copy"]) and size > int(seen["wal"])

    code, caught = run_killed_when(cli("--db", str(base), "import", str(form)), base, committing)
    assert code in (0, -signal.SIGKILL)
    after = reopened(base)
    added = tagged(base, "a")
    assert added in (0, ROWS)
    assert after == before if added == 0 else after["people"] == before["people"] + ROWS  # type: ignore[operator]
    assert leftovers(base.parent) == []
    assert caught or code == 0


# A full disk ---------------------------------------------------------------------------------

def limited(limit: int) -> Callable[[], None]:
    """For Popen: the child may not write any file past `limit` bytes (EFBIG, a full disk)."""
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_during_an_import(source: tuple[Path, Path, Path], base: Path) -> None:
    _demo, form, _other = source
    before = state(base)
    done = subprocess.run(cli("--db", str(base), "import", str(form)), capture_output=True,
                          text=True, preexec_fn=limited(1_000_000), timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"Ошибка: {DISK_FULL.format(base)}\n"  # nothing else: no traceback
    assert UNEXPECTED not in done.stdout + done.stderr
    assert reopened(base) == before  # the import rolled back, the database as it was
    assert tagged(base, "a") == 0
    assert leftovers(base.parent) == []


def test_a_full_disk_during_an_export(base: Path, tmp_path: Path) -> None:
    before = state(base)
    out = tmp_path / "книга.xlsx"
    temp = tmp_path / "temp"  # openpyxl writes each sheet to a temporary file first
    temp.mkdir()
    done = subprocess.run(cli("--db", str(base), "export", "--out", str(out)),
                          capture_output=True, text=True, preexec_fn=limited(100_000),
                          env={**os.environ, "TMPDIR": str(temp)}, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"Ошибка: {DISK_FULL.format(out)}\n"  # no tracebacks of openpyxl
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name not in ("db", "home", "temp")] == []
    assert list(temp.iterdir()) == []  # no temporary sheets left to fill the disk
    assert state(base) == before


# Two at once ---------------------------------------------------------------------------------

def test_two_imports_at_once_never_both_half_written(source: tuple[Path, Path, Path],
                                                    base: Path) -> None:
    _demo, form_a, form_b = source
    before = state(base)
    procs = {tag: subprocess.Popen(cli("--db", str(base), "import", str(form)),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag, form in (("a", form_a), ("b", form_b))}
    results = {tag: (proc.wait(timeout=120), proc.stderr.read() if proc.stderr else "")
               for tag, proc in procs.items()}
    for proc in procs.values():
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    done = [tag for tag, (code, _) in results.items() if code == 0]
    refused = [tag for tag, (code, _) in results.items() if code != 0]
    assert done, results  # one of them went through
    for tag in refused:  # the other was told the database is busy, and changed nothing
        code, err = results[tag]
        assert code == 1 and "занята" in err and "Загрузка не выполнена, база не изменена" in err
        assert UNEXPECTED not in err and "Traceback" not in err
    after = reopened(base)
    for tag in ("a", "b"):
        assert tagged(base, tag) == (ROWS if tag in done else 0)
    assert after["people"] == before["people"] + ROWS * len(done)  # type: ignore[operator]
    assert leftovers(base.parent) == []


def test_another_program_writing_to_the_database(source: tuple[Path, Path, Path],
                                                 base: Path) -> None:
    """A write transaction held by another program (a database browser): the import waits for
    it (busy_timeout), then gives up with «занята», the database as it was."""
    _demo, form, _other = source
    other = sqlite3.connect(base, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE settings SET value = value WHERE key = 'place'")
        done = subprocess.run(cli("--db", str(base), "settings", "set", "place", "г. Тест"),
                              capture_output=True, text=True, timeout=120, check=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert done.returncode == 1, done.stderr
    assert "занята" in done.stderr and "Повторите" in done.stderr, done.stderr
    assert UNEXPECTED not in done.stderr and "Traceback" not in done.stderr
    assert "г. Тест" not in str(state(base)["settings"])
