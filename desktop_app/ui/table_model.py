"""One fast table model for every list: filtering and sorting inside the model (no proxy).

Rows are tuples of plain values; each column says how to show and sort its value. Sorting uses
Russian order (ё right after е); a filter is a predicate over the row, applied in Python on the
already-loaded rows, then the view is reset (a proxy model would be far too slow at 30 000 rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.textutil import fmt_date

Index = QModelIndex | QPersistentModelIndex


def show_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


class _RussianOrder(dict[int, int]):
    """A str.translate table giving the order of textutil.ru_sort_key as plain code points:
    Russian letters first in alphabetical order (ё right after е), every other character after
    them in code order. Comparing translated strings is many times faster than comparing
    ru_sort_key tuples, which matters when a 30 000-row list is sorted."""

    def __missing__(self, code: int) -> int:
        shifted = code + len(_ALPHABET) + 1
        value = shifted if shifted <= 0x10FFFF else code
        self[code] = value
        return value


_ORDER = _RussianOrder({ord(ch): i + 1 for i, ch in enumerate(_ALPHABET)})


def text_key(text: str) -> str:
    """Russian collation key of a text (same order as textutil.ru_sort_key)."""
    return " ".join(text.split()).lower().translate(_ORDER)  # split() is clean() without a regex


def sort_value(value: Any) -> Any:
    """A key that orders None first, numbers and dates naturally, text in Russian order."""
    if value is None:
        return (0,)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, date):
        return (1, value.toordinal())
    return (2, text_key(show_value(value)))


@dataclass(frozen=True)
class Column:
    title: str
    align_right: bool = False
    tooltip: str = ""


class RowsTableModel(QAbstractTableModel):
    """Rows of plain tuples; row_id(i) gives the record id kept in the last tuple element."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[tuple[Any, ...]] = []
        self._view: list[int] = []
        self._sort_cache: dict[int, list[Any]] = {}
        self._filter: Callable[[tuple[Any, ...]], bool] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # loading -----------------------------------------------------------------
    def set_rows(
        self, rows: Sequence[tuple[Any, ...]],
        predicate: Callable[[tuple[Any, ...]], bool] | None | object = ...,
    ) -> None:
        """Replace all rows (each tuple: one value per column, then the record id); a predicate
        given here replaces the filter in the same pass (one reset, one sort)."""
        self.beginResetModel()
        if predicate is not ...:
            self._filter = predicate  # type: ignore[assignment]
        self._rows = list(rows)
        self._sort_cache.clear()
        self._view = self._compute_view()
        self.endResetModel()

    def set_filter(self, predicate: Callable[[tuple[Any, ...]], bool] | None) -> None:
        self.beginResetModel()
        self._filter = predicate
        self._view = self._compute_view()
        self.endResetModel()

    def _compute_view(self) -> list[int]:
        pred = self._filter
        view = [i for i, row in enumerate(self._rows) if pred is None or pred(row)]
        if self._sort is not None:
            column, order = self._sort
            keys = self._keys(column)
            view.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return view

    def _keys(self, column: int) -> list[Any]:
        keys = self._sort_cache.get(column)
        if keys is None:
            keys = [sort_value(row[column]) for row in self._rows]
            self._sort_cache[column] = keys
        return keys

    # access --------------------------------------------------------------------
    def row_values(self, row: int) -> tuple[Any, ...]:
        return self._rows[self._view[row]]

    def row_id(self, row: int) -> Any:
        return self._rows[self._view[row]][-1]

    def row_of_id(self, record_id: Any) -> int | None:
        for pos, i in enumerate(self._view):
            if self._rows[i][-1] == record_id:
                return pos
        return None

    def all_rows(self) -> list[tuple[Any, ...]]:
        """Every loaded row, filtered out or not, in loading order."""
        return self._rows

    def visible_rows(self) -> list[tuple[Any, ...]]:
        return [self._rows[i] for i in self._view]

    def column_titles(self) -> list[str]:
        return [c.title for c in self._columns]

    def total_count(self) -> int:
        return len(self._rows)

    # Qt interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return show_value(self._rows[self._view[index.row()]][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and self._columns[section].tooltip:
                return self._columns[section].tooltip
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.beginResetModel()
        self._sort = (column, order)
        keys = self._keys(column)
        self._view.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()
