"""Small shared widgets: a searchable list panel over RowsTableModel, a page built on first
show, typed-text helpers; the cyclic collector held while a dialog builds its rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import EllipsisType
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop_app.exchange.limits import CELL_TEXT_LIMIT
from desktop_app.gcpause import gc_paused as gc_paused  # the tabs' and dialogs' long lists
from desktop_app.textutil import fold
from desktop_app.ui.common.table_model import (
    ChoiceListModel,
    Column,
    Filter,
    IndexFilter,
    RowSource,
    RowsTableModel,
    show_value,
)


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


# Every text field holds at most what an Excel cell holds: the exchange book carries each field
# in one cell, and a longer text would be cut there (exchange/limits.py, CELL_TEXT_LIMIT).
TEXT_LIMIT_NOTE = (f"В поле помещается не больше {_grouped(CELL_TEXT_LIMIT)} знаков — столько "
                   "вмещает ячейка Excel, куда поле выгружается")


def _say_refused(widget: QWidget, message: str, point: Any) -> None:
    """The refusal as a tooltip at the cursor (a field not on screen has nowhere to show it)."""
    if widget.isVisible():
        QToolTip.showText(widget.mapToGlobal(point), message, widget)


class LimitedTextEdit(QPlainTextEdit):
    """A multi-line field of at most CELL_TEXT_LIMIT characters: typing past it stops, a paste
    or a drop that would pass it is refused whole — each time with a Russian message (a tooltip
    at the cursor, also kept in last_refusal and sent by refused). A longer text already
    stored is shown whole and can be shortened."""

    refused = Signal(str)

    def __init__(self, *args: Any, limit: int = CELL_TEXT_LIMIT) -> None:
        super().__init__(*args)
        self.limit = limit
        self.last_refusal = ""

    def room(self) -> int:
        """Characters that can still be typed (the selection, replaced, counts as room)."""
        used = self.document().characterCount() - 1  # without the final paragraph mark
        return self.limit - used + len(self.textCursor().selectedText())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        text = event.text()
        typed = bool(text) and (text.isprintable() or text in "\r\n")
        if typed and len(text) > self.room():
            self._refuse(f"{TEXT_LIMIT_NOTE}: дальше текст не вводится.")
            event.accept()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        text = source.text()
        if len(text) > self.room():
            self._refuse(f"{TEXT_LIMIT_NOTE}: вставка не выполнена — в ней "
                         f"{_grouped(len(text))} знаков, а места осталось "
                         f"{_grouped(max(self.room(), 0))}.")
            return
        super().insertFromMimeData(source)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 - Qt's name
        if len(event.commitString()) > self.room():
            self._refuse(f"{TEXT_LIMIT_NOTE}: дальше текст не вводится.")
            event.accept()
            return
        super().inputMethodEvent(event)

    def _refuse(self, message: str) -> None:
        self.last_refusal = message
        _say_refused(self, message, self.cursorRect().bottomLeft())
        self.refused.emit(message)


class LimitedLineEdit(QLineEdit):
    """A one-line field of at most CELL_TEXT_LIMIT characters that says so in Russian when
    typing stops or a paste is cut there (Qt's own limit says nothing)."""

    def __init__(self, *args: Any, limit: int = CELL_TEXT_LIMIT) -> None:
        super().__init__(*args)
        self.setMaxLength(limit)
        self.last_refusal = ""
        self.inputRejected.connect(self._refused)

    def _refused(self) -> None:
        if len(self.text()) < self.maxLength():
            return  # a character the field does not take (a validator's): not the length
        self.last_refusal = f"{TEXT_LIMIT_NOTE}: дальше текст не вводится."
        _say_refused(self, self.last_refusal, self.cursorRect().bottomLeft())


class LazyPage(QWidget):
    """A tab's page whose content is built (and loads its rows) when the page is first shown
    or first asked for; never shown empty: the content is built before the page paints."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self.content: QWidget | None = None
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)

    @property
    def loaded(self) -> bool:
        return self.content is not None

    def load(self) -> QWidget:
        if self.content is None:
            self.content = self._build()
            self._column.addWidget(self.content)
            self.content.show()  # at once: a child added to a shown page would wait a cycle
        return self.content


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """The text of a cell of a table widget; "" for a cell never filled (it has no item)."""
    item = table.item(row, column)
    return "" if item is None else item.text()


def load_shown_pages(tabs: QTabWidget) -> None:
    """Build each LazyPage of a tab widget when it becomes the current tab."""
    def shown(index: int) -> None:
        page = tabs.widget(index)
        if isinstance(page, LazyPage):
            page.load()

    tabs.currentChanged.connect(shown)


def search_key(value: Any) -> str:
    """textutil.fold() of a cell, without its regex: 30 000 rows are keyed at start-up."""
    if value is None:
        return ""
    return " ".join(str(value).split()).lower().replace("ё", "е")


class ListPanel(QWidget):
    """A search field, a count and a sortable table; search folds case and ё."""

    activated = Signal(object)  # the record id of a double-clicked row

    def __init__(
        self, columns: Sequence[Column], search_columns: Sequence[int] = (0,),
        placeholder: str = "Поиск…", parent: QWidget | None = None,
        sort_column: int | None = 0,
    ) -> None:
        """sort_column: the column the rows are shown sorted on at first (None: in the order
        given, no sort indicator, until a header is clicked)."""
        super().__init__(parent)
        self.model = RowsTableModel(columns, self)
        self._search_columns = tuple(search_columns)
        self._keys: dict[Any, str] | None = {}
        self._fitted = False
        self._extra: Callable[[tuple[Any, ...]], bool] | None = None
        # the search text the model's filter was made of: typing on only narrows the rows shown
        self._applied = ""
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.count = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        # rows come in Russian alphabetical order of the first column, and the header says so
        # (-1: no indicator, the rows in the order given)
        self.table.horizontalHeader().setSortIndicator(
            -1 if sort_column is None else sort_column, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(
            lambda ix: self.activated.emit(self.model.row_id(ix.row())))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        self.excel_button = QPushButton("Excel", self)
        self.excel_button.setToolTip("Сохранить список, как он показан (с отбором), в Excel")
        self.excel_button.clicked.connect(lambda _checked=False: self.export_excel())
        top.addWidget(self.excel_button)
        self.toolbar = top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def set_rows(
        self, rows: Sequence[tuple[Any, ...]] | RowSource,
        extra: Callable[[tuple[Any, ...]], bool] | None | EllipsisType = ...,
        in_order: int | None = None,
    ) -> None:
        """Show new rows (each: column values, then the record id); an extra filter given here
        replaces the old one in the same pass (... keeps it); in_order as in
        RowsTableModel.set_rows."""
        if extra is not ...:
            self._extra = extra
        self._keys = None  # built on the first search: not needed to show the rows
        self.model.set_rows(rows, self._predicate(rows), in_order)
        self._applied = fold(self.search.text())
        self._show_count()
        if rows and not self._fitted:
            self._fitted = True
            self.fit_columns()

    def fit_columns(self, sample: int = 300, cap: int = 260) -> None:
        """Widen (never narrow) each column to its title and to most of the text of the first
        rows (the 90th percentile, so one long value does not push the rest off screen), up to
        a cap; measured from the values, so 30 000 rows cost no more than 300."""
        header = self.table.horizontalHeader()
        cells, titles = self.table.fontMetrics(), header.fontMetrics()
        rows = [self.model.row_values(i) for i in range(min(sample, self.model.rowCount()))]
        measured: dict[str, int] = {}  # lists repeat their values: each text measured once

        def advance(text: str) -> int:
            width = measured.get(text)
            if width is None:
                width = measured[text] = cells.horizontalAdvance(text)
            return width

        for column, title in enumerate(self.model.column_titles()[:-1]):
            texts = sorted(advance(show_value(row[column])) for row in rows)
            typical = texts[int(len(texts) * 0.9)] + 12 if texts else 0
            width = min(max(titles.horizontalAdvance(title) + 24, typical), cap)
            if width > header.sectionSize(column):
                header.resizeSection(column, width)

    def set_extra_filter(self, predicate: Callable[[tuple[Any, ...]], bool] | None) -> None:
        self._extra = predicate
        self._apply()

    def _predicate(
        self, rows: Sequence[tuple[Any, ...]] | RowSource | None = None
    ) -> Filter | None:
        """The search and the extra filter as one predicate (None when nothing filters) over
        the given rows, or the loaded ones."""
        needle = fold(self.search.text())
        extra = self._extra
        if not needle:
            return extra
        source = self.model.all_rows() if rows is None else rows
        if isinstance(source, RowSource):  # searched by the source, the extra filter after
            found = source.search(self._search_columns, search_key, needle)
            if extra is None:
                return found
            return IndexFilter(lambda order: [i for i in found.select(order)
                                              if extra(source[i])])
        keys = self._search_keys(rows)
        if extra is None:
            return lambda row: needle in keys[row[-1]]
        return lambda row: needle in keys[row[-1]] and extra(row)

    def _search_keys(self, rows: Sequence[tuple[Any, ...]] | RowSource | None = None
                     ) -> dict[Any, str]:
        """The folded text of the searched columns of every row, by record id."""
        if self._keys is None:
            columns = self._search_columns
            self._keys = {
                row[-1]: " ".join(search_key(row[c]) for c in columns)
                for row in (self.model.all_rows() if rows is None else rows)
            }
        return self._keys

    def _search_changed(self, text: str) -> None:
        """A longer search text (typing on) only narrows the rows shown: nothing is sorted and
        only the shown rows are tested."""
        needle = fold(text)
        predicate = self._predicate()
        if predicate is not None and self._applied in needle:
            self.model.narrow_filter(predicate)
            self._applied = needle
            self._show_count()
        else:
            self._apply()

    def _apply(self) -> None:
        self.model.set_filter(self._predicate())
        self._applied = fold(self.search.text())
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        self.count.setText(f"Показано: {shown} из {total}")

    def export_excel(self, target: Path | None = None) -> Path | None:
        """Write the shown rows (filtered and sorted, without the id) to an xlsx file."""
        from desktop_app.exchange.lists import export_rows

        if target is None:
            name, _ = QFileDialog.getSaveFileName(self, "Сохранить список в Excel", "Список.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not name:
                return None
            target = Path(name)
        model = self.model
        titles = model.column_titles()
        shown = [c for c in range(len(titles)) if not self.table.isColumnHidden(c)]
        if len(shown) < len(titles):  # a column the list hides (one municipality) is left out
            titles = [titles[c] for c in shown]
            rows: Iterator[Sequence[Any]] = (
                [values[c] for c in shown]
                for values in (model.row_values(i) for i in range(model.rowCount())))
        else:
            rows = (model.row_values(i)[:-1] for i in range(model.rowCount()))  # made as written
        with wait_cursor():
            return export_rows(titles, rows, target)

    def selected_id(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_id(rows[0].row()) if rows else None


def fill_combo(combo: QComboBox, choices: Sequence[Sequence[Any]]) -> None:
    """Put (id, text, …) choices in a combo box at once (ChoiceListModel), the first chosen;
    for the long lists (10 000 pairs) an addItem each would cost more than the dialog."""
    model = combo.model()
    if not isinstance(model, ChoiceListModel):
        model = ChoiceListModel(combo)
        combo.setModel(model)
    model.set_choices(choices)
    combo.setCurrentIndex(0 if choices else -1)


@contextmanager
def wait_cursor() -> Iterator[None]:
    """A wait cursor over the application for a short job done on the spot (a blank form, a
    list saved to Excel); the long ones run in the background (operations.py)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
