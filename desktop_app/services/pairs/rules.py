"""The ground every other module of the pairs service stands on.

The status codes and limits (open and final statuses, the status path, the programme's 3 … 12
months, the load limit, the shipped form names), PairError, the inputs of a pair and its plan
(PairInput, PlanItemInput) with the check shown before saving (PairCheck), the programme period
(add_months, duration_limits, duration_error) and the rules that tie a pair's status to its
dates (derive_status, end_problems). Nothing here reads the database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from desktop_app.model.enums import MenteeCategory, ModelElement, PairStatus
from desktop_app.services.validation import order_problem
from desktop_app.textutil import clean, fmt_date

OPEN_STATUSES = (PairStatus.PLANNED.value, PairStatus.ACTIVE.value)
FINAL_STATUSES = (PairStatus.COMPLETED.value, PairStatus.ENDED_EARLY.value)
# The status path: планируется → действует → завершена; прекращена досрочно from either open one.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PairStatus.PLANNED.value: (PairStatus.ACTIVE.value, PairStatus.ENDED_EARLY.value),
    PairStatus.ACTIVE.value: (PairStatus.COMPLETED.value, PairStatus.ENDED_EARLY.value),
    PairStatus.COMPLETED.value: (),
    PairStatus.ENDED_EARLY.value: (),
}
MIN_MONTHS = 3
MAX_MONTHS = 12
ENDING_SOON_DAYS = 30
STALE_MONTHS = 6
YOUNG_AGE = 35
YOUNG_EXPERIENCE = 3
DEFAULT_MENTEE_LIMIT = 3
ONE_TO_ONE_FORM = "Традиционное наставничество «один на один»"
GROUP_FORM = "Групповое наставничество"


class PairError(ValueError):
    """A refusal with a Russian message; field names the input at fault (for the dialog)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlanItemInput:
    """One line of the plan: мероприятие, срок, ответственный, форма отчётности, отметка."""

    activity: str
    deadline: date | None = None
    responsible: str = ""
    report_form: str = ""
    done: bool = False
    done_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class PairInput:
    """Everything a pair (or group) and its personalised programme are made of.

    Codes are those of the enums (ModelElement, MenteeCategory, PairDirection, PairLevel,
    PairStatus). form_id None takes the shipped one-to-one form (the group form for several
    mentees); level None is suggested: «муниципальный» when the mentor works in another ОО than
    a mentee, else «внутри ОО». deficit_ids are rows of the deficits table of the mentees.
    ended_on is the day a completed or early-ended pair actually stopped (checked by
    end_problems); None for such a pair takes the day of the status change, as before.
    """

    mentor_id: int
    mentee_ids: tuple[int, ...]
    start_date: date
    end_date: date
    form_id: int | None = None
    model_element: str = ModelElement.ADAPTATION.value
    mentee_category: str = MenteeCategory.YOUNG.value
    directions: tuple[str, ...] = ()
    level: str | None = None
    status: str = PairStatus.PLANNED.value
    end_reason: str = ""
    ended_on: date | None = None
    order_number: str = ""
    order_date: date | None = None
    goal: str = ""
    tasks: str = ""
    difficulties: str = ""
    expected_results: str = ""
    deficit_ids: tuple[int, ...] = ()
    plan: tuple[PlanItemInput, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class PairCheck:
    """What the dialog shows before saving: refusals, warnings, the suggested level, facts."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    suggested_level: str
    facts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


# the programme period ---------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day so many calendar months later; the 31st falls back to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def duration_limits(start: date) -> tuple[date, date]:
    """The earliest and the latest allowed end date of a programme starting on start.

    Seed 002 §1.2: a personalised programme lasts «от 3 месяцев до 1 года». Both dates of a
    programme are days of work (inclusive), so a programme of exactly three months starting on
    01.09 ends on 30.11, and one of exactly a year ends on 31.08 of the next year:
    end ≥ start + 3 months − 1 day and end ≤ start + 12 months − 1 day. One day shorter or one
    day longer is refused.
    """
    one = timedelta(days=1)
    return add_months(start, MIN_MONTHS) - one, add_months(start, MAX_MONTHS) - one


def duration_error(start: date | None, end: date | None) -> str | None:
    """The Russian reason why the period is refused, or None when it fits."""
    if start is None or end is None:
        return "Укажите даты начала и окончания программы."
    if end < start:
        return "Дата окончания программы раньше даты начала."
    earliest, latest = duration_limits(start)
    if end < earliest:
        return (
            "Программа короче 3 месяцев: при начале "
            f"{fmt_date(start)} она должна длиться хотя бы до {fmt_date(earliest)} "
            "(п. 1.2 Положения: от 3 месяцев до 1 года)."
        )
    if end > latest:
        return (
            "Программа длиннее 1 года: при начале "
            f"{fmt_date(start)} она должна закончиться не позже {fmt_date(latest)} "
            "(п. 1.2 Положения: от 3 месяцев до 1 года)."
        )
    return None


# the end of a pair and the status its dates give ------------------------------------------

END_FIELDS = {"status": "Статус", "end_date": "Дата окончания",
              "ended_on": "Дата завершения фактическая", "end_reason": "Причина"}


@dataclass(frozen=True)
class EndProblem:
    """A contradiction between a pair's status and its dates: the field at fault (a key of
    END_FIELDS) and the Russian reason (lower case, no final full stop)."""

    field: str
    message: str


def derive_status(start: date, end: date, ended_on: date | None, on: date) -> tuple[str, str]:
    """The status a pair's dates give on the date and why, in Russian (docs/pairs.md).

    The one written rule: an actual end earlier than the planned end → «прекращена досрочно»;
    another actual end, or the planned end already passed → «завершена»; begun → «действует»;
    not yet begun → «планируется».
    """
    if ended_on is not None:
        if ended_on < end:
            return PairStatus.ENDED_EARLY.value, (
                f"фактическое завершение {fmt_date(ended_on)} раньше планового окончания "
                f"{fmt_date(end)}")
        return PairStatus.COMPLETED.value, f"пара завершила работу {fmt_date(ended_on)}"
    if end < on:
        return PairStatus.COMPLETED.value, f"плановое окончание {fmt_date(end)} прошло"
    if start <= on:
        return PairStatus.ACTIVE.value, (
            f"программа началась {fmt_date(start)} и идёт до {fmt_date(end)}")
    return PairStatus.PLANNED.value, f"программа начнётся {fmt_date(start)}"


def end_problems(status: str, start: date, end: date, ended_on: date | None, reason: str,
                 today: date) -> list[EndProblem]:
    """Every contradiction of a pair's status, planned end, actual end and reason on today.

    Refused: a planned end before the start; an actual end before the start or after today; an
    actual end of a pair still «планируется» or «действует»; «прекращена досрочно» without the
    actual end, without a reason or not earlier than the planned end; «завершена» whose planned
    end is still to come and no actual end is given; a reason with another status.
    """
    found = []
    early = order_problem(start, end, "плановая дата окончания", "даты начала")
    if early:  # the same rule as the exchange workbook's (services/validation.py ROW_RULES)
        found.append(EndProblem("end_date", early))
    if ended_on is not None:
        found += _actual_end_problems(status, start, end, ended_on, today)
    label = PairStatus(status).label
    if status == PairStatus.ENDED_EARLY.value:
        if ended_on is None:
            found.append(EndProblem("ended_on", "для статуса «прекращена досрочно» укажите дату "
                                                "фактического завершения"))
        if not clean(reason):
            found.append(EndProblem("end_reason", "для статуса «прекращена досрочно» укажите "
                                                  "причину"))
    elif clean(reason):
        found.append(EndProblem("end_reason", f"причина указывается только при статусе "
                                              f"«прекращена досрочно», а статус — «{label}»: "
                                              "очистите причину или исправьте статус"))
    if status == PairStatus.COMPLETED.value and ended_on is None and end > today:
        found.append(EndProblem("status", f"статус «{label}», но плановая дата окончания "
                                          f"{fmt_date(end)} ещё не наступила: укажите дату "
                                          "фактического завершения"))
    return found


def _actual_end_problems(status: str, start: date, end: date, ended_on: date,
                         today: date) -> list[EndProblem]:
    day = fmt_date(ended_on)
    early = order_problem(start, ended_on, "фактическое завершение", "начала программы")
    if early:
        return [EndProblem("ended_on", early)]
    if ended_on > today:
        return [EndProblem("ended_on", f"дата {day} ещё не наступила: фактическое завершение — "
                                       "уже прошедший день")]
    if status in OPEN_STATUSES:
        return [EndProblem("ended_on", f"статус «{PairStatus(status).label}», но указана дата "
                                       f"фактического завершения {day}: укажите статус "
                                       "«завершена» или «прекращена досрочно» либо очистите "
                                       "дату")]
    if status == PairStatus.ENDED_EARLY.value and ended_on >= end:
        return [EndProblem("ended_on", f"«прекращена досрочно» — раньше плановой даты окончания "
                                       f"{fmt_date(end)}, а фактическое завершение {day} не "
                                       "раньше её: укажите статус «завершена»")]
    return []

