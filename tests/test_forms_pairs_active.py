"""The pairs and active blank forms keep what a school writes: the actual end of a pair, its
status given or derived by the one written rule (and said so), «не указано» for what was left
blank; every contradiction refused with its sheet, row and column, the database unchanged."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.model import ActiveMember, Pair, Person
from desktop_app.services import active, indicators
from desktop_app.store.database import open_database
from desktop_app.textutil import fmt_date
from tests.blank_forms import Forms
from tests.test_exchange_roundtrip import db_digest

SCHOOL = "МБОУ СОШ № 5"
ONE_TO_ONE = "Традиционное наставничество «один на один»"
TODAY = date.today()
# pair C has begun and not ended on the day of the import, whatever that day is
C_START = TODAY - timedelta(days=60)
C_END = C_START + timedelta(days=240)
PEOPLE = [
    # ФИО, born, pedagogical experience from
    ("Иванова Анна Сергеевна", date(1975, 3, 12), date(1997, 9, 1)),
    ("Сидоров Борис Олегович", date(1978, 6, 5), date(2000, 9, 1)),
    ("Кузнецова Вера Павловна", date(1980, 11, 21), date(2002, 9, 1)),
    ("Петрова Мария Игоревна", date(2001, 2, 14), date(2024, 9, 1)),
    ("Орлов Денис Андреевич", date(2000, 7, 30), date(2024, 9, 1)),
    ("Смирнова Ольга Юрьевна", date(2002, 3, 3), date(2024, 9, 1)),
]
ROW = re.compile(r"^\s*\d+\.\s+(.+?)\s{2,}(\d+)\s+([\d,]+) %$", re.MULTILINE)
BORN = {name: born for name, born, _ in PEOPLE}


def pair_row(mentor: str, mentee: str, start: date, end: date, **more: object) -> dict[str, object]:
    """A row of the pairs form as a school fills it: the people, the form, the two dates."""
    row: dict[str, object] = {
        "ФИО наставника": mentor, "Дата рождения наставника": BORN[mentor],
        "ФИО наставляемого": mentee, "Дата рождения наставляемого": BORN[mentee],
        "Форма наставничества": ONE_TO_ONE, "Дата начала": start, "Дата окончания": end,
    }
    row.update(more)
    return row


@pytest.fixture
def school(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Forms:
    """A database with one ОО and six people, both loaded through the blank forms."""
    forms = Forms(tmp_path / "school.sqlite", tmp_path, capsys)
    forms.put("organisations", [{"Краткое наименование": SCHOOL}])
    forms.put("people", [
        {"Фамилия": name.split()[0], "Имя": name.split()[1], "Отчество": name.split()[2],
         "Дата рождения": born, "ОО": SCHOOL, "Должность": "учитель",
         "Начало педагогического стажа": started}
        for name, born, started in PEOPLE
    ])
    return forms


def the_pairs(forms: Forms) -> Path:
    """A: ended early with its day and reason; B: no status, its planned end passed; C: no
    status, no category, level or model element, begun and still running."""
    return forms.fill("pairs", [
        pair_row("Иванова Анна Сергеевна", "Петрова Мария Игоревна", date(2025, 9, 1),
                 date(2026, 5, 31), **{"Статус": "прекращена досрочно",
                                       "Дата завершения фактическая": date(2025, 12, 15),
                                       "Причина": "переезд наставляемой в другой город",
                                       "Категория наставляемого": "молодой специалист (0–3 года)",
                                       "Элемент модели": "адаптация", "Уровень": "внутри ОО"}),
        pair_row("Сидоров Борис Олегович", "Орлов Денис Андреевич", date(2025, 9, 1),
                 date(2026, 5, 31), **{"Категория наставляемого": "молодой специалист (0–3 года)"}),
        pair_row("Кузнецова Вера Павловна", "Смирнова Ольга Юрьевна", C_START, C_END),
    ])


def i5(forms: Forms, on: date) -> tuple[int, int, list[str]]:
    """A and B of indicator 5 on the date and the people of A (surnames)."""
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            result = {r.code: r for r in indicators.compute_indicators(s, on.year, on)}["I5"]
            drill = indicators.drill_down(s, "I5", on.year, on)
            return result.a, result.b, sorted(r.name.split()[0] for r in drill.a_rows)
    finally:
        db.dispose()


def stored_pairs(forms: Forms) -> dict[str, Pair]:
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            rows = s.execute(select(Pair, Person.last_name).join(
                Person, Person.id == Pair.mentor_id)).all()
            for pair, _ in rows:
                s.expunge(pair)
            return {last: pair for pair, last in rows}
    finally:
        db.dispose()


def test_actual_end_and_derived_status_drive_the_indicators(school: Forms) -> None:
    code, out, err = school.load(the_pairs(school))
    assert code == 0, out + err
    stored = stored_pairs(school)
    a, b, c = stored["Иванова"], stored["Сидоров"], stored["Кузнецова"]
    assert (a.status, a.ended_on, a.end_reason) == (
        "ended_early", date(2025, 12, 15), "переезд наставляемой в другой город")
    # a blank status is the one the dates give on the day of the import, never «планируется»
    assert (b.status, b.ended_on) == ("completed", None)
    assert (c.status, c.ended_on) == ("active", None)
    # before the early end all three young mentees are there, A and B of the running pairs
    assert i5(school, date(2025, 10, 31)) == (2, 3, ["Орлов", "Петрова"])
    # after it Петрова's pair no longer counts (it would until 31.05.2026 without the date)
    assert i5(school, date(2026, 1, 31)) == (1, 3, ["Орлов"])
    # today: the pair begun with no status counts as running («планируется» would not count)
    counted_today = i5(school, TODAY)[2]
    assert "Смирнова" in counted_today and "Петрова" not in counted_today


def test_blank_status_follows_the_written_rule(school: Forms) -> None:
    mentor, mentee = "Иванова Анна Сергеевна", "Петрова Мария Игоревна"
    cases = {  # start: (end, actual end, reason, the status the dates give)
        TODAY + timedelta(days=30): (TODAY + timedelta(days=230), None, "", "planned"),
        TODAY - timedelta(days=30): (TODAY + timedelta(days=150), None, "", "active"),
        date(2025, 1, 15): (date(2025, 10, 31), None, "", "completed"),
        date(2025, 2, 1): (date(2025, 12, 31), date(2025, 6, 30), "болезнь", "ended_early"),
        date(2024, 9, 1): (date(2025, 5, 31), date(2025, 5, 31), "", "completed"),
    }
    rows = []
    for start, (end, ended, reason, _) in cases.items():
        more = {"Дата завершения фактическая": ended, "Причина": reason} if ended else {}
        rows.append(pair_row(mentor, mentee, start, end, **more))
    school.put("pairs", rows)
    db = open_database(school.db)
    try:
        with db.sessions() as s:
            got = {p.start_date: p.status for p in s.scalars(select(Pair))}
    finally:
        db.dispose()
    assert got == {start: case[3] for start, case in cases.items()}


def test_blank_status_derived_is_said_for_each_row(school: Forms, tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    code, out, err = school.load(the_pairs(school), "--report", str(report))
    assert code == 0, out + err
    day = fmt_date(TODAY)
    said_b = (f"лист «Наставнические пары», строка 3, столбец L (Статус): статус не указан — "
              f"по датам на {day} «завершена» (плановое окончание 31.05.2026 прошло)")
    said_c = (f"лист «Наставнические пары», строка 4, столбец L (Статус): статус не указан — "
              f"по датам на {day} «действует» (программа началась {fmt_date(C_START)} и идёт "
              f"до {fmt_date(C_END)})")
    assert said_b in out and said_c in out
    assert "строка 2, столбец L" not in out  # row 2 gave its status
    # the marked report lists the same rows with the same words
    cells = [tuple(r) for ws in openpyxl.load_workbook(report).worksheets
             for r in ws.iter_rows(values_only=True)]
    noted = {(r[1], r[2]): r[4] for r in cells if len(r) >= 5 and r[0] == "Наставнические пары"}
    assert noted[(3, "L (Статус)")].startswith(f"статус не указан — по датам на {day} «завершена»")
    assert noted[(4, "L (Статус)")].startswith(f"статус не указан — по датам на {day} «действует»")
    assert (2, "L (Статус)") not in noted


def test_blank_category_element_level_are_not_guessed(school: Forms) -> None:
    assert school.load(the_pairs(school))[0] == 0
    c = stored_pairs(school)["Кузнецова"]
    assert (c.mentee_category, c.model_element, c.level) == ("unknown", "unknown", "unknown")
    # a later form with the cells still blank keeps what the pair has; filled, it changes
    school.put("pairs", [pair_row("Кузнецова Вера Павловна", "Смирнова Ольга Юрьевна", C_START,
                                  C_END, **{"Уровень": "муниципальный"})])
    c = stored_pairs(school)["Кузнецова"]
    assert (c.mentee_category, c.level, c.status) == ("unknown", "municipal", "active")


def test_known_pair_keeps_its_status_for_a_blank_cell_and_says_so(school: Forms) -> None:
    row = pair_row("Кузнецова Вера Павловна", "Смирнова Ольга Юрьевна", C_START, C_END)
    school.put("pairs", [{**row, "Статус": "планируется"}])  # the school said so
    out = school.put("pairs", [row])
    assert stored_pairs(school)["Кузнецова"].status == "planned"
    assert (f"строка 2, столбец L (Статус): статус не указан — оставлен записанный «планируется», "
            f"хотя по датам на {fmt_date(TODAY)} он «действует»") in out
    # an actual end filled in later: the kept status would contradict it, the dates decide
    ended = TODAY - timedelta(days=5)
    out = school.put("pairs", [{**row, "Дата завершения фактическая": ended,
                                "Причина": "наставник уволился"}])
    c = stored_pairs(school)["Кузнецова"]
    assert (c.status, c.ended_on, c.end_reason) == ("ended_early", ended, "наставник уволился")
    assert "«прекращена досрочно» (фактическое завершение" in out


def test_annual_report_counts_blank_categories_as_not_given(school: Forms,
                                                           tmp_path: Path) -> None:
    # 2025: the pairs A and B of young specialists and one pair whose category was left blank
    school.requisites()
    school.put("pairs", [pair_row("Кузнецова Вера Павловна", "Смирнова Ольга Юрьевна",
                                  date(2025, 2, 1), date(2025, 11, 30))])
    assert school.load(the_pairs(school))[0] == 0
    pdf = tmp_path / "annual.pdf"
    assert main(["--db", str(school.db), "report", "annual", "--year", "2025",
                 "--out", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    table = text[text.index("Пары (группы) по категориям"):]
    table = table[:table.index("Итого")]
    rows = {m[1]: (m[2], m[3]) for m in ROW.finditer(table)}
    # the blank category is a row of its own, not a young specialist: 2 of 3, not 3 of 3
    assert rows["не указано"] == ("1", "33,3")
    assert rows["молодой специалист (0–3 года)"] == ("2", "66,7")



REFUSED = [  # what the row says (besides the people and the form), the column, the reason
    ({"Статус": "прекращена досрочно", "Причина": "переезд"},
     "Дата завершения фактическая", "для статуса «прекращена досрочно» укажите дату"),
    ({"Статус": "прекращена досрочно", "Дата завершения фактическая": date(2025, 12, 15)},
     "Причина", "для статуса «прекращена досрочно» укажите причину"),
    ({"Статус": "действует", "Дата завершения фактическая": date(2025, 12, 15)},
     "Дата завершения фактическая", "статус «действует», но указана дата фактического"),
    ({"Статус": "планируется", "Дата завершения фактическая": date(2025, 12, 15)},
     "Дата завершения фактическая", "статус «планируется», но указана дата фактического"),
    ({"Статус": "завершена", "Дата завершения фактическая": date(2025, 8, 20)},
     "Дата завершения фактическая", "раньше начала программы 01.09.2025"),
    ({"Статус": "завершена", "Дата завершения фактическая": TODAY + timedelta(days=1)},
     "Дата завершения фактическая", "ещё не наступила"),
    ({"Дата окончания": date(2025, 8, 31)},
     "Дата окончания", "плановая дата окончания 31.08.2025 раньше даты начала 01.09.2025"),
    ({"Статус": "прекращена досрочно", "Причина": "болезнь",
      "Дата завершения фактическая": date(2026, 5, 31)},
     "Дата завершения фактическая", "укажите статус «завершена»"),
    ({"Статус": "действует", "Причина": "болезнь"},
     "Причина", "причина указывается только при статусе «прекращена досрочно»"),
    # no status: the dates say «прекращена досрочно», which needs a reason
    ({"Дата завершения фактическая": date(2025, 12, 15)},
     "Причина", f"статус не указан, по датам на {fmt_date(TODAY)} он «прекращена досрочно»"),
]


def test_each_contradiction_refused_with_its_place(school: Forms) -> None:
    letters = {t: openpyxl.utils.get_column_letter(i)
               for i, t in enumerate(school.columns("pairs"), start=1)}
    before = db_digest(school.db)
    for given, column, reason in REFUSED:
        row = pair_row("Иванова Анна Сергеевна", "Петрова Мария Игоревна", date(2025, 9, 1),
                       date(2026, 5, 31))
        row.update(given)
        code, out, err = school.load(school.fill("pairs", [row]))
        where = f"лист «Наставнические пары», строка 2, столбец {letters[column]} ({column})"
        lines = [line for line in err.splitlines() if where in line]
        assert code == 1 and lines and reason in lines[0], (given, err)
        assert "база не изменена" in out
        assert db_digest(school.db) == before, given


def test_a_contradiction_refuses_every_row_of_its_group(school: Forms) -> None:
    before = db_digest(school.db)
    group = {"Статус": "прекращена досрочно", "Дата завершения фактическая": date(2025, 12, 15),
             "Форма наставничества": "Групповое наставничество"}
    rows = [pair_row("Кузнецова Вера Павловна", mentee, date(2025, 9, 1), date(2026, 5, 31),
                     **group) for mentee in ("Петрова Мария Игоревна", "Орлов Денис Андреевич")]
    code, _out, err = school.load(school.fill("pairs", rows))
    assert code == 1 and db_digest(school.db) == before
    for number in (2, 3):
        assert f"строка {number}, столбец M (Причина)" in err
    # only the right rows: the good pair is taken in, the contradictory one is not
    good = pair_row("Иванова Анна Сергеевна", "Смирнова Ольга Юрьевна", date(2025, 9, 1),
                    date(2026, 5, 31), **{"Статус": "завершена"})
    code, _out, _err = school.load(school.fill("pairs", [*rows, good]), "--valid-only")
    assert code == 0
    assert set(stored_pairs(school)) == {"Иванова"}


# the active -------------------------------------------------------------------------------------
def member_row(name: str, **more: object) -> dict[str, object]:
    last, first, middle = name.split()
    row: dict[str, object] = {"Фамилия": last, "Имя": first, "Отчество": middle,
                              "Дата рождения": BORN[name]}
    row.update(more)
    return row


def members(forms: Forms) -> dict[str, str]:
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            return {last: role for last, role in s.execute(
                select(Person.last_name, ActiveMember.role).join(
                    Person, Person.id == ActiveMember.person_id))}
    finally:
        db.dispose()


def test_active_role_left_blank_is_not_given(school: Forms) -> None:
    included = {"Статус": "включён", "Дата включения": date(2025, 3, 1),
                "Номер приказа о включении": "12"}
    school.put("active", [
        member_row("Иванова Анна Сергеевна", **included),
        member_row("Сидоров Борис Олегович", **included, **{"Роль": "координатор"}),
    ])
    assert members(school) == {"Иванова": "unknown", "Сидоров": "coordinator"}
    db = open_database(school.db)
    try:
        with db.sessions() as s:
            comp = active.composition(s, date(2025, 12, 31))
    finally:
        db.dispose()
    assert dict(comp.by_role)["не указано"] == 1 and dict(comp.by_role)["член актива"] == 0
    # a later form with the role still blank keeps the role given since
    school.put("active", [member_row("Сидоров Борис Олегович", **included)])
    assert members(school)["Сидоров"] == "coordinator"
    # the status stays required
    before = db_digest(school.db)
    code, _out, err = school.load(school.fill("active", [member_row("Кузнецова Вера Павловна")]))
    assert code == 1 and db_digest(school.db) == before
    assert "строка 2, столбец E (Статус)" in err and "обязательное значение не заполнено" in err


# shown as «не указано» -------------------------------------------------------------------------
def pair_id(forms: Forms, mentor_last: str) -> int:
    return stored_pairs(forms)[mentor_last].id


def test_pair_dialog_and_list_show_not_given(qtbot, school: Forms) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_app.ui.pairs.dialogs import PairDialog
    from desktop_app.ui.pairs.tab import COLUMNS, PairsTab

    assert school.load(the_pairs(school))[0] == 0
    db = open_database(school.db)
    try:
        dialog = PairDialog(db, pair_id(school, "Кузнецова"))
        qtbot.addWidget(dialog)
        assert dialog.category_box.currentText() == "не указано"
        assert dialog.element_box.currentText() == "не указано"
        assert dialog.level_box.currentText() == "не указано"
        assert dialog.status_box.currentText() == "действует"
        assert not dialog.ended_dated.isChecked() and not dialog.ended_dated.isEnabled()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.saved_id is not None, dialog.notice.text()
        early = PairDialog(db, pair_id(school, "Иванова"))
        qtbot.addWidget(early)
        assert early.ended_dated.isChecked() and early.ended_edit.isEnabled()
        assert early.ended_edit.date().toString("dd.MM.yyyy") == "15.12.2025"
        assert early.reason_edit.text() == "переезд наставляемой в другой город"
        tab = PairsTab(db)
        qtbot.addWidget(tab)
        model, titles = tab.list.model, [c.title for c in COLUMNS]
        shown = {}
        for row in range(model.rowCount()):
            cells = [model.index(row, c).data() for c in range(len(titles))]
            shown[cells[0].split()[0]] = dict(zip(titles, cells, strict=True))
        assert shown["Кузнецова"]["Категория"] == "не указано"
        assert shown["Кузнецова"]["Уровень"] == "не указано"
        assert shown["Кузнецова"]["Статус"] == "действует"
        assert shown["Иванова"]["Категория"] == "молодой специалист (0–3 года)"
    finally:
        db.dispose()
    # saving the dialog kept what the school wrote
    c = stored_pairs(school)["Кузнецова"]
    assert (c.mentee_category, c.model_element, c.level) == ("unknown", "unknown", "unknown")


def test_pair_dialog_ends_a_pair_on_its_actual_day(qtbot, school: Forms) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_app.ui.pairs.dialogs import PairDialog
    from tests.helpers import type_text

    assert school.load(the_pairs(school))[0] == 0
    db = open_database(school.db)
    try:
        dialog = PairDialog(db, pair_id(school, "Кузнецова"))
        qtbot.addWidget(dialog)
        dialog.status_box.setCurrentIndex(dialog.status_box.findText("прекращена досрочно"))
        assert dialog.ended_dated.isChecked() and dialog.ended_edit.isEnabled()
        type_text(dialog.reason_edit, "болезнь наставника")
        dialog.ended_edit.setDate(QDate(C_START.year, C_START.month, C_START.day).addDays(-1))
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.click()
        assert dialog.saved_id is None
        assert "раньше начала программы" in dialog.notice.text()
        day = C_START + timedelta(days=10)
        dialog.ended_edit.setDate(QDate(day.year, day.month, day.day))
        save.click()
        assert dialog.saved_id is not None, dialog.notice.text()
    finally:
        db.dispose()
    c = stored_pairs(school)["Кузнецова"]
    assert (c.status, c.ended_on, c.end_reason) == ("ended_early", day, "болезнь наставника")


def test_programme_card_says_not_given(school: Forms, tmp_path: Path) -> None:
    from tests.test_reports import pdf_text

    school.requisites()
    assert school.load(the_pairs(school))[0] == 0
    out = tmp_path / "programme.pdf"
    assert main(["--db", str(school.db), "report", "programme", "--pair",
                 str(pair_id(school, "Кузнецова")), "--out", str(out)]) == 0
    text = " ".join(pdf_text(out).split())
    assert "Категория наставляемого не указано" in text
    assert "Элемент модели наставничества не указано" in text
    assert "Уровень не указано" in text
