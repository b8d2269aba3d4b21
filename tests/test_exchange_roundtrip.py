"""The exchange workbook: a database touching every table goes out and comes back the same."""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import cycle
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, func, insert, select, text

from desktop_app.cli import main
from desktop_app.exchange.schema import ENUMS, INFO_SHEET
from desktop_app.exchange.workbook import exchange_tables, export_all
from desktop_app.store.database import open_database
from desktop_app.textutil import fio, fold, person_sort_key

ROWS = 3
TRICKY = ["=1+2", "-минус", "+7 913", "@имя", "Ёлкин «Ёж»\nвторая строка", " пробел "]
# Columns with a value rule (services/validation.py): values the rules accept. The surnames keep
# «people» (tests find these people by it).
PLAUSIBLE: dict[tuple[str, str], Callable[[int], Any]] = {
    ("people", "last_name"): lambda i: f"people last name {'abc'[i]}",
    ("people", "first_name"): lambda i: ["Анна-Мария", "Ёлка", "Де Ла Круз"][i],
    ("people", "middle_name"): lambda i: ["Петровна", "", "Ильинична"][i],
    ("people", "birth_date"): lambda i: date(1980 + i, 3, 15),
    ("people", "education_year"): lambda i: 2002 + i,
    ("people", "phone"): lambda i: f"+7 (913) 123-45-6{i}",
    ("people", "email"): lambda i: f"people.email.{i}@школа.рф" if i else "people@mail.ru",
    ("organisations", "phone"): lambda i: f"8 (3822) 77-66-5{i}",
    ("organisations", "email"): lambda i: f"org-{i}@school.ru",
    ("indicator_plans", "year"): lambda i: 2024 + i,
    ("report_texts", "year"): lambda i: 2024 + i,
    ("practices", "year"): lambda i: 2024 + i,
    # a file's content: base64 parts as the program writes them (services/practice_files.py)
    ("practice_file_parts", "data"): lambda i: ["0J/RgNCw0LrRgtC40LrQsA==", "", "QUJD"][i],
}


def db_digest(path: Path, skip: tuple[str, ...] = ()) -> str:
    """A hash of every row of every table (the database unchanged ⇔ the same digest); skip:
    tables left out (change_log, when two databases got the same data from different files)."""
    con = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name") if r[0] not in skip]
        for name in names:
            digest.update(name.encode())
            for row in sorted(repr(r) for r in con.execute(f'SELECT * FROM "{name}"')):
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        con.close()


def _value(table: Any, column: Any, i: int, ids: dict[str, list[Any]]) -> Any:
    plausible = PLAUSIBLE.get((table.name, column.name))
    if plausible is not None:
        return plausible(i)
    enum = ENUMS.get((table.name, column.name))
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column.table.name
        pool = ids.get(target, [])
        if not pool:
            return None
        return pool[i % len(pool)] if not (column.nullable and i == 2) else None
    if enum is not None:
        return list(enum)[i % len(enum)].value
    if isinstance(column.type, Boolean):
        return i % 2 == 0
    if isinstance(column.type, DateTime):
        return datetime(2024, 5, 17, 13, 45, 12, 345678) + timedelta(days=i)
    if isinstance(column.type, Date):
        return None if column.nullable and i == 2 else date(2019, 2, 28) + timedelta(days=40 * i)
    if isinstance(column.type, Integer):
        return 3 + i
    if isinstance(column.type, Float):
        return 12.5 + i
    if (table.name, column.name) == ("people", "search_key"):
        return ""
    return f"{TRICKY[(i + len(column.name)) % len(TRICKY)]} {table.name}.{column.name} {i}"


def fill_every_table(path: Path) -> None:
    """Add ROWS rows to every carried table (after the presets), with tricky text and NULLs."""
    db = open_database(path)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("PRAGMA defer_foreign_keys=ON"))
            ids: dict[str, list[Any]] = {}
            for table in exchange_tables():
                pk = list(table.primary_key.columns)
                start = conn.scalar(select(func.max(pk[0]))) if len(pk) == 1 else None
                rows = []
                for i in range(ROWS):
                    row = {c.name: _value(table, c, i, ids) for c in table.columns}
                    if len(pk) == 1 and isinstance(pk[0].type, Integer):
                        row[pk[0].name] = (start or 0) + 1 + i
                    elif len(pk) == 1:
                        row[pk[0].name] = f"key_{table.name}_{i}"
                    if table.name == "people":
                        row["search_key"] = fold(fio(row["last_name"], row["first_name"],
                                                     row["middle_name"]))
                        row["sort_key"] = person_sort_key(row["last_name"], row["first_name"],
                                                          row["middle_name"])
                    rows.append(row)
                conn.execute(insert(table), rows)
                ids[table.name] = [r[pk[0].name] for r in rows] if len(pk) == 1 else []
            people = cycle(ids["people"])
            for oid in ids["organisations"]:
                conn.execute(text("UPDATE organisations SET curator_id=:p WHERE id=:o"),
                             {"p": next(people), "o": oid})
    finally:
        db.dispose()


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every carried table; the records' versions (row_version) left out: they
    count the saves in one database and are not carried (a copy starts them at 1)."""
    db = open_database(path)
    try:
        with db.sessions() as session:
            return {
                t.name: [tuple(r) for r in session.execute(
                    select(*[c for c in t.columns if c.name != "row_version"])
                    .order_by(*t.primary_key.columns))]
                for t in exchange_tables()
            }
    finally:
        db.dispose()


def workbook_cells(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [[c.value for c in row] for row in ws.iter_rows()]
    return out


@pytest.fixture
def rich_db(tmp_path: Path) -> Path:
    path = tmp_path / "rich.sqlite"
    fill_every_table(path)
    return path


def round_trip(source: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    first = tmp_path / "first.xlsx"
    assert main(["--db", str(source), "export", "--out", str(first)]) == 0
    target = tmp_path / "copy.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(first)]) == 0
    second = tmp_path / "second.xlsx"
    assert main(["--db", str(target), "export", "--out", str(second)]) == 0
    return first, target, second


def assert_same_books(first: Path, second: Path) -> None:
    a, b = workbook_cells(first), workbook_cells(second)
    assert list(a) == list(b)
    info_a, info_b = a.pop(INFO_SHEET), b.pop(INFO_SHEET)
    stamp = [r[0] for r in info_a].index("Дата выгрузки")
    del info_a[stamp], info_b[stamp]
    assert info_a == info_b
    for sheet in a:
        assert a[sheet] == b[sheet], sheet


def test_every_table_survives_the_round_trip(rich_db: Path, tmp_path: Path) -> None:
    first, target, second = round_trip(rich_db, tmp_path)
    assert_same_books(first, second)
    before, after = table_rows(rich_db), table_rows(target)
    for table in exchange_tables():
        assert before[table.name], f"{table.name}: the fixture left it empty"
        assert after[table.name] == before[table.name], table.name


def test_workbook_layout(rich_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    db = open_database(rich_db)
    try:
        counts = export_all(db, out)
    finally:
        db.dispose()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == INFO_SHEET
    assert "Журнал изменений" not in wb.sheetnames
    info = {r[0]: r[1] for r in wb[INFO_SHEET].iter_rows(values_only=True) if r and r[0]}
    assert info["Версия формата"] == 1 and info["Версия программы"]
    people = wb["Педагоги"]
    header = [c.value for c in people[1]]
    assert "Фамилия" in header and "Квалификационная категория" in header
    assert "search_key" not in header and all(h and h[0].isupper() for h in header)
    category = header.index("Квалификационная категория")
    assert people.cell(row=2, column=category + 1).value == "без категории"
    birth = people.cell(row=2, column=header.index("Дата рождения") + 1)
    assert birth.is_date and birth.number_format == "DD.MM.YYYY"
    assert counts["people"] == people.max_row - 1


def test_formula_like_text_is_stored_as_text(rich_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    assert main(["--db", str(rich_db), "export", "--out", str(out)]) == 0
    values = [v for ws in openpyxl.load_workbook(out).worksheets
              for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    for start in "=+-@":
        assert any(v.startswith(start) for v in values), start
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(archive.read(n).decode("utf-8") for n in sheets)
    assert "<f>" not in xml and "<f " not in xml
    assert "=1+2" in xml


def test_own_book_merged_into_its_database_changes_nothing(rich_db: Path, tmp_path: Path) -> None:
    """A database with people merges the book: every record of every table is matched."""
    out = tmp_path / "book.xlsx"
    assert main(["--db", str(rich_db), "export", "--out", str(out)]) == 0
    before = db_digest(rich_db)
    assert main(["--db", str(rich_db), "import", str(out)]) == 0
    assert db_digest(rich_db) == before


def test_demo_round_trip(tmp_path: Path) -> None:
    demo = pytest.importorskip("desktop_app.demo")
    if not hasattr(demo, "write_demo"):
        pytest.skip("the demo database is not written yet")
    source = tmp_path / "demo.sqlite"
    demo.write_demo(source, "municipality")
    first, target, second = round_trip(source, tmp_path)
    assert_same_books(first, second)
    assert table_rows(target) == table_rows(source)


def test_demo_round_trip_over_continuation_sheets(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With the sheet limit lowered, the demo's answers span three sheets, each with the header;
    the copy and the second export are the same, cell for cell."""
    from desktop_app.demo import write_demo
    from desktop_app.exchange import workbook

    source = tmp_path / "demo.sqlite"
    write_demo(source, "municipality")
    answers = len(table_rows(source)["answers"])
    per_sheet = -(-answers // 3)  # three sheets, the third holding the rest: no fourth one
    monkeypatch.setattr(workbook, "SHEET_ROW_LIMIT", per_sheet + 1)
    first, target, second = round_trip(source, tmp_path)
    assert_same_books(first, second)
    assert table_rows(target) == table_rows(source)
    wb = openpyxl.load_workbook(first, read_only=True)
    titles = ["Ответы диагностик", "Ответы диагностик (2)", "Ответы диагностик (3)"]
    assert [t for t in wb.sheetnames if t.startswith("Ответы диагностик")] == titles
    headers = [next(wb[t].iter_rows(max_row=1, values_only=True)) for t in titles]
    assert headers[0] == headers[1] == headers[2] and headers[0][0] == "Код диагностики"
    rows = {ws.title: sum(1 for _ in ws.iter_rows()) for ws in wb.worksheets}
    assert all(rows[t] == per_sheet + 1 for t in titles[:2])
    assert rows[titles[2]] == answers - 2 * per_sheet + 1
    assert max(rows.values()) == per_sheet + 1
    info = [r for r in wb[INFO_SHEET].iter_rows(values_only=True)]
    assert next(r[1] for r in info if r and r[0] == "Версия формата") == 2
    header = next(r for r in info if r and r[0] == "Лист")
    assert header[:4] == ("Лист", "Таблица", "Строк", "Листов")
    listed = {r[1]: r[2:4] for r in info[info.index(header) + 1:]}
    assert listed["answers"] == (answers, 3) and listed["people"] == (900, 1)
    wb.close()
