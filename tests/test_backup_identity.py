"""Whose copies are whose: a database's copies carry its file name and its identity and lie in
its own backups folder, so two databases of the same name never list, rotate or restore each
other's copies; a copy is never written over the database itself or over another file."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.cli import main
from desktop_app.model import Organisation
from desktop_app.store.backup import backup_file, integrity_ok, read_database_id
from desktop_app.store.backups import backup_now, list_backups
from desktop_app.store.database import open_database

SAVED = re.compile(r"Резервная копия сохранена: (.+)")


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def make(path: Path, capsys: pytest.CaptureFixture[str], *orgs: str) -> Path:
    """A new database made by `init`, with organisations of its own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    assert run(capsys, "--db", path, "init")[0] == 0
    db = open_database(path)
    try:
        with db.sessions.begin() as session:
            session.add_all(Organisation(short_name=name) for name in orgs)
    finally:
        db.dispose()
    return path


def orgs(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT short_name FROM organisations ORDER BY id")]
    finally:
        con.close()


def backup(capsys: pytest.CaptureFixture[str], db: Path, *more: str | Path) -> Path:
    code, out, err = run(capsys, "--db", db, "backup", *more)
    assert code == 0, err
    found = SAVED.search(out)
    assert found is not None, out
    return Path(found[1].strip())


def listed(capsys: pytest.CaptureFixture[str], db: Path) -> str:
    code, out, err = run(capsys, "--db", db, "backups")
    assert code == 0, err
    return out


def state(db: Path) -> tuple[str, int, list[str]]:
    """The file's bytes and time, and what lies beside it."""
    return (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns,
            sorted(p.name for p in db.parent.iterdir()))


def test_two_databases_of_the_same_name_keep_their_copies_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = make(tmp_path / "a" / "x.sqlite", capsys, "Школа А")
    b = make(tmp_path / "b" / "x.sqlite", capsys, "Школа Б")
    id_a, id_b = read_database_id(a), read_database_id(b)
    assert id_a and id_b and id_a != id_b
    copy_a, copy_b = backup(capsys, a), backup(capsys, b)
    assert copy_a.parent == a.parent / "backups" and copy_b.parent == b.parent / "backups"
    assert copy_a.name.startswith(f"x-{id_a}-") and copy_b.name.startswith(f"x-{id_b}-")
    out_b = listed(capsys, b)
    assert str(copy_b) in out_b and str(copy_a) not in out_b
    assert [i.path for i in list_backups(b)] == [copy_b]  # what restore offers
    # a's rotation (one day kept, no months) never deletes b's copy
    assert run(capsys, "--db", a, "settings", "set", "backup_daily_keep", "1")[0] == 0
    assert run(capsys, "--db", a, "settings", "set", "backup_monthly_keep", "0")[0] == 0
    db_a = open_database(a)
    try:
        for day in range(1, 4):
            backup_now(db_a, "daily", now=datetime(2026, 1, day, 9))
    finally:
        db_a.dispose()
    assert copy_b.exists() and orgs(copy_b) == ["Школа Б"]
    assert run(capsys, "--db", b, "restore", copy_b)[0] == 0
    assert orgs(b) == ["Школа Б"] and orgs(a) == ["Школа А"]


def test_a_new_database_in_the_place_of_another_does_not_take_its_copies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    x = make(tmp_path / "x.sqlite", capsys, "Прежняя")
    old_copy = backup(capsys, x)
    moved = tmp_path / "архив" / "x.sqlite"
    moved.parent.mkdir()
    os.replace(x, moved)
    make(x, capsys, "Новая")
    assert read_database_id(x) != read_database_id(moved)
    assert str(old_copy) not in listed(capsys, x) and list_backups(x) == []
    for _ in range(3):
        backup(capsys, x)
    assert old_copy.exists() and orgs(old_copy) == ["Прежняя"]
    assert [i.path for i in list_backups(x)] != [] and old_copy not in {
        i.path for i in list_backups(x)}


def test_copies_named_the_old_way_stay_listed_for_their_file_name(
        tmp_path: Path, data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copy of an earlier version («metodaktiv-ГГГГ-ММ-ДД_ЧЧММСС-daily.sqlite» in the data
    folder's backups) is listed for the database of that name in the data folder, is never
    rotated away, and is not offered to a database of the same name elsewhere."""
    assert run(capsys, "init")[0] == 0
    own = paths.default_db_path()
    old = backup_file(own, paths.backups_dir() / "metodaktiv-2025-01-10_090000-daily.sqlite")
    assert old.name == "metodaktiv-2025-01-10_090000-daily.sqlite"
    elsewhere = make(tmp_path / "флешка" / "metodaktiv.sqlite", capsys)
    assert str(old) in listed(capsys, own) and str(old) not in listed(capsys, elsewhere)
    assert run(capsys, "settings", "set", "backup_daily_keep", "1")[0] == 0
    assert run(capsys, "settings", "set", "backup_monthly_keep", "0")[0] == 0
    db = open_database(own)
    try:
        start = datetime(2026, 2, 1, 9)
        made = [backup_now(db, "daily", now=start + timedelta(days=d)) for d in range(3)]
    finally:
        db.dispose()
    assert old.exists() and not made[0].exists() and made[-1].exists()
    assert [i.path for i in list_backups(own)] == [made[-1], old]


def test_a_database_filled_from_an_exchange_book_keeps_its_own_identity(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = make(tmp_path / "район.sqlite", capsys, "Школа района")
    book = tmp_path / "обмен.xlsx"
    assert run(capsys, "--db", source, "export", "--out", book)[0] == 0
    target = tmp_path / "копия.sqlite"
    assert run(capsys, "--db", target, "init")[0] == 0
    own = read_database_id(target)
    assert run(capsys, "--db", target, "import", book)[0] == 0
    assert orgs(target) == ["Школа района"]
    assert own is not None and read_database_id(target) == own != read_database_id(source)
    copy = backup(capsys, target)
    assert copy.name.startswith(f"копия-{own}-")
    # restoring another database's copy keeps this one's identity and its copies listed
    other = backup(capsys, source, "--out", tmp_path / "флешка")
    assert run(capsys, "--db", target, "restore", other)[0] == 0
    assert read_database_id(target) == own
    assert {i.reason for i in list_backups(target)} >= {"manual", "before-restore"}


def test_a_file_of_an_earlier_version_gets_its_identity_at_its_upgrade(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "старая.sqlite"
    old.write_bytes((Path(__file__).parent / "fixtures" / "rev0001.sqlite").read_bytes())
    assert read_database_id(old) is None
    assert run(capsys, "--db", old, "upgrade")[0] == 0
    identity = read_database_id(old)
    assert identity is not None
    (before_upgrade,) = list_backups(old)  # named the old way: the file had no identity then
    assert before_upgrade.path.name.startswith("старая-20") and integrity_ok(before_upgrade.path)
    assert backup(capsys, old).name.startswith(f"старая-{identity}-")


def test_restore_dialog_offers_this_databases_copies_only(
        qtbot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.backup_dialog import RestoreDialog

    a = make(tmp_path / "a" / "база.sqlite", capsys, "А")
    b = make(tmp_path / "b" / "база.sqlite", capsys, "Б")
    backup(capsys, a)
    mine = backup(capsys, b)
    dialog = RestoreDialog(b)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 3).text() == mine.name
    dialog._accept_selected()
    assert dialog.chosen == mine


# a copy is never written over a file ------------------------------------------------------
@pytest.mark.parametrize("how", ["same path", "./", "../", "symlink", "hard link"])
def test_backup_onto_the_database_itself_is_refused(
        how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "db"
    db = make(folder / "x.sqlite", capsys, "Школа")
    if how == "symlink":
        (folder / "ссылка.sqlite").symlink_to(db)
    if how == "hard link":
        os.link(db, folder / "жёсткая.sqlite")
    out = {"same path": str(db), "./": "./x.sqlite", "../": "../db/x.sqlite",
           "symlink": str(folder / "ссылка.sqlite"), "hard link": "жёсткая.sqlite"}[how]
    monkeypatch.chdir(folder)
    before = state(db)
    code, printed, err = run(capsys, "--db", db, "backup", "--out", out)
    assert code == 1 and "сохранена" not in printed
    assert "это сам файл базы данных" in err and "база не изменена" in err
    assert "Traceback" not in err
    assert state(db) == before and orgs(db) == ["Школа"]
    assert not (folder / "backups").exists()


def test_backup_over_another_database_or_another_file_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = make(tmp_path / "x.sqlite", capsys, "Школа")
    other = make(tmp_path / "y.sqlite", capsys, "Другая школа")
    notes = tmp_path / "заметки.db"
    notes.write_text("не база", encoding="utf-8")
    before = {p: state(p) for p in (db, other, notes)}
    code, _, err = run(capsys, "--db", db, "backup", "--out", other)
    assert code == 1 and "другая база данных Методактива" in err
    code, _, err = run(capsys, "--db", db, "backup", "--out", notes)
    assert code == 1 and "уже существует" in err
    assert {p: state(p) for p in before} == before
    assert orgs(other) == ["Другая школа"]
    fresh = backup(capsys, db, "--out", tmp_path / "новая.sqlite")  # a new file is written
    assert fresh == tmp_path / "новая.sqlite" and orgs(fresh) == ["Школа"]
