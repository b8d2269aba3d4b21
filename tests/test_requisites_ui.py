"""The window and the centre's requisites: the settings open at the first start while they are
the shipped placeholders; the documents window names them instead of printing; the journal of
orders numbers a saved order once, as the command line does."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from desktop_app.reports.params import order_number
from desktop_app.services import settings
from desktop_app.store.database import Database, open_database
from desktop_app.ui.app import after_first_paint, after_paint
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.report_dialog import ReportDialog
from tests.doctext import same
from tests.helpers import address, type_text
from tests.test_reports import docx_text, fill, pdf_text
from tests.test_ui_reports import finish

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


@pytest.fixture
def started(qtbot, db: Database):  # type: ignore[no-untyped-def]
    """The main window shown as the program starts it (after_paint after the first paint)."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    after_first_paint(window, lambda: after_paint(window, False))
    window.show()
    qtbot.waitExposed(window)
    yield window
    gc.unfreeze()  # after_paint's warm-up freezes what was built, as at a real start


def test_first_start_opens_the_settings_once(qtbot, started: MainWindow, db: Database) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: getattr(started, "_settings_dialog", None) is not None
                    and started._settings_dialog.isVisible(), timeout=10000)
    dialog = started._settings_dialog
    assert dialog.notice.isVisible() and dialog.tabs.currentIndex() == 0
    for name in ("«Вышестоящий орган управления образованием»", "«Фамилия руководителя»",
                 "«Имя руководителя»", "«Место издания документов»", "«Исполнитель приказов»"):
        assert name in dialog.notice.text(), name
    assert "Должность руководителя" not in dialog.notice.text()
    assert started.offer_requisites() is None  # once per start
    dialog.fields["authority"].setText("Управление образования Администрации ЗАТО Северск")
    dialog.fields["head_last"].setText("Кулешова")
    assert dialog.save()
    with db.sessions() as session:
        values = settings.get_all(session)
    assert values["head_last"] == "Кулешова"
    assert values["authority"] == "Управление образования Администрации ЗАТО Северск"


def test_no_settings_at_start_read_only_or_on_the_demo(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "только-чтение.sqlite"  # a file opened read-only: a file's matter
    open_database(path).dispose()
    read_only = open_database(path, read_only=True)
    window = MainWindow(read_only)
    qtbot.addWidget(window)
    window.show()
    assert window.offer_requisites() is None
    assert getattr(window, "_settings_dialog", None) is None
    demo = tmp_path / "demo.sqlite"
    write_demo(demo, Scale(organisations=2, people=20, active=2, pairs=2, sessions=4), seed=1)
    on_demo = MainWindow(open_database(demo))
    qtbot.addWidget(on_demo)
    on_demo.show()
    assert on_demo.offer_requisites() is None
    assert getattr(on_demo, "_settings_dialog", None) is None


def test_documents_window_names_the_requisites_instead_of_printing(
        qtbot, db: Database, tmp_path: Path, no_blocking_message_boxes) -> None:  # type: ignore[no-untyped-def]
    dialog = ReportDialog(db, None, "public-list")
    qtbot.addWidget(dialog)
    assert "«Фамилия руководителя»" in dialog.status.text()
    out = tmp_path / "list.pdf"
    assert dialog.save_to(out) is None and not out.exists()
    kind, said = no_blocking_message_boxes[-1]
    assert kind == "warning" and "Сервис → Настройки…" in said
    assert "«Вышестоящий орган управления образованием»" in said
    assert "«Исполнитель приказов" not in said  # the executor matters for orders only
    dialog.kinds.setCurrentRow(0)  # the active order
    assert dialog.save_to(tmp_path / "order.pdf") is None
    assert "«Исполнитель приказов»" in no_blocking_message_boxes[-1][1]
    assert dialog.print_document() is None
    assert not (tmp_path / "order.pdf").exists()


def test_window_order_numbered_once_and_shared_with_the_cli(
        qtbot, db: Database, tmp_path: Path, no_blocking_message_boxes) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        fill(session)
    dialog = ReportDialog(db, None, "active-order")
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(2024, 12, 20))
    assert dialog.number.text() == "" and "Журнал приказов пуст" in dialog.number_hint.text()
    pdf = tmp_path / "order.pdf"
    assert dialog.save_to(pdf) is None and not pdf.exists()
    assert "Укажите номер приказа в поле «Номер приказа» — в журнале приказов ещё нет ни " \
           "одного" in no_blocking_message_boxes[-1][1]
    type_text(dialog.number, "16-од")
    assert finish(qtbot, dialog.save_to(pdf))
    assert same("№ 16-од", pdf_text(pdf))
    assert dialog.number.text() == "16-од" and "уже в журнале" in dialog.number_hint.text()
    assert [dialog.journal.item(i).text() for i in range(dialog.journal.count())] == [
        "№ 16-од от 20.12.2024 — Приказ об утверждении состава методического актива"]
    dialog.number.clear()
    type_text(dialog.number, "20-од")
    docx = tmp_path / "order.docx"
    assert finish(qtbot, dialog.save_to(docx)) is False and not docx.exists()
    assert "под № 16-од, а не № 20-од" in no_blocking_message_boxes[-1][1]
    dialog.date.setDate(QDate(2024, 12, 23))
    assert dialog.number.text() == "20-од"  # what the user typed stays
    dialog.number.clear()
    dialog.date.setDate(QDate(2024, 12, 24))
    assert dialog.number.text() == "17-од"  # the next of the one register
    cli = tmp_path / "cli.docx"
    assert main(["--db", address(db), "report", "active-order", "--date", "20.12.2024",
                 "--out", str(cli)]) == 0
    assert same("№ 16-од", docx_text(cli)) and not same("17-од", docx_text(cli))
    with db.sessions() as session:
        assert order_number(session, "pairs-order", QDate(2024, 12, 23).toPython()) == "17-од"


def test_an_order_printed_on_paper_is_registered(
        qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from desktop_app.ui import report_dialog

    paper = tmp_path / "paper.pdf"

    class PdfPrinter(QPrinter):
        """The printer chosen in the dialog: a PDF file instead of a real printer."""

        def __init__(self, mode: QPrinter.PrinterMode) -> None:
            super().__init__(mode)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(paper))

    monkeypatch.setattr(report_dialog, "QPrinter", PdfPrinter)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: QPrintDialog.DialogCode.Accepted)
    with db.sessions() as session:
        fill(session)
    dialog = ReportDialog(db, None, "pairs-order")
    qtbot.addWidget(dialog)
    dialog.date.setDate(QDate(2024, 12, 20))
    type_text(dialog.number, "5-од")
    assert finish(qtbot, dialog.print_document())
    assert paper.stat().st_size > 1000  # the pages went to the printer (as images)
    assert same("№ 5-од", dialog.pdf.getAllText(0).text())  # what was printed
    assert dialog.journal.count() == 1 and dialog.journal.item(0).text().startswith(
        "№ 5-од от 20.12.2024")
    saved = tmp_path / "pairs.docx"
    dialog.number.clear()  # the date's own number comes back
    dialog.date.setDate(QDate(2024, 12, 21))
    dialog.date.setDate(QDate(2024, 12, 20))
    assert dialog.number.text() == "5-од"
    assert finish(qtbot, dialog.save_to(saved)) and same("№ 5-од", docx_text(saved))
