"""people.sort_key: the stored Russian order of the ФИО, right after every way of writing people."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from desktop_app.model import ChangeLog, Person
from desktop_app.services import changelog, registry
from desktop_app.services.validation import PersonInput
from desktop_app.textutil import fio, person_key, person_sort_key, ru_sort_key
from tests.test_import_bad_input import HEADER, base, write  # noqa: F401  (fixture)

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
SMALL = Scale(organisations=6, people=120, active=8, pairs=20, sessions=40)


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection with the program's key as the SQL function psk(last, first, middle)."""
    con = sqlite3.connect(path)
    con.create_function("psk", 3, lambda a, b, c: person_sort_key(a or "", b or "", c or ""),
                        deterministic=True)
    return con


def wrong_keys(path: Path) -> list[tuple[Any, ...]]:
    """People whose stored sort key is not the key of their names (none, for a right file)."""
    con = connect(path)
    try:
        count = con.execute("SELECT count(*) FROM people").fetchone()[0]
        assert count > 0
        return con.execute("SELECT id, last_name, sort_key FROM people "
                           "WHERE sort_key IS NOT psk(last_name, first_name, middle_name)"
                           ).fetchall()
    finally:
        con.close()


def stored(path: Path, last: str) -> tuple[str, str]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT search_key, sort_key FROM people WHERE last_name = ?",
                           (last,)).fetchone()
    finally:
        con.close()


def test_the_key_is_the_russian_key_of_the_fio() -> None:
    assert person_sort_key("Ёлкина", "Анна", "") == ru_sort_key("Ёлкина Анна")
    assert person_sort_key("Иванов", "Иван", "Иванович") == ru_sort_key(
        fio("Иванов", "Иван", "Иванович"))
    names = [("Жуков", "Пётр"), ("Ёлкина", "Анна"), ("Елкина", "Анна"), ("Иванова", "Анна"),
             ("Яковлев", "Иван"), ("Абрамов", "Олег"), ("ЖУКОВ", "Павел")]
    ordered = sorted(names, key=lambda n: person_sort_key(*n))
    assert ordered == [("Абрамов", "Олег"), ("Елкина", "Анна"), ("Ёлкина", "Анна"),
                       ("ЖУКОВ", "Павел"), ("Жуков", "Пётр"), ("Иванова", "Анна"),
                       ("Яковлев", "Иван")]
    # Binary order of the UTF-8 text (SQLite's ORDER BY) is the same as Python's order
    assert sorted(person_sort_key(*n).encode("utf-8") for n in names) == [
        person_sort_key(*n).encode("utf-8") for n in ordered]


def stored_in(db, last: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(search_key, sort_key) stored for a last name, read through the program's session."""
    with db.sessions() as s:
        key, order = s.execute(select(Person.search_key, Person.sort_key)
                               .where(Person.last_name == last)).one()
    return key, order


def wrong_keys_in(db) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    """wrong_keys() through the program's session: on a file or on PostgreSQL."""
    with db.sessions() as s:
        rows = s.execute(select(Person.id, Person.last_name, Person.first_name,
                                Person.middle_name, Person.sort_key)).all()
    assert rows
    return [(pid, last, key) for pid, last, first, middle, key in rows
            if key != person_sort_key(last or "", first or "", middle or "")]


def test_orm_insert_sets_both_keys_even_if_the_caller_forgets(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        s.add(Person(last_name="Ёлкина", first_name="Анна", middle_name="Сергеевна",
                     search_key="неверно", birth_date=date(1985, 3, 4)))
        s.add(Person(last_name="Абрамов", first_name="Олег", birth_date=date(1979, 1, 2)))
    assert stored_in(db, "Ёлкина") == ("елкина анна сергеевна",
                                       ru_sort_key("Ёлкина Анна Сергеевна"))
    assert stored_in(db, "Абрамов") == ("абрамов олег", ru_sort_key("Абрамов Олег"))
    assert wrong_keys_in(db) == []


def _add(s, last: str, first: str, middle: str = "") -> int:  # type: ignore[no-untyped-def]
    data = PersonInput(last_name=last, first_name=first, middle_name=middle,
                       birth_date=date(1980, 5, 4))
    return registry.add_person(s, data, on=date(2024, 9, 1))


def test_registry_add_and_rename_keep_the_key(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = _add(s, "Федорова", "Мария", "Ивановна")
        other = _add(s, "Жукова", "Анна")
    assert stored_in(db, "Федорова")[1] == person_sort_key("Федорова", "Мария", "Ивановна")
    with db.sessions.begin() as s:
        data = registry.get_person_input(s, pid)
        registry.update_person(s, pid, PersonInput(**{**data.__dict__, "last_name": "Ёлкина",
                                                      "middle_name": ""}))
    assert stored_in(db, "Ёлкина") == (person_key("Ёлкина", "Мария"),
                                       person_sort_key("Ёлкина", "Мария"))
    assert wrong_keys_in(db) == []
    with db.sessions() as s:  # the list's ORDER BY sort_key, id (code point order on both)
        order = [row.id for row in registry.list_people(s)]
    assert order == [pid, other]  # Ёлкина before Жукова
    with db.sessions() as s:
        entries = [e for e in changelog.person_history(s, pid) if e.table == "people"]
        raw = list(s.scalars(select(ChangeLog).where(ChangeLog.table_name == "people",
                                                     ChangeLog.record_id == pid)))
    rename = next(e for e in entries if e.action == "update")
    assert {c.column for c in rename.changes} >= {"last_name", "middle_name"}
    assert all(c.column not in ("sort_key", "search_key") for e in entries for c in e.changes)
    assert "sort_key" not in rename.summary and "Ёлкина" in rename.summary
    assert len(raw) == 2
    for row in raw:
        for text in (row.old_values, row.new_values):
            assert "sort_key" not in (json.loads(text) if text else {})


def _python_order(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT id, last_name, first_name, middle_name FROM people").fetchall()
    finally:
        con.close()
    return [r[0] for r in sorted(rows, key=lambda r: (ru_sort_key(fio(r[1], r[2], r[3])), r[0]))]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sortkey_demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        path = folder / "municipality.sqlite"
        write_demo(path, "municipality", seed=1)
    return path


def test_demo_keys_give_the_russian_order_from_sql(demo_db: Path) -> None:
    assert wrong_keys(demo_db) == []
    con = sqlite3.connect(demo_db)
    try:
        from_sql = [r[0] for r in con.execute("SELECT id FROM people ORDER BY sort_key, id")]
    finally:
        con.close()
    assert len(from_sql) == 900
    assert from_sql == _python_order(demo_db)
    assert from_sql != sorted(from_sql)  # ids are not already in name order


def _blank_keys(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE people SET sort_key = ''")
    con.commit()
    con.close()


def test_exchange_round_trip_recomputes_the_key(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite"
    write_demo(source, SMALL, seed=1)
    _blank_keys(source)  # the book never carries the key: the copy must compute it
    book, copy = tmp_path / "book.xlsx", tmp_path / "copy.sqlite"
    assert main(["--db", str(source), "export", "--out", str(book)]) == 0
    assert main(["--db", str(copy), "init"]) == 0  # import never makes a database
    assert main(["--db", str(copy), "import", str(book)]) == 0
    assert wrong_keys(copy) == []
    assert _sql_order(copy) == _python_order(copy)


def _sql_order(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT id FROM people ORDER BY sort_key, id")]
    finally:
        con.close()


def test_forms_import_adds_and_renames_with_the_key(base: Path, tmp_path: Path) -> None:  # noqa: F811
    before = stored(base, "Петров")
    assert before[1] == person_sort_key("Петров", "Пётр")
    rows = [HEADER,
            ["Петров", "Петр", "", "01.01.1975", "МБОУ СОШ № 1", "", None],  # ё → е: same person
            ["Ёлкина", "Анна", "Сергеевна", "02.03.1986", "МБОУ СОШ № 1", "", None],
            ["Абрамов", "Олег", "", "03.04.1977", "МБОУ СОШ № 1", "", None]]
    assert main(["--db", str(base), "import", str(write(tmp_path / "p.xlsx", rows))]) == 0
    assert stored(base, "Петров")[1] == person_sort_key("Петров", "Петр") != before[1]
    assert stored(base, "Ёлкина")[1] == person_sort_key("Ёлкина", "Анна", "Сергеевна")
    assert wrong_keys(base) == []
    assert _sql_order(base) == _python_order(base)


def test_region_merge_keeps_every_key_right(tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    write_demo(first, SMALL, seed=1)
    write_demo(second, SMALL, seed=2)
    con = sqlite3.connect(second)
    con.execute("UPDATE settings SET value = 'Северский район' WHERE key = 'municipality'")
    con.execute("UPDATE organisations SET full_name = full_name || ' Северского района'")
    con.row_factory = sqlite3.Row
    shared = dict(con.execute("SELECT * FROM people WHERE is_active = 1 ORDER BY id LIMIT 1")
                  .fetchone())
    con.commit()
    con.close()
    # The shared teacher once left an ОО of the first base (written there with no key): the
    # merge takes their card from the book, key included.
    con = sqlite3.connect(first)
    shared.pop("id")
    shared.update(is_active=0, left_on="2025-06-30", sort_key="",
                  organisation_id=con.execute("SELECT min(id) FROM organisations").fetchone()[0])
    con.execute(f"INSERT INTO people ({', '.join(shared)}) VALUES "
                f"({', '.join('?' * len(shared))})", list(shared.values()))
    con.commit()
    con.close()
    book = tmp_path / "second.xlsx"
    assert main(["--db", str(second), "export", "--out", str(book)]) == 0
    assert main(["--db", str(first), "import", str(book)]) == 0
    assert wrong_keys(first) == []
    con = sqlite3.connect(first)
    try:
        count = con.execute("SELECT count(*) FROM people").fetchone()[0]
        active = con.execute("SELECT is_active FROM people WHERE last_name = ? AND "
                             "first_name = ? AND birth_date = ?",
                             (shared["last_name"], shared["first_name"], shared["birth_date"])
                             ).fetchall()
    finally:
        con.close()
    # the first base's people, the shared one, the second base's people but the shared one
    assert count == SMALL.people + 1 + SMALL.people - 1 and active == [(1,)]
    assert _sql_order(first) == _python_order(first)
