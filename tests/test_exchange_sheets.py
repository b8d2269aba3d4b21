"""A table longer than a sheet: continuation sheets written, read as one, refused when broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange import workbook
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.result import PART_STRIDE
from desktop_app.exchange.schema import INFO_SHEET, SHEET_NAME_LIMIT, SHEETS, part_title
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import (
    ROWS,
    assert_same_books,
    db_digest,
    fill_every_table,
    round_trip,
    table_rows,
)
from tests.test_import_bad_input import write


@pytest.fixture
def split_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A book where every table spans a sheet per row (3 rows, more in the presets)."""
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    monkeypatch.setattr(workbook, "SHEET_ROW_LIMIT", 2)
    book = tmp_path / "split.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0
    return book


def _edited(book: Path, out: Path, edit: Any) -> Path:
    wb = openpyxl.load_workbook(book)
    edit(wb)
    wb.save(out)
    return out


def _refused(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Import the book into a database with a person (a merge): refused, database unchanged."""
    target = tmp_path / "target.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    people = write(tmp_path / "seed.xlsx", [["Краткое наименование", "Полное наименование"],
                                            ["МБОУ СОШ № 1", "Школа № 1"]])
    assert main(["--db", str(target), "import", str(people)]) == 0
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(book)]) == 1
    assert db_digest(target) == before
    return capsys.readouterr().err


def _column(ws: Any, title: str) -> int:
    return [c.value for c in ws[1]].index(title) + 1


def test_continuation_titles_fit_excel() -> None:
    titles = {part_title(t, n) for t in SHEETS for n in range(1, 100)}
    assert len(titles) == len(SHEETS) * 99
    assert max(len(t) for t in titles) <= SHEET_NAME_LIMIT
    assert part_title("answers", 1) == "Ответы диагностик"
    assert part_title("answers", 2) == "Ответы диагностик (2)"
    assert part_title("external_results", 12) == "Результаты внешней оценки (12)"


def test_every_table_on_three_sheets_round_trip(split_book: Path, tmp_path: Path) -> None:
    source = tmp_path / "rich.sqlite"
    wb = openpyxl.load_workbook(split_book, read_only=True)
    for table, rows in table_rows(source).items():
        titles = [part_title(table, n) for n in range(1, len(rows) + 1)]
        assert rows and all(t in wb.sheetnames for t in titles), table
        assert part_title(table, len(rows) + 1) not in wb.sheetnames
        assert {sum(1 for _ in wb[t].iter_rows()) for t in titles} == {2}, table
    wb.close()
    first, target, second = round_trip(source, tmp_path)  # the limit still lowered
    assert "Педагоги (3)" in openpyxl.load_workbook(second, read_only=True).sheetnames
    assert_same_books(first, second)
    assert table_rows(target) == table_rows(source)
    assert sum(len(rows) >= ROWS for rows in table_rows(target).values()) > 30


def test_missing_continuation_sheet_refused(split_book: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def drop(wb: Any) -> None:
        del wb["Ответы диагностик (3)"]

    err = _refused(_edited(split_book, tmp_path / "short.xlsx", drop), tmp_path, capsys)
    assert ("лист «Ответы диагностик (3)», строка 1, столбец —: в книге нет этого листа: по "
            "листу «Сведения» таблица «Ответы диагностик» занимает 3 листа, продолжение не "
            "найдено") in err


def test_uncounted_continuation_sheet_refused(split_book: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    def undercount(wb: Any) -> None:
        ws = wb[INFO_SHEET]
        row = next(r for r in ws.iter_rows() if r[1].value == "answers")
        row[3].value = 2

    err = _refused(_edited(split_book, tmp_path / "more.xlsx", undercount), tmp_path, capsys)
    assert ("лист «Ответы диагностик (3)», строка 1, столбец —: лист не указан на листе "
            "«Сведения»: там у таблицы «Ответы диагностик» 2 листа") in err


def test_bad_sheet_count_refused(split_book: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    def spoil(wb: Any) -> None:
        next(r for r in wb[INFO_SHEET].iter_rows() if r[1].value == "pairs")[3].value = "два"

    err = _refused(_edited(split_book, tmp_path / "bad.xlsx", spoil), tmp_path, capsys)
    assert "лист «Сведения», строка" in err and "столбец D (Листов) «два»: нужно целое число " \
        "не меньше 1" in err


def test_refusal_on_a_continuation_sheet_names_it(split_book: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    letters: dict[str, str] = {}

    def break_reference(wb: Any) -> None:
        ws = wb["Наставнические пары (2)"]
        column = _column(ws, "Код наставника")
        letters["mentor"] = openpyxl.utils.get_column_letter(column)
        ws.cell(row=2, column=column).value = 999999

    book = _edited(split_book, tmp_path / "broken.xlsx", break_reference)
    err = _refused(book, tmp_path, capsys)
    assert (f"лист «Наставнические пары (2)», строка 2, столбец {letters['mentor']} (Код "
            "наставника) «999999»: ссылка на запись, которой нет в книге") in err
    db = open_database(tmp_path / "target.sqlite")
    try:
        result = import_file(db, book, dry_run=True)
    finally:
        db.dispose()
    report = tmp_path / "report.xlsx"
    from desktop_app.exchange.report import save_report

    save_report(result, report)
    assert "Наставнические пары (2)" in openpyxl.load_workbook(report, read_only=True).sheetnames


def test_one_person_on_two_sheets_refused(split_book: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    def twice(wb: Any) -> None:
        first, second = wb["Педагоги"], wb["Педагоги (2)"]
        for column in range(2, first.max_column + 1):
            source, cell = first.cell(row=2, column=column), second.cell(row=2, column=column)
            cell.value = source.value
            cell.data_type = source.data_type  # «=1+2 …» stays text, not a formula

    err = _refused(_edited(split_book, tmp_path / "twice.xlsx", twice), tmp_path, capsys)
    assert "лист «Педагоги (2)», строка 2, столбец Фамилия" in err
    assert "уже есть в строке 2 листа «Педагоги»" in err


def test_continuation_with_other_headers_refused(split_book: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def swap(wb: Any) -> None:
        ws = wb["Курсы (2)"]
        a, b = ws.cell(row=1, column=2), ws.cell(row=1, column=3)
        a.value, b.value = b.value, a.value

    err = _refused(_edited(split_book, tmp_path / "swapped.xlsx", swap), tmp_path, capsys)
    assert ("лист «Курсы (2)», строка 1, столбец —: заголовки листа-продолжения не совпадают "
            "с заголовками листа «Курсы»") in err


def test_format_one_book_still_read(tmp_path: Path) -> None:
    """A book of an older program: format 1, no «Листов» column."""
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0

    def older(wb: Any) -> None:
        ws = wb[INFO_SHEET]
        assert next(r for r in ws.iter_rows() if r[0].value == "Версия формата")[1].value == 1
        ws.delete_cols(4)

    old = _edited(book, tmp_path / "old.xlsx", older)
    assert "Листов" not in [c.value for r in openpyxl.load_workbook(old)[INFO_SHEET].iter_rows()
                            for c in r]
    target = tmp_path / "copy.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(old)]) == 0
    assert table_rows(target) == table_rows(rich)


def test_import_reports_rows_done_of_total(split_book: Path, tmp_path: Path) -> None:
    heard: list[tuple[int, int, str]] = []
    db = open_database(tmp_path / "copy.sqlite")
    try:
        result = import_file(db, split_book, progress=lambda d, t, s: heard.append((d, t, s)))
    finally:
        db.dispose()
    assert result.applied
    total = sum(len(rows) for rows in table_rows(tmp_path / "rich.sqlite").values())
    assert {t for _d, t, _s in heard} == {total}
    done = [d for d, _t, _s in heard]
    assert done == sorted(done) and done[-1] == total
    labels = [s for _d, _t, s in heard]
    assert "лист «Ответы диагностик (2)»" in labels and labels[-1] == "запись в базу"


def test_export_reports_rows_done_of_total(tmp_path: Path) -> None:
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    heard: list[tuple[int, int, str]] = []
    db = open_database(rich)
    try:
        counts = workbook.export_all(db, tmp_path / "book.xlsx",
                                     progress=lambda d, t, s: heard.append((d, t, s)))
    finally:
        db.dispose()
    rows = sum(counts.values())
    assert heard[-1] == (rows, rows, "сохранение файла")
    assert {t for _d, t, _s in heard} == {rows}


def test_forms_import_reports_rows(tmp_path: Path) -> None:
    """A form saved with its dimensions: «N из M»; one without them: the rows in the label."""
    rows = [["Краткое наименование", "Полное наименование"],
            *([f"МБОУ СОШ № {i}", f"Школа № {i}"] for i in range(1, 4001))]
    sized = write(tmp_path / "orgs.xlsx", rows)
    unsized = tmp_path / "orgs-unsized.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("ОО")
    for row in rows:
        ws.append(row)
    wb.save(unsized)
    for path in (sized, unsized):
        heard: list[tuple[int, int, str]] = []
        db = open_database(tmp_path / f"{path.stem}.sqlite")
        try:
            result = import_file(db, path, dry_run=True,
                                 progress=lambda d, t, s, h=heard: h.append((d, t, s)))
        finally:
            db.dispose()
        assert result.added == 4000
        if path is sized:
            assert heard[-1][:2] == (4001, 4001) and (2000, 4001) in [h[:2] for h in heard]
            assert heard[-1][2].endswith("проверка и запись")
        else:
            assert {h[1] for h in heard} == {0}
            assert any(h[2].endswith("прочитано строк: 4001") for h in heard)


def test_row_numbers_across_sheets_locate() -> None:
    from desktop_app.exchange.result import SheetOutcome

    outcome = SheetOutcome("Ответы диагностик", "answers", "Ответы диагностик",
                           continued=["Ответы диагностик (2)"])
    assert outcome.locate(17) == ("Ответы диагностик", 17)
    assert outcome.locate(PART_STRIDE + 5) == ("Ответы диагностик (2)", 5)


def test_export_command_counts_continuation_sheets(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The command says how many sheets it really wrote, long tables' continuations included."""
    from openpyxl import load_workbook

    from desktop_app.cli import main
    from desktop_app.demo import write_demo
    from desktop_app.exchange import workbook

    base = tmp_path / "demo.sqlite"
    write_demo(base, "municipality", seed=1)
    monkeypatch.setattr(workbook, "SHEET_ROW_LIMIT", 5001)
    out = tmp_path / "book.xlsx"
    assert main(["--db", str(base), "export", "--out", str(out)]) == 0
    book = load_workbook(out, read_only=True)
    sheets = len(book.sheetnames)
    book.close()
    assert sheets > len(workbook.exchange_tables()) + 1  # the answers span several sheets
    assert f"листов: {sheets}," in capsys.readouterr().out
