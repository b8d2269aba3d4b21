"""Every migration on a PostgreSQL database that holds data: a server database brought to the first
revision (0001) is given the rows of the 0001 fixture file, then opened by the program, which
runs every later revision (0002 fills the area means, 0004 the people's sort keys …) and loads
the presets; it ends with the very rows the fixture file gets when it is upgraded on SQLite."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import MetaData, create_engine, func, select, text, update

from desktop_app.model import Base
from desktop_app.store.database import alembic_config, head_revision, open_database
from desktop_app.textutil import fio, person_sort_key, ru_sort_key

FIXTURE = Path(__file__).parent / "fixtures" / "rev0001.sqlite"


def upgrade_to(url: str, revision: str) -> None:
    """Alembic's upgrade on the URL, on a connection handed over as the program hands it."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def load_fixture_rows(url: str) -> dict[str, int]:
    """The fixture's rows written with plain Core into the server's tables at its revision (both
    sides reflected: no model of today involved), the curators of the ОО set after the people,
    each id sequence where a database that made those rows would have it. Rows per table."""
    source, target = create_engine(f"sqlite:///{FIXTURE.as_posix()}?mode=ro"), create_engine(url)
    theirs, ours = MetaData(), MetaData()
    theirs.reflect(source)
    ours.reflect(target)
    order = [t.name for t in Base.metadata.sorted_tables if t.name in theirs.tables]
    counts: dict[str, int] = {}
    curators: list[dict[str, Any]] = []
    try:
        with source.connect() as read, target.begin() as write:
            for name in order:
                rows = [dict(r) for r in read.execute(select(theirs.tables[name])).mappings()]
                if name == "organisations":
                    curators = [{"oid": r["id"], "pid": r["curator_id"]} for r in rows
                                if r["curator_id"] is not None]
                    rows = [{**r, "curator_id": None} for r in rows]
                if rows:
                    write.execute(ours.tables[name].insert(), rows)
                counts[name] = len(rows)
            if curators:
                write.execute(text("UPDATE organisations SET curator_id = :pid WHERE id = :oid"),
                              curators)
            for name in order:
                if "id" in ours.tables[name].c:
                    write.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {name}"))
    finally:
        source.dispose()
        target.dispose()
    return counts


def every_row(target: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    db = open_database(target)
    try:
        with db.engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(
                select(t).order_by(*t.primary_key.columns))] for t in Base.metadata.sorted_tables}
    finally:
        db.dispose()


def test_every_migration_runs_on_a_server_database_with_data(pg_url: str, tmp_path: Path) -> None:
    upgrade_to(pg_url, "0001")
    counts = load_fixture_rows(pg_url)
    assert counts["people"] == 8 and counts["answers"] == 360 and counts["deficits"] == 64

    server = every_row(pg_url)  # opened by the program: 0002 … head, then the presets
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
            people = conn.execute(text("SELECT id, last_name, first_name, middle_name, sort_key "
                                       "FROM people ORDER BY id")).all()
            by_key = list(conn.scalars(text('SELECT id FROM people ORDER BY sort_key COLLATE "C", '
                                            "id")))
            means = conn.scalar(select(func.count()).select_from(
                Base.metadata.tables["session_area_scores"]))
    finally:
        engine.dispose()
    assert len(people) == 8 and ("Ёлкина", "Анна") in {(p[1], p[2]) for p in people}
    for _id, last, first, middle, key in people:
        assert key == person_sort_key(last, first, middle or "") != ""
    assert by_key == [p[0] for p in sorted(
        people, key=lambda p: (ru_sort_key(fio(p[1], p[2], p[3] or "")), p[0]))]
    assert means == 45  # 9 self-assessments × 5 areas, filled by 0002 from the answers

    local = tmp_path / "rev0001.sqlite"
    shutil.copy(FIXTURE, local)
    assert server == every_row(local)  # the same rows as the file upgraded on SQLite


def filled(table: Any, **values: Any) -> dict[str, Any]:
    """A row of a reflected table: the values given, every other required column plain."""
    plain = {bool: False, date: date(1985, 5, 5), int: 0, str: ""}
    row = dict(values)
    for column in table.columns:
        if column.name not in row and not column.nullable and not column.primary_key:
            row[column.name] = plain[column.type.python_type]
    return row


def test_the_sort_keys_of_0004_are_written_on_the_server(pg_url: str) -> None:
    """From 0003, people and an ОО added with plain Core (the tables reflected): 0004 writes each
    person's key (its statement once had SQLite's «?» placeholder, which PostgreSQL refuses),
    and every later revision runs on them."""
    upgrade_to(pg_url, "0003")
    engine = create_engine(pg_url)
    tables = MetaData()
    tables.reflect(engine)
    people, organisations = tables.tables["people"], tables.tables["organisations"]
    names = [("Ёлкина", "Анна", ""), ("Егорова", "Инна", "Петровна"), ("Абрамов", "Олег", "Ильич")]
    try:
        with engine.begin() as conn:
            conn.execute(organisations.insert(), [filled(
                organisations, id=1, short_name="СОШ № 1", full_name="МБОУ «СОШ № 1»")])
            conn.execute(people.insert(), [filled(
                people, id=n, last_name=last, first_name=first, middle_name=middle,
                search_key=f"{last} {first}", organisation_id=1)
                for n, (last, first, middle) in enumerate(names, start=1)])
            conn.execute(update(organisations).values(curator_id=3))
        upgrade_to(pg_url, "0004")
        with engine.connect() as conn:
            rows = conn.execute(text('SELECT last_name, first_name, middle_name, sort_key '
                                     'FROM people ORDER BY sort_key COLLATE "C"')).all()
        upgrade_to(pg_url, "head")
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT p.id, p.sort_key, o.curator_id FROM people p "
                                     "JOIN organisations o ON o.id = p.organisation_id "
                                     "ORDER BY p.id")).all()
    finally:
        engine.dispose()
    assert [r[0] for r in rows] == ["Абрамов", "Егорова", "Ёлкина"]
    assert all(r[3] == person_sort_key(r[0], r[1], r[2]) for r in rows)
    assert [(r[0], r[2]) for r in kept] == [(1, 3), (2, 3), (3, 3)]
    assert {r[1] for r in kept} == {r[3] for r in rows}


def test_the_curator_of_an_organisation_is_a_person_on_the_server_too(pg_url: str) -> None:
    """Revision 0011: the foreign key 0001 could not make on PostgreSQL is there at the head;
    a curator id naming no person (accepted before it) is cleared, as ON DELETE SET NULL would
    have cleared it."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import IntegrityError

    upgrade_to(pg_url, "0010")
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            assert not [fk for fk in inspect(conn).get_foreign_keys("organisations")
                        if fk["constrained_columns"] == ["curator_id"]]
            # the columns' defaults of the model (0011 adds no column)
            conn.execute(Base.metadata.tables["organisations"].insert().values(
                id=1, short_name="МБОУ СОШ № 1", curator_id=77))
        upgrade_to(pg_url, "head")
        with engine.begin() as conn:
            keys = [fk for fk in inspect(conn).get_foreign_keys("organisations")
                    if fk["constrained_columns"] == ["curator_id"]]
            assert [(k["referred_table"], k["options"].get("ondelete")) for k in keys] == \
                [("people", "SET NULL")]
            assert conn.scalar(text("SELECT curator_id FROM organisations")) is None
        try:
            with engine.begin() as conn:
                conn.execute(text("UPDATE organisations SET curator_id = 78"))
            raise AssertionError("a curator who is not a person was accepted")
        except IntegrityError:
            pass
    finally:
        engine.dispose()
