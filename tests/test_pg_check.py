"""`check` on a database on a PostgreSQL server checks for real and says what it checked: the
revision is the head, every table's rows, and for each foreign key of the model the rows whose
parent is missing; «в порядке» only when all of it passes. The password is never shown."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from desktop_app.model import Base
from tests.test_pg_backup import fill, no_password, run


def test_a_healthy_database_is_told_with_what_was_checked(
        pg_server: Any, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    fill(pg_url)
    code, out, err = run(capsys, "--db", pg_url, "check")
    assert code == 0, err
    assert "Проверено:" in out and "— текущая: в порядке" in out
    links = sum(len(t.foreign_key_constraints) for t in Base.metadata.sorted_tables)
    assert f"связи между таблицами (внешние ключи): {links}; записей со ссылкой на " \
           "несуществующую запись нет" in out
    assert "все таблицы программы на месте" in out
    assert "Целостность: в порядке" in out
    for table in Base.metadata.sorted_tables:  # every table's rows
        assert f"\n  {table.name}: " in out
    assert "\n  people: 4\n" in out and "\n  pairs: 2\n" in out
    assert "***" in out.splitlines()[0]

    code, as_json, err2 = run(capsys, "--db", pg_url, "check", "--json")
    report = json.loads(as_json)
    assert code == 0 and report["ok"] and report["orphans"] == [] and report["problems"] == []
    assert report["foreign_keys"] == links and report["counts"]["people"] == 4
    no_password(pg_server.password, out, err, as_json, err2)


def test_a_row_pointing_at_nothing_is_found_and_its_table_named(
        pg_server: Any, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = fill(pg_url)
    engine = create_engine(pg_url)  # as the server's superuser: the check of keys bypassed
    try:
        with engine.begin() as conn:
            conn.execute(text("SET session_replication_role = replica"))
            conn.execute(text("INSERT INTO pair_mentees (pair_id, person_id) VALUES (:p, 999999)"),
                         {"p": ids["pair-y1"]})
    finally:
        engine.dispose()
    code, out, err = run(capsys, "--db", pg_url, "check")
    assert code == 1, out
    assert "в порядке\n" not in out.replace("— текущая: в порядке\n", "")
    assert "Целостность: найдены ошибки (1):" in out
    assert ("таблица pair_mentees: 1 запись ссылается на несуществующую запись таблицы people "
            "(столбец person_id)") in out
    assert "найдены записи со ссылкой на несуществующую запись" in out
    assert "\n  pair_mentees: 3\n" in out

    code, as_json, _ = run(capsys, "--db", pg_url, "check", "--json")
    report = json.loads(as_json)
    assert code == 1 and not report["ok"]
    assert report["orphans"] == [{"table": "pair_mentees", "columns": ["person_id"],
                                  "parent": "people", "rows": 1}]
    no_password(pg_server.password, out, err, as_json)
