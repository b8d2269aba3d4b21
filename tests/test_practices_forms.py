"""The blank form of practices: written with its dropdowns, filled as a school does and imported
all or nothing — the authors found in the registry (a namesake told apart by the birth date in
brackets), the files read from beside the form into the database; an unknown author, an
unknown ОО or form, a file that does not exist refused at their row and column, the database
unchanged; a known practice updated, its decision kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange.forms_practices import parse_author, split_list
from desktop_app.services import practice_files, practices
from desktop_app.store.database import open_database
from tests.blank_forms import Forms
from tests.test_exchange_roundtrip import db_digest

SCHOOL, GARDEN = "МБОУ СОШ № 5", "МБДОУ Детский сад № 3"
SHEET = "лист «Практики наставничества»"
PEOPLE = [
    # ФИО, born, ОО
    ("Иванова Анна Сергеевна", date(1975, 3, 12), SCHOOL),
    ("Сидоров Борис Олегович", date(1978, 6, 5), SCHOOL),
    ("Ёлкина Вера Павловна", date(1980, 11, 21), GARDEN),
    ("Петрова Мария Игоревна", date(1985, 2, 14), SCHOOL),
    ("Петрова Мария Игоревна", date(1990, 7, 30), GARDEN),  # a namesake in another ОО
]
TITLE = "Школа молодого педагога"


@pytest.fixture
def centre(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Forms:
    """A database with two ОО and five people, loaded through the blank forms."""
    forms = Forms(tmp_path / "centre.sqlite", tmp_path, capsys)
    forms.put("organisations", [{"Краткое наименование": SCHOOL},
                                {"Краткое наименование": GARDEN}])
    forms.put("people", [
        {"Фамилия": name.split()[0], "Имя": name.split()[1], "Отчество": name.split()[2],
         "Дата рождения": born, "ОО": org, "Должность": "учитель"}
        for name, born, org in PEOPLE
    ])
    return forms


def refused(forms: Forms, rows: list[dict[str, object]], where: str, reason: str) -> None:
    """Fill and import a file that must be refused at `where` (sheet, row, column) with
    `reason`, the database unchanged."""
    before = db_digest(forms.db)
    code, out, err = forms.load(forms.fill("practices", rows))
    assert code == 1, out + err
    lines = [line for line in err.splitlines() if where in line]
    assert lines and any(reason in line for line in lines), err
    assert "база не изменена" in out
    assert db_digest(forms.db) == before


def row(**more: object) -> dict[str, object]:
    values: dict[str, object] = {
        "Название практики": TITLE, "Авторы": "Иванова Анна Сергеевна; Ёлкина Вера Павловна",
        "ОО": SCHOOL, "Форма наставничества": "Традиционное наставничество «один на один»",
        "Категория наставляемых": "молодой специалист (0–3 года)", "Год": 2025,
        "Краткое описание": "Сопровождение в первый год работы.",
        "Результаты": "Все молодые специалисты остались в школе.",
    }
    values.update(more)
    return values


def stored(forms: Forms) -> list[practices.PracticeDetail]:
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            return [practices.get_practice(s, r.id) for r in practices.list_practices(s)]
    finally:
        db.dispose()


def test_the_blank_form_has_its_columns_and_lists(centre: Forms) -> None:
    out = centre.folder / "blank.xlsx"
    assert main(["--db", str(centre.db), "template", "practices", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Практики наставничества"]
    titles = [c.value for c in ws[1]]
    assert titles == ["Название практики *", "Авторы *", "ОО *", "Форма наставничества",
                      "Категория наставляемых", "Год *", "Краткое описание", "Результаты",
                      "Файлы"]
    assert "Фамилия Имя Отчество каждого автора" in ws["B1"].comment.text
    lists = {c.value: c.column for c in wb["Списки"][1]}
    column = [r[lists["organisation"] - 1] for r in wb["Списки"].iter_rows(min_row=2,
                                                                            values_only=True)]
    assert SCHOOL in column and GARDEN in column
    kinds = {str(dv.sqref).split(":")[0][0]: dv.type for dv in ws.data_validations.dataValidation}
    assert kinds["C"] == "list" and kinds["D"] == "list" and kinds["E"] == "list"
    assert kinds["F"] == "whole"


def test_a_filled_form_is_taken_in_with_its_files(centre: Forms) -> None:
    (centre.folder / "описание.txt").write_text("Описание практики", encoding="utf-8")
    files = centre.folder / "материалы"
    files.mkdir()
    (files / "план.docx").write_bytes(b"PK\x03\x04 docx bytes")
    out = centre.put("practices", [row(**{"Файлы": "описание.txt; материалы/план.docx"}),
                                   row(**{"Название практики": "Клуб наставников",
                                          "Авторы": "Петрова Мария Игоревна", "ОО": GARDEN,
                                          "Форма наставничества": None,
                                          "Категория наставляемых": None})])
    assert "добавить — 2" in out
    first, second = sorted(stored(centre), key=lambda d: d.data.title)
    assert second.data.title == TITLE and second.data.status == "proposed"
    assert len(second.data.author_ids) == 2 and second.data.year == 2025
    assert sorted(f.name for f in second.files) == ["описание.txt", "план.docx"]
    # the namesake of the garden: the author of the garden's practice
    assert first.data.form_id is None and first.data.mentee_category == "unknown"
    db = open_database(centre.db)
    try:
        with db.sessions() as s:
            names = practices.author_names(s, first.data.author_ids)
            plan = next(f for f in second.files if f.name == "план.docx")
            assert practice_files.content(s, plan.id) == b"PK\x03\x04 docx bytes"
    finally:
        db.dispose()
    assert list(names.values()) == [f"Петрова Мария Игоревна — {GARDEN}"]


def test_a_known_practice_is_updated_and_keeps_its_decision(centre: Forms) -> None:
    centre.put("practices", [row()])
    db = open_database(centre.db)
    try:
        with db.sessions() as s:
            pid = practices.list_practices(s)[0].id
            practices.set_status(s, pid, "включена в банк", date(2025, 12, 10))
            s.commit()
    finally:
        db.dispose()
    out = centre.put("practices", [row(**{"Название практики": "школа  МОЛОДОГО педагога",
                                          "Результаты": "Новые результаты.",
                                          "Авторы": "Сидоров Борис Олегович"})])
    assert "изменить — 1" in out
    (only,) = stored(centre)
    assert (only.data.status, only.data.decided_on) == ("included", date(2025, 12, 10))
    assert only.data.results == "Новые результаты." and len(only.data.author_ids) == 1
    assert only.data.title == "школа МОЛОДОГО педагога"  # as the school wrote it now
    out = centre.put("practices", [row(**{"Название практики": "школа МОЛОДОГО педагога",
                                          "Результаты": "Новые результаты.",
                                          "Авторы": "Сидоров Борис Олегович"})])
    assert "без изменений — 1" in out


@pytest.mark.parametrize(("values", "where", "reason"), [
    ({"Авторы": "Кузнецов Пётр Ильич"}, "строка 2, столбец B (Авторы)",
     "педагога «Кузнецов Пётр Ильич» нет в реестре"),
    ({"Авторы": "Иванова Анна Сергеевна (01.01.1990)"}, "строка 2, столбец B (Авторы)",
     "педагога «Иванова Анна Сергеевна», 01.01.1990 г. р., нет в реестре"),
    ({"ОО": "МБОУ СОШ № 99"}, "строка 2, столбец C (ОО)", "ОО «МБОУ СОШ № 99» нет в базе"),
    ({"Форма наставничества": "Дистанционное чаепитие"},
     "строка 2, столбец D (Форма наставничества)", "такой формы наставничества нет в базе"),
    ({"Файлы": "нет-такого-файла.pdf"}, "строка 2, столбец I (Файлы)",
     "файл «{folder}/нет-такого-файла.pdf» не найден"),
    ({"Год": 1999}, "строка 2, столбец F (Год)", "Год: ожидается число от 2000 до 2100"),
    ({"Категория наставляемых": "пенсионер"}, "строка 2, столбец E (Категория наставляемых)",
     "«пенсионер» — нет в списке допустимых значений"),
    ({"Авторы": None}, "строка 2, столбец B (Авторы)", "обязательное значение не заполнено"),
])
def test_bad_rows_are_refused_at_their_column(centre: Forms, values: dict[str, object],
                                              where: str, reason: str) -> None:
    refused(centre, [row(**values)], f"{SHEET}, {where}",
                   reason.format(folder=centre.folder))


def test_a_namesake_in_another_school_needs_a_birth_date(centre: Forms) -> None:
    # the practice of a third ОО: neither namesake works there — which one is it?
    centre.put("organisations", [{"Краткое наименование": "МБОУ Лицей"}])
    refused(centre, [row(**{"Авторы": "Петрова Мария Игоревна",
                                        "ОО": "МБОУ Лицей"})],
                   f"{SHEET}, строка 2, столбец B (Авторы)",
                   "в реестре 2 педагога «Петрова Мария Игоревна»: укажите дату рождения в "
                   "скобках")
    centre.put("practices", [row(**{"Авторы": "Петрова Мария Игоревна (30.07.1990)",
                                    "ОО": "МБОУ Лицей"})])
    (only,) = stored(centre)
    db = open_database(centre.db)
    try:
        with db.sessions() as s:
            assert list(practices.author_names(s, only.data.author_ids).values()) == [
                f"Петрова Мария Игоревна — {GARDEN}"]
    finally:
        db.dispose()


def test_one_bad_row_leaves_the_whole_file_out(centre: Forms) -> None:
    before = db_digest(centre.db)
    code, out, err = centre.load(centre.fill("practices", [
        row(), row(**{"Название практики": "Вторая", "Авторы": "Нет Такого Автора"})]))
    assert code == 1 and "строка 3, столбец B (Авторы)" in err
    assert "строка 2" not in err and "база не изменена" in out
    assert db_digest(centre.db) == before


def test_two_rows_of_one_practice_with_different_data_are_refused(centre: Forms) -> None:
    refused(centre, [row(), row(**{"Результаты": "Другие"})],
                   f"{SHEET}, строка 3, столбец A (Название практики)",
                   "практика встречается в строках 2, 3 с разными данными")


def test_a_check_without_writing_leaves_no_copy_behind(centre: Forms, data_home: Path) -> None:
    (centre.folder / "описание.txt").write_text("Описание", encoding="utf-8")
    path = centre.fill("practices", [row(**{"Файлы": "описание.txt"})])
    code, out, _err = centre.load(path, "--dry-run")
    assert code == 0 and "база не изменена" in out
    assert stored(centre) == []
    assert not (data_home / "практики").exists() or not any((data_home / "практики").iterdir())


def test_authors_and_lists_as_a_school_writes_them() -> None:
    assert split_list("Иванова А. С.;  Петров\nСидоров ;") == ["Иванова А. С.", "Петров",
                                                             "Сидоров"]
    assert parse_author("Иванова Анна Сергеевна (12.03.1980)") == (
        "Иванова Анна Сергеевна", date(1980, 3, 12))
    assert parse_author("Иванова Анна Сергеевна, 12.03.1980 г.р.") == (
        "Иванова Анна Сергеевна", date(1980, 3, 12))
    assert parse_author("Иванова Анна (31.02.1980)") == ("Иванова Анна (31.02.1980)", None)
    assert parse_author("Иванова Анна") == ("Иванова Анна", None)
