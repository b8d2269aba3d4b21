"""What an exchange workbook is made of, for its writer (book_writer.py) and its reader
(book_reader.py, book_checks.py): the tables it carries (parents first) and their columns, the
texts of a date-time and of a yes/no not given, the header of the table of sheets on
«Сведения», the rows fetched or read between two progress reports and the progress ticker, and
the numbers as the book's refusals write them (1 600 000).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Table

from desktop_app.exchange.schema import DERIVED_COLUMNS, SKIPPED_TABLES
from desktop_app.model import Base

DATETIME_TEXT = "%Y-%m-%d %H:%M:%S.%f"
# A yes/no that may be not given (people.education_pedagogical): written and read as such.
UNKNOWN_TEXT = "не указано"
# The table of sheets on «Сведения»: first sheet, table, rows, sheets (with its continuations).
INFO_HEADER = ("Лист", "Таблица", "Строк", "Листов")
Progress = Callable[[int, int, str], None]
Row = tuple[int, dict[str, Any]]  # a row of a table: its number (see PART_STRIDE), its values


@dataclass(frozen=True)
class Block:
    """Rows of a table read a chunk at a time as tuples (a sheet of whole numbers only, every
    column of the table on it in its order: the answers — book_reader._whole_rows): numbered
    from first on, each the values of names. The checks and the writing of a copy take its
    columns at once (1,6 million answers: no dict a row); whoever needs rows takes rows()."""

    first: int
    names: tuple[str, ...]
    values: list[tuple[Any, ...]]

    @property
    def numbers(self) -> range:
        return range(self.first, self.first + len(self.values))

    @cached_property
    def columns(self) -> dict[str, tuple[Any, ...]]:
        """Each column's values, in the rows' order (taken once: the checks of the values and
        of the references both read them)."""
        if not self.values:
            return {name: () for name in self.names}
        return dict(zip(self.names, zip(*self.values, strict=True), strict=True))

    def rows(self) -> Iterator[Row]:
        """The block as numbered rows of values by column name."""
        names = self.names
        for number, row in enumerate(self.values, start=self.first):
            yield number, dict(zip(names, row, strict=True))


Rows = Row | Block  # what a table's reading yields: a row, or a block of rows
FETCH_ROWS = 5000  # rows fetched from the database at a time (and between progress reports)


def exchange_tables() -> list[Table]:
    """The tables carried, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def carried_columns(table: Table) -> list[Any]:
    return [c for c in table.columns if (table.name, c.name) not in DERIVED_COLUMNS]


class _Ticker:
    """Rows done so far, passed on to a progress(done, total, label) callback if there is one."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done, self.label = progress, total, 0, ""

    def say(self, label: str) -> None:
        self.label = label
        if self.progress is not None:
            self.progress(self.done, self.total, label)

    def add(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total, self.label)


def _grouped(n: int) -> str:
    """1600000 → «1 600 000» (thousands apart by a non-breaking space, as in Russian)."""
    return f"{n:,}".replace(",", "\u00a0")
