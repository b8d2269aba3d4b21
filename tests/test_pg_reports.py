"""Every kind of document printed from the demo on a PostgreSQL server is the document printed
from the same demo in a file — word for word, table for table — and the command line writes it
from a server URL as PDF and DOCX (read back) and numbers an order in the server's journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.commands.demo import write_demo_to_server
from desktop_app.demo import REFERENCE
from desktop_app.model import Pair, Route
from desktop_app.reports import KINDS, ReportParams, build
from desktop_app.reports.docmodel import Document
from desktop_app.store.database import open_database
from tests.doctext import same
from tests.test_pg_demo import SMALL
from tests.test_reports import docx_text, pdf_text


@pytest.fixture(scope="module")
def server_demo(pg_server: Any) -> Iterator[str]:
    """The small demo (small_demo_file's scale and seed) in a database on the server."""
    name = pg_server.create_database()
    write_demo_to_server(pg_server.url(name), SMALL, seed=3)
    yield pg_server.url(name)
    pg_server.drop_database(name)


def _params(target: str | Path, kind: str) -> ReportParams:
    """The parameters a methodist gives each kind: the demo's date, its first pair and the
    first person with a route."""
    db = open_database(target)
    try:
        with db.sessions() as s:
            pair = s.scalars(select(Pair.id).order_by(Pair.id)).first()
            person = s.scalars(select(Route.person_id).order_by(Route.id)).first()
            mentor = s.scalars(select(Pair.mentor_id).order_by(Pair.id)).first()
    finally:
        db.dispose()
    needs = KINDS[kind].needs
    return ReportParams(number="7-од" if KINDS[kind].is_order else "", on=REFERENCE,
                        year=REFERENCE.year if needs == "year" else None,
                        pair_id=pair if needs == "pair" else None,
                        person_id={"person": person, "mentor": mentor}.get(needs or ""),
                        award="za_nastavnichestvo" if needs == "mentor" else None)


def _document(target: str | Path, kind: str) -> Document:
    db = open_database(target)
    try:
        with db.sessions() as s:
            return build(s, kind, _params(target, kind))
    finally:
        db.dispose()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_document_from_the_server_is_the_file_s(kind: str, server_demo: str,
                                                      small_demo_file: Path) -> None:
    on_server, in_file = _document(server_demo, kind), _document(small_demo_file, kind)
    assert on_server == in_file
    assert len(on_server.plain_text()) > 300  # a document with its content, not a heading only


def test_the_command_line_prints_from_a_server(server_demo: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    pdf, docx = tmp_path / "отчёт.pdf", tmp_path / "приказ.docx"
    assert main(["--db", server_demo, "report", "annual", "--year", str(REFERENCE.year),
                 "--out", str(pdf)]) == 0
    assert "Информационно-аналитический отчёт" in pdf_text(pdf).replace("\n", " ")
    day = REFERENCE.strftime("%d.%m.%Y")
    assert main(["--db", server_demo, "report", "active-order", "--date", day, "--number",
                 "12-од", "--out", str(docx)]) == 0
    assert same("Об утверждении состава", docx_text(docx)) and same("№ 12-од", docx_text(docx))
    # the next order takes the next number of the journal kept on the server
    assert main(["--db", server_demo, "report", "pairs-order", "--date", day, "--out",
                 str(docx)]) == 0
    assert same("№ 13-од", docx_text(docx))
    capsys.readouterr()
    assert main(["--db", server_demo, "orders"]) == 0
    journal = capsys.readouterr().out
    assert "12-од" in journal and "13-од" in journal
