"""The exchange book checks itself: each table's rows over its sheets must be the number
«Сведения» states (column «Строк»); a book cut short is refused whole, the database unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange import workbook
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.schema import INFO_SHEET
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest, fill_every_table, table_rows
from tests.test_import_bad_input import write

NBSP = "\u00a0"
ANSWERS = "Ответы диагностик"
PER_SHEET = 8000  # the demo's answers (19 840) over three sheets: 8 000, 8 000, 3 840


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The municipal demo and its book, the answers continued over three sheets."""
    from desktop_app.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        source = folder / "demo.sqlite"
        write_demo(source, "municipality")
        mp.setattr(workbook, "SHEET_ROW_LIMIT", PER_SHEET + 1)
        book = folder / "demo.xlsx"
        db = open_database(source)
        try:
            workbook.export_all(db, book)
        finally:
            db.dispose()
    yield source, book


@pytest.fixture
def split_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small book whose every table continues: one data row a sheet."""
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    monkeypatch.setattr(workbook, "SHEET_ROW_LIMIT", 2)
    book = tmp_path / "split.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0
    return book


def edited(book: Path, out: Path, edit: Callable[[Any], None]) -> Path:
    wb = openpyxl.load_workbook(book)
    edit(wb)
    wb.save(out)
    return out


def info_row(wb: Any, table: str) -> Any:
    """The cells of a table's line in the table of sheets on «Сведения»."""
    return next(r for r in wb[INFO_SHEET].iter_rows() if r[1].value == table)


def refused(book: Path, target: Path, capsys: pytest.CaptureFixture[str],
            *args: str) -> str:
    """Import the book: exit 1, the database file's rows as before; the refusals printed."""
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(book), *args]) == 1
    assert db_digest(target) == before
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.fixture
def new_db(tmp_path: Path) -> Path:
    path = tmp_path / "new.sqlite"
    open_database(path).dispose()
    return path


@pytest.fixture
def full_db(tmp_path: Path) -> Path:
    """A database with data (the book is merged into it, not copied)."""
    path = tmp_path / "full.sqlite"
    open_database(path).dispose()
    seed = write(tmp_path / "seed.xlsx", [["Краткое наименование", "Полное наименование"],
                                          ["МБОУ СОШ № 1", "Школа № 1"]])
    assert main(["--db", str(path), "import", str(seed)]) == 0
    return path


def test_untouched_demo_book_is_taken_in(demo_book: tuple[Path, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    source, book = demo_book
    assert ANSWERS + " (3)" in openpyxl.load_workbook(book, read_only=True).sheetnames
    target = tmp_path / "copy.sqlite"
    open_database(target).dispose()
    assert main(["--db", str(target), "import", str(book)]) == 0
    assert "строк данных" not in capsys.readouterr().err
    assert table_rows(target) == table_rows(source)


def test_last_rows_of_a_continuation_sheet_deleted(demo_book: tuple[Path, Path], new_db: Path,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _source, book = demo_book

    def cut(wb: Any) -> None:
        ws = wb[ANSWERS + " (3)"]
        ws.delete_rows(ws.max_row - 4, 5)

    short = edited(book, tmp_path / "short.xlsx", cut)
    err = refused(short, new_db, capsys)
    assert (f"лист «{ANSWERS}», строка 1, столбец —: по листу «Сведения» в таблице «{ANSWERS}» "
            f"строк данных 19{NBSP}840, а на её листах — 19{NBSP}835 («{ANSWERS}» — 8{NBSP}000, "
            f"«{ANSWERS} (2)» — 8{NBSP}000, «{ANSWERS} (3)» — 3{NBSP}835): книга неполная: "
            "строки удалены, лист обрезан или лист-продолжение удалён") in err
    assert len(err.strip().splitlines()) == 1  # the count is the only thing wrong


def test_truncated_book_refused_by_a_merge_too(demo_book: tuple[Path, Path], full_db: Path,
                                               tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _source, book = demo_book

    def cut(wb: Any) -> None:
        ws = wb["Удовлетворённость"]
        ws.delete_rows(ws.max_row, 1)

    short = edited(book, tmp_path / "short.xlsx", cut)
    err = refused(short, full_db, capsys)
    assert "лист «Удовлетворённость», строка 1" in err
    assert "в таблице «Удовлетворённость» строк данных 212, а на листе «Удовлетворённость» — " \
        "211: книга неполная" in err
    err = refused(short, full_db, capsys, "--dry-run")
    assert "строк данных 212" in err


def test_a_row_deleted_in_the_middle(split_book: Path, new_db: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Every sheet here holds one row: a row deleted empties the sheet «Курсы (2)»."""
    def delete(wb: Any) -> None:
        wb["Участие в мероприятиях (2)"].delete_rows(2, 1)

    err = refused(edited(split_book, tmp_path / "gap.xlsx", delete), new_db, capsys)
    assert ("по листу «Сведения» в таблице «Участие в мероприятиях» строк данных 3, а на её "
            "листах — 2 («Участие в мероприятиях» — 1, «Участие в мероприятиях (2)» — 0, "
            "«Участие в мероприятиях (3)» — 1)") in err


def test_a_row_cleared_by_hand(split_book: Path, new_db: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    def clear(wb: Any) -> None:
        for cell in wb["Мониторинг пар (3)"][2]:
            cell.value = None

    err = refused(edited(split_book, tmp_path / "blank.xlsx", clear), new_db, capsys)
    assert "в таблице «Мониторинг пар» строк данных 3, а на её листах — 2" in err


def test_last_continuation_sheet_removed_and_its_count_changed(
        split_book: Path, new_db: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The sheet gone and «Листов» lowered to match: only the row count still tells."""
    def drop(wb: Any) -> None:
        del wb[ANSWERS + " (3)"]
        info_row(wb, "answers")[3].value = 2

    err = refused(edited(split_book, tmp_path / "two.xlsx", drop), new_db, capsys)
    assert (f"лист «{ANSWERS}», строка 1, столбец —: по листу «Сведения» в таблице «{ANSWERS}» "
            f"строк данных 3, а на её листах — 2 («{ANSWERS}» — 1, «{ANSWERS} (2)» — 1): книга "
            "неполная") in err


def test_second_sheet_removed_and_the_rest_renamed(split_book: Path, new_db: Path,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def drop(wb: Any) -> None:
        del wb["Педагоги (2)"]
        wb["Педагоги (3)"].title = "Педагоги (2)"
        info_row(wb, "people")[3].value = 2

    err = refused(edited(split_book, tmp_path / "renamed.xlsx", drop), new_db, capsys)
    assert "в таблице «Педагоги» строк данных 3, а на её листах — 2 («Педагоги» — 1, " \
        "«Педагоги (2)» — 1)" in err


def test_second_sheet_removed_alone(split_book: Path, full_db: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    def drop(wb: Any) -> None:
        del wb["Курсы (2)"]

    err = refused(edited(split_book, tmp_path / "hole.xlsx", drop), full_db, capsys)
    assert "лист «Курсы (2)», строка 1, столбец —: в книге нет этого листа" in err


def test_rows_added_beyond_the_count(split_book: Path, new_db: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    def undercount(wb: Any) -> None:
        info_row(wb, "courses")[2].value = 2

    err = refused(edited(split_book, tmp_path / "more.xlsx", undercount), new_db, capsys)
    assert "в таблице «Курсы» строк данных 2, а на её листах — 3 («Курсы» — 1, «Курсы (2)» — " \
        "1, «Курсы (3)» — 1): в книгу добавлены строки" in err


@pytest.mark.parametrize("value", [None, "много", -1, 2.5])
def test_count_not_a_whole_number_refused(split_book: Path, new_db: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          value: Any) -> None:
    def spoil(wb: Any) -> None:
        info_row(wb, "pairs")[2].value = value

    err = refused(edited(split_book, tmp_path / "spoilt.xlsx", spoil), new_db, capsys)
    assert "лист «Сведения», строка" in err
    assert "столбец C (Строк)" in err and "нужно целое число не меньше 0" in err


def test_book_without_counts_still_read(tmp_path: Path) -> None:
    """A book without the «Строк» column (no book of ours lacks it; a hand-made one may): its
    tables are read without the check."""
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0

    def no_counts(wb: Any) -> None:
        wb[INFO_SHEET].delete_cols(3)

    bare = edited(book, tmp_path / "bare.xlsx", no_counts)
    header = next(r for r in openpyxl.load_workbook(bare)[INFO_SHEET].iter_rows(values_only=True)
                  if r[0] == "Лист")
    assert header[:3] == ("Лист", "Таблица", "Листов")
    target = tmp_path / "copy.sqlite"
    open_database(target).dispose()
    assert main(["--db", str(target), "import", str(bare)]) == 0
    assert table_rows(target) == table_rows(rich)


def test_count_refusal_in_the_report(split_book: Path, new_db: Path, tmp_path: Path) -> None:
    def cut(wb: Any) -> None:
        wb["Пункты маршрутов (3)"].delete_rows(2, 1)

    short = edited(split_book, tmp_path / "short.xlsx", cut)
    db = open_database(new_db)
    try:
        result = import_file(db, short, dry_run=True)
    finally:
        db.dispose()
    assert not result.applied and result.added == 0
    assert [(e.sheet, e.row) for e in result.fatal] == [("Пункты маршрутов", 1)]
    from desktop_app.exchange.report import save_report

    report = save_report(result, tmp_path / "report.xlsx")
    rows = list(openpyxl.load_workbook(report)["Отказы"].iter_rows(values_only=True))
    assert rows[1][:2] == ("Пункты маршрутов", 1)
    assert "строк данных 3, а на её листах — 2" in rows[1][4]
