"""Indicators computed from a hand-built database: A and B on several dates, plans, by ОО."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from desktop_app.services import indicators as ind
from tests.test_indicators_data import EXPECTED, build

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


@pytest.fixture
def data(db):  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        ids = build(session)
    return db, ids


@pytest.mark.parametrize(("year", "on"), list(EXPECTED))
def test_a_and_b_on_each_date(data, year, on) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        results = ind.compute_indicators(session, year, on)
    assert [r.code for r in results] == ["I1", "I2", "I3", "I4", "I5", "P4"]
    assert {r.code: (r.a, r.b) for r in results} == EXPECTED[(year, on)]


def test_fact_plan_difference_status(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        r = {x.code: x for x in ind.compute_indicators(session, 2024)}
    assert r["I1"].fact == 66.7 and r["I1"].plan == 80 and r["I1"].difference == -13.3
    assert r["I1"].status == "below"
    assert r["I3"].fact == 55.6 and r["I3"].status == "above"
    assert r["I5"].fact == 50.0 and r["I5"].plan == 50 and r["I5"].status == "met"
    assert r["I2"].unit == "процент" and r["I2"].name.startswith("Доля педагогических")


def test_no_plan_and_empty_base(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        r = {x.code: x for x in ind.compute_indicators(session, 2030)}
    assert r["I1"].plan is None and r["I1"].status == "no_plan"
    assert r["I1"].fact is None and r["I1"].b == 0 and r["I1"].difference is None


def test_date_must_be_in_the_year(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session, pytest.raises(ind.IndicatorInputError, match="2024"):
        ind.compute_indicators(session, 2024, date(2025, 1, 1))


def test_rounding_half_up() -> None:
    assert ind.share(1, 8) == 12.5
    assert ind.share(1, 3) == 33.3
    assert ind.share(2, 3) == 66.7
    assert ind.share(0, 0) is None
    assert ind.judge(10, 9.9) == "below"
    assert ind.judge(10, 10.1) == "above"
    assert ind.judge(10, 10.0) == "met"


def test_years_before_leap_day() -> None:
    assert ind.years_before(date(2024, 2, 29), 35) == date(1989, 2, 28)
    assert ind.years_before(date(2024, 12, 31), 35) == date(1989, 12, 31)


def _names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.name for r in rows]


def test_drill_down_people_counted_once(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        drill = ind.drill_down(session, "I3", 2024)
    names = _names(drill.a_rows)
    assert names == ["Егоров Олег", "Ёлкина Дарья", "Иванов Иван", "Петрова Анна", "Сидоров Пётр"]
    ivanov = drill.a_rows[2]
    assert ivanov.organisation == "Школа № 1"
    assert ivanov.reason.count("наставник в паре") == 3
    assert "прекращена досрочно" in ivanov.reason
    assert len(drill.b_rows) == 9
    assert "Морозов Денис" not in _names(drill.b_rows)
    assert "Новиков Семён" not in _names(drill.b_rows)


def test_drill_down_young_edges(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        end = ind.drill_down(session, "I5", 2024)
        mid = ind.drill_down(session, "I5", 2024, date(2024, 6, 30))
    assert "Сидоров Пётр" not in _names(end.b_rows)  # turns 35 on 31.12.2024
    assert "Сидоров Пётр" in _names(mid.a_rows)
    assert _names(end.a_rows) == ["Ёлкина Дарья", "Петрова Анна"]
    assert "31.12.2024" in end.a_rows[0].reason  # the pair ending on 31 December counts
    assert "Кузнецова Мария" in _names(end.b_rows)  # her pair starts 01.01.2025
    assert "Кузнецова Мария" not in _names(end.a_rows)
    assert "Орлова Юлия" not in _names(end.a_rows)  # only a planned pair
    assert "возраст" in end.b_rows[0].reason


def test_drill_down_organisations(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        i1 = ind.drill_down(session, "I1", 2024)
        early = ind.drill_down(session, "I1", 2024, date(2024, 3, 1))
        p4 = ind.drill_down(session, "P4", 2024)
    assert _names(i1.a_rows) == ["Детский сад «Ёлочка»", "Школа № 1"]
    assert "№ 12 от 01.09.2021" in i1.a_rows[1].reason
    assert _names(i1.b_rows) == ["Гимназия", "Детский сад «Ёлочка»", "Школа № 1"]
    assert "Закрытая школа" in _names(early.b_rows)
    closed = next(r for r in early.b_rows if r.name == "Закрытая школа")
    assert closed.reason == "ОО закрыта 31.03.2024"
    assert _names(p4.a_rows) == ["Гимназия", "Школа № 1"]


def test_drill_down_participations(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        i2 = ind.drill_down(session, "I2", 2024)
        i4 = ind.drill_down(session, "I4", 2024)
    assert _names(i2.a_rows) == ["Иванов Иван"]
    assert i2.a_rows[0].reason == "мастер-класс «Смысловое чтение» 10.03.2024"
    assert _names(i4.a_rows) == ["Егоров Олег", "Романова Вера"]


def test_set_plan_and_add_year(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions.begin() as session:
        ind.set_plan(session, "I2", 2024, 11.1)
        ind.add_plan_year(session, 2027)
    with db.sessions() as session:
        r = {x.code: x for x in ind.compute_indicators(session, 2024)}
        plans = {p.code: p.plans for p in ind.list_plans(session)}
        assert 2027 in ind.plan_years(session)
    assert r["I2"].plan == 11.1 and r["I2"].status == "met"
    assert plans["I1"][2027] == 100 and plans["I4"][2027] == 10
    assert plans["P4"][2027] == 100  # P4 ends in 2024 at 100


@pytest.mark.parametrize(
    ("code", "year", "value", "field"),
    [("I9", 2024, 10, "Показатель"), ("I1", 1800, 10, "Год"), ("I1", 2024, 150, "Плановое"),
     ("I1", 2024, "много", "Плановое")],
)
def test_set_plan_refuses(data, code, year, value, field) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        with pytest.raises(ind.IndicatorInputError, match=field):
            ind.set_plan(session, code, year, value)
        session.rollback()
    with db.sessions() as session:
        assert {p.code: p.plans for p in ind.list_plans(session)}["I1"][2024] == 80


def test_remove_plan_value(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions.begin() as session:
        ind.set_plan(session, "I1", 2024, None)
    with db.sessions() as session:
        assert ind.compute_indicators(session, 2024)[0].status == "no_plan"


def test_by_organisation(data) -> None:  # type: ignore[no-untyped-def]
    db, ids = data
    with db.sessions() as session:
        rows = {r.name: r for r in ind.by_organisation(session, 2024)}
    assert list(rows) == ["Гимназия", "Детский сад «Ёлочка»", "Школа № 1"]
    school = rows["Школа № 1"]
    assert school.act_date == date(2021, 9, 1)
    assert school.values["I2"] == (1, 3, 33.3)
    assert school.values["I3"] == (3, 3, 100.0)
    assert school.values["I5"] == (1, 1, 100.0)
    assert rows["Гимназия"].act_date is None  # its act is dated 2025
    assert rows["Гимназия"].values["I5"] == (0, 2, 0.0)
    total = sum(r.values["I3"][0] for r in rows.values())
    assert total == EXPECTED[(2024, None)]["I3"][0]


def test_dynamics(data) -> None:  # type: ignore[no-untyped-def]
    db, _ = data
    with db.sessions() as session:
        points = ind.dynamics(session, "I1", [2025, 2024, 2023], today=date(2026, 3, 1))
        now = ind.dynamics(session, "I1", [2024, 2025, 2026], today=date(2024, 6, 30))
    assert [(p.year, p.a, p.b, p.fact, p.plan) for p in points] == [
        (2023, 2, 4, 50.0, 60), (2024, 2, 3, 66.7, 80), (2025, 3, 3, 100.0, 100),
    ]
    assert [(p.on, p.a, p.b, p.fact) for p in now] == [
        (date(2024, 6, 30), 1, 3, 33.3), (date(2025, 12, 31), 0, 0, None),
        (date(2026, 12, 31), 0, 0, None),
    ]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args], capture_output=True, text=True,
        encoding="utf-8", env=env, timeout=60,
    )


@pytest.fixture
def db_file(tmp_path):  # type: ignore[no-untyped-def]
    """The hand-built database as a closed file, for the command line."""
    from desktop_app.store.database import open_database

    path = tmp_path / "cli.sqlite"
    database = open_database(path)
    with database.sessions.begin() as session:
        build(session)
    database.dispose()
    return str(path)


def test_cli_json_and_table(db_file) -> None:  # type: ignore[no-untyped-def]
    path = db_file
    done = _cli("--db", path, "indicators", "--year", "2024", "--date", "30.06.2024", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["code"] for r in rows] == ["I1", "I2", "I3", "I4", "I5", "P4"]
    assert set(rows[0]) == {"code", "name", "unit", "plan", "fact", "a", "b"}
    expected = EXPECTED[(2024, date(2024, 6, 30))]
    assert {r["code"]: (r["a"], r["b"]) for r in rows} == expected
    assert rows[2]["fact"] == 44.4 and rows[0]["plan"] == 80
    table = _cli("--db", path, "indicators", "--year", "2024")
    assert table.returncode == 0, table.stderr
    assert "Показатели за 2024 год на 31.12.2024" in table.stdout
    i1 = next(line for line in table.stdout.splitlines() if line.startswith("I1 "))
    assert i1.split()[1:4] == ["2", "3", "66,7"] and "ниже плана" in i1
    assert "план выполнен" in table.stdout


def test_cli_refuses_date_of_another_year(db_file) -> None:  # type: ignore[no-untyped-def]
    done = _cli("--db", db_file, "indicators", "--year", "2024", "--date", "01.01.2025")
    assert done.returncode == 1
    assert "не относится к 2024 году" in done.stderr and "Traceback" not in done.stderr


def test_drill_xlsx_text_never_a_formula(tmp_path) -> None:
    import openpyxl

    row = ind.DrillRow("person", 1, "=HYPERLINK(\"x\")", "ОО", "=1+1")
    drill = ind.Drill("I2", "Доля", 2024, date(2024, 12, 31), (row,), (row,))
    path = ind.write_drill_xlsx(drill, tmp_path / "d.xlsx")
    sheet = openpyxl.load_workbook(path)["A"]
    assert sheet["B5"].value == "=HYPERLINK(\"x\")" and sheet["B5"].data_type == "s"
    assert sheet["D5"].value == "=1+1" and sheet["D5"].data_type == "s"
