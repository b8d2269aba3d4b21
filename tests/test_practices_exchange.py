"""The practices in the exchange book: their sheets, a copy into a new database with the files'
content whole, and a merge — a practice the database has is matched by its ОО, title and year,
its own files stay whole (a file of the same name in the book does not mix its parts into
them), the book's new files and practices come in."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.services import practice_files, practices
from desktop_app.store.database import open_database
from tests.test_practices import World, build, practice

ONE = b"first version\n" * 10
TWO = bytes(range(256)) * 200  # 51 200 bytes: three parts
NEW = "новый файл, только в книге".encode()


def _db(path: Path):  # type: ignore[no-untyped-def]
    return open_database(path)


@pytest.fixture
def centre(tmp_path: Path) -> tuple[Path, World, int]:
    """A database with a practice in the bank and its file «план.txt»."""
    path = tmp_path / "centre.sqlite"
    db = _db(path)
    try:
        with db.sessions() as session:
            world = build(session)
            pid = practices.add_practice(session, practice(world, status="included",
                                                           meeting_id=world.meeting))
            practice_files.store(session, pid, "план.txt", ONE, date(2025, 3, 1))
            session.commit()
    finally:
        db.dispose()
    return path, world, pid


def _files(path: Path) -> dict[tuple[str, str], bytes]:
    """(practice title, file name) → content, over the whole database."""
    db = _db(path)
    try:
        with db.sessions() as session:
            return {(row.title, f.name): practice_files.content(session, f.id)
                    for row in practices.list_practices(session)
                    for f in practice_files.list_files(session, row.id)}
    finally:
        db.dispose()


def test_the_book_has_the_practices_sheets(centre: tuple[Path, World, int],
                                          tmp_path: Path) -> None:
    path, _world, _pid = centre
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(path), "export", "--out", str(book)]) == 0
    wb = openpyxl.load_workbook(book, read_only=True)
    for title in ("Практики", "Авторы практик", "Пары практик", "Файлы практик",
                  "Содержимое файлов практик"):
        assert title in wb.sheetnames, title
    header = next(wb["Практики"].iter_rows(max_row=1, values_only=True))
    assert header == ("Код записи", "Название", "Код ОО", "Код формы наставничества",
                      "Категория наставляемых", "Описание", "Результаты", "Год", "Статус",
                      "Дата решения", "Код заседания")
    rows = list(wb["Практики"].iter_rows(min_row=2, values_only=True))
    assert rows[0][4] == "молодой специалист (0–3 года)" and rows[0][8] == "включена в банк"


def test_a_copy_into_a_new_database_keeps_the_files(centre: tuple[Path, World, int],
                                                   tmp_path: Path) -> None:
    path, _world, pid = centre
    db = _db(path)
    try:
        with db.sessions() as session:
            practice_files.store(session, pid, "таблица.xlsx", TWO)
            session.commit()
    finally:
        db.dispose()
    book, target = tmp_path / "book.xlsx", tmp_path / "copy.sqlite"
    assert main(["--db", str(path), "export", "--out", str(book)]) == 0
    assert main(["--db", str(target), "init"]) == 0
    assert main(["--db", str(target), "import", str(book)]) == 0
    assert _files(target) == _files(path)
    assert len(_files(target)) == 2
    db = _db(target)
    try:
        with db.sessions() as session:
            (bank,) = practices.in_bank(session)
    finally:
        db.dispose()
    assert bank.authors == ("Иванова Анна Ивановна", "Ёлкина Вера Петровна")


def test_a_merge_keeps_the_database_s_own_files_whole(centre: tuple[Path, World, int],
                                                      tmp_path: Path) -> None:
    path, world, pid = centre
    other = tmp_path / "other.sqlite"
    shutil.copy(path, other)
    db = _db(other)
    try:
        with db.sessions() as session:  # the other database changed its file and added more
            (old,) = practice_files.list_files(session, pid)
            practice_files.remove(session, old.id)
            practice_files.store(session, pid, "план.txt", TWO)
            practice_files.store(session, pid, "новое.txt", NEW)
            practices.add_practice(session, practice(world, title="Вторая практика"))
            session.commit()
    finally:
        db.dispose()
    book = tmp_path / "other.xlsx"
    assert main(["--db", str(other), "export", "--out", str(book)]) == 0
    assert main(["--db", str(path), "import", str(book)]) == 0
    title = practice(world).title
    assert _files(path) == {(title, "план.txt"): ONE, (title, "новое.txt"): NEW}
    db = _db(path)
    try:
        with db.sessions() as session:
            titles = sorted(r.title for r in practices.list_practices(session))
    finally:
        db.dispose()
    assert titles == ["Вторая практика", title]
    # the same book again: everything matched, nothing added
    before = _files(path)
    assert main(["--db", str(path), "import", str(book)]) == 0
    assert _files(path) == before
