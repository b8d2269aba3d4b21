"""What an import did or would do: counts, row actions and refusals."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.exchange.reader import RowError

ADDED, CHANGED, UNCHANGED = "добавить", "изменить", "без изменений"
# A merged exchange workbook: a record the database already has; a row not applied.
MATCHED, SKIPPED = "совпадает", "пропустить"
ACTIONS = (ADDED, CHANGED, UNCHANGED, MATCHED, SKIPPED)
# A table of the exchange workbook may continue on further sheets: its rows are numbered
# part * PART_STRIDE + row (part 0 — the first sheet, so a one-sheet table keeps its row numbers);
# SheetOutcome.locate() turns the number back into the sheet and the row the user sees.
PART_STRIDE = 10_000_000


@dataclass(frozen=True)
class RowAction:
    """A row that will be (or was) added or changed."""

    sheet: str
    row: int
    action: str
    what: str


class Actions:
    """The row actions of a sheet, read as RowAction objects but kept compact (an exchange table
    may have 1,6 million rows): row numbers in an array, sheet titles and (action, what) pairs
    stored once each. Counts per action are kept as the actions are added."""

    def __init__(self, actions: Iterable[RowAction] = ()) -> None:
        self.clear()
        for a in actions:
            self.append(a)

    def clear(self) -> None:
        self._rows = array("q")
        self._sheets = array("I")
        self._kinds = array("I")
        self._sheet_titles: list[str] = []
        self._sheet_index: dict[str, int] = {}
        self._pairs: list[tuple[str, str]] = []
        self._pair_index: dict[tuple[str, str], int] = {}
        self._counts: Counter[str] = Counter()

    def add(self, sheet: str, row: int, action: str, what: str) -> None:
        s = self._sheet_index.get(sheet)
        if s is None:
            s = self._sheet_index[sheet] = len(self._sheet_titles)
            self._sheet_titles.append(sheet)
        pair = (action, what)
        k = self._pair_index.get(pair)
        if k is None:
            k = self._pair_index[pair] = len(self._pairs)
            self._pairs.append(pair)
        self._rows.append(row)
        self._sheets.append(s)
        self._kinds.append(k)
        self._counts[action] += 1

    def add_many(self, sheet: str, rows: list[int], action: str, what: str) -> None:
        """The same action on many rows of one sheet (a table's rows as they are written)."""
        if not rows:
            return
        self.add(sheet, rows[0], action, what)
        count = len(rows) - 1
        self._rows.extend(rows[1:])
        self._sheets.extend(array("I", [self._sheets[-1]]) * count)
        self._kinds.extend(array("I", [self._kinds[-1]]) * count)
        self._counts[action] += count

    def append(self, action: RowAction) -> None:
        self.add(action.sheet, action.row, action.action, action.what)

    def count(self, action: str) -> int:
        return self._counts[action]

    def counts(self) -> Counter[str]:
        return self._counts

    def compact(self) -> tuple[array[int], array[int], array[int], list[str],
                               list[tuple[str, str]]]:
        """The stored form, read-only: (rows, sheets, kinds, sheet titles, (action, what)
        pairs) — action i is on sheet titles[sheets[i]], row rows[i], with pairs[kinds[i]]. A
        list of 2 million actions is shown from it without a RowAction each."""
        return self._rows, self._sheets, self._kinds, self._sheet_titles, self._pairs

    def row_keys(self) -> set[tuple[str, int]]:
        """(sheet, row) of every row with an action."""
        titles = self._sheet_titles
        return {(titles[s], row) for s, row in zip(self._sheets, self._rows, strict=True)}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> RowAction:
        action, what = self._pairs[self._kinds[index]]
        return RowAction(self._sheet_titles[self._sheets[index]], self._rows[index], action, what)

    def __iter__(self) -> Iterator[RowAction]:
        titles, pairs = self._sheet_titles, self._pairs
        for row, s, k in zip(self._rows, self._sheets, self._kinds, strict=True):
            yield RowAction(titles[s], row, *pairs[k])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Actions | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Actions({list(self)!r})"


@dataclass
class SheetOutcome:
    sheet: str
    kind: str
    kind_title: str
    header_row: int = 1
    actions: Actions = field(default_factory=Actions)
    errors: list[RowError] = field(default_factory=list)
    fatal: list[RowError] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)  # continuation sheets, after .sheet
    # Remarks, never refusals: what was taken in differently from what the file says (a column
    # not of the form skipped, …); shown after the summary, in the dialog and in the report.
    notes: list[RowError] = field(default_factory=list)
    # Data rows read, when the reader counts them (the exchange workbook); 0: derived from the
    # rows with an action or a refusal (rows_read).
    read: int = 0

    def count(self, action: str) -> int:
        return self.actions.count(action)

    def _first_data_row(self, sheet: str) -> int:
        return self.header_row + 1 if sheet == self.sheet else 2

    def sheet_errors(self) -> list[RowError]:
        """Refusals of the sheet as a whole: its headers, its count of rows (not of a row)."""
        return [e for e in self.fatal if e.row < self._first_data_row(e.sheet)]

    def refused_rows(self) -> set[tuple[str, int]]:
        """(sheet, row) of every data row refused."""
        return {(e.sheet, e.row) for e in (*self.fatal, *self.errors)
                if e.row >= self._first_data_row(e.sheet)}

    def rows_read(self) -> int:
        """Data rows read from the sheet(s): those with an action and those refused."""
        if self.read:
            return self.read
        return len(self.actions.row_keys() | self.refused_rows())

    def refused_line(self) -> str:
        """The counts of a sheet of a refused file: rows read, what they would have done,
        rows refused, refusals of the sheet as a whole."""
        read, refused, whole = self.rows_read(), len(self.refused_rows()), len(self.sheet_errors())
        if not read and whole:
            return f"строки не проверены (ошибки листа — {whole})"
        parts = [f"строк прочитано — {_grouped(read)}"]
        if self.actions or read == refused:  # an exchange book refused counts no actions
            parts.append(f"из них добавить — {_grouped(self.count(ADDED))}, изменить — "
                         f"{_grouped(self.count(CHANGED))}, без изменений — "
                         f"{_grouped(self.count(UNCHANGED))}")
            parts += [f"{name} — {_grouped(self.count(name))}" for name in (MATCHED, SKIPPED)
                      if self.count(name)]
        parts.append(f"отказано — {_grouped(refused)}")
        if whole:
            parts.append(f"ошибки листа — {whole}")
        return ", ".join(parts)

    @property
    def titles(self) -> list[str]:
        """Every sheet of this outcome: the first one, then its continuation sheets."""
        return [self.sheet, *self.continued]

    def locate(self, number: int) -> tuple[str, int]:
        """(sheet, row) of a row number given across the continuation sheets (PART_STRIDE)."""
        part, row = divmod(number, PART_STRIDE)
        return (self.sheet if not part else self.continued[part - 1]), row

    def act(self, number: int, action: str, what: str) -> None:
        self.actions.add(*self.locate(number), action, what)

    def act_many(self, numbers: list[int], action: str, what: str) -> None:
        """act() on many row numbers, in the order read (rising), taken sheet by sheet."""
        start = 0
        while start < len(numbers):
            part = numbers[start] // PART_STRIDE
            end = bisect_left(numbers, (part + 1) * PART_STRIDE, start)
            sheet = self.sheet if not part else self.continued[part - 1]
            offset = part * PART_STRIDE
            self.actions.add_many(sheet, [n - offset for n in numbers[start:end]] if offset
                                  else numbers[start:end], action, what)
            start = end

    def refuse(self, number: int, column: str, value: str, reason: str) -> None:
        self.fatal.append(RowError(*self.locate(number), column, value, reason))


@dataclass
class ImportResult:
    """The outcome of an import (or of a dry run): applied says whether the database changed."""

    path: Path
    sheets: list[SheetOutcome] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False
    valid_only: bool = False
    backup: Path | None = None
    message: str = ""

    @property
    def errors(self) -> list[RowError]:
        return [e for s in self.sheets for e in (*s.fatal, *s.errors)]

    @property
    def fatal(self) -> list[RowError]:
        return [e for s in self.sheets for e in s.fatal]

    @property
    def notes(self) -> list[RowError]:
        """The remarks of every sheet (see SheetOutcome.notes)."""
        return [n for s in self.sheets for n in s.notes]

    @property
    def refused(self) -> bool:
        """Whether the file was refused as a whole (all or nothing): a refusal of a sheet or
        of the file, or a refused row without valid_only."""
        return bool(self.fatal) or (bool(self.errors) and not self.valid_only)

    @property
    def added(self) -> int:
        return sum(s.count(ADDED) for s in self.sheets)

    @property
    def changed(self) -> int:
        return sum(s.count(CHANGED) for s in self.sheets)

    @property
    def unchanged(self) -> int:
        return sum(s.count(UNCHANGED) for s in self.sheets)

    def counts(self) -> dict[str, int]:
        """Rows per action over every sheet (added, changed, unchanged, matched, skipped)."""
        out = dict.fromkeys(ACTIONS, 0)
        for s in self.sheets:
            for action, n in s.actions.counts().items():
                out[action] = out.get(action, 0) + n
        return out

    def counts_text(self) -> str:
        """«добавить — 120, изменить — 3, совпадает — 27 472»: added and changed always, the
        other actions when there are any."""
        counts = self.counts()
        return ", ".join(f"{name} — {_grouped(n)}" for name, n in counts.items()
                         if n or name in (ADDED, CHANGED))

    def summary(self) -> str:
        """A Russian paragraph for the command line and the dialog."""
        verb = "будет" if not self.applied else "сделано"
        lines = [f"Файл «{self.path.name}»:"]
        refused = self.refused and not self.applied
        for s in self.sheets:
            if not s.actions and not s.errors and not s.fatal and not (refused and s.read):
                continue
            where = f"лист «{s.sheet}»" if not s.continued else "листы " + ", ".join(
                f"«{t}»" for t in s.titles)
            if refused:
                lines.append(f"  {where} ({s.kind_title}): {s.refused_line()}")
                continue
            lines.append(
                f"  {where} ({s.kind_title}): добавить — {s.count(ADDED)}, изменить — "
                f"{s.count(CHANGED)}, без изменений — {s.count(UNCHANGED)}, отказано — "
                f"{len({(e.sheet, e.row) for e in s.errors})}"
                + "".join(f", {name} — {s.count(name)}" for name in (MATCHED, SKIPPED)
                          if s.count(name))
            )
        if refused:
            lines.append(self.refused_total())
        lines += notes_lines(self.notes)
        if self.message:
            lines.append(self.message)
        elif not lines[1:]:
            lines.append(f"  ничего не {verb}")
        return "\n".join(lines)


    def refused_total(self) -> str:
        """«Всего: строк прочитано — N, отказано — K.» for a refused file."""
        read = sum(s.rows_read() for s in self.sheets)
        refused = sum(len(s.refused_rows()) for s in self.sheets)
        whole = sum(len(s.sheet_errors()) for s in self.sheets)
        return (f"  всего: строк прочитано — {_grouped(read)}, отказано — {_grouped(refused)}"
                + (f", ошибки листов — {whole}" if whole else "") + ".")


def notes_lines(notes: list[RowError]) -> list[str]:
    """«Замечания:» and a line per remark, «лист «…», строка 1, столбец H «…»: …» (none: [])."""
    if not notes:
        return []
    return ["Замечания (загрузке не мешают):"] + [
        f"  лист «{n.sheet}», строка {n.row}, столбец {n.column}"
        f"{f' «{n.value}»' if n.value else ''}: {n.reason}" for n in notes]


def _grouped(n: int) -> str:
    """27472 → «27 472» (thousands apart by a non-breaking space, as in Russian)."""
    return f"{n:,}".replace(",", "\u00a0")
