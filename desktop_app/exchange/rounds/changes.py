"""The records of a returned round file's review (review.py reads the file, compare.py finds
the changes): the kinds of a change, the Change items, the sent rows Unconfirmed, the Review of
a file with its refusals and notes, the returned rows as the apply takes them (ReturnedRow,
Returned), and the text `collect apply --preview` prints of a review (review_lines, error_text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop_app.exchange.reader import RowError, SheetRows
from desktop_app.exchange.rounds.spec import Header
from desktop_app.textutil import fmt_date

# The kinds of a change.
ADD_PERSON = "ADD_PERSON"  # a new person of the ОО
MOVE_IN = "MOVE_IN"  # a person the registry has elsewhere (another ОО, or left): a move
LEAVE = "LEAVE"  # «Работает» — нет / «Дата выбытия»: the person leaves
FIELD = "FIELD"  # one field old → new
PAIR_ADD = "PAIR_ADD"
PAIR_END = "PAIR_END"  # «Дата завершения фактическая» or a final status
PARTICIPATION_ADD = "PARTICIPATION_ADD"
KIND_ORDER = (ADD_PERSON, MOVE_IN, LEAVE, FIELD, PAIR_ADD, PAIR_END, PARTICIPATION_ADD)

# The fields one change takes together: a person's state, an ОО's, the end of a pair.
STATUS_KEYS = ("is_active", "left_on")
ORG_STATUS_KEYS = ("is_active", "deactivated_on")
PAIR_END_KEYS = ("ended_on", "status", "end_reason")

BLANK = "(пусто)"


@dataclass(frozen=True)
class Change:
    """One change the returned file asks for; `id` is the same for the same file (the window
    keeps its ticks by it), `current` is the database's value now when it is a conflict."""

    id: str
    sheet: str
    row: int
    kind: str
    what: str
    field: str
    old: str
    new: str
    current: str | None = None

    @property
    def conflict(self) -> bool:
        return self.current is not None

    def text(self) -> str:
        """One Russian line, as the preview prints it."""
        return f"«{self.sheet}», строка {self.row}: {self._body()}"

    def _body(self) -> str:
        old, new = self.old or BLANK, self.new or BLANK
        if self.kind == ADD_PERSON:
            return f"добавить {self.what}" + (f" — {self.new}" if self.new else "")
        if self.kind == MOVE_IN:
            return f"принять {self.what}: в реестре — {old}; {new}"
        if self.kind == PAIR_ADD:
            return f"новая {self.what}: {new}"
        if self.kind == PARTICIPATION_ADD:
            return f"новое участие: {self.what} — {new}"
        body = (f"{self.what} — {new}" if self.kind in (LEAVE, PAIR_END) else
                f"{self.what} — {self.field}: {old} → {new}")
        if self.current is not None:
            body += f" (конфликт: в базе центра теперь «{self.current or BLANK}»)"
        return body


@dataclass(frozen=True)
class Unconfirmed:
    """A sent row the school deleted instead of marking: never taken as leaving."""

    sheet: str
    code: str
    what: str


@dataclass
class Review:
    """What a returned file would do, or why it is refused (errors, as the forms give them)."""

    path: Path
    round_id: int
    org_id: int
    org_name: str
    changes: list[Change]
    unconfirmed: list[Unconfirmed]
    errors: list[RowError]
    applied_before: datetime | None
    on: date | None = None
    notes: list[RowError] = field(default_factory=list)
    sha256: str = ""
    returned: Returned | None = field(default=None, repr=False, compare=False)

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.conflict]


@dataclass
class ReturnedRow:
    """A data row of the returned file: its number, its record code ("" for a new row), the
    values as read and as they stand (a blank cell as the forms take it)."""

    number: int
    code: str
    values: dict[str, Any]
    back: dict[str, Any]
    texts: dict[str, str]


@dataclass
class Returned:
    """The returned file as the apply needs it: per sheet kind, the rows read (their columns,
    to name a refusal's column) and the rows by code and new; per change, its fields."""

    header: Header
    org_name: str
    on: date
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    coded: dict[str, dict[str, ReturnedRow]] = field(default_factory=dict)
    new: dict[str, list[ReturnedRow]] = field(default_factory=dict)
    keys: dict[str, tuple[str, int, tuple[str, ...]]] = field(default_factory=dict)
    # every code met on a sheet, rows refused on reading included (not «deleted by the school»)
    codes_read: dict[str, set[str]] = field(default_factory=dict)


# the preview's text -----------------------------------------------------------------------------
SECTIONS = (
    (ADD_PERSON, "Добавить педагогов"),
    (MOVE_IN, "Принять из другой ОО (перевод) или снова на работу"),
    (LEAVE, "Выбывают"),
    (FIELD, "Изменения полей (было → стало)"),
    (PAIR_ADD, "Начаты пары"),
    (PAIR_END, "Завершены пары"),
    (PARTICIPATION_ADD, "Добавить участие в мероприятиях"),
)


def review_lines(review: Review) -> list[str]:
    """The text `collect apply --preview` prints for one file."""
    on = f" (сбор сведений на {fmt_date(review.on)})" if review.on else ""
    lines = [f"Файл «{review.path.name}»: {review.org_name}{on}"]
    if review.applied_before is not None:
        lines.append(f"  Этот файл уже применён {review.applied_before:%d.%m.%Y %H:%M}: "
                     "повторно ничего не изменится.")
        return lines
    plain = [c for c in review.changes if not c.conflict]
    for kind, title in SECTIONS:
        found = [c for c in plain if c.kind == kind]
        if found:
            lines.append(f"  {title} — {len(found)}:")
            lines += [f"    {c.text()}" for c in found]
    if review.conflicts:
        lines.append(f"  Конфликты — {len(review.conflicts)} (в базе центра значение изменено "
                     "после отправки файла; остаётся значение центра, если не принять значение "
                     "школы):")
        lines += [f"    {c.text()}" for c in review.conflicts]
    if review.unconfirmed:
        lines.append(f"  Не подтверждены — {len(review.unconfirmed)} (строки удалены, а не "
                     "отмечены; выбывшими не считаются, в базе остаются как есть):")
        lines += [f"    «{u.sheet}»: {u.what} (код {u.code})" for u in review.unconfirmed]
    if review.errors:
        lines.append(f"  Отказано — {len(review.errors)} (файл не будет применён, пока их не "
                     "исправить):")
        lines += [f"    {error_text(e)}" for e in review.errors]
    if review.notes:
        lines.append("  Замечания (применению не мешают):")
        lines += [f"    {error_text(n)}" for n in review.notes]
    if not review.changes and not review.errors:
        lines.append("  Изменений нет: данные ОО совпадают с базой центра.")
    lines.append(f"  Итого: изменений — {len(review.changes)} (конфликтов — "
                 f"{len(review.conflicts)}), не подтверждено — {len(review.unconfirmed)}, "
                 f"отказано — {len(review.errors)}.")
    return lines


def error_text(e: RowError) -> str:
    """«лист «Педагоги», строка 12, столбец AA (Дата выбытия) «31.02.2026»: причина»."""
    value = f" «{e.value}»" if e.value else ""
    return f"лист «{e.sheet}», строка {e.row}, столбец {e.column}{value}: {e.reason}"
