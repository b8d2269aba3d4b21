"""The window on a database on a real PostgreSQL server: it opens on the URL with every tab
loaded, its title hides the password, another seat's change shows after «Обновить», and the
service menu's backup and restore work on the server (pg_dump/pg_restore)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import main
from desktop_app.services import registry
from desktop_app.services.validation import PersonInput
from desktop_app.store.database import Database, open_database
from desktop_app.ui.main_window import MainWindow

TABS = ("registry_tab", "pairs_tab", "diagnostics_tab", "indicators_tab")


@pytest.fixture(scope="module")
def demo_url(pg_server: Any) -> Iterator[str]:
    """The municipality demo written into a new server database by `demo --out URL`."""
    name = pg_server.create_database()
    url = pg_server.url(name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(pg_server.folder / "demo-home"))
        assert main(["demo", "--out", url]) == 0
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def window(qtbot, demo_url: str) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(open_database(demo_url))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.db.dispose()


def seat(url: str) -> Database:
    """Another seat: its own connection to the same database."""
    return open_database(url, create=False)


def test_the_window_opens_on_the_server_with_every_tab(window: MainWindow, qtbot,  # type: ignore[no-untyped-def]
                                                       pg_server: Any) -> None:
    assert "postgresql" in window.windowTitle() and pg_server.password not in window.windowTitle()
    assert "***" in window.windowTitle()
    people = window.registry_tab.people.model
    assert people.total_count() == 900  # the demo's people, read through the server
    names = [people.data(people.index(r, 0)) for r in range(people.rowCount())]
    assert names == sorted(names, key=lambda n: n.lower().replace("ё", "е\uffff"))
    for index, attr in enumerate(TABS):
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda attr=attr: window.tab_loaded(attr), timeout=30000)
    assert window.pairs_tab.list.model.total_count() > 0


def test_another_seat_s_new_person_shows_after_refresh(window: MainWindow, demo_url: str) -> None:
    people = window.registry_tab.people.model
    before = people.total_count()
    other = seat(demo_url)
    try:
        with other.sessions.begin() as s:
            registry.add_person(s, PersonInput(
                last_name="Ёлкина", first_name="Вера", middle_name="Павловна",
                birth_date=date(1990, 3, 1)))
    finally:
        other.dispose()
    assert people.total_count() == before  # a list on screen is not read again by itself
    window.refresh_action.trigger()
    assert people.total_count() == before + 1
    names = {people.data(people.index(r, 0)) for r in range(people.rowCount())}
    assert "Ёлкина Вера Павловна" in names


def test_backup_and_restore_from_the_service_menu(window: MainWindow, demo_url: str,
                                                  data_home: Path,
                                                  answers: list[str]) -> None:
    from desktop_app.ui import backup_dialog

    copy = backup_dialog.make_backup(window, window.db, folder=str(data_home / "backups"))
    assert copy is not None and copy.suffix == ".dump" and copy.is_file()
    people = window.registry_tab.people.model
    count = people.total_count()
    with window.db.sessions.begin() as s:
        registry.add_person(s, PersonInput(last_name="Лишняя", first_name="Анна",
                                           middle_name="", birth_date=date(1991, 1, 1)))
    window.refresh_action.trigger()
    assert window.registry_tab.people.model.total_count() == count + 1
    assert backup_dialog.restore_into_window(window, copy)
    assert window.registry_tab.people.model.total_count() == count
    assert any("восстановлена" in text for text in answers)
