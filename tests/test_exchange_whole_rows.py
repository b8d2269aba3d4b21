"""A sheet of whole numbers only (the answers: 1,6 million rows in a region's book) is read a
chunk at a time; what it gives is what the row-by-row reading gives: the same database from a
good book, the same refusals (sheet, row, column, value, reason) from a bad one, whatever chunk
the bad cell falls in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.exchange import book_reader
from desktop_app.exchange.importer import import_file
from desktop_app.store.database import open_database
from tests.test_exchange_copy_refusal import book, new_db  # noqa: F401 - fixtures
from tests.test_exchange_roundtrip import db_digest
from tests.test_pg_exchange import edited

ANSWERS = "Ответы диагностик"


def _loaded(folder: Path, name: str, path: Path) -> tuple[Any, str]:
    """The import of the book into a new database: (its refusals, the database's digest)."""
    target = folder / f"{name}.sqlite"
    db = open_database(target)
    try:
        result = import_file(db, path)
    finally:
        db.dispose()
    errors = [(e.sheet, e.row, e.column, e.value, e.reason) for e in result.errors]
    return (result.applied, result.added, errors), db_digest(target, skip=("change_log",))


def _both_ways(folder: Path, path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[tuple[Any, str], tuple[Any, str], int]:
    """The book loaded a row at a chunk (the rows of a clean chunk taken at once), then row by
    row; and how many chunks were taken at once."""
    monkeypatch.setattr(book_reader, "FETCH_ROWS", 1)
    taken = []
    whole = book_reader._whole_numbers

    def counted(raw: list[list[Any]], width: int) -> list[tuple[int, ...]] | None:
        rows = whole(raw, width)
        taken.append(rows is not None)
        return rows

    monkeypatch.setattr(book_reader, "_whole_numbers", counted)
    chunked = _loaded(folder, "chunked", path)
    monkeypatch.setattr(book_reader._RowShape, "whole", lambda _self, _cells: False)
    by_row = _loaded(folder, "by-row", path)
    return chunked, by_row, sum(taken)


def test_a_good_book_gives_the_same_database(book: Path, tmp_path: Path,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    chunked, by_row, taken = _both_ways(tmp_path, book, monkeypatch)
    assert chunked == by_row
    assert chunked[0][0] and not chunked[0][2]
    assert taken >= 3  # the answers' rows, each its own chunk


@pytest.mark.parametrize(("cells", "reason"), [
    ({"Балл": 2.5}, "целое"),
    ({"Балл": True}, ""),
    ({"Балл": datetime(2024, 5, 6)}, ""),
    ({"Балл": "четыре"}, ""),
    ({"Балл": "4"}, ""),
    ({"Код диагностики": None}, "обязательное значение не заполнено"),
    ({"Код диагностики": 987654}, "ссылка на запись, которой нет в книге"),
    ({"Балл": -3}, ""),
    ({"Балл": "=2+2"}, "формула"),
], ids=["fraction", "bool", "date", "word", "digits-as-text", "empty", "unknown", "negative",
        "formula"])
def test_a_bad_cell_between_good_rows_is_refused_alike(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        cells: dict[str, Any], reason: str) -> None:
    changed = edited(book, tmp_path / "edited.xlsx", ANSWERS, 3, cells)
    chunked, by_row, _taken = _both_ways(tmp_path, changed, monkeypatch)
    assert chunked == by_row
    errors = chunked[0][2]
    if reason:
        assert any(sheet == ANSWERS and row == 3 and reason in why
                   for sheet, row, _column, _value, why in errors), errors


def test_a_good_book_loads_in_new_database(book: Path, new_db: Path) -> None:  # noqa: F811
    """The chunked reading at its own chunk size: every answer of the book is in the copy."""
    before = openpyxl.load_workbook(book, read_only=True)[ANSWERS]
    rows = [r for r in before.iter_rows(min_row=2, values_only=True) if any(r)]
    db = open_database(new_db)
    try:
        assert import_file(db, book).applied
        with db.engine.connect() as conn:
            from sqlalchemy import text

            stored = conn.execute(text("SELECT session_id, item_id, score FROM answers "
                                       "ORDER BY session_id, item_id")).all()
    finally:
        db.dispose()
    assert sorted(tuple(int(v) for v in r[:3]) for r in rows) == [tuple(r) for r in stored]


def test_bad_whole_numbers_inside_a_block_are_refused_at_their_rows(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Whole numbers that the checks refuse — a score off its scale, a code of no diagnostic —
    inside one block of the sheet's rows (read at the chunk size the program uses): the same
    refusals, at the same rows and columns, as the row-by-row reading gives."""
    sheet = openpyxl.load_workbook(book, read_only=True)[ANSWERS]
    last = sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)) + 1
    assert last >= 4  # rows 3 and the last: inside the block, neither its first row
    changed = edited(book, tmp_path / "edited.xlsx", ANSWERS, 3, {"Балл": 9})
    changed = edited(changed, tmp_path / "edited2.xlsx", ANSWERS, last,
                     {"Код диагностики": 987654})
    blocks = []
    whole = book_reader._whole_numbers

    def counted(raw: list[list[Any]], width: int) -> list[tuple[int, ...]] | None:
        rows = whole(raw, width)
        blocks.append(None if rows is None else len(rows))
        return rows

    monkeypatch.setattr(book_reader, "_whole_numbers", counted)
    in_blocks = _loaded(tmp_path, "blocks", changed)
    assert blocks and None not in blocks  # each sheet of whole numbers: one block
    monkeypatch.setattr(book_reader._RowShape, "whole", lambda _self, _cells: False)
    by_row = _loaded(tmp_path, "by-row", changed)
    assert in_blocks == by_row
    errors = [(row, column, why) for sheet_, row, column, _value, why in in_blocks[0][2]
              if sheet_ == ANSWERS]
    assert not in_blocks[0][0]
    assert [(row, column.split(" ")[0]) for row, column, _why in errors] == [
        (3, "C"), (last, "A")], errors
    assert "балл" in errors[0][2] and "нет записи с кодом 987654" in errors[1][2], errors
