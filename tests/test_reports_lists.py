"""The candidate form, the public list and the pairs order read back as a committee reads them:
the municipality's own grounds and act, the dates as dates, one candidate after another (or a
page each), the consent spelled out, the pairs of the order's date only."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.model import (
    ActiveMember,
    Course,
    Ground,
    GroundPreset,
    MemberGround,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Person,
    Setting,
)
from desktop_app.reports import KINDS, NotFound, ReportParams, build, produce
from desktop_app.services import presets, settings
from tests.helpers import address
from tests.test_reports import docx_text, page_count, pdf_text

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

ON = date(2026, 10, 1)
SETTINGS = {
    "municipality": "Заречный муниципальный округ",
    "municipality_genitive": "Заречного муниципального округа",
    "authority": "Управление образования Администрации Заречного муниципального округа",
    "centre_name": "Муниципальное казённое учреждение «Информационно-методический центр» "
                   "Заречного муниципального округа",
    "centre_short": "МКУ «ИМЦ»", "place": "г. Заречный", "head_position": "Директор",
    "head_last": "Берёзкина", "head_first": "Ольга", "head_middle": "Николаевна",
    "executor": "Семёнова А.П., 2-14-07",
}


def squash(text: str) -> str:
    """The text without spaces and hyphens, so that a word the PDF hyphenated still matches."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", text)


def contains(text: str, words: str) -> bool:
    return squash(words) in squash(text)


def setup_centre(session) -> Organisation:  # type: ignore[no-untyped-def]
    settings.put(session, SETTINGS)
    school = Organisation(short_name="МБОУ «СОШ № 4»",
                          full_name="Муниципальное бюджетное общеобразовательное учреждение "
                                    "«Средняя общеобразовательная школа № 4»")
    session.add(school)
    session.flush()
    return school


def person(session, last: str, first: str, middle: str, org: Organisation,  # type: ignore[no-untyped-def]
           **kw) -> Person:
    kw.setdefault("birth_date", date(1980, 1, 1))
    kw.setdefault("ped_experience_start", date(2003, 9, 1))
    kw.setdefault("position", "учитель")
    row = Person(last_name=last, first_name=first, middle_name=middle,
                 search_key=f"{last} {first}".lower(), organisation_id=org.id, **kw)
    session.add(row)
    session.flush()
    return row


def general_grounds(session) -> dict[int, Ground]:  # type: ignore[no-untyped-def]
    preset = session.scalars(select(GroundPreset).where(GroundPreset.code == "general")).one()
    return {g.number: g for g in preset.grounds}


def candidate(session, who: Person, grounds: list[Ground]) -> ActiveMember:  # type: ignore[no-untyped-def]
    member = ActiveMember(person_id=who.id, status="submitted")
    session.add(member)
    session.flush()
    member.grounds = [MemberGround(ground_id=g.id) for g in grounds]
    return member


def write(db, kind: str, path: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        produce(session, kind, ReportParams(on=ON, **kw), path)
        session.commit()
    return path


# candidates: the municipality's own grounds and act ----------------------------------------------
@pytest.fixture
def candidates_db(db):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        school = setup_centre(s)
        grounds = general_grounds(s)
        zaytseva = person(s, "Зайцева", "Галина", "Олеговна", school, birth_date=date(1985, 2, 3),
                          category="highest", subject="русский язык и литература",
                          phone="+7 900 000-00-00", email="zaytseva@mail.ru",
                          education_level="higher", education_year=2008,
                          education_specialty="Филология", education_institution="ТГПУ")
        zaytseva.courses = [
            Course(title="Реализация требований обновлённых ФГОС", provider="ТОИПКРО", hours=36,
                   end_date=date(2025, 4, 1)),
            Course(title="Давний курс 2022 года", hours=72, end_date=date(2022, 5, 1)),
            Course(title="Курс после даты формы", hours=16, end_date=date(2026, 11, 20)),
            Course(title="Менеджмент в образовании", kind="retraining", hours=520,
                   end_date=date(2012, 6, 30)),
        ]
        candidate(s, zaytseva, [grounds[4], grounds[7]])
        for last, first in (("Орлова", "Юлия"), ("Петрова", "Таисия")):
            candidate(s, person(s, last, first, "Ивановна", school), [grounds[1]])
        s.commit()
    return db


def test_candidates_name_the_municipality_and_its_act_never_seversk(
        candidates_db, tmp_path: Path) -> None:
    pdf = pdf_text(write(candidates_db, "candidates", tmp_path / "c.pdf"))
    docx = docx_text(write(candidates_db, "candidates", tmp_path / "c.docx"))
    for text in (pdf, docx):
        assert "Северск" not in text
        assert "{" not in text  # no placeholder left
        assert contains(text, "4) педагогические работники Заречного муниципального округа, "
                              "успешно прошедшие оценку")
        assert contains(text, "7) наставники образовательных организаций Заречного "
                              "муниципального округа")
        assert contains(text, "3 В соответствии с пунктом 3.2 Положения о муниципальном "
                              "методическом активе Заречного муниципального округа.")
        assert contains(text, "Приложение к Положению о муниципальном методическом активе "
                              "Заречного муниципального округа")
    assert "В соответствии с пунктом 3.2 Положения о муниципальном методическом активе " \
           "Заречного муниципального округа." in docx


def test_candidate_row_reads_as_the_form_asks(candidates_db, tmp_path: Path) -> None:
    docx = docx_text(write(candidates_db, "candidates", tmp_path / "c.docx"))
    assert "высшая квалификационная категория" in docx
    assert "стаж педагогической работы 23 года" in docx  # 01.09.2003 to 01.10.2026
    assert "специальность «Филология»" in docx
    # qualification courses of the three years before the form's date; retraining whenever
    assert "«Реализация требований обновлённых ФГОС», ТОИПКРО, 36 ч., 01.04.2025" in docx
    assert "Давний курс" not in docx and "Курс после даты формы" not in docx
    assert "Профессиональная переподготовка «Менеджмент в образовании»" in docx
    assert "(с 01.10.2023 по 01.10.2026)" in docx


def test_existing_database_keeps_its_preset_and_its_source_is_updated(db) -> None:
    """A file made by the previous version: Seversk in force, the old source wording, no
    genitive setting and no general preset. The loader adds what is missing, updates the old
    wording and leaves the choice alone."""
    with db.sessions() as s:
        s.delete(s.scalars(select(GroundPreset).where(GroundPreset.code == "general")).one())
        seversk = s.scalars(select(GroundPreset).where(GroundPreset.code == "seversk-000")).one()
        seversk.source = ("Положение о муниципальном методическом активе наставников системы "
                          "общего образования ЗАТО Северск, п. 3.2")
        s.delete(s.get(Setting, "municipality_genitive"))
        settings.put(s, {"ground_preset": "seversk-000"})
        s.commit()
    with db.sessions() as s:
        presets.load_all(s)
        s.commit()
    with db.sessions() as s:
        assert settings.get(s, "ground_preset") == "seversk-000"
        assert settings.get(s, "municipality_genitive") == "муниципального образования"
        codes = set(s.scalars(select(GroundPreset.code)))
        document = build(s, "candidates", ReportParams(on=ON))
    assert codes == {"seversk-000", "ust-ishim-004", "general"}
    assert ("3 В соответствии с пунктом 3.2 Положения о муниципальном методическом активе "
            "наставников системы общего образования ЗАТО Северск.") in document.plain_text()


def test_a_preset_of_the_centre_without_a_source_cites_the_municipality_act(db) -> None:
    from desktop_app.services import active

    with db.sessions() as s:
        setup_centre(s)
        general = next(p for p in active.list_presets(s) if p.code == "general")
        own = active.add_preset(s, "Наш перечень", "category", copy_from=general.id)
        active.set_preset_in_force(s, own)
        s.commit()
        text = build(s, "candidates", ReportParams(on=ON)).plain_text()
    assert ("3 В соответствии с Положением о муниципальном методическом активе Заречного "
            "муниципального округа.") in text


# candidates: one after another, or a page each -----------------------------------------------
def _page_breaks(path: Path) -> int:
    with zipfile.ZipFile(path) as book:
        xml = book.read("word/document.xml").decode("utf-8")
    return xml.count('w:type="page"') + xml.count("<w:pageBreakBefore")


def test_candidates_follow_each_other_unless_a_page_each_is_asked(
        candidates_db, tmp_path: Path) -> None:
    flowing = write(candidates_db, "candidates", tmp_path / "flow.pdf")
    pages = page_count(flowing)
    assert pages < 3
    texts = [pdf_text(flowing, page) for page in range(1, pages + 1)]
    assert any(sum(name in text for name in ("Зайцева", "Орлова", "Петрова")) >= 2
               for text in texts)  # a page holds two candidates: they follow each other
    paged = write(candidates_db, "candidates", tmp_path / "paged.pdf", page_per_candidate=True)
    assert page_count(paged) == 3
    for page, (number, name) in enumerate((("1.", "Зайцева"), ("2.", "Орлова"),
                                           ("3.", "Петрова")), start=1):
        text = pdf_text(paged, page)
        assert name in text and f"{number} {name}" in text, text[:200]
        others = {"Зайцева", "Орлова", "Петрова"} - {name}
        assert not any(other in text for other in others)
        assert "Основание для включения" in text  # the head on every page
    assert "1 Дата рождения оформляется" in pdf_text(paged, 3)
    docx_flowing = write(candidates_db, "candidates", tmp_path / "flow.docx")
    docx_paged = write(candidates_db, "candidates", tmp_path / "paged.docx",
                       page_per_candidate=True)
    assert _page_breaks(docx_paged) - _page_breaks(docx_flowing) == 2


def test_cli_page_per_candidate(candidates_db, tmp_path: Path) -> None:
    base = ["--db", address(candidates_db), "report"]
    candidates_db.dispose()
    out = tmp_path / "c.pdf"
    assert main([*base, "candidates", "--page-per-candidate", "--out", str(out),
                 "--date", "01.10.2026"]) == 0
    assert page_count(out) == 3
    with pytest.raises(SystemExit) as wrong_kind:
        main([*base, "public-list", "--page-per-candidate", "--out", str(tmp_path / "p.pdf")])
    assert wrong_kind.value.code == 2


def test_candidates_xlsx_keeps_dates_as_dates(candidates_db, tmp_path: Path) -> None:
    path = write(candidates_db, "candidates", tmp_path / "c.xlsx")
    sheet = openpyxl.load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row]
    birth = next(c for c in cells if isinstance(c.value, datetime))
    assert birth.value == datetime(1985, 2, 3)
    assert birth.number_format == "DD.MM.YYYY"
    assert sheet.cell(birth.row, birth.column - 1).value == "Зайцева Галина Олеговна"
    head = [c.value for c in sheet[birth.row - 1]]
    assert head[0] == "№ п/п" and str(head[2]).startswith("Дата рождения")
    assert not any("Северск" in str(c.value) for c in cells if c.value)
    paged = write(candidates_db, "candidates", tmp_path / "paged.xlsx", page_per_candidate=True)
    sheet = openpyxl.load_workbook(paged).active
    assert [str(sheet.cell(r, 1).value) for r in range(6, 9)] == ["1.", "2.", "3."]
    assert len(sheet.row_breaks.brk) == 2
    assert isinstance(sheet.cell(6, 3).value, datetime)


# public list ------------------------------------------------------------------------------------
def _member(session, who: Person, included: date | None = date(2025, 9, 1),  # type: ignore[no-untyped-def]
            excluded: date | None = None) -> None:
    status = "excluded" if excluded else "included"
    session.add(ActiveMember(person_id=who.id, status=status, included_on=included,
                             included_order_number="5", excluded_on=excluded,
                             subject_area="математика"))
    session.flush()


def test_public_list_says_so_when_nobody_consented(db, tmp_path: Path) -> None:
    with db.sessions() as s:
        school = setup_centre(s)
        for last in ("Архипова", "Быкова"):
            _member(s, person(s, last, "Анна", "Петровна", school, email=f"{last}@mail.ru"))
        s.commit()
    for suffix, read in ((".pdf", pdf_text), (".docx", docx_text)):
        text = read(write(db, "public-list", tmp_path / f"p{suffix}"))
        assert contains(text, "Согласие на размещение сведений на сайте не дал ни один член "
                              "муниципального методического актива (всего членов: 2).")
        assert "Фамилия, имя, отчество" not in text and "Архипова" not in text
        assert contains(text, "Списочный состав муниципального методического актива "
                              "Заречного муниципального округа")


def test_public_list_members_on_its_date_with_consent(db, tmp_path: Path) -> None:
    with db.sessions() as s:
        school = setup_centre(s)
        _member(s, person(s, "Архипова", "Анна", "Петровна", school, consent_publish=True,
                          email="arkhipova@mail.ru"))
        _member(s, person(s, "Быкова", "Вера", "Ильинична", school, email="bykova@mail.ru"))
        _member(s, person(s, "Виноградова", "Ольга", "Юрьевна", school, consent_publish=True),
                included=date(2026, 12, 1))  # included after the list's date
        _member(s, person(s, "Громова", "Нина", "Львовна", school, consent_publish=True),
                excluded=date(2026, 3, 1))  # excluded before it
        s.commit()
    text = pdf_text(write(db, "public-list", tmp_path / "p.pdf"))
    assert "Архипова" in text and "arkhipova@mail.ru" in text
    assert not any(name in text for name in ("Быкова", "Виноградова", "Громова"))
    assert "по состоянию на 01.10.2026" in text


def test_report_dialog_lists_who_lacks_consent(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from desktop_app.ui.report_dialog import ReportDialog

    with db.sessions() as s:
        school = setup_centre(s)
        _member(s, person(s, "Архипова", "Анна", "Петровна", school, consent_publish=True))
        _member(s, person(s, "Быкова", "Вера", "Ильинична", school))
        _member(s, person(s, "Ветрова", "Ольга", "Юрьевна", school))
        s.commit()
    dialog = ReportDialog(db, None, "public-list")
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(2026, 10, 1))
    assert dialog.consent.isVisibleTo(dialog)
    assert "Не дали согласия: 2" in dialog.consent_line.text()
    names = [dialog.consent_list.item(i).text() for i in range(dialog.consent_list.count())]
    assert names == ["Быкова Вера Ильинична — МБОУ «СОШ № 4»",
                     "Ветрова Ольга Юрьевна — МБОУ «СОШ № 4»"]
    dialog.date.setDate(QDate(2025, 1, 1))  # before anyone was included
    assert "Не дали согласия: 0 из 0" in dialog.consent_line.text()
    dialog.kinds.setCurrentRow(list(KINDS).index("candidates"))
    assert not dialog.consent.isVisibleTo(dialog)
    assert dialog.per_candidate.isVisibleTo(dialog)
    dialog.per_candidate.setChecked(True)
    assert dialog.params().page_per_candidate


# pairs order -------------------------------------------------------------------------------------
@pytest.fixture
def pairs_db(db):  # type: ignore[no-untyped-def]
    """Six pairs around 01.10.2026; the mentors' surnames tell what the order must do."""
    with db.sessions() as s:
        school = setup_centre(s)
        form = s.scalars(select(MentorshipForm).order_by(MentorshipForm.position)).first()
        cases = (  # surname, start, end, status, ended_on
            ("Идущая", date(2026, 9, 1), date(2027, 5, 31), "active", None),
            ("Будущая", date(2026, 11, 1), date(2027, 5, 31), "planned", None),
            ("Окончена", date(2025, 12, 1), date(2026, 9, 1), "completed", date(2026, 9, 1)),
            ("Прервана", date(2026, 3, 1), date(2027, 2, 28), "ended_early", date(2026, 9, 15)),
            ("Последнийдень", date(2026, 3, 1), date(2027, 2, 28), "ended_early", ON),
            ("Начатая", date(2026, 9, 15), date(2027, 3, 14), "planned", None),
        )
        for n, (surname, start, end, status, ended) in enumerate(cases):
            mentor = person(s, surname, "Анна", "Петровна", school)
            mentee = person(s, f"Молодая{n}", "Вера", "Ильинична", school,
                            birth_date=date(2001, 1, 1), ped_experience_start=date(2025, 9, 1))
            pair = Pair(mentor_id=mentor.id, form_id=form.id, start_date=start, end_date=end,
                        status=status, ended_on=ended)
            pair.mentees = [PairMentee(person_id=mentee.id)]
            s.add(pair)
        s.commit()
    return db


def test_pairs_order_lists_the_pairs_of_its_date(pairs_db, tmp_path: Path) -> None:
    for suffix, read in ((".pdf", pdf_text), (".docx", docx_text)):
        text = read(write(pairs_db, "pairs-order", tmp_path / f"o{suffix}", number="5"))
        for running in ("Идущая", "Последнийдень", "Начатая"):
            assert running in text, running
        for out in ("Будущая", "Окончена", "Прервана"):  # starts after; ended before
            assert out not in text, out
        assert contains(text, "Положением о системе наставничества педагогических работников в "
                              "муниципальных образовательных организациях Заречного "
                              "муниципального округа")


def test_pairs_order_before_every_pair_is_refused(pairs_db, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pairs_db.sessions() as s, pytest.raises(NotFound) as refused:
        build(s, "pairs-order", ReportParams(on=date(2025, 1, 10), number="5"))
    assert "ни одна наставническая пара (группа) ещё не начала работу" in str(refused.value)
    assert "01.12.2025" in str(refused.value)  # the earliest start
    base = ["--db", address(pairs_db), "report"]
    pairs_db.dispose()
    out = tmp_path / "o.pdf"
    assert main([*base, "pairs-order", "--number", "5", "--date", "10.01.2025",
                 "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "На 10.01.2025 ни одна наставническая пара (группа) ещё не начала работу" in err
    assert "укажите дату не раньше 01.12.2025" in err
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert main([*base, "pairs-order", "--number", "6", "--date", "01.06.2027",
                 "--out", str(out)]) == 1
    assert "уже окончены" in capsys.readouterr().err and not out.exists()


def test_report_dialog_shows_the_refusal(qtbot, pairs_db,  # type: ignore[no-untyped-def]
                                         no_blocking_message_boxes) -> None:
    from PySide6.QtCore import QDate

    from desktop_app.ui.report_dialog import ReportDialog

    dialog = ReportDialog(pairs_db, None, "pairs-order")
    qtbot.addWidget(dialog)
    dialog.number.setText("5")
    dialog.date.setDate(QDate(2025, 1, 10))
    operation = dialog.preview()
    assert operation is not None
    if not operation.done:
        with qtbot.waitSignal(operation.finished, timeout=30000):
            pass
    assert not operation.succeeded
    assert "ещё не начала работу" in dialog.status.text()
    assert any("ещё не начала работу" in text for _, text in no_blocking_message_boxes)

