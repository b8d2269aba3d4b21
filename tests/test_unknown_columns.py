"""A column a school added to a blank form is skipped with a remark, the rest is taken in; a
missing required column is still refused; the exchange book's columns stay strict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.exchange.importer import import_file
from desktop_app.model import Person
from desktop_app.store.database import open_database
from desktop_app.ui.import_dialog import ImportDialog
from tests.test_exchange_roundtrip import db_digest, fill_every_table
from tests.test_import_bad_input import HEADER, base, write  # noqa: F401  (fixture)

NOTE = "столбец не из бланка — пропущен"


def people(path: Path) -> dict[str, tuple[str, str, str]]:
    """Surname → (organisation id as text, position, notes) of every person in the database."""
    db = open_database(path)
    try:
        with db.sessions() as session:
            return {p.last_name: (str(p.organisation_id), p.position, p.notes)
                    for p in session.scalars(select(Person))}
    finally:
        db.dispose()


def filled_template(base: Path, tmp_path: Path, extra: dict[int, str]) -> Path:  # noqa: F811
    """The program's own people form with columns inserted (position → title) and one row."""
    form = tmp_path / "form.xlsx"
    assert main(["--db", str(base), "template", "people", "--out", str(form)]) == 0
    wb = openpyxl.load_workbook(form)
    ws = wb["Педагоги"]
    for position, title in sorted(extra.items()):
        ws.insert_cols(position)
        ws.cell(row=1, column=position).value = title
    titles = [str(c.value or "").rstrip(" *") for c in ws[1]]  # «Фамилия *»: required
    values = {"Фамилия": "Иванова", "Имя": "Мария", "Отчество": "Петровна",
              "Дата рождения": "12.03.1980", "ОО": "МБОУ СОШ № 1", "Должность": "учитель",
              "Примечание директора": "отличный педагог", "№": 1, "Стаж в школе": "12 лет"}
    for title, value in values.items():
        if title in titles:
            ws.cell(row=2, column=titles.index(title) + 1).value = value
    out = tmp_path / "filled.xlsx"
    wb.save(out)
    return out


def test_extra_columns_of_a_school_are_skipped_with_a_remark(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    filled = filled_template(base, tmp_path, {1: "№", 3: "Примечание директора",
                                              30: "Стаж в школе"})
    letters = {c.value: c.column_letter for c in openpyxl.load_workbook(filled)["Педагоги"][1]}
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(filled)]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and not out.err.strip()
    assert "Замечания (загрузке не мешают):" in out.out
    assert (f"лист «Педагоги», строка 1, столбец {letters['Примечание директора']} «Примечание "
            f"директора»: {NOTE}") in out.out
    assert (f"лист «Педагоги», строка 1, столбец {letters['Стаж в школе']} «Стаж в школе»: "
            f"{NOTE}") in out.out
    assert "«№»" not in out.out  # a number column is a form's own habit: skipped silently
    assert "Загружено: добавлено 1" in out.out
    ivanova = people(base)["Иванова"]
    assert ivanova[1] == "учитель" and "отличный" not in ivanova[2] and "лет" not in ivanova[2]


def test_dry_run_and_report_show_the_remark(base: Path, tmp_path: Path,  # noqa: F811
                                            capsys: pytest.CaptureFixture[str]) -> None:
    rows = [[*HEADER, "Примечание директора"],
            ["Иванова", "Мария", "Петровна", "12.03.1980", "МБОУ СОШ № 1", "учитель", 2002,
             "в декрете"]]
    book = write(tmp_path / "u.xlsx", rows)
    report = tmp_path / "report.xlsx"
    before = db_digest(base)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book), "--dry-run", "--report",
                 str(report)]) == 0
    assert db_digest(base) == before
    assert f"лист «Sheet», строка 1, столбец H «Примечание директора»: {NOTE}" in \
        capsys.readouterr().out
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:2] == ["Отказы", "Замечания"]
    listed = list(wb["Замечания"].iter_rows(values_only=True))
    assert listed == [("Лист", "Строка", "Столбец", "Значение", "Замечание"),
                      ("Sheet", 1, "H", "Примечание директора", NOTE)]
    assert list(wb["Отказы"].iter_rows(values_only=True))[1:] == []


def test_report_without_remarks_has_no_remarks_sheet(base: Path, tmp_path: Path) -> None:  # noqa: F811
    book = write(tmp_path / "ok.xlsx", [HEADER, ["Иванова", "Мария", "Петровна", "12.03.1980",
                                                 "МБОУ СОШ № 1", "учитель", 2002]])
    report = tmp_path / "report.xlsx"
    assert main(["--db", str(base), "import", str(book), "--report", str(report)]) == 0
    assert openpyxl.load_workbook(report).sheetnames == ["Отказы"]


def test_missing_required_column_still_refused(base: Path, tmp_path: Path,  # noqa: F811
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Фамилия", "Имя", "ОО", "Примечание директора"],
            ["Иванова", "Мария", "МБОУ СОШ № 1", "в декрете"]]
    book = write(tmp_path / "m.xlsx", rows)
    before = db_digest(base)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book)]) == 1
    out = capsys.readouterr()
    assert "нет обязательного столбца «Дата рождения»" in out.err
    assert f"столбец D «Примечание директора»: {NOTE}" in out.out  # said, though refused
    assert db_digest(base) == before


def test_merged_cells_within_an_extra_column_do_not_matter(
        base: Path, tmp_path: Path) -> None:  # noqa: F811
    rows = [[*HEADER, "Примечание директора"],
            ["Иванова", "Мария", "Петровна", "12.03.1980", "МБОУ СОШ № 1", "учитель", 2002,
             "обе — в декрете"],
            ["Смирнова", "Ольга", "Ивановна", "01.02.1985", "МБОУ СОШ № 1", "учитель", 2007,
             None]]
    book = write(tmp_path / "merged.xlsx", rows, merge="H2:H3")
    db = open_database(base)
    try:
        result = import_file(db, book)
    finally:
        db.dispose()
    assert result.applied and result.added == 2 and not result.errors
    assert [(n.column, n.value) for n in result.notes] == [("H", "Примечание директора")]
    across = write(tmp_path / "across.xlsx", rows, merge="F2:H2")  # a column of the form too
    db = open_database(base)
    try:
        result = import_file(db, across)
    finally:
        db.dispose()
    assert not result.applied and "объединённые ячейки" in result.fatal[0].reason


def test_exchange_book_columns_stay_strict(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The book is the program's own format: a column it does not know would be data lost
    without a word (a newer program's column, a sheet edited by hand), so it refuses."""
    rich = tmp_path / "rich.sqlite"
    fill_every_table(rich)
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(rich), "export", "--out", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["Курсы"]
    ws.cell(row=1, column=ws.max_column + 1).value = "Примечание директора"
    letter = openpyxl.utils.get_column_letter(ws.max_column)
    wb.save(tmp_path / "extra.xlsx")
    target = tmp_path / "copy.sqlite"
    open_database(target).dispose()
    before = db_digest(target)
    capsys.readouterr()
    assert main(["--db", str(target), "import", str(tmp_path / "extra.xlsx")]) == 1
    err = capsys.readouterr().err
    assert f"лист «Курсы», строка 1, столбец {letter} «Примечание директора»: неизвестный " \
        "столбец" in err
    assert db_digest(target) == before


def test_window_shows_the_remarks_and_imports(qtbot: Any, base: Path,  # noqa: F811
                                              tmp_path: Path,
                                              no_blocking_message_boxes: list[Any]) -> None:
    rows = [["№", *HEADER, "Примечание директора"],
            [1, "Иванова", "Мария", "Петровна", "12.03.1980", "МБОУ СОШ № 1", "учитель", 2002,
             "в декрете"]]
    book = write(tmp_path / "u.xlsx", rows)
    db = open_database(base)
    try:
        dialog = ImportDialog(db, book, import_file(db, book, dry_run=True))
        qtbot.addWidget(dialog)
        titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        assert titles[0] == "Отклонено (0)" and titles[-1] == "Замечания (1)"
        assert dialog.notes is not None
        model = dialog.notes.model
        assert [model.index(0, c).data() for c in range(5)] == [
            "Sheet", "1", "I", "Примечание директора", NOTE]
        assert NOTE in dialog.summary.text()
        assert dialog.import_all.isEnabled()
        with qtbot.waitSignal(dialog.accepted, timeout=20000):
            qtbot.mouseClick(dialog.import_all, Qt.MouseButton.LeftButton)
        assert dialog.result is not None and dialog.result.applied
        assert NOTE in dialog.result.summary()
    finally:
        db.dispose()
    assert "Иванова" in people(base)


def test_window_without_remarks_has_no_remarks_tab(qtbot: Any, base: Path,  # noqa: F811
                                                   tmp_path: Path) -> None:
    book = write(tmp_path / "ok.xlsx", [HEADER, ["Иванова", "Мария", "Петровна", "12.03.1980",
                                                 "МБОУ СОШ № 1", "учитель", 2002]])
    db = open_database(base)
    try:
        dialog = ImportDialog(db, book, import_file(db, book, dry_run=True))
        qtbot.addWidget(dialog)
        assert dialog.notes is None and dialog.tabs.count() == 2
        assert "Замечания" not in dialog.summary.text()
    finally:
        db.dispose()
