"""Backups (automatic, by hand, rotation), restore, and refusing a damaged database."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app import paths
from desktop_app.cli import main
from desktop_app.model import Organisation
from desktop_app.store.backup import integrity_ok
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
    assert dest.parent == paths.backups_dir()
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
    folder = paths.backups_dir()
    start = datetime(2025, 1, 15, 9)
    for day in range(0, 120, 3):
        backup_now(db.path, "daily", folder=folder, now=start + timedelta(days=day))
    deleted = rotate(folder, db.path.stem, daily_keep=4, monthly_keep=3)
    kept = list_backups(db.path)
    days = [b.made_at.date() for b in kept]
    assert days[:4] == [date(2025, 5, 12), date(2025, 5, 9), date(2025, 5, 6), date(2025, 5, 3)]
    months = {(d.year, d.month) for d in days}
    assert months == {(2025, 5), (2025, 4), (2025, 3)}
    assert len(kept) == 6 and len(deleted) == 40 - 6


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
