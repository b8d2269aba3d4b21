"""The review of returned round files: the files on the left; for the chosen one, every change
grouped by kind, each with a tick (conflicts unticked), the rows not confirmed and the refusals;
«Применить» takes the ticked changes of that file, all or nothing, in the background."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.rounds import review as rv
from desktop_app.exchange.rounds.apply import ApplyResult, apply_return
from desktop_app.exchange.rounds.review import Change, Review, Unconfirmed, error_text
from desktop_app.exchange.rounds.spec import RoundError
from desktop_app.exchange.safe import ExchangeError
from desktop_app.store.backup import BackupError
from desktop_app.store.database import Database
from desktop_app.ui.common.forms import fit_to_screen
from desktop_app.ui.common.operations import Operation, Progress, refusals, run_in_background

TREE_COLUMNS = ("Что", "Поле", "Было", "Стало", "Лист, строка")
TREE_WIDTHS = (240, 150, 150, 150)
WIDEST = 300  # pixels: a long value is cut there (the tooltip has it whole)
# the groups of changes, in their order on screen; a kind not listed goes to OTHER
GROUPS = (
    (rv.ADD_PERSON, "Новые педагоги"),
    (rv.MOVE_IN, "Приняты из другой ОО (перевод) или снова на работу"),
    (rv.LEAVE, "Выбывают"),
    (rv.FIELD, "Изменённые сведения (было → стало)"),
    (rv.PAIR_ADD, "Начатые пары"),
    (rv.PAIR_END, "Завершённые пары"),
    (rv.PARTICIPATION_ADD, "Новое участие в мероприятиях"),
)
OTHER = "Другие изменения"
CONFLICTS = "Конфликты: в центре изменили после отправки файла"
UNCONFIRMED = "Не подтверждены"
UNCONFIRMED_NOTE = "Удалённая строка не считается выбытием: в базе всё остаётся как есть."
UNCONFIRMED_HELP = (
    "Не подтверждены — строки, которые были в отправленном файле, а в вернувшемся их нет. "
    "Удалённая строка не считается выбытием: сведения в базе остаются как есть. Если педагог "
    "выбыл, попросите ОО вернуть строку и отметить это в столбцах «Работает» и «Дата выбытия».")
REFUSED = "Отклонено"
NOTES = "Замечания (применению не мешают)"
CHANGE_ID = Qt.ItemDataRole.UserRole
ERROR_STYLE = "color: #a61b1b"
ERROR_COLOUR = QColor("#a61b1b")


def _bold(item: QTreeWidgetItem) -> None:
    font = item.font(0)
    font.setBold(True)
    item.setFont(0, font)


def _note(parent: QTreeWidgetItem, text: str, tooltip: str = "") -> QTreeWidgetItem:
    """A line of text across the tree's columns, without a tick."""
    item = QTreeWidgetItem(parent, [text])
    item.setFirstColumnSpanned(True)
    item.setToolTip(0, tooltip or text)
    return item


def refusal_text(error: RowError) -> str:
    """«Лист «Педагоги», строка 12, столбец AA (Дата выбытия) «31.02.2026»: причина»."""
    text = error_text(error)
    return text[:1].upper() + text[1:]


class FilePage(QWidget):
    """One returned file: what it says about its ОО and which changes are ticked."""

    def __init__(self, review: Review, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.result: ApplyResult | None = None
        self._read_only = read_only
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(TREE_COLUMNS))
        self.tree.setHeaderLabels(list(TREE_COLUMNS))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        for column, width in enumerate(TREE_WIDTHS):
            self.tree.setColumnWidth(column, width)
        self.unconfirmed_help = QLabel(UNCONFIRMED_HELP, self)
        self.unconfirmed_help.setWordWrap(True)
        self.unconfirmed_help.setVisible(bool(review.unconfirmed)
                                         and review.applied_before is None)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(ERROR_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.unconfirmed_help)
        layout.addWidget(self.reason)
        if review.applied_before is not None:  # no tree: the words stay at the top
            self.reason.setStyleSheet("")
            layout.addStretch(1)
        self.change_items: dict[str, QTreeWidgetItem] = {}
        self.recorded: ApplyResult | None = None  # the refused return written in the round
        self._fill()
        self._show_state()

    def refused(self, result: ApplyResult) -> None:
        """An apply refused (the rows the forms' rules refuse appear only in writing): the
        review with those refusals is shown; the round has recorded the return."""
        self.recorded = result
        self.review = result.review
        self.tree.clear()
        self.change_items = {}
        self._fill()
        self._show_state()

    # building -----------------------------------------------------------------------------
    def _fill(self) -> None:
        review = self.review
        if review.applied_before is not None:
            self.tree.hide()
            return
        conflicts = [c for c in review.changes if c.conflict]
        plain = [c for c in review.changes if not c.conflict]
        known = {kind for kind, _title in GROUPS}
        for kind, title in GROUPS:
            self._group(title, [c for c in plain if c.kind == kind])
        self._group(OTHER, [c for c in plain if c.kind not in known])
        self._group(CONFLICTS, conflicts, ticked=False)
        self._unconfirmed(review.unconfirmed)
        self._refusals(review.errors)
        self._notes(review.notes)
        self.tree.expandAll()
        self._fit_columns()
        if review.errors:  # nothing of it can be applied: the ticks are shown greyed
            self._freeze()

    def _fit_columns(self) -> None:
        """Each column at least its set width, wider for its texts up to WIDEST (the group
        titles and notes span the row and are not measured)."""
        for column, width in enumerate(TREE_WIDTHS):
            self.tree.resizeColumnToContents(column)
            fitted = self.tree.columnWidth(column)
            self.tree.setColumnWidth(column, min(max(fitted, width), WIDEST))

    def _group(self, title: str, changes: list[Change], ticked: bool = True) -> None:
        if not changes:
            return
        group = QTreeWidgetItem(self.tree, [f"{title} ({len(changes)})"])
        group.setFirstColumnSpanned(True)
        _bold(group)
        group.setFlags(group.flags() | Qt.ItemFlag.ItemIsUserCheckable
                       | Qt.ItemFlag.ItemIsAutoTristate)
        for change in changes:
            item = self._change_item(group, change)
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.change_items[change.id] = item

    def _change_item(self, group: QTreeWidgetItem, change: Change) -> QTreeWidgetItem:
        old, new = change.old, change.new
        if change.conflict:
            old, new = f"в центре: {change.current or '—'}", f"в файле: {new or '—'}"
        where = f"{change.sheet}, {change.row}" if change.row else change.sheet
        item = QTreeWidgetItem(group, [change.what, change.field, old, new, where])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setData(0, CHANGE_ID, change.id)
        tooltip = change.text()
        if change.conflict:
            tooltip += (f"\nВ отправленном файле было: {change.old or '—'}. Без отметки "
                        "остаётся значение центра.")
        for column in range(len(TREE_COLUMNS)):
            item.setToolTip(column, tooltip)
        return item

    def _unconfirmed(self, rows: list[Unconfirmed]) -> None:
        if not rows:
            return
        group = QTreeWidgetItem(self.tree, [f"{UNCONFIRMED} ({len(rows)}): строки удалены из "
                                            "файла, а не отмечены"])
        group.setFirstColumnSpanned(True)
        _bold(group)
        _note(group, UNCONFIRMED_NOTE, UNCONFIRMED_HELP).setForeground(
            0, self.palette().placeholderText())
        for row in rows:
            _note(group, f"{row.what} — лист «{row.sheet}», код {row.code}")

    def _refusals(self, errors: list[RowError]) -> None:
        if not errors:
            return
        group = QTreeWidgetItem(self.tree, [f"{REFUSED} ({len(errors)})"])
        group.setFirstColumnSpanned(True)
        _bold(group)
        group.setForeground(0, QBrush(ERROR_COLOUR))
        for error in errors:
            _note(group, refusal_text(error))

    def _notes(self, notes: list[RowError]) -> None:
        if not notes:
            return
        group = QTreeWidgetItem(self.tree, [f"{NOTES} ({len(notes)})"])
        group.setFirstColumnSpanned(True)
        _bold(group)
        for note in notes:
            _note(group, refusal_text(note))

    # state --------------------------------------------------------------------------------
    def _show_state(self) -> None:
        review = self.review
        if review.applied_before is not None:
            self._title("")
            self.reason.setText(self.blocked() or "")
            return
        counts = f"изменений: {len(review.changes)}"
        conflicts = sum(1 for c in review.changes if c.conflict)
        if conflicts:
            counts += f", из них конфликтов: {conflicts}"
        if review.unconfirmed:
            counts += f" · не подтверждено строк: {len(review.unconfirmed)}"
        if review.errors:
            counts += f" · отклонено: {len(review.errors)}"
        self._title(counts)
        self.reason.setText(self.blocked() or "")

    def _title(self, counts: str) -> None:
        review = self.review
        tail = f" · {counts}" if counts else ""
        self.title.setText(f"<b>{escape(review.org_name)}</b><br>"
                           f"Файл: {escape(review.path.name)}{tail}")

    def blocked(self) -> str | None:
        """Why this file cannot be applied now, or None."""
        review = self.review
        if self.result is not None:
            return f"Файл применён. {self.result.message}"
        if review.applied_before is not None:
            return (f"Этот файл уже применён {review.applied_before:%d.%m.%Y %H:%M}: "
                    "применять нечего.")
        if review.errors:
            recorded = (" Возврат с ошибками отмечен в сборе." if self.recorded is not None
                        else "")
            return (f"Применить нельзя: в файле отклонено значений — {len(review.errors)} "
                    "(группа «Отклонено»). Исправьте их в файле (или попросите ОО) и загрузите "
                    f"файл снова.{recorded}")
        if self._read_only:
            return "База открыта только для чтения: изменения не применяются."
        return None

    def items(self) -> Iterable[tuple[str, QTreeWidgetItem]]:
        return self.change_items.items()

    def accepted(self) -> list[str]:
        """The ids of the ticked changes."""
        return [cid for cid, item in self.items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def set_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for _cid, item in self.items():
            item.setCheckState(0, state)

    def mark_applied(self, result: ApplyResult) -> None:
        self.result = result
        self._freeze()
        self.reason.setStyleSheet("")
        self._show_state()

    def _freeze(self) -> None:
        """The ticks stay as they are, greyed: nothing more to choose in this file."""
        for _cid, item in self.items():
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable
                          & ~Qt.ItemFlag.ItemIsEnabled)
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            if group is not None:
                group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)


class ReviewDialog(QDialog):
    """The returned files of one loading; file_done(ApplyResult) after each file applied, or
    refused and its return recorded in the round."""

    file_done = Signal(object)  # not «done»: that is QDialog.done(), which closes the dialog

    def __init__(self, db: Database, reviews: list[Review], parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.db, self._today = db, today
        self.operation: Operation[ApplyResult] | None = None
        self.setWindowTitle("Ответы ОО — просмотр изменений")
        fit_to_screen(self, 1180, 680)
        self.files = QListWidget(self)
        self.files.setWordWrap(True)
        self.files.setAlternatingRowColors(True)
        self.files.setSpacing(2)
        self.stack = QStackedWidget(self)
        self.pages: list[FilePage] = []
        for review in reviews:
            page = FilePage(review, db.read_only, self.stack)
            self.pages.append(page)
            self.stack.addWidget(page)
            item = QListWidgetItem(self._file_label(page))
            item.setToolTip(f"Файл: {review.path}")
            self.files.addItem(item)
        self.files.currentRowChanged.connect(self._show_file)
        splitter = QSplitter(self)
        splitter.addWidget(self.files)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 930])
        self.tick_all = QPushButton("Принять все", self)
        self.untick_all = QPushButton("Снять все", self)
        self.apply_button = QPushButton("Применить", self)
        self.apply_button.setToolTip("Внести отмеченные изменения этого файла в базу")
        self.record_button = QPushButton("Отметить возврат с ошибками", self)
        self.record_button.setToolTip(
            "Записать в сборе, что ОО вернула файл, но в нём есть отклонённые значения: в "
            "таблице сбора появится число ошибок, а ОО не попадёт в напоминание неответившим. "
            "Данные базы не меняются.")
        self.record_button.clicked.connect(lambda _checked=False: self.record_refusal())
        close = QPushButton("Закрыть", self)
        self.tick_all.clicked.connect(lambda _checked=False: self.page.set_all(True))
        self.untick_all.clicked.connect(lambda _checked=False: self.page.set_all(False))
        self.apply_button.clicked.connect(lambda _checked=False: self.apply())
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.tick_all, self.untick_all):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        hint = QLabel("Отмеченные изменения будут внесены в базу, снятые — нет. Конфликт — "
                      "значение, которое в центре изменили после отправки файла: он не "
                      "отмечен, и остаётся значение центра.", self)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.files.setCurrentRow(0)

    @property
    def page(self) -> FilePage:
        return self.pages[max(self.files.currentRow(), 0)]

    @staticmethod
    def _file_label(page: FilePage) -> str:
        review = page.review
        if page.result is not None or review.applied_before is not None:
            state = "применён"
        elif review.errors:
            state = f"отклонено: {len(review.errors)}"
        else:
            state = f"изменений: {len(review.changes)}"
        return f"{review.org_name}\n{state}"

    def _show_file(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.page
        open_ = page.blocked() is None
        self.apply_button.setEnabled(open_)
        self.tick_all.setEnabled(open_ and bool(page.change_items))
        self.untick_all.setEnabled(open_ and bool(page.change_items))
        review = page.review
        can_record = (bool(review.errors) and review.applied_before is None
                      and page.recorded is None and not self.db.read_only)
        self.record_button.setVisible(bool(review.errors))
        self.record_button.setEnabled(can_record)

    def apply(self) -> Operation[ApplyResult] | None:
        """Apply the ticked changes of the shown file, in the background."""
        page = self.page
        if page.blocked() is not None:
            return None
        return self._run(page, page.accepted(), f"Применение файла «{page.review.path.name}»…")

    def record_refusal(self) -> Operation[ApplyResult] | None:
        """A file with refusals: its return written in the round (apply_return refuses it and
        records when and how many refusals); the data is not touched."""
        page = self.page
        if not page.review.errors or page.recorded is not None or self.db.read_only:
            return None
        return self._run(page, [], f"Запись возврата «{page.review.path.name}» в сборе…")

    def _run(self, page: FilePage, accepted: list[str], label: str) -> Operation[ApplyResult]:
        db, path, today = self.db, page.review.path, self._today()

        def work(_progress: Progress) -> ApplyResult:
            return apply_return(db, path, accepted=accepted, today=today)

        self.operation = run_in_background(
            self, label, work, lambda result: self._finished(page, result),
            refusals(RoundError, ExchangeError, BackupError, parent=self))
        return self.operation

    def _finished(self, page: FilePage, result: ApplyResult) -> None:
        row = self.pages.index(page)
        if result.applied:
            page.mark_applied(result)
        elif result.review.errors:
            page.refused(result)
        else:  # applied before (by another window or the command line meanwhile)
            QMessageBox.warning(self, APP_NAME, result.message)
            return
        self.files.item(row).setText(self._file_label(page))
        self._update_buttons()
        self.file_done.emit(result)
        if not result.applied:
            return
        following = next((i for i, p in enumerate(self.pages)
                          if i > row and p.blocked() is None), None)
        if following is not None:
            self.files.setCurrentRow(following)
