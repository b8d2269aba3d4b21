"""The documents window: parameters, preview (QtPdf), printing to a PDF printer, saving."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter

from desktop_app.reports import KINDS
from desktop_app.reports.params import last_number, report_texts
from desktop_app.ui.report_dialog import ReportDialog, print_pdf
from tests.helpers import type_text
from tests.test_reports import fill, pdf_text

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def finish(qtbot, op) -> bool:  # type: ignore[no-untyped-def]
    """Wait for a document built or saved in the background; True when it succeeded."""
    assert op is not None
    if not op.done:
        with qtbot.waitSignal(op.finished, timeout=30000):
            pass
    return bool(op.succeeded)


def test_preview_print_and_save(qtbot, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        fill(session)
    dialog = ReportDialog(db, None, "active-order")
    qtbot.addWidget(dialog)
    dialog.number.clear()
    type_text(dialog.number, "12-од")
    dialog.date.setDate(QDate(2024, 12, 20))
    assert finish(qtbot, dialog.preview())
    assert dialog.pdf.pageCount() == 2
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert print_pdf(dialog.pdf, printer) == 2
    assert printed.stat().st_size > 1000
    saved = tmp_path / "order.docx"
    assert finish(qtbot, dialog.save_to(saved)) and saved.stat().st_size > 0
    with db.sessions() as session:
        assert last_number(session, "active-order") == "12-од"
    assert dialog.number.text() == "12-од"  # the order of that date keeps its number
    dialog.date.setDate(QDate(2024, 12, 23))
    assert dialog.number.text() == "13-од"


def test_pair_person_and_annual_texts(qtbot, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        ids = fill(session)
    dialog = ReportDialog(db, None, "programme")
    qtbot.addWidget(dialog)
    assert dialog.pair.count() == 1 and dialog.pair.currentData() == ids.pair
    out = tmp_path / "programme.pdf"
    assert finish(qtbot, dialog.save_to(out))
    assert "Персонализированная программа наставничества" in pdf_text(out)
    dialog.kinds.setCurrentRow(list(KINDS).index("iom"))
    assert dialog.person.currentData() == ids.mentee
    dialog.kinds.setCurrentRow(list(KINDS).index("annual"))
    assert dialog.texts.isVisibleTo(dialog) and not dialog.wording.isVisibleTo(dialog)
    dialog.year.setValue(2024)
    type_text(dialog.section_edits["conclusions"], "Охват вырос.")
    dialog.save_texts()
    with db.sessions() as session:
        assert report_texts(session, "annual", 2024)["conclusions"] == "Охват вырос."
    dialog.year.setValue(2023)
    assert dialog.section_edits["conclusions"].toPlainText() == ""
    dialog.year.setValue(2024)
    assert dialog.section_edits["conclusions"].toPlainText() == "Охват вырос."
    dialog.date.setDate(QDate(2025, 1, 10))
    assert finish(qtbot, dialog.preview())
    assert dialog.pdf.pageCount() >= 3


def test_missing_pair_is_refused(qtbot, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    dialog = ReportDialog(db, None, "programme")
    qtbot.addWidget(dialog)
    assert not dialog.preview()
    assert shown and "пару" in shown[0]
