"""Text longer than an Excel cell holds (32 767 characters) is refused where it comes in — a
form's cell, an exchange book's cell, a field of the window — and by the export, so that
export and import stay exact: a text exactly at the limit goes out and comes back to the
character."""

from __future__ import annotations

import random
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtGui import QGuiApplication

from desktop_app.cli import main
from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from tests.helpers import type_text
from tests.test_exchange_roundtrip import (
    assert_same_books,
    db_digest,
    fill_every_table,
    round_trip,
    table_rows,
)

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Должность", "Примечание"]
MARKER = "ДЛИННЫЙ-ТЕКСТ-ЗДЕСЬ"
LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"


def cyrillic(length: int, seed: int = 1, breaks: bool = False) -> str:
    """Random Cyrillic words (so the text does not compress like a zip bomb)."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < length:
        word = "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 12)))
        sep = "\n" if breaks and rng.random() < 0.05 else " "
        out.append(word + sep)
        size += len(word) + 1
    return "".join(out)[:length - 1] + "я"


def put_text(book: Path, text: str, out: Path) -> Path:
    """A copy of book with MARKER replaced by text in whatever part holds it (openpyxl itself
    would cut a text past the limit on writing, as Excel does)."""
    data = text.encode("utf-8")
    # openpyxl writes non-ASCII text of write-only sheets as character references
    marks = (MARKER.encode(), "".join(c if c < "\x80" else f"&#{ord(c)};" for c in MARKER).encode())
    found = 0
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            part = zin.read(item.filename)
            for mark in marks:
                found += part.count(mark)
                part = part.replace(mark, data)
            zout.writestr(item, part)
    assert found == 1
    return out


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A database with one ОО."""
    path = tmp_path / "base.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    wb = openpyxl.Workbook()
    wb.active.append(["Краткое наименование", "Полное наименование"])
    wb.active.append(["МБОУ СОШ № 1", "Средняя школа № 1"])
    wb.save(tmp_path / "org.xlsx")
    assert main(["--db", str(path), "import", str(tmp_path / "org.xlsx")]) == 0
    return path


def people_form(path: Path, note: str) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Педагоги"
    wb.active.append(HEADER)
    wb.active.append(["Иванова", "Мария", "Петровна", "12.03.1980", "МБОУ СОШ № 1", "учитель",
                      note])
    wb.save(path)
    return path


def stored_notes(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT notes FROM people ORDER BY id")]
    finally:
        con.close()


# a form's cell ------------------------------------------------------------------------------
def test_form_cell_over_the_limit_is_refused(base: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    form = put_text(people_form(tmp_path / "p.xlsx", MARKER), cyrillic(CELL_TEXT_LIMIT + 1),
                    tmp_path / "long.xlsx")
    before = db_digest(base)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(form)]) == 1
    err = capsys.readouterr().err
    assert "лист «Педагоги», строка 2, столбец G (Примечание)" in err, err
    assert "текст из 32\u00a0768 знаков, а в ячейку Excel помещается не больше 32\u00a0767" in err
    assert "… (32 768 знаков)»" in err  # the value shown by its beginning, not whole
    assert len(err) < 2000
    assert db_digest(base) == before


def test_form_cell_at_the_limit_is_kept_whole(base: Path, tmp_path: Path) -> None:
    note = cyrillic(CELL_TEXT_LIMIT, seed=2)
    form = put_text(people_form(tmp_path / "p.xlsx", MARKER), note, tmp_path / "full.xlsx")
    assert main(["--db", str(base), "import", str(form)]) == 0
    assert stored_notes(base) == [note]


# an exchange book's cell --------------------------------------------------------------------
@pytest.fixture
def rich(tmp_path: Path) -> Path:
    path = tmp_path / "rich.sqlite"
    fill_every_table(path)
    return path


def set_note(db: Path, text: str) -> int:
    con = sqlite3.connect(db)
    try:
        pid = con.execute("SELECT min(id) FROM people").fetchone()[0]
        con.execute("UPDATE people SET notes = ? WHERE id = ?", (text, pid))
        con.commit()
        return int(pid)
    finally:
        con.close()


def book_with_note(rich: Path, tmp_path: Path, text: str) -> Path:
    set_note(rich, MARKER)
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0
    return put_text(book, text, tmp_path / "long-book.xlsx")


def new_database(tmp_path: Path) -> Path:
    target = tmp_path / "copy.sqlite"
    assert main(["--db", str(target), "init"]) == 0
    return target


def notes_column(book: Path) -> str:
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        header = next(wb["Педагоги"].iter_rows(max_row=1, values_only=True))
    finally:
        wb.close()
    return openpyxl.utils.get_column_letter(list(header).index("Примечание") + 1)


def test_exchange_cell_over_the_limit_is_refused(rich: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    book = book_with_note(rich, tmp_path, cyrillic(40_000))
    target = new_database(tmp_path)
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(book)]) == 1
    err = capsys.readouterr().err
    column = notes_column(book)
    assert f"лист «Педагоги», строка 2, столбец {column} (Примечание)" in err, err
    assert "текст из 40\u00a0000 знаков, а в ячейку Excel помещается не больше 32\u00a0767" in err
    assert db_digest(target) == before


def test_five_million_characters_are_refused_not_cut(rich: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's book: a 5 000 000-character «Примечание» was taken in, then cut to 32 767
    by the next export. It is refused as it is read, naming the sheet, row and column."""
    book = book_with_note(rich, tmp_path, cyrillic(5_000_000, seed=3))
    target = new_database(tmp_path)
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert f"лист «Педагоги», строка 2, столбец {notes_column(book)}" in err, err
    assert "помещается не больше 32767 знаков" in err
    assert db_digest(target) == before


def test_text_at_the_limit_survives_the_round_trip(rich: Path, tmp_path: Path) -> None:
    """32 767 Cyrillic characters (with line breaks) in «Примечание»: export → a new database
    → export again; the cell of both books and the stored text are the same to the character."""
    note = cyrillic(CELL_TEXT_LIMIT, seed=4, breaks=True)
    pid = set_note(rich, note)
    first, target, second = round_trip(rich, tmp_path)
    assert_same_books(first, second)
    assert table_rows(target) == table_rows(rich)
    column = notes_column(first)
    for book in (first, second):
        wb = openpyxl.load_workbook(book, read_only=True)
        try:
            row = next(r for r in wb["Педагоги"].iter_rows(min_row=2) if r[0].value == pid)
            cell = row[openpyxl.utils.column_index_from_string(column) - 1].value
        finally:
            wb.close()
        assert cell == note and len(cell) == CELL_TEXT_LIMIT
    con = sqlite3.connect(target)
    try:
        assert con.execute("SELECT notes FROM people WHERE id = ?", (pid,)).fetchone()[0] == note
    finally:
        con.close()


def test_export_refuses_text_a_cell_cannot_hold(rich: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A text longer than a cell (stored before the limits, or by another program) is not cut
    by the export: the export is refused naming the sheet, the record and the column."""
    pid = set_note(rich, cyrillic(CELL_TEXT_LIMIT + 1))
    out = tmp_path / "book.xlsx"
    capsys.readouterr()
    assert main(["--db", str(rich), "export", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Выгрузка не сделана" in err, err
    assert (f"лист «Педагоги», код записи {pid}, столбец «Примечание» — 32\u00a0768 знаков"
            in err)
    assert not out.exists() and not list(tmp_path.glob("book.xlsx*"))


# the window's fields ------------------------------------------------------------------------
def paste(edit, text: str) -> None:  # type: ignore[no-untyped-def]
    QGuiApplication.clipboard().setText(text)
    edit.paste()


def test_long_text_fields_of_the_window_hold_a_cell(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    """Notes, achievements, methodical experience, a pair's programme, a document's texts:
    each field stops at the limit and says so in Russian."""
    from desktop_app.ui.common.widgets import LimitedTextEdit
    from desktop_app.ui.pairs.dialogs import PairDialog
    from desktop_app.ui.registry.person_dialog import PersonDialog
    from desktop_app.ui.report_dialog import ReportDialog

    person, pair, report = PersonDialog(db), PairDialog(db), ReportDialog(db)
    for dialog in (person, pair, report):
        qtbot.addWidget(dialog)
    fields = [person.notes, person.achievements, person.methodical_experience, pair.goal_edit,
              pair.tasks_edit, pair.difficulties_edit, pair.results_edit, report.preamble,
              report.points, *report.section_edits.values()]
    assert all(isinstance(f, LimitedTextEdit) for f in fields)
    assert all(f.limit == CELL_TEXT_LIMIT for f in fields)


def test_a_paste_past_the_limit_is_refused_whole(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.person_dialog import PersonDialog

    dialog = PersonDialog(db)
    qtbot.addWidget(dialog)
    notes = dialog.notes
    type_text(notes, "Начало. ")
    paste(notes, "щ" * 40_000)
    assert notes.toPlainText() == "Начало. "
    assert notes.last_refusal == (
        "В поле помещается не больше 32\u00a0767 знаков — столько вмещает ячейка Excel, куда "
        "поле выгружается: вставка не выполнена — в ней 40\u00a0000 знаков, а места осталось "
        "32\u00a0759.")
    paste(notes, "щ" * 32_759)  # exactly what is left
    assert len(notes.toPlainText()) == CELL_TEXT_LIMIT


def test_typing_stops_at_the_limit(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.person_dialog import PersonDialog

    dialog = PersonDialog(db)
    qtbot.addWidget(dialog)
    field = dialog.achievements
    field.setPlainText("ж" * (CELL_TEXT_LIMIT - 1))
    field.moveCursor(field.textCursor().MoveOperation.End)
    type_text(field, "юя")
    assert field.toPlainText() == "ж" * (CELL_TEXT_LIMIT - 1) + "ю"
    assert field.last_refusal.endswith("дальше текст не вводится.")
    field.selectAll()
    type_text(field, "ё")  # a selection typed over makes room
    assert field.toPlainText() == "ё"


def test_line_fields_say_why_a_paste_was_cut(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.organisation_dialog import OrganisationDialog

    dialog = OrganisationDialog(db)
    qtbot.addWidget(dialog)
    paste(dialog.full_name, "ш" * 40_000)
    assert len(dialog.full_name.text()) == CELL_TEXT_LIMIT
    assert dialog.full_name.last_refusal.startswith("В поле помещается не больше 32\u00a0767")
