"""The exchange workbook takes nothing the forms refuse: one bad value put into a real export of a
small database refuses the copy into a new database and the merge into one with data, at its
sheet, row and column, the database unchanged; the same value through a blank form (or, for
courses, which no form has, the person card) is refused with the same words."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from desktop_app.exchange import workbook
from desktop_app.exchange.book_values import integrity_refusal
from desktop_app.services.validation import CourseInput, PersonInput, validate_person
from desktop_app.textutil import fmt_date
from tests.test_exchange_roundtrip import db_digest

SMALL = Scale(organisations=3, people=30, active=3, pairs=6, sessions=8)
TODAY = date.today()
FUTURE = date(TODAY.year + 4, 1, 1)  # «a birth date in 2030»
RAW_SQL = ("UNIQUE constraint failed", "NOT NULL constraint", "FOREIGN KEY constraint",
           "Traceback")


@dataclass
class Bases:
    """A small municipal database, its exchange book and a regional database with data."""

    source: Path
    book: Path
    region: Path
    folder: Path
    cache: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    folder = tmp_path_factory.mktemp("value-checks")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        source, region = folder / "source.sqlite", folder / "region.sqlite"
        write_demo(source, SMALL, seed=1)
        write_demo(region, SMALL, seed=2)
        book = folder / "book.xlsx"
        assert main(["--db", str(source), "export", "--out", str(book)]) == 0
    return Bases(source, book, region, folder)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METODAKTIV_HOME", str(tmp_path / "home"))


def edit(book: Path, out: Path, sheet: str, row: int, cells: dict[str, Any]) -> dict[str, str]:
    """The book with cells of one row replaced (by column title); the letters of the columns."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    letters = {}
    for title, value in cells.items():
        column = header.index(title) + 1
        ws.cell(row=row, column=column).value = value
        letters[title] = openpyxl.utils.get_column_letter(column)
    wb.save(out)
    return letters


def refused(db: Path, file: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Import the file: refused (exit code 1) in Russian, the database unchanged; the errors."""
    before = db_digest(db)
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(file)]) == 1
    out = capsys.readouterr()
    for raw in RAW_SQL:
        assert raw not in out.err and raw not in out.out
    assert "база не изменена" in out.out
    assert db_digest(db) == before
    return out.err


def new_database(folder: Path) -> Path:
    path = folder / "new.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    return path


def regional(bases: Bases, folder: Path) -> Path:
    path = folder / "region.sqlite"
    shutil.copy(bases.region, path)
    return path


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def form(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


# the bad values: (sheet, book row, {column: value}, column refused, value shown, core words) ----
@dataclass(frozen=True)
class Bad:
    name: str
    sheet: str
    row: int
    cells: dict[str, Any]
    column: str  # the column the refusal names
    shown: str  # the value as the refusal shows it
    words: str  # the words of the rule, the same in the book and in the form


BAD = [
    Bad("birth-in-the-future", "Педагоги", 2, {"Дата рождения": FUTURE}, "Дата рождения",
        fmt_date(FUTURE), f"дата {fmt_date(FUTURE)} ещё не наступила"),
    Bad("implausible-age", "Педагоги", 3, {"Дата рождения": date(1900, 1, 2)},
        "Дата рождения", "02.01.1900", "(допустимо от 18 до"),
    Bad("not-an-email", "Педагоги", 2, {"Эл. почта": "not-an-email"}, "Эл. почта",
        "not-an-email", "«not-an-email» — не адрес электронной почты (нужно имя@домен.ru)"),
    Bad("latin-o-in-a-surname", "Педагоги", 4, {"Фамилия": "Иванoва"}, "Фамилия", "Иванoва",
        "«Иванoва» — смешаны русские и латинские буквы"),
    Bad("education-year", "Педагоги", 5, {"Год окончания": -2000}, "Год окончания", "-2000",
        "-2000 — слишком рано (не раньше"),
    Bad("negative-hours", "Курсы", 2, {"Часов": -40}, "Часов", "-40",
        "-40 ч — допустимо от 1 до 3000"),
    Bad("absurd-hours", "Курсы", 3, {"Часов": 10**12}, "Часов", "1000000000000",
        "1000000000000 ч — допустимо от 1 до 3000"),
    Bad("pair-ends-before-it-starts", "Наставнические пары", 2,
        {"Дата начала": date(2026, 9, 1), "Дата окончания": date(1901, 1, 1)},
        "Дата окончания", "01.01.1901",
        "плановая дата окончания 01.01.1901 раньше даты начала 01.09.2026"),
    Bad("absurdly-early", "Участие в мероприятиях", 2, {"Дата": date(1850, 1, 1)}, "Дата",
        "01.01.1850", "01.01.1850 — слишком ранняя дата"),
    Bad("score-off-the-scale", "Ответы диагностик", 2, {"Балл": 99}, "Балл", "99",
        "балл должен быть от 1 до 5"),
]


def bad_book(bases: Bases, bad: Bad) -> tuple[Path, str]:
    """The real export with the bad value; the refusal's place «лист …, строка …, столбец …»."""
    if bad.name not in bases.cache:
        out = bases.folder / f"{bad.name}.xlsx"
        letters = edit(bases.book, out, bad.sheet, bad.row, bad.cells)
        place = (f"лист «{bad.sheet}», строка {bad.row}, столбец {letters[bad.column]} "
                 f"({bad.column}) «{bad.shown}»: ")
        bases.cache[bad.name] = (out, place)
    return bases.cache[bad.name]  # type: ignore[no-any-return]


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_the_copy_refuses_a_bad_value(bases: Bases, bad: Bad, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    book, place = bad_book(bases, bad)
    target = new_database(tmp_path)
    err = refused(target, book, capsys)
    line = next((x for x in err.splitlines() if place in x), "")
    assert bad.words in line, err


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_the_merge_refuses_a_bad_value(bases: Bases, bad: Bad, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    book, place = bad_book(bases, bad)
    target = regional(bases, tmp_path)
    err = refused(target, book, capsys)
    line = next((x for x in err.splitlines() if place in x), "")
    assert bad.words in line, err


def test_the_copy_and_the_merge_of_the_good_book_pass(bases: Bases, tmp_path: Path) -> None:
    """The rules refuse the bad values only: the same book unedited is taken both ways."""
    assert main(["--db", str(new_database(tmp_path)), "import", str(bases.book)]) == 0
    assert main(["--db", str(regional(bases, tmp_path)), "import", str(bases.book)]) == 0


# the same values through the blank forms -------------------------------------------------------
PEOPLE_HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность",
                 "Год окончания", "Эл. почта"]


def _person_row(bases: Bases, **values: Any) -> list[Any]:
    org = query(bases.source, "SELECT short_name FROM organisations ORDER BY id LIMIT 1")[0][0]
    row = {"Фамилия": "Сидорова", "Имя": "Анна", "Отчество": "Петровна",
           "Дата рождения": "15.03.1985", "ОО": org, "Должность": "учитель",
           "Год окончания": 2007, "Эл. почта": "anna@school.ru"} | values
    return [row[h] for h in PEOPLE_HEADER]


def _form_of(bases: Bases, bad: Bad, folder: Path) -> Path:
    """The bad value in the blank form of its kind."""
    value = next(iter(bad.cells.values()))
    if bad.sheet == "Педагоги":
        column = {"Дата рождения": "Дата рождения", "Эл. почта": "Эл. почта",
                  "Фамилия": "Фамилия", "Год окончания": "Год окончания"}[bad.column]
        shown = fmt_date(value) if isinstance(value, date) else value
        return form(folder / "people.xlsx", [PEOPLE_HEADER, _person_row(bases, **{column: shown})])
    mentor, mentee = query(bases.source, "SELECT last_name || ' ' || first_name || ' ' || "
                           "middle_name, birth_date FROM people ORDER BY id LIMIT 2")
    born = [date.fromisoformat(p[1]).strftime("%d.%m.%Y") for p in (mentor, mentee)]
    if bad.sheet == "Наставнические пары":
        name = query(bases.source, "SELECT name FROM mentorship_forms ORDER BY id LIMIT 1")[0][0]
        return form(folder / "pairs.xlsx", [
            ["ФИО наставника", "Дата рождения наставника", "ФИО наставляемого",
             "Дата рождения наставляемого", "Форма наставничества", "Дата начала",
             "Дата окончания"],
            [mentor[0], born[0], mentee[0], born[1], name, "01.09.2026", "01.01.1901"]])
    last, first, middle = mentor[0].split(" ", 2)
    if bad.sheet == "Участие в мероприятиях":
        return form(folder / "events.xlsx", [
            ["Фамилия", "Имя", "Отчество", "Дата рождения", "Вид участия",
             "Название мероприятия", "Дата"],
            [last, first, middle, born[0], "выступление", "Семинар", "01.01.1850"]])
    code = query(bases.source, "SELECT code FROM instrument_items ORDER BY position LIMIT 1")
    return form(folder / "diagnostics.xlsx", [
        ["Фамилия", "Имя", "Отчество", "Дата рождения", "Дата диагностики", code[0][0]],
        [last, first, middle, born[0], "01.10.2026", 99]])


FORMED = [b for b in BAD if b.sheet != "Курсы"]


@pytest.mark.parametrize("bad", FORMED, ids=[b.name for b in FORMED])
def test_the_blank_form_refuses_the_same_value(bases: Bases, bad: Bad, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "base.sqlite"
    shutil.copy(bases.source, target)
    err = refused(target, _form_of(bases, bad, tmp_path), capsys)
    assert bad.words in err, err


@pytest.mark.parametrize("hours", [-40, 10**12])
def test_the_person_card_refuses_the_same_hours(hours: int) -> None:
    """No blank form has courses: the person card (validate_person) says what the book says."""
    person = PersonInput(last_name="Сидорова", first_name="Анна", birth_date=date(1985, 3, 15),
                         courses=(CourseInput(title="ФГОС", hours=hours),))
    errors = validate_person(person, TODAY)
    assert [e.field for e in errors] == ["courses"]
    assert f"курс 1: {hours} ч — допустимо от 1 до 3000" in errors[0].message


# record codes, unique values, references, the database's own constraints --------------------
def test_a_repeated_record_code_is_refused_with_both_rows(bases: Bases, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    ws = openpyxl.load_workbook(bases.book, read_only=True)["Педагоги"]
    first = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    book = tmp_path / "twice.xlsx"
    letters = edit(bases.book, book, "Педагоги", 5, {"Код записи": first})
    expected = (f"лист «Педагоги», строка 5, столбец {letters['Код записи']} (Код записи) "
                f"«{first}»: код записи {first} уже есть в строке 2: у каждой записи свой код")
    assert expected in refused(new_database(tmp_path), book, capsys)
    assert expected in refused(regional(bases, tmp_path), book, capsys)


def test_a_repeated_unique_name_is_refused_with_both_rows(bases: Bases, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    ws = openpyxl.load_workbook(bases.book, read_only=True)["Формы наставничества"]
    header = next(ws.iter_rows(max_row=1, values_only=True))
    name = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[header.index(
        "Наименование")]
    book = tmp_path / "same-name.xlsx"
    letters = edit(bases.book, book, "Формы наставничества", 4, {"Наименование": name})
    expected = (f"лист «Формы наставничества», строка 4, столбец {letters['Наименование']} "
                f"(Наименование) «{name}»: «{name}» уже есть в строке 2: значения столбца "
                "«Наименование» не повторяются")
    assert expected in refused(new_database(tmp_path), book, capsys)
    assert expected in refused(regional(bases, tmp_path), book, capsys)


def test_a_dangling_reference_is_refused_at_its_cell(bases: Bases, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "dangling.xlsx"
    letters = edit(bases.book, book, "Наставнические пары", 3, {"Код наставника": 999999})
    expected = (f"лист «Наставнические пары», строка 3, столбец {letters['Код наставника']} "
                "(Код наставника) «999999»: ссылка на запись, которой нет в книге: на листе "
                "«Педагоги» нет записи с кодом 999999")
    assert expected in refused(new_database(tmp_path), book, capsys)
    assert expected in refused(regional(bases, tmp_path), book, capsys)


def test_a_column_s_bad_references_are_each_listed_in_row_order(
        bases: Bases, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Among good rows, each bad reference of a column is refused at its own row: unknown codes
    and an empty required one, in the order of the rows, the good rows between not named."""
    first, second, book = tmp_path / "1.xlsx", tmp_path / "2.xlsx", tmp_path / "3.xlsx"
    edit(bases.book, first, "Наставнические пары", 5, {"Код наставника": 999999})
    edit(first, second, "Наставнические пары", 4, {"Код наставника": None})
    letter = edit(second, book, "Наставнические пары", 2, {"Код наставника": 888888})[
        "Код наставника"]
    err = refused(new_database(tmp_path), book, capsys)
    at = f"лист «Наставнические пары», строка {{}}, столбец {letter} (Код наставника)"
    found = [err.index(at.format(2) + " «888888»: ссылка на запись, которой нет в книге"),
             err.index(at.format(4) + ": обязательное значение не заполнено"),
             err.index(at.format(5) + " «999999»: ссылка на запись, которой нет в книге")]
    assert found == sorted(found)
    assert at.format(3) not in err


def test_a_repeated_answer_reaches_the_database_and_is_said_in_russian(
        bases: Bases, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Answers have no record code: a repeated one is refused by the database itself; the copy
    says so in Russian, naming the sheet, and writes nothing."""
    wb = openpyxl.load_workbook(bases.book)
    ws = wb["Ответы диагностик"]
    for column in range(1, ws.max_column + 1):
        ws.cell(row=3, column=column).value = ws.cell(row=2, column=column).value
    book = tmp_path / "answer-twice.xlsx"
    wb.save(book)
    err = refused(new_database(tmp_path), book, capsys)
    assert ("лист «Ответы диагностик», строка 1, столбец —: книга не записана — лист «Ответы "
            "диагностик»: значения «Код диагностики», «Код пункта инструмента» повторяются в "
            "двух строках, а повторяться не могут") in err


def test_a_reference_the_checks_missed_is_still_refused_in_russian(
        bases: Bases, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety net under the checks: a copy defers its references to the commit, where SQLite
    names no table; were one to slip through the book's checks, the copy finds it before the
    commit, names the sheets and writes nothing."""

    class Everything:
        def __contains__(self, _value: object) -> bool:
            return True

    monkeypatch.setattr(workbook._Checks, "known", lambda _self, _table, _column: Everything())
    book = tmp_path / "slipped.xlsx"
    edit(bases.book, book, "Наставнические пары", 3, {"Код наставника": 999999})
    err = refused(new_database(tmp_path), book, capsys)
    assert ("книга не записана — лист «Наставнические пары»: ссылка на запись, которой нет на "
            "листе «Педагоги» (строк с такой ссылкой: 1)") in err


def _integrity_error(sql: str) -> IntegrityError:
    engine = create_engine("sqlite://")
    with engine.begin() as con:
        con.execute(text("PRAGMA foreign_keys=ON"))
        con.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, last_name TEXT NOT NULL)"))
        con.execute(text("CREATE TABLE courses (id INTEGER PRIMARY KEY, "
                         "person_id INTEGER REFERENCES people(id))"))
        con.execute(text("INSERT INTO people VALUES (1, 'Иванова')"))
        with pytest.raises(IntegrityError) as caught:
            con.execute(text(sql))
    return caught.value


@pytest.mark.parametrize(("sql", "words"), [
    ("INSERT INTO people VALUES (1, 'Петрова')",
     "лист «Педагоги»: значения «Код записи» повторяются в двух строках"),
    ("INSERT INTO people (id) VALUES (2)",
     "лист «Педагоги»: не заполнен обязательный столбец «Фамилия»"),
    ("INSERT INTO courses VALUES (1, 77)",
     "лист «Курсы»: ссылка на запись, которой нет в книге"),
], ids=["unique", "not-null", "foreign-key"])
def test_integrity_errors_are_said_in_russian(sql: str, words: str) -> None:
    refusal = integrity_refusal(_integrity_error(sql))
    assert words in refusal.reason
    assert "constraint" not in refusal.reason
    assert refusal.sheet == words.split("«")[1].split("»")[0]
