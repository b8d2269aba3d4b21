"""A form saved by LibreOffice as .ods, or as an Excel 97–2003 book (.xls), goes through the same
import and checks as the .xlsx it came from: the same records land, a formula is refused, a
text that only looks like a formula stays text. A damaged .ods or .xls (cut short, random bytes
with the right name) is refused in Russian naming the file, never with a traceback, and the
database stays as it was.

The program's blank form is written by `metodaktiv template`, filled by openpyxl as a school
fills it, and converted by LibreOffice (its own profile in the test's folder). Marked
`libreoffice` and skipped where soffice is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange.book_file import Formula, open_book
from desktop_app.exchange.safe import ExchangeError
from tests.test_exchange_roundtrip import db_digest, table_rows

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]
SCHOOLS = ["МБОУ СОШ № 1", "МБОУ «Гимназия № 2»"]
PEOPLE: list[dict[str, Any]] = [
    {"Фамилия": "Иванова", "Имя": "Мария", "Отчество": "Петровна", "Дата рождения":
     date(1980, 3, 12), "ОО": SCHOOLS[0], "Должность": "учитель", "Квалификационная категория":
     "высшая", "Начало педагогического стажа": date(2002, 9, 1), "Год окончания": 2002,
     "Управленческие кадры": "нет", "Педагогическое образование": "да",
     "Примечание": "=не формула, а текст"},
    {"Фамилия": "Ёлкин", "Имя": "Пётр", "Дата рождения": "01.02.1975", "ОО": SCHOOLS[1],
     "Должность": "директор", "Год окончания": 1997, "Управленческие кадры": "да",
     "Телефон": "8 913 123 45 67", "Примечание": "две строки\nв одной ячейке"},
    {"Фамилия": "Щукина", "Имя": "Алла", "Отчество": "Юрьевна", "Дата рождения":
     date(1990, 12, 31), "ОО": SCHOOLS[0], "Предмет": "математика",
     "Педагогическое образование": "не указано"},
]


def convert(files: list[Path], to: str, out: Path, profile: Path) -> list[Path]:
    """The files converted by LibreOffice in one run, with its own profile (no clash with an
    office open elsewhere or a test running beside)."""
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", to, "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300)
    converted = [out / f"{f.stem}.{to}" for f in files]
    assert all(p.exists() for p in converted), (to, sorted(out.iterdir()))
    return converted


def fill(db: Path, kind: str, rows: list[dict[str, Any]], out: Path) -> Path:
    """The program's blank form (metodaktiv template), rows typed under their headers; a note
    beginning with «=» typed as text (as Excel does after an apostrophe), elsewhere a formula."""
    assert main(["--db", str(db), "template", kind, "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    titles = [str(c.value).removesuffix(" *") for c in ws[1] if c.value]
    for r, row in enumerate(rows, start=2):
        for title, value in row.items():
            cell = ws.cell(row=r, column=titles.index(title) + 1, value=value)
            if title == "Примечание" and str(value).startswith("="):
                cell.data_type = "s"
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A database with the schools, and the people form as .xlsx, .ods and .xls; a form with a
    formula in each kind too («formula.xlsx» …)."""
    folder = tmp_path_factory.mktemp("formats")
    base = folder / "base.sqlite"
    assert main(["--db", str(base), "init"]) == 0
    orgs = fill(base, "organisations", [{"Краткое наименование": s} for s in SCHOOLS],
                folder / "orgs.xlsx")
    assert main(["--db", str(base), "import", str(orgs)]) == 0
    people = fill(base, "people", PEOPLE, folder / "people.xlsx")
    wrong = [dict(PEOPLE[0]), PEOPLE[1]]
    wrong[0]["Год окончания"] = "=2000+2"
    formula = fill(base, "people", wrong, folder / "formula.xlsx")
    wb = openpyxl.load_workbook(people)
    wb.worksheets[0].merge_cells("A3:B3")  # a row's two cells made one
    merged = folder / "merged.xlsx"
    wb.save(merged)
    profile = folder / "profile"
    made = {"base": base, "xlsx": people, "formula.xlsx": formula, "merged.xlsx": merged}
    for to in ("ods", "xls"):
        out = folder / to
        made[to], made[f"formula.{to}"], made[f"merged.{to}"] = convert(
            [people, formula, merged], to, out, profile)
    return made


def imported(made: dict[str, Path], form: Path, tmp_path: Path,
             capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    """The form imported into a copy of the base: (exit code, what was said, the database)."""
    db = tmp_path / f"{form.suffix[1:]}.sqlite"
    shutil.copy(made["base"], db)
    code = main(["--db", str(db), "import", str(form)])
    said = capsys.readouterr()
    assert "Traceback" not in said.err and "непредвиденная" not in said.err, said.err
    return code, said.out + said.err, db


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_converted_form_lands_the_same_records(made: dict[str, Path], kind: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, said, from_xlsx = imported(made, made["xlsx"], tmp_path, capsys)
    assert code == 0 and "добавлено 3" in said, said
    code, said, converted = imported(made, made[kind], tmp_path, capsys)
    assert code == 0 and "добавлено 3" in said, said
    assert table_rows(converted) == table_rows(from_xlsx)
    rows = table_rows(converted)
    assert any("=не формула, а текст" in row for row in rows["people"])


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls"])
def test_formula_in_any_kind_is_refused(made: dict[str, Path], kind: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    form = made[f"formula.{kind}"]
    before = db_digest(made["base"])
    code, said, db = imported(made, form, tmp_path, capsys)
    assert code == 1, said
    assert "строка 2" in said and "Год окончания" in said and "формула" in said, said
    assert db_digest(db) == before


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls"])
def test_merged_cells_in_any_kind_are_refused(made: dict[str, Path], kind: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, said, db = imported(made, made[f"merged.{kind}"], tmp_path, capsys)
    assert code == 1, said
    assert "A3:B3" in said and "объединённые ячейки в данных" in said, said
    assert db_digest(db) == db_digest(made["base"])


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_reader_gives_the_values_the_xlsx_gives(made: dict[str, Path], kind: str) -> None:
    """Row by row the same values (LibreOffice keeps every value of these forms)."""
    def rows(path: Path) -> list[tuple[Any, ...]]:
        with open_book(path) as book:
            return [row for ws in book.worksheets for row in ws.iter_rows()]
    assert rows(made[kind]) == rows(made["xlsx"])
    formula = [v for row in rows(made[f"formula.{kind}"]) for v in row if isinstance(v, Formula)]
    assert len(formula) == 1 and formula[0].startswith("=")


def damaged(made: dict[str, Path], kind: str, how: str, folder: Path) -> Path:
    data = made[kind].read_bytes()
    out = folder / f"damaged-{how}.{kind}"
    if how == "cut":
        out.write_bytes(data[:len(data) // 2])
    elif how == "random":
        out.write_bytes(os.urandom(len(data)))
    else:  # the right first bytes (a zip, an OLE file), then noise
        out.write_bytes(data[:8] + os.urandom(len(data) - 8))
    return out


@pytest.mark.parametrize("how", ["cut", "random", "head"])
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_damaged_file_is_refused_in_russian(made: dict[str, Path], kind: str, how: str,
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    form = damaged(made, kind, how, tmp_path)
    before = db_digest(made["base"])
    code, said, db = imported(made, form, tmp_path, capsys)
    assert code == 1, said
    assert f"«{form.name}»" in said, said
    assert db_digest(db) == before
    with pytest.raises(ExchangeError, match=form.name):
        open_book(form).close()


def test_other_opendocument_is_not_a_table(made: dict[str, Path], tmp_path: Path) -> None:
    import zipfile

    text = tmp_path / "letter.ods"
    with zipfile.ZipFile(text, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ExchangeError, match="не таблица"):
        open_book(text)
