"""Bad files and bad rows: a clear Russian message, exit code 1, the database unchanged."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main
from tests.test_exchange_roundtrip import db_digest

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность", "Год окончания"]
GOOD = ["Иванова", "Мария", "Петровна", "12.03.1980", "МБОУ СОШ № 1", "учитель", 2002]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A database with one ОО and one person."""
    path = tmp_path / "base.sqlite"
    assert main(["--db", str(path), "init"]) == 0  # import never makes a database
    book = tmp_path / "seed.xlsx"
    write(book, [["Краткое наименование", "Полное наименование"],
                 ["МБОУ СОШ № 1", "Муниципальное бюджетное общеобразовательное учреждение"]])
    assert main(["--db", str(path), "import", str(book)]) == 0
    people = tmp_path / "seed_people.xlsx"
    write(people, [HEADER, ["Петров", "Пётр", "", "01.01.1975", "МБОУ СОШ № 1", "", None]])
    assert main(["--db", str(path), "import", str(people)]) == 0
    return path


def write(path: Path, rows: Sequence[Sequence[Any]], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def unchanged(base: Path, file: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(file)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    for word in words:
        assert word in out.err, out.err
    assert db_digest(base) == before
    return out.err


def test_not_an_xlsx(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.xlsx"
    f.write_text("просто текст", encoding="utf-8")
    unchanged(base, f, capsys, "не книга Excel")


def test_csv_renamed(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "list.xlsx"
    f.write_text("Фамилия;Имя\nИванов;Иван\n", encoding="utf-8")
    unchanged(base, f, capsys, "CSV")


def test_docx_renamed(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    unchanged(base, f, capsys, "Word")


def test_password_protected(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "secret.xlsx"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    unchanged(base, f, capsys, "паролем")


def test_corrupt(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.xlsx", [HEADER, GOOD])
    f = tmp_path / "broken.xlsx"
    f.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    unchanged(base, f, capsys, "повреждён")


def test_corrupt_member(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "это не XML")
    unchanged(base, f, capsys, "повреждён")


def test_empty_sheet(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unchanged(base, write(tmp_path / "e.xlsx", []), capsys, "нет данных")


def test_headers_only(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unchanged(base, write(tmp_path / "h.xlsx", [HEADER]), capsys, "нет ни одной заполненной")


def test_missing_required_column(base: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    rows = [[h for h in HEADER if h != "Дата рождения"], [v for v in GOOD if v != "12.03.1980"]]
    unchanged(base, write(tmp_path / "m.xlsx", rows), capsys,
              "нет обязательного столбца «Дата рождения»")


def test_unknown_column(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A column not of the form is skipped with a remark (tests/test_unknown_columns.py)."""
    rows = [[*HEADER, "Любимый цвет"], [*GOOD, "синий"]]
    assert main(["--db", str(base), "import", str(write(tmp_path / "u.xlsx", rows))]) == 0
    out = capsys.readouterr()
    assert "столбец H «Любимый цвет»: столбец не из бланка — пропущен" in out.out
    assert "Загружено: добавлено 1" in out.out and not out.err


def test_merged_header(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path / "mg.xlsx", [HEADER, GOOD], merge="A1:B1")
    unchanged(base, f, capsys, "A1:B1", "объединённые")


def test_formula(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = list(GOOD)
    row[6] = "=2000+2"
    unchanged(base, write(tmp_path / "f.xlsx", [HEADER, row]), capsys, "строка 2",
              "G (Год окончания)", "формула")


@pytest.mark.parametrize(("value", "reason"), [
    ("31.02.2024", "такой даты не бывает"),
    ("01.01.2999", "ещё не наступила"),
    ("вчера", "не дата"),
])
def test_bad_dates(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str,
                   reason: str) -> None:
    row = list(GOOD)
    row[3] = value
    unchanged(base, write(tmp_path / "d.xlsx", [HEADER, row]), capsys, "строка 2",
              "D (Дата рождения)", reason)


def test_text_in_number_column(base: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    row = list(GOOD)
    row[6] = "две тысячи второй"
    unchanged(base, write(tmp_path / "n.xlsx", [HEADER, row]), capsys, "G (Год окончания)",
              "не число")


def test_unknown_organisation(base: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    row = list(GOOD)
    row[4] = "МБОУ СОШ № 999"
    unchanged(base, write(tmp_path / "o.xlsx", [HEADER, GOOD[:3] + ["01.01.1979"] + GOOD[4:],
                                                 row]),
              capsys, "строка 3", "E (ОО)", "МБОУ СОШ № 999", "нет в базе")


def test_one_person_twice(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = list(GOOD)
    other[5] = "директор"
    err = unchanged(base, write(tmp_path / "t.xlsx", [HEADER, GOOD, other]), capsys,
                    "в строках 2, 3 с разными данными")
    assert "строка 2" in err and "строка 3" in err


def test_trailing_empty_rows(base: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(GOOD)
    for row in range(3, 10_003):
        ws.cell(row=row, column=1, value="")
        ws.cell(row=row, column=4).number_format = "DD.MM.YYYY"
    f = tmp_path / "trail.xlsx"
    wb.save(f)
    assert main(["--db", str(base), "import", str(f)]) == 0
    assert "добавить — 1" in capsys.readouterr().out


def test_fifty_megabytes(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/media/image1.png", os.urandom(51 * 1024 * 1024))
    unchanged(base, f, capsys, "слишком большой", "50,0 МБ")


def test_zip_bomb(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop_app.exchange.safe.MAX_UNPACKED_BYTES", 16 * 1024 * 1024)
    f = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert f.stat().st_size < 1024 * 1024
    unchanged(base, f, capsys, "после распаковки")


def test_missing_file(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unchanged(base, tmp_path / "nope.xlsx", capsys, "не найден")


def test_report_marks_bad_rows(base: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = list(GOOD)
    bad[3] = "31.02.2024"
    f = write(tmp_path / "r.xlsx", [HEADER, GOOD[:3] + ["02.02.1979"] + GOOD[4:], bad])
    report = tmp_path / "report.xlsx"
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(f), "--report", str(report)]) == 1
    assert db_digest(base) == before
    wb = openpyxl.load_workbook(report)
    refusals = list(wb["Отказы"].iter_rows(values_only=True))
    assert refusals[0] == ("Лист", "Строка", "Столбец", "Значение", "Причина")
    assert refusals[1][:4] == ("Sheet", 3, "D (Дата рождения)", "31.02.2024")
    copy = wb["Sheet"]
    assert copy.cell(row=1, column=len(HEADER) + 1).value == "Причина отказа"
    assert copy.cell(row=3, column=1).fill.fgColor.rgb.endswith("F4CCCC")
    assert "такой даты не бывает" in copy.cell(row=3, column=len(HEADER) + 1).value
    assert copy.cell(row=2, column=1).fill.fgColor.rgb in (None, "00000000")


def test_a_rows_refusals_come_in_the_order_of_its_columns(base: Path, tmp_path: Path) -> None:
    """A row with an impossible date (column C) and no surname (column A, found missing after
    the cells are read) lists its refusals A, then C — as the methodist reads the row."""
    from desktop_app.exchange.importer import import_file
    from desktop_app.store.database import open_database

    file = write(tmp_path / "two.xlsx", [
        ["Фамилия", "Имя", "Дата рождения", "ОО"],
        ["", "Ян", "31.02.1990", "МБОУ СОШ № 1"],
        ["Зайцев", "", "30.02.1991", "МБОУ СОШ № 1"]])
    db = open_database(base)
    try:
        preview = import_file(db, file, dry_run=True)
    finally:
        db.dispose()
    assert [(e.row, e.column) for e in preview.errors] == [
        (2, "A (Фамилия)"), (2, "C (Дата рождения)"), (3, "B (Имя)"), (3, "C (Дата рождения)")]
