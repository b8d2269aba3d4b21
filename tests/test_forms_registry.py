"""The organisations and people blank forms as a school fills them: the program's own template,
rows typed by openpyxl, the file imported by the command line. A school that closed, a teacher
who left or moved, a teacher taken back are all said on the forms and kept with their history;
the indicators on dates before and after follow; every contradiction is refused with its sheet,
row and column and the database left as it was; a blank is kept as «не указано», never a
guess, and shown so on the candidate form and in the exchange workbook."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.exchange.cells import header_key
from desktop_app.exchange.kinds import KIND_TITLES, ORGANISATIONS, PEOPLE
from desktop_app.exchange.schema import column_title
from desktop_app.exchange.templates import write_template
from desktop_app.model import ChangeLog, Employment, Organisation, Person
from desktop_app.reports import ReportParams, produce
from desktop_app.services import registry, settings
from desktop_app.services.indicators import compute_indicators
from desktop_app.store.database import open_database
from tests.test_exchange_roundtrip import db_digest
from tests.test_reports import pdf_text
from tests.test_reports_lists import SETTINGS, contains

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

Row = Mapping[str, Any]
SCHOOLS = [f"МБОУ СОШ № {n}" for n in range(1, 7)]
ACT = date(2023, 2, 1)


class Forms:
    """A database file and the forms filled for it, imported through the command line."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder, self.capsys = folder, capsys
        self.db = folder / "municipality.sqlite"
        open_database(self.db).dispose()
        self.count = 0

    def fill(self, kind: str, rows: Sequence[Row]) -> Path:
        """The program's blank form of the kind, rows typed under the header titles."""
        self.count += 1
        out = self.folder / f"{self.count:02d}-{kind}.xlsx"
        db = open_database(self.db)
        try:
            write_template(db, kind, out)
        finally:
            db.dispose()
        wb = openpyxl.load_workbook(out)
        ws = wb[KIND_TITLES[kind]]
        titles = [str(c.value).removesuffix(" *") for c in ws[1] if c.value]
        for r, row in enumerate(rows, start=2):
            for title, value in row.items():
                assert title in titles, f"в бланке нет столбца «{title}»: {titles}"
                ws.cell(row=r, column=titles.index(title) + 1, value=value)
        wb.save(out)
        return out

    def load(self, path: Path) -> tuple[int, str, str]:
        code = main(["--db", str(self.db), "import", str(path)])
        out = self.capsys.readouterr()
        assert "Traceback" not in out.err
        return code, out.out, out.err

    def take(self, kind: str, rows: Sequence[Row]) -> str:
        """Fill and import; the import must be taken; its output."""
        code, out, err = self.load(self.fill(kind, rows))
        assert code == 0, out + err
        return out

    def refused(self, kind: str, rows: Sequence[Row], where: str, reason: str) -> None:
        """Fill and import a file that must be refused at `where` (sheet, row, column) with
        `reason`, the database unchanged."""
        before = db_digest(self.db)
        code, out, err = self.load(self.fill(kind, rows))
        assert code == 1, out + err
        lines = [line for line in err.splitlines() if where in line]
        assert lines and any(reason in line for line in lines), err
        assert "база не изменена" in out
        assert db_digest(self.db) == before

    def counts(self, on: date) -> dict[str, tuple[int, int]]:
        db = open_database(self.db)
        try:
            with db.sessions() as s:
                return {r.code: (r.a, r.b) for r in compute_indicators(s, on.year, on)}
        finally:
            db.dispose()

    def person(self, last: str) -> Person:
        db = open_database(self.db)
        try:
            with db.sessions() as s:
                return s.scalars(select(Person).where(Person.last_name == last)).one()
        finally:
            db.dispose()

    def org(self, short: str) -> Organisation:
        db = open_database(self.db)
        try:
            with db.sessions() as s:
                return s.scalars(select(Organisation).where(
                    Organisation.short_name == short)).one()
        finally:
            db.dispose()


SURNAMES = ["Антонова", "Белова", "Васина", "Гусева", "Дёмина", "Ершова", "Жукова", "Зуева",
            "Ильина", "Котова", "Лосева", "Мухина"]


def teacher(last: str, school: str, born: date = date(1980, 5, 6), **more: Any) -> dict[str, Any]:
    return {"Фамилия": last, "Имя": "Анна", "Отчество": "Ивановна", "Дата рождения": born,
            "ОО": school, "Должность": "учитель", "Начало педагогического стажа":
            date(2005, 9, 1), **more}


def staff(n: int, k: int, school: str | None = None, **more: Any) -> dict[str, Any]:
    """The k-th (1, 2) teacher of school n (1…6) of the municipality fixture; school: the ОО
    the row names (its own by default)."""
    return teacher(SURNAMES[(n - 1) * 2 + k - 1], school or SCHOOLS[n - 1],
                   date(1975 + k, 3, n), **more)


def surname(n: int, k: int) -> str:
    return SURNAMES[(n - 1) * 2 + k - 1]


@pytest.fixture
def forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Forms:
    return Forms(tmp_path, capsys)


@pytest.fixture
def municipality(forms: Forms) -> Forms:
    """Six schools (five with the Положение о наставничестве), two teachers in each, one young
    teacher in the first — all through the forms."""
    forms.take("organisations", [
        {"Краткое наименование": name, "Тип организации": "общеобразовательная",
         **({"Дата Положения о наставничестве": ACT} if n < 6 else {})}
        for n, name in enumerate(SCHOOLS, start=1)])
    rows = [staff(n, k) for n in range(1, 7) for k in (1, 2)]
    rows.append(teacher("Молодая", SCHOOLS[0], date(2000, 1, 2),
                        **{"Начало педагогического стажа": date(2023, 9, 1)}))
    forms.take("people", rows)
    return forms


# the forms say everything -------------------------------------------------------------------
def test_blank_forms_have_the_state_columns_with_dropdowns(forms: Forms) -> None:
    for kind, wanted in (("organisations", ("Действует", "Дата закрытия")),
                         ("people", ("Работает", "Дата выбытия", "Дата перевода (приёма)"))):
        ws = openpyxl.load_workbook(forms.fill(kind, []))[KIND_TITLES[kind]]
        titles = [str(c.value) for c in ws[1] if c.value]
        for title in wanted:
            assert title in titles, (kind, title, titles)
        flag = openpyxl.utils.get_column_letter(titles.index(wanted[0]) + 1)
        lists = [dv for dv in ws.data_validations.dataValidation
                 if any(flag in str(r) for r in dv.sqref.ranges)]
        assert lists and lists[0].formula1 == '"да,нет"'
        day = titles.index(wanted[1]) + 1
        assert ws.cell(row=2, column=day).number_format == "DD.MM.YYYY"


@pytest.mark.parametrize("kind", [ORGANISATIONS, PEOPLE], ids=["organisations", "people"])
def test_forms_and_exchange_workbook_name_the_same_fields_alike(kind: Any) -> None:
    """Where a form column is a column of the table, the workbook's title is the form's title
    or one of its aliases: a column copied from the workbook is recognised on the form."""
    table = {"organisations": Organisation, "people": Person}[kind.code].__table__
    for field in kind.fields:
        if field.key not in table.columns:
            continue
        names = {header_key(field.title), *(header_key(a) for a in field.aliases)}
        assert header_key(column_title(table.name, field.key)) in names, field.key


# closing, leaving, moving: the indicators on dates before and after -------------------------
def test_school_closed_teachers_left_and_moved_change_the_indicators(municipality: Forms) -> None:
    forms = municipality
    before_close, after_close = date(2024, 6, 30), date(2024, 9, 30)
    assert forms.counts(before_close)["I1"] == (5, 6)
    assert forms.counts(before_close)["I2"][1] == 13
    out = forms.take("people", [
        staff(5, 1, SCHOOLS[0], **{"Дата перевода (приёма)": date(2024, 9, 1)}),
        staff(5, 2, **{"Работает": "нет", "Дата выбытия": date(2024, 8, 31)}),
        staff(6, 1, **{"Работает": "нет", "Дата выбытия": date(2024, 8, 31)}),
        staff(6, 2, SCHOOLS[5], **{"Дата выбытия": date(2024, 8, 31)}),
        staff(2, 1, SCHOOLS[1], **{"Дата выбытия": date(2024, 3, 15)}),
    ])
    assert "по дате выбытия «нет»: педагог не работает с 15.03.2024" in out
    out = forms.take("organisations", [
        {"Краткое наименование": SCHOOLS[4], "Действует": "нет",
         "Дата закрытия": date(2024, 8, 31)},
        {"Краткое наименование": SCHOOLS[5], "Дата закрытия": date(2024, 8, 31)},
    ])
    assert ("лист «Организации», строка 3, столбец N (Дата закрытия) «31.08.2024»: «Действует» "
            "не заполнено — по дате закрытия «нет»: ОО закрыта с 31.08.2024") in out
    assert "числятся работающими" not in out  # their teachers were moved or left first
    closed = forms.org(SCHOOLS[5])
    assert (closed.is_active, closed.deactivated_on) == (False, date(2024, 8, 31))
    # the schools: six before the closing, four after (one of them without the Положение)
    assert forms.counts(before_close)["I1"] == (5, 6)
    assert forms.counts(after_close)["I1"] == (4, 4)
    assert forms.counts(after_close)["P4"][1] == 4
    # the people: 13 before anyone left; the March leaver counted on 1 March, not on 1 April
    assert forms.counts(date(2024, 3, 1))["I2"][1] == 13
    assert forms.counts(date(2024, 4, 1))["I2"][1] == 12
    assert forms.counts(before_close)["I2"][1] == 12
    # after the closing: 13 − 1 (March) − 3 (left the closed schools); the moved one stays
    assert forms.counts(after_close)["I2"][1] == 9
    assert forms.counts(after_close)["I5"][1] == 1  # the young teacher is still there


def test_move_closes_the_old_place_of_work_on_the_day_and_keeps_it(municipality: Forms) -> None:
    forms = municipality
    moved_on = date(2024, 9, 1)
    out = forms.take("people", [staff(3, 1, SCHOOLS[0], **{
        "Дата перевода (приёма)": moved_on, "Должность": "заместитель директора"})])
    assert "изменить — 1" in out
    person = forms.person(surname(3, 1))
    assert forms.org(SCHOOLS[0]).id == person.organisation_id and person.is_active
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            jobs = registry.job_history(s, person.id)
    finally:
        db.dispose()
    assert [(j.organisation, j.position, j.start_date, j.end_date) for j in jobs] == [
        (SCHOOLS[2], "учитель", None, moved_on),
        (SCHOOLS[0], "заместитель директора", moved_on, None)]
    # the same row again changes nothing
    assert "без изменений — 1" in forms.take("people", [staff(3, 1, SCHOOLS[0], **{
        "Дата перевода (приёма)": moved_on, "Должность": "заместитель директора"})])


def test_move_without_its_date_is_refused(municipality: Forms) -> None:
    municipality.refused(
        "people", [staff(3, 1, SCHOOLS[0])],
        "лист «Педагоги», строка 2, столбец X (Дата перевода (приёма))",
        f"по реестру педагог работает в «{SCHOOLS[2]}»: укажите, с какого дня")


def test_taking_back_a_teacher_and_reopening_a_school_are_recorded(municipality: Forms) -> None:
    forms = municipality
    forms.take("people", [staff(6, 1, SCHOOLS[5],
                                  **{"Дата выбытия": date(2024, 8, 31)}),
                          staff(6, 2, SCHOOLS[5],
                                  **{"Дата выбытия": date(2024, 8, 31)})])
    forms.take("organisations", [{"Краткое наименование": SCHOOLS[5],
                                  "Дата закрытия": date(2024, 8, 31)}])
    out = forms.take("organisations", [{"Краткое наименование": SCHOOLS[5], "Действует": "да"}])
    assert "ОО снова действует (была закрыта 31.08.2024)" in out
    assert forms.org(SCHOOLS[5]).is_active and forms.org(SCHOOLS[5]).deactivated_on is None
    out = forms.take("people", [staff(6, 1, SCHOOLS[5], **{
        "Работает": "да", "Дата перевода (приёма)": date(2025, 1, 13)})])
    assert "педагог снова работает (выбыл(а) 31.08.2024)" in out
    back = forms.person(surname(6, 1))
    assert back.is_active and back.left_on is None
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            jobs = [(j.start_date, j.end_date) for j in registry.job_history(s, back.id)]
            logged = s.scalars(select(ChangeLog.action).where(
                ChangeLog.table_name == "organisations",
                ChangeLog.record_id == forms.org(SCHOOLS[5]).id)).all()
    finally:
        db.dispose()
    assert jobs == [(None, date(2024, 8, 31)), (date(2025, 1, 13), None)]
    assert logged.count("update") == 2  # closed, then reopened: both in the change log
    # of the 13, the other teacher of school 6 is still gone
    assert forms.counts(date(2025, 3, 1))["I2"][1] == 12


# refusals: sheet, row and column; the database as it was --------------------------------------
LATER = date.today() + timedelta(days=40)
REFUSALS = [
    ("organisations", {"Краткое наименование": SCHOOLS[0], "Действует": "да",
                       "Дата закрытия": date(2024, 8, 31)},
     "строка 2, столбец N (Дата закрытия)", "указана, а «Действует» — «да»"),
    ("organisations", {"Краткое наименование": SCHOOLS[0], "Действует": "нет"},
     "строка 2, столбец M (Действует)", "«нет», но не указана «Дата закрытия»"),
    ("organisations", {"Краткое наименование": SCHOOLS[0], "Дата закрытия": LATER},
     "строка 2, столбец N (Дата закрытия)", "ещё не наступила"),
    ("people", staff(1, 1, SCHOOLS[0],
                       **{"Работает": "да", "Дата выбытия": date(2024, 8, 31)}),
     "строка 2, столбец Z (Дата выбытия)", "указана, а «Работает» — «да»"),
    ("people", staff(1, 1, SCHOOLS[0], **{"Работает": "нет"}),
     "строка 2, столбец Y (Работает)", "«нет», но не указана «Дата выбытия»"),
    ("people", staff(1, 1, SCHOOLS[0],
                       **{"Дата выбытия": date(2004, 6, 30)}),
     "строка 2, столбец Z (Дата выбытия)", "раньше начала педагогического стажа (01.09.2005)"),
    ("people", teacher("Новая", SCHOOLS[0], date(1990, 3, 1), **{
        "Начало педагогического стажа": None, "Дата перевода (приёма)": date(2020, 9, 1),
        "Дата выбытия": date(2020, 6, 1)}),
     "строка 2, столбец Z (Дата выбытия)", "раньше даты перевода (приёма) (01.09.2020)"),
    ("people", staff(1, 1, SCHOOLS[0], **{"Дата выбытия": LATER}),
     "строка 2, столбец Z (Дата выбытия)", "ещё не наступила"),
]


@pytest.mark.parametrize(("kind", "row", "where", "reason"), REFUSALS)
def test_contradictions_are_refused_where_they_are(municipality: Forms, kind: str, row: Row,
                                                   where: str, reason: str) -> None:
    municipality.refused(kind, [row], f"лист «{KIND_TITLES[kind]}», {where}", reason)


def test_leaving_before_the_current_job_began_is_refused(municipality: Forms) -> None:
    forms = municipality
    forms.take("people", [staff(3, 1, SCHOOLS[0],
                                  **{"Дата перевода (приёма)": date(2024, 9, 1)})])
    forms.refused("people", [staff(3, 1, SCHOOLS[0],
                                     **{"Дата выбытия": date(2024, 5, 31)})],
                  "лист «Педагоги», строка 2, столбец Z (Дата выбытия)",
                  "раньше начала работы в этой ОО (01.09.2024)")


def test_nobody_works_in_a_closed_school(municipality: Forms) -> None:
    forms = municipality
    forms.take("people", [staff(6, k, SCHOOLS[5],
                                  **{"Дата выбытия": date(2024, 8, 31)}) for k in (1, 2)])
    forms.take("organisations", [{"Краткое наименование": SCHOOLS[5],
                                  "Дата закрытия": date(2024, 8, 31)}])
    forms.refused("people", [teacher("Новикова", SCHOOLS[5], date(1980, 1, 1))],
                  "лист «Педагоги», строка 2, столбец E (ОО)",
                  f"«{SCHOOLS[5]}» закрыта с 31.08.2024: в ней нельзя работать")
    forms.refused("people", [teacher("Новикова", SCHOOLS[5], date(1980, 1, 1),
                                     **{"Дата выбытия": date(2024, 12, 31)})],
                  "лист «Педагоги», строка 2, столбец Z (Дата выбытия)",
                  f"31.12.2024 — позже, чем «{SCHOOLS[5]}» закрыта с 31.08.2024")
    # the closed school is still on the form's list of ОО, after the working ones
    lists = openpyxl.load_workbook(forms.fill("people", []))["Списки"]
    column = next(c for c in lists[1] if c.value == "organisation").column
    names = [r[0] for r in lists.iter_rows(min_row=2, min_col=column, max_col=column,
                                           values_only=True) if r[0]]
    assert names == [*SCHOOLS[:5], SCHOOLS[5]]


def test_registry_refuses_a_leaving_before_the_experience_began(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        org = registry.add_organisation(s, registry.OrganisationInput(short_name=SCHOOLS[0]))
        pid = registry.add_person(s, registry.PersonInput(
            last_name="Ранняя", first_name="Анна", birth_date=date(1980, 1, 1),
            organisation_id=org, ped_experience_start=date(2005, 9, 1)))
    with db.sessions.begin() as s, pytest.raises(registry.Refused,
                                                 match="раньше начала педагогического стажа"):
        registry.dismiss_person(s, pid, date(2004, 6, 30))


def test_closing_a_school_where_people_still_work_says_so(municipality: Forms) -> None:
    out = municipality.take("organisations", [{"Краткое наименование": SCHOOLS[3],
                                               "Дата закрытия": date(2024, 8, 31)}])
    assert "в ОО числятся работающими педагогов: 2" in out


def test_one_file_closes_the_school_and_moves_its_teachers(municipality: Forms) -> None:
    """Both sheets in one file: the organisations sheet is read first; the people sheet then
    moves the teachers and the note about people still working there is taken back."""
    forms = municipality
    orgs = forms.fill("organisations", [{"Краткое наименование": SCHOOLS[3], "Действует": "нет",
                                         "Дата закрытия": date(2024, 8, 31)}])
    people = forms.fill("people", [
        staff(4, k, SCHOOLS[1],
                **{"Дата перевода (приёма)": date(2024, 8, 31)}) for k in (1, 2)])
    both = openpyxl.load_workbook(orgs)
    sheet = both.create_sheet("Педагоги")
    for row in openpyxl.load_workbook(people)["Педагоги"].iter_rows(values_only=True):
        sheet.append(list(row))
    both.save(orgs)
    code, out, err = forms.load(orgs)
    assert code == 0, out + err
    assert "числятся работающими" not in out
    assert forms.person(surname(4, 1)).organisation_id == forms.org(SCHOOLS[1]).id
    assert forms.counts(date(2024, 9, 30))["I2"][1] == 13  # both moved: still counted


# nothing guessed -----------------------------------------------------------------------------
def test_blanks_are_not_guessed_and_show_as_not_given(forms: Forms, tmp_path: Path) -> None:
    forms.take("organisations", [{"Краткое наименование": SCHOOLS[0]}])
    forms.take("people", [{"Фамилия": "Пустова", "Имя": "Вера", "Дата рождения": date(1985, 4, 4),
                           "ОО": SCHOOLS[0]}])
    con = sqlite3.connect(forms.db)
    try:
        stored = con.execute("SELECT education_level, education_pedagogical, category FROM "
                             "people").fetchall()
        kind = con.execute("SELECT kind FROM organisations").fetchall()
    finally:
        con.close()
    assert stored == [("unknown", None, "unknown")] and kind == [("unknown",)]
    # the exchange workbook says «не указано»
    book = tmp_path / "book.xlsx"
    assert main(["--db", str(forms.db), "export", "--out", str(book)]) == 0
    ws = openpyxl.load_workbook(book)["Педагоги"]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert row["Уровень образования"] == "не указано"
    assert row["Педагогическое образование"] == "не указано"
    assert row["Квалификационная категория"] == "не указано"
    orgs = openpyxl.load_workbook(book)["Организации"]
    assert [c.value for c in orgs[2]][[c.value for c in orgs[1]].index("Тип организации")] \
        == "не указано"
    # … and a new database made from the book keeps them not given
    copy = tmp_path / "copy.sqlite"
    open_database(copy).dispose()
    assert main(["--db", str(copy), "import", str(book)]) == 0
    con = sqlite3.connect(copy)
    try:
        assert con.execute("SELECT education_level, education_pedagogical, category FROM "
                           "people").fetchall() == [("unknown", None, "unknown")]
    finally:
        con.close()


def test_a_blank_keeps_a_known_value_and_a_choice_replaces_it(forms: Forms) -> None:
    forms.take("organisations", [{"Краткое наименование": SCHOOLS[0]}])
    known = {"Фамилия": "Зимина", "Имя": "Вера", "Дата рождения": date(1985, 4, 4),
             "ОО": SCHOOLS[0]}
    forms.take("people", [{**known, "Уровень образования": "высшее",
                           "Педагогическое образование": "да",
                           "Квалификационная категория": "без категории"}])
    assert "без изменений — 1" in forms.take("people", [known])
    person = forms.person("Зимина")
    assert (person.education_level, person.education_pedagogical, person.category) == (
        "higher", True, "none")
    forms.take("people", [{**known, "Квалификационная категория": "не указано",
                           "Уровень образования": "не указано",
                           "Педагогическое образование": "не указано"}])
    person = forms.person("Зимина")
    assert (person.education_level, person.education_pedagogical, person.category) == (
        "unknown", None, "unknown")


def test_candidate_form_says_not_given(forms: Forms, tmp_path: Path) -> None:
    forms.take("organisations", [{"Краткое наименование": SCHOOLS[0],
                                  "Полное наименование": "Средняя школа № 1"}])
    forms.take("people", [{"Фамилия": "Пустова", "Имя": "Вера", "Отчество": "Ильинична",
                           "Дата рождения": date(1985, 4, 4), "ОО": SCHOOLS[0],
                           "Должность": "учитель"}])
    forms.take("active", [{"Фамилия": "Пустова", "Имя": "Вера", "Отчество": "Ильинична",
                           "Дата рождения": date(1985, 4, 4), "Статус": "представлен"}])
    db = open_database(forms.db)
    try:
        with db.sessions() as s:
            settings.put(s, SETTINGS)
            s.commit()
            out = tmp_path / "candidates.pdf"
            produce(s, "candidates", ReportParams(on=date(2026, 10, 1)), out)
    finally:
        db.dispose()
    text = pdf_text(out)
    assert contains(text, "уровень образования: не указано")
    assert contains(text, "педагогическое образование: не указано")
    assert contains(text, "квалификационная категория: не указано")
    assert not contains(text, "высшее") and not contains(text, "без квалификационной категории")


def test_person_dialog_offers_not_given(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.person_dialog import PersonDialog

    with db.sessions.begin() as s:
        org = registry.add_organisation(s, registry.OrganisationInput(short_name=SCHOOLS[0]))
    dialog = PersonDialog(db, None)
    qtbot.addWidget(dialog)
    assert dialog.education_level.currentText() == "не указано"
    assert dialog.category.currentText() == "не указано"
    assert dialog.education_pedagogical.currentText() == "не указано"
    dialog.last_name.setText("Петрова")
    dialog.first_name.setText("Нина")
    dialog.organisation.setCurrentIndex(dialog.organisation.findData(org))
    assert dialog.save()
    with db.sessions() as s:
        person = s.get(Person, dialog.person_id)
        assert person is not None
        assert (person.education_level, person.education_pedagogical, person.category) == (
            "unknown", None, "unknown")
    again = PersonDialog(db, dialog.person_id)
    qtbot.addWidget(again)
    assert again.education_pedagogical.currentText() == "не указано"
    again.education_pedagogical.setCurrentIndex(again.education_pedagogical.findText("нет"))
    assert again.save()
    with db.sessions() as s:
        assert s.get(Person, dialog.person_id).education_pedagogical is False  # type: ignore[union-attr]
        jobs = s.scalars(select(Employment)).all()
        assert len(jobs) == 1


def test_registry_list_shows_not_given(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.registry.tab import PEOPLE_COLUMNS, RegistryTab

    with db.sessions.begin() as s:
        org = registry.add_organisation(s, registry.OrganisationInput(short_name=SCHOOLS[0]))
        registry.add_person(s, registry.PersonInput(
            last_name="Петрова", first_name="Нина", birth_date=date(1980, 1, 1),
            organisation_id=org))
    tab = RegistryTab(db)
    qtbot.addWidget(tab)
    column = [c.title for c in PEOPLE_COLUMNS].index("Категория")
    model = tab.people.model
    assert model.data(model.index(0, column)) == "не указано"
    assert tab.f_category.findText("не указано") >= 0


def test_not_given_does_not_meet_the_requirements_of_the_active() -> None:
    from desktop_app.services.active import check_eligibility

    common = dict(experience_start=date(2005, 9, 1), ground_count=1, min_years=5,
                  on=date(2025, 1, 1))
    by_category = check_eligibility(category="unknown", pedagogical_education=True,
                                    requirement="category", **common)  # type: ignore[arg-type]
    assert not by_category.eligible
    assert "квалификационная категория не указана" in by_category.reasons
    by_education = check_eligibility(category="first", pedagogical_education=None,
                                     requirement="ped_education", **common)  # type: ignore[arg-type]
    assert not by_education.eligible
    assert "педагогическое образование не указано" in by_education.reasons
