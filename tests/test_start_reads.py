"""The window's first screen: the people list read with plain SQL before SQLAlchemy is loaded,
in Russian order straight from the database (people.sort_key, ix_people_list), and the file's
quick_check started only once the window has painted (a write still waits for it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.model import Person
from desktop_app.services import people_list, registry
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.store.backups import backup_now, list_backups
from desktop_app.store.database import open_database
from desktop_app.textutil import ru_sort_key
from desktop_app.ui.app import build_window
from desktop_app.ui.opening import open_interactive
from desktop_app.ui.registry.tab import RegistryTab
from tests.test_startup import damage_tail

# same names twice (told apart by id), ё and е, a surname that is a prefix of another
NAMES = [("Иванова", "Анна"), ("Иванов", "Яков"), ("Ёлкин", "Иван"), ("Елкин", "Иван"),
         ("Иванов-Петров", "Пётр"), ("Жуков", "Илья"), ("Иванов", "Яков"), ("Ежов", "Олег")]


def _fill(db) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    with db.sessions.begin() as s:
        oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 1"))
        for n, (last, first) in enumerate(NAMES):
            ids.append(registry.add_person(s, PersonInput(
                last_name=last, first_name=first, birth_date=date(1970 + n, 1, 1),
                organisation_id=oid, position="учитель")))
    return ids


def _expected(db) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    rows = db.fetch("SELECT id, last_name || ' ' || first_name FROM people")
    return [(fio, pid) for pid, fio in sorted(rows, key=lambda r: (ru_sort_key(r[1]), r[0]))]


def test_people_come_in_russian_order_from_sql(db) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    rows = people_list.people_rows(db.fetch, date.today())
    assert [(r.fio, r.id) for r in rows] == _expected(db)
    assert [r.fio for r in rows][:6] == ["Ежов Олег", "Елкин Иван", "Ёлкин Иван", "Жуков Илья",
                                         "Иванов Яков", "Иванов Яков"]
    assert [r.fio for r in rows][6:] == ["Иванов-Петров Пётр", "Иванова Анна"]


def test_registry_tab_shows_the_sql_order_and_sorts_again(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    tab = RegistryTab(db)
    qtbot.addWidget(tab)
    shown = [(row[0], row[-1]) for row in tab.people.model.visible_rows()]
    assert shown == _expected(db)
    tab.people.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [row[0] for row in tab.people.model.visible_rows()][0] == "Иванова Анна"
    tab.people.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [(row[0], row[-1]) for row in tab.people.model.visible_rows()] == _expected(db)


def test_a_renamed_person_moves_to_their_place(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    ids = _fill(db)
    with db.sessions.begin() as s:
        data = registry.get_person_input(s, ids[5])  # Жуков Илья
        registry.update_person(s, ids[5], replace(data, last_name="Абрамов"))
    rows = people_list.people_rows(db.fetch, date.today())
    assert rows[0].fio == "Абрамов Илья" and [(r.fio, r.id) for r in rows] == _expected(db)


def test_people_list_is_read_from_its_covering_index(db) -> None:  # type: ignore[no-untyped-def]
    plan = " ".join(str(row[-1]) for row in db.fetch(
        "EXPLAIN QUERY PLAN " + people_list._PEOPLE_SQL,
        {"on": "2026-01-01", "year": 2026, "month_day": "01-01"}))
    assert "COVERING INDEX ix_people_list" in plan and "TEMP B-TREE" not in plan


def test_reads_see_committed_changes_and_read_only_reads_nothing_else(db) -> None:  # type: ignore[no-untyped-def]
    assert db.fetch("SELECT count(*) FROM people") == [(0,)]
    _fill(db)
    assert db.fetch("SELECT count(*) FROM people") == [(len(NAMES),)]
    path = db.path
    db.dispose()
    before = path.read_bytes()
    reader = open_database(path, read_only=True)
    try:
        assert reader.fetch("SELECT count(*) FROM people WHERE last_name = ?", ["Иванов"]) \
            == [(2,)]
        try:
            reader.fetch("DELETE FROM people")
        except sqlite3.OperationalError as exc:
            assert "readonly" in str(exc)
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError("a read-only database accepted a DELETE")
    finally:
        reader.dispose()
    assert path.read_bytes() == before


def test_quick_check_waits_for_its_start_and_a_write_starts_it(db) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    path = db.path
    db.dispose()
    opened = open_database(path, check_in_background=True, start_check=False)
    try:
        assert opened.check is not None and not opened.check.done
        assert people_list.people_rows(opened.fetch, date.today())  # reads go on
        assert not opened.check.done  # nobody started it
        with opened.sessions.begin() as s:  # a write waits for the check, which it starts
            registry.add_organisation(s, OrganisationInput(short_name="МБОУ Лицей"))
        assert opened.check.done and opened.check.wait()
        assert opened.fetch("SELECT count(*) FROM organisations") == [(2,)]
    finally:
        opened.dispose()


WINDOW_START = """
import sys
from PySide6.QtWidgets import QApplication
from desktop_app.ui.main_window import MainWindow, install_translations
from desktop_app.ui.opening import open_interactive
app = QApplication(sys.argv[:1])
install_translations(app)
db = open_interactive(None, sys.argv[1], check_in_background=True, start_check=False)
window = MainWindow(db)
window.show()
app.processEvents()
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "alembic", "openpyxl",
                                                         "reportlab", "docx"})
model = window.registry_tab.people.model
print(model.total_count(), model.data(model.index(0, 0)), heavy, db.check.done)
window.close()
"""


def test_window_lists_people_before_sqlalchemy_is_loaded(db) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    path = db.path
    db.dispose()
    out = subprocess.run(
        [sys.executable, "-c", WINDOW_START, str(path)], capture_output=True, text=True,
        encoding="utf-8", timeout=120, check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout
    assert out.split("\n")[0] == f"{len(NAMES)} Ежов Олег [] False"


def _damage_the_people_list(path: Path) -> None:
    """The people list's index rebuilt at the end of the file, then garbage over its last
    pages: the revision and the organisations still read, the people list does not."""
    con = sqlite3.connect(path)
    (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_people_list'").fetchone()
    con.execute("DROP INDEX ix_people_list")
    con.execute("VACUUM")
    con.execute(sql)
    con.commit()
    con.close()
    damage_tail(path, pages=4)


def _many(db, count: int = 3000) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 2"))
    rows = [{"last_name": f"Педагог{n}", "first_name": "Анна", "middle_name": "",
             "birth_date": date(1970, 1, 1 + n % 28), "organisation_id": oid} for n in range(count)]
    with db.sessions.begin() as s:
        s.add_all(Person(**row) for row in rows)


def _open_damaged(db, backup: bool):  # type: ignore[no-untyped-def]
    """3000 people, a good backup when asked, then the people list damaged; the file opened as
    the window opens it (check not started). (database, backup or None, the damaged bytes)."""
    _many(db)
    good = backup_now(db, "daily") if backup else None
    path = db.path
    db.dispose()
    _damage_the_people_list(path)
    before = path.read_bytes()
    opened = open_interactive(None, path, check_in_background=True, start_check=False)
    assert opened is not None
    return opened, good, before


def test_window_offers_the_backup_when_the_first_list_cannot_be_read(qtbot, db, answers) -> None:  # type: ignore[no-untyped-def]
    opened, good, before = _open_damaged(db, backup=True)
    window = build_window(opened)
    assert window is not None
    qtbot.addWidget(window)
    assert str(good) in answers[0] and "повреждена" in answers[0]
    assert window.registry_tab.people.model.total_count() == 3000
    assert window.db is not opened and window.db.check is None
    damaged = [b for b in list_backups(opened.path) if b.reason == "damaged"]
    assert len(damaged) == 1 and damaged[0].path.read_bytes() == before  # kept, unwritten


def test_window_is_not_built_when_the_damaged_file_has_no_backup(db, answers) -> None:  # type: ignore[no-untyped-def]
    opened, _good, before = _open_damaged(db, backup=False)
    assert build_window(opened) is None
    assert "Исправных резервных копий этой базы не найдено" in answers[0]
    assert opened.path.read_bytes() == before


def _start(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`python -m desktop_app --db path` offscreen until its window is ready, then quitting."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "METODAKTIV_BENCH_EXIT_AFTER_SHOW": "1"}
    return subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(path), *options],
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env=env)


def test_the_program_starts_paints_and_gets_ready(db) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    path = db.path
    db.dispose()
    for options in ((), ("--read-only",)):
        done = _start(path, *options)
        assert done.returncode == 0, done.stderr
        phases = [line.split()[1] for line in done.stdout.splitlines()
                  if line.startswith("phase ")]
        assert [p for p in phases if p != "quick-check-done"] == [
            "python-and-cli", "qt-and-ui-modules", "database-opened", "window-built",
            "first-paint", "ready"]



def test_organisations_list_counts_working_people_like_the_service(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    ids = _fill(db)
    with db.sessions.begin() as s:
        registry.add_organisation(s, OrganisationInput(short_name="МБОУ Лицей"))
        registry.dismiss_person(s, ids[0], date.today())
    tab = RegistryTab(db)
    qtbot.addWidget(tab)
    shown = {row[0]: row[8] for row in tab.organisations.model.all_rows()}  # «Педагогов»
    with db.sessions() as s:
        expected = {o.short_name: o.people_count for o in registry.list_organisations(s)}
    assert shown == expected == {"МБОУ СОШ № 1": len(NAMES) - 1, "МБОУ Лицей": 0}
