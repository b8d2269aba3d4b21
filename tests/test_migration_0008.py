"""Revision 0008: people.education_pedagogical becomes nullable («не указано»). A file at 0007
with a row in every table is upgraded by opening it: every row of every table stays as it was
(on SQLite the table is not copied and dropped — a drop with foreign keys on would delete the
courses, jobs and participations through ON DELETE CASCADE), the schema is the models' and an
unknown value can be stored. The downgrade writes back the old guesses where it must."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from desktop_app.exchange.schema import VERSIONED_TABLES
from desktop_app.model import Base
from desktop_app.services.incomplete import incomplete_records
from desktop_app.store.database import alembic_config, head_revision, open_database
from desktop_app.store.engine import make_engine, url_for
from tests.test_exchange_roundtrip import db_digest, fill_every_table

CHILDREN = ("courses", "employments", "participations", "pair_mentees", "active_members",
            "diagnostic_sessions", "routes")


def read(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def without_later_columns(path: Path, copy: Path) -> Path:
    """A copy of the file without the columns later revisions added to old tables (0010: the
    records' versions; 0012: the municipality of each ОО), to be compared row for row with the
    file before the upgrade."""
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        source.backup(target)
        with target:
            for table in VERSIONED_TABLES:
                target.execute(f"ALTER TABLE {table} DROP COLUMN row_version")
            _without_municipality(target)
    finally:
        source.close()
        target.close()
    return copy


def _without_municipality(con: sqlite3.Connection) -> None:
    """organisations without municipality_id (0012; a downgrade on SQLite keeps the column
    emptied): a column with a reference cannot be dropped, the rows are copied without it."""
    columns = [(r[1], r[2]) for r in con.execute("PRAGMA table_info(organisations)")]
    if "municipality_id" not in {name for name, _type in columns}:
        return
    columns = [(name, kind) for name, kind in columns if name != "municipality_id"]
    kept = ", ".join(name for name, _type in columns)
    con.execute("CREATE TABLE organisations_kept (" + ", ".join(
        f"{name} {kind}" for name, kind in columns) + ")")  # the same affinities
    con.execute(f"INSERT INTO organisations_kept SELECT {kept} FROM organisations")
    con.execute("DROP TABLE organisations")
    con.execute("ALTER TABLE organisations_kept RENAME TO organisations")


def _digest_without_municipality(path: Path, copy: Path, skip: tuple[str, ...]) -> str:
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        source.backup(target)
        with target:
            _without_municipality(target)
    finally:
        source.close()
        target.close()
    return db_digest(copy, skip=skip)


def to_revision(path: Path, revision: str) -> None:
    engine = make_engine(url_for(path))
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


@pytest.fixture
def file_at_0007(tmp_path: Path) -> Path:
    """A database with rows in every table, one person and one ОО «не указано», taken down
    to revision 0007."""
    path = tmp_path / "old.sqlite"
    open_database(path).dispose()
    fill_every_table(path)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE people SET education_pedagogical = NULL, education_level = "
                    "'unknown', category = 'unknown' WHERE id = (SELECT min(id) FROM people)")
        con.execute("UPDATE organisations SET kind = 'unknown' WHERE id = "
                    "(SELECT min(id) FROM organisations)")
    con.close()
    to_revision(path, "0007")
    return path


def test_downgrade_puts_back_the_old_schema_and_its_defaults(file_at_0007: Path) -> None:
    assert read(file_at_0007, "SELECT version_num FROM alembic_version") == [("0007",)]
    first = read(file_at_0007, "SELECT education_pedagogical, education_level, category FROM "
                               "people ORDER BY id LIMIT 1")
    assert first == [(1, "higher", "none")]
    assert read(file_at_0007, "SELECT kind FROM organisations ORDER BY id LIMIT 1") == [
        ("general",)]
    con = sqlite3.connect(file_at_0007)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            con.execute("UPDATE people SET education_pedagogical = NULL")
    finally:
        con.close()


def test_upgrade_from_0007_keeps_every_row(file_at_0007: Path, data_home: Path,
                                           tmp_path: Path) -> None:
    before = _digest_without_municipality(file_at_0007, tmp_path / "before.sqlite",
                                          ("alembic_version",))
    children = {t: read(file_at_0007, f"SELECT count(*) FROM {t}")[0][0] for t in CHILDREN}
    assert all(children.values()), children
    people = read(file_at_0007, "SELECT * FROM people ORDER BY id")
    db = open_database(file_at_0007)
    try:
        assert [p.name for p in db.backups] and "before-upgrade-0007" in db.backups[0].name
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with db.sessions() as s:
            incomplete_records(s)  # the services read the upgraded file
    finally:
        db.dispose()
    assert read(file_at_0007, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    # the tables of later revisions are new and empty, their columns of old tables (0010) hold
    # 1 in every row: every row of the old ones is as it was
    later = ("alembic_version", "collection_rounds", "round_files", "municipalities", "awards",
             "award_conditions", "nominations", "practices", "practice_authors",
             "practice_pairs", "practice_files", "practice_file_parts")
    assert {read(file_at_0007, f"SELECT DISTINCT row_version FROM {t}")[0]
            for t in VERSIONED_TABLES if t not in later} == {(1,)}
    as_before = without_later_columns(file_at_0007, tmp_path / "as-before.sqlite")
    assert db_digest(as_before, skip=later) == before
    assert {t: read(file_at_0007, f"SELECT count(*) FROM {t}")[0][0]
            for t in CHILDREN} == children
    assert read(as_before, "SELECT * FROM people ORDER BY id") == people
    assert read(file_at_0007, "PRAGMA foreign_key_check") == []
    assert read(file_at_0007, "PRAGMA integrity_check") == [("ok",)]
    con = sqlite3.connect(file_at_0007)
    with con:  # «не указано» can be stored now
        con.execute("UPDATE people SET education_pedagogical = NULL WHERE id = "
                    "(SELECT min(id) FROM people)")
    con.close()
    assert read(file_at_0007, "SELECT count(*) FROM people WHERE education_pedagogical IS "
                              "NULL") == [(1,)]
