"""What an import did or would do: counts, row actions and refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.exchange.reader import RowError

ADDED, CHANGED, UNCHANGED = "добавить", "изменить", "без изменений"
# A merged exchange workbook: a record the database already has; a row not applied.
MATCHED, SKIPPED = "совпадает", "пропустить"


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

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)


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

    def summary(self) -> str:
        """A Russian paragraph for the command line and the dialog."""
        verb = "будет" if not self.applied else "сделано"
        lines = [f"Файл «{self.path.name}»:"]
        for s in self.sheets:
            if not s.actions and not s.errors and not s.fatal:
                continue
            lines.append(
                f"  лист «{s.sheet}» ({s.kind_title}): добавить — {s.count(ADDED)}, изменить — "
                f"{s.count(CHANGED)}, без изменений — {s.count(UNCHANGED)}, отказано — "
                f"{len({e.row for e in s.errors})}"
                + "".join(f", {name} — {s.count(name)}" for name in (MATCHED, SKIPPED)
                          if s.count(name))
            )
        if self.message:
            lines.append(self.message)
        elif not lines[1:]:
            lines.append(f"  ничего не {verb}")
        return "\n".join(lines)
