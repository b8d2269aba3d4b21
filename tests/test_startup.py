"""The window's start: revision read without Alembic, quick_check in a worker thread (a damaged
file is never written and its backup is offered), tabs and menus loaded when first used."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.model import Organisation
from desktop_app.store import database
from desktop_app.store.backups import backup_now
from desktop_app.store.database import DatabaseDamaged, open_database


def _fill(db, count: int = 600) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        start = session.scalar(select(func.count()).select_from(Organisation)) or 0
        session.add_all(Organisation(short_name=f"ОО {i} " + "х" * 200)
                        for i in range(start, start + count))


def damage_tail(path: Path, pages: int = 3) -> None:
    """Garbage over the last pages (the rows just added), the schema and revision left
    readable: only the quick_check finds the damage."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = con.execute("PRAGMA page_size").fetchone()[0]
    count = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    for number in range(count - pages, count):
        data[number * size:(number + 1) * size] = bytes([0xA5]) * size
    path.write_bytes(bytes(data))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The background quick_check waits for this event (set it to let the check run), so the
    tests see the window and the database while the check is still running."""
    event = threading.Event()
    real = database.integrity_ok

    def held(path: Path, quick: bool = False) -> bool:
        assert event.wait(30)
        return real(path, quick)

    monkeypatch.setattr(database, "integrity_ok", held)
    return event


def test_head_revision_read_from_the_files_as_alembic_reads_it() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(database.alembic_config())
    assert database.head_revision() == script.get_current_head()
    assert database.known_revisions() == {r.revision for r in script.walk_revisions()}


def test_opening_a_file_at_head_does_not_import_alembic(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = db.path
    db.dispose()
    code = ("import sys; from desktop_app.store.database import open_database; "
            f"d = open_database({str(path)!r}, check_in_background=True); "
            "assert d.check.wait(); d.dispose(); print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('alembic', 'openpyxl', 'reportlab')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         encoding="utf-8", timeout=120, check=True).stdout
    assert out.strip() == "[]"


def test_background_check_of_a_sound_file(db) -> None:  # type: ignore[no-untyped-def]
    _fill(db, 10)
    path = db.path
    db.dispose()
    opened = open_database(path, check_in_background=True)
    try:
        assert opened.check is not None and opened.check.wait()
        opened.ensure_sound()
        _fill(opened, 1)
        with opened.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Organisation)) == 11
    finally:
        opened.dispose()


def test_file_needing_an_upgrade_is_checked_before_anything(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = db.path
    db.dispose()
    monkeypatch.setattr(database, "head_revision", lambda: "9999")
    calls: list[Path] = []
    monkeypatch.setattr(database, "check_integrity", lambda p: calls.append(p))
    monkeypatch.setattr(database, "_bring_to_head", lambda *_args: [])
    opened = open_database(path, check_in_background=True)
    opened.dispose()
    assert calls == [path] and opened.check is None


def test_damaged_file_found_in_background_is_never_written(db, gate) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    path = db.path
    db.dispose()
    damage_tail(path)
    before = digest(path)
    opened = open_database(path, check_in_background=True)
    try:
        assert opened.check is not None and not opened.check.done
        with opened.sessions() as session:  # reads go on while the check runs
            assert session.scalar(select(func.count()).select_from(Organisation)) is not None
        threading.Timer(0.3, gate.set).start()
        with pytest.raises(DatabaseDamaged):  # a write waits for the check, then is refused
            _fill(opened, 1)
        assert opened.check.done and not opened.check.wait()
        with pytest.raises(DatabaseDamaged):
            opened.ensure_sound()
    finally:
        opened.dispose()
    assert digest(path) == before
    with pytest.raises(DatabaseDamaged):  # the command line still refuses it before opening
        open_database(path)


def _window(qtbot, target: Path):  # type: ignore[no-untyped-def]
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.opening import open_interactive

    db = open_interactive(None, target, check_in_background=True)
    assert db is not None
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.follow_check()
    return window


def test_window_switches_to_the_backup_when_the_check_fails(qtbot, db, answers, gate) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    good = backup_now(db, "daily")
    path = db.path
    db.dispose()
    damage_tail(path)
    window = _window(qtbot, path)
    damaged_db = window.db
    assert damaged_db.check is not None and answers == []  # the window is up, the check runs
    gate.set()
    qtbot.waitUntil(lambda: window.db is not damaged_db, timeout=20000)
    assert str(good) in answers[0] and "повреждена" in answers[0]
    assert window.isVisible() and not window.refused_damaged
    assert window.registry_tab.organisations.model.total_count() == 600
    assert window.db.check is None  # reopened after the restore with the check done first


def test_window_closes_when_the_damaged_file_has_no_backup(qtbot, db, answers, gate) -> None:  # type: ignore[no-untyped-def]
    _fill(db)
    path = db.path
    db.dispose()
    damage_tail(path)
    before = digest(path)
    window = _window(qtbot, path)
    assert window.db.check is not None and window.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: window.refused_damaged, timeout=20000)
    assert not window.isVisible()
    assert "Исправных резервных копий этой базы не найдено" in answers[0]
    assert digest(path) == before


def test_sound_file_gets_its_daily_backup_after_the_check(qtbot, db, answers, gate) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.store.backups import list_backups

    path = db.path
    db.dispose()
    window = _window(qtbot, path)
    assert window.db.check is not None and list_backups(path) == []
    gate.set()
    qtbot.waitUntil(lambda: bool(list_backups(path)), timeout=20000)
    assert [b.reason for b in list_backups(path)] == ["daily"]
    assert window.isVisible() and answers == []


def test_tabs_load_when_first_shown_and_reload_only_when_loaded(qtbot, db, answers) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.tab import RegistryTab

    _fill(db, 3)
    path = db.path
    db.dispose()
    window = _window(qtbot, path)
    assert isinstance(window.tabs.widget(0).content, RegistryTab)
    assert [window.tab_loaded(a) for a in ("pairs_tab", "diagnostics_tab", "indicators_tab")] \
        == [False, False, False]
    assert not window.registry_tab._active_page.loaded  # «Методический актив» not shown yet
    window.tabs.setCurrentIndex(1)
    assert window.tab_loaded("pairs_tab") and window.tabs.currentWidget().content.isVisible()
    window.registry_tab.inner.setCurrentIndex(2)
    assert window.registry_tab._active_page.loaded
    _fill(window.db, 2)
    pairs_tab = window.pairs_tab
    window._build_tabs()  # what the Excel import does afterwards
    assert window.pairs_tab is pairs_tab  # reloaded in place, not rebuilt
    assert window.registry_tab.organisations.model.total_count() == 5
    assert not window.tab_loaded("diagnostics_tab") and not window.tab_loaded("indicators_tab")
    assert "Организаций: 5" in window.statusBar().currentMessage()


def test_documents_menu_filled_when_opened(qtbot, db, answers) -> None:  # type: ignore[no-untyped-def]
    path = db.path
    db.dispose()
    window = _window(qtbot, path)
    assert window.docs_menu.isEmpty()
    window.docs_menu.aboutToShow.emit()
    titles = [a.text() for a in window.docs_menu.actions()]
    assert "Информационно-аналитический отчёт за год…" in titles and len(titles) >= 7
    window.docs_menu.aboutToShow.emit()
    assert len(window.docs_menu.actions()) == len(titles)
