"""Import of the blank forms and the forms themselves: matching, variants, dry run, valid only."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop_app.cli import main
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.lists import export_rows
from desktop_app.model import ActiveMember, Organisation, Pair, Participation, Person
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest
from tests.test_import_bad_input import base, write  # noqa: F401  (fixture)


def people(path: Path) -> list[Person]:
    db = open_database(path)
    try:
        with db.sessions() as s:
            return list(s.scalars(select(Person).order_by(Person.id)))
    finally:
        db.dispose()


def count(path: Path, model: type) -> int:
    db = open_database(path)
    try:
        with db.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.dispose()


def test_openpyxl_reads_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_header_and_value_variants(base: Path, tmp_path: Path) -> None:  # noqa: F811
    header = ["  дата\nрождения ", "ФИО", "место работы", "КАТЕГОРИЯ", "Управленческие  кадры",
              "Педагогическое образование", "№ п/п"]
    rows = [
        header,
        [datetime(1981, 4, 5), "Сёмина\u00a0 Ольга  Ивановна", "мбоу сош №1", "Высшая", "+",
         "1", 1],
        ["7.8.79", "Орлов Иван Сергеевич", "МБОУ  СОШ № 1", "первая", "нет", "0", 2],
        ["1979-02-03", "Лебедева Анна", "Муниципальное бюджетное общеобразовательное учреждение",
         "", "да", "-", 3],
    ]
    f = write(tmp_path / "v.xlsx", rows)
    assert main(["--db", str(base), "import", str(f)]) == 0
    found = {p.last_name: p for p in people(base)}
    assert found["Сёмина"].first_name == "Ольга" and found["Сёмина"].middle_name == "Ивановна"
    assert found["Сёмина"].birth_date == date(1981, 4, 5) and found["Сёмина"].category == "highest"
    assert found["Сёмина"].is_manager is True and found["Орлов"].is_manager is False
    assert found["Орлов"].birth_date == date(1979, 8, 7)
    assert found["Лебедева"].birth_date == date(1979, 2, 3)
    assert found["Лебедева"].education_pedagogical is False
    assert found["Лебедева"].middle_name == ""
    assert len({p.organisation_id for p in found.values()}) == 1


def test_known_person_is_updated_not_duplicated(base: Path, tmp_path: Path) -> None:  # noqa: F811
    rows = [["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность"],
            ["ПЕТРОВ", "петр", "", "01.01.1975", "МБОУ СОШ № 1", "директор"]]
    f = write(tmp_path / "u.xlsx", rows)
    assert main(["--db", str(base), "import", str(f)]) == 0
    all_people = people(base)
    assert len(all_people) == 1
    assert all_people[0].position == "директор" and all_people[0].last_name == "ПЕТРОВ"
    assert main(["--db", str(base), "import", str(f)]) == 0


def test_dry_run_changes_nothing(base: Path, tmp_path: Path,  # noqa: F811
                                 capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Фамилия", "Имя", "Дата рождения", "ОО"],
            ["Новиков", "Ян", "02.03.1990", "МБОУ СОШ № 1"]]
    f = write(tmp_path / "d.xlsx", rows)
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(f), "--dry-run"]) == 0
    assert "добавить — 1" in capsys.readouterr().out
    assert db_digest(base) == before


def test_valid_only_takes_the_good_rows(base: Path, tmp_path: Path) -> None:  # noqa: F811
    rows = [["Фамилия", "Имя", "Дата рождения", "ОО"],
            ["Новиков", "Ян", "02.03.1990", "МБОУ СОШ № 1"],
            ["Зайцев", "Лев", "31.02.1990", "МБОУ СОШ № 1"],
            ["Волков", "Ян", "02.03.1991", "Нет такой школы"]]
    f = write(tmp_path / "v.xlsx", rows)
    before = db_digest(base)
    assert main(["--db", str(base), "import", str(f)]) == 1
    assert db_digest(base) == before
    assert main(["--db", str(base), "import", str(f), "--valid-only"]) == 0
    assert sorted(p.last_name for p in people(base)) == ["Новиков", "Петров"]


def test_backup_before_a_real_import(base: Path, tmp_path: Path,  # noqa: F811
                                     data_home: Path) -> None:
    rows = [["Фамилия", "Имя", "Дата рождения", "ОО"],
            ["Новиков", "Ян", "02.03.1990", "МБОУ СОШ № 1"]]
    db = open_database(base)
    try:
        result = import_file(db, write(tmp_path / "b.xlsx", rows))
    finally:
        db.dispose()
    assert result.applied and result.backup is not None and result.backup.exists()
    assert result.backup.parent == base.parent / "backups"  # beside a database outside home
    assert count(result.backup, Person) == 1 and count(base, Person) == 2


@pytest.mark.parametrize("kind", ["organisations", "people", "active", "pairs",
                                  "participations", "diagnostics"])
def test_templates(base: Path, tmp_path: Path, kind: str) -> None:  # noqa: F811
    out = tmp_path / f"{kind}.xlsx"
    assert main(["--db", str(base), "template", kind, "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert wb["Списки"].sheet_state == "hidden"
    headers = [c for c in ws[1] if c.value]
    assert headers and all(c.comment is not None and c.comment.text for c in headers)
    formulas = " ".join(str(dv.formula1) for dv in ws.data_validations.dataValidation)
    if kind == "people":
        titles = [c.value for c in headers]
        assert "Дата рождения *" in titles
        lists = [c.value for c in wb["Списки"]["A"] if c.value] + \
                [c.value for row in wb["Списки"].iter_rows() for c in row if c.value]
        assert "МБОУ СОШ № 1" in lists and "высшая" in lists
        assert '"да,нет"' in formulas and "Списки" in formulas
        birth = titles.index("Дата рождения *") + 1
        assert ws.cell(row=2, column=birth).number_format == "DD.MM.YYYY"
    if kind == "pairs":
        assert "Традиционное наставничество «один на один»" in [
            c.value for row in wb["Списки"].iter_rows() for c in row]
    if kind == "diagnostics":
        db = open_database(base)
        try:
            from desktop_app.exchange.importer import current_instrument

            with db.sessions() as s:
                instrument = current_instrument(s)
                codes = [i.code for i in instrument.items] if instrument else []
        finally:
            db.dispose()
        assert [c.value for c in headers][-len(codes):] == codes if codes else True


def test_filled_templates_import(base: Path, tmp_path: Path) -> None:  # noqa: F811
    def fill(kind: str, rows: list[list[object]]) -> Path:
        out = tmp_path / f"{kind}.xlsx"
        assert main(["--db", str(base), "template", kind, "--out", str(out)]) == 0
        wb = openpyxl.load_workbook(out)
        ws = wb.worksheets[0]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=value)
        wb.save(out)
        return out

    orgs = fill("organisations", [["МАДОУ № 7", "", "дошкольная", "нет", "нет"]])
    assert main(["--db", str(base), "import", str(orgs)]) == 0
    staff = fill("people", [["Иванова", "Мария", "Петровна", "12.03.1980", "МАДОУ № 7",
                             "воспитатель", "высшая"]])
    assert main(["--db", str(base), "import", str(staff)]) == 0
    active = fill("active", [["Иванова", "Мария", "Петровна", "12.03.1980", "кандидат",
                              "член актива", "экспертное; технологическое"]])
    assert main(["--db", str(base), "import", str(active)]) == 0
    assert main(["--db", str(base), "import", str(active)]) == 0
    pairs = fill("pairs", [["Петров Пётр", "01.01.1975", "Иванова Мария Петровна", "12.03.1980",
                            "Групповое наставничество", "адаптация", "", "", "01.09.2025",
                            "31.05.2026"]])
    assert main(["--db", str(base), "import", str(pairs)]) == 0
    events = fill("participations", [["Иванова", "Мария", "Петровна", "12.03.1980",
                                      "мастер-класс", "Игры", "муниципальный", "10.10.2024"]])
    assert main(["--db", str(base), "import", str(events)]) == 0
    assert count(base, Organisation) == 2 and count(base, ActiveMember) == 1
    assert count(base, Pair) == 1 and count(base, Participation) == 1


def test_list_export_keeps_text_safe(tmp_path: Path) -> None:
    out = export_rows(["ФИО", "Дата", "Стаж", "Активен"],
                      [("=HYPERLINK(1)", date(2024, 2, 29), 12, True),
                       ("@Ёжиков", None, 1.5, False)], tmp_path / "l.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == ["ФИО", "Дата", "Стаж", "Активен"]
    assert ws["A2"].value == "=HYPERLINK(1)" and ws["A2"].data_type == "s"
    assert ws["B2"].is_date and ws["B2"].number_format == "DD.MM.YYYY"
    assert ws["D2"].value == "да" and ws["A3"].value == "@Ёжиков" and ws["D3"].value == "нет"


def test_a_list_longer_than_a_sheet_goes_on_to_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list of more rows than an Excel sheet holds (a region book's preview: 2 million) goes
    on to «Список (2)», … each with the titles; nothing is lost or cut. The sheet's size is
    made small here so as not to write a million rows."""
    from desktop_app.exchange import lists

    monkeypatch.setattr(lists, "SHEET_DATA_ROWS", 3)
    rows = ((f"Строка {n}", n) for n in range(1, 8))  # taken as written, not listed first
    out = export_rows(["Что", "№"], rows, tmp_path / "long.xlsx", sheet="Строки файла")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Строки файла", "Строки файла (2)", "Строки файла (3)"]
    got = [[tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
    assert [g[0] for g in got] == [("Что", "№")] * 3
    assert [r for g in got for r in g[1:]] == [(f"Строка {n}", n) for n in range(1, 8)]
    assert [len(g) - 1 for g in got] == [3, 3, 1]



def test_a_record_saved_by_another_seat_during_the_import_refuses_it_plainly(
        base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    """On a server another seat may save a record between the import's reading and its write;
    SQLAlchemy then raises StaleDataError at the write (record versions): the import is rolled
    back whole and says so in Russian (on a file SQLite's single writer cannot get there, so the
    write's failure is raised here where the import flushes)."""
    from sqlalchemy.orm.exc import StaleDataError

    from desktop_app.exchange import importer

    rows = [["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность"],
            ["Петров", "Петр", "", "01.01.1975", "МБОУ СОШ № 1", "директор"]]
    f = write(tmp_path / "s.xlsx", rows)
    before = db_digest(base)

    def stale(db, session, result):  # type: ignore[no-untyped-def]
        session.flush()
        raise StaleDataError("UPDATE statement on table 'people' expected to update 1 row(s)")

    monkeypatch.setattr(importer, "_finish", stale)
    assert main(["--db", str(base), "import", str(f)]) == 1
    err = capsys.readouterr().err
    assert "другой пользователь сохранил запись" in err and "База не изменена" in err, err
    assert "StaleDataError" not in err and "UPDATE" not in err
    assert db_digest(base) == before
