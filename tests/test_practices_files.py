"""The files of a practice: their content kept in the database in parts (so backups and the
exchange book hold them), a copy written into the data folder to open — again whenever it is
missing or differs —, a damaged content told, the bad files refused."""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from desktop_app.model import ChangeLog, PracticeFilePart
from desktop_app.services import changelog, practice_files, practices
from desktop_app.services.practices import PracticeError
from desktop_app.store.backups import backup_now
from desktop_app.store.database import Database, open_database
from tests.test_practices import World, build, practice

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
BIG = bytes(range(256)) * 400  # 102 400 bytes: five parts


@pytest.fixture
def world(db: Database) -> World:
    with db.sessions() as session:
        return build(session)


@pytest.fixture
def stored(db: Database, world: World, tmp_path: Path) -> tuple[int, int]:
    """A practice with one file of several parts attached: (practice id, file id)."""
    source = tmp_path / "презентация.pptx"
    source.write_bytes(BIG)
    with db.sessions() as session:
        pid = practices.add_practice(session, practice(world))
        fid = practice_files.attach(session, pid, source, date(2025, 3, 1))
        session.commit()
    return pid, fid


def test_a_file_is_kept_in_parts_and_read_back_whole(db: Database, stored: tuple[int, int],
                                                     data_home: Path) -> None:
    pid, fid = stored
    with db.sessions() as session:
        parts = session.scalar(select(func.count()).select_from(PracticeFilePart).where(
            PracticeFilePart.file_id == fid))
        longest = session.scalar(select(func.max(func.length(PracticeFilePart.data))))
        assert practice_files.content(session, fid) == BIG
        (row,) = practice_files.list_files(session, pid)
    assert parts == 5 and longest <= 32_000  # a part fits a spreadsheet's cell
    assert (row.name, row.size, row.sha256) == ("презентация.pptx", len(BIG),
                                                hashlib.sha256(BIG).hexdigest())
    copy = data_home / "практики" / str(pid) / "презентация.pptx"
    assert copy.read_bytes() == BIG
    assert not os.access(copy, os.W_OK) or os.geteuid() == 0  # read-only (root writes anyway)
    assert not stat.S_IMODE(copy.stat().st_mode) & stat.S_IWUSR


def test_the_copy_to_open_is_written_again_when_missing_or_changed(
        db: Database, stored: tuple[int, int], data_home: Path) -> None:
    pid, fid = stored
    copy = data_home / "практики" / str(pid) / "презентация.pptx"
    copy.chmod(0o600)
    copy.unlink()
    with db.sessions() as session:
        assert practice_files.working_copy(session, fid) == copy
    assert copy.read_bytes() == BIG
    copy.chmod(0o600)
    copy.write_bytes(b"edited by hand")
    with db.sessions() as session:
        practice_files.working_copy(session, fid)
    assert copy.read_bytes() == BIG


def test_damaged_content_is_told(db: Database, stored: tuple[int, int]) -> None:
    _pid, fid = stored
    with db.sessions() as session:
        session.execute(update(PracticeFilePart).where(PracticeFilePart.file_id == fid,
                                                       PracticeFilePart.part == 2)
                        .values(data="QUJD"))
        session.commit()
        with pytest.raises(PracticeError, match="в базе повреждено"):
            practice_files.content(session, fid)


def test_the_same_file_twice_changes_nothing_another_under_its_name_is_refused(
        db: Database, stored: tuple[int, int], tmp_path: Path) -> None:
    pid, fid = stored
    with db.sessions() as session:
        assert practice_files.attach(session, pid, tmp_path / "презентация.pptx") == fid
        other = tmp_path / "другая" / "презентация.pptx"
        other.parent.mkdir()
        other.write_bytes(b"other")
        with pytest.raises(PracticeError, match="уже есть файл «презентация.pptx» с другим"):
            practice_files.attach(session, pid, other)


@pytest.mark.parametrize(("name", "reason"), [
    ("нет.pdf", "не найден"),
    ("папка", "не файл"),
    ("большой.bin", "больше 20 МБ"),
])
def test_bad_files_are_refused(db: Database, stored: tuple[int, int], tmp_path: Path,
                               name: str, reason: str) -> None:
    pid, _fid = stored
    (tmp_path / "папка").mkdir()
    with (tmp_path / "большой.bin").open("wb") as handle:
        handle.truncate(practice_files.MAX_FILE_BYTES + 1)
    with db.sessions() as session, pytest.raises(PracticeError, match=reason):
        practice_files.attach(session, pid, tmp_path / name)


@pytest.mark.parametrize(("name", "reason"), [
    ("", "не указано"), ("a/b.txt", "недопустимые знаки"), ("con.txt", "зарезервировано"),
    ("точка.", "кончаться точкой"),
])
def test_names_a_folder_cannot_hold_are_refused(name: str, reason: str) -> None:
    problem = practice_files.name_problem(name)
    assert problem is not None and reason in problem


def test_removing_a_file_and_a_practice(db: Database, stored: tuple[int, int],
                                        data_home: Path) -> None:
    pid, fid = stored
    with db.sessions() as session:
        practice_files.remove(session, fid)
        session.commit()
        assert session.scalar(select(func.count()).select_from(PracticeFilePart)) == 0
        entries = practices.practice_history(session, pid)
        assert [e.action for e in entries if e.table_label == "Файлы практик"] == [
            "insert", "delete"]
        # the parts are not logged: the change log keeps the file, not its bytes
        assert not session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "practice_file_parts"))
    assert not (data_home / "практики" / str(pid) / "презентация.pptx").exists()
    assert "practice_file_parts" not in changelog.TABLE_LABELS


def test_the_files_go_with_the_practice_it_is_deleted(db: Database, stored: tuple[int, int],
                                                      data_home: Path) -> None:
    pid, _fid = stored
    with db.sessions() as session:
        practices.delete_practice(session, pid)
        session.commit()
        assert session.scalar(select(func.count()).select_from(PracticeFilePart)) == 0
    practice_files.remove_copies(pid)
    assert not (data_home / "практики" / str(pid)).exists()


def test_a_backup_holds_the_files(db: Database, stored: tuple[int, int], tmp_path: Path) -> None:
    if db.path is None:
        pytest.skip("a server's backup is pg_dump's (tests/test_pg_backup.py)")
    pid, fid = stored
    copy = backup_now(db, folder=tmp_path / "copies")
    restored = open_database(copy)
    try:
        with restored.sessions() as session:
            assert practice_files.content(session, fid) == BIG
            assert [f.name for f in practice_files.list_files(session, pid)] == [
                "презентация.pptx"]
    finally:
        restored.dispose()


def test_sizes_in_words() -> None:
    assert practice_files.size_text(850) == "850 байт"
    assert practice_files.size_text(12_700) == "12,4 КБ"
    assert practice_files.size_text(3_250_000) == "3,1 МБ"
