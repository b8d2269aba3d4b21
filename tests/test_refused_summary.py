"""A refused file (all or nothing) is summed up with what was found in it: rows read, what they
would have done, rows refused, the sheet's own errors — on the command line and as the first
sheet («Итоги») of the marked report."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from tests.test_exchange_roundtrip import db_digest

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность"]
ROWS = [["Иванова", "Мария", "Петровна", "12.03.1980", "МБОУ СОШ № 1", "учитель"],
        ["Петров", "Пётр", "", "31.02.1980", "МБОУ СОШ № 1", "учитель"],  # no such date
        ["Сидоров", "Олег", "", "01.02.1981", "МБОУ СОШ № 1", "учитель"]]
TOTALS = ("Лист", "Что в нём", "Строк прочитано", "Добавить", "Изменить", "Без изменений",
          "Отказано строк", "Ошибки листа")


def write(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A new database with one ОО and one of the people of the form."""
    path = tmp_path / "база.sqlite"
    assert run(capsys, "--db", str(path), "init")[0] == 0
    orgs = write(tmp_path / "оо.xlsx", [["Краткое наименование", "Полное наименование"],
                                        ["МБОУ СОШ № 1", "Школа № 1"]])
    assert run(capsys, "--db", str(path), "import", str(orgs))[0] == 0
    first = write(tmp_path / "один.xlsx", [HEADER, ROWS[2]])
    assert run(capsys, "--db", str(path), "import", str(first))[0] == 0
    return path


def test_refused_form_tells_rows_read_would_be_done_and_refused(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write(tmp_path / "форма.xlsx", [HEADER, *ROWS])
    report = tmp_path / "отчёт.xlsx"
    before = db_digest(base)
    code, out, err = run(capsys, "--db", str(base), "import", str(book), "--report", str(report))
    assert code == 1 and db_digest(base) == before
    assert ("лист «Sheet» (Педагоги): строк прочитано — 3, из них добавить — 1, изменить — 0, "
            "без изменений — 1, отказано — 1") in out
    assert "всего: строк прочитано — 3, отказано — 1." in out
    assert "лист «Sheet», строка 3, столбец D (Дата рождения)" in err
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:2] == ["Итоги", "Отказы"]
    rows = list(wb["Итоги"].iter_rows(values_only=True))
    assert rows[0] == TOTALS
    assert rows[1] == ("Sheet", "Педагоги", 3, 1, 0, 1, 1, 0)
    assert rows[2] == ("Всего", None, 3, 1, 0, 1, 1, 0)
    assert "база не изменена" in str(rows[4][0])
    assert list(wb["Отказы"].iter_rows(values_only=True))[1][:2] == ("Sheet", 3)


def test_valid_only_import_keeps_its_summary(base: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    book = write(tmp_path / "форма.xlsx", [HEADER, *ROWS])
    report = tmp_path / "отчёт.xlsx"
    code, out, _ = run(capsys, "--db", str(base), "import", str(book), "--valid-only",
                       "--report", str(report))
    assert code == 0
    assert ("лист «Sheet» (Педагоги): добавить — 1, изменить — 0, без изменений — 1, "
            "отказано — 1") in out
    assert "прочитано" not in out
    assert "Итоги" not in openpyxl.load_workbook(report).sheetnames


def test_sheet_refused_by_its_headers_says_its_rows_were_not_checked(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write(tmp_path / "без-оо.xlsx", [["Фамилия", "Имя", "Дата рождения"],
                                            ["Иванова", "Мария", "12.03.1980"]])
    code, out, _ = run(capsys, "--db", str(base), "import", str(book))
    assert code == 1
    assert "лист «Sheet» (Педагоги): строки не проверены (ошибки листа — 1)" in out
    assert "добавить — 0" not in out


def test_refused_exchange_book_tells_the_rows_of_every_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "район.sqlite"
    write_demo(source, Scale(organisations=4, people=30, active=4, pairs=5, sessions=8), seed=2)
    book = tmp_path / "книга.xlsx"
    assert run(capsys, "--db", str(source), "export", "--out", str(book))[0] == 0
    wb = openpyxl.load_workbook(book)
    wb["Организации"]["A3"].value = "не число"  # the code of the second ОО
    broken = tmp_path / "испорчена.xlsx"
    wb.save(broken)
    con = sqlite3.connect(source)
    try:
        people = con.execute("SELECT count(*) FROM people").fetchone()[0]
        orgs = con.execute("SELECT count(*) FROM organisations").fetchone()[0]
    finally:
        con.close()
    target = tmp_path / "новая.sqlite"
    assert run(capsys, "--db", str(target), "init")[0] == 0
    before = db_digest(target)
    report = tmp_path / "отчёт.xlsx"
    code, out, err = run(capsys, "--db", str(target), "import", str(broken), "--dry-run",
                         "--report", str(report))
    assert code == 1 and db_digest(target) == before
    assert "лист «Организации», строка 3, столбец A (Код записи) «не число»" in err
    assert f"лист «Педагоги» (Педагоги): строк прочитано — {people}, отказано — " in out
    assert f"лист «Организации» (Организации): строк прочитано — {orgs}, отказано — 1" in out
    assert "добавить — 0, изменить — 0, без изменений — 0, отказано — 0" not in out
    total = next(line for line in out.splitlines() if line.startswith("  всего:"))
    assert int(total.split("прочитано — ")[1].split(",")[0].replace("\u00a0", "")) > people
    rows = {r[0]: r for r in openpyxl.load_workbook(report)["Итоги"].iter_rows(values_only=True)}
    assert rows["Организации"][2:] == (orgs, None, None, None, 1, 0)
    assert rows["Педагоги"][2] == people
