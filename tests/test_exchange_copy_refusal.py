"""A copy of an exchange book is written table by table as it is read: a refusal found in a late
sheet still leaves the new database as it was, and every bad cell of the book is listed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange import workbook
from desktop_app.exchange.importer import import_file
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest, fill_every_table


@pytest.fixture
def book(tmp_path: Path) -> Path:
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    out = tmp_path / "book.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(out)]) == 0
    return out


@pytest.fixture
def new_db(tmp_path: Path) -> Path:
    path = tmp_path / "new.sqlite"
    open_database(path).dispose()
    return path


def _edit(book: Path, out: Path, cells: dict[tuple[str, str], Any]) -> Path:
    """The book with the first data row's cell of each (sheet, column title) replaced."""
    wb = openpyxl.load_workbook(book)
    for (sheet, title), value in cells.items():
        ws = wb[sheet]
        column = [c.value for c in ws[1]].index(title) + 1
        ws.cell(row=2, column=column).value = value
    wb.save(out)
    return out


def _letter(book: Path, sheet: str, title: str) -> str:
    ws = openpyxl.load_workbook(book, read_only=True)[sheet]
    headers = [c.value for c in next(ws.iter_rows(max_row=1))]
    return openpyxl.utils.get_column_letter(headers.index(title) + 1)


def test_refusal_in_the_last_sheet_leaves_no_rows_of_earlier_sheets(
        book: Path, new_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "WRITE_ROWS", 1)  # every row written before the last sheet
    last = workbook.exchange_tables()[-1]
    sheet = workbook.sheet_title(last.name)
    column = next(c for c in workbook.carried_columns(last) if c.foreign_keys)
    title = workbook.column_title(last.name, column.name)
    broken = _edit(book, tmp_path / "late.xlsx", {(sheet, title): 987654})
    before = db_digest(new_db)
    capsys.readouterr()
    assert main(["--db", str(new_db), "import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"лист «{sheet}», строка 2, столбец {_letter(book, sheet, title)} ({title}) " \
           "«987654»: ссылка на запись, которой нет в книге" in err
    assert db_digest(new_db) == before


def test_every_bad_cell_of_a_copy_is_listed(book: Path, new_db: Path, tmp_path: Path) -> None:
    curator = "Код куратора (педагога)"
    broken = _edit(book, tmp_path / "bad.xlsx", {
        ("Организации", "Дата закрытия"): "31.02.2024",
        ("Организации", curator): 424242,
        ("Педагоги", "Дата рождения"): "вчера",
        ("Ответы диагностик", "Балл"): "много",
        ("Пункты маршрутов", "Код маршрута"): 777777,
    })
    before = db_digest(new_db)
    db = open_database(new_db)
    try:
        result = import_file(db, broken)
    finally:
        db.dispose()
    assert not result.applied and result.added == 0
    found = {(e.sheet, e.row, e.column.split(" ", 1)[1]) for e in result.fatal}
    assert found == {("Организации", 2, "(Дата закрытия)"), ("Организации", 2, f"({curator})"),
                     ("Педагоги", 2, "(Дата рождения)"), ("Ответы диагностик", 2, "(Балл)"),
                     ("Пункты маршрутов", 2, "(Код маршрута)")}
    assert db_digest(new_db) == before


def test_dry_run_of_a_good_copy_writes_nothing(book: Path, new_db: Path) -> None:
    before = db_digest(new_db)
    db = open_database(new_db)
    try:
        result = import_file(db, book, dry_run=True)
    finally:
        db.dispose()
    assert not result.applied and result.added > 0 and not result.errors
    assert db_digest(new_db) == before


def _indexes(path: Path) -> list[tuple[str, str, str]]:
    """The indexes of the file as SQLite keeps them: (name, table, its CREATE text)."""
    con = sqlite3.connect(path)
    try:
        return [tuple(r) for r in con.execute(
            "SELECT name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' "
            "ORDER BY name")]
    finally:
        con.close()


def test_a_copy_leaves_every_index_as_a_new_database_has_it(
        book: Path, new_db: Path, tmp_path: Path) -> None:
    """The secondary indexes are dropped while the copy writes and built again at its end
    (book_copy.HeldIndexes): the loaded file has each of them as a new database has it, and its
    lookups go through them; a refused copy leaves them as they were."""
    fresh = _indexes(new_db)
    assert any(name == "ix_people_list" for name, _t, _s in fresh)
    broken = _edit(book, tmp_path / "bad.xlsx", {("Педагоги", "Дата рождения"): "вчера"})
    db = open_database(new_db)
    try:
        assert not import_file(db, broken).applied
        assert _indexes(new_db) == fresh
        assert import_file(db, book).applied
    finally:
        db.dispose()
    assert _indexes(new_db) == fresh
    con = sqlite3.connect(new_db)
    try:
        plan = " ".join(str(r[3]) for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM deficits WHERE person_id = 1"))
        assert "ix_deficits_person_id" in plan
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
