"""The annual report as a committee checks it: every number of the text found in a table or in
the indicator table, the deficit table balancing, the chart agreeing with the table, and the
Word copy with real heading styles and a real (editable) chart."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from sqlalchemy import select

from desktop_app.model import (
    Deficit,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Person,
    Satisfaction,
)
from desktop_app.reports import ReportParams, build, produce, queries
from desktop_app.reports.annual import indicator_chart
from desktop_app.reports.docmodel import Chart, Document, Heading, Para, Table
from desktop_app.reports.docx_writer import write_docx
from desktop_app.reports.pdf import chart_drawing
from desktop_app.services.indicators import IndicatorResult, compute_indicators, set_plan
from desktop_app.textutil import fmt_number, fmt_percent
from tests import doctext
from tests.test_reports import _person

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

YEAR = 2024
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


@dataclass(frozen=True)
class World:
    """What the scenario holds, for the expectations."""

    pairs_ran: int
    pairs_of_active_orgs: int


def _pair(session, mentor: Person, mentees: list[Person], start: date, end: date,  # type: ignore[no-untyped-def]
          status: str = "active", category: str = "young") -> Pair:
    form = session.scalars(select(MentorshipForm).order_by(MentorshipForm.position)).first()
    pair = Pair(mentor_id=mentor.id, form_id=form.id, start_date=start, end_date=end,
                status=status, mentee_category=category)
    pair.mentees = [PairMentee(person_id=m.id) for m in mentees]
    session.add(pair)
    session.flush()
    return pair


def _deficit(session, person: Person, area: str, found: date,  # type: ignore[no-untyped-def]
             overcome: date | None = None) -> None:
    session.add(Deficit(person_id=person.id, area=area, title=f"{area} {found}", found_on=found,
                        overcome_on=overcome, state="overcome" if overcome else "found"))


def build_world(session) -> World:  # type: ignore[no-untyped-def]
    """Three active ОО and one closed in 2024; a person who is mentor and mentee, a mentee of
    two pairs, a mentor who left, a pair whose mentor's ОО is closed; deficits found and
    overcome before, within and after 2024 (one with its overcome date before its found date);
    three questionnaires; no P4 plan for 2024."""
    school = Organisation(short_name="МБОУ «Лицей № 3»", mentoring_act_date=date(2023, 1, 10),
                          mentoring_act_number="4-од", mentoring_programme_date=date(2024, 2, 1))
    late = Organisation(short_name="МБОУ «ООШ № 5»", mentoring_act_date=date(2025, 3, 1),
                        mentoring_act_number="9")
    garden = Organisation(short_name="МАДОУ «Детский сад № 2»")
    closed = Organisation(short_name="МБОУ «Закрытая школа»", is_active=False,
                          deactivated_on=date(2024, 6, 1))
    session.add_all([school, late, garden, closed])
    session.flush()
    young = {"birth_date": date(2000, 1, 1), "ped_experience_start": date(2023, 9, 1)}
    mentor_a = _person(session, "Алексеева", "Анна", "Ивановна", school, "учитель",
                       category="highest", ped_experience_start=date(2000, 9, 1))
    both = _person(session, "Борисова", "Бэла", "Олеговна", school, "учитель",
                   category="first", ped_experience_start=date(2016, 9, 1))
    mentor_b = _person(session, "Васильева", "Вера", "Петровна", late, "учитель",
                       category="first", ped_experience_start=date(2012, 9, 1))
    twice = _person(session, "Громова", "Галина", "Сергеевна", school, "учитель", **young)
    other = _person(session, "Дёмина", "Дарья", "Юрьевна", late, "учитель", **young)
    _person(session, "Егорова", "Елена", "Андреевна", garden, "воспитатель")
    leaver = _person(session, "Жуков", "Иван", "Ильич", school, "учитель", category="first",
                     is_active=False, left_on=date(2024, 10, 1))
    outsider = _person(session, "Зотова", "Зоя", "Павловна", closed, "учитель")
    _pair(session, mentor_a, [twice, other], date(2024, 9, 1), date(2025, 5, 31))
    _pair(session, mentor_b, [both], date(2024, 1, 15), date(2024, 12, 31), "completed",
          "new_duties")
    _pair(session, both, [twice], date(2024, 3, 1), date(2024, 11, 30), "completed")
    _pair(session, leaver, [other], date(2024, 1, 10), date(2024, 6, 30), "completed")
    _pair(session, outsider, [twice], date(2024, 2, 1), date(2024, 5, 31), "completed")
    _pair(session, mentor_a, [other], date(2025, 1, 10), date(2025, 6, 30), "active")
    for area, found, overcome in (
        ("methodical", date(2023, 5, 1), date(2024, 3, 1)),
        ("methodical", date(2024, 2, 1), date(2024, 11, 1)),
        ("methodical", date(2023, 1, 1), None),
        ("methodical", date(2024, 6, 1), None),
        ("methodical", date(2022, 1, 1), date(2023, 6, 1)),
        ("methodical", date(2025, 2, 1), None),
        ("digital", date(2024, 5, 1), date(2024, 4, 1)),
        ("digital", date(2023, 12, 31), date(2024, 1, 1)),
        ("digital", date(2024, 12, 31), None),
    ):
        _deficit(session, twice, area, found, overcome)
    first = session.scalars(select(Pair).order_by(Pair.id)).first()
    session.add_all([
        Satisfaction(pair_id=first.id, person_id=mentor_a.id, respondent="mentor",
                     answered_on=date(2024, 12, 1), score=9),
        Satisfaction(pair_id=first.id, person_id=twice.id, respondent="mentee",
                     answered_on=date(2024, 12, 1), score=7),
        Satisfaction(pair_id=first.id, person_id=other.id, respondent="mentee",
                     answered_on=date(2024, 12, 2), score=8),
    ])
    set_plan(session, "P4", YEAR, None)
    session.commit()
    return World(pairs_ran=5, pairs_of_active_orgs=4)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        facts = build_world(session)
    return db, facts


def _document(db) -> tuple[Document, dict[str, IndicatorResult]]:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        document = build(session, "annual", ReportParams(year=YEAR))
        results = {r.code: r for r in compute_indicators(session, YEAR)}
    return document, results


def _table(document: Document, title: str) -> tuple[int, Table]:
    """The number and the table under the caption «Таблица N — {title}…»."""
    blocks = document.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Para):
            match = re.match(r"Таблица (\d+) — (.*)", block.text)
            if match and match.group(2).startswith(title):
                table = blocks[index + 1]
                assert isinstance(table, Table), title
                return int(match.group(1)), table
    raise AssertionError(f"no table «{title}»")


def _section(document: Document, number: int) -> str:
    """The running text of section «N. …» (its paragraphs, not its tables)."""
    text, inside = [], False
    for block in document.blocks:
        if isinstance(block, Heading):
            inside = block.text.startswith(f"{number}. ")
        elif inside and isinstance(block, Para):
            text.append(block.text)
    return " ".join(text)


def _column(table: Table, header: str) -> int:
    return next(i for i, h in enumerate(table.headers) if h.replace("\n", "").startswith(header))


# the chart and the indicator table -------------------------------------------------------
def test_chart_has_no_plan_bar_where_no_plan_is_set(world, tmp_path: Path) -> None:
    db, _ = world
    document, results = _document(db)
    number, table = _table(document, "Показатели")
    chart = next(b for b in document.blocks if isinstance(b, Chart))
    plan = dict(chart.series)["План"]
    row = list(results).index("P4")
    assert table.rows[row][_column(table, "План")] == "—"
    assert plan[row] is None
    assert [p is None for p in plan] == [results[c].plan is None for c in results]
    assert f"таблицы {number}" in chart.title
    # the PDF's chart: a plan label for every plan set, none for the missing one
    drawing = tmp_path / "chart.pdf"
    drawing.write_bytes(renderPDF.drawToString(chart_drawing(chart, 480)))
    labels = [t for t in doctext.pdf_text(drawing).split() if re.fullmatch(r"\d+,\d", t)]
    drawn = [v for _, values in chart.series for v in values if v is not None]
    assert sorted(labels) == sorted(fmt_number(v) for v in drawn)
    assert len(drawn) == 2 * len(plan) - 1
    # the Word chart: the plan series has no point there
    buffer = BytesIO()
    write_docx(Document("t", (chart,)), buffer)
    xml = etree.fromstring(zipfile.ZipFile(buffer).read("word/charts/chart1.xml"))
    plan_ser = xml.findall(f".//{C}ser")[0]
    assert plan_ser.find(f"{C}tx//{C}v").text == "План"
    cache = plan_ser.find(f"{C}val/{C}numRef/{C}numCache")
    assert cache.find(f"{C}ptCount").get("val") == str(len(plan))
    assert {int(p.get("idx")) for p in cache.findall(f"{C}pt")} == {
        i for i, p in enumerate(plan) if p is not None}


def test_chart_model_takes_none() -> None:
    result = IndicatorResult("P4", "Программа", "%", None, 50.0, 1, 2, None, "no_plan")
    chart = indicator_chart([result], 8)
    assert chart.series == (("План", (None,)), ("Факт", (50.0,)))
    assert chart.top() == 50.0


# deficits ----------------------------------------------------------------------------------
def test_deficit_rows_balance_with_dates(world) -> None:
    db, _ = world
    with db.sessions() as session:
        lines = {d.area: d for d in queries.deficits_by_area(session, date(2024, 1, 1),
                                                               date(2024, 12, 31))}
        next_year = {d.area: d for d in queries.deficits_by_area(session, date(2025, 1, 1),
                                                                   date(2025, 12, 31))}
    methodical, digital = lines["methodical"], lines["digital"]
    # found before and overcome in 2024; found and overcome in 2024; found before, still
    # open; found in 2024, still open — the ones of 2022–2023 and of 2025 not at all
    assert (methodical.open_start, methodical.found, methodical.overcome,
            methodical.open_end) == (2, 2, 2, 2)
    # overcome on 1 January of a deficit of 31 December; found on the last day; overcome
    # «before» found (a data slip) counts as overcome on the day found
    assert (digital.open_start, digital.found, digital.overcome, digital.open_end) == (1, 2, 2, 1)
    for line in [*lines.values(), *next_year.values()]:
        assert line.open_start + line.found - line.overcome == line.open_end
        assert line.area in next_year and next_year[line.area].open_start == \
            lines[line.area].open_end


def test_deficit_table_and_sentence_agree(world, tmp_path: Path) -> None:
    db, _ = world
    document, _ = _document(db)
    number, table = _table(document, "Профессиональные дефициты")
    assert [h.split(" (")[0] for h in table.headers[1:]] == [
        "Не преодолено на начало периода", "Выявлено за период", "Преодолено за период",
        "Не преодолено на конец периода"]
    assert "01.01.2024" in table.headers[1] and "31.12.2024" in table.headers[4]
    assert table.total is not None
    for row in (*table.rows, table.total):
        start, found, overcome, end = (int(v) for v in row[1:])
        assert start + found - overcome == end, row
    start, found, overcome, end = table.total[1:]
    text = _section(document, 6)
    assert f"таблицы {number}" in text
    assert f"({start} + {found} − {overcome} = {end})" in text
    assert "выявленные до 01.01.2024" in text and "по 31.12.2024 включительно" in text
    pdf = tmp_path / "annual.pdf"
    with db.sessions() as session:
        produce(session, "annual", ReportParams(year=YEAR), pdf)
    printed = doctext.pdf_text(pdf)
    assert doctext.same(f"{start} + {found} − {overcome} = {end}", printed)
    assert doctext.same("Не преодолено на начало периода", printed)


# numbers of the text against the tables ---------------------------------------------------
def test_basis_counts_are_the_staff_table_total(world) -> None:
    db, _ = world
    document, results = _document(db)
    number, staff = _table(document, "Кадровый состав")
    assert staff.total is not None
    text = _section(document, 1)
    assert f"организаций (ОО) — {len(staff.rows)}," in text
    assert f"кадров — {staff.total[1]} (таблица {number}, строка «Итого»)" in text
    assert len(staff.rows) == results["I1"].b == 3
    assert int(staff.total[1]) == results["I3"].b


def test_normative_counts_are_the_list_of_ou_without_documents(world) -> None:
    db, _ = world
    document, results = _document(db)
    number, lacking = _table(document, "ОО, в которых не утверждены")
    act, prog = results["I1"], results["P4"]
    no_act = sum(1 for row in lacking.rows if row[1] == "не утверждено")
    no_programme = sum(1 for row in lacking.rows if row[2] == "не утверждена")
    assert (no_act, no_programme) == (act.b - act.a, prog.b - prog.a) == (2, 2)
    text = _section(document, 2)
    assert f"утверждено в {act.a} ОО из {act.b} ({fmt_percent(act.fact)}" in text
    assert f"в {prog.a} ОО из {prog.b} ({fmt_percent(prog.fact)}" in text
    assert (f"Без утверждённого Положения — {no_act} ОО, без программы — {no_programme} ОО; "
            f"они перечислены в таблице {number}.") in text
    # the ОО whose Положение is dated after the year is in the list as without one
    assert ("МБОУ «ООШ № 5»", "не утверждено", "не утверждена") in lacking.rows


def test_staff_sentence_is_the_indicators(world) -> None:
    db, _ = world
    document, results = _document(db)
    _, staff = _table(document, "Кадровый состав")
    indicators, _ = _table(document, "Показатели")
    total = staff.total
    assert total is not None
    people, young = int(total[1]), int(total[3])
    mentors, mentees = int(total[4]), int(total[5])
    covered = results["I3"].a
    assert (people, young) == (results["I3"].b, results["I5"].b)
    assert total[7] == fmt_percent(results["I3"].fact)
    text = _section(document, 3)
    assert (f"педагогических работников — {people} (B показателей 2–4, таблица {indicators})"
            in text)
    assert f"молодых специалистов — {young} (B показателя 5)" in text
    assert f"наставников или наставляемых — {covered} (A показателя 3)" in text
    # Борисова was both mentor and mentee: the table's columns add up to one more
    assert mentors + mentees == covered + 1
    assert (f"и наставниками, и наставляемыми, — 1, поэтому сумма столбцов «Наставники» и "
            f"«Наставляемые» ({mentors} + {mentees}) больше {covered}.") in text


def test_pairs_and_mentees_of_the_forms_table_reconciled(world) -> None:
    db, facts = world
    document, _ = _document(db)
    staff_number, staff = _table(document, "Кадровый состав")
    forms_number, forms = _table(document, "Пары (группы) по формам")
    _, categories = _table(document, "Пары (группы) по категориям")
    assert forms.total is not None and staff.total is not None and categories.total is not None
    assert int(forms.total[1]) == int(categories.total[1]) == facts.pairs_ran
    assert int(staff.total[6]) == facts.pairs_of_active_orgs
    text = _section(document, 4)
    assert f"работавших в отчётном периоде, — {facts.pairs_ran}" in text
    assert (f"В таблице {staff_number} пар (групп) — {facts.pairs_of_active_orgs}, а не "
            f"{facts.pairs_ran}") in text
    # Громова is a mentee of three pairs, Дёмина of two, one of them with a mentor who left
    assert (f"Наставляемых в таблице {forms_number} — {forms.total[2]}, в таблице "
            f"{staff_number} — {staff.total[5]}") in text


def test_mentors_table_is_the_staff_tables_mentors(world) -> None:
    db, _ = world
    document, _ = _document(db)
    staff_number, staff = _table(document, "Кадровый состав")
    _, experience = _table(document, "Наставники по педагогическому стажу")
    _, qualification = _table(document, "Наставники по квалификационной категории")
    assert staff.total is not None and experience.total and qualification.total
    mentors = staff.total[4]
    assert experience.total[1] == qualification.total[1] == mentors == "3"
    assert sum(int(r[1]) for r in experience.rows) == int(mentors)
    assert sum(int(r[1]) for r in qualification.rows) == int(mentors)
    assert (f"Наставников — {mentors} (столбец «Наставники» таблицы {staff_number})"
            in _section(document, 5))


def test_satisfaction_has_a_checkable_total(world) -> None:
    db, _ = world
    document, _ = _document(db)
    _, table = _table(document, "Удовлетворённость")
    def read(row: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(doctext.readable(cell) for cell in row)

    assert [read(row) for row in table.rows] == [("Наставники", "1", "9,0", "1", "100,0 %"),
                                                 ("Наставляемые", "2", "7,5", "1", "50,0 %")]
    assert table.total is not None
    assert read(table.total) == ("Всего", "3", "8,0", "2", "66,7 %")


def test_tables_are_numbered_in_order_and_referenced(world) -> None:
    db, _ = world
    document, _ = _document(db)
    numbers = [int(m.group(1)) for b in document.blocks if isinstance(b, Para)
               for m in [re.match(r"Таблица (\d+) — ", b.text)] if m]
    assert numbers == list(range(1, 10))
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 9


# headings and outline ----------------------------------------------------------------------
def test_pdf_outline_has_title_and_sections(world, tmp_path: Path) -> None:
    db, _ = world
    pdf = tmp_path / "annual.pdf"
    with db.sessions() as session:
        produce(session, "annual", ReportParams(year=YEAR), pdf)
    outline = PdfReader(str(pdf)).outline
    assert outline[0].title.startswith("Информационно-аналитический отчёт")
    sections = [item.title for item in outline[1]]
    assert sections[0] == "1. Основание и период"
    assert sections[-1] == "10. Рекомендации" and len(sections) == 10


def _style_ok(docx, name: str, level: int) -> None:  # type: ignore[no-untyped-def]
    style = docx.styles[name]
    xml = style.element.xml
    assert "themeColor" not in xml and "Theme" not in xml and "theme" not in xml
    font = style.font
    assert font.name == "Times New Roman" and font.size.pt == 14 and font.bold
    assert str(font.color.rgb) == "000000"
    fmt = style.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.CENTER and fmt.keep_with_next
    assert fmt.space_before.pt == 10 and fmt.space_after.pt == 6
    outline = style.element.pPr.find(qn("w:outlineLvl"))
    assert outline is not None and outline.get(qn("w:val")) == str(level - 1)


def test_docx_headings_use_word_heading_styles(world, tmp_path: Path) -> None:
    db, _ = world
    path = tmp_path / "annual.docx"
    with db.sessions() as session:
        produce(session, "annual", ReportParams(year=YEAR), path)
    docx = read_docx(str(path))
    headings = [(p.style.name, doctext.readable(p.text)) for p in docx.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings[0][0] == "Heading 1" and headings[0][1].startswith("Информационно-")
    assert [name for name, _ in headings[1:]] == ["Heading 2"] * 10
    assert headings[1][1] == "1. Основание и период"
    _style_ok(docx, "Heading 1", 1)
    _style_ok(docx, "Heading 2", 2)
    # the same for any document: the programme's headings
    with db.sessions() as session:
        pair = session.scalars(select(Pair).order_by(Pair.id)).first()
        produce(session, "programme", ReportParams(pair_id=pair.id), tmp_path / "p.docx")
    programme = read_docx(str(tmp_path / "p.docx"))
    names = {p.style.name for p in programme.paragraphs if p.text.startswith("1. Цель")}
    assert names == {"Heading 1"}
    _style_ok(programme, "Heading 1", 1)


# the Word chart ----------------------------------------------------------------------------
def test_docx_chart_is_a_chart_part_with_data(world, tmp_path: Path) -> None:
    db, _ = world
    path = tmp_path / "annual.docx"
    with db.sessions() as session:
        produce(session, "annual", ReportParams(year=YEAR), path)
        results = compute_indicators(session, YEAR)
    docx = read_docx(str(path))  # python-docx still opens it
    charts = [r for r in docx.part.rels.values() if r.reltype == RT.CHART]
    assert len(charts) == 1
    part = charts[0].target_part
    assert str(part.partname) == "/word/charts/chart1.xml"
    inline = docx.element.body.findall(".//" + qn("wp:inline"))
    refs = [e.get(qn("r:id")) for i in inline for e in i.iter(f"{C}chart")]
    assert refs == [charts[0].rId]
    with zipfile.ZipFile(path) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]
        xml = etree.fromstring(archive.read("word/charts/chart1.xml"))
    bar = xml.find(f".//{C}barChart")
    assert bar is not None and bar.find(f"{C}barDir").get("val") == "col"
    series = bar.findall(f"{C}ser")
    assert [s.find(f"{C}tx//{C}v").text for s in series] == ["План", "Факт"]
    for ser in series:
        cats = [v.text for v in ser.findall(f"{C}cat//{C}strCache/{C}pt/{C}v")]
        assert cats == [str(i) for i in range(1, len(results) + 1)]
        labels = ser.find(f"{C}dLbls")
        assert labels.find(f"{C}showVal").get("val") == "1"
    facts = {int(p.get("idx")): float(p.find(f"{C}v").text)
             for p in series[1].findall(f"{C}val//{C}numCache/{C}pt")}
    assert facts == {i: r.fact for i, r in enumerate(results) if r.fact is not None}
    assert xml.find(f".//{C}catAx") is not None and xml.find(f".//{C}valAx") is not None
    assert xml.find(f".//{C}legend") is not None
    # Word's «Изменить данные»: the embedded workbook holds the same numbers
    book_rel = next(r for r in part.rels.values() if r.reltype == RT.PACKAGE)
    assert xml.find(f"{C}externalData").get(qn("r:id")) == book_rel.rId
    sheet = openpyxl.load_workbook(BytesIO(book_rel.target_part.blob)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1:] == ("План", "Факт")
    assert [r[2] for r in rows[1:]] == [r.fact for r in results]
    assert [r[1] for r in rows[1:]] == [r.plan for r in results]


# LibreOffice -------------------------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_draws_the_word_chart(world, tmp_path: Path) -> None:
    from tests.test_reports_libreoffice import convert

    db, _ = world
    chart = Chart("Проверка диаграммы", ("Альфа", "Бета", "Гамма"),
                  (("План", (40.0, None, 90.0)), ("Факт", (35.5, 60.0, 72.5))))
    write_docx(Document("Диаграмма", (chart,)), tmp_path / "chart.docx")
    annual = tmp_path / "annual.docx"
    with db.sessions() as session:
        produce(session, "annual", ReportParams(year=YEAR), annual)
    out = tmp_path / "pdf"
    convert([tmp_path / "chart.docx", annual], out, tmp_path / "profile")
    words = " ".join(doctext.pdf_lines(out / "chart.pdf")).split()
    for word in ("Альфа", "Бета", "Гамма", "План", "Факт"):
        assert word in words, word
    # the data labels, with a decimal comma; none for the missing plan
    assert sorted(w for w in words if re.fullmatch(r"\d+,\d", w)) == [
        "35,5", "40,0", "60,0", "72,5", "90,0"]
    images = subprocess.run(["pdfimages", "-list", str(out / "chart.pdf")], check=True,
                            capture_output=True, text=True).stdout.splitlines()[2:]
    assert images == []  # drawn as vectors, not a picture
    annual_text = doctext.pdf_text(out / "annual.pdf")
    assert doctext.same("Показатели: план и факт, %", annual_text)
    assert re.search(r"\b1 2 3 4 5 6\b", annual_text)  # the chart's categories
    assert re.search(r"\bПлан Факт\b", annual_text)  # its legend


def test_pairs_sentence_when_the_tables_agree(db) -> None:  # type: ignore[no-untyped-def]
    from tests.test_reports import fill

    with db.sessions() as session:
        fill(session)
        document = build(session, "annual", ReportParams(year=YEAR))
    staff_number, staff = _table(document, "Кадровый состав")
    _, forms = _table(document, "Пары (группы) по формам")
    assert staff.total is not None and forms.total is not None
    assert (staff.total[6], staff.total[5]) == (forms.total[1], forms.total[2]) == ("1", "2")
    assert (f"Пар (групп) и наставляемых столько же, сколько в итоге таблицы {staff_number} "
            f"(1 и 2)") in _section(document, 4)
