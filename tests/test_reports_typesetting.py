"""Every document of the municipal demo, as a committee reads it: words broken only with a
hyphen, e-mails and numbers whole, Russian quotes and dashes, a date and a signature on each,
the signature never alone on a page. The PDFs are read back with pdftotext; the DOCX with
python-docx (LibreOffice's layout of them: tests/test_reports_libreoffice.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from sqlalchemy import select

from desktop_app.model import Nomination, Pair, Person, Route
from desktop_app.reports import KINDS, ReportParams, build, write
from desktop_app.reports.docmodel import Document, Signature, Table
from desktop_app.reports.typography import typeset
from desktop_app.store.database import Database, open_database
from desktop_app.textutil import fmt_date
from tests import doctext

ON = date(2026, 11, 1)  # the demo's «today»
YEAR = 2026


@dataclass(frozen=True)
class Printed:
    kind: str
    document: Document
    pdf: Path
    docx: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The municipal demo database, written once for the module."""
    from desktop_app.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("METODAKTIV_HOME", str(folder / "home"))
        write_demo(folder / "demo.sqlite")
        database = open_database(folder / "demo.sqlite", create=False)
        yield database
        database.dispose()


def _params(db: Database, kind: str) -> ReportParams:
    with db.sessions() as session:
        if kind == "programme":
            pair_id = session.scalars(select(Pair.id).order_by(Pair.id)).first()
            return ReportParams(on=ON, pair_id=pair_id)
        if kind == "iom":
            person_id = session.scalars(select(Route.person_id).order_by(Route.id)).first()
            return ReportParams(on=ON, person_id=person_id)
        if kind == "recognition":  # a mentor of the demo's nominations
            person_id = session.scalars(select(Nomination.person_id).order_by(
                Nomination.id)).first()
            return ReportParams(on=ON, person_id=person_id, award="za_nastavnichestvo")
    return ReportParams(on=ON, year=YEAR, number="17-од")


@pytest.fixture(scope="module")
def printed(demo: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """Every kind written as PDF and DOCX (built once, written twice)."""
    folder = tmp_path_factory.mktemp("printed")
    result = {}
    for kind in KINDS:
        params = _params(demo, kind)
        with demo.sessions() as session:
            document = build(session, kind, params)
        paths = []
        for suffix in (".pdf", ".docx"):
            target = folder / f"{kind}{suffix}"
            write(document, target, suffix)
            paths.append(target)
        result[kind] = Printed(kind, document, paths[0], paths[1])
    return result


KINDS_LIST = list(KINDS)


def texts_of(document: Document) -> list[str]:
    """Every piece of text the document prints on its own: a paragraph, a point, a cell."""
    texts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            texts.extend(block.headers)
            texts.extend(cell for row in block.rows for cell in row)
            texts.extend(block.total or ())
        else:
            texts.append(Document("", (block,)).plain_text())
    return texts


@pytest.mark.parametrize("kind", KINDS_LIST)
def test_no_word_broken_without_a_hyphen(printed: dict[str, Printed], kind: str) -> None:
    """Every token of the PDF (a line ending in a hyphen joined to the next) is a word of the
    document: a word cut in the middle with no hyphen («Детско-юно|шеская», «пре|дмет») would
    leave two pieces that are not words."""
    item = printed[kind]
    words = doctext.vocabulary(item.document.plain_text(), "№ п/п Исп.")
    assert doctext.broken_words_by_page(doctext.pdf_pages(item.pdf), words) == []


@pytest.mark.parametrize("kind", KINDS_LIST)
def test_numbers_units_initials_kept_on_one_line(printed: dict[str, Printed], kind: str) -> None:
    lines = doctext.pdf_lines(printed[kind].pdf)
    for line, following in zip(lines, lines[1:], strict=False):
        joined = f"{line} | {following}"
        assert not re.search(r"(?:^|\s)№$", line) or following == "п/п", joined
        assert not (re.search(r"\d$", line)
                    and re.match(r"(?:%|г\.|гг\.|лет\b|года?\b|ч\.)", following)), joined
        initials = re.search(r"(?:^|\s)([А-ЯЁ]\.(?:[А-ЯЁ]\.)?)$", line)  # «Е.В.» | «Тих…»
        surname = re.match(r"[А-ЯЁ][а-яё]+", following)
        assert not (initials and surname and f"{initials.group(1)}\u00a0{surname.group(0)}"
                    in typeset(printed[kind].document.plain_text())), joined
        assert not re.search(r"\d[–-]$", line), joined  # «1–» | «10», «2-14-» | «07»
        assert not re.search(r"(?:^|\s)[вкоусияаВКОУСИЯА]$", line), joined  # «в» | «объёме»


@pytest.mark.parametrize("kind", KINDS_LIST)
def test_a_dash_stays_with_the_word_before_it(printed: dict[str, Printed], kind: str) -> None:
    """«наставничества — в 17»: the dash never opens a line (no line begins with a dash as
    if it were a bullet of a sentence cut in two)."""
    item = printed[kind]
    lines = [" ".join(line.replace("\u00a0", " ").split())
             for line in doctext.pdf_lines(item.pdf)]
    pairs = {pair for text in texts_of(item.document)
             for pair in re.findall(r"(\S+) [—–-] ", " ".join(text.split()))}
    assert pairs or kind in ("iom", "candidates", "public-list", "active-order")
    text = ""
    for line in lines:  # a word hyphenated at a line's end is joined again
        text = text[:-1] + line if text.endswith("-") else f"{text}\n{line}"
    for word in pairs:
        assert re.search(rf"{re.escape(word.replace('-', ''))} [—–]", text.replace("-", "")), word


@pytest.mark.parametrize("kind", KINDS_LIST)
def test_russian_quotes_and_dashes(printed: dict[str, Printed], kind: str) -> None:
    item = printed[kind]
    pdf = " ".join(doctext.pdf_lines(item.pdf))
    docx = " ".join(doctext.docx_paragraphs(item.docx))
    for text in (pdf, docx):
        assert "»»" not in text and "««" not in text
        assert '"' not in text
        assert not re.search(r"\s-\s", text), re.search(r".{30}\s-\s.{30}", text)
    if "„" in pdf:  # nested quotes, when there are any, are „…“ inside «…»
        assert re.search(r"«[^«»]*„[^„“]*“[^«»]*»", pdf)


def test_emails_and_organisation_names_whole(printed: dict[str, Printed]) -> None:
    """On the candidates form and the public list every e-mail stands whole on one line, and
    every word of every ОО name is found whole (only lines ending in a hyphen joined)."""
    for kind in ("candidates", "public-list"):
        item = printed[kind]
        lines = doctext.pdf_lines(item.pdf)
        tokens = set(doctext.readable(doctext.join_hyphenated(lines)).split())
        table = next(b for b in item.document.blocks if isinstance(b, Table))
        emails = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", " ".join(map(" ".join,
                                                                               table.rows))))
        assert emails, kind
        for email in emails:
            assert any(email in line.split() for line in lines), (kind, email)
    with_names = printed["annual"]
    joined = doctext.readable(doctext.join_hyphenated(doctext.pdf_lines(with_names.pdf)))
    names = {row[0] for block in with_names.document.blocks if isinstance(block, Table)
             and block.headers and block.headers[0] == "Образовательная организация"
             for row in block.rows}
    assert len(names) > 10
    tokens = {t.strip(",.;:()") for t in joined.replace("-", "").split()}
    for name in names:
        for word in doctext.readable(name).replace("-", "").split():
            assert word.strip(",.;:()") in tokens, (name, word)


@pytest.mark.parametrize("kind", KINDS_LIST)
def test_every_kind_dated_and_signed(printed: dict[str, Printed], kind: str) -> None:
    """A date and the signature of whoever approves it, the head of the centre as «О.Н.
    Берёзкина» (initials first, with no-break spaces), on the same page as text before it."""
    item = printed[kind]
    text = doctext.pdf_text(item.pdf)
    signatures = [b for b in item.document.blocks if isinstance(b, Signature)]
    assert signatures, kind
    assert fmt_date(ON) in text
    assert any("О.Н.\u00a0Берёзкина" in s.name for s in signatures)
    assert doctext.same("О.Н. Берёзкина", text)
    pages = doctext.pdf_pages(item.pdf)
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page if not line.isdigit()]
        assert lines, f"{kind}: page {number} is empty"
        if "Берёзкина" in " ".join(lines):
            before = " ".join(lines).split(signatures[-1].position.split()[0])[0]
            assert len(before.split()) >= 3, f"{kind}: the signature alone on page {number}"


def test_docx_typeset_and_hyphenated(printed: dict[str, Printed]) -> None:
    """The Word copy carries the same typography: Russian as its language, automatic
    hyphenation on, soft hyphens in table cells, phone numbers with no-break hyphens."""
    item = printed["candidates"]
    document = read_docx(str(item.docx))
    settings = document.settings.element
    assert settings.find(qn("w:autoHyphenation")) is not None
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:val")) == "ru-RU"
    body = document.element.body
    assert body.find(f".//{qn('w:tbl')}//{qn('w:softHyphen')}") is not None
    assert body.find(f".//{qn('w:noBreakHyphen')}") is not None
    text = " ".join(doctext.docx_paragraphs(item.docx))
    assert "\u00ad" not in text and "\u2011" not in text


def test_people_are_not_broken_as_fragments(printed: dict[str, Printed], demo: Database) -> None:
    """Every surname on the public list's PDF is found whole."""
    item = printed["public-list"]
    joined = doctext.readable(doctext.join_hyphenated(doctext.pdf_lines(item.pdf)))
    with demo.sessions() as session:
        surnames = set(session.scalars(select(Person.last_name)))
    table = next(b for b in item.document.blocks if isinstance(b, Table))
    for row in table.rows:
        surname = row[0].split()[0]
        assert surname in surnames
        assert surname in joined.replace("-", "") or surname in joined, surname
