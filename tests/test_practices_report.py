"""`report practices --year Y`: the electronic collection of the year read back from its PDF
(pdftotext) and DOCX (python-docx) — the title page without a number, the contents, one
section per practice included in the bank with its authors, ОО, form, category, decision,
description, results with the linked pairs' figures and materials — only the practices of the
bank of that year; a year without them refused before anything is written; and the demo's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.reports import KINDS, ReportParams, build
from desktop_app.services import practice_files, practices, settings
from desktop_app.store.database import open_database
from tests import doctext
from tests.test_practices import World, build as build_world, practice
from tests.test_settings_cli import REQUISITES


@pytest.fixture
def base(tmp_path: Path) -> tuple[Path, World]:
    """Two practices of 2024 in the bank (one with a file), one rejected, one of 2023."""
    path = tmp_path / "base.sqlite"
    db = open_database(path)
    try:
        with db.sessions() as session:
            settings.put(session, REQUISITES)
            w = build_world(session)
            first = practices.add_practice(session, practice(
                w, status="включена в банк", meeting_id=w.meeting))
            practice_files.store(session, first, "Сценарий занятия.docx", b"x" * 2048)
            practices.add_practice(session, practice(
                w, title="Азбука наставника", author_ids=(w.coauthor,),
                organisation_id=w.garden, form_id=None, pair_ids=(), status="included",
                decided_on=date(2025, 2, 1), description="Первая строка.\nВторая строка."))
            practices.add_practice(session, practice(
                w, title="Отклонённая практика", status="rejected", decided_on=date(2025, 2, 1)))
            practices.add_practice(session, practice(
                w, title="Практика прошлого года", year=2023, status="included",
                decided_on=date(2024, 1, 15)))
            session.commit()
    finally:
        db.dispose()
    return path, w


def _print(path: Path, out: Path, *extra: str) -> int:
    return main(["--db", str(path), "report", "practices", "--year", "2024", "--date",
                 "31.12.2024", "--out", str(out), *extra])


def test_the_collection_in_pdf_and_docx(base: tuple[Path, World], tmp_path: Path) -> None:
    path, _w = base
    texts = {}
    for suffix in (".pdf", ".docx"):
        out = tmp_path / f"сборник{suffix}"
        assert _print(path, out) == 0
        texts[suffix] = (doctext.pdf_text(out) if suffix == ".pdf"
                         else doctext.readable(" ".join(doctext.docx_paragraphs(out))))
    for text in texts.values():
        for words in (
            "Управление образования Администрации Заречного муниципального округа",
            "ЭЛЕКТРОННЫЙ СБОРНИК ЛУЧШИХ ПРАКТИК НАСТАВНИЧЕСТВА",
            "Банк лучших практик наставничества педагогических работников", "2024 год",
            "г. Заречный, 2024", "Содержание",
            "включил в банк лучших практик за 2024 год, — 2.", "О.Н. Берёзкина",
            "1. Азбука наставника", "Ёлкина Вера Петровна, учитель",
            "Форма наставничества не указана",
            "включена в банк лучших практик 01.02.2025",
            "2. Наставничество «учитель – учитель» в адаптации молодого педагога",
            "Иванова Анна Ивановна, учитель", "Ёлкина Вера Петровна, учитель, "
            "МБДОУ «Детский сад № 5»", "МБОУ «Средняя школа № 1»",
            "молодой специалист (0–3 года)",
            "включена в банк лучших практик на заседании методического актива 12.03.2025",
            "Описание практики", "Пара работает по персонализированной программе.",
            "Молодой педагог остался в профессии.",
            "Результаты наставнических пар (групп) на 31.12.2024",
            "Наставник Иванова А.И.; наставляемые: Орлова М.И.",
            "01.09.2023 – 31.05.2024, завершена", "успешно прошли ОГЭ: 92,0 %",
            "участников олимпиад — 4", "динамика: положительная",
            "наставник — 9,0, наставляемые — 8,0",
            "дефицитов наставляемых выявлено 1, преодолено 1",
            "Материалы практики", "Сценарий занятия.docx (2,0 КБ)",
        ):
            assert doctext.same(words, text), words
        assert "Отклонённая практика" not in text and "Практика прошлого года" not in text
    # two lines of a description are two paragraphs
    assert "Первая строка. Вторая строка." in texts[".pdf"]


def test_pages_title_contents_and_one_section_each(base: tuple[Path, World],
                                                   tmp_path: Path) -> None:
    path, _w = base
    out = tmp_path / "сборник.pdf"
    assert _print(path, out) == 0
    pages = doctext.pdf_pages(out)
    assert len(pages) == 4
    title, contents, first, second = (" ".join(p) for p in pages)
    assert not pages[0][0].isdigit()  # the title page has no number
    assert pages[1][0] == "2" and pages[3][0] == "4"
    assert "Содержание" in contents and "Азбука наставника" in contents
    assert "ЭЛЕКТРОННЫЙ СБОРНИК" in title and "О.Н. Берёзкина" in contents
    assert first.startswith("3 1. Азбука наставника")
    assert "2. Наставничество" in second and "Азбука" not in second


def test_a_year_without_practices_in_the_bank_is_refused(
        base: tuple[Path, World], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _w = base
    out = tmp_path / "нет.pdf"
    assert main(["--db", str(path), "report", "practices", "--year", "2022", "--out",
                 str(out)]) == 1
    assert "В банке лучших практик нет практик за 2022 год" in capsys.readouterr().err
    assert not out.exists()


def test_the_kind_is_listed_with_its_formats(capsys: pytest.CaptureFixture[str]) -> None:
    kind = KINDS["practices"]
    assert (kind.needs, kind.formats, kind.is_order) == ("year", (".pdf", ".docx"), False)
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert doctext.same("practices — Электронный сборник лучших практик наставничества",
                        capsys.readouterr().out)


def test_the_demo_s_collections(tmp_path: Path) -> None:
    from desktop_app.demo import REFERENCE, write_demo

    path = tmp_path / "demo.sqlite"
    write_demo(path)
    db = open_database(path)
    try:
        with db.sessions() as session:
            for year in (2025, REFERENCE.year):
                document = build(session, "practices", ReportParams(on=REFERENCE, year=year))
                text = document.plain_text()
                bank = practices.in_bank(session, year)
                assert bank and all(p.title in text for p in bank)
                assert "Результаты наставнических пар (групп)" in text
    finally:
        db.dispose()
