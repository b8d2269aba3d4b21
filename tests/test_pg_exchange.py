"""The exchange workbook on a PostgreSQL server: a book exported from SQLite is copied exactly into
a new server database (parents first, organisations' curators filled in at the end, the id
sequences moved past the ids written) and exported back cell for cell the same; the window
adds records after it; a refused book is refused in the same Russian words as on SQLite and
leaves the database as it was (rows and sequences)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Integer, create_engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from desktop_app.cli import main
from desktop_app.exchange import workbook
from desktop_app.exchange.book_copy import move_sequences
from desktop_app.exchange.book_spec import exchange_tables
from desktop_app.exchange.book_values import integrity_refusal
from desktop_app.model import Base
from desktop_app.services import registry
from desktop_app.services.form_inputs import PersonInput
from desktop_app.store.database import open_database
from tests import test_exchange_roundtrip as roundtrip
from tests.test_exchange_roundtrip import assert_same_books, fill_every_table, table_rows

RAW_SQL = ("violates", "constraint", "duplicate key", "Traceback", "psycopg")


@dataclass
class Books:
    """A SQLite database touching every table and a small demo, with their exchange books."""

    rich: Path
    rich_book: Path
    demo: Path
    demo_book: Path


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Books:
    from desktop_app.demo import Scale, write_demo

    folder = tmp_path_factory.mktemp("pg-exchange")
    original = roundtrip._value

    def fitting(table: Any, column: Any, i: int, ids: dict[str, list[Any]]) -> Any:
        """The round trip's tricky values, cut to what the column holds (SQLite keeps longer
        texts, PostgreSQL refuses them): the tricky beginning and the numbered end kept."""
        value = original(table, column, i, ids)
        length = getattr(column.type, "length", None)
        if isinstance(value, str) and length and len(value) > length:
            value = value[:length // 2] + value[len(value) - (length - length // 2):]
        return value

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        mp.setattr(roundtrip, "_value", fitting)
        rich, demo = folder / "rich.sqlite", folder / "demo.sqlite"
        fill_every_table(rich)
        write_demo(demo, Scale(organisations=4, people=40, active=4, pairs=8, sessions=12), seed=5)
        rich_book, demo_book = folder / "rich.xlsx", folder / "demo.xlsx"
        assert main(["--db", str(rich), "export", "--out", str(rich_book)]) == 0
        assert main(["--db", str(demo), "export", "--out", str(demo_book)]) == 0
    return Books(rich, rich_book, demo, demo_book)


@pytest.fixture
def new_server(pg_url: str) -> str:
    """A new database on the server, made by `init` (the schema and its presets)."""
    assert main(["--db", pg_url, "init"]) == 0
    return pg_url


def server_state(url: str) -> dict[str, Any]:
    """Every row of every table (sorted) and every id sequence's position: equal ⇔ unchanged."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            state: dict[str, Any] = {
                t.name: sorted(repr(tuple(r)) for r in conn.execute(select(t)))
                for t in Base.metadata.sorted_tables}
            state["alembic_version"] = conn.execute(
                text("SELECT version_num FROM alembic_version")).all()
            state["sequences"] = sequences(conn)
            return state
    finally:
        engine.dispose()


def sequences(conn: Any) -> dict[str, tuple[int, bool, int | None]]:
    """(last value, is called, the greatest id) of each table's id sequence."""
    out = {}
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        name = conn.scalar(select(func.pg_get_serial_sequence(table.name, key[0].name)))
        last, called = conn.execute(text(f"SELECT last_value, is_called FROM {name}")).one()
        out[table.name] = (last, called, conn.scalar(select(func.max(key[0]))))
    return out


def behind(url: str) -> list[str]:
    """The tables whose sequence would hand out an id one of their rows has."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [name for name, (last, called, greatest) in sequences(conn).items()
                    if greatest is not None and (last if called else last - 1) < greatest]
    finally:
        engine.dispose()


def copy_and_back(source: Path, book: Path, url: str, folder: Path) -> Path:
    """The book imported into the server database as its copy, then exported again."""
    assert main(["--db", url, "import", str(book)]) == 0
    again = folder / "again.xlsx"
    assert main(["--db", url, "export", "--out", str(again)]) == 0
    assert table_rows(url) == table_rows(source)  # type: ignore[arg-type]
    return again


def add_person(url: str) -> int:
    """A person added through the registry (her place of work too): her new id."""
    db = open_database(url)
    try:
        with db.sessions.begin() as s:
            org = s.scalar(select(func.min(Base.metadata.tables["organisations"].c.id)))
            return registry.add_person(s, PersonInput(
                last_name="Новикова", first_name="Вера", middle_name="Павловна",
                birth_date=date(1990, 4, 2), organisation_id=org, position="учитель"))
    finally:
        db.dispose()


# the copy and back -------------------------------------------------------------------------
def test_every_table_copied_into_postgresql_and_exported_the_same(
        books: Books, new_server: str, tmp_path: Path) -> None:
    """Every carried table (tricky text, NULLs, the curators of the ОО) survives SQLite → book
    → PostgreSQL → book; the sequences are past the ids, so the window adds a person after."""
    again = copy_and_back(books.rich, books.rich_book, new_server, tmp_path)
    assert_same_books(books.rich_book, again)
    assert behind(new_server) == []
    people = table_rows(new_server)["people"]  # type: ignore[arg-type]
    assert add_person(new_server) == max(row[0] for row in people) + 1


def test_a_demo_copied_into_postgresql_is_the_demo(books: Books, new_server: str,
                                                    tmp_path: Path) -> None:
    """Answers, deficits, routes of a demo: the same rows, the same area means (recomputed on
    the server), the same book again."""
    again = copy_and_back(books.demo, books.demo_book, new_server, tmp_path)
    assert_same_books(books.demo_book, again)
    scores = "SELECT session_id, area, mean_score, item_count FROM session_area_scores " \
             "ORDER BY 1, 2"
    source, server = open_database(books.demo), open_database(new_server)
    try:
        assert source.fetch(scores) == server.fetch(scores) != []
    finally:
        source.dispose()
        server.dispose()
    assert behind(new_server) == []


def test_the_book_merged_into_its_server_copy_changes_nothing(books: Books, new_server: str,
                                                             tmp_path: Path) -> None:
    """The server database now holds people: the same book is merged, every record matched."""
    assert main(["--db", new_server, "import", str(books.rich_book)]) == 0
    before = server_state(new_server)
    assert main(["--db", new_server, "import", str(books.rich_book)]) == 0
    assert server_state(new_server) == before


def test_a_dry_run_leaves_rows_and_sequences_as_they_were(books: Books, new_server: str) -> None:
    """setval is not undone by a rollback: a dry run never moves a sequence back under the
    presets that come back."""
    before = server_state(new_server)
    assert main(["--db", new_server, "import", "--dry-run", str(books.rich_book)]) == 0
    after = server_state(new_server)
    assert {k: v for k, v in after.items() if k != "sequences"} == \
        {k: v for k, v in before.items() if k != "sequences"}
    assert behind(new_server) == []


def test_sequences_are_only_ever_moved_forward(pg_url: str) -> None:
    open_database(pg_url).dispose()
    engine = create_engine(pg_url)
    grounds = Base.metadata.tables["grounds"]
    try:
        with engine.begin() as conn:
            preset = conn.scalar(select(func.min(grounds.c.preset_id)))
            first = sequences(conn)["grounds"]
            assert first[2] is not None and first[2] > 3

            def ground(number: int, **key: int) -> dict[str, Any]:
                return {**key, "preset_id": preset, "number": number, "text": "т",
                        "mandatory": False}

            conn.execute(grounds.delete())
            conn.execute(insert(grounds), [ground(1, id=1)])
            move_sequences(conn, [grounds])
            assert sequences(conn)["grounds"][:2] == first[:2]  # not back to 1
            conn.execute(insert(grounds), [ground(2, id=500)])
            move_sequences(conn, [grounds])
            assert sequences(conn)["grounds"] == (500, True, 500)
            added = conn.execute(insert(grounds).values(ground(3)).returning(grounds.c.id))
            assert added.scalar_one() == 501
    finally:
        engine.dispose()


# refusals ------------------------------------------------------------------------------------
def edited(book: Path, out: Path, sheet: str, row: int, cells: dict[str, Any]) -> Path:
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for title, value in cells.items():
        ws.cell(row=row, column=header.index(title) + 1).value = value
    wb.save(out)
    return out


def refused(url: str, book: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Import the book: refused in Russian (exit 1), the database and its sequences unchanged."""
    before = server_state(url)
    capsys.readouterr()
    assert main(["--db", url, "import", str(book)]) == 1
    out = capsys.readouterr()
    for raw in RAW_SQL:
        assert raw not in out.err and raw not in out.out
    assert "база не изменена" in out.out
    after = server_state(url)
    assert {k: v for k, v in after.items() if k != "sequences"} == \
        {k: v for k, v in before.items() if k != "sequences"}
    assert behind(url) == []
    return out.err


class _Everything:
    def __contains__(self, _value: object) -> bool:
        return True


@pytest.fixture
def checks_blind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's own reference checks see every code as known: the server's net is tested."""
    monkeypatch.setattr(workbook._Checks, "known", lambda _self, _table, _column: _Everything())


def test_a_reference_the_checks_missed_is_refused_as_on_sqlite(
        books: Books, new_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        checks_blind: None) -> None:
    book = edited(books.demo_book, tmp_path / "slipped.xlsx", "Наставнические пары", 3,
                  {"Код наставника": 999999})
    err = refused(new_server, book, capsys)
    assert ("книга не записана — лист «Наставнические пары»: ссылка на запись, которой нет на "
            "листе «Педагоги» (строк с такой ссылкой: 1)") in err


def test_a_curator_the_checks_missed_is_refused_when_filled_in(
        books: Books, new_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        checks_blind: None) -> None:
    """organisations.curator_id is written empty and filled in once the people are: a curator
    who is not in the book is refused then, naming both sheets."""
    book = edited(books.rich_book, tmp_path / "curator.xlsx", "Организации", 2,
                  {"Код куратора (педагога)": 999999})
    err = refused(new_server, book, capsys)
    assert ("книга не записана — лист «Организации»: ссылка на запись, которой нет на листе "
            "«Педагоги» (строк с такой ссылкой: 1)") in err


def test_a_repeated_answer_is_refused_by_the_server_in_russian(
        books: Books, new_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(books.demo_book)
    ws = wb["Ответы диагностик"]
    for column in range(1, ws.max_column + 1):
        ws.cell(row=3, column=column).value = ws.cell(row=2, column=column).value
    book = tmp_path / "answer-twice.xlsx"
    wb.save(book)
    err = refused(new_server, book, capsys)
    assert ("лист «Ответы диагностик», строка 1, столбец —: книга не записана — лист «Ответы "
            "диагностик»: значения «Код диагностики», «Код пункта инструмента» повторяются в "
            "двух строках, а повторяться не могут") in err


def test_a_text_longer_than_the_server_column_is_refused_at_its_cell(
        books: Books, new_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite keeps a text of any length, a PostgreSQL column only up to its own: a book from
    SQLite with a longer one is refused at its cell, not by the server's error."""
    name = "Ж" * 201
    book = edited(books.demo_book, tmp_path / "long.xlsx", "Организации", 2,
                  {"Краткое наименование": name})
    err = refused(new_server, book, capsys)
    assert "лист «Организации», строка 2, столбец" in err
    assert ("(Краткое наименование) «" + name[:10]) in err
    assert ("текст из 201 знаков, а в этом столбце базы PostgreSQL помещается не больше 200: "
            "сократите его") in err


@pytest.fixture
def two_tables(pg_url: str) -> Iterator[Any]:
    engine = create_engine(pg_url)
    with engine.begin() as con:
        con.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, last_name TEXT NOT NULL)"))
        con.execute(text("CREATE TABLE courses (id INTEGER PRIMARY KEY, "
                         "person_id INTEGER REFERENCES people(id))"))
        con.execute(text("INSERT INTO people VALUES (1, 'Иванова')"))
    yield engine
    engine.dispose()


@pytest.mark.parametrize(("sql", "words"), [
    ("INSERT INTO people VALUES (1, 'Петрова')",
     "лист «Педагоги»: значения «Код записи» повторяются в двух строках"),
    ("INSERT INTO people (id) VALUES (2)",
     "лист «Педагоги»: не заполнен обязательный столбец «Фамилия»"),
    ("INSERT INTO courses VALUES (1, 77)",
     "лист «Курсы»: ссылка на запись, которой нет в книге"),
], ids=["unique", "not-null", "foreign-key"])
def test_server_integrity_errors_are_said_in_russian(two_tables: Any, sql: str,
                                                     words: str) -> None:
    with two_tables.connect() as con, pytest.raises(IntegrityError) as caught:
        con.execute(text(sql))
    refusal = integrity_refusal(caught.value)
    assert words in refusal.reason
    assert "constraint" not in refusal.reason
    assert refusal.sheet == words.split("«")[1].split("»")[0]


def test_the_copy_writes_every_carried_table() -> None:
    """The tables a copy writes are the book's, parents first but for the curators' cycle."""
    names = [t.name for t in exchange_tables()]
    assert names.index("organisations") < names.index("people")
    late = [(t.name, c.name) for t in exchange_tables() for c in t.columns for fk in c.foreign_keys
            if names.index(fk.column.table.name) >= names.index(t.name)]
    assert late == [("organisations", "curator_id")]
