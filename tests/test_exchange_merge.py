"""A region consolidates municipalities: exchange workbooks merged into a database with data."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.result import CHANGED, MATCHED, SKIPPED, UNCHANGED
from desktop_app.model import Pair
from desktop_app.services import registry, settings
from desktop_app.services.indicators import compute_indicators
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest, fill_every_table

SMALL = Scale(organisations=8, people=160, active=10, pairs=30, sessions=60)
SECOND = "Северский район"
# Tables a new database ships with (or that stay the database's own): not summed on a merge.
PRESETS = {"ground_presets", "grounds", "indicator_plans", "instruments", "instrument_items",
           "mentorship_forms", "plan_templates", "plan_template_items", "roadmap_items",
           "settings", "report_texts", "awards", "award_conditions"}
YEAR = 2026


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN "
            "('alembic_version', 'change_log', 'sqlite_sequence')")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def people_by_id(con: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    rows = con.execute("SELECT id, last_name, first_name, middle_name, birth_date FROM people")
    return {r[0]: (" ".join(p for p in r[1:4] if p), r[4]) for r in rows}


def pair_signatures(path: Path) -> Counter[tuple[Any, ...]]:
    """Every pair by names: mentor, form, start date and the mentees."""
    con = sqlite3.connect(path)
    try:
        people = people_by_id(con)
        mentees: dict[int, list[tuple[str, str]]] = {}
        for pair_id, person_id in con.execute("SELECT pair_id, person_id FROM pair_mentees"):
            mentees.setdefault(pair_id, []).append(people[person_id])
        rows = con.execute("SELECT p.id, p.mentor_id, f.name, p.start_date FROM pairs p "
                           "JOIN mentorship_forms f ON f.id = p.form_id")
        return Counter((people[m], form, start, tuple(sorted(mentees.get(pid, []))))
                       for pid, m, form, start in rows)
    finally:
        con.close()


def setting(path: Path, key: str) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()[0])
    finally:
        con.close()


def indicator_counts(path: Path) -> dict[str, tuple[int, int]]:
    db = open_database(path)
    try:
        with db.sessions() as session:
            return {r.code: (r.a, r.b) for r in compute_indicators(session, YEAR)}
    finally:
        db.dispose()


def _second_municipality(path: Path) -> None:
    """Seed 2 as another municipality: its ОО names name it, its settings and its own
    municipality too (as changing the setting in the program renames it)."""
    con = sqlite3.connect(path)
    con.execute("UPDATE organisations SET full_name = full_name || ' Северского района'")
    con.execute("UPDATE settings SET value = ? WHERE key = 'municipality'", (SECOND,))
    con.execute("UPDATE municipalities SET name = ? WHERE is_own", (SECOND,))
    con.commit()
    con.close()


def _share_person(first: Path, second: Path) -> tuple[str, str, str, str]:
    """A teacher of the second municipality who once worked (and left) in the first one."""
    src = sqlite3.connect(second)
    src.row_factory = sqlite3.Row
    person = dict(src.execute(
        "SELECT * FROM people WHERE is_active = 1 AND id IN (SELECT mentor_id FROM pairs) "
        "ORDER BY id LIMIT 1").fetchone())
    src.close()
    con = sqlite3.connect(first)
    org = con.execute("SELECT min(id) FROM organisations").fetchone()[0]
    person.pop("id")
    person.update(is_active=0, left_on="2025-06-30", organisation_id=org)
    columns = ", ".join(person)
    con.execute(f"INSERT INTO people ({columns}) VALUES ({', '.join('?' * len(person))})",
                list(person.values()))
    con.commit()
    con.close()
    return (person["last_name"], person["first_name"], person["middle_name"],
            person["birth_date"])


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two small municipal demos (seeds 1 and 2) with one shared person, and their books."""
    folder = tmp_path_factory.mktemp("municipalities")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        first, second = folder / "first.sqlite", folder / "second.sqlite"
        write_demo(first, SMALL, seed=1)
        write_demo(second, SMALL, seed=2)
        _second_municipality(second)
        shared = _share_person(first, second)
        out = {"shared": shared, "dbs": (first, second)}
        for name, path in (("first", first), ("second", second)):
            book = folder / f"{name}.xlsx"
            assert main(["--db", str(path), "export", "--out", str(book)]) == 0
            out[name] = book
    return out


@pytest.fixture(scope="module")
def merged(books: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database that took the first book (a copy), then the second (a merge)."""
    folder = tmp_path_factory.mktemp("region")
    target = folder / "region.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        assert main(["--db", str(target), "init"]) == 0  # import never makes a database
        assert main(["--db", str(target), "import", str(books["first"])]) == 0
        assert main(["--db", str(target), "import", str(books["second"])]) == 0
    return target


def test_two_municipalities_add_up(books: dict[str, Any], merged: Path) -> None:
    first, second = (counts(p) for p in books["dbs"])
    after = counts(merged)
    for table, n in after.items():
        if table in PRESETS:
            assert n == first[table], table
        elif table == "people":
            assert n == first[table] + second[table] - 1  # the shared person once
        else:
            assert n == first[table] + second[table], table
    assert after["pairs"] > 0 and after["answers"] > 0 and after["meetings"] > 0
    # the settings of the database stay (those of the first book, loaded into it as a copy)
    assert setting(merged, "municipality") == setting(books["dbs"][0], "municipality")


def test_pairs_point_at_the_right_people(books: dict[str, Any], merged: Path) -> None:
    first, second = (pair_signatures(p) for p in books["dbs"])
    assert pair_signatures(merged) == first + second


def test_shared_person_matched_once_and_moved(books: dict[str, Any], merged: Path) -> None:
    last, first, middle, born = books["shared"]
    con = sqlite3.connect(merged)
    try:
        rows = con.execute(
            "SELECT p.id, p.is_active, o.full_name FROM people p JOIN organisations o "
            "ON o.id = p.organisation_id WHERE last_name=? AND first_name=? AND middle_name=? "
            "AND birth_date=?", (last, first, middle, born)).fetchall()
        assert len(rows) == 1
        pid, active, org = rows[0]
        assert active == 1 and org.endswith("Северского района")  # the card of the second book
        jobs = con.execute("SELECT count(*) FROM employments WHERE person_id=?", (pid,))
        assert jobs.fetchone()[0] >= 1
        assert con.execute("SELECT count(*) FROM pairs WHERE mentor_id=?", (pid,)).fetchone()[0]
    finally:
        con.close()


def test_same_short_name_other_school_is_renamed(merged: Path) -> None:
    con = sqlite3.connect(merged)
    try:
        names = [r[0] for r in con.execute("SELECT short_name FROM organisations")]
    finally:
        con.close()
    renamed = [n for n in names if n.endswith(f"({SECOND})")]
    assert renamed and all(n.removesuffix(f" ({SECOND})") in names for n in renamed)


def test_indicators_of_the_region_are_the_sums(books: dict[str, Any], merged: Path) -> None:
    first, second = (indicator_counts(p) for p in books["dbs"])
    region = indicator_counts(merged)
    for code in ("I2", "I3", "I4", "I5"):
        a, b = region[code]
        assert (a, b) == (first[code][0] + second[code][0], first[code][1] + second[code][1])
        assert b > 0, code
    assert region["I3"][0] > 0 and region["I5"][1] > 0


def test_the_same_book_twice_changes_nothing(books: dict[str, Any], merged: Path) -> None:
    before = db_digest(merged)
    db = open_database(merged)
    try:
        result = import_file(db, books["second"])
    finally:
        db.dispose()
    assert result.applied and not result.errors
    assert result.added == 0 and result.changed == 0
    actions = Counter(a.action for s in result.sheets for a in s.actions)
    assert actions[MATCHED] > 3000 and set(actions) == {MATCHED, SKIPPED}
    assert db_digest(merged) == before


def test_dry_run_tells_per_sheet_and_writes_nothing(
        books: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "region.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(books["first"])]) == 0
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(books["second"]), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert db_digest(target) == before
    # the shared person: the card of the base (left its ОО) is taken from the book
    assert "лист «Педагоги» (Педагоги): добавить — 159, изменить — 1," in out
    assert "лист «Формы наставничества» (Формы наставничества): добавить — 0, изменить — 0, " \
           "без изменений — 0, отказано — 0, совпадает — 13" in out
    assert "лист «Формы наставничества» (Формы наставничества): добавить — 0," in out
    assert "лист «Настройки» (Настройки): добавить — 0" in out and "пропустить — 19" in out
    assert "Проверка без записи: база не изменена." in out


def test_broken_reference_refused_with_its_place(
        books: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "region.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(books["first"])]) == 0
    wb = openpyxl.load_workbook(books["second"])
    ws = wb["Наставнические пары"]
    header = [c.value for c in ws[1]]
    column = header.index("Код наставника") + 1
    ws.cell(row=3, column=column).value = 999999
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(broken)]) == 1
    err = capsys.readouterr().err
    letter = openpyxl.utils.get_column_letter(column)
    assert (f"лист «Наставнические пары», строка 3, столбец {letter} (Код наставника) «999999»: "
            "ссылка на запись, которой нет в книге: на листе «Педагоги» нет записи с кодом "
            "999999") in err
    assert db_digest(target) == before


def test_merge_flag_keeps_a_new_database_settings(books: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "region.sqlite"
    db = open_database(target)
    try:
        with db.sessions() as session, session.begin():
            settings.put(session, {"municipality": "Томская область"})
    finally:
        db.dispose()
    assert main(["--db", str(target), "import", "--merge", str(books["second"])]) == 0
    assert setting(target, "municipality") == "Томская область"
    assert counts(target)["people"] == counts(books["dbs"][1])["people"]
    assert pair_signatures(target) == pair_signatures(books["dbs"][1])


def _registry_person(path: Path, last: str, first: str, org: str) -> None:
    db = open_database(path)
    try:
        with db.sessions() as session, session.begin():
            oid = registry.add_organisation(session, OrganisationInput(
                short_name=org, full_name=f"Муниципальное учреждение {org}", kind="general"))
            registry.add_person(session, PersonInput(
                last_name=last, first_name=first, middle_name="Ивановна",
                birth_date=date(1985, 3, 4), organisation_id=oid, position="учитель",
                ped_experience_start=date(2008, 9, 1)))
    finally:
        db.dispose()


def test_a_person_saved_by_the_registry_is_matched(tmp_path: Path) -> None:
    """One person key: the registry's card is found by the workbook merge and the forms import."""
    source, target = tmp_path / "source.sqlite", tmp_path / "target.sqlite"
    _registry_person(source, "Ёлкина", "Мария", "МБОУ «СОШ № 7»")
    _registry_person(target, "Елкина", "мария", "МБОУ «СОШ № 9»")
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(source), "export", "--out", str(book)]) == 0
    db = open_database(target)
    try:
        result = import_file(db, book)
        people = next(s for s in result.sheets if s.kind == "people")
        assert [a.action for a in people.actions] == [MATCHED]
        form = tmp_path / "form.xlsx"
        wb = openpyxl.Workbook()
        wb.active.append(["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность"])
        wb.active.append(["ЕЛКИНА ", "Мария", "ивановна", "04.03.1985", "МБОУ «СОШ № 9»",
                          "учитель"])
        wb.save(form)
        result = import_file(db, form)
        assert not result.errors, result.errors
        assert [a.action for s in result.sheets for a in s.actions] in ([CHANGED], [UNCHANGED])
        with db.sessions() as session:
            assert len(registry.list_people(session)) == 1
    finally:
        db.dispose()
    assert counts(target)["people"] == 1 and counts(target)["organisations"] == 2


def test_every_table_merged_into_a_database_with_data(
        books: dict[str, Any], tmp_path: Path) -> None:
    """A book touching every table (tricky text, NULLs, curators) merged twice: once is enough."""
    rich, book = tmp_path / "rich.sqlite", tmp_path / "rich.xlsx"
    fill_every_table(rich)
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0
    target = tmp_path / "target.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(books["first"])]) == 0
    first = counts(target)
    assert main(["--db", str(target), "import", str(book)]) == 0
    source, after = counts(rich), counts(target)
    assert after["people"] == first["people"] + source["people"]
    assert after["pairs"] == first["pairs"] + source["pairs"]
    con = sqlite3.connect(target)
    try:
        curators = con.execute("SELECT count(*) FROM organisations o JOIN people p "
                               "ON p.id = o.curator_id WHERE p.last_name LIKE '%people%'")
        assert curators.fetchone()[0] == source["organisations"]
    finally:
        con.close()
    before = db_digest(target)
    assert main(["--db", str(target), "import", str(book)]) == 0
    assert db_digest(target) == before


@pytest.mark.parametrize("into_new", [True, False])
def test_one_person_twice_in_a_book_refused(books: dict[str, Any], tmp_path: Path,
                                            into_new: bool,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "region.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    if not into_new:
        assert main(["--db", str(target), "import", str(books["first"])]) == 0
    wb = openpyxl.load_workbook(books["second"])
    ws = wb["Педагоги"]
    for column in range(2, ws.max_column + 1):  # row 5 becomes the person of row 4, new code
        ws.cell(row=5, column=column).value = ws.cell(row=4, column=column).value
    twice = tmp_path / "twice.xlsx"
    wb.save(twice)
    capsys.readouterr()
    before = db_digest(target) if target.exists() else None
    assert main(["--db", str(target), "import", str(twice)]) == 1
    err = capsys.readouterr().err
    assert "лист «Педагоги», строка 5, столбец Фамилия" in err
    assert "уже есть в строке 4" in err
    if before is not None:
        assert db_digest(target) == before


def _edit_pair(book: Path, out: Path, stamp: str, note: str) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Наставнические пары"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Изменено (ГГГГ-ММ-ДД чч:мм:сс)") + 1).value = stamp
    ws.cell(row=2, column=header.index("Примечание") + 1).value = note
    wb.save(out)


def test_a_pair_changed_later_in_the_book_is_updated(books: dict[str, Any],
                                                     tmp_path: Path) -> None:
    target = tmp_path / "centre.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(books["second"])]) == 0
    older, newer = tmp_path / "older.xlsx", tmp_path / "newer.xlsx"
    _edit_pair(books["second"], older, "2001-01-01 00:00:00.000000", "старая правка")
    _edit_pair(books["second"], newer, "2030-01-01 00:00:00.000000", "новая правка")
    before = db_digest(target)
    assert main(["--db", str(target), "import", str(older)]) == 0
    assert db_digest(target) == before  # the base's pair is newer: kept
    db = open_database(target)
    try:
        result = import_file(db, newer)
    finally:
        db.dispose()
    pairs = next(s for s in result.sheets if s.kind == "pairs")
    assert pairs.count(CHANGED) == 1 and result.added == 0
    con = sqlite3.connect(target)
    try:
        notes = [r[0] for r in con.execute("SELECT notes FROM pairs WHERE notes = 'новая правка'")]
        assert notes == ["новая правка"]
        assert con.execute("SELECT count(*) FROM pairs").fetchone()[0] == counts(
            books["dbs"][1])["pairs"]
    finally:
        con.close()


def test_a_form_opened_before_a_merge_does_not_write_over_it(books: dict[str, Any],
                                                              tmp_path: Path) -> None:
    """A merge that changes a record counts as a save: a pair's form opened before it is
    refused on saving, as after another seat's save (record versions)."""
    from desktop_app.services import pairs as P

    target = tmp_path / "centre.sqlite"
    assert main(["--db", str(target), "init"]) == 0
    assert main(["--db", str(target), "import", str(books["second"])]) == 0
    newer = tmp_path / "newer.xlsx"
    _edit_pair(books["second"], newer, "2030-01-01 00:00:00.000000", "новая правка")
    db = open_database(target)
    try:
        with db.sessions() as s:  # the forms opened before the merge: each pair's version
            opened = dict(s.execute(select(Pair.id, Pair.row_version)).tuples().all())
        result = import_file(db, newer)
        assert result.applied
        with db.sessions() as s:
            changed = s.scalars(select(Pair).where(Pair.notes == "новая правка")).one()
            pair_id = changed.id
            assert changed.row_version > opened[pair_id]
            form = P.pair_input(s, pair_id)
        with pytest.raises(P.PairError, match="Запись изменена другим пользователем"), \
                db.sessions.begin() as s:
            P.update_pair(s, pair_id, form, expected_version=opened[pair_id])
    finally:
        db.dispose()


def _split_books(books: dict[str, Any], folder: Path, limit: int) -> tuple[Path, Path]:
    """The two municipal books exported again with at most `limit` rows a sheet."""
    from desktop_app.exchange import workbook

    out = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(workbook, "SHEET_ROW_LIMIT", limit)
        for name, path in zip(("first", "second"), books["dbs"], strict=True):
            book = folder / f"{name}-split.xlsx"
            assert main(["--db", str(path), "export", "--out", str(book)]) == 0
            out.append(book)
    return out[0], out[1]


def test_merge_across_continuation_sheets(books: dict[str, Any], merged: Path,
                                          tmp_path: Path) -> None:
    """Books whose people and answers continue on further sheets merge to the same database."""
    first, second = _split_books(books, tmp_path, 101)
    names = openpyxl.load_workbook(second, read_only=True).sheetnames
    assert {"Педагоги (2)", "Ответы диагностик (3)"} <= set(names)
    target = tmp_path / "region.sqlite"
    assert main(["--db", str(target), "init"]) == 0  # import never makes a database
    assert main(["--db", str(target), "import", str(first)]) == 0
    assert main(["--db", str(target), "import", str(second)]) == 0
    # the same data; only the log differs (its entries name the split files, and the time)
    assert db_digest(target, ("change_log",)) == db_digest(merged, ("change_log",))
    db = open_database(target)
    try:
        again = import_file(db, second)
    finally:
        db.dispose()
    assert again.applied and again.added == 0 and again.changed == 0
    answers = next(s for s in again.sheets if s.kind == "answers")
    assert len(answers.titles) >= 3 and answers.count(MATCHED) == counts(
        books["dbs"][1])["answers"]
    assert {a.sheet for a in answers.actions} == set(answers.titles)
    assert max(a.row for a in answers.actions) == 101
