"""One fast table model for every list: filtering and sorting inside the model (no proxy).

Rows are tuples of plain values; each column says how to show and sort its value. Sorting uses
Russian order (ё right after е); a filter is a predicate over the row, applied in Python on the
already-loaded rows kept in their sorted order (a filter never sorts), then the view is reset
(a proxy model would be far too slow at 30 000 rows).

A list of millions of rows (an import preview's row actions) is a RowSource instead: kept
compactly by its owner, a row made into a tuple only when shown, sorted by the keys the source
gives and searched by an IndexFilter it makes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from types import EllipsisType
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from desktop_app.textutil import fmt_date, ru_sort_key

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


def text_key(text: str) -> str:
    """Russian collation key of a text: textutil.ru_sort_key (ё right after е)."""
    return ru_sort_key(text)


def sort_value(value: Any) -> Any:
    """A key that orders None first, numbers and dates naturally, text in Russian order."""
    if value is None:
        return (0,)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, date):
        return (1, value.toordinal())
    return (2, ru_sort_key(show_value(value)))


def column_keys(values: Sequence[Any]) -> list[Any]:
    """Sort keys of one column's values, in the order of sort_value: plain text keys when every
    value is text (the usual case, and comparing strings is far faster than tuples)."""
    if all(type(v) is str for v in values):
        return [ru_sort_key(v) for v in values]
    return [sort_value(v) for v in values]


class IndexFilter:
    """A filter that picks row positions itself (a RowSource's search): select(order) gives the
    positions of order that pass, in that order."""

    def __init__(self, select: Callable[[Sequence[int]], list[int]]) -> None:
        self.select = select


Filter = Callable[[tuple[Any, ...]], bool] | IndexFilter


class RowSource(ABC):
    """Rows kept elsewhere, compactly: len(), source[i] (the row's tuple, its id last, made when
    asked), the sort keys of a column, and a search over columns that picks positions without
    making the rows. The defaults make every row; a source of millions of rows overrides them."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return (self[i] for i in range(len(self)))

    def sort_keys(self, column: int) -> Sequence[Any]:
        return column_keys([self[i][column] for i in range(len(self))])

    def search(self, columns: Sequence[int], key: Callable[[Any], str],
               needle: str) -> IndexFilter:
        """The rows whose columns' texts, each made by key() and joined by spaces, hold the
        needle."""
        def select(order: Sequence[int]) -> list[int]:
            return [i for i in order
                    if needle in " ".join(key(self[i][c]) for c in columns)]
        return IndexFilter(select)


class ListRows(RowSource):
    """A list of records shown as rows: source[i] is make(records[i], i) (the position is the
    row's id), made when shown; no tuple per record to open a list of a million."""

    def __init__(self, records: Sequence[Any],
                 make: Callable[[Any, int], tuple[Any, ...]]) -> None:
        self._records, self._make = records, make

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> tuple[Any, ...]:
        return self._make(self._records[index], index)


@dataclass(frozen=True)
class Column:
    title: str
    align_right: bool = False
    tooltip: str = ""


class RowsTableModel(QAbstractTableModel):
    """Rows of plain tuples; row_id(i) gives the record id kept in the last tuple element.

    The model keeps every row's position in the current sort order (_order); a filter only
    picks from that order, so typing in a search field never sorts again."""

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[tuple[Any, ...]] | RowSource = []
        # positions in the sort order (a range while unsorted) and those passing the filter
        self._order: Sequence[int] = []
        self._view: Sequence[int] = []
        self._sort_cache: dict[int, Sequence[Any]] = {}
        self._filter: Filter | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # loading -----------------------------------------------------------------
    def set_rows(
        self, rows: Sequence[tuple[Any, ...]] | RowSource,
        predicate: Filter | None | EllipsisType = ...,
        in_order: int | None = None,
    ) -> None:
        """Replace all rows (each tuple: one value per column, then the record id; or a
        RowSource, kept as it is); a predicate given here replaces the filter in the same pass
        (one reset, one sort). in_order: the column the rows already come in ascending Russian
        order of (sorted in SQL), so a list sorted on it is not sorted again."""
        self.beginResetModel()
        if predicate is not ...:
            self._filter = predicate
        self._rows = rows if isinstance(rows, RowSource) else list(rows)
        self._sort_cache.clear()
        self._order = self._sorted_order(in_order)
        self._view = self._filtered(self._order)
        self.endResetModel()

    def set_filter(self, predicate: Filter | None) -> None:
        """Show the rows passing the predicate (all with None), in the current sort order."""
        self.beginResetModel()
        self._filter = predicate
        self._view = self._filtered(self._order)
        self.endResetModel()

    def narrow_filter(self, predicate: Filter) -> None:
        """Like set_filter for a predicate that passes only rows the current one passes (a
        longer search text): only the rows shown now are tested."""
        self.beginResetModel()
        self._filter = predicate
        self._view = self._filtered(self._view)
        self.endResetModel()

    def _filtered(self, order: Sequence[int]) -> Sequence[int]:
        pred = self._filter
        if pred is None:
            return order  # never changed in place: shared with _order
        if isinstance(pred, IndexFilter):
            return pred.select(order)
        rows = self._rows
        return [i for i in order if pred(rows[i])]

    def _sorted_order(self, in_order: int | None = None) -> Sequence[int]:
        order = range(len(self._rows))
        if self._sort is not None and self._sort != (in_order, Qt.SortOrder.AscendingOrder):
            column, direction = self._sort
            keys = self._keys(column)
            return sorted(order, key=keys.__getitem__,
                          reverse=direction == Qt.SortOrder.DescendingOrder)
        return order

    def _keys(self, column: int) -> Sequence[Any]:
        keys = self._sort_cache.get(column)
        if keys is None:
            rows = self._rows
            keys = (rows.sort_keys(column) if isinstance(rows, RowSource)
                    else column_keys([row[column] for row in rows]))
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

    def all_rows(self) -> Sequence[tuple[Any, ...]] | RowSource:
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
        """Sort on a column; -1 (no sort indicator): the rows in the order they were given."""
        if column == -1:
            self.beginResetModel()
            self._sort = None
            self._order = range(len(self._rows))
            self._view = self._filtered(self._order)
            self.endResetModel()
            return
        if not 0 <= column < len(self._columns):
            return
        self.beginResetModel()
        self._sort = (column, order)
        keys = self._keys(column)
        # the current order sorted again (stable): rows equal in this column keep the order of
        # the previous sort, as the user saw them
        self._order = sorted(self._order, key=keys.__getitem__,
                             reverse=order == Qt.SortOrder.DescendingOrder)
        self._view = self._filtered(self._order)
        self.endResetModel()


class ChoiceListModel(QAbstractListModel):
    """The items of a combo box of a long choice (the 10 000 pairs of a region): (id, text, …)
    rows, the text shown and the id as the item's data (currentData, findData); filled at once,
    not an addItem each."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Sequence[Any]] = []

    def set_choices(self, rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][1]
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()][0]
        return None
