"""The large sheets of a book read ahead are read through their guards in a process of their
own (exchange/scan_child.py): what it finds is what the reading here finds — formulas, error
cells, negative numbers, merged ranges, the rows stated — and what it refuses reaches the user in
the same Russian words; a load with its sheets read so writes the same database."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange import scan_child
from desktop_app.exchange.book_scan import SheetScan, scan_sheet
from desktop_app.exchange.safe import ExchangeError, check_book_file
from desktop_app.exchange.scan_child import ScanChild
from tests.test_exchange_copy_refusal import book  # noqa: F401 - the fixture
from tests.test_exchange_roundtrip import db_digest
from tests.test_reader_dimensions import rewrite_sheets


def _sheets(path: Path) -> list[tuple[str, str, str]]:
    return [(title, part, f"Файл «{path.name}», лист «{title}»")
            for part, title in check_book_file(path).parts.sheets.items()]


def _here(path: Path, part: str, where: str) -> SheetScan | str:
    try:
        return scan_sheet(path, part, where)
    except ExchangeError as exc:
        return str(exc)


def _aside(path: Path) -> dict[str, SheetScan | str | None]:
    """Every sheet of the book as the process read it (a refusal: its words)."""
    sheets = _sheets(path)
    child = ScanChild(path, sheets)
    found: dict[str, SheetScan | str | None] = {}
    try:
        assert child.settle(120)
        for title, _part, _where in sheets:
            try:
                found[title] = child.take(title)
            except ExchangeError as exc:
                found[title] = str(exc)
    finally:
        child.stop()
    return found


def _rich_book(path: Path) -> Path:
    """Formulas (a shared one among them), an error cell, negative numbers (one a date before
    1900), merged cells, on two sheets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Педагоги"
    ws.append(["Фамилия", "Стаж", "Итог"])
    for n in range(2, 40):
        ws.append([f"Ёлкина {n}", -n, f"=B{n}*2"])
    ws["D5"] = "=#N/A"
    ws.merge_cells("E2:F3")
    other = wb.create_sheet("Курсы")
    other.append(["Название", "Часы"])
    other.append(["«Наставник»", 72])
    other["C2"] = -1
    other["C2"].number_format = "DD.MM.YYYY"
    wb.save(path)
    return path


def test_what_the_process_finds_is_what_is_found_here(tmp_path: Path) -> None:
    rich = _rich_book(tmp_path / "rich.xlsx")
    found = _aside(rich)
    assert found == {title: _here(rich, part, where) for title, part, where in _sheets(rich)}
    people = found["Педагоги"]
    assert isinstance(people, SheetScan)
    assert people.formulas[(2, 3)] == "=B2*2" and people.merged and people.negative
    assert people.stated_rows == 39


def test_a_refusal_in_the_process_is_said_in_the_same_words(tmp_path: Path) -> None:
    rich = _rich_book(tmp_path / "rich.xlsx")

    def again(xml: bytes) -> bytes:
        row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>X</t></is></c></row>'
        return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)

    forged = rewrite_sheets(rich, {"Курсы": again}, tmp_path / "again.xlsx")
    found = _aside(forged)
    assert found == {title: _here(forged, part, where) for title, part, where in _sheets(forged)}
    assert "лист «Курсы», строка 2: записана после строки 2" in str(found["Курсы"])


def test_a_sheet_not_begun_is_read_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    """A sheet asked for before the process began it is taken back and read here, and so is
    one it may be reading before it has read any, past STARTING_WAIT (the reader does not wait
    long for the process to start: seconds, where an antivirus looks at it first)."""
    rich = _rich_book(tmp_path / "rich.xlsx")
    sheets = _sheets(rich)
    monkeypatch.setattr(scan_child, "STARTING_WAIT", 0.0)
    child = ScanChild(rich, sheets)
    try:
        results = [child.take(title) for title, _part, _where in sheets]
    finally:
        child.stop()
    assert results[0] is None  # asked for at once: the process is not up yet
    for (title, part, where), got in zip(sheets, results, strict=True):
        assert got is None or got == _here(rich, part, where), title


def _load(path: Path, folder: Path, name: str, capsys: pytest.CaptureFixture[str]
          ) -> tuple[int, str, str]:
    target = folder / f"{name}.sqlite"
    assert main(["--db", str(target), "init"]) == 0
    capsys.readouterr()
    code = main(["--db", str(target), "import", str(path)])
    return code, capsys.readouterr().err, db_digest(target, skip=("change_log",))  # its times


def test_a_load_with_every_sheet_given_to_the_process(
        book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sheet given to the process (none is small enough to stay): the same database; a
    forged sheet refused in the same words, the database as it was."""
    here = _load(book, tmp_path, "here", capsys)
    forged = rewrite_sheets(book, {"Курсы": lambda xml: xml.replace(
        b"</sheetData>", b'<row r="2"><c r="A2"><v>7</v></c></row></sheetData>', 1)},
        tmp_path / "forged.xlsx")
    forged_here = _load(forged, tmp_path, "forged-here", capsys)
    monkeypatch.setattr(scan_child, "CHILD_FROM_BYTES", 0)
    started, given = ScanChild.__init__, ScanChild.take
    sent: list[str] = []
    taken: dict[str, bool] = {}

    def settled(child: ScanChild, path: Path, sheets: list[tuple[str, str, str]]) -> None:
        started(child, path, sheets)
        sent.extend(title for title, _part, _where in sheets)
        assert child.settle(120)  # every sheet read by the process before it is asked for

    def take(child: ScanChild, title: str) -> SheetScan | None:
        found = given(child, title)
        taken[title] = found is not None
        return found

    monkeypatch.setattr(ScanChild, "__init__", settled)
    monkeypatch.setattr(ScanChild, "take", take)
    aside = _load(book, tmp_path, "aside", capsys)
    assert here[0] == 0 and aside == here
    assert len(sent) > 40 and all(taken.get(title) for title in sent), (sent, taken)
    forged_aside = _load(forged, tmp_path, "forged-aside", capsys)
    assert forged_here[0] == 1 and "лист «Курсы», строка 2: записана после строки" in \
        forged_here[1]
    assert forged_aside == forged_here


def test_a_file_changed_since_its_check_is_read_here(tmp_path: Path) -> None:
    """A book that is no zip any more when its sheets are handed out: none goes to the process
    (the reading here then says what is wrong, in Russian)."""
    broken = tmp_path / "changed.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip any more")
    assert scan_child.child_sheets(broken, {"Лист": "xl/worksheets/sheet1.xml"}, ["Лист"],
                                   "Файл «changed.xlsx»") == []
