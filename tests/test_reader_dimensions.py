"""A sheet is read to its last row present, whatever size its header states.

Programs other than Excel write a wrong <dimension ref="…"/> in a sheet's header; openpyxl's
read-only mode stops there. Every file here is a real xlsx whose sheet XML was rewritten in the
zip: the rows past the stated size must all arrive, and count against the row limits.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange.limits import SHEET_ROWS
from tests.test_exchange_roundtrip import db_digest, fill_every_table, table_rows

ORG_HEADER = ["Краткое наименование", "Полное наименование"]
_DIMENSION = re.compile(rb"<dimension ref=\"[^\"]*\"\s*/>")


def rewrite_sheets(book: Path, change: dict[str, object], out: Path) -> Path:
    """A copy of book with the XML of some sheets changed: change maps a sheet title to a
    function bytes → bytes."""
    wb = openpyxl.load_workbook(book, read_only=True)
    parts = {ws.title: ws._worksheet_path.lstrip("/") for ws in wb.worksheets}
    wb.close()
    by_part = {parts[title]: fn for title, fn in change.items()}
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in by_part:
                data = by_part[item.filename](data)  # type: ignore[operator]
            zout.writestr(item, data)
    return out


def stating(ref: str):  # type: ignore[no-untyped-def]
    """A sheet XML rewriter: the header states the size ref (put in where none was written)."""
    tag = f'<dimension ref="{ref}"/>'.encode()

    def change(xml: bytes) -> bytes:
        if _DIMENSION.search(xml):
            return _DIMENSION.sub(tag, xml, count=1)
        if b"</sheetPr>" in xml:
            return xml.replace(b"</sheetPr>", b"</sheetPr>" + tag, 1)
        start = xml.index(b">", xml.index(b"<worksheet")) + 1
        return xml[:start] + tag + xml[start:]
    return change


def with_row(number: int, value: str):  # type: ignore[no-untyped-def]
    """A sheet XML rewriter: one more row far down, with a value in column A."""
    row = (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{value}</t></is></c>'
           "</row>").encode()

    def change(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)
    return change


def stated(book: Path, title: str) -> str | None:
    """The size the sheet states, as openpyxl read-only sees it."""
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        ws = wb[title]
        return None if ws.max_row is None else ws.calculate_dimension()
    finally:
        wb.close()


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "base.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    return path


def organisations_form(path: Path, count: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Организации"
    ws.append(ORG_HEADER)
    for i in range(1, count + 1):
        ws.append([f"МБОУ СОШ № {i}", f"Муниципальное бюджетное учреждение «Школа № {i}»"])
    wb.save(path)
    return path


def names(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute("SELECT short_name, full_name FROM organisations"))
    finally:
        con.close()


def test_blank_form_past_its_stated_size(base: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's file: «A1:W3» stated over 10 data rows — all ten arrive, not two."""
    form = organisations_form(tmp_path / "orgs.xlsx", 10)
    forged = rewrite_sheets(form, {"Организации": stating("A1:W3")}, tmp_path / "forged.xlsx")
    assert stated(forged, "Организации") == "A1:W3"
    assert main(["--db", str(base), "import", str(forged)]) == 0
    assert "добавлено 10" in capsys.readouterr().out
    assert names(base) == sorted(
        (f"МБОУ СОШ № {i}", f"Муниципальное бюджетное учреждение «Школа № {i}»")
        for i in range(1, 11))


def test_blank_form_past_its_stated_columns(base: Path, tmp_path: Path) -> None:
    """A stated size narrower than the table («A1:A3»): the columns past it are read too."""
    form = organisations_form(tmp_path / "orgs.xlsx", 5)
    forged = rewrite_sheets(form, {"Организации": stating("A1:A3")}, tmp_path / "narrow.xlsx")
    assert main(["--db", str(base), "import", str(forged)]) == 0
    assert [full for _short, full in names(base)] == sorted(
        f"Муниципальное бюджетное учреждение «Школа № {i}»" for i in range(1, 6))


def test_stated_size_cannot_hide_rows_from_the_limit(base: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A row far past the form's limit (200 000 rows), behind a header stating three rows: the
    file is refused, not read as three rows."""
    form = organisations_form(tmp_path / "orgs.xlsx", 2)
    forged = rewrite_sheets(form, {"Организации": lambda xml: stating("A1:B3")(
        with_row(250_000, "МБОУ СОШ № 250000")(xml))}, tmp_path / "long.xlsx")
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(forged)]) == 1
    err = capsys.readouterr().err
    assert "Лист «Организации»: больше 200000 строк" in err, err
    assert db_digest(base) == before


def test_row_limit_counts_the_rows_present(base: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """With the limit lowered to 50 rows, 60 real rows behind a header stating 10 are over it."""
    monkeypatch.setattr("desktop_app.exchange.reader.MAX_ROWS", 50)
    form = organisations_form(tmp_path / "orgs.xlsx", 60)
    forged = rewrite_sheets(form, {"Организации": stating("A1:B10")}, tmp_path / "f.xlsx")
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(forged)]) == 1
    assert "больше 50 строк" in capsys.readouterr().err
    assert db_digest(base) == before


def test_progress_still_hears_the_stated_size(base: Path, tmp_path: Path) -> None:
    """The stated size stays a hint for the progress bar («N из M»), never a limit: rows past it
    are counted on (a busy bar with the rows read)."""
    from desktop_app.exchange.importer import import_file
    from desktop_app.store.database import open_database

    form = organisations_form(tmp_path / "orgs.xlsx", 10)
    forged = rewrite_sheets(form, {"Организации": stating("A1:B5")}, tmp_path / "f.xlsx")
    heard: list[tuple[int, int, str]] = []
    db = open_database(base)
    try:
        result = import_file(db, forged, dry_run=True,
                             progress=lambda d, t, s: heard.append((d, t, s)))
    finally:
        db.dispose()
    assert result.added == 10
    assert (0, 5, "лист «Организации»") in heard
    assert heard[-1][1] == 0 and "прочитано строк: 11" in heard[-1][2]


def test_exchange_book_past_its_stated_size(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Every sheet of an exchange book states one data row over two columns: the copy still
    gets every row of every table, every column, exactly."""
    source = tmp_path / "rich.sqlite"
    fill_every_table(source)
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(source), "export", "--out", str(book)]) == 0
    wb = openpyxl.load_workbook(book, read_only=True)
    titles = [ws.title for ws in wb.worksheets if ws.title != "Сведения"]
    wb.close()
    forged = rewrite_sheets(book, {t: stating("A1:B2") for t in titles}, tmp_path / "f.xlsx")
    assert stated(forged, "Педагоги") == "A1:B2"
    target = tmp_path / "copy.sqlite"
    assert main(["--db", str(target), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(forged)]) == 0, capsys.readouterr().err
    assert table_rows(target) == table_rows(source)


def test_exchange_sheet_past_the_spreadsheet_limit(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A row numbered past the rows a sheet can hold (1 048 576), behind a header stating a few
    rows: the book is refused naming the sheet and the row; the database is unchanged."""
    source = tmp_path / "rich.sqlite"
    fill_every_table(source)
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(source), "export", "--out", str(book)]) == 0
    forged = rewrite_sheets(book, {"Курсы": lambda xml: stating("A1:B4")(
        with_row(SHEET_ROWS + 1, "999")(xml))}, tmp_path / "f.xlsx")
    target = tmp_path / "copy.sqlite"
    assert main(["--db", str(target), "init"]) == 0
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(forged)]) == 1
    err = capsys.readouterr().err
    assert "лист «Курсы», строка 1048577" in err, err
    assert "за пределом листа Excel (1\u00a0048\u00a0576 строк)" in err
    assert db_digest(target) == before


def test_rows_out_of_order_are_refused_not_skipped(base: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A row numbered as an earlier one (another program's bug): openpyxl would pass over it
    without a word; the file is refused naming the sheet and the row."""
    form = organisations_form(tmp_path / "orgs.xlsx", 3)

    def again(xml: bytes) -> bytes:
        row = ('<row r="3"><c r="A3" t="inlineStr"><is><t>МБОУ СОШ № 99</t></is></c></row>'
               ).encode()
        return xml.replace(b"</sheetData>", row + b"</sheetData>", 1)
    forged = rewrite_sheets(form, {"Организации": again}, tmp_path / "again.xlsx")
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(forged)]) == 1
    err = capsys.readouterr().err
    assert ("Файл «again.xlsx», лист «Организации», строка 3: записана после строки 4 — строки "
            "листа не по порядку") in err, err
    assert db_digest(base) == before
