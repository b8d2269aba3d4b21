"""Two seats importing at once on a PostgreSQL server: the second waits for the first and then
reads what it wrote, so the same teacher in both files is one person, and nothing is
half-written."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import psycopg
from sqlalchemy import func, select

from desktop_app.exchange.importer import import_file
from desktop_app.model import Person
from desktop_app.services import registry
from desktop_app.services.validation import OrganisationInput
from desktop_app.store.database import open_database
from desktop_app.store.dialect import IMPORT_LOCK_KEY


def people_form(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность"],
                ["Ёлкина", "Вера", "Павловна", "01.03.1990", "МБОУ СОШ № 1", "учитель"],
                ["Жуков", "Илья", "", "12.11.1985", "МБОУ СОШ № 1", "учитель"]):
        sheet.append(row)
    book.save(path)
    return path


def test_two_imports_at_once_the_second_waits_and_matches(pg_server: Any, pg_url: str,
                                                         tmp_path: Path) -> None:
    db = open_database(pg_url)
    with db.sessions.begin() as s:
        registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 1"))
    db.dispose()
    form = people_form(tmp_path / "Педагоги.xlsx")
    name = pg_url.rsplit("/", 1)[1]
    results: list[Any] = []
    errors: list[BaseException] = []

    def seat() -> None:
        mine = open_database(pg_url, create=False)
        try:
            results.append(import_file(mine, form))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            mine.dispose()

    # a third connection holds the imports' lock while both seats start, so that they meet
    with psycopg.connect(host="127.0.0.1", port=pg_server.port, user="meto",
                         password=pg_server.password, dbname=name, autocommit=True) as hold:
        hold.execute("SELECT pg_advisory_lock(%s)", (IMPORT_LOCK_KEY,))
        seats = [threading.Thread(target=seat) for _ in range(2)]
        for thread in seats:
            thread.start()
        time.sleep(1.0)
        waiting = hold.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
        assert waiting is not None and waiting[0] == 2  # both imports wait, neither wrote
        hold.execute("SELECT pg_advisory_unlock(%s)", (IMPORT_LOCK_KEY,))
    for thread in seats:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(r.added for r in results) == [0, 2]  # the second found both teachers
    assert all(r.applied or (r.added, r.changed) == (0, 0) for r in results)
    db = open_database(pg_url, create=False)
    try:
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Person)) == 2
    finally:
        db.dispose()
