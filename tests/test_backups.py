"""Backups (automatic, by hand, rotation), restore, and refusing a damaged database."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.cli import main
from desktop_app.model import Organisation
from desktop_app.store.backup import backups_folder, integrity_ok, read_database_id
from desktop_app.store.backups import (
    backup_now,
    daily_backup,
    latest_good_backup,
    list_backups,
    restore,
    rotate,
)
from desktop_app.store.database import DatabaseDamaged, DatabaseRefused, open_database


def _add_orgs(db, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        session.add_all(Organisation(short_name=n) for n in names)


def _org_names(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT short_name FROM organisations ORDER BY id")]
    finally:
        con.close()


def damage(path: Path) -> None:
    """Overwrite the pages after the first with garbage, keeping the header."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    for offset in range(page, min(len(data), page * 40), page):
        data[offset:offset + page] = bytes([0xA5]) * page
    path.write_bytes(bytes(data))


def test_backup_is_checked_and_holds_the_data(db) -> None:  # type: ignore[no-untyped-def]
    _add_orgs(db, ["МБОУ СОШ № 1"])
    dest = backup_now(db, "manual")
    assert dest.parent == backups_folder(db.path) == db.path.parent / "backups"
    assert integrity_ok(dest)
    assert _org_names(dest) == ["МБОУ СОШ № 1"]
    assert [b.reason_label for b in list_backups(db.path)] == ["вручную"]


def test_backup_to_a_chosen_folder_is_never_pruned(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb"
    start = datetime(2026, 1, 1, 12)
    for day in range(5):
        backup_now(db, "manual", folder=usb, now=start + timedelta(days=day))
    assert len(list(usb.glob("*.sqlite"))) == 5


def test_rotation_keeps_last_days_and_one_per_month(db) -> None:  # type: ignore[no-untyped-def]
    folder = backups_folder(db.path)
    start = datetime(2025, 1, 15, 9)
    for day in range(0, 120, 3):
        backup_now(db.path, "daily", folder=folder, now=start + timedelta(days=day))
    deleted = rotate(folder, db.path.stem, daily_keep=4, monthly_keep=3,
                     identity=read_database_id(db.path))
    kept = list_backups(db.path)
    days = [b.made_at.date() for b in kept]
    assert days[:4] == [date(2025, 5, 12), date(2025, 5, 9), date(2025, 5, 6), date(2025, 5, 3)]
    months = {(d.year, d.month) for d in days}
    assert months == {(2025, 5), (2025, 4), (2025, 3)}
    assert len(kept) == 6 and len(deleted) == 40 - 6


def test_rotation_removes_unfinished_copies_of_killed_runs(db) -> None:  # type: ignore[no-untyped-def]
    folder = backups_folder(db.path)
    folder.mkdir()
    old_part = folder / "test-2026-01-01_100000-before-import.sqlite.part"
    fresh_part = folder / "test-2026-01-02_100000-daily.sqlite.part"
    for part in (old_part, fresh_part):
        part.write_bytes(b"half a copy")
    os.utime(old_part, (time.time() - 7200, time.time() - 7200))
    backup_now(db, "manual")
    assert not old_part.exists() and fresh_part.exists()


def test_daily_backup_once_a_day(db) -> None:  # type: ignore[no-untyped-def]
    first = daily_backup(db)
    assert first is not None and first.exists()
    assert daily_backup(db) is None
    assert daily_backup(db, today=date.today() + timedelta(days=1)) is not None


def test_restore_replaces_and_keeps_the_previous_state(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _add_orgs(db, ["Старая"])
    copy = backup_now(db, "manual", folder=tmp_path / "usb")
    _add_orgs(db, ["Новая"])
    target = db.path
    db.dispose()
    result = restore(target, copy)
    assert _org_names(target) == ["Старая"]
    assert result.previous is not None and _org_names(result.previous) == ["Старая", "Новая"]
    assert not Path(str(target) + "-wal").exists()
    assert list(target.parent.glob(".*.tmp")) == []
    reopened = open_database(target)
    with reopened.sessions.begin() as session:
        session.add(Organisation(short_name="После"))
        assert session.scalar(select(func.count()).select_from(Organisation)) == 2
    reopened.dispose()


def test_restore_refuses_foreign_damaged_and_newer_files(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _add_orgs(db, ["Текущая"])
    target = db.path
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t(x)").connection.close()
    damaged = backup_now(db, "manual", folder=tmp_path / "d")
    damage(damaged)
    newer = backup_now(db, "manual", folder=tmp_path / "n")
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num='ffffffffffff'")
    con.commit()
    con.close()
    db.dispose()
    before = _org_names(target)
    for bad, words in ((foreign, "не Методактива"), (damaged, "повреждён"),
                       (newer, "более новой версией"), (tmp_path / "none.sqlite", "не найден")):
        with pytest.raises(DatabaseRefused, match=words):
            restore(target, bad)
        assert _org_names(target) == before
    assert integrity_ok(target)


def test_damaged_database_is_refused_and_names_the_backup(db) -> None:  # type: ignore[no-untyped-def]
    _add_orgs(db, [f"ОО {i}" for i in range(300)])
    good = backup_now(db, "daily")
    path = db.path
    db.dispose()
    damage(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseDamaged) as caught:
        open_database(path)
    assert caught.value.backup == good == latest_good_backup(path)
    assert str(good) in str(caught.value) and "повреждена" in str(caught.value)
    with pytest.raises(DatabaseDamaged):
        open_database(path, read_only=True)
    assert path.read_bytes() == before
    assert main(["--db", str(path), "restore", str(good)]) == 0
    assert len(_org_names(path)) == 300


def test_cli_backup_and_restore(db, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _add_orgs(db, ["Первая"])
    path = db.path
    out = tmp_path / "флешка"
    assert main(["--db", str(path), "backup", "--out", str(out)]) == 0
    (copy,) = out.glob("*.sqlite")
    assert "Резервная копия сохранена" in capsys.readouterr().out
    _add_orgs(db, ["Вторая"])
    db.dispose()
    assert main(["--db", str(path), "restore", str(copy)]) == 0
    printed = capsys.readouterr().out
    assert "Прежнее состояние сохранено" in printed and "восстановлена" in printed
    assert _org_names(path) == ["Первая"]
    assert main(["--db", str(path), "restore", str(tmp_path / "нет.sqlite")]) == 1
    assert "не найден" in capsys.readouterr().err
    assert main(["--db", str(path), "backups"]) == 0
    assert "перед восстановлением" in capsys.readouterr().out


# the window -------------------------------------------------------------------------------


def _window(qtbot, db):  # type: ignore[no-untyped-def]
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    return window


def test_service_menu_backup_and_restore(qtbot, db, tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui import backup_dialog

    window = _window(qtbot, db)
    texts = [a.text() for a in window.service_menu.actions()]
    assert {"Создать резервную копию…", "Восстановить из копии…", "Журнал изменений"} <= set(texts)
    _add_orgs(window.db, ["До копии"])
    usb = tmp_path / "usb"
    usb.mkdir()
    dest = backup_dialog.make_backup(window, window.db, str(usb))
    assert dest is not None and dest.parent == usb and "сохранена" in answers[-1]
    _add_orgs(window.db, ["После копии"])
    assert backup_dialog.restore_into_window(window, dest)
    assert "восстановлена" in answers[-1]
    assert _org_names(window.db.path) == ["До копии"]
    assert window.db.lock is None or window.db.lock.held
    _add_orgs(window.db, ["Снова пишем"])  # the reopened database is writable


def test_restore_dialog_lists_backups(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.backup_dialog import RestoreDialog

    backup_now(db, "daily", now=datetime(2026, 3, 1, 9, 30))
    backup_now(db, "manual", now=datetime(2026, 3, 2, 10, 0))
    dialog = RestoreDialog(db.path)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 0).text() == "02.03.2026 10:00:00"
    assert dialog.table.item(1, 1).text() == "ежедневная"
    dialog._accept_selected()
    assert dialog.chosen is not None and dialog.chosen.name.endswith("manual.sqlite")


def test_window_opens_busy_database_read_only(qtbot, tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.store.lock import lock_path
    from desktop_app.ui.opening import open_interactive

    path = tmp_path / "занята.sqlite"
    open_database(path).dispose()
    holder = {"pid": os.getppid(), "host": socket.gethostname(), "user": "коллега",
              "started": "2026-03-02T08:15:00"}
    lock_path(path).write_text(json.dumps(holder, ensure_ascii=False), encoding="utf-8")
    db = open_interactive(None, path)
    assert db is not None and db.read_only and "уже открыта" in answers[0]
    window = _window(qtbot, db)
    assert "только чтение" in window.windowTitle()
    assert lock_path(path).exists()
    db.dispose()
    assert lock_path(path).exists()  # the other copy's lock stays


def test_window_offers_the_latest_backup_of_a_damaged_file(qtbot, db, answers) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.opening import open_interactive

    _add_orgs(db, [f"ОО {i}" for i in range(300)])
    good = backup_now(db, "daily")
    path = db.path
    db.dispose()
    damage(path)
    reopened = open_interactive(None, path)
    assert reopened is not None and not reopened.read_only
    assert str(good) in answers[0] and "повреждена" in answers[0]
    with reopened.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 300
    assert any(b.reason == "damaged" for b in list_backups(path))
    reopened.dispose()


def test_window_makes_the_daily_backup_once(qtbot, tmp_path: Path, answers) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.opening import open_interactive

    path = tmp_path / "каждый-день.sqlite"
    open_database(path).dispose()
    for _ in range(2):
        opened = open_interactive(None, path)
        assert opened is not None
        opened.dispose()
    assert [b.reason for b in list_backups(path)] == ["daily"]
