"""`metodaktiv demo --out postgresql://…`: the demo written into an empty database on a PostgreSQL
server is the demo of the file, row for row (the same seed, the same data), with the same
indicators; the window adds records after it; a database that holds rows is refused, untouched;
the password is never shown."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from desktop_app.cli import main
from desktop_app.commands.demo import PRESET_TABLES, write_demo_to_server
from desktop_app.demo import REFERENCE, Scale
from desktop_app.model import Base
from desktop_app.services.indicators import compute_indicators
from desktop_app.store.database import open_database
from tests.test_pg_exchange import add_person, behind
from tests.test_pg_migrations import every_row

SMALL = Scale(organisations=6, people=60, active=6, pairs=10, sessions=20)  # small_demo_file's


def indicators(target: str | Path) -> list[Any]:
    db = open_database(target)
    try:
        with db.sessions() as s:
            return [compute_indicators(s, year, on) for year, on in (
                (REFERENCE.year, REFERENCE), (REFERENCE.year - 1, None))]
    finally:
        db.dispose()


def password(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_the_demo_on_a_server_is_the_demo_of_the_file(pg_url: str, small_demo_file: Path,
                                                      tmp_path: Path) -> None:
    counts = write_demo_to_server(pg_url, SMALL, seed=3)
    local = tmp_path / "demo.sqlite"
    shutil.copy(small_demo_file, local)
    server, file = every_row(pg_url), every_row(local)
    assert server == file
    assert counts.counts["people"] == len(server["people"]) == 60
    assert server["answers"] and server["session_area_scores"] and server["deficits"]
    assert indicators(pg_url) == indicators(local)
    assert behind(pg_url) == []
    assert add_person(pg_url) == max(row[0] for row in server["people"]) + 1


def test_the_demo_command_fills_an_empty_server_database_once(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    secret = password(pg_url)
    assert main(["demo", "--out", pg_url, "--seed", "1"]) == 0
    out = capsys.readouterr()
    assert "педагогов: 900" in out.out and "наставнических пар и групп: 158" in out.out
    assert "Демонстрационная база записана: postgresql+psycopg://meto:***@" in out.out
    assert secret not in out.out + out.err
    people = every_row(pg_url)["people"]
    assert len(people) == 900

    assert main(["demo", "--out", pg_url, "--seed", "2", "--force"]) == 1
    out = capsys.readouterr()
    assert "уже есть данные" in out.err and "«Организации» —" in out.err
    assert "meto:***@" in out.err and secret not in out.err + out.out
    assert every_row(pg_url)["people"] == people  # untouched


def test_a_database_made_by_init_takes_the_demo(pg_url: str) -> None:
    """A new database holds its presets only: they are the demo's presets after."""
    assert main(["--db", pg_url, "init"]) == 0
    write_demo_to_server(pg_url, SMALL, seed=3)
    assert len(every_row(pg_url)["people"]) == 60


def test_init_fills_only_the_preset_tables(pg_url: str) -> None:
    """What the demo takes for a new database's presets is what `init` writes."""
    assert main(["--db", pg_url, "init"]) == 0
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            filled = {t.name for t in Base.metadata.sorted_tables
                      if conn.scalar(select(func.count()).select_from(t))}
    finally:
        engine.dispose()
    assert filled == PRESET_TABLES


def test_an_address_refused_never_shows_its_password(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", "mysql://meto:Tайна-42@127.0.0.1/demo"]) == 1
    out = capsys.readouterr()
    assert "Tайна-42" not in out.err + out.out and "***" in out.err
