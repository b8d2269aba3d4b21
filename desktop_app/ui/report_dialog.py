"""Documents window: choose a document and its parameters, preview it, print it, save PDF/DOCX.

An order printed or saved is registered in the journal of orders (its number is kept for its kind
and date); nothing is printed or saved while the centre's requisites are placeholders.

A document of a region is built for seconds: building and saving run in a worker thread behind
a progress dialog (operations.py), with their own database session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.reports import KINDS, NotFound, OrderRefused, ReportParams, build, produce
from desktop_app.reports.orders import default_wording
from desktop_app.reports.params import (
    ANNUAL_SECTIONS,
    last_number,
    order_number,
    register_order,
    report_texts,
    save_report_text,
    suggested_number,
)
from desktop_app.reports.pdf import pdf_bytes
from desktop_app.reports.queries import (
    mentor_choices,
    public_consent,
    route_people,
)
from desktop_app.services import order_journal, requisites, settings
from desktop_app.services.awards import list_awards
from desktop_app.services.indicators import IndicatorInputError
from desktop_app.services.pairs.lists import pair_choices
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date
from desktop_app.ui.common.forms import from_qdate
from desktop_app.ui.common.operations import Operation, Progress, run_in_background
from desktop_app.ui.common.widgets import LimitedTextEdit, fill_combo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.ui.main_window import MainWindow

PRINT_DPI = 300
FILTERS = {
    ".pdf": "PDF (*.pdf)", ".docx": "Документ Word (*.docx)", ".xlsx": "Книга Excel (*.xlsx)",
}


def add_report_actions(window: MainWindow, menu: QMenu) -> None:
    """One menu item per document; each opens the window on that document."""
    for code, kind in KINDS.items():
        action = menu.addAction(f"{kind.title}…")
        action.triggered.connect(
            lambda _checked=False, c=code: ReportDialog(window.db, window, c).exec()
        )


class ReportDialog(QDialog):
    """Left: the document and its parameters; right: the preview (QtPdf)."""

    def __init__(self, db: Database, parent: QWidget | None = None,
                 kind: str = "active-order", person_id: int | None = None,
                 award: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Документы")
        self.pdf = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._build()
        self.kinds.setCurrentRow(list(KINDS).index(kind))
        for combo, value in ((self.person, person_id), (self.award, award)):
            if value is not None and combo.findData(value) >= 0:  # a document of one person
                combo.setCurrentIndex(combo.findData(value))
        self.resize(1200, 800)

    # building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.kinds = QListWidget(self)
        self.kinds.addItems([k.title for k in KINDS.values()])
        self.kinds.currentRowChanged.connect(self._kind_changed)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.addWidget(QLabel("Документ:"))
        column.addWidget(self.kinds, 1)
        column.addWidget(self._params_box())
        column.addWidget(self._consent_box(), 1)
        column.addWidget(self._wording_box(), 2)
        column.addWidget(self._journal_box(), 1)
        column.addWidget(self._texts_box(), 2)
        column.addLayout(self._buttons())
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.setSizes([420, 780])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

    def _params_box(self) -> QGroupBox:
        box = QGroupBox("Параметры", self)
        form = QFormLayout(box)
        self.number = QLineEdit(box)
        self.number_hint = QLabel("", box)
        self.number_hint.setWordWrap(True)
        self.date = QDateEdit(QDate.currentDate(), box)
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        self.date.dateChanged.connect(self._date_changed)
        self._auto_number = ""  # the number last filled in by the dialog, not typed
        self.year = QSpinBox(box)
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(self._load_texts)
        self.pair = QComboBox(box)
        self.person = QComboBox(box)
        for combo in (self.pair, self.person):  # 10 000 pairs: not measured to size the box
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(48)
        self.award = QComboBox(box)  # the представление's award
        for label, widget in (("Номер приказа:", self.number), ("", self.number_hint),
                              ("Дата:", self.date), ("Год отчёта:", self.year),
                              ("Пара (группа):", self.pair), ("Педагог:", self.person),
                              ("Награда:", self.award)):
            form.addRow(label, widget)
        self.per_candidate = QCheckBox("Каждый кандидат с новой страницы", box)
        form.addRow("", self.per_candidate)
        self.date.dateChanged.connect(self._show_consent)
        self.form = form
        return box

    def _consent_box(self) -> QGroupBox:
        """Public list: the members left out for want of consent, to collect it from them."""
        self.consent = QGroupBox("Согласие на размещение сведений на сайте", self)
        box = QVBoxLayout(self.consent)
        self.consent_line = QLabel("", self.consent)
        self.consent_line.setWordWrap(True)
        self.consent_list = QListWidget(self.consent)
        box.addWidget(self.consent_line)
        box.addWidget(self.consent_list, 1)
        return self.consent

    def _show_consent(self) -> None:
        """«Не дали согласия: N» and their names (with the ОО) for the date chosen."""
        if self.kind != "public-list":
            return
        with self.db.sessions() as session:
            found = public_consent(session, from_qdate(self.date.date()))
        members = "члена" if found.total % 10 == 1 and found.total % 100 != 11 else "членов"
        self.consent_line.setText(
            f"Не дали согласия: {len(found.missing)} из {found.total} {members} актива"
            + (" — в список для сайта они не войдут." if found.missing else "."))
        self.consent_list.clear()
        self.consent_list.addItems([f"{m.fio} — {m.organisation}" if m.organisation else m.fio
                                    for m in found.missing])
        self.consent_list.setVisible(bool(found.missing))

    def _wording_box(self) -> QGroupBox:
        self.wording = QGroupBox("Текст приказа", self)
        form = QFormLayout(self.wording)
        self.preamble = LimitedTextEdit(self.wording)
        self.points = LimitedTextEdit(self.wording)
        self.points.setToolTip("Один пункт в строке; номера проставляются сами.")
        form.addRow("Преамбула:", self.preamble)
        form.addRow("Пункты (по одному в строке):", self.points)
        return self.wording

    def _journal_box(self) -> QGroupBox:
        self.journal_box = QGroupBox("Журнал приказов (только просмотр)", self)
        column = QVBoxLayout(self.journal_box)
        self.journal = QListWidget(self.journal_box)
        self.journal.setWordWrap(True)
        self.journal.setToolTip("Приказы, напечатанные программой, по дате. Повторная печать "
                                "приказа того же вида на ту же дату получает его номер.")
        column.addWidget(self.journal)
        return self.journal_box

    def _texts_box(self) -> QGroupBox:
        self.texts = QGroupBox("Выводы и рекомендации отчёта (хранятся по годам)", self)
        form = QFormLayout(self.texts)
        self.section_edits: dict[str, QPlainTextEdit] = {}
        for section, title in ANNUAL_SECTIONS.items():
            edit = LimitedTextEdit(self.texts)
            self.section_edits[section] = edit
            form.addRow(f"{title}:", edit)
        save = QPushButton("Сохранить тексты", self.texts)
        save.clicked.connect(self.save_texts)
        form.addRow("", save)
        return self.texts

    def _buttons(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        top, bottom = QHBoxLayout(), QHBoxLayout()
        self.preview_button = QPushButton("Показать", self)
        self.print_button = QPushButton("Печать…", self)
        self.pdf_button = QPushButton("Сохранить PDF…", self)
        self.docx_button = QPushButton("Сохранить DOCX…", self)
        self.xlsx_button = QPushButton("Сохранить XLSX…", self)
        close = QPushButton("Закрыть", self)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_document)
        self.pdf_button.clicked.connect(lambda: self.save_as(".pdf"))
        self.docx_button.clicked.connect(lambda: self.save_as(".docx"))
        self.xlsx_button.clicked.connect(lambda: self.save_as(".xlsx"))
        close.clicked.connect(self.reject)
        for button in (self.preview_button, self.print_button):
            top.addWidget(button)
        for button in (self.pdf_button, self.docx_button, self.xlsx_button, close):
            bottom.addWidget(button)
        rows.addLayout(top)
        rows.addLayout(bottom)
        return rows

    # state -------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return list(KINDS)[max(self.kinds.currentRow(), 0)]

    def _kind_changed(self, _row: int) -> None:
        kind = KINDS[self.kind]
        for widget, visible in ((self.number, kind.is_order), (self.number_hint, kind.is_order),
                                (self.year, kind.needs == "year"),
                                (self.pair, kind.needs == "pair"),
                                (self.person, kind.needs in ("person", "mentor")),
                                (self.award, kind.needs == "mentor")):
            self.form.setRowVisible(widget, visible)
        self.wording.setVisible(kind.is_order)
        self.journal_box.setVisible(kind.is_order)
        self.texts.setVisible(kind.needs == "year" and self.kind != "practices")  # no texts
        self.form.setRowVisible(self.per_candidate, self.kind == "candidates")
        self.consent.setVisible(self.kind == "public-list")
        self._show_consent()
        self.xlsx_button.setVisible(".xlsx" in kind.formats)
        self._fill_choices(kind.needs)
        if kind.is_order:
            self._load_order_defaults()
        if kind.needs == "year":
            self._load_texts()
        self._tell_missing_requisites()

    def _fill_choices(self, needs: str | None) -> None:
        if needs not in ("pair", "person", "mentor"):
            return
        combo = self.pair if needs == "pair" else self.person
        lists: dict[str, Callable[[Session], Sequence[Sequence[Any]]]] = {
            "pair": pair_choices, "person": route_people, "mentor": mentor_choices}
        with self.db.sessions() as session:
            choices = lists[needs](session)
            award_list = list_awards(session) if needs == "mentor" else []
        fill_combo(combo, choices)
        if needs == "mentor":
            self.award.clear()
            for award in award_list:
                self.award.addItem(award.name, award.code)

    def _load_order_defaults(self) -> None:
        with self.db.sessions() as session:
            preamble, points = default_wording(session, self.kind)
        self.preamble.setPlainText(preamble)
        self.points.setPlainText("\n".join(points))
        self._show_number()

    def _show_number(self) -> None:
        """The number the order of the chosen date gets: its own when it is in the journal,
        else the next one (a number the user typed stays); the journal below."""
        day = from_qdate(self.date.date())
        with self.db.sessions() as session:
            found = order_journal.registered(session, self.kind, day)
            suggested = suggested_number(session, self.kind, day)
            last = last_number(session, self.kind)
            journal = order_journal.entries(session)
        typed = self.number.text().strip()
        if found is not None or not typed or typed == self._auto_number:
            self.number.setText(suggested)
            self._auto_number = suggested
        if found is not None:
            shown = found.number.replace("-", "\u2011")  # the number not broken at its hyphen
            hint = (f"Приказ от {fmt_date(day)} уже в журнале под № {shown}: повторная "
                    "печать — с тем же номером")
        elif last:
            hint = f"Последний номер: {last}"
        else:
            hint = "Журнал приказов пуст: укажите номер первого приказа"
        self.number_hint.setText(hint)
        titles = {code: kind.title for code, kind in KINDS.items()}
        self.journal.clear()
        self.journal.addItems([f"№ {e.number} от {fmt_date(e.on)} — {titles.get(e.kind, e.kind)}"
                               for e in journal])
        self.journal.scrollToBottom()

    def _date_changed(self, _date: QDate) -> None:
        if KINDS[self.kind].is_order:
            self._show_number()

    def missing_requisites(self) -> list[str]:
        """The centre's requisites this document still lacks (requisites.placeholders)."""
        with self.db.sessions() as session:
            return settings.missing_requisites(session, for_order=KINDS[self.kind].is_order)

    def _tell_missing_requisites(self) -> None:
        missing = self.missing_requisites()
        self.status.setText(requisites.window_refusal(missing) if missing else "")

    def _print_refusal(self) -> str | None:
        """Why this document cannot be printed or saved now, None when it can."""
        missing = self._missing_choice()
        if missing:
            return missing
        lacking = self.missing_requisites()
        if lacking:
            return requisites.window_refusal(lacking)
        if KINDS[self.kind].is_order and not self.number.text().strip():
            with self.db.sessions() as session:
                empty = order_journal.latest(session) is None
            reason = " — в журнале приказов ещё нет ни одного" if empty else ""
            return f"Укажите номер приказа в поле «Номер приказа»{reason}."
        return None

    def _load_texts(self) -> None:
        with self.db.sessions() as session:
            texts = report_texts(session, "annual", self.year.value())
        for section, edit in self.section_edits.items():
            edit.setPlainText(texts.get(section, ""))

    def params(self) -> ReportParams:
        kind = KINDS[self.kind]
        points = tuple(line.strip() for line in self.points.toPlainText().splitlines()
                       if line.strip())
        return ReportParams(
            number=self.number.text().strip() if kind.is_order else "",
            on=from_qdate(self.date.date()),
            year=self.year.value(),
            pair_id=self.pair.currentData() if kind.needs == "pair" else None,
            person_id=(self.person.currentData() if kind.needs in ("person", "mentor")
                       else None),
            award=self.award.currentData() if kind.needs == "mentor" else None,
            points=(points or None) if kind.is_order else None,
            preamble=self.preamble.toPlainText().strip() if kind.is_order else None,
            page_per_candidate=self.kind == "candidates" and self.per_candidate.isChecked(),
        )

    def _missing_choice(self) -> str | None:
        needs = KINDS[self.kind].needs
        if needs == "pair" and self.pair.currentData() is None:
            return "Выберите наставническую пару (группу): в базе нет ни одной пары."
        if needs == "person" and self.person.currentData() is None:
            return "Выберите педагога: ни у кого в базе ещё нет ИОМ."
        if needs == "mentor" and self.person.currentData() is None:
            return "Выберите наставника: в базе ещё нет наставнических пар."
        if needs == "mentor" and self.award.currentData() is None:
            return "Выберите награду: в базе нет ни одной награды."
        return None

    # actions -----------------------------------------------------------------------------
    def save_texts(self) -> None:
        """Store the conclusions and recommendations of the chosen year."""
        if self.db.read_only:
            self._refuse("База открыта только для чтения: тексты не сохранены.")
            return
        with self.db.sessions() as session:
            for section, edit in self.section_edits.items():
                save_report_text(session, "annual", self.year.value(), section,
                                 edit.toPlainText().strip())
            session.commit()
        self.status.setText(f"Тексты отчёта за {self.year.value()} год сохранены.")

    def _refused(self, exc: BaseException) -> bool:
        """The failure callback: a refusal of the data is told here, the rest is unexpected."""
        if isinstance(exc, NotFound | IndicatorInputError | OrderRefused):
            self._refuse(str(exc))
            return True
        return False

    def preview(self, then: Callable[[], None] | None = None) -> Operation[bytes] | None:
        """Build the PDF in the background and show it inside the window (then then())."""
        missing = self._missing_choice()
        if missing:
            self._refuse(missing)
            return None
        if KINDS[self.kind].needs == "year" and not self.db.read_only:
            self.save_texts()
        db, kind, params = self.db, self.kind, self.params()

        def work(_progress: Progress) -> bytes:
            with db.sessions() as session:
                return pdf_bytes(build(session, kind, params))

        def done(data: bytes) -> None:
            self._show_pdf(data)
            if then is not None:
                then()

        return run_in_background(self, f"Подготовка документа «{KINDS[kind].title}»…", work,
                                 done, self._refused)

    def _show_pdf(self, data: bytes) -> None:
        self.pdf.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.pdf.load(buffer)
        self.status.setText(f"Страниц: {self.pdf.pageCount()}")

    def print_document(self) -> Operation[bytes] | None:
        """Show the document, then print it; an order is numbered by the journal first and
        registered once it is sent to the printer."""
        refusal = self._print_refusal()
        if refusal:
            self._refuse(refusal)
            return None
        if KINDS[self.kind].is_order:
            try:
                with self.db.sessions() as session:
                    number = order_number(session, self.kind, from_qdate(self.date.date()),
                                          self.number.text(), not self.db.read_only)
            except OrderRefused as exc:
                self._refuse(str(exc))
                return None
            self.number.setText(number)
        return self.preview(then=self._print_shown)

    def _print_shown(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_pdf(self.pdf, printer)
            self.status.setText("Документ отправлен на печать.")
            self.register_printed()

    def register_printed(self) -> None:
        """Register the order just printed on paper in the journal (as a saved one is)."""
        kind = KINDS[self.kind]
        if not kind.is_order or self.db.read_only:
            return
        try:
            with self.db.sessions.begin() as session:
                register_order(session, self.kind, self.number.text(),
                               from_qdate(self.date.date()), kind.heading)
        except OrderRefused as exc:
            self._refuse(str(exc))
            return
        self._show_number()

    def save_as(self, suffix: str) -> None:
        refusal = self._print_refusal()
        if refusal:
            self._refuse(refusal)
            return
        name = f"{self.kind}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, "Сохранить документ", name, FILTERS[suffix])
        if path:
            self.save_to(Path(path) if Path(path).suffix else Path(path + suffix))

    def save_to(self, path: Path) -> Operation[None] | None:
        """Write the document to the file in the background; an order is registered in the
        journal of orders. None (and the reason told) when it cannot be written now."""
        refusal = self._print_refusal()
        if refusal:
            self._refuse(refusal)
            return None
        if KINDS[self.kind].needs == "year" and not self.db.read_only:
            self.save_texts()
        db, kind, params = self.db, self.kind, self.params()

        def work(_progress: Progress) -> None:
            with db.sessions() as session:
                produce(session, kind, params, path, register=not db.read_only)
                if not db.read_only:
                    session.commit()

        def done(_nothing: None) -> None:
            self.status.setText(f"Сохранено: {path}")
            if KINDS[kind].is_order:
                self._show_number()
                self.status.setText(f"Сохранено: {path}. Приказ № {self.number.text()} — в "
                                    "журнале приказов.")

        def failed(exc: BaseException) -> bool:
            if isinstance(exc, OSError):
                self._refuse(f"Не удалось записать файл «{path}»: {exc.strerror or exc}")
                return True
            return self._refused(exc)

        return run_in_background(self, f"Сохранение «{path.name}»…", work, done, failed)

    def _refuse(self, message: str) -> None:
        self.status.setText(message)
        QMessageBox.warning(self, APP_NAME, message)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Render each page of the PDF onto the printer at its resolution; returns pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        pages = document.pageCount()
        first, last = printer.fromPage() or 1, printer.toPage() or pages
        for index in range(first - 1, min(last, pages)):
            if index > first - 1:
                printer.newPage()
            _draw_page(document, index, printer, painter)
    finally:
        painter.end()
    return max(0, min(last, pages) - first + 1)


def _draw_page(document: QPdfDocument, index: int, printer: QPrinter, painter: QPainter) -> None:
    """One page, rendered at no more than 300 dpi and scaled onto the printable area."""
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    points = document.pagePointSize(index)
    scale = min(area.width() / points.width(), area.height() / points.height())
    target = QRect(0, 0, int(points.width() * scale), int(points.height() * scale))
    dpi = min(printer.resolution(), PRINT_DPI)
    image = document.render(index, QSize(int(points.width() * dpi / 72),
                                         int(points.height() * dpi / 72)))
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(target, image)
