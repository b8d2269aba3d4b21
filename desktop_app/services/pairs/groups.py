"""Pairs and groups themselves: the people to choose, the check before saving, the writing.

The mentor and mentee pickers (PersonChoice, list_person_choices, years_text), check_pair with
its refusals, warnings (the mentor's load, the same direction twice) and facts (experience),
suggest_level and mentor_load, and the writing of a pair: create_pair, update_pair,
change_status along the status path, delete_pair and default_form_id, with the small helpers
(_pair_or_error, _touch, _plan_rows, _people, _person_label) the programme, monitoring and
satisfaction modules share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, aliased

from desktop_app.model import (
    Deficit,
    MentorshipForm,
    Pair,
    PairDirectionLink,
    PairMentee,
    Person,
    PlanItem,
    Programme,
    ProgrammeDeficit,
)
from desktop_app.model.enums import (
    DeficitState,
    MenteeCategory,
    ModelElement,
    PairDirection,
    PairLevel,
    PairStatus,
)
from desktop_app.services import settings
from desktop_app.services.pairs.rules import (
    DEFAULT_MENTEE_LIMIT,
    END_FIELDS,
    FINAL_STATUSES,
    GROUP_FORM,
    ONE_TO_ONE_FORM,
    OPEN_STATUSES,
    TRANSITIONS,
    PairCheck,
    PairError,
    PairInput,
    PlanItemInput,
    duration_error,
    end_problems,
)
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.store.dialect import (
    binary_order_sql,
    dialect_name,
    full_name_sql,
    full_years_params,
    full_years_sql,
)
from desktop_app.textutil import clean, fmt_date, short_fio, years_between

# people -------------------------------------------------------------------------------------


class PersonChoice(NamedTuple):
    """A working person of the pickers (a named tuple: 30 000 are built when the pair dialog
    opens, several times faster than frozen dataclasses)."""

    id: int
    fio: str
    organisation_id: int | None
    organisation: str
    position: str
    subject: str
    age: int
    experience_years: int | None


def _choices_sql(dialect: str) -> str:
    """Working people with their ОО, age and full years of experience on :on (the years as
    store.dialect computes them on the engine), in Russian order: the stored sort key
    (ru_sort_key of the ФИО) by code points, then the id."""
    return f"""
SELECT p.id, {full_name_sql("p")},
       p.organisation_id, coalesce(o.short_name, ''), p.position, p.subject,
       {full_years_sql(dialect, "p.birth_date")},
       CASE WHEN p.ped_experience_start IS NULL THEN NULL
         ELSE {full_years_sql(dialect, "p.ped_experience_start")} END
FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
WHERE p.is_active
ORDER BY {binary_order_sql(dialect, "p.sort_key")}, p.id
"""


def list_person_choices(session: Session, on: date | None = None) -> list[PersonChoice]:
    """Active people for the mentor and mentee pickers, in Russian order, with age and full
    years of experience on the date (shown, never required)."""
    on = on or date.today()
    result = session.execute(text(_choices_sql(dialect_name(session))), full_years_params(on))
    return list(map(PersonChoice._make, result.fetchall()))


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


def update_pair(session: Session, pair_id: int, data: PairInput, keep_plan: bool = True, *,
                expected_version: int | None = None) -> None:
    """Change a pair; the status may only move along the path. The plan is kept unless
    keep_plan is False (then data.plan replaces it). expected_version: the pair's version the
    form was opened with, refused when another seat saved the pair since
    (services/record_versions.py). Flushes; the caller commits."""
    pair = session.get(Pair, pair_id)
    if pair is not None:  # a pair deleted meanwhile is refused by check_pair
        check_version(session, pair, expected_version, PairError)
    check = check_pair(session, data, pair_id)
    _raise_if_refused(check)
    assert pair is not None
    with stale_refused(session, pair, PairError):
        saved(pair)
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
    session: Session, pair_id: int, status: str, reason: str = "", on: date | None = None, *,
    expected_version: int | None = None,
) -> None:
    """Move a pair along планируется → действует → завершена, or end it early with a reason.
    expected_version: the pair's version the dialog was opened with (see update_pair)."""
    pair = _pair_or_error(session, pair_id)
    check_version(session, pair, expected_version, PairError)
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
    with stale_refused(session, pair, PairError):
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

