"""What an import did or would do: counts, row actions and refusals."""

from __future__ import annotations

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


@dataclass
class SheetOutcome:
    sheet: str
    kind: str
    kind_title: str
    header_row: int = 1
    actions: list[RowAction] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    fatal: list[RowError] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)  # continuation sheets, after .sheet

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)

    @property
    def titles(self) -> list[str]:
        """Every sheet of this outcome: the first one, then its continuation sheets."""
        return [self.sheet, *self.continued]

    def locate(self, number: int) -> tuple[str, int]:
        """(sheet, row) of a row number given across the continuation sheets (PART_STRIDE)."""
        part, row = divmod(number, PART_STRIDE)
        return self.titles[part], row

    def act(self, number: int, action: str, what: str) -> None:
        self.actions.append(RowAction(*self.locate(number), action, what))

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
    def refused_rows(self) -> int:
        return len({(e.sheet, e.row) for s in self.sheets for e in s.errors})

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
            for a in s.actions:
                out[a.action] = out.get(a.action, 0) + 1
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
        for s in self.sheets:
            if not s.actions and not s.errors and not s.fatal:
                continue
            where = f"лист «{s.sheet}»" if not s.continued else "листы " + ", ".join(
                f"«{t}»" for t in s.titles)
            lines.append(
                f"  {where} ({s.kind_title}): добавить — {s.count(ADDED)}, изменить — "
                f"{s.count(CHANGED)}, без изменений — {s.count(UNCHANGED)}, отказано — "
                f"{len({(e.sheet, e.row) for e in s.errors})}"
                + "".join(f", {name} — {s.count(name)}" for name in (MATCHED, SKIPPED)
                          if s.count(name))
            )
        if self.message:
            lines.append(self.message)
        elif not lines[1:]:
            lines.append(f"  ничего не {verb}")
        return "\n".join(lines)


def _grouped(n: int) -> str:
    """27472 → «27 472» (thousands apart by a non-breaking space, as in Russian)."""
    return f"{n:,}".replace(",", "\u00a0")
