"""Printed documents read back: pdftotext, pdffonts, python-docx, openpyxl; the report command."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.model import (
    ActiveMember,
    Course,
    Deficit,
    Ground,
    MemberGround,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Person,
    PlanItem,
    Practice,
    PracticeAuthor,
    PracticePair,
    Programme,
    ProgrammeDeficit,
    Route,
    RouteItem,
    Satisfaction,
)
from desktop_app.reports import KINDS, ReportParams, build, produce
from desktop_app.reports.params import last_number, next_number, save_report_text
from desktop_app.services import settings
from desktop_app.services.indicators import compute_indicators
from desktop_app.textutil import fmt_number
from tests import doctext
from tests.helpers import address

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

ON = date(2024, 12, 20)


@dataclass(frozen=True)
class Ids:
    pair: int
    mentee: int
    mentor: int


def _person(session, last, first, middle, org, position, **kw) -> Person:  # type: ignore[no-untyped-def]
    kw.setdefault("birth_date", date(1980, 1, 1))
    kw.setdefault("ped_experience_start", date(2005, 9, 1))
    person = Person(last_name=last, first_name=first, middle_name=middle,
                    search_key=f"{last} {first}".lower(), organisation_id=org.id,
                    position=position, **kw)
    session.add(person)
    session.flush()
    return person


def fill(session) -> Ids:  # type: ignore[no-untyped-def]
    """Two ОО, an active, one group, a programme, a route, a candidate, questionnaires."""
    settings.put(session, {"authority": "Управление образования Администрации ЗАТО Северск",
                           "centre_name": "МАУ ЗАТО Северск «Ресурсный центр образования»",
                           "municipality": "ЗАТО Северск",
                           "head_last": "Кулешова", "head_first": "Ольга",
                           "head_middle": "Андреевна", "place": "г. Северск",
                           "executor": "Ковалёва Л.Ю., 77-00-00", "centre_short": "РЦО"})
    school = Organisation(short_name="МБОУ «СОШ № 1»", full_name="МБОУ «Средняя школа № 1»",
                          mentoring_act_date=date(2023, 3, 1), mentoring_act_number="15")
    garden = Organisation(short_name="МАДОУ «Детский сад № 7»", kind="preschool")
    session.add_all([school, garden])
    session.flush()
    mentor = _person(session, "Ёлкина", "Анна", "Петровна", school, "учитель математики",
                     category="highest", subject="математика", email="elkina@school1.ru",
                     consent_publish=True)
    hidden = _person(session, "Еремеев", "Борис", "Иванович", school, "учитель физики",
                     email="eremeev@school1.ru")
    mentee = _person(session, "Жукова", "Вера", "Сергеевна", garden, "воспитатель",
                     birth_date=date(2000, 5, 5), ped_experience_start=date(2023, 9, 1))
    session.add_all([
        ActiveMember(person_id=mentor.id, status="included", role="coordinator",
                     subject_area="математика"),
        ActiveMember(person_id=hidden.id, status="included", subject_area="физика"),
    ])
    form = session.scalars(select(MentorshipForm).order_by(MentorshipForm.position)).first()
    pair = Pair(mentor_id=mentor.id, form_id=form.id, start_date=date(2024, 9, 1),
                end_date=date(2025, 5, 31), status="active")
    pair.mentees = [PairMentee(person_id=mentee.id), PairMentee(person_id=hidden.id)]
    session.add(pair)
    session.flush()
    _programme(session, pair, mentee)
    _candidate(session, school)
    session.add_all([
        Satisfaction(pair_id=pair.id, person_id=mentor.id, respondent="mentor",
                     answered_on=date(2024, 12, 1), score=9),
        Satisfaction(pair_id=pair.id, person_id=mentee.id, respondent="mentee",
                     answered_on=date(2024, 12, 1), score=7),
    ])
    _practice(session, school, mentor, pair)
    session.commit()
    return Ids(pair.id, mentee.id, mentor.id)


def _practice(session, school: Organisation, mentor: Person, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    """A practice of the group's mentor included in the bank (the collection of 2024)."""
    practice = Practice(title="Адаптация молодого педагога в группе наставника",
                        organisation_id=school.id, form_id=pair.form_id, year=2024,
                        mentee_category="young", description="Группа работает по программе.",
                        results="Наставляемые провели открытые уроки.", status="included",
                        decided_on=date(2024, 12, 10))
    practice.authors = [PracticeAuthor(person_id=mentor.id, position=1)]
    practice.pairs = [PracticePair(pair_id=pair.id)]
    session.add(practice)


def _programme(session, pair: Pair, mentee: Person) -> None:  # type: ignore[no-untyped-def]
    found = Deficit(person_id=mentee.id, area="methodical", title="Проектирование урока по ФГОС",
                    found_on=date(2024, 3, 1))
    overcome = Deficit(person_id=mentee.id, area="digital", title="Цифровые ресурсы",
                       found_on=date(2024, 3, 1), state="overcome", overcome_on=date(2024, 11, 1))
    session.add_all([found, overcome])
    session.flush()
    programme = Programme(pair_id=pair.id, goal="Адаптация молодого педагога в профессии.",
                          tasks="Освоить требования ФГОС\nНаучиться проектировать урок",
                          difficulties="Дисциплина на уроке.",
                          expected_results="Проведён открытый урок")
    programme.plan = [PlanItem(position=1, activity="Посещение уроков наставника",
                               deadline=date(2024, 10, 1), responsible="Ёлкина А.П.",
                               report_form="лист наблюдения", done=True)]
    session.add(programme)
    session.flush()
    programme.deficits = [ProgrammeDeficit(deficit_id=found.id)]
    route = Route(person_id=mentee.id, start_date=date(2024, 9, 1), end_date=date(2028, 8, 31),
                  state="active")
    route.items = [RouteItem(position=1, deficit_id=found.id, task="Освоить проектирование урока",
                             activity="courses", form="КПК 36 ч.", deadline=date(2025, 5, 1),
                             planned_result="удостоверение о повышении квалификации")]
    session.add(route)


def _candidate(session, school: Organisation) -> None:  # type: ignore[no-untyped-def]
    person = _person(session, "Зайцева", "Галина", "Олеговна", school, "учитель русского языка",
                     category="first", phone="+7 900 000-00-00", email="zaytseva@mail.ru",
                     birth_date=date(1985, 2, 3), methodical_experience="Руководитель ШМО",
                     achievements="Победитель конкурса «Учитель года — 2022»",
                     education_year=2008, education_specialty="Филология")
    person.courses = [
        Course(title="Реализация требований обновлённых ФГОС", provider="ТОИПКРО", hours=36,
               end_date=date(2023, 4, 1)),
        Course(title="Давний курс 2015 года", end_date=date(2015, 1, 1)),
    ]
    member = ActiveMember(person_id=person.id, status="submitted", nominated_by_org_id=school.id)
    session.add(member)
    session.flush()
    ground = session.scalars(select(Ground).order_by(Ground.id)).first()
    member.grounds = [MemberGround(ground_id=ground.id)]


@pytest.fixture
def filled(db):  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        ids = fill(session)
    return db, ids


def pdf_text(path: Path, page: int | None = None) -> str:
    """The PDF's text as a reader reads it (tests/doctext.py)."""
    return doctext.pdf_text(path, page)


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def assert_fonts_embedded(path: Path) -> None:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        assert "Type 1" not in line and "Type 3" not in line, line
        assert "TrueType" in line, line
        emb = line.split()[-5]
        assert emb == "yes", line


def docx_text(path: Path) -> str:
    """Every paragraph of the DOCX in document order, nested tables included."""
    return doctext.readable(" ".join(doctext.docx_paragraphs(path)))


def _write(db, kind: str, tmp_path: Path, suffix: str, **kw) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / f"{kind}{suffix}"
    with db.sessions() as session:
        produce(session, kind, ReportParams(on=ON, year=2024, **kw), target)
        session.commit()
    return target


EXPECTED = {
    "active-order": ["ПРИКАЗ", "ПРИКАЗЫВАЮ:", "Об утверждении состава", "Приложение 1",
                     "к приказу от 20.12.2024 № 5-од", "Ёлкина Анна Петровна", "координатор",
                     "Еремеев Борис Иванович", "О.А. Кулешова", "Исп. Ковалёва Л.Ю."],
    "pairs-order": ["О закреплении наставнических пар (групп)", "Наставляемые", "Срок",
                    "Ёлкина Анна Петровна", "Жукова В.С.", "01.09.2024 –", "31.05.2025"],
    "programme": ["Персонализированная программа наставничества", "1. Цель программы",
                  "Адаптация молодого педагога", "Посещение уроков наставника",
                  "Проектирование урока по ФГОС", "А.П. Ёлкина", "В.С. Жукова"],
    "iom": ["Индивидуальный образовательный маршрут педагога", "Жукова Вера Сергеевна",
            "Проектирование урока по ФГОС", "курсы", "01.05.2025"],
    "candidates": ["Форма предоставления информации о кандидатах", "Зайцева Галина Олеговна",
                   "03.02.1985", "Реализация требований обновлённых ФГОС",
                   "Дата рождения оформляется в формате дд.мм.гггг."],
    "public-list": ["Списочный состав муниципального методического актива",
                    "Ёлкина Анна Петровна", "elkina@school1.ru"],
    "annual": ["Информационно-аналитический отчёт", "за 2024 год", "1. Основание и период",
               "Итого", "7. Показатели: план и факт", "8. Удовлетворённость", "9. Выводы",
               "10. Рекомендации", "МБОУ «СОШ № 1»"],
    "region": ["Информационно-аналитический отчёт", "в муниципальных образованиях за 2024 год",
               "2. Показатели по муниципальным образованиям", "Регион в целом",
               "3. Методический актив", "Таблица 4"],
    "recognition": ["Представление", "Знак отличия «За наставничество»",
                    "Ёлкина Анна Петровна", "1. Наставнические пары (группы)", "Жукова В.С.",
                    "Еремеев Б.И.", "Условия награды выполнены не все",
                    "Учебных лет наставнической деятельности — 1 (2024/2025)",
                    "Руководитель образовательной организации", "О.А. Кулешова"],
    "practices": ["ЭЛЕКТРОННЫЙ СБОРНИК ЛУЧШИХ ПРАКТИК НАСТАВНИЧЕСТВА", "2024 год",
                  "Содержание", "1. Адаптация молодого педагога в группе наставника",
                  "Ёлкина Анна Петровна, учитель математики", "МБОУ «Средняя школа № 1»",
                  "включена в банк лучших практик 10.12.2024",
                  "Результаты наставнических пар (групп) на 20.12.2024",
                  "Наставник Ёлкина А.П.; наставляемые: Еремеев Б.И., Жукова В.С.",
                  "Удовлетворённость (из 10)", "наставник — 9,0, наставляемые — 7,0",
                  "дефицитов наставляемых выявлено 2, преодолено 1"],
}


def params_for(kind: str, ids: Ids) -> dict[str, object]:
    """What each kind is asked for in these tests: the group, the mentee (ИОМ), the mentor and
    an award (the представление)."""
    if kind == "recognition":
        return {"pair_id": ids.pair, "person_id": ids.mentor, "award": "za_nastavnichestvo"}
    return {"pair_id": ids.pair, "person_id": ids.mentee}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_document_pdf_and_docx_read_back(filled, tmp_path: Path, kind: str) -> None:
    db, ids = filled
    extra = {**params_for(kind, ids), "number": "5-од"}
    pdf = _write(db, kind, tmp_path, ".pdf", **extra)
    text = pdf_text(pdf)
    for words in EXPECTED[kind]:
        assert doctext.same(words, text), words
    assert_fonts_embedded(pdf)
    docx = docx_text(_write(db, kind, tmp_path, ".docx", **extra))
    for words in EXPECTED[kind]:
        assert doctext.same(words, docx), words
    with db.sessions() as session:
        model_text = build(session, kind, ReportParams(on=ON, year=2024, **extra)).plain_text()
    for word in set(doctext.readable(model_text).split()):
        assert doctext.same(word, docx), word


def test_public_list_only_consenting(filled, tmp_path: Path) -> None:
    db, _ = filled
    text = pdf_text(_write(db, "public-list", tmp_path, ".pdf"))
    assert "Ёлкина" in text
    assert "Еремеев" not in text and "eremeev@school1.ru" not in text


def test_candidates_xlsx_and_course_window(filled, tmp_path: Path) -> None:
    db, _ = filled
    path = _write(db, "candidates", tmp_path, ".xlsx")
    sheet = openpyxl.load_workbook(path).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Зайцева Галина Олеговна" in values
    assert any(str(v).startswith("Дата рождения\u00b9") for v in values)
    assert any("Реализация требований" in str(v) for v in values)
    assert not any("Давний курс" in str(v) for v in values)
    assert any(str(v).startswith("3 В соответствии с пунктом 3") for v in values)
    assert sheet.page_setup.orientation == "landscape"


def test_candidates_blank_form_without_candidates(db, tmp_path: Path) -> None:
    text = pdf_text(_write(db, "candidates", tmp_path, ".pdf"))
    assert "1. 2. 3." in text
    assert doctext.same("Основание для включения в муниципальный методический актив", text)


def test_annual_figures_equal_indicator_service(filled, tmp_path: Path) -> None:
    db, _ = filled
    with db.sessions() as session:
        save_report_text(session, "annual", 2024, "conclusions", "Система наставничества работает.")
        save_report_text(session, "annual", 2024, "recommendations", "Расширить охват ШНОР.")
        session.commit()
        results = compute_indicators(session, 2024)
        document = build(session, "annual", ReportParams(year=2024))
    table = next(b for b in document.blocks if getattr(b, "headers", ())[:2] == ("Показатель",
                                                                                  "План, %"))
    for row, result in zip(table.rows, results, strict=True):
        assert row[0] == result.name
        assert row[2] == fmt_number(result.fact or 0) and row[3] == str(result.a)
        assert row[4] == str(result.b)
    text = pdf_text(_write(db, "annual", tmp_path, ".pdf"))
    i3 = next(r for r in results if r.code == "I3")
    assert f"Итого {i3.b} " in text
    assert f"{fmt_number(i3.fact)} %" in text
    assert doctext.same("Система наставничества работает.", text)
    assert doctext.same("Расширить охват ШНОР.", text)
    assert_fonts_embedded(tmp_path / "annual.pdf")


def test_three_hundred_pairs_span_pages_with_header(db, tmp_path: Path) -> None:
    with db.sessions() as session:
        org = Organisation(short_name="МБОУ «Гимназия № 2»")
        session.add(org)
        session.flush()
        form = session.scalars(select(MentorshipForm)).first()
        for n in range(300):
            mentor = _person(session, f"Петрова{n:03d}", "Мария", "Ивановна", org, "учитель")
            mentee = _person(session, f"Сидорова{n:03d}", "Ольга", "Петровна", org, "учитель",
                             birth_date=date(2001, 1, 1))
            pair = Pair(mentor_id=mentor.id, form_id=form.id, start_date=date(2024, 9, 1),
                        end_date=date(2025, 5, 31), status="planned")
            pair.mentees = [PairMentee(person_id=mentee.id)]
            session.add(pair)
        session.commit()
    path = _write(db, "pairs-order", tmp_path, ".pdf", number="77")
    pages = page_count(path)
    assert pages > 10
    assert not pdf_text(path, 1).startswith("1 ")
    for page in range(2, pages + 1):
        text = pdf_text(path, page)
        assert text.startswith(f"{page} "), text[:30]
        assert "Наставник" in text and "Наставляемые" in text and "Срок" in text
    assert "300. Петрова299" in pdf_text(path, pages)


def test_docx_structure(filled, tmp_path: Path) -> None:
    db, _ = filled
    path = _write(db, "pairs-order", tmp_path, ".docx", number="1")
    document = read_docx(str(path))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert round(section.left_margin.mm) == 20 and round(section.right_margin.mm) == 10
    assert "PAGE" in section.header._element.xml
    table = document.tables[-1]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_margins_follow_settings(filled, tmp_path: Path) -> None:
    db, _ = filled
    with db.sessions() as session:
        settings.put(session, {"margin_left_mm": "30", "margin_right_mm": "15"})
        session.commit()
        document = build(session, "active-order", ReportParams(on=ON))
    assert document.margins_mm[:2] == (30.0, 15.0)


def test_points_and_preamble_replace_defaults(filled, tmp_path: Path) -> None:
    db, _ = filled
    with db.sessions() as session:
        document = build(session, "active-order", ReportParams(
            on=ON, number="9", points=("Утвердить особый состав.", "Контроль оставляю за собой."),
            preamble="Во исполнение решения коллегии"))
    text = document.plain_text()
    assert doctext.same("Утвердить особый состав.", text)
    assert doctext.same("Во исполнение решения коллегии", text)
    assert "Членам муниципального методического актива" not in text


def test_numbers_remembered_and_suggested(filled, tmp_path: Path) -> None:
    db, _ = filled
    _write(db, "active-order", tmp_path, ".pdf", number="03/1")
    with db.sessions() as session:
        assert last_number(session, "active-order") == "03/1"
        assert last_number(session, "pairs-order") == "03/1"  # one register for all kinds
    assert next_number("03/1") == "03/2" and next_number("12-од") == "13-од"
    assert next_number("") == "" and next_number("без номера") == ""


def test_cli_exit_codes(filled, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, ids = filled
    base = ["--db", address(db), "report"]
    db.dispose()
    out = tmp_path / "o.pdf"
    assert main([*base, "active-order", "--out", str(out), "--date", "20.12.2024"]) == 1
    assert not out.exists()  # the first order of the journal needs --number
    assert main([*base, "active-order", "--out", str(out), "--number", "04/1",
                 "--date", "20.12.2024"]) == 0
    assert main([*base, "active-order", "--out", str(out), "--date", "21.12.2024"]) == 0
    assert "к приказу от 21.12.2024 № 04/2" in pdf_text(out)
    with pytest.raises(SystemExit) as missing:
        main([*base, "programme", "--out", str(out)])
    assert missing.value.code == 2
    with pytest.raises(SystemExit) as wrong_suffix:
        main([*base, "annual", "--out", str(tmp_path / "a.xlsx")])
    assert wrong_suffix.value.code == 2
    assert main([*base, "programme", "--pair", "9999", "--out", str(out)]) == 1
    assert main([*base, "iom", "--person", str(ids.mentor), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "не найдена" in err and "нет индивидуального образовательного маршрута" in err
    xlsx = tmp_path / "c.xlsx"
    assert main([*base, "candidates", "--out", str(xlsx)]) == 0 and xlsx.stat().st_size > 0
    assert main([*base, "annual", "--year", "1800", "--out", str(out)]) == 1
