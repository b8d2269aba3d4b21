"""`indicators --details КОД`: who is counted in B and in A of an indicator, from the command
line — readable, pipeable, as JSON with ids; the database only read."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services import indicators as ind
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest
from tests.test_indicators_data import EXPECTED, build


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """The hand-built database of tests/test_indicators_data.py as a closed file."""
    path = tmp_path / "cli.sqlite"
    database = open_database(path)
    with database.sessions.begin() as session:
        build(session)
    database.dispose()
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The municipal demo (900 people): lists longer than a pipe's buffer."""
    from desktop_app.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(path.parent / "home"))
        write_demo(path, "municipality")
    yield path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def drill(path: Path, code: str, year: int, on: date | None = None) -> ind.Drill:
    db = open_database(path)
    try:
        with db.sessions() as session:
            return ind.drill_down(session, code, year, on)
    finally:
        db.dispose()


def member_lines(text: str) -> list[str]:
    """The lines of members: each starts with «A» or «B» and a space."""
    return [line for line in text.splitlines() if line[:2] in ("A ", "B ")]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_people_of_a_and_b_listed(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                         "--details", "I3")
    assert code == 0 and not err
    lines = out.splitlines()
    assert lines[0].startswith("I3. Доля педагогических работников")
    assert lines[1] == "На 31.12.2024, период 01.01.2024–31.12.2024: A = 5, B = 9, факт " \
        "55,6\u00a0%"
    rows = member_lines(out)
    assert len(rows) == 9  # B
    in_a = [line for line in rows if line.startswith("A ")]
    assert [line.split()[2:4] for line in in_a] == [
        ["Егоров", "Олег"], ["Ёлкина", "Дарья"], ["Иванов", "Иван"], ["Петрова", "Анна"],
        ["Сидоров", "Пётр"]]
    ivanov = next(line for line in in_a if "Иванов Иван" in line)
    assert "Школа № 1" in ivanov and ivanov.count("наставник в паре") == 3
    only_b = [line for line in rows if line.startswith("B ")]
    assert all("работает в действующей ОО" in line for line in only_b)
    assert not any("Морозов Денис" in line for line in rows)  # left before the year: not in B
    numbers = [int(line.split()[1]) for line in rows]
    assert numbers == list(range(1, 10))
    header = next(line for line in lines if line.startswith("Учёт "))
    assert header.split() == ["Учёт", "№", "ФИО", "ОО", "Основание"]
    # the columns line up: each member's ОО starts where the header's «ОО» does
    column = header.index("ОО")
    assert all(line[column:].startswith(("Школа", "Детский", "Гимназия")) for line in rows)


def test_young_teachers_show_age_and_pair(db_file: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                          "--details", "i5")  # the code in any case
    assert code == 0
    rows = member_lines(out)
    expected = drill(db_file, "I5", 2024)
    assert len(rows) == len(expected.b_rows)
    elkina = next(line for line in rows if "Ёлкина Дарья" in line)
    assert elkina.startswith("A ") and "возраст" in elkina and "наставляемый в паре" in elkina
    kuznetsova = next(line for line in rows if "Кузнецова Мария" in line)
    assert kuznetsova.startswith("B ")  # her pair starts in 2025


def test_organisations_on_a_date(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                          "--date", "01.03.2024", "--details", "I1")
    assert code == 0
    expected = drill(db_file, "I1", 2024, date(2024, 3, 1))
    assert (len(expected.a_rows), len(expected.b_rows)) == (2, 4)
    assert "На 01.03.2024, период 01.01.2024–01.03.2024: A = 2, B = 4, факт 50,0" in out
    rows = member_lines(out)
    assert len(rows) == 4
    closed = next(line for line in rows if "Закрытая школа" in line)  # closed after the date
    assert closed.startswith("A ") and closed.endswith(
        "ОО закрыта 31.03.2024; Положение утверждено актом от 01.01.2020")
    school = next(line for line in rows if "Школа № 1" in line)
    assert school.startswith("A ") and "№ 12 от 01.09.2021" in school
    garden = next(line for line in rows if "Ёлочка" in line)
    assert garden.startswith("B ") and garden.endswith("ОО действует")  # its act is of July
    header = next(line for line in out.splitlines() if line.startswith("Учёт "))
    assert header.split() == ["Учёт", "№", "ОО", "Основание"]


def test_json_with_ids(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    on = date(2024, 6, 30)
    code, out, _err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                          "--date", "30.06.2024", "--details", "I3", "--json")
    assert code == 0
    data = json.loads(out)
    expected = drill(db_file, "I3", 2024, on)
    assert (data["code"], data["year"], data["date"], data["kind"]) == (
        "I3", 2024, "2024-06-30", "person")
    assert (data["a"], data["b"]) == EXPECTED[(2024, on)]["I3"]
    assert data["fact"] == 44.4
    assert [m["id"] for m in data["members"]] == [r.id for r in expected.b_rows]
    assert {m["id"] for m in data["members"] if m["in_a"]} == {r.id for r in expected.a_rows}
    first = next(m for m in data["members"] if m["in_a"])
    assert set(first) == {"id", "name", "organisation", "in_a", "reason_a", "reason_b"}
    row = next(r for r in expected.a_rows if r.id == first["id"])
    assert (first["name"], first["organisation"], first["reason_a"]) == (
        row.name, row.organisation, row.reason)
    code, out, _err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                          "--details", "P4", "--json")
    data = json.loads(out)
    assert data["kind"] == "org" and (data["a"], data["b"]) == (2, 3)
    assert "organisation" not in data["members"][0]


def test_same_figures_as_the_table_on_the_demo(demo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """For every indicator the lists hold as many as A and B of the indicator table."""
    code, out, _err = run(capsys, "--db", str(demo), "indicators", "--year", "2024", "--json")
    figures = {r["code"]: (r["a"], r["b"]) for r in json.loads(out)}
    for indicator in ind.CODES:
        code, out, _err = run(capsys, "--db", str(demo), "indicators", "--year", "2024",
                              "--details", indicator)
        rows = member_lines(out)
        counted = (sum(line.startswith("A ") for line in rows), len(rows))
        assert counted == figures[indicator], indicator
        assert figures[indicator][1] > 0


def test_unknown_code_exits_2_with_the_codes(db_file: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(db_file), "indicators", "--year", "2024", "--details", "I9"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "«I9»" in err and all(code in err for code in ind.CODES)


def test_date_of_another_year_refused(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                         "--date", "01.01.2025", "--details", "I2")
    assert code == 1 and not out and "не относится к 2024 году" in err


def test_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.sqlite"
    open_database(empty).dispose()
    code, out, _err = run(capsys, "--db", str(empty), "indicators", "--year", "2024",
                          "--details", "I2")
    assert code == 0 and "A = 0, B = 0, факт —" in out
    assert "В знаменателе никого нет" in out and not member_lines(out)


def test_reads_only(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, rows = file_hash(db_file), db_digest(db_file)
    for args in (["--details", "I3"], ["--details", "I1", "--json"]):
        code, _out, _err = run(capsys, "--db", str(db_file), "indicators", "--year", "2024",
                               *args)
        assert code == 0
    assert file_hash(db_file) == before and db_digest(db_file) == rows


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", *args]


def test_piped_through_other_programs(demo: Path, tmp_path: Path) -> None:
    """A pipe reader that stops early (head) is no error; the A lines are picked by their
    first letter."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", METODAKTIV_HOME=str(tmp_path / "home"))
    before = file_hash(demo)
    db = open_database(demo)
    try:
        with db.sessions() as session:
            i3 = next(r for r in ind.compute_indicators(session, 2024) if r.code == "I3")
    finally:
        db.dispose()
    args = _cli("--db", str(demo), "indicators", "--year", "2024", "--details", "I3")
    whole = subprocess.run(args, capture_output=True, env=env, timeout=60)
    assert whole.returncode == 0 and not whole.stderr
    assert len(whole.stdout) > 1 << 16  # more than a pipe holds: the writer meets the close
    text = whole.stdout.decode("utf-8")
    assert sum(line.startswith("A ") for line in text.splitlines()) == i3.a
    first = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert first.stdout is not None and first.stderr is not None
    head = first.stdout.readline()
    first.stdout.close()  # as `| head -n 1` does
    err = first.stderr.read().decode("utf-8")
    assert first.wait(timeout=60) == 0, err
    assert head.decode("utf-8").startswith("I3. ")
    assert "Ошибка" not in err and "Traceback" not in err
    assert file_hash(demo) == before
