"""The value rules, table by table: which column of which table gets which rule.

Holds the rule classes — a rule of one column's values (ColumnRule: Text, Dated, Born, Number,
Score, Storable) and a rule of a column against others of its row (RowRule: Related, ordered,
OnScale, with the instruments' Scales) — their shared instances (PAST, PLANNED, NAME, EMAIL,
PHONE, HOURS, PERCENT, COUNT, …), COLUMN_RULES and ROW_RULES (one place says which column of
which table gets which rule, the same for the forms and the exchange workbook), table_rules()
and value_problems(). Each rule calls a single-value check of value_checks.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from desktop_app.services.value_checks import (
    EARLIEST_DATE,
    MIN_AGE,
    PLANNED_YEARS,
    _add_years,
    birth_date_problem,
    date_problem,
    education_year_problem,
    email_problem,
    experience_start_problem,
    leaving_problem,
    name_part_problem,
    number_problem,
    order_problem,
    phone_problem,
    score_problem,
)

MAX_COURSE_HOURS = 3000
# The exchange workbook carries records entered years ago (people who left stay on record): their
# age is checked up to KEPT_MAX_AGE, not MAX_AGE, which holds on the day a person is entered.
KEPT_MAX_AGE = 100
SQLITE_INTEGER = 2**63 - 1  # the greatest whole number a database column holds


class ColumnRule(ABC):
    """A rule of one column's values, each on its own (a refusal names that column)."""

    @abstractmethod
    def problem(self, value: Any, on: date) -> str | None:
        """The reason a value is refused, or None."""

    def problems(self, values: Sequence[Any], on: date) -> list[tuple[int, str]]:
        """(index, reason) of every refused value of a column (None, a blank, is not checked);
        each distinct value is checked once."""
        reasons: dict[Any, str] = {}
        for value in set(values):
            if value is not None:
                reason = self.problem(value, on)
                if reason is not None:
                    reasons[value] = reason
        if not reasons:
            return []
        return [(i, reasons[v]) for i, v in enumerate(values) if v in reasons]


@dataclass(frozen=True)
class Text(ColumnRule):
    """A rule of a text (a name, an e-mail, a phone): check(text) gives the reason or None."""

    check: Callable[[str], str | None]

    def problem(self, value: Any, on: date) -> str | None:
        return self.check(value if isinstance(value, str) else str(value))


class Range(ColumnRule):
    """Values within bounds: when a column's least and greatest value fit (and none is NaN), no
    value is looked at one by one."""

    @abstractmethod
    def bounds(self, on: date) -> tuple[Any, Any]:
        """The least and the greatest value allowed on the day on."""

    def problems(self, values: Sequence[Any], on: date) -> list[tuple[int, str]]:
        present = [v for v in values if v is not None]
        if not present:
            return []
        low, high = self.bounds(on)
        if low <= min(present) and max(present) <= high and all(v == v for v in present):
            return []
        return super().problems(values, on)


@dataclass(frozen=True)
class Dated(Range):
    """A date (date_problem): past — an event, not after today; else planned, not absurdly far."""

    past: bool

    def bounds(self, on: date) -> tuple[date, date]:
        return EARLIEST_DATE, on if self.past else _add_years(on, PLANNED_YEARS)

    def problem(self, value: Any, on: date) -> str | None:
        return date_problem(value, on, self.past)


@dataclass(frozen=True)
class Born(Range):
    """A birth date (birth_date_problem) giving an age from MIN_AGE to oldest."""

    oldest: int

    def bounds(self, on: date) -> tuple[date, date]:
        day = timedelta(days=1)  # inside the exact bounds: a value on the edge is looked at
        return _add_years(on, -self.oldest) + day, _add_years(on, -MIN_AGE) - day

    def problem(self, value: Any, on: date) -> str | None:
        return birth_date_problem(value, on, self.oldest)


@dataclass(frozen=True)
class Number(Range):
    """A number from low to high (number_problem)."""

    low: float
    high: float
    unit: str = ""

    def bounds(self, on: date) -> tuple[float, float]:
        return self.low, self.high

    def problem(self, value: Any, on: date) -> str | None:
        return number_problem(value, self.low, self.high, self.unit)


@dataclass(frozen=True)
class Score(Number):
    """A score on a fixed scale (score_problem), as a questionnaire's 1–10."""

    def problem(self, value: Any, on: date) -> str | None:
        return score_problem(value, int(self.low), int(self.high))


@dataclass(frozen=True)
class Storable(Number):
    """Any other whole number: what a database column can hold."""

    def problem(self, value: Any, on: date) -> str | None:
        if self.low <= value <= self.high:
            return None
        return f"{value} — слишком большое число (по модулю не больше {SQLITE_INTEGER})"


@dataclass
class Scales:
    """The scales of the instruments and the instrument of each item (by the ids of a book or of
    a database): a diagnostic answer's score is checked on the scale of its item's instrument."""

    instruments: dict[Any, tuple[int, int]] = field(default_factory=dict)
    items: dict[Any, Any] = field(default_factory=dict)

    def of_item(self, item: Any) -> tuple[int, int] | None:
        instrument = self.items.get(item)
        return None if instrument is None else self.instruments.get(instrument)

    def common(self) -> tuple[int, int] | None:
        """The scores that are on every scale (None: none are)."""
        if not self.instruments:
            return None
        low = max(lo for lo, _hi in self.instruments.values())
        high = min(hi for _lo, hi in self.instruments.values())
        return (low, high) if low <= high else None


class RowRule(ABC):
    """A rule of a column against other columns of its row (a refusal names the column)."""

    column: str
    needs: tuple[str, ...]

    @abstractmethod
    def problems(self, columns: Mapping[str, Sequence[Any]], on: date,
                 scales: Scales | None = None) -> list[tuple[int, str]]:
        """(index, reason) of every refused row; columns: the values of each column read."""


@dataclass(frozen=True)
class Related(RowRule):
    """check(value, *the values of needs, on) for each row whose value is not blank."""

    column: str
    needs: tuple[str, ...]
    check: Callable[..., str | None]

    def problems(self, columns: Mapping[str, Sequence[Any]], on: date,
                 scales: Scales | None = None) -> list[tuple[int, str]]:
        check, found = self.check, []
        needed = [columns[n] for n in self.needs]
        for i, (value, *others) in enumerate(zip(columns[self.column], *needed, strict=True)):
            if value is not None:
                reason = check(value, *others, on)
                if reason is not None:
                    found.append((i, reason))
        return found


def ordered(start: str, end: str, end_what: str, start_what: str) -> Related:
    """An end not before its start (order_problem), refused at the end's column."""
    return Related(end, (start,), lambda end_value, start_value, _on: order_problem(
        start_value, end_value, end_what, start_what))


@dataclass(frozen=True)
class OnScale(RowRule):
    """A diagnostic answer's score on the scale of its item's instrument (score_problem)."""

    column: str = "score"
    needs: tuple[str, ...] = ("item_id",)

    def problems(self, columns: Mapping[str, Sequence[Any]], on: date,
                 scales: Scales | None = None) -> list[tuple[int, str]]:
        if scales is None:
            return []
        scores, items = columns[self.column], columns[self.needs[0]]
        common, present = scales.common(), [s for s in scores if s is not None]
        if not present or (common is not None and common[0] <= min(present)
                           and max(present) <= common[1]):
            return []
        found = []
        for i, (score, item) in enumerate(zip(scores, items, strict=True)):
            scale = None if score is None else scales.of_item(item)
            reason = None if scale is None else score_problem(score, *scale)
            if reason is not None:
                found.append((i, reason))
        return found


def _experience_of(start: date, born: date | None, on: date) -> str | None:
    return None if born is None else experience_start_problem(start, born, on)


def _leaving_of(left: date, born: date | None, experience_start: date | None,
                _on: date) -> str | None:
    return leaving_problem(left, born, experience_start, None)


PAST, PLANNED = Dated(past=True), Dated(past=False)
NAME = Text(partial(name_part_problem, required=False))
NAME_REQUIRED = Text(partial(name_part_problem, required=True))
EMAIL, PHONE = Text(email_problem), Text(phone_problem)
HOURS = Number(1, MAX_COURSE_HOURS, " ч")
PERCENT = Number(0, 100, " %")
COUNT = Number(0, 1_000_000)  # positions in a list, numbers of participants
PLAN_YEAR = Number(2000, 2100)  # as services/indicators.py takes a year of the plans
STORABLE = Storable(-SQLITE_INTEGER - 1, SQLITE_INTEGER)

# Which column of which table gets which rule. A date is PAST where every way in (a window, a
# blank form) refuses the future, else PLANNED. The blank forms of people and ОО check the same
# values through validate_person and validate_organisation (there the age is MAX_AGE on the day
# of entry; a book carries older records: KEPT_MAX_AGE).
COLUMN_RULES: dict[str, dict[str, ColumnRule]] = {
    "organisations": {"mentoring_act_date": PAST, "mentoring_programme_date": PAST,
                      "deactivated_on": PAST, "phone": PHONE, "email": EMAIL},
    "people": {"last_name": NAME_REQUIRED, "first_name": NAME_REQUIRED, "middle_name": NAME,
               "birth_date": Born(KEPT_MAX_AGE), "category_date": PAST,
               "ped_experience_start": PAST, "consent_date": PAST, "left_on": PAST,
               "phone": PHONE, "email": EMAIL},
    "courses": {"hours": HOURS, "end_date": PAST},
    "employments": {"start_date": PAST, "end_date": PAST},
    "participations": {"event_date": PAST},
    "active_members": {"request_date": PAST, "submitted_on": PAST, "diagnosed_on": PAST,
                       "included_on": PAST, "excluded_on": PAST},
    "meetings": {"meeting_date": PLANNED},
    "pairs": {"start_date": PLANNED, "end_date": PLANNED, "ended_on": PAST,
              "order_date": PLANNED},
    "plan_items": {"position": COUNT, "deadline": PLANNED, "done_on": PLANNED},
    "monitorings": {"monitoring_date": PAST, "students_passed_percent": PERCENT,
                    "olympiad_participants": COUNT},
    "satisfactions": {"answered_on": PAST, "score": Score(1, 10)},
    "diagnostic_sessions": {"session_date": PAST},
    "external_results": {"percent": PERCENT},
    "deficits": {"found_on": PAST, "overcome_on": PAST},
    "routes": {"start_date": PLANNED, "end_date": PLANNED},
    "route_items": {"position": COUNT, "deadline": PLANNED},
    "roadmap_items": {"position": COUNT, "deadline": PLANNED, "done_on": PLANNED},
    "indicator_plans": {"year": PLAN_YEAR, "value": PERCENT},
    "report_texts": {"year": PLAN_YEAR},
    "order_journal": {"date": PLANNED},
    "ground_presets": {"min_experience_years": Number(0, 40)},
    "grounds": {"number": COUNT},
    "instruments": {"scale_min": Number(0, 100), "scale_max": Number(0, 100)},
    "instrument_items": {"position": COUNT},
    "mentorship_forms": {"position": COUNT},
    "plan_template_items": {"position": COUNT, "offset_days": Number(0, 3660)},
    "awards": {"position": COUNT},
    "award_conditions": {"value": Number(0, 100), "near": Number(0, 100)},
    "nominations": {"nominated_on": PLANNED},
    "practices": {"year": PLAN_YEAR, "decided_on": PLANNED},
    "practice_authors": {"position": COUNT},
    "practice_files": {"size": Number(0, 20 * 1024 * 1024), "added_on": PLANNED},
    "practice_file_parts": {"part": COUNT},
}
# The rules of a column against the others of its row.
ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "people": (Related("education_year", ("birth_date",), education_year_problem),
               Related("ped_experience_start", ("birth_date",), _experience_of),
               Related("left_on", ("birth_date", "ped_experience_start"), _leaving_of)),
    "employments": (ordered("start_date", "end_date", "дата окончания", "даты начала"),),
    "active_members": (ordered("included_on", "excluded_on", "дата исключения",
                               "даты включения"),),
    "pairs": (ordered("start_date", "end_date", "плановая дата окончания", "даты начала"),
              ordered("start_date", "ended_on", "фактическое завершение", "начала программы")),
    "routes": (ordered("start_date", "end_date", "дата окончания", "даты начала"),),
    "deficits": (ordered("found_on", "overcome_on", "дата преодоления", "даты выявления"),),
    "instruments": (ordered("scale_min", "scale_max", "наибольший балл", "наименьшего балла"),),
    "answers": (OnScale(),),
}


def table_rules(table: str, whole_numbers: Sequence[str] = ()
                ) -> tuple[dict[str, ColumnRule], tuple[RowRule, ...]]:
    """The rules of a table: its COLUMN_RULES — and STORABLE for each other whole-number column
    of whole_numbers (the table's integer columns: codes, references, numbers) — and its
    ROW_RULES."""
    columns = dict(COLUMN_RULES.get(table, {}))
    for name in whole_numbers:
        columns.setdefault(name, STORABLE)
    return columns, ROW_RULES.get(table, ())


def value_problems(table: str, values: Mapping[str, Any], on: date) -> list[tuple[str, str]]:
    """(column, reason) of every value of a row of a blank form refused by its table's
    COLUMN_RULES (the columns present in values; a blank is not checked)."""
    found = []
    for name, rule in COLUMN_RULES.get(table, {}).items():
        value = values.get(name)
        reason = None if value is None or value == "" else rule.problem(value, on)
        if reason is not None:
            found.append((name, reason))
    return found
