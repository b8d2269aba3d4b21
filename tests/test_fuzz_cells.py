"""Fuzzing the cell parsers and the exchange reader (hypothesis): whatever a cell holds, the
answer is a value of the column's kind or a refusal (CellProblem, a refusal with sheet, row and
column) — never an uncaught exception, never a value the next export would change."""

from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from desktop_app.exchange import cells
from desktop_app.exchange.cells import CellProblem
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest, fill_every_table

FAST = settings(max_examples=300, deadline=None)
FEW = settings(max_examples=12, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
EXACT = 2**53  # integers beyond it do not come back from a spreadsheet (a double) unchanged

texts = st.text(max_size=40) | st.sampled_from([
    "", " ", "12", "12,5", "-3", "1e309", "-1e309", "inf", "nan", "NaN", "1e20", "10%", "12 345",
    "31.02.2024", "29.02.2023", "29.02.2024", "01.01.1900", "1.1.24", "2024-02-30",
    "2024-01-01 00:00", "00.00.0000", "99.99.99", "да", "Нет", "+", "−", "✓", "истина",
    "9" * 400, "\u00a0", "=1+1", "\x00"])
values = (st.none() | st.booleans() | st.integers() | st.floats() | texts
          | st.dates() | st.datetimes() | st.times() | st.timedeltas()
          | st.decimals(allow_nan=True) | st.binary(max_size=8))


def _refusal_or(parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except CellProblem as problem:
        assert str(problem), (parse, value)  # a reason, in words
        return problem


@FAST
@given(values)
def test_dates_are_dates_or_refused(value: Any) -> None:
    found = _refusal_or(cells.parse_date, value)
    assert isinstance(found, CellProblem | date)


@FAST
@given(values)
def test_bools_are_bools_or_refused(value: Any) -> None:
    found = _refusal_or(cells.parse_bool, value)
    assert isinstance(found, CellProblem | bool)


@FAST
@given(values)
def test_whole_numbers_survive_a_spreadsheet(value: Any) -> None:
    found = _refusal_or(cells.parse_int, value)
    if not isinstance(found, CellProblem):
        assert type(found) is int and abs(found) < EXACT
        assert int(float(found)) == found  # what a spreadsheet keeps is what was read


@FAST
@given(values)
def test_numbers_are_finite_or_refused(value: Any) -> None:
    found = _refusal_or(cells.parse_float, value)
    if not isinstance(found, CellProblem):
        assert type(found) is float and math.isfinite(found)


@FAST
@given(values | st.builds(lambda n, c: c * n, st.integers(CELL_TEXT_LIMIT - 2,
                                                          CELL_TEXT_LIMIT + 2),
                         st.sampled_from(["а", " ", "\n", "ё "])))
def test_text_helpers_never_raise(value: Any) -> None:
    assert isinstance(cells.as_text(value), str)
    assert isinstance(cells.header_key(value), str)
    assert isinstance(cells.is_blank(value), bool)
    reason = cells.too_long(value)
    assert (reason is not None) == (isinstance(value, str) and len(value) > CELL_TEXT_LIMIT)
    assert len(cells.shown(value)) <= 200 or len(cells.as_text(value)) <= 160


@pytest.mark.parametrize(("value", "kind"), [
    (float("inf"), "float"), (float("nan"), "float"), ("1e309", "float"), ("-inf", "float"),
    (2**53, "int"), (-(2**60), "int"), ("1e20", "int"), (1e300, "int"),
])
def test_values_no_spreadsheet_keeps_are_refused(value: Any, kind: str) -> None:
    parse = cells.parse_float if kind == "float" else cells.parse_int
    with pytest.raises(CellProblem):
        parse(value)


# the exchange reader on generated books ---------------------------------------------------
@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exchange book of a database where every table has a few rows."""
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "rich.sqlite"
    fill_every_table(source)
    db = open_database(source)
    try:
        from desktop_app.exchange.workbook import export_all

        export_all(db, folder / "book.xlsx")
    finally:
        db.dispose()
    return folder / "book.xlsx"


cell_values = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
               | st.floats(allow_nan=False) | texts.map(lambda t: t.replace("\x00", ""))
               | st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1))
               | st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1))
               | st.just(time(10, 30)) | st.just(timedelta(days=2))
               | st.sampled_from(["ё" * (CELL_TEXT_LIMIT + 1), "=1+2", "не указано", "да"]))
edits = st.lists(st.tuples(st.integers(0, 36), st.integers(1, 5), st.integers(1, 30),
                           cell_values), min_size=1, max_size=6)


def _edited(book: Path, out: Path, changes: list[tuple[int, int, int, Any]]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = openpyxl.load_workbook(book)
    for sheet, row, column, value in changes:
        ws = wb.worksheets[min(sheet, len(wb.worksheets) - 1)]
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = ws.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
            cell._value = value  # past openpyxl's own cut, as another program would write it
    wb.save(out)


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def test_exchange_reader_refuses_with_a_place(small_book: Path, tmp_path: Path) -> None:
    """A copy of the book with a few cells changed to anything: imported into a new database
    (a copy) or merged into one with data, it is taken in or refused — each refusal naming a
    sheet, a row and a column — and a refused book leaves the database as it was."""
    target = tmp_path / "target.sqlite"
    open_database(target).dispose()
    fresh = tmp_path / "fresh.sqlite"
    target.replace(fresh)
    merged_into = tmp_path / "merged.sqlite"
    fill_every_table(merged_into)
    book = tmp_path / "edited.xlsx"
    run = {"n": 0}

    @FEW
    @given(edits, st.booleans())
    def check(changes: list[tuple[int, int, int, Any]], merge: bool) -> None:
        run["n"] += 1
        _edited(small_book, book, changes)
        path = merged_into if merge else tmp_path / f"copy{run['n']}.sqlite"
        if not merge:
            path.write_bytes(fresh.read_bytes())
        before = db_digest(path)
        db = open_database(path)
        try:
            try:
                result = import_file(db, book)
            except ExchangeError as refused:
                assert "«edited.xlsx»" in str(refused) or "Лист «" in str(refused)
                result = None
        finally:
            db.dispose()
        if result is None or not result.applied:
            assert db_digest(path) == before
        if result is not None:
            for error in result.errors:
                assert error.sheet and error.row >= 1 and error.column and error.reason
        if merge and result is not None and result.applied:  # keep the database as it was
            merged_into.unlink()
            fill_every_table(merged_into)

    check()


# the XML of a cell, as any program may write it ---------------------------------------------
FORM_HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Год окончания"]
cell_types = st.sampled_from([None, "n", "s", "b", "str", "inlineStr", "d", "e", "x"])
cell_texts = st.sampled_from([
    "5", "-3", "1.5", "1e309", "nan", "inf", "99999999999999999999999", "", "x", "2024-02-30",
    "2024-01-01T00:00:00", "0", "1", "100000", "-1", "45000", "3e5"]) | st.text(
    alphabet="0123456789.-eE+xT:", max_size=12)


@st.composite
def raw_cells(draw: st.DrawFn) -> bytes:
    kind, text = draw(cell_types), draw(cell_texts)
    style = draw(st.sampled_from(["", ' s="0"', ' s="1"', ' s="99"']))
    attrs = f' r="{draw(st.sampled_from(["D2", "F2", "F2", "B2", "XFD2", "A1"]))}"'
    attrs += style + ("" if kind is None else f' t="{kind}"')
    if kind == "inlineStr":
        return f"<c{attrs}><is><t>{text}</t></is></c>".encode()
    return f"<c{attrs}><v>{text}</v></c>".encode()


@pytest.fixture(scope="module")
def people_form(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(FORM_HEADER)
    wb.active.append(["Иванова", "Мария", "", "12.03.1980", "МБОУ СОШ № 1", 2002])
    path = tmp_path_factory.mktemp("raw") / "form.xlsx"
    wb.save(path)
    return path.read_bytes()


def test_cells_written_by_any_program(people_form: bytes, tmp_path: Path) -> None:
    """A data cell of a form as another program might write it — any type, any text, any
    style — is read, refused as a value with its place, or refuses the file as damaged
    naming the sheet and the row; never an unexpected error."""
    import io
    import zipfile

    db = open_database(tmp_path / "db.sqlite")
    book = tmp_path / "raw.xlsx"

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(raw_cells(), min_size=1, max_size=3))
    def check(raw: list[bytes]) -> None:
        with zipfile.ZipFile(io.BytesIO(people_form)) as zin, \
                zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    end = data.index(b"</row>", data.index(b'<row r="2"'))
                    data = data[:end] + b"".join(raw) + data[end:]
                zout.writestr(item, data)
        try:
            result = import_file(db, book, dry_run=True)
        except ExchangeError as refused:
            assert "«raw.xlsx»" in str(refused) or "Лист «" in str(refused), str(refused)
            return
        for error in result.errors:
            assert error.sheet and error.row >= 1 and error.column and error.reason

    try:
        check()
    finally:
        db.dispose()
