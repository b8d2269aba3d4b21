"""Opening databases: new file to head, guards against foreign, damaged and newer files."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from desktop_app.model import Ground, GroundPreset, IndicatorPlan, MentorshipForm
from desktop_app.store.database import DatabaseRefused, head_revision, open_database
from desktop_app.store.engine import APPLICATION_ID


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def test_new_file_is_migrated_to_head_with_presets(db) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert rev == head_revision()
    with db.sessions() as s:
        presets = {p.code: len(p.grounds) for p in s.scalars(select(GroundPreset))}
        assert presets == {"seversk-000": 9, "ust-ishim-004": 8, "general": 9}
        forms = list(s.scalars(select(MentorshipForm.name)))
        assert "Реверсивное наставничество" in forms and "Флэш-наставничество" in forms
        plan = s.scalar(
            select(IndicatorPlan.value).where(
                IndicatorPlan.code == "I5", IndicatorPlan.year == 2025
            )
        )
        assert plan == 80
        assert s.scalar(select(Ground.text).where(Ground.number == 7, Ground.preset_id == 2))


def test_reopening_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    open_database(path).dispose()
    db = open_database(path)
    assert db.backups == []
    db.dispose()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"hello, this is text\n", "не является базой данных SQLite"),
        (b"", "пуст"),
        (b"PK\x03\x04" + b"\x00" * 200, "не является базой данных SQLite"),
    ],
)
def test_not_a_database_is_refused_and_unchanged(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "bad.sqlite"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(DatabaseRefused, match=words):
        open_database(path)
    assert digest(path) == before


def test_foreign_sqlite_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('чужие данные')")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(DatabaseRefused, match="не Методактива"):
        open_database(path)
    assert digest(path) == before


def test_newer_revision_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    open_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(DatabaseRefused, match="более новой версией"):
        open_database(path)
    assert digest(path) == before


def test_cli_check_json_and_refusals(tmp_path: Path) -> None:
    good = tmp_path / "good.sqlite"
    result = run_cli("--db", str(good), "check", "--json", cwd=tmp_path)
    assert result.returncode == 1 and not good.exists()  # check never creates a database
    assert "не найден" in json.loads(result.stdout)["error"]
    assert run_cli("--db", str(good), "init", cwd=tmp_path).returncode == 0
    result = run_cli("--db", str(good), "check", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["revision"] == head_revision()
    assert report["counts"]["people"] == 0 and "diagnostic_sessions" in report["counts"]

    text_file = tmp_path / "notes.txt"
    text_file.write_text("не база", encoding="utf-8")
    result = run_cli("--db", str(text_file), "check", cwd=tmp_path)
    assert result.returncode == 1
    assert "не является базой данных SQLite" in result.stderr
    assert "Traceback" not in result.stderr
    assert text_file.read_text(encoding="utf-8") == "не база"


def test_cli_usage_error_and_version(tmp_path: Path) -> None:
    result = run_cli("--no-such-flag", cwd=tmp_path)
    assert result.returncode == 2 and "ошибка" in result.stderr
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0 and "Методактив" in result.stdout
