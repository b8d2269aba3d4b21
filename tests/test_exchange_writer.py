"""The exchange book's writer (xlsxwriter, constant_memory; rows laid out by book_rows.py): the
cells as openpyxl wrote them — numbers every digit, dates with their format, texts escaped as
Excel escapes them, formula-looking texts quoted — a text XML cannot carry refused, and an
error half-way leaving neither the book, nor its partial file, nor the sheets' temporary files."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import Boolean, Column, Date, Float, Integer, MetaData, String, Table

from desktop_app.exchange import book_rows, workbook
from desktop_app.exchange.book_writer import _Book
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import fill_every_table

TABLE = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("x", Float),
              Column("text", String), Column("day", Date),
              Column("flag", Boolean, nullable=False))
ROWS: list[tuple[Any, ...]] = [
    (1, 23.333333333333332, "=1+2", date(1980, 3, 15), True),
    (2, 0.1 + 0.2, "a & b < c > d", date(1900, 2, 28), None),
    (3, 60.0, " ведущий и конечный пробел ", date(1900, 3, 1), False),
    (4, None, "_x0041_ как текст\r\nвторая строка", None, True),
    (2**53 - 1, -1e-7, "", date(2100, 1, 1), None),
]


def _written(tmp_path: Path, rows: list[tuple[Any, ...]]) -> Path:
    out = tmp_path / "t.xlsx"
    book = _Book(out, str(tmp_path))
    ws = book.sheet("Лист")
    book.headers(ws, 0, ["Код", "Число", "Текст", "Дата", "Да/нет"])
    layout = book_rows.TableRows(TABLE, *book.styles)
    ws.add_rows(layout.xml(rows, 2, "Лист"), len(rows), layout.last_column)
    book.close()
    return out


def test_cells_as_they_are_read_back(tmp_path: Path) -> None:
    book = _written(tmp_path, ROWS)
    ws = openpyxl.load_workbook(book)["Лист"]
    assert ws.max_row == len(ROWS) + 1 and ws.max_column == 5
    assert [c.value for c in ws[1]] == ["Код", "Число", "Текст", "Дата", "Да/нет"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [v[0] for v in values] == [1, 2, 3, 4, 2**53 - 1]
    assert [v[1] for v in values] == [23.333333333333332, 0.1 + 0.2, 60.0, None, -1e-7]
    assert [v[4] for v in values] == ["да", None, "нет", "да", None]  # None: left empty
    days = [ws.cell(row=r, column=4) for r in range(2, 7)]
    assert [d.value.date() if d.value else None for d in days] == [r[3] for r in ROWS]
    assert all(d.is_date and d.number_format == "DD.MM.YYYY" for d in days if d.value)
    formula = ws.cell(row=2, column=3)
    assert formula.value == "=1+2" and formula.data_type == "s" and formula.quotePrefix
    assert ws.cell(row=3, column=3).value == "a & b < c > d"
    assert ws.cell(row=4, column=3).value == " ведущий и конечный пробел "
    assert ws.cell(row=6, column=3).value is None  # an empty text: an empty cell
    assert ws.freeze_panes is None  # only the tables' sheets are frozen (below)
    with zipfile.ZipFile(book) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "_x005F_x0041_" in xml and "_x000D_" in xml
    # a literal «_x0041_» and a carriage return come back as typed (Excel's escapes)
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Лист").to_python()
    assert sheet[4][2] == "_x0041_ как текст\r\nвторая строка"


def test_yes_no_not_given_is_written(tmp_path: Path) -> None:
    nullable = Table("n", MetaData(), Column("id", Integer, primary_key=True),
                     Column("flag", Boolean, nullable=True))
    layout = book_rows.TableRows(nullable, 1, 2)
    assert "не указано" in layout.xml([(1, None)], 2, "Лист")
    strict = Table("s", MetaData(), Column("id", Integer, primary_key=True),
                   Column("flag", Boolean, nullable=False))
    assert "не указано" not in book_rows.TableRows(strict, 1, 2).xml([(1, None)], 2, "Лист")


@pytest.mark.parametrize(("value", "words"), [
    ("звонок\x07", "управляющий знак U+0007"),
    ("😀" * 16_384, "не помещается в ячейку Excel"),
])
def test_a_text_no_cell_holds_is_refused(value: str, words: str, tmp_path: Path) -> None:
    layout = book_rows.TableRows(Table("people", MetaData(), Column("id", Integer),
                                       Column("notes", String)), 1, 2)
    with pytest.raises(ExchangeError) as refused:
        layout.xml([(1, value)], 2, "Педагоги")
    assert words in str(refused.value)
    assert "лист «Педагоги», строка 2, столбец B («Примечание»)" in str(refused.value)


def test_tables_sheets_are_frozen_with_widths(tmp_path: Path) -> None:
    source = tmp_path / "rich.sqlite"
    fill_every_table(source)
    db = open_database(source)
    try:
        workbook.export_all(db, tmp_path / "book.xlsx")
    finally:
        db.dispose()
    wb = openpyxl.load_workbook(tmp_path / "book.xlsx")
    people = wb["Педагоги"]
    assert people.freeze_panes == "A2"
    assert people["A1"].font.b and people["A1"].fill.fgColor.rgb.endswith("DDE7F0")
    assert round(people.column_dimensions["B"].width) in (24, 25)  # a text column
    assert wb["Сведения"].freeze_panes is None


def test_an_error_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    source = tmp_path / "rich.sqlite"
    fill_every_table(source)
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    calls = {"n": 0}
    lay_out = book_rows.TableRows.xml

    def failing(self: book_rows.TableRows, *args: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 10:  # some sheets written, their rows in temporary files
            raise OSError(28, "No space left on device")
        return lay_out(self, *args)

    monkeypatch.setattr(book_rows.TableRows, "xml", failing)
    out = tmp_path / "out" / "книга.xlsx"
    out.parent.mkdir()
    db = open_database(source)
    try:
        with pytest.raises(OSError):
            workbook.export_all(db, out)
    finally:
        db.dispose()
    assert calls["n"] == 10
    assert list(out.parent.iterdir()) == []  # neither the book nor its partial file
    assert list(scratch.iterdir()) == []  # nor the sheets' rows
