"""The exchange book's sheets read ahead in a thread: the same rows as read one by one, whatever
the budget of cells; a damaged later sheet refused with the same Russian message as without it
and the database as it was; the thread gone once the book is closed."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.exchange import book_file, workbook
from desktop_app.exchange.book_file import open_book
from desktop_app.exchange.safe import ExchangeError
from tests.test_exchange_roundtrip import db_digest


@pytest.fixture
def book(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small demo's exchange book, its tables over sheets of 40 rows (many sheets)."""
    monkeypatch.setattr(workbook, "SHEET_ROW_LIMIT", 41)
    out = tmp_path / "книга.xlsx"
    assert main(["--db", str(base), "export", "--out", str(out)]) == 0
    return out


def every_row(path: Path, ahead: bool) -> dict[str, list[tuple[object, ...]]]:
    with open_book(path) as wb:
        wb.read_ahead = ahead
        return {ws.title: list(ws.iter_rows()) for ws in wb.worksheets}


def ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "book-read-ahead"]


@pytest.mark.parametrize("budget", [0, 300, 4_000_000])
def test_sheets_read_ahead_give_the_same_rows(book: Path, budget: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    plain = every_row(book, ahead=False)
    monkeypatch.setattr(book_file, "AHEAD_CELLS", budget)
    assert len(plain) > 30
    assert every_row(book, ahead=True) == plain
    assert not ahead_threads()


def test_closing_halfway_stops_the_thread(book: Path) -> None:
    with open_book(book) as wb:
        wb.read_ahead = True
        first = wb.worksheets[1]
        assert list(first.iter_rows(max_row=1))
        assert ahead_threads()
    assert not ahead_threads()


def damaged(book: Path, out: Path, title: str) -> Path:
    """The book with the XML of the sheet titled so cut off in the middle of a cell."""
    with open_book(book) as wb:
        part = next(p for p, t in wb.parts.sheets.items() if t == title)
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data = data[:len(data) // 2] + b"<c r=\"B\x00"
            to.writestr(item, data)
    return out


def test_a_damaged_later_sheet_refused_as_without_reading_ahead(
        book: Path, base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_book(book) as wb:
        title = wb.worksheets[-3].title  # read ahead while the sheets before are read
    bad = damaged(book, tmp_path / "повреждённая.xlsx", title)
    with open_book(bad) as wb, pytest.raises(ExchangeError) as plain:
        list(wb[title].iter_rows())
    target = tmp_path / "новая.sqlite"
    assert main(["--db", str(target), "init"]) == 0
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(bad)]) == 1
    said = capsys.readouterr().err
    assert str(plain.value) in said and f"лист «{title}»" in said
    assert db_digest(target) == before
    assert not ahead_threads()
