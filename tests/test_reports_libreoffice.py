"""Each DOCX opened by a real word processor: LibreOffice lays it out and writes a PDF, which
pdftotext reads; each xlsx the program writes is opened by LibreOffice Calc and read back.

Marked `libreoffice` and skipped where soffice is not installed (CI installs it: .ci/run).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.reports import KINDS, write
from desktop_app.reports.docmodel import Document, Signature, Table
from tests import doctext
from tests.test_reports import (  # noqa: F401  (fixture)
    EXPECTED,
    _write,
    filled,
    params_for,
    pdf_text,
)
from tests.test_reports_typesetting import Printed, demo, printed  # noqa: F401  (fixtures)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def convert(docs: list[Path], out: Path, profile: Path, to: str = "pdf") -> None:
    """All files in one LibreOffice run, with its own profile (no clash with an open office)."""
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", to, "--outdir", str(out), *map(str, docs)],
        check=True, capture_output=True, timeout=300,
    )


def test_every_docx_opens_in_libreoffice(filled, tmp_path: Path) -> None:  # noqa: F811
    db, ids = filled
    numbers = {"active-order": "5-од", "pairs-order": "6-од"}
    docs = [_write(db, kind, tmp_path, ".docx", number=numbers.get(kind, ""),
                   **params_for(kind, ids))
            for kind in KINDS]
    out = tmp_path / "pdf"
    convert(docs, out, tmp_path / "profile")
    for kind in KINDS:
        pdf = out / f"{kind}.pdf"
        assert pdf.exists(), f"{kind}: LibreOffice wrote no PDF"
        text = pdf_text(pdf)
        for words in EXPECTED[kind]:
            assert doctext.same(words, text), f"{kind}: «{words}» not in LibreOffice's PDF"
    # the executor mark (a Word frame) stays at the foot of the order's own page, and the
    # appendix page is numbered at its top
    first, second = pdf_text(out / "active-order.pdf", 1), pdf_text(out / "active-order.pdf", 2)
    assert "Исп. Ковалёва Л.Ю." in first
    assert "Исп." not in second
    assert second.startswith("2 Приложение 1 к приказу от 20.12.2024 № 5-од"), second[:80]


@pytest.fixture(scope="module")
def laid_out(printed: dict[str, Printed],  # noqa: F811
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """LibreOffice's PDF of every DOCX of the demo (one LibreOffice run)."""
    folder = tmp_path_factory.mktemp("lo")
    convert([item.docx for item in printed.values()], folder / "pdf", folder / "profile")
    return {kind: folder / "pdf" / f"{kind}.pdf" for kind in printed}


def _words(texts: list[str]) -> set[str]:
    return {word for text in texts for word in doctext.readable(text).lower().split()}


def _own_words(page: list[str], document: Document) -> list[str]:
    """The words of a page that are the document's text, not its furniture: the page number,
    a repeated table header, the signature block."""
    furniture = _words([h for b in document.blocks if isinstance(b, Table) for h in b.headers])
    furniture |= _words([f"{b.position} {b.name} {b.date_text}" for b in document.blocks
                         if isinstance(b, Signature)])
    furniture |= {"№", "п/п"}
    return [word for line in page for word in doctext.readable(line).lower().split()
            if not word.isdigit() and word not in furniture]


@pytest.mark.parametrize("kind", list(KINDS))
def test_libreoffice_lays_out_each_docx_as_its_pdf(printed: dict[str, Printed],  # noqa: F811
                                                   laid_out: dict[str, Path], kind: str) -> None:
    """LibreOffice's pages: within one of the program's PDF, none empty, none holding only the
    tail of a table row or the signature, the signature on a page with the text before it."""
    item = printed[kind]
    ours = doctext.pdf_pages(item.pdf)
    theirs = doctext.pdf_pages(laid_out[kind])
    assert abs(len(theirs) - len(ours)) <= 1, (kind, len(ours), len(theirs))
    signatures = [b for b in item.document.blocks if isinstance(b, Signature)]
    last_name = signatures[-1].name.split("\u00a0")[-1]
    for number, page in enumerate(theirs, start=1):
        own = _own_words(page, item.document)
        assert len(own) >= 8, f"{kind}: LibreOffice's page {number} holds only {own}"
    signed = [page for page in theirs if last_name in " ".join(page)]
    assert signed, f"{kind}: no signature in LibreOffice's PDF"


def test_libreoffice_opens_every_workbook(demo, printed: dict[str, Printed],  # noqa: F811
                                          tmp_path: Path) -> None:
    """The forms, the exchange workbook and the candidates form in Excel: LibreOffice Calc
    opens each and reads its first sheet back as written."""
    from desktop_app.exchange.templates import write_template
    from desktop_app.exchange.workbook import export_all

    books: dict[str, Path] = {}
    for kind in ("organisations", "people", "pairs"):
        books[kind] = write_template(demo, kind, tmp_path / f"{kind}.xlsx")
    books["exchange"] = tmp_path / "exchange.xlsx"
    export_all(demo, books["exchange"])
    books["candidates"] = tmp_path / "candidates.xlsx"
    write(printed["candidates"].document, books["candidates"], ".xlsx")
    out = tmp_path / "csv"
    convert(list(books.values()), out, tmp_path / "profile",
            "csv:Text - txt - csv (StarCalc):44,34,76,1")
    for name, book in books.items():
        target = out / f"{book.stem}.csv"
        assert target.exists(), f"{name}: LibreOffice did not open it"
        rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
        text = " ".join(cell for row in rows for cell in row)
        assert rows and text.strip(), name
        assert any("а" <= ch <= "я" for ch in text.lower()), f"{name}: no Cyrillic read back"
    candidates = (out / "candidates.csv").read_text(encoding="utf-8")
    table = next(b for b in printed["candidates"].document.blocks if isinstance(b, Table))
    assert table.rows[0][0] in candidates
