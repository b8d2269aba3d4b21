"""Commands that only look never create or change a database: a missing file is refused with the
way to make a new one (init), an existing one keeps its bytes, its time and its neighbours (no
-wal, -shm, lock or backup), an older one is not upgraded; writing commands refuse a missing
file too; output into a pipe closed early ends quietly."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop_app import paths
from desktop_app.cli import CLOSED_PIPE, main
from desktop_app.store.backups import backup_now
from desktop_app.store.database import head_revision, open_database

OLD = Path(__file__).parent / "fixtures" / "rev0001.sqlite"
HINT = "Новая пустая база создаётся командой metodaktiv --db ФАЙЛ init"



def form(tmp_path: Path) -> Path:
    """An organisations form with one new ОО."""
    path = tmp_path / "ОО.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Краткое наименование", "Полное наименование"])
    wb.active.append(["МБОУ СОШ № 99", "Муниципальное бюджетное общеобразовательное учреждение"])
    wb.save(path)
    return path


def looking(tmp_path: Path) -> dict[str, list[str]]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return {
        "check": ["check"],
        "template": ["template", "people", "--out", str(out / "бланк.xlsx")],
        "indicators": ["indicators", "--year", "2025"],
        "export": ["export", "--out", str(out / "книга.xlsx")],
        "report": ["report", "public-list", "--out", str(out / "список.pdf")],
        "settings show": ["settings", "show"],
        "orders": ["orders"],
        "backups": ["backups"],
        "import --dry-run": ["import", str(form(tmp_path)), "--dry-run"],
    }


def writing(tmp_path: Path) -> dict[str, list[str]]:
    copy = tmp_path / "копия.sqlite"
    open_database(copy).dispose()
    return {
        "import": ["import", str(form(tmp_path))],
        "settings set": ["settings", "set", "head_last", "Иванова"],
        "backup": ["backup"],
        "restore": ["restore", str(copy)],
        "upgrade": ["upgrade"],
    }


def state(path: Path) -> tuple[str, int, list[str]]:
    """The file's bytes and modification time, and what lies beside it."""
    return (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
            sorted(p.name for p in path.parent.iterdir()))


def backups_made(home: Path) -> list[Path]:
    return sorted((home / "backups").glob("*")) if (home / "backups").exists() else []


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


LOOKING = ["check", "template", "indicators", "export", "report", "settings show", "orders",
           "backups", "import --dry-run"]
WRITING = ["import", "settings set", "backup", "restore", "upgrade"]


@pytest.mark.parametrize("command", LOOKING + WRITING)
def test_a_missing_file_is_refused_and_never_created(
        command: str, tmp_path: Path, data_home: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    argv = {**looking(tmp_path), **writing(tmp_path)}[command]
    folder = tmp_path / "db"
    folder.mkdir()
    missing = folder / "new.sqlite"  # a mistyped name
    code, _, err = run(capsys, "--db", str(missing), *argv)
    assert code == 1
    assert f"Файл базы данных «{missing}» не найден" in err and HINT in err
    assert f'metodaktiv --db "{missing}" init' in err
    assert "Traceback" not in err and "непредвиденная" not in err
    assert list(folder.iterdir()) == []  # no file, no -wal, -shm, -journal or lock
    assert backups_made(data_home) == []


def test_default_database_is_not_created_by_a_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check")
    assert code == 1 and out == ""
    assert f"Файл базы данных «{paths.default_db_path()}» не найден" in err
    assert "(для этой базы: metodaktiv init)" in err
    assert not paths.default_db_path().exists()
    code, out, _ = run(capsys, "check", "--json")
    assert code == 1 and HINT in out and not paths.default_db_path().exists()


@pytest.mark.parametrize("kind", ["database", "backup copy"])
@pytest.mark.parametrize("command", LOOKING)
def test_looking_leaves_the_file_as_it_was(command: str, kind: str, base: Path, tmp_path: Path,
                                           data_home: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The database in use (WAL) and a backup copy looked at where it lies (rollback journal:
    it is not switched to WAL)."""
    target = base
    if kind == "backup copy":
        db = open_database(base)
        try:
            target = backup_now(db, "manual", folder=tmp_path / "копии")
        finally:
            db.dispose()
    made = backups_made(data_home)
    argv = looking(tmp_path)[command]
    before = state(target)
    code, out, err = run(capsys, "--db", str(target), *argv)
    assert code == 0, err
    assert out and "Traceback" not in err
    assert state(target) == before  # bytes, time, and nothing left beside it
    assert backups_made(data_home) == made


def test_dry_run_leaves_a_rollback_journal_file_byte_for_byte(
        base: Path, tmp_path: Path, data_home: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A backup copy is in rollback-journal mode: a dry run neither switches it to WAL nor
    leaves its changes or a -journal behind."""
    db = open_database(base)
    try:
        copy = backup_now(db, "manual", folder=tmp_path / "копии")
    finally:
        db.dispose()
    before = state(copy)
    code, out, _ = run(capsys, "--db", str(copy), "import", str(form(tmp_path)), "--dry-run")
    assert code == 0 and "добавить — 1" in out and "Проверка без записи" in out
    assert state(copy) == before
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        con.close()


def test_an_old_file_is_read_by_check_and_upgraded_by_nobody_that_looks(
        tmp_path: Path, data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    old = folder / "старая.sqlite"
    shutil.copy(OLD, old)
    before = state(old)
    code, out, _ = run(capsys, "--db", str(old), "check")
    assert code == 0 and "Ревизия схемы: 0001" in out and "upgrade" in out
    for command in ("template", "indicators", "export", "settings show", "import --dry-run"):
        code, _, err = run(capsys, "--db", str(old), *looking(tmp_path)[command])
        assert code == 1, command
        assert "сделана прежней версией программы (ревизия схемы 0001" in err, command
        assert "metodaktiv --db ФАЙЛ upgrade" in err
    assert state(old) == before and backups_made(data_home) == []
    code, out, _ = run(capsys, "--db", str(old), "upgrade")
    assert code == 0 and f"База обновлена до ревизии схемы {head_revision()} (была 0001)" in out
    beside = sorted((old.parent / "backups").glob("*"))  # the copies of a file outside the home
    assert [b.name for b in beside if "before-upgrade-0001" in b.name]
    assert run(capsys, "--db", str(old), "indicators", "--year", "2025")[0] == 0


def test_demo_out_still_writes_a_new_file(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "демо.sqlite"
    code, printed, _ = run(capsys, "demo", "--out", str(out), "--seed", "2")
    assert code == 0 and out.exists() and "Демонстрационная база записана" in printed


def _closed_early(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the program with its output going into a pipe whose reader has already gone."""
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the program has printed anything
    err = proc.stderr.read().decode("utf-8")
    proc.stderr.close()
    return subprocess.CompletedProcess(args, proc.wait(timeout=120), "", err)


def test_output_into_a_closed_pipe_ends_quietly(base: Path, data_home: Path) -> None:
    for args in (("indicators", "--year", "2025"), ("settings", "show"), ("check",)):
        done = _closed_early("--db", str(base), *args)
        assert done.returncode == CLOSED_PIPE == 141, (args, done.stderr)
        assert done.stderr == "", args  # no traceback, no «непредвиденная ошибка»
    log = data_home / "logs" / "metodaktiv.log"
    assert not log.exists() or "непредвиденная" not in log.read_text(encoding="utf-8")


def test_head_reads_the_first_line_and_the_program_ends_quietly(base: Path) -> None:
    """`metodaktiv … indicators --year 2025 | head -1`, read through a real pipe."""
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", "--db", str(base),
                             "indicators", "--year", "2025"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline().decode("utf-8")
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    proc.stderr.close()
    assert first.startswith("Показатели за 2025 год")
    assert proc.wait(timeout=120) in (0, CLOSED_PIPE) and err == ""
