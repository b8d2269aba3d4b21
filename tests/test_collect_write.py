"""Starting a collection round: `collect start` writes a workbook per ОО working on the date,
pre-filled with its own data as the blank forms' columns, and records what was sent — or, when
refused or failing, writes and records nothing."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.exchange.book_file import open_book as open_workbook
from desktop_app.exchange.importer import LISTS_SHEET
from desktop_app.exchange.reader import SheetReader
from desktop_app.exchange.rounds import write as round_write
from desktop_app.exchange.rounds.spec import (
    CODE,
    GUIDE_SHEET,
    ROUND_SHEET,
    SHEETS,
    RoundError,
    Snapshot,
    canon,
    code_of,
    read_header,
    take_snapshot,
)
from desktop_app.exchange.rounds.write import file_names, start_round
from desktop_app.exchange.templates import write_template
from desktop_app.model import CollectionRound, RoundFile
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest

ON = date(2026, 11, 1)  # the demo's own «today»
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def sql(path: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(statement, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


@pytest.fixture
def prepared(base: Path) -> dict[str, int]:
    """The small demo with an ОО closed before the date, one closed after it, a teacher who left
    after the date (still on the staff then) and the demo's teacher who left before it."""
    sql(base, "UPDATE organisations SET is_active = 0, deactivated_on = '2026-09-01' "
              "WHERE id = 6")
    sql(base, "UPDATE organisations SET is_active = 0, deactivated_on = '2026-12-01' "
              "WHERE id = 5")
    later = sql(base, "SELECT id FROM people WHERE organisation_id = 1 AND is_active = 1 "
                      "ORDER BY id LIMIT 1")[0][0]
    sql(base, "UPDATE people SET is_active = 0, left_on = '2026-11-20' WHERE id = ?", later)
    before = sql(base, "SELECT id FROM people WHERE is_active = 0 AND left_on < '2026-11-01'")
    assert before, "the small demo has a teacher who left before the date"
    return {"closed_org": 6, "closed_after": 5, "left_after": int(str(later)),
            "left_before": int(str(before[0][0]))}


def start(base: Path, out: Path, *extra: str) -> int:
    return main(["--db", str(base), "collect", "start", "--date", "01.11.2026", "--out",
                 str(out), *extra])


def working(base: Path) -> dict[int, str]:
    rows = sql(base, "SELECT id, short_name FROM organisations WHERE is_active = 1 "
                     "OR deactivated_on > '2026-11-01'")
    return {int(str(i)): str(n) for i, n in rows}


def rounds(base: Path) -> tuple[int, int]:
    return (sql(base, "SELECT count(*) FROM collection_rounds")[0][0],  # type: ignore[return-value]
            sql(base, "SELECT count(*) FROM round_files")[0][0])


def headers(ws: object) -> list[str]:
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1)) if c.value]  # type: ignore[attr-defined]


def test_start_writes_a_file_per_working_org(base: Path, prepared: dict[str, int],
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "сбор"
    assert start(base, out, "--deadline", "15.12.2026") == 0
    printed = capsys.readouterr().out
    orgs = working(base)
    assert prepared["closed_org"] not in orgs and prepared["closed_after"] in orgs
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(file_names(list(orgs.values())))
    assert "Сбор сведений № 1 на 01.11.2026 начат: файлов 5" in printed
    assert "срок возврата — 15.12.2026" in printed
    db = open_database(base)
    try:
        with db.sessions() as s:
            collection = s.scalars(select(CollectionRound)).one()
            assert (collection.on_date, collection.deadline) == (ON, date(2026, 12, 15))
            assert len(collection.secret) == 64
            files = {f.organisation_id: f for f in collection.files}
            assert set(files) == set(orgs)
            for org_id, sent in files.items():
                assert f"{sent.file_name}: {orgs[org_id]}" in printed
                snapshot = Snapshot.from_json(sent.snapshot)
                assert sent.fingerprint == snapshot.fingerprint()
                assert sent.fingerprint == take_snapshot(s, org_id, ON).fingerprint()
                book = openpyxl.load_workbook(out / sent.file_name)
                header = read_header(book[ROUND_SHEET].iter_rows(values_only=True))
                assert header.verified(collection.secret)
                assert (header.round_id, header.org_id, header.on) == (collection.id, org_id, ON)
                assert header.fingerprint == sent.fingerprint
                assert header.org_name == orgs[org_id]
    finally:
        db.dispose()


def test_the_school_sees_its_own_data_as_the_blank_forms(base: Path, prepared: dict[str, int],
                                                        tmp_path: Path) -> None:
    out = tmp_path / "сбор"
    assert start(base, out, "--deadline", "15.12.2026") == 0
    name = file_names(["МБОУ «СОШ № 1»"])[0]
    book = openpyxl.load_workbook(out / name)
    assert book.sheetnames == [GUIDE_SHEET, *(s.title for s in SHEETS), LISTS_SHEET, ROUND_SHEET]
    assert book.active.title == GUIDE_SHEET
    guide = " ".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row
                     if c.value)
    for words in ("01.11.2026", "МБОУ «СОШ № 1»", "до 15.12.2026", "«Работает»",
                  "«Дата выбытия»", "«Дата перевода (приёма)»", "«Код записи»",
                  "«Дата завершения фактическая»", "Строку педагога не удаляйте",
                  "Не переименовывайте"):
        assert words in guide, words
    assert book[LISTS_SHEET].sheet_state == "hidden"
    hidden = book[ROUND_SHEET]
    assert hidden.sheet_state == "veryHidden"
    assert hidden.protection.sheet and hidden.protection.password

    db = open_database(base)
    try:
        for sheet in SHEETS:
            form = tmp_path / f"{sheet.kind}.xlsx"
            write_template(db, sheet.kind, form)
            blank = openpyxl.load_workbook(form).worksheets[0]
            ws = book[sheet.title]
            assert headers(ws) == [*headers(blank), CODE.title], sheet.title
            assert ws.freeze_panes == "A2"
            row1 = next(ws.iter_rows(min_row=1, max_row=1))
            assert all(c.comment is not None and c.comment.text for c in row1 if c.value)
    finally:
        db.dispose()

    staff = book["Педагоги"]
    titles = headers(staff)
    col = {t.rstrip(" *"): i for i, t in enumerate(titles)}
    rows = [r for r in staff.iter_rows(min_row=2, values_only=True) if any(r)]
    codes = [r[col[CODE.title]] for r in rows]
    expected = sql(base, "SELECT id FROM people WHERE organisation_id = 1 AND "
                         "(is_active = 1 OR left_on > '2026-11-01')")
    assert sorted(codes) == sorted(code_of("people", int(str(i))) for (i,) in expected)
    assert code_of("people", prepared["left_after"]) in codes
    left = {r[col["Работает"]] for r in rows if r[col[CODE.title]] == code_of(
        "people", prepared["left_after"])}
    assert left == {"нет"}
    person = sql(base, "SELECT last_name, birth_date, category FROM people WHERE id = ?",
                 int(str(codes[0]).split("-")[1]))[0]
    first = rows[0]
    assert first[col["Фамилия"]] == person[0]
    assert first[col["Дата рождения"]].date() == date.fromisoformat(str(person[1]))
    category = first[col["Квалификационная категория"]]
    assert category not in (None, person[2])  # the label, not the code
    assert first[col["ОО"]] == "МБОУ «СОШ № 1»"
    assert first[col["Педагогическое образование"]] in ("да", "нет", "не указано")
    birth = staff.cell(row=2, column=col["Дата рождения"] + 1)
    assert birth.number_format == "DD.MM.YYYY" and birth.is_date
    code_cell = staff.cell(row=2, column=col[CODE.title] + 1)
    assert code_cell.fill.fgColor.rgb.endswith("E4E4E4")

    validations = {str(dv.sqref): str(dv.formula1) for dv in
                   staff.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(col["Квалификационная категория"] + 1)
    area = f"{letter}2:{letter}{len(rows) + round_write.NEW_ROWS + 1}"
    assert area in validations and validations[area].startswith("'Списки'!")
    yes_no = openpyxl.utils.get_column_letter(col["Работает"] + 1)
    assert any(f.startswith(yes_no) and v == '"да,нет"' for f, v in validations.items())


def test_a_file_read_back_unchanged_is_what_was_sent(base: Path, prepared: dict[str, int],
                                                    tmp_path: Path) -> None:
    """Every cell of every file, read as the blank forms are read, gives the snapshot's text
    back: an unchanged return shows no change."""
    del prepared
    out = tmp_path / "сбор"
    db = open_database(base, lock=True)
    try:
        result = start_round(db, ON, out, today=ON)
        with db.sessions() as s:
            sent = {f.organisation_id: Snapshot.from_json(f.snapshot)
                    for f in s.scalars(select(RoundFile))}
    finally:
        db.dispose()
    assert sum(f.people for f in result.files) > 0 and sum(f.pairs for f in result.files) > 0
    assert sum(f.participations for f in result.files) > 0
    for file in result.files:
        book = open_workbook(file.path)
        for sheet in SHEETS:
            read = SheetReader(sheet.title, sheet.fields, date(2026, 12, 31)).read(
                book[sheet.title].iter_rows())
            assert not read.errors
            got = {values[CODE.key]: {f.key: canon(values.get(f.key))
                                      for f in sheet.form_fields}
                   for _row, values in read.rows}
            assert got == sent[file.org_id].rows[sheet.kind], (file.path.name, sheet.title)
        assert file.people == len(sent[file.org_id].rows["people"])


def test_a_file_of_the_same_name_refuses_the_round(base: Path, prepared: dict[str, int],
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    del prepared
    out = tmp_path / "сбор"
    out.mkdir()
    taken = out / file_names(["МБОУ «СОШ № 2»"])[0]
    taken.write_bytes(b"the school's own file")
    before = db_digest(base)
    assert start(base, out) == 1
    err = capsys.readouterr().err
    assert "Ошибка: В папке" in err and "уже есть" in err and "МБОУ «СОШ № 2»" in err
    assert [p.name for p in out.iterdir()] == [taken.name]
    assert taken.read_bytes() == b"the school's own file"
    assert db_digest(base) == before and rounds(base) == (0, 0)


def test_dates_refused_as_report_refuses_them(base: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "сбор"
    before = db_digest(base)
    assert main(["--db", str(base), "collect", "start", "--date", "01.01.2101", "--out",
                 str(out)]) == 1
    assert "Ошибка: Дата 01.01.2101 (--date): год ожидается от 2000 до 2100." in \
        capsys.readouterr().err
    future = date.today().replace(year=date.today().year + 1)
    assert main(["--db", str(base), "collect", "start", "--date", future.strftime("%d.%m.%Y"),
                 "--out", str(out)]) == 1
    assert "ещё не наступила" in capsys.readouterr().err
    assert start(base, out, "--deadline", "01.10.2026") == 1
    assert "Срок возврата 01.10.2026 раньше даты сбора сведений 01.11.2026" in \
        capsys.readouterr().err
    assert not out.exists() and db_digest(base) == before


def test_no_working_org_refused(base: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    sql(base, "UPDATE organisations SET is_active = 0, deactivated_on = '2026-01-01'")
    out = tmp_path / "сбор"
    assert start(base, out) == 1
    assert "нет ни одной образовательной организации, действующей на 01.11.2026" in \
        capsys.readouterr().err
    assert not out.exists() and rounds(base) == (0, 0)


def test_a_full_disk_midway_leaves_nothing(base: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The third file fails for lack of room: the two written are removed, nothing recorded."""
    written = round_write._RoundBook.write
    calls: list[Path] = []

    def failing(self: object, path: Path, *args: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written(self, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(round_write._RoundBook, "write", failing)
    out = tmp_path / "сбор"
    out.mkdir()
    assert start(base, out) == 1
    err = capsys.readouterr().err
    assert "Сбор сведений не начат. Не хватает места на диске" in err
    assert "Записанные файлы этого сбора удалены" in err
    assert list(out.iterdir()) == [] and rounds(base) == (0, 0)


def test_read_only_refused(base: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(base), "--read-only", "collect", "start", "--date", "01.11.2026",
                 "--out", str(tmp_path / "сбор")]) == 1
    assert "только для чтения" in capsys.readouterr().err and rounds(base) == (0, 0)


def test_file_names_are_safe_and_distinct_on_windows() -> None:
    names = file_names(['МБОУ "СОШ" № 1/2', "CON", "con.", "Школа?", "Школа*", " . ",
                        "ДОУ «Сказка».", "ДОУ «СКАЗКА»"])
    assert names == ["МБОУ _СОШ_ № 1_2.xlsx", "CON_.xlsx", "con_ (2).xlsx", "Школа_.xlsx",
                     "Школа_ (2).xlsx", "ОО.xlsx", "ДОУ «Сказка».xlsx", "ДОУ «СКАЗКА» (2).xlsx"]
    assert all(len(n) <= round_write.MAX_STEM + 5 for n in file_names(["Я" * 400]))


def test_service_refusals_are_round_errors(base: Path, tmp_path: Path) -> None:
    db = open_database(base, lock=True)
    try:
        with pytest.raises(RoundError, match="ещё не наступила"):
            start_round(db, ON, tmp_path / "a", today=date(2026, 10, 1))
        file = tmp_path / "файл"
        file.write_text("x")
        with pytest.raises(RoundError, match="это файл, а нужна папка"):
            start_round(db, ON, file, today=ON)
    finally:
        db.dispose()


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_a_round_file(base: Path, tmp_path: Path) -> None:
    """LibreOffice Calc opens a written file: its first sheet (the guide) read back as CSV, and
    the whole book printed to PDF with the staff's names in it."""
    from tests.test_reports_libreoffice import convert

    out = tmp_path / "сбор"
    assert start(base, out) == 0
    book = out / file_names(["МБОУ «СОШ № 1»"])[0]
    plain = tmp_path / "school.xlsx"  # a plain name for LibreOffice's output files
    shutil.copyfile(book, plain)
    convert([plain], tmp_path / "csv", tmp_path / "profile",
            "csv:Text - txt - csv (StarCalc):44,34,76,1")
    guide = (tmp_path / "csv" / "school.csv").read_text(encoding="utf-8")
    assert "Сбор сведений на 01.11.2026: МБОУ «СОШ № 1»" in guide
    assert "Как добавить педагога, пару или участие" in guide
    convert([plain], tmp_path / "pdf", tmp_path / "profile")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "pdf" / "school.pdf"),
                           "-"], check=True, capture_output=True, text=True,
                          encoding="utf-8").stdout
    surname = sql(base, "SELECT last_name FROM people WHERE organisation_id = 1 AND "
                        "is_active = 1 ORDER BY sort_key LIMIT 1")[0][0]
    assert str(surname) in text and "Код записи" in text
