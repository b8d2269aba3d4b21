"""Mentor pairs and groups, their personalised programmes, plans, monitoring and satisfaction."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.model import (
    Deficit,
    MentorshipForm,
    Monitoring,
    Organisation,
    Pair,
    PairDirectionLink,
    PairMentee,
    Person,
    PlanItem,
    PlanTemplate,
    PlanTemplateItem,
    Programme,
    ProgrammeDeficit,
    Satisfaction,
)
from desktop_app.model.enums import (
    CompetenceArea,
    DeficitState,
    MenteeCategory,
    ModelElement,
    PairDirection,
    PairLevel,
    PairStatus,
    Respondent,
)
from desktop_app.services import settings
from desktop_app.services.validation import order_problem
from desktop_app.store.presets_seed import load_plan_templates as load_plan_templates
from desktop_app.textutil import clean, fmt_date, fold, ru_sort_key, short_fio, years_between

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


# people -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonChoice:
    id: int
    fio: str
    organisation_id: int | None
    organisation: str
    position: str
    subject: str
    age: int
    experience_years: int | None


_CHOICES_SQL = """
SELECT p.id, trim(p.last_name || ' ' || p.first_name || ' ' || p.middle_name),
       p.organisation_id, coalesce(o.short_name, ''), p.position, p.subject,
       CAST(strftime('%Y', :on) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER)
         - (strftime('%m-%d', :on) < strftime('%m-%d', p.birth_date)),
       CASE WHEN p.ped_experience_start IS NULL THEN NULL ELSE
         CAST(strftime('%Y', :on) AS INTEGER)
         - CAST(strftime('%Y', p.ped_experience_start) AS INTEGER)
         - (strftime('%m-%d', :on) < strftime('%m-%d', p.ped_experience_start)) END
FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
WHERE p.is_active = 1
"""


def list_person_choices(session: Session, on: date | None = None) -> list[PersonChoice]:
    """Active people for the mentor and mentee pickers, in Russian order, with age and full
    years of experience on the date (shown, never required)."""
    on = on or date.today()
    result = session.connection().exec_driver_sql(_CHOICES_SQL, {"on": on.isoformat()})
    rows = [PersonChoice(*r) for r in result.fetchall()]
    rows.sort(key=lambda c: ru_sort_key(c.fio))
    return rows


def _person_label(person: Person) -> str:
    return short_fio(person.last_name, person.first_name, person.middle_name)


def years_text(n: int) -> str:
    """«1 год», «3 года», «11 лет»."""
    if n % 10 == 1 and n % 100 != 11:
        word = "год"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "года"
    else:
        word = "лет"
    return f"{n} {word}"


def _experience_text(person: Person, on: date) -> str:
    if person.ped_experience_start is None:
        return "педагогический стаж не указан"
    years = years_between(person.ped_experience_start, on)
    return f"педагогический стаж {years_text(years) if years > 0 else 'менее года'}"


# checking -------------------------------------------------------------------------------------


def _enum_error(enum: type, value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        enum(value)
    except ValueError:
        return f"Поле «{name}»: неизвестное значение «{value}»."
    return None


def _field_errors(data: PairInput) -> list[str]:
    errors = [
        e for e in (
            _enum_error(ModelElement, data.model_element, "Элемент модели"),
            _enum_error(MenteeCategory, data.mentee_category, "Категория наставляемого"),
            _enum_error(PairLevel, data.level, "Уровень"),
            _enum_error(PairStatus, data.status, "Статус"),
            *(_enum_error(PairDirection, d, "Направления") for d in data.directions),
        ) if e
    ]
    if not data.mentee_ids:
        errors.append("Поле «Наставляемые»: добавьте хотя бы одного наставляемого.")
    if data.mentor_id in data.mentee_ids:
        errors.append("Наставник не может быть наставляемым в своей же паре (группе).")
    if len(set(data.mentee_ids)) != len(data.mentee_ids):
        errors.append("Поле «Наставляемые»: один и тот же человек указан дважды.")
    if data.status == PairStatus.ENDED_EARLY.value and not clean(data.end_reason):
        errors.append("Для досрочного прекращения укажите причину.")
    reason = duration_error(data.start_date, data.end_date)
    if reason:
        errors.append(reason)
    for number, item in enumerate(data.plan, start=1):
        if not clean(item.activity):
            errors.append(f"План, строка {number}: не указано мероприятие.")
    return errors


def _end_errors(data: PairInput) -> list[str]:
    """The actual end date given in the dialog checked by end_problems (the period and the
    early end's reason are checked above)."""
    if data.ended_on is None or data.start_date is None or data.end_date is None:
        return []
    reason = data.end_reason if data.status == PairStatus.ENDED_EARLY.value else ""
    return [
        f"Поле «{END_FIELDS[p.field]}»: {p.message}."
        for p in end_problems(data.status, data.start_date, data.end_date, data.ended_on,
                              reason, date.today())
        if p.field in ("ended_on", "status")
    ]


def _people(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}


def _reference_errors(
    session: Session, data: PairInput, people: dict[int, Person]
) -> list[str]:
    errors = []
    if data.mentor_id not in people:
        errors.append("Поле «Наставник»: выберите наставника из реестра.")
    missing = [i for i in data.mentee_ids if i not in people]
    if missing:
        errors.append("Поле «Наставляемые»: человек не найден в реестре.")
    if data.form_id is not None and session.get(MentorshipForm, data.form_id) is None:
        errors.append("Поле «Форма наставничества»: форма не найдена.")
    if data.deficit_ids:
        owners: dict[int, int] = {
            d: p for d, p in session.execute(
                select(Deficit.id, Deficit.person_id).where(Deficit.id.in_(data.deficit_ids))
            )
        }
        if any(owners.get(d, 0) not in data.mentee_ids for d in data.deficit_ids):
            errors.append("Поле «Адресные дефициты»: дефицит не относится к наставляемым пары.")
    return errors


def suggest_level(session: Session, mentor_id: int, mentee_ids: Sequence[int]) -> str:
    """«муниципальный» when the mentor's ОО differs from a mentee's, else «внутри ОО»."""
    orgs: dict[int, int | None] = {
        p: o for p, o in session.execute(
            select(Person.id, Person.organisation_id).where(
                Person.id.in_([mentor_id, *mentee_ids])
            )
        )
    }
    mentor_org = orgs.get(mentor_id)
    if any(orgs.get(m) != mentor_org for m in mentee_ids):
        return PairLevel.MUNICIPAL.value
    return PairLevel.ORGANISATION.value


def mentor_load(session: Session, mentor_id: int, exclude_pair_id: int | None = None) -> int:
    """Distinct mentees the mentor has in planned or active pairs (other than the one edited)."""
    stmt = (
        select(func.count(func.distinct(PairMentee.person_id)))
        .join(Pair, Pair.id == PairMentee.pair_id)
        .where(Pair.mentor_id == mentor_id, Pair.status.in_(OPEN_STATUSES))
    )
    if exclude_pair_id is not None:
        stmt = stmt.where(Pair.id != exclude_pair_id)
    return int(session.scalar(stmt) or 0)


def _load_warning(
    session: Session, data: PairInput, people: dict[int, Person], pair_id: int | None
) -> str | None:
    if data.status not in OPEN_STATUSES or data.mentor_id not in people:
        return None
    limit = settings.get_int(session, "mentee_limit", DEFAULT_MENTEE_LIMIT)
    others = set(
        session.scalars(
            select(PairMentee.person_id)
            .join(Pair, Pair.id == PairMentee.pair_id)
            .where(Pair.mentor_id == data.mentor_id, Pair.status.in_(OPEN_STATUSES))
            .where(Pair.id != (pair_id or 0))
        )
    )
    total = len(others | set(data.mentee_ids))
    if total <= limit:
        return None
    return (
        f"Нагрузка наставника {_person_label(people[data.mentor_id])}: {total} наставляемых "
        f"при пределе {limit}, установленном муниципалитетом (настройка «Предел наставляемых "
        "на одного наставника»)."
    )


def _direction_warnings(
    session: Session, data: PairInput, people: dict[int, Person], pair_id: int | None
) -> list[str]:
    if not data.directions or data.status not in OPEN_STATUSES:
        return []
    mentor = aliased(Person)
    stmt = (
        select(PairMentee.person_id, Pair.id, PairDirectionLink.direction, mentor)
        .join(Pair, Pair.id == PairMentee.pair_id)
        .join(PairDirectionLink, PairDirectionLink.pair_id == Pair.id)
        .join(mentor, mentor.id == Pair.mentor_id)
        .where(
            PairMentee.person_id.in_(data.mentee_ids),
            Pair.status.in_(OPEN_STATUSES),
            PairDirectionLink.direction.in_(data.directions),
            Pair.id != (pair_id or 0),
        )
        .order_by(Pair.id)
    )
    warnings = []
    for person_id, other_id, direction, other_mentor in session.execute(stmt):
        who = _person_label(people[person_id]) if person_id in people else str(person_id)
        warnings.append(
            f"{who} уже наставляемый в действующей паре № {other_id} (наставник "
            f"{_person_label(other_mentor)}) по тому же направлению "
            f"«{PairDirection(direction).label}»."
        )
    return warnings


def check_pair(session: Session, data: PairInput, pair_id: int | None = None) -> PairCheck:
    """Refusals, warnings (load limit, the same direction twice) and facts, before saving.

    Experience is shown as a fact, never required: reverse mentoring lets a younger colleague
    mentor an experienced one.
    """
    people = _people(session, [data.mentor_id, *data.mentee_ids])
    errors = _field_errors(data) + _reference_errors(session, data, people)
    if pair_id is None:
        errors += _end_errors(data)
    else:
        pair = session.get(Pair, pair_id)
        if pair is None:
            errors.append("Пара не найдена: возможно, её уже удалили.")
        else:
            errors += _transition_errors(pair.status, data.status)
            # a stored end is not judged again when only other fields are edited
            if (pair.status, pair.ended_on) != (data.status, data.ended_on):
                errors += _end_errors(data)
    warnings: list[str] = []
    level = PairLevel.ORGANISATION.value
    facts: list[str] = []
    if data.mentor_id in people and all(m in people for m in data.mentee_ids):
        warning = _load_warning(session, data, people, pair_id)
        warnings += [warning] if warning else []
        warnings += _direction_warnings(session, data, people, pair_id)
        level = suggest_level(session, data.mentor_id, data.mentee_ids)
        on = data.start_date or date.today()
        facts = [
            f"{role} {_person_label(people[pid])}: {_experience_text(people[pid], on)} "
            f"на начало программы"
            for role, pid in [("Наставник", data.mentor_id)]
            + [("Наставляемый", m) for m in data.mentee_ids]
        ]
        if data.level == PairLevel.ORGANISATION.value and level == PairLevel.MUNICIPAL.value:
            warnings.append(
                "Наставник работает в другой ОО, чем наставляемый: уровень пары — "
                "«муниципальный»."
            )
    return PairCheck(tuple(errors), tuple(warnings), level, tuple(facts))


def _transition_errors(old: str, new: str) -> list[str]:
    if old == new or new in TRANSITIONS.get(old, ()):
        return []
    return [
        f"Статус «{PairStatus(old).label}» нельзя сменить на «{PairStatus(new).label}»: "
        "порядок — планируется → действует → завершена (или прекращена досрочно)."
    ]


# writing -------------------------------------------------------------------------------------


def default_form_id(session: Session, mentee_count: int = 1) -> int:
    """The shipped one-to-one form, or the group form for several mentees."""
    name = GROUP_FORM if mentee_count > 1 else ONE_TO_ONE_FORM
    form_id = session.scalar(select(MentorshipForm.id).where(MentorshipForm.name == name))
    if form_id is None:
        form_id = session.scalar(select(MentorshipForm.id).order_by(MentorshipForm.position))
    if form_id is None:
        raise PairError("В базе нет ни одной формы наставничества.", "form_id")
    return int(form_id)


def _raise_if_refused(check: PairCheck) -> None:
    if check.errors:
        raise PairError(" ".join(check.errors))


def _plan_rows(items: Sequence[PlanItemInput]) -> list[PlanItem]:
    return [
        PlanItem(
            position=i, activity=clean(it.activity), deadline=it.deadline,
            responsible=clean(it.responsible), report_form=clean(it.report_form),
            done=it.done, done_on=(it.done_on or date.today()) if it.done else None,
        )
        for i, it in enumerate(items, start=1)
    ]


def _apply(session: Session, pair: Pair, data: PairInput, level: str) -> None:
    pair.mentor_id = data.mentor_id
    pair.form_id = data.form_id or default_form_id(session, len(data.mentee_ids))
    pair.model_element = data.model_element
    pair.mentee_category = data.mentee_category
    pair.level = data.level or level
    pair.start_date, pair.end_date = data.start_date, data.end_date
    pair.order_number, pair.order_date = clean(data.order_number), data.order_date
    pair.notes = data.notes
    pair.updated_at = datetime.now()
    pair.mentees = [PairMentee(person_id=m) for m in data.mentee_ids]
    pair.directions = [PairDirectionLink(direction=d) for d in dict.fromkeys(data.directions)]
    _set_status_fields(pair, data.status, data.end_reason, ended_on=data.ended_on)
    programme = pair.programme or Programme()
    programme.goal, programme.tasks = data.goal.strip(), data.tasks.strip()
    programme.difficulties = data.difficulties.strip()
    programme.expected_results = data.expected_results.strip()
    programme.deficits = [ProgrammeDeficit(deficit_id=d) for d in dict.fromkeys(data.deficit_ids)]
    pair.programme = programme


def _set_status_fields(pair: Pair, status: str, reason: str, on: date | None = None,
                       ended_on: date | None = None) -> None:
    if ended_on is not None and status in FINAL_STATUSES:
        pair.ended_on = ended_on
    elif pair.status != status or pair.id is None:
        pair.ended_on = (on or date.today()) if status in FINAL_STATUSES else None
    pair.status = status
    pair.end_reason = clean(reason) if status == PairStatus.ENDED_EARLY.value else ""


def create_pair(session: Session, data: PairInput) -> int:
    """Create a pair or group with its programme, plan and targeted deficits; return its id.

    Refused with PairError (Russian message, nothing added) on: no mentees, the mentor among
    the mentees, a mentee twice, a period outside 3 months … 1 year (see duration_limits),
    unknown people, form or codes, deficits of other people, an empty plan line, an early end
    with no reason. Warnings (load limit, duplicate direction) are not refusals: ask
    check_pair() first to show them. Flushes; the caller commits.
    """
    check = check_pair(session, data)
    _raise_if_refused(check)
    pair = Pair()
    _apply(session, pair, data, check.suggested_level)
    assert pair.programme is not None
    pair.programme.plan = _plan_rows(data.plan)
    session.add(pair)
    session.flush()
    _mark_deficits_in_work(session, data.deficit_ids)
    return pair.id


def update_pair(session: Session, pair_id: int, data: PairInput, keep_plan: bool = True) -> None:
    """Change a pair; the status may only move along the path. The plan is kept unless
    keep_plan is False (then data.plan replaces it). Flushes; the caller commits."""
    check = check_pair(session, data, pair_id)
    _raise_if_refused(check)
    pair = session.get(Pair, pair_id)
    assert pair is not None
    _apply(session, pair, data, check.suggested_level)
    if not keep_plan:
        assert pair.programme is not None
        pair.programme.plan = _plan_rows(data.plan)
    session.flush()
    _mark_deficits_in_work(session, data.deficit_ids)


def _mark_deficits_in_work(session: Session, deficit_ids: Sequence[int]) -> None:
    """A targeted deficit that was only found is now being worked on."""
    for deficit in session.scalars(select(Deficit).where(Deficit.id.in_(deficit_ids))):
        if deficit.state == DeficitState.FOUND.value:
            deficit.state = DeficitState.IN_WORK.value


def change_status(
    session: Session, pair_id: int, status: str, reason: str = "", on: date | None = None
) -> None:
    """Move a pair along планируется → действует → завершена, or end it early with a reason."""
    pair = _pair_or_error(session, pair_id)
    error = _enum_error(PairStatus, status, "Статус")
    if error:
        raise PairError(error, "status")
    errors = _transition_errors(pair.status, status)
    if errors:
        raise PairError(errors[0], "status")
    if status == PairStatus.ENDED_EARLY.value and not clean(reason):
        raise PairError("Для досрочного прекращения укажите причину.", "end_reason")
    if status in FINAL_STATUSES and on is not None:
        _check_end_date(pair, on)
    _set_status_fields(pair, status, reason, on)
    pair.updated_at = datetime.now()
    session.flush()


def _check_end_date(pair: Pair, on: date) -> None:
    """The day a programme ended is a day that has come, and not before the programme began
    (a planned one may be called off before its start)."""
    if on > date.today():
        raise PairError(f"Поле «Дата окончания»: дата {fmt_date(on)} ещё не наступила.", "ended_on")
    if on < pair.start_date and pair.status != PairStatus.PLANNED.value:
        raise PairError(f"Поле «Дата окончания»: {fmt_date(on)} раньше начала программы "
                        f"({fmt_date(pair.start_date)}).", "ended_on")


def _future_date_error(on: date, label: str) -> PairError | None:
    if on > date.today():
        return PairError(f"Поле «{label}»: дата {fmt_date(on)} ещё не наступила.", "date")
    return None


def delete_pair(session: Session, pair_id: int) -> None:
    """Remove a pair with its programme, plan, monitoring and questionnaires."""
    session.delete(_pair_or_error(session, pair_id))
    session.flush()


def _pair_or_error(session: Session, pair_id: int) -> Pair:
    pair = session.get(Pair, pair_id)
    if pair is None:
        raise PairError("Пара не найдена: возможно, её уже удалили.")
    return pair


def _touch(session: Session, pair_id: int) -> None:
    _pair_or_error(session, pair_id).updated_at = datetime.now()


# reading one pair -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItemRow:
    id: int
    position: int
    activity: str
    deadline: date | None
    responsible: str
    report_form: str
    done: bool
    done_on: date | None


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0


def pair_input(session: Session, pair_id: int) -> PairInput:
    """The stored pair as an input for editing (plan included)."""
    pair = _pair_or_error(session, pair_id)
    programme = pair.programme or Programme()
    return PairInput(
        mentor_id=pair.mentor_id, mentee_ids=tuple(m.person_id for m in pair.mentees),
        start_date=pair.start_date, end_date=pair.end_date, form_id=pair.form_id,
        model_element=pair.model_element, mentee_category=pair.mentee_category,
        directions=tuple(sorted(d.direction for d in pair.directions)), level=pair.level,
        status=pair.status, end_reason=pair.end_reason, ended_on=pair.ended_on,
        order_number=pair.order_number,
        order_date=pair.order_date, goal=programme.goal, tasks=programme.tasks,
        difficulties=programme.difficulties, expected_results=programme.expected_results,
        deficit_ids=tuple(d.deficit_id for d in programme.deficits),
        plan=tuple(
            PlanItemInput(
                activity=i.activity, deadline=i.deadline, responsible=i.responsible,
                report_form=i.report_form, done=i.done, done_on=i.done_on,
            )
            for i in programme.plan
        ),
        notes=pair.notes,
    )


def pair_people(session: Session, pair_id: int) -> dict[int, str]:
    """Full names of the pair's mentor and mentees by person id."""
    pair = _pair_or_error(session, pair_id)
    ids = [pair.mentor_id, *(m.person_id for m in pair.mentees)]
    return {
        pid: " ".join(x for x in (p.last_name, p.first_name, p.middle_name) if x)
        for pid, p in _people(session, ids).items()
    }


def plan_items(session: Session, pair_id: int) -> list[PlanItemRow]:
    stmt = (
        select(PlanItem)
        .join(Programme, Programme.id == PlanItem.programme_id)
        .where(Programme.pair_id == pair_id)
        .order_by(PlanItem.position, PlanItem.id)
    )
    return [
        PlanItemRow(i.id, i.position, i.activity, i.deadline, i.responsible, i.report_form,
                    i.done, i.done_on)
        for i in session.scalars(stmt)
    ]


def plan_progress(session: Session, pair_id: int) -> Progress:
    """Done and total plan items of the pair's programme."""
    row = session.execute(
        select(func.count(PlanItem.id),
               func.coalesce(func.sum(case((PlanItem.done.is_(True), 1), else_=0)), 0))
        .join(Programme, Programme.id == PlanItem.programme_id)
        .where(Programme.pair_id == pair_id)
    ).one()
    return Progress(int(row[1]), int(row[0]))


def set_item_done(
    session: Session, item_id: int, done: bool, on: date | None = None
) -> Progress:
    """Mark a plan item done (or not) and return the programme's new progress."""
    item = _item_or_error(session, item_id)
    item.done = done
    item.done_on = (on or date.today()) if done else None
    pair_id = _pair_of_item(session, item)
    _touch(session, pair_id)
    session.flush()
    return plan_progress(session, pair_id)


def _programme(session: Session, pair_id: int) -> Programme:
    pair = _pair_or_error(session, pair_id)
    if pair.programme is None:
        pair.programme = Programme()
        session.flush()
    assert pair.programme is not None
    return pair.programme


def set_plan(session: Session, pair_id: int, items: Sequence[PlanItemInput]) -> None:
    """Replace the whole plan of the pair's programme."""
    for number, item in enumerate(items, start=1):
        if not clean(item.activity):
            raise PairError(f"План, строка {number}: не указано мероприятие.", "plan")
    programme = _programme(session, pair_id)
    programme.plan = _plan_rows(items)
    _touch(session, pair_id)
    session.flush()


def _item_or_error(session: Session, item_id: int) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None:
        raise PairError("Строка плана не найдена.")
    return item


def _pair_of_item(session: Session, item: PlanItem) -> int:
    programme = session.get(Programme, item.programme_id)
    assert programme is not None
    return programme.pair_id


def add_plan_item(session: Session, pair_id: int, item: PlanItemInput) -> int:
    """Append one line to the plan; returns its id."""
    if not clean(item.activity):
        raise PairError("План: не указано мероприятие.", "activity")
    programme = _programme(session, pair_id)
    row = _plan_rows([item])[0]
    row.position = max((i.position for i in programme.plan), default=0) + 1
    programme.plan.append(row)
    _touch(session, pair_id)
    session.flush()
    return row.id


def update_plan_item(session: Session, item_id: int, item: PlanItemInput) -> None:
    """Change the text, deadline, responsible, report form and mark of one plan line."""
    if not clean(item.activity):
        raise PairError("План: не указано мероприятие.", "activity")
    row = _item_or_error(session, item_id)
    row.activity, row.deadline = clean(item.activity), item.deadline
    row.responsible, row.report_form = clean(item.responsible), clean(item.report_form)
    if row.done != item.done:
        row.done = item.done
        row.done_on = (item.done_on or date.today()) if item.done else None
    _touch(session, _pair_of_item(session, row))
    session.flush()


def delete_plan_item(session: Session, item_id: int) -> None:
    row = _item_or_error(session, item_id)
    pair_id = _pair_of_item(session, row)
    session.delete(row)
    _touch(session, pair_id)
    session.flush()


def _extend_plan(session: Session, pair_id: int, items: list[PlanItemInput], replace: bool) -> int:
    programme = _programme(session, pair_id)
    kept = [] if replace else list(programme.plan)
    new = _plan_rows(items)
    for i, row in enumerate(new, start=len(kept) + 1):
        row.position = i
    programme.plan = kept + new
    _touch(session, pair_id)
    session.flush()
    return len(new)


def copy_plan_from_pair(
    session: Session, target_id: int, source_id: int, replace: bool = True
) -> int:
    """Copy another programme's plan; deadlines keep their distance in days from the start
    (kept inside the target period), marks are cleared. Returns the number of lines copied."""
    target = _pair_or_error(session, target_id)
    source = _pair_or_error(session, source_id)
    if target_id == source_id:
        raise PairError("Нельзя скопировать план программы в неё саму.")
    shift = target.start_date - source.start_date
    items = [
        PlanItemInput(
            activity=i.activity,
            deadline=min(i.deadline + shift, target.end_date) if i.deadline else None,
            responsible=i.responsible, report_form=i.report_form,
        )
        for i in (source.programme.plan if source.programme else [])
    ]
    if not items:
        raise PairError("В выбранной программе нет плана для копирования.")
    return _extend_plan(session, target_id, items, replace)


def copy_plan_from_template(
    session: Session, pair_id: int, template_id: int, replace: bool = True
) -> int:
    """Fill the plan from a template: deadlines are the start date plus each offset in days,
    kept inside the programme period. Returns the number of lines copied."""
    pair = _pair_or_error(session, pair_id)
    template = session.get(PlanTemplate, template_id)
    if template is None:
        raise PairError("Шаблон плана не найден.")
    items = [
        PlanItemInput(
            activity=i.activity,
            deadline=min(pair.start_date + timedelta(days=i.offset_days), pair.end_date),
            responsible=i.responsible, report_form=i.report_form,
        )
        for i in template.items
    ]
    return _extend_plan(session, pair_id, items, replace)


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    items: int


def list_templates(session: Session) -> list[TemplateRow]:
    stmt = (
        select(PlanTemplate.id, PlanTemplate.name, func.count(PlanTemplateItem.id))
        .outerjoin(PlanTemplateItem, PlanTemplateItem.template_id == PlanTemplate.id)
        .group_by(PlanTemplate.id)
        .order_by(PlanTemplate.name)
    )
    return [TemplateRow(i, n, c) for i, n, c in session.execute(stmt)]


# deficits the programme can target -------------------------------------------------------------


@dataclass(frozen=True)
class DeficitChoice:
    id: int
    person_id: int
    person: str
    area: str
    title: str
    state: str


def mentee_deficits(session: Session, mentee_ids: Sequence[int]) -> list[DeficitChoice]:
    """Deficits of the mentees not yet overcome (and those already targeted), for the dialog."""
    if not mentee_ids:
        return []
    stmt = (
        select(Deficit, Person)
        .join(Person, Person.id == Deficit.person_id)
        .where(Deficit.person_id.in_(mentee_ids))
        .order_by(Person.last_name, Deficit.area, Deficit.id)
    )
    areas = dict(CompetenceArea.choices())
    states = dict(DeficitState.choices())
    return [
        DeficitChoice(d.id, p.id, _person_label(p), areas.get(d.area, d.area), d.title,
                      states.get(d.state, d.state))
        for d, p in session.execute(stmt)
    ]


# monitoring and satisfaction --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MonitoringInput:
    """Seed 002 §5.1 (process: students' results, olympiads, activity) and §5.2 (influence)."""

    monitoring_date: date
    exam_kind: str = ""
    students_passed_percent: float | None = None
    olympiad_participants: int | None = None
    progress_dynamics: str = ""
    mentee_activity: str = ""
    influence: str = ""
    risks: str = ""


@dataclass(frozen=True)
class MonitoringRow:
    id: int
    monitoring_date: date
    exam_kind: str
    students_passed_percent: float | None
    olympiad_participants: int | None
    progress_dynamics: str
    mentee_activity: str
    influence: str
    risks: str


EXAM_KINDS = ("ВПР", "ОГЭ", "ЕГЭ", "итоговые работы", "иное")


def add_monitoring(session: Session, pair_id: int, data: MonitoringInput) -> int:
    """Record a monitoring of the programme; percent 0–100, participants ≥ 0."""
    _pair_or_error(session, pair_id)
    error = _future_date_error(data.monitoring_date, "Дата мониторинга")
    if error:
        raise error
    p = data.students_passed_percent
    if p is not None and not 0 <= p <= 100:
        raise PairError(
            "Поле «Доля обучающихся, успешно прошедших процедуру»: от 0 до 100 %.",
            "students_passed_percent",
        )
    if data.olympiad_participants is not None and data.olympiad_participants < 0:
        raise PairError("Поле «Участники олимпиад»: число не может быть отрицательным.",
                        "olympiad_participants")
    row = Monitoring(
        pair_id=pair_id, monitoring_date=data.monitoring_date, exam_kind=clean(data.exam_kind),
        students_passed_percent=p, olympiad_participants=data.olympiad_participants,
        progress_dynamics=data.progress_dynamics.strip(),
        mentee_activity=data.mentee_activity.strip(), influence=data.influence.strip(),
        risks=data.risks.strip(),
    )
    session.add(row)
    _touch(session, pair_id)
    session.flush()
    return row.id


def list_monitorings(session: Session, pair_id: int) -> list[MonitoringRow]:
    stmt = select(Monitoring).where(Monitoring.pair_id == pair_id).order_by(
        Monitoring.monitoring_date, Monitoring.id
    )
    return [
        MonitoringRow(m.id, m.monitoring_date, m.exam_kind, m.students_passed_percent,
                      m.olympiad_participants, m.progress_dynamics, m.mentee_activity,
                      m.influence, m.risks)
        for m in session.scalars(stmt)
    ]


def delete_monitoring(session: Session, monitoring_id: int) -> None:
    row = session.get(Monitoring, monitoring_id)
    if row is not None:
        _touch(session, row.pair_id)
        session.delete(row)
        session.flush()


@dataclass(frozen=True)
class SatisfactionRow:
    id: int
    person: str
    respondent: str
    answered_on: date
    score: int
    comment: str


@dataclass(frozen=True)
class SatisfactionMeans:
    mentor: float | None
    mentee: float | None
    overall: float | None
    count: int


def add_satisfaction(
    session: Session, pair_id: int, person_id: int, score: int, answered_on: date,
    comment: str = "",
) -> int:
    """A questionnaire (1–10) of the pair's mentor or one of its mentees."""
    pair = _pair_or_error(session, pair_id)
    if not isinstance(score, int) or not 1 <= score <= 10:
        raise PairError("Поле «Оценка удовлетворённости»: целое число от 1 до 10.", "score")
    error = _future_date_error(answered_on, "Дата анкеты")
    if error:
        raise error
    if person_id == pair.mentor_id:
        respondent = Respondent.MENTOR.value
    elif person_id in {m.person_id for m in pair.mentees}:
        respondent = Respondent.MENTEE.value
    else:
        raise PairError("Анкету заполняет наставник или наставляемый этой пары.", "person_id")
    row = Satisfaction(pair_id=pair_id, person_id=person_id, respondent=respondent,
                       answered_on=answered_on, score=score, comment=comment.strip())
    session.add(row)
    _touch(session, pair_id)
    session.flush()
    return row.id


def list_satisfactions(session: Session, pair_id: int) -> list[SatisfactionRow]:
    stmt = (
        select(Satisfaction, Person)
        .join(Person, Person.id == Satisfaction.person_id)
        .where(Satisfaction.pair_id == pair_id)
        .order_by(Satisfaction.answered_on, Satisfaction.id)
    )
    labels = dict(Respondent.choices())
    return [
        SatisfactionRow(s.id, _person_label(p), labels.get(s.respondent, s.respondent),
                        s.answered_on, s.score, s.comment)
        for s, p in session.execute(stmt)
    ]


def delete_satisfaction(session: Session, satisfaction_id: int) -> None:
    row = session.get(Satisfaction, satisfaction_id)
    if row is not None:
        _touch(session, row.pair_id)
        session.delete(row)
        session.flush()


def satisfaction_means(session: Session, pair_id: int | None = None) -> SatisfactionMeans:
    """Mean scores of mentors, of mentees and of all questionnaires — of one pair or overall."""
    stmt = select(Satisfaction.respondent, func.avg(Satisfaction.score), func.count()).group_by(
        Satisfaction.respondent
    )
    if pair_id is not None:
        stmt = stmt.where(Satisfaction.pair_id == pair_id)
    by_role = {r: (float(a), int(c)) for r, a, c in session.execute(stmt)}
    count = sum(c for _, c in by_role.values())
    total = sum(a * c for a, c in by_role.values())
    return SatisfactionMeans(
        by_role.get(Respondent.MENTOR.value, (None, 0))[0],
        by_role.get(Respondent.MENTEE.value, (None, 0))[0],
        total / count if count else None,
        count,
    )


# forms -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    id: int
    name: str
    description: str
    builtin: bool


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """(id, short name) of every organisation, for the ОО filter."""
    stmt = select(Organisation.id, Organisation.short_name).order_by(Organisation.short_name)
    return [(i, n) for i, n in session.execute(stmt)]


def list_forms(session: Session) -> list[FormRow]:
    stmt = select(MentorshipForm).order_by(MentorshipForm.position, MentorshipForm.name)
    return [FormRow(f.id, f.name, f.description, f.builtin) for f in session.scalars(stmt)]


def add_form(session: Session, name: str, description: str = "") -> int:
    """A form of mentorship the municipality uses beyond the shipped ones."""
    name = clean(name)
    if not name:
        raise PairError("Поле «Форма наставничества»: укажите название.", "name")
    if any(fold(n) == fold(name) for n in session.scalars(select(MentorshipForm.name))):
        raise PairError(f"Форма «{name}» уже есть в списке.", "name")
    position = (session.scalar(select(func.max(MentorshipForm.position))) or 0) + 1
    form = MentorshipForm(name=name, description=description.strip(), builtin=False,
                          position=position)
    session.add(form)
    session.flush()
    return form.id


# lists and filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    """A line of the list. ending_soon: an open (planned or active) pair ending within the next
    30 days, today included; stale: an open pair whose updated_at is six calendar months old
    or more, or unknown (seed 003: pairs are updated at least twice a year)."""

    id: int
    mentor: str
    mentor_org: str
    mentees: str
    mentee_count: int
    form: str
    status: str
    start_date: date
    end_date: date
    order_number: str
    status_code: str = ""
    form_id: int = 0
    org_ids: frozenset[int] = field(default_factory=frozenset)
    level: str = ""
    updated_at: datetime | None = None
    ending_soon: bool = False
    stale: bool = False
    category: str = ""  # the mentees' category label («не указано» when left blank)


@dataclass(frozen=True)
class PairFilter:
    """Empty fields do not filter. organisation_id matches the mentor's or a mentee's ОО;
    the period keeps pairs whose programme period meets [period_from, period_to]."""

    organisation_id: int | None = None
    form_id: int | None = None
    status: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    ending_soon: bool = False
    stale: bool = False

    def matches(self, row: PairRow) -> bool:
        if self.organisation_id is not None and self.organisation_id not in row.org_ids:
            return False
        if self.form_id is not None and row.form_id != self.form_id:
            return False
        if self.status is not None and row.status_code != self.status:
            return False
        if self.period_from is not None and row.end_date < self.period_from:
            return False
        if self.period_to is not None and row.start_date > self.period_to:
            return False
        if self.ending_soon and not row.ending_soon:
            return False
        return not self.stale or row.stale


# Plain SQL with the short names built by SQLite: at region scale (10 000 pairs) building the
# rows through the ORM and Python name formatting took about a second.
def _short_sql(alias: str) -> str:
    """«Иванов И.И.» in SQL (substr counts characters, not bytes)."""
    return (
        f"{alias}.last_name"
        f" || CASE WHEN {alias}.first_name <> '' THEN ' ' || substr({alias}.first_name, 1, 1)"
        f" || '.' ELSE '' END"
        f" || CASE WHEN {alias}.middle_name <> '' THEN substr({alias}.middle_name, 1, 1) || '.'"
        f" ELSE '' END"
    )


_PAIRS_SQL = f"""
SELECT p.id, {_short_sql("m")}, m.organisation_id, o.short_name, f.name, p.form_id, p.status,
       p.start_date, p.end_date, p.order_number, p.level, p.updated_at, p.mentee_category
FROM pairs p
JOIN people m ON m.id = p.mentor_id
LEFT JOIN organisations o ON o.id = m.organisation_id
JOIN mentorship_forms f ON f.id = p.form_id
"""
_MENTEES_SQL = f"""
SELECT pm.pair_id, {_short_sql("x")}, x.organisation_id
FROM pair_mentees pm JOIN people x ON x.id = pm.person_id
"""


def _name_key(name: str) -> str:
    return name.lower().replace("ё", "е")


def _mentees_by_pair(
    session: Session,
) -> tuple[dict[int, str], dict[int, int], dict[int, set[int]]]:
    """Joined mentee names (Russian order), their count and their ОО, by pair."""
    names: dict[int, list[str]] = {}
    orgs: dict[int, set[int]] = {}
    for pair_id, short, org in session.connection().exec_driver_sql(_MENTEES_SQL):
        names.setdefault(pair_id, []).append(short)
        if org is not None:
            orgs.setdefault(pair_id, set()).add(org)
    joined = {
        k: v[0] if len(v) == 1 else ", ".join(sorted(v, key=_name_key))
        for k, v in names.items()
    }
    return joined, {k: len(v) for k, v in names.items()}, orgs


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def list_pairs(
    session: Session, flt: PairFilter | None = None, today: date | None = None
) -> list[PairRow]:
    """Every pair or group with mentor, mentees, form, period, flags; filtered if asked."""
    today = today or date.today()
    soon_until = today + timedelta(days=ENDING_SOON_DAYS)
    stale_until = add_months(today, -STALE_MONTHS)
    statuses = dict(PairStatus.choices())
    levels = dict(PairLevel.choices())
    categories = dict(MenteeCategory.choices())
    names, counts, orgs = _mentees_by_pair(session)
    rows = []
    for (pid, mentor, mentor_org, org_name, form, form_id, status, start, end, order, level,
         updated, category) in session.connection().exec_driver_sql(_PAIRS_SQL):
        end_date, updated_at = _as_date(end), _as_datetime(updated)
        org_ids = orgs.get(pid, set())
        if mentor_org is not None:
            org_ids.add(mentor_org)
        is_open = status in OPEN_STATUSES
        rows.append(PairRow(
            pid, mentor, org_name or "", names.get(pid, ""), counts.get(pid, 0), form,
            statuses.get(status, status), _as_date(start), end_date, order, status, form_id,
            frozenset(org_ids), levels.get(level, level),
            updated_at, is_open and today <= end_date <= soon_until,
            is_open and (updated_at is None or updated_at.date() <= stale_until),
            categories.get(category, category),
        ))
    rows.sort(key=lambda r: (-r.start_date.toordinal(), r.id))  # newest programmes first
    if flt is not None:
        rows = [row for row in rows if flt.matches(row)]
    return rows


# young specialists without a mentor (the gap indicator 5 measures) ------------------------------


@dataclass(frozen=True)
class YoungRow:
    id: int
    fio: str
    organisation: str
    position: str
    age: int
    experience_years: int


_YOUNG_SQL = """
SELECT p.id, trim(p.last_name || ' ' || p.first_name || ' ' || p.middle_name),
       coalesce(o.short_name, ''), p.position, p.birth_date, p.ped_experience_start
FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
WHERE p.is_active = 1 AND p.birth_date > :born_after
  AND p.ped_experience_start > :started_after AND p.ped_experience_start <= :on
  AND NOT EXISTS (
      SELECT 1 FROM pair_mentees pm JOIN pairs x ON x.id = pm.pair_id
      WHERE pm.person_id = p.id AND x.status IN ('planned', 'active')
        AND x.start_date <= :on AND x.end_date >= :on)
"""


def young_without_mentor(session: Session, on: date | None = None) -> list[YoungRow]:
    """Active people under 35 with under 3 full years of pedagogical experience on the date
    who are not a mentee of a planned or active pair whose period contains the date.

    A person with no recorded start of experience is not counted (the experience is unknown).
    """
    on = on or date.today()
    params = {
        "on": on.isoformat(),
        "born_after": add_months(on, -12 * YOUNG_AGE).isoformat(),
        "started_after": add_months(on, -12 * YOUNG_EXPERIENCE).isoformat(),
    }
    rows = [
        YoungRow(pid, name, org, position, years_between(_as_date(born), on),
                 years_between(_as_date(started), on))
        for pid, name, org, position, born, started in session.connection().exec_driver_sql(
            _YOUNG_SQL, params)
    ]
    rows.sort(key=lambda r: ru_sort_key(r.fio))
    return rows


def repeated_direction_mentees(session: Session) -> list[str]:
    """People who are mentees in two or more open programmes of one direction, one line each
    («Петрова М.И.: пары № 3, № 8, направление «…»»), by person and direction."""
    stmt = (
        select(PairMentee.person_id, PairDirectionLink.direction,
               func.group_concat(Pair.id, ","))
        .join(Pair, Pair.id == PairMentee.pair_id)
        .join(PairDirectionLink, PairDirectionLink.pair_id == Pair.id)
        .where(Pair.status.in_(OPEN_STATUSES))
        .group_by(PairMentee.person_id, PairDirectionLink.direction)
        .having(func.count() > 1)
    )
    found = list(session.execute(stmt))
    names = {
        pid: short_fio(last, first, middle)
        for pid, last, first, middle in session.execute(
            select(Person.id, Person.last_name, Person.first_name, Person.middle_name)
            .where(Person.id.in_({r[0] for r in found}))
        )
    }
    lines = []
    for pid, code, ids in sorted(found, key=lambda r: (ru_sort_key(names.get(r[0], "")), r[1])):
        numbers = ", № ".join(str(i) for i in sorted(int(x) for x in ids.split(",")))
        lines.append(f"{names.get(pid, pid)}: пары № {numbers}, направление "
                     f"«{PairDirection(code).label}»")
    return lines
