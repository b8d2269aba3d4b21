"""Each DOCX opened by a real word processor: LibreOffice converts it to PDF, pdftotext reads it.

Marked `libreoffice` and skipped where soffice is not installed (CI does not install it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.reports import KINDS
from tests.test_reports import EXPECTED, _write, filled, pdf_text  # noqa: F401  (fixture)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def convert(docs: list[Path], out: Path, profile: Path) -> None:
    """All files in one LibreOffice run, with its own profile (no clash with an open office)."""
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, docs)],
        check=True, capture_output=True, timeout=240,
    )


def test_every_docx_opens_in_libreoffice(filled, tmp_path: Path) -> None:  # noqa: F811
    db, ids = filled
    extra = {"pair_id": ids.pair, "person_id": ids.mentee, "number": "5-од"}
    docs = [_write(db, kind, tmp_path, ".docx", **extra) for kind in KINDS]
    out = tmp_path / "pdf"
    convert(docs, out, tmp_path / "profile")
    for kind in KINDS:
        pdf = out / f"{kind}.pdf"
        assert pdf.exists(), f"{kind}: LibreOffice wrote no PDF"
        text = pdf_text(pdf)
        for words in EXPECTED[kind]:
            assert words in text, f"{kind}: «{words}» not in LibreOffice's PDF"
    # the executor mark (a Word frame) stays at the foot of the order's own page, and the
    # appendix page is numbered at its top
    first, second = pdf_text(out / "active-order.pdf", 1), pdf_text(out / "active-order.pdf", 2)
    assert "Исп. Ковалёва Л.Ю." in first
    assert "Исп." not in second
    assert second.startswith("2 Приложение 1 к приказу от 20.12.2024 № 5-од"), second[:80]
