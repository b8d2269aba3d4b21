"""Upgrading a user's file from revision 0001 (the fixture) to head: rows kept, area means
filled, backup first; restore of an old copy; a file that cannot be backed up is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.model import Person
from desktop_app.services.diagnostics import RebuildResult, person_picture, rebuild_deficits
from desktop_app.services.matching import latest_strengths, person_strengths
from desktop_app.store import backups
from desktop_app.store.backup import integrity_ok
from desktop_app.store.database import DatabaseRefused, head_revision, open_database
from desktop_app.textutil import fio, person_sort_key, ru_sort_key

FIXTURE = Path(__file__).parent / "fixtures" / "rev0001.sqlite"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def counts(path: Path) -> dict[str, int]:
    names = [r[0] for r in read(path, "SELECT name FROM sqlite_master WHERE type='table' "
                                      "AND name NOT LIKE 'sqlite_%'")]
    return {n: int(read(path, f'SELECT count(*) FROM "{n}"')[0][0]) for n in names}


def revision(path: Path) -> str:
    return str(read(path, "SELECT version_num FROM alembic_version")[0][0])


# Hand-worked from make_rev1.py: every item of an area gets the same score, others 4.
MEANS_BY_AREA = """
SELECT p.last_name, s.session_date, sc.area, sc.mean_score, sc.item_count
FROM session_area_scores sc JOIN diagnostic_sessions s ON s.id = sc.session_id
JOIN people p ON p.id = s.person_id
"""
FROM_ANSWERS = """
SELECT a.session_id, i.area, round(avg(a.score), 6), count(*) FROM answers a
JOIN instrument_items i ON i.id = a.item_id GROUP BY a.session_id, i.area ORDER BY 1, 2
"""


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "metodaktiv.sqlite"
    shutil.copy(FIXTURE, path)
    return path


def test_fixture_is_a_small_file_at_revision_0001() -> None:
    assert FIXTURE.stat().st_size < 200 * 1024
    assert revision(FIXTURE) == "0001" != head_revision()
    assert "session_area_scores" not in counts(FIXTURE)
    assert integrity_ok(FIXTURE)


def test_upgrade_keeps_every_row_and_value(old_file: Path) -> None:
    before = counts(old_file)
    people = read(old_file, "SELECT id, last_name, first_name, birth_date, subject FROM people "
                  "ORDER BY id")
    answers = read(old_file, "SELECT session_id, item_id, score FROM answers ORDER BY 1, 2")
    deficits = read(old_file, "SELECT * FROM deficits ORDER BY id")
    db = open_database(old_file)
    db.dispose()
    assert revision(old_file) == head_revision()
    after = counts(old_file)
    # the presets loader adds what a newer version ships (a setting, a preset of grounds)
    shipped = {"alembic_version", "settings", "ground_presets", "grounds"}
    assert {n: after[n] for n in before if n not in shipped} == {
        n: c for n, c in before.items() if n not in shipped}
    assert all(after[n] >= before[n] for n in shipped - {"alembic_version"})
    assert read(old_file, "SELECT id, last_name, first_name, birth_date, subject FROM people "
                  "ORDER BY id") \
        == people
    assert ("Ёлкина", "Анна") in {(r[1], r[2]) for r in people}
    assert read(old_file, "SELECT session_id, item_id, score FROM answers ORDER BY 1, 2") == answers
    assert read(old_file, "SELECT * FROM deficits ORDER BY id") == deficits
    assert integrity_ok(old_file)


def test_upgrade_fills_the_area_means(old_file: Path) -> None:
    open_database(old_file).dispose()
    stored = read(old_file, "SELECT session_id, area, mean_score, item_count "
                            "FROM session_area_scores ORDER BY 1, 2")
    assert stored == read(old_file, FROM_ANSWERS)
    # 9 self-assessments × 5 areas; the external assessment has no answers and no means
    assert len(stored) == 45
    means = {(r[0], str(r[1]), r[2]): (r[3], r[4]) for r in read(old_file, MEANS_BY_AREA)}
    assert means[("Иванов", "2023-10-03", "methodical")][0] == 2.0
    assert means[("Иванов", "2024-10-01", "methodical")][0] == 3.0
    assert means[("Ёлкина", "2023-10-02", "subject")][0] == 5.0
    assert means[("Ёлкина", "2023-10-02", "communicative")][0] == 4.0
    assert sum(n for (who, day, _a), (_m, n) in means.items()
               if (who, day) == ("Ёлкина", "2023-10-02")) == len(read(
                   old_file, "SELECT id FROM instrument_items WHERE instrument_id = "
                             "(SELECT instrument_id FROM diagnostic_sessions WHERE kind='self' "
                             "LIMIT 1)"))


def test_upgrade_fills_the_people_sort_key(old_file: Path) -> None:
    assert "sort_key" not in {r[1] for r in read(old_file, "PRAGMA table_info(people)")}
    open_database(old_file).dispose()
    people = read(old_file, "SELECT id, last_name, first_name, middle_name, sort_key FROM people "
                            "ORDER BY id")
    assert len(people) == 8
    for _id, last, first, middle, key in people:
        assert key == person_sort_key(str(last), str(first), str(middle or "")) != ""
    by_sql = [r[0] for r in read(old_file, "SELECT id FROM people ORDER BY sort_key, id")]
    assert by_sql == [r[0] for r in sorted(
        people, key=lambda r: (ru_sort_key(fio(str(r[1]), str(r[2]), str(r[3] or ""))), r[0]))]


def test_upgraded_file_works_with_the_services(old_file: Path) -> None:
    db = open_database(old_file)
    try:
        with db.sessions() as s:
            # the fixture's deficits are what the program derives: nothing to change
            assert rebuild_deficits(s) == RebuildResult(0, 0, 0)
            ivanov = s.scalar(select(Person.id).where(Person.last_name == "Иванов"))
            picture = person_picture(s, ivanov)
            methodical = {a.area: a for a in picture.areas}["methodical"]
            assert (methodical.mean, methodical.previous, methodical.change) == (3.0, 2.0, 1.0)
            strong = latest_strengths(s)
            yolkina = s.scalar(select(Person.id).where(Person.last_name == "Ёлкина"))
            assert strong[yolkina] == frozenset({"subject", "methodical"})
    finally:
        db.dispose()


def test_backup_of_the_old_file_is_taken_first(old_file: Path, data_home: Path) -> None:
    db = open_database(old_file)
    db.dispose()
    assert len(db.backups) == 1
    copy = db.backups[0]
    # a database outside the data folder keeps its copies in a backups folder beside it
    assert copy.parent == old_file.parent / "backups" and "before-upgrade-0001" in copy.name
    assert revision(copy) == "0001" and integrity_ok(copy)
    assert counts(copy) == counts(FIXTURE)
    assert dump(copy) == dump(FIXTURE)  # the file as it was, schema and rows
    assert read(copy, "PRAGMA journal_mode") == [("delete",)]


def test_cli_check_reads_an_old_copy_and_upgrade_brings_it_up(old_file: Path,
                                                              tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop_app", "--db", str(old_file), *args],
            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=120,
            check=False,
        )

    before = digest(old_file)
    done = cli("check", "--json")  # check only looks: the old file is not upgraded
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["revision"] == "0001" != head_revision()
    assert report["upgrade_needed"] is True
    assert report["counts"]["people"] == 8 and report["counts"]["diagnostic_sessions"] == 10
    assert digest(old_file) == before
    assert cli("upgrade").returncode == 0
    report = json.loads(cli("check", "--json").stdout)
    assert report["ok"] is True and report["revision"] == head_revision()
    assert report["upgrade_needed"] is False and report["counts"]["people"] == 8


def test_restore_of_a_0001_copy_into_a_head_database_upgrades_it(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = db.path
    with db.sessions.begin() as s:
        s.add(Person(last_name="Текущая", first_name="Вера", search_key="текущая вера",
                     birth_date=date(1990, 1, 1)))
    db.dispose()
    source = tmp_path / "old-copy.sqlite"
    shutil.copy(FIXTURE, source)
    result = backups.restore(target, source)
    assert result.upgraded_from == "0001"
    assert result.previous is not None and revision(result.previous) == head_revision()
    assert revision(source) == "0001" and digest(source) == digest(FIXTURE)
    assert revision(target) == head_revision()
    assert counts(target)["people"] == 8
    assert read(target, "SELECT count(*) FROM people WHERE last_name='Текущая'") == [(0,)]
    assert read(target, "SELECT session_id, area, mean_score, item_count "
                        "FROM session_area_scores ORDER BY 1, 2") == read(target, FROM_ANSWERS)
    reopened = open_database(target)
    assert reopened.backups == []
    reopened.dispose()


def test_old_file_that_cannot_be_backed_up_is_refused_untouched(
    old_file: Path, data_home: Path
) -> None:
    blocker = old_file.parent / "backups"  # the copies' folder beside the file cannot be made
    blocker.write_text("не папка", encoding="utf-8")
    before = digest(old_file)
    with pytest.raises(DatabaseRefused, match="не удалось сделать её резервную копию"):
        open_database(old_file)
    assert digest(old_file) == before
    assert sorted(p.name for p in old_file.parent.iterdir() if p.name != "home") == [
        "backups", old_file.name]


def test_failed_backup_check_refuses_the_upgrade(
    old_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.store import database
    from desktop_app.store.backup import BackupError

    def broken(_src: Path, dest: Path) -> Path:
        raise BackupError(f"Резервная копия {dest} не прошла проверку целостности")

    monkeypatch.setattr(database, "backup_file", broken)
    before = digest(old_file)
    with pytest.raises(DatabaseRefused, match="не прошла проверку целостности"):
        open_database(old_file)
    assert digest(old_file) == before and revision(old_file) == "0001"


def test_upgrade_adds_the_latest_session_index(old_file: Path) -> None:
    index = "ix_diagnostic_sessions_person_kind_date"
    assert read(old_file, f"SELECT name FROM sqlite_master WHERE name = '{index}'") == []
    sessions = read(old_file, "SELECT * FROM diagnostic_sessions ORDER BY id")
    db = open_database(old_file)
    try:
        with db.sessions() as s:
            yolkina = s.scalar(select(Person.id).where(Person.last_name == "Ёлкина"))
            assert person_strengths(s, yolkina) == frozenset({"subject", "methodical"})
    finally:
        db.dispose()
    assert revision(old_file) == head_revision()
    assert [r[2] for r in read(old_file, f"PRAGMA index_info('{index}')")] == [
        "person_id", "kind", "session_date"]
    assert read(old_file, "SELECT * FROM diagnostic_sessions ORDER BY id") == sessions
    plan = " ".join(str(r[3]) for r in read(old_file, (
        "EXPLAIN QUERY PLAN SELECT 1 FROM diagnostic_sessions AS n WHERE n.person_id = 1 "
        "AND n.kind = 'self' AND n.session_date > '2023-01-01'")))
    assert f"COVERING INDEX {index}" in plan


def test_upgrade_adds_the_people_list_index(old_file: Path) -> None:
    people = read(old_file, "SELECT * FROM people ORDER BY id")
    open_database(old_file).dispose()
    columns = [r[2] for r in read(old_file, "PRAGMA index_info('ix_people_list')")]
    assert columns[:3] == ["sort_key", "id", "last_name"] and "is_active" in columns
    assert [row[:len(people[0])] for row in read(old_file, "SELECT * FROM people ORDER BY id")] \
        == people


def test_upgrade_keeps_the_answers_in_their_key_and_drops_the_covered_indexes(
        old_file: Path) -> None:
    """0016: answers and area means WITHOUT ROWID with every row kept; the indexes whose column
    leads a unique key are gone and their lookups go through that key."""
    answers = read(old_file, "SELECT session_id, item_id, score FROM answers ORDER BY 1, 2")
    assert answers
    open_database(old_file).dispose()
    for table in ("answers", "session_area_scores"):
        sql = read(old_file, f"SELECT sql FROM sqlite_master WHERE name = '{table}'")[0][0]
        assert "WITHOUT ROWID" in str(sql)
    assert read(old_file, "SELECT session_id, item_id, score FROM answers") == answers  # key order
    assert read(old_file, "SELECT count(*) FROM session_area_scores")[0][0] > 0
    names = {r[0] for r in read(old_file, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert names.isdisjoint({"ix_people_search_key", "ix_diagnostic_sessions_person_id",
                             "ix_nominations_person_id", "ix_practice_files_practice_id",
                             "ix_round_files_round_id"})
    lookups = (
        "SELECT id FROM people WHERE search_key = 'ёлкина анна'",
        "SELECT id FROM diagnostic_sessions WHERE person_id = 1",
        "SELECT id FROM nominations WHERE person_id = 1",
        "SELECT id FROM practice_files WHERE practice_id = 1",
        "SELECT id FROM round_files WHERE round_id = 1")
    plans = {sql: " ".join(str(r[3]) for r in read(old_file, f"EXPLAIN QUERY PLAN {sql}"))
             for sql in lookups}
    assert all("USING" in plan and "INDEX" in plan for plan in plans.values()), plans
    assert integrity_ok(old_file)
    assert read(old_file, "PRAGMA foreign_key_check") == []


def test_migrated_schema_is_the_schema_of_the_models(old_file: Path, tmp_path: Path) -> None:
    """Upgraded from 0001 or created empty, the file has exactly the tables, columns and
    indexes the models declare (a model change without its revision fails here)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from desktop_app.model import Base

    for path in (old_file, tmp_path / "новая.sqlite"):
        db = open_database(path)
        try:
            with db.engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        finally:
            db.dispose()
