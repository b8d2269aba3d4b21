"""The municipal indicators (seed 000 §6, seed 003 IV.4): computed from the data, against plan.

Every indicator is N = A / B × 100 % on a date D (31 December of the year unless given), over
the period from 1 January of the year to D. The exact rules, one place for all screens,
the command line and the annual report (see docs/indicators.md):

* active ОО on D: ``is_active`` or deactivated after D;
* active people on D: (``is_active`` or left after D) and working in an active ОО;
* I1: active ОО whose Положение о системе наставничества is dated on or before D / active ОО;
* I2: active people with a sharing participation (мастер-класс, открытый урок, выступление,
  публикация, конкурс) dated in the period / active people;
* I3: active people who are the mentor or a mentee of a pair that ran on any day of the
  period / active people. A pair runs from its start date to its actual end (``ended_on`` when
  recorded, else its planned end date); a pair still «планируется» is not counted, a pair
  «прекращена досрочно» counts up to the day it ended;
* I4: as I2 for innovation and experimental participations;
* I5: of the active people under 35 on D (born after D − 35 years) with less than 3 years of
  pedagogical experience on D (started after D − 3 years; unknown start: not counted), those
  who are a mentee of a pair that ran in the period / all such people;
* P4: active ОО whose программа развития наставничества is dated on or before D / active ОО.

A handful of SQL aggregates (SQLite and PostgreSQL alike) computes all six; there is no query
per row. The drill-down lists the ОО or people behind A and B with why each is counted. In a
region's database every function takes a municipality: the same rules over its ОО and the
people working there (municipality None: every ОО of the database).

It stays whole (≈ 680 lines): the rules above and the SQL that counts them are read together
when an indicator is checked; split, a rule and its query would sit in different files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session

from desktop_app.model import (
    ChangeLog,
    IndicatorPlan,
    Municipality,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.model.enums import PairStatus, ParticipationKind, RuEnum
from desktop_app.store.presets_seed import read_preset
from desktop_app.textutil import fio, fmt_date, ru_sort_key, years_between

CODES = ("I1", "I2", "I3", "I4", "I5", "P4")
PERSON_CODES = ("I2", "I3", "I4", "I5")
Status = Literal["above", "met", "below", "no_plan"]
SHARING_KINDS = tuple(k.value for k in ParticipationKind if k.shares_experience)
INNOVATION_KINDS = tuple(k.value for k in ParticipationKind if k.is_innovation)
MIN_YEAR, MAX_YEAR = 2000, 2100


class IndicatorInputError(ValueError):
    """Refused input (a Russian message naming the field); nothing is saved."""


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    unit: str
    plan: float | None
    fact: float | None
    a: int
    b: int
    difference: float | None
    status: Status


@dataclass(frozen=True)
class DrillRow:
    """One ОО or person behind A or B: kind is "org" or "person"."""

    kind: str
    id: int
    name: str
    organisation: str
    reason: str


@dataclass(frozen=True)
class Drill:
    code: str
    name: str
    year: int
    on: date
    a_rows: tuple[DrillRow, ...]
    b_rows: tuple[DrillRow, ...]
    municipality: str = ""  # the municipality whose ОО are counted ("": every ОО)

    @property
    def whose(self) -> str:
        """« — Каменский район» when the drill is of a municipality, "" otherwise."""
        return f" — {self.municipality}" if self.municipality else ""

    @property
    def title(self) -> str:
        """«I1. Доля … — Каменский район» (the municipality when it is one)."""
        return f"{self.code}. {self.name}{self.whose}"


@dataclass(frozen=True)
class OrgIndicators:
    """The indicators of one ОО: I1/P4 as dates of its acts, I2–I5 as (A, B, fact)."""

    org_id: int
    name: str
    act_date: date | None
    programme_date: date | None
    values: dict[str, tuple[int, int, float | None]]


@dataclass(frozen=True)
class YearPoint:
    year: int
    on: date
    plan: float | None
    fact: float | None
    a: int
    b: int


@dataclass(frozen=True)
class PlanRow:
    code: str
    name: str
    unit: str
    plans: dict[int, float]


# names, plans ---------------------------------------------------------------------------
def read_json(name: str) -> dict[str, Any]:
    """A preset file of resources/presets."""
    return read_preset(name)


def indicator_names() -> dict[str, tuple[str, str]]:
    """code → (name, unit), in the order of the seeds."""
    return {i["code"]: (i["name"], i["unit"]) for i in read_json("indicators.json")["indicators"]}


def list_plans(session: Session) -> list[PlanRow]:
    """Each indicator with its plan values by year."""
    plans: dict[str, dict[int, float]] = {}
    for row in session.scalars(select(IndicatorPlan).order_by(IndicatorPlan.year)):
        plans.setdefault(row.code, {})[row.year] = row.value
    names = indicator_names()
    return [PlanRow(code, name, unit, plans.get(code, {})) for code, (name, unit) in names.items()]


def plan_years(session: Session) -> list[int]:
    """Every year that has a plan value for some indicator, ascending."""
    return list(session.scalars(select(IndicatorPlan.year).distinct().order_by(IndicatorPlan.year)))


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise IndicatorInputError(
            f"Год: ожидается число от {MIN_YEAR} до {MAX_YEAR}, а не «{year}»."
        )
    return year


def _check_code(code: str) -> str:
    if code not in CODES:
        known = ", ".join(CODES)
        raise IndicatorInputError(f"Показатель: неизвестный код «{code}» (есть {known}).")
    return code


def set_plan(session: Session, code: str, year: int, value: float | None) -> None:
    """Set (or with None remove) the plan value of an indicator for a year; percent 0–100."""
    _check_code(code)
    _check_year(year)
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100
    ):
        raise IndicatorInputError(
            f"Плановое значение {code} на {year} год: ожидается число от 0 до 100, "
            f"а не «{value}»."
        )
    row = session.scalar(
        select(IndicatorPlan).where(IndicatorPlan.code == code, IndicatorPlan.year == year)
    )
    old = "" if row is None else str(row.value)
    if value is None:
        if row is not None:
            session.delete(row)
            log_change(session, "indicator_plans", row.id, "delete", old, "")
        return
    if row is not None and row.value == float(value):
        return
    if row is None:
        row = IndicatorPlan(code=code, year=year, value=float(value))
        session.add(row)
    else:
        row.value = float(value)
    session.flush()
    log_change(session, "indicator_plans", row.id, "update" if old else "insert", old, str(value))


def add_plan_year(session: Session, year: int) -> None:
    """Add a year to the plan: each indicator takes the value of its latest earlier year."""
    _check_year(year)
    for row in list_plans(session):
        if year in row.plans:
            continue
        earlier = [y for y in row.plans if y < year]
        if earlier:
            value = row.plans[max(earlier)]
        else:
            value = row.plans[min(row.plans)] if row.plans else 0.0
        set_plan(session, row.code, year, value)


def log_change(
    session: Session, table: str, record_id: int, action: str, old: str, new: str
) -> None:
    """Write one line of the change log."""
    session.add(
        ChangeLog(
            changed_at=datetime.now(), table_name=table, record_id=record_id, action=action,
            old_values=old, new_values=new,
        )
    )


# dates and conditions -------------------------------------------------------------------
def as_of(year: int, on: date | None = None) -> date:
    """The date of the computation: 31 December of the year, or the chosen date of that year."""
    _check_year(year)
    if on is None:
        return date(year, 12, 31)
    if on.year != year:
        raise IndicatorInputError(
            f"Дата расчёта {fmt_date(on)} не относится к {year} году: выберите дату этого года."
        )
    return on


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def org_active(on: date) -> ColumnElement[bool]:
    return or_(Organisation.is_active.is_(True), Organisation.deactivated_on > on)


def person_active(on: date) -> ColumnElement[bool]:
    return and_(or_(Person.is_active.is_(True), Person.left_on > on), org_active(on))


def pair_ran(start: date, on: date) -> ColumnElement[bool]:
    """The pair ran on some day from start to on (planned-only pairs never count)."""
    actual_end = func.coalesce(Pair.ended_on, Pair.end_date)
    return and_(
        Pair.status != PairStatus.PLANNED.value, Pair.start_date <= on, actual_end >= start
    )


def young(on: date) -> ColumnElement[bool]:
    """Under 35 with less than 3 years of pedagogical experience on the date."""
    return and_(
        Person.birth_date > years_before(on, 35),
        Person.ped_experience_start.is_not(None),
        Person.ped_experience_start > years_before(on, 3),
    )


def _participants(kinds: Sequence[str], start: date, on: date) -> Select[Any]:
    return select(Participation.person_id).where(
        Participation.kind.in_(kinds), Participation.event_date >= start,
        Participation.event_date <= on,
    )


def _mentees(start: date, on: date) -> Select[Any]:
    return (
        select(PairMentee.person_id)
        .join(Pair, Pair.id == PairMentee.pair_id)
        .where(pair_ran(start, on))
    )


def _pair_people(start: date, on: date) -> Any:
    return union(select(Pair.mentor_id).where(pair_ran(start, on)), _mentees(start, on))


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _in_municipality(stmt: Select[Any], municipality: int | None) -> Select[Any]:
    """The statement (over Organisation, or joined to it) kept to the municipality's ОО; None:
    every ОО."""
    if municipality is None:
        return stmt
    return stmt.where(Organisation.municipality_id == municipality)


def _person_counts(start: date, on: date, group: Any = None,
                   municipality: int | None = None) -> Select[Any]:
    """The person counts (B, A2, A3, A4, B5, A5), per value of group when given (the ОО, the
    municipality), the group's value last."""
    shares = Person.id.in_(_participants(SHARING_KINDS, start, on))
    innovates = Person.id.in_(_participants(INNOVATION_KINDS, start, on))
    in_pairs = Person.id.in_(_pair_people(start, on))
    is_young = young(on)
    mentee = and_(is_young, Person.id.in_(_mentees(start, on)))
    columns = [
        func.count(Person.id), _count_if(shares), _count_if(in_pairs), _count_if(innovates),
        _count_if(is_young), _count_if(mentee),
    ]
    stmt = select(*columns).join(Organisation, Organisation.id == Person.organisation_id)
    stmt = _in_municipality(stmt.where(person_active(on)), municipality)
    if group is not None:
        stmt = stmt.add_columns(group).group_by(group)
    return stmt


def _org_counts(on: date, group: Any = None, municipality: int | None = None) -> Select[Any]:
    stmt = _in_municipality(select(
        func.count(Organisation.id),
        _count_if(Organisation.mentoring_act_date <= on),
        _count_if(Organisation.mentoring_programme_date <= on),
    ).where(org_active(on)), municipality)
    if group is not None:
        stmt = stmt.add_columns(group).group_by(group)
    return stmt


def _round1(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def share(a: int, b: int) -> float | None:
    """A / B × 100, rounded to one decimal as printed; None when B is 0."""
    return None if b == 0 else _round1(a * 100 / b)


def judge(plan: float | None, fact: float | None) -> Status:
    """Against plan: no plan → no_plan; no fact (B = 0) → below; else compared at 0,1 %."""
    if plan is None:
        return "no_plan"
    if fact is None:
        return "below"
    diff = _round1(fact - plan)
    return "above" if diff > 0 else "met" if diff == 0 else "below"


def _plans_for(session: Session, year: int) -> dict[str, float]:
    rows = session.execute(
        select(IndicatorPlan.code, IndicatorPlan.value).where(IndicatorPlan.year == year)
    )
    return {code: value for code, value in rows}


def raw_counts(session: Session, year: int, on: date | None = None,
               municipality: int | None = None) -> dict[str, tuple[int, int]]:
    """code → (A, B) for the year as of the date (of the municipality's ОО when given): two
    SQL aggregates."""
    day = as_of(year, on)
    start = date(year, 1, 1)
    orgs = session.execute(_org_counts(day, municipality=municipality)).one()
    people = session.execute(_person_counts(start, day, municipality=municipality)).one()
    return _as_counts(orgs, people)


def _as_counts(orgs: Sequence[Any], people: Sequence[Any]) -> dict[str, tuple[int, int]]:
    orgs_b, act_a, prog_a = orgs[:3]
    people_b, a2, a3, a4, b5, a5 = people[:6]
    return {
        "I1": (int(act_a), int(orgs_b)),
        "I2": (int(a2), int(people_b)),
        "I3": (int(a3), int(people_b)),
        "I4": (int(a4), int(people_b)),
        "I5": (int(a5), int(b5)),
        "P4": (int(prog_a), int(orgs_b)),
    }


def counts_by_municipality(session: Session, year: int, on: date | None = None
                           ) -> dict[int | None, dict[str, tuple[int, int]]]:
    """code → (A, B) of each municipality that has ОО (its id; None: ОО with none recorded),
    the same two aggregates grouped: their sums are raw_counts."""
    day = as_of(year, on)
    start = date(year, 1, 1)
    group = Organisation.municipality_id
    orgs = {row[-1]: row for row in session.execute(_org_counts(day, group))}
    people = {row[-1]: row for row in session.execute(_person_counts(start, day, group))}
    none = (0, 0, 0, 0, 0, 0)
    return {key: _as_counts(orgs.get(key, none), people.get(key, none))
            for key in {*orgs, *people}}


def compute_indicators(
    session: Session, year: int, on: date | None = None, municipality: int | None = None
) -> list[IndicatorResult]:
    """All six indicators for the year as of the date (default 31 December), I1…I5 then P4;
    of the municipality's ОО when given."""
    return results_of(session, year, raw_counts(session, year, on, municipality))


def results_of(session: Session, year: int, counts: dict[str, tuple[int, int]]
               ) -> list[IndicatorResult]:
    """The indicators of the counts (A, B) against the year's plans."""
    plans = _plans_for(session, year)
    names = indicator_names()
    results = []
    for code in CODES:
        a, b = counts[code]
        plan, fact = plans.get(code), share(a, b)
        diff = None if plan is None or fact is None else _round1(fact - plan)
        name, unit = names[code]
        results.append(
            IndicatorResult(code, name, unit, plan, fact, a, b, diff, judge(plan, fact))
        )
    return results


def dynamics(
    session: Session, code: str, years: Sequence[int], today: date | None = None,
    municipality: int | None = None,
) -> list[YearPoint]:
    """Plan and fact of one indicator for each year: as of 31 December of a past year, as of
    today for the current year; a year still to come has its plan only (fact None). Of the
    municipality's ОО when given."""
    _check_code(code)
    now = today or date.today()
    points = []
    for year in sorted(set(years)):
        plan = _plans_for(session, year).get(code)
        if year > now.year:
            points.append(YearPoint(year, date(year, 12, 31), plan, None, 0, 0))
            continue
        on = now if year == now.year else date(year, 12, 31)
        a, b = raw_counts(session, year, on, municipality)[code]
        points.append(YearPoint(year, on, plan, share(a, b), a, b))
    return points


def by_organisation(session: Session, year: int, on: date | None = None,
                    municipality: int | None = None) -> list[OrgIndicators]:
    """Per active ОО (of the municipality when given): dates of its Положение and programme,
    and I2–I5 as (A, B, fact)."""
    day = as_of(year, on)
    start = date(year, 1, 1)
    counts: dict[int, dict[str, tuple[int, int, float | None]]] = {}
    for b, a2, a3, a4, b5, a5, org_id in session.execute(
            _person_counts(start, day, Person.organisation_id, municipality)):
        counts[org_id] = {
            "I2": (a2, b, share(a2, b)), "I3": (a3, b, share(a3, b)),
            "I4": (a4, b, share(a4, b)), "I5": (a5, b5, share(a5, b5)),
        }
    empty: dict[str, tuple[int, int, float | None]] = {
        code: (0, 0, None) for code in PERSON_CODES}
    rows = session.execute(_in_municipality(
        select(
            Organisation.id, Organisation.short_name, Organisation.mentoring_act_date,
            Organisation.mentoring_programme_date,
        ).where(org_active(day)), municipality))
    result = [
        OrgIndicators(
            org_id, name, act if act and act <= day else None,
            prog if prog and prog <= day else None, counts.get(org_id, empty),
        )
        for org_id, name, act, prog in rows
    ]
    return sorted(result, key=lambda r: ru_sort_key(r.name))


# drill-down -----------------------------------------------------------------------------
def drill_down(session: Session, code: str, year: int, on: date | None = None,
               municipality: int | None = None) -> Drill:
    """The ОО or people behind A and behind B of one indicator, each with why it is counted;
    of the municipality's ОО when given."""
    _check_code(code)
    day = as_of(year, on)
    start = date(year, 1, 1)
    name = indicator_names()[code][0]
    if code in ("I1", "P4"):
        a_rows, b_rows = _org_drill(session, code, day, municipality)
    else:
        a_rows, b_rows = _person_drill(session, code, start, day, municipality)
    whose = session.get(Municipality, municipality) if municipality is not None else None
    return Drill(code, name, year, day, tuple(a_rows), tuple(b_rows),
                 whose.name if whose is not None else "")


def _org_drill(session: Session, code: str, day: date, municipality: int | None
               ) -> tuple[list[DrillRow], list[DrillRow]]:
    a_rows, b_rows = [], []
    stmt = _in_municipality(select(Organisation).where(org_active(day)), municipality)
    for org in sorted(session.scalars(stmt), key=lambda o: ru_sort_key(o.short_name)):
        state = "действует" if org.is_active else f"закрыта {fmt_date(org.deactivated_on)}"
        b_rows.append(DrillRow("org", org.id, org.short_name, org.short_name, f"ОО {state}"))
        if code == "I1" and org.mentoring_act_date and org.mentoring_act_date <= day:
            number = f"№ {org.mentoring_act_number} " if org.mentoring_act_number else ""
            reason = f"Положение утверждено актом {number}от {fmt_date(org.mentoring_act_date)}"
            a_rows.append(DrillRow("org", org.id, org.short_name, org.short_name, reason))
        if code == "P4" and org.mentoring_programme_date and org.mentoring_programme_date <= day:
            when = fmt_date(org.mentoring_programme_date)
            reason = f"программа развития наставничества от {when}"
            a_rows.append(DrillRow("org", org.id, org.short_name, org.short_name, reason))
    return a_rows, b_rows


@dataclass(frozen=True)
class _PersonInfo:
    id: int
    name: str
    org: str
    birth: date
    start: date | None


def _people(session: Session, day: date, extra: ColumnElement[bool] | None,
            municipality: int | None) -> list[_PersonInfo]:
    stmt = (
        select(
            Person.id, Person.last_name, Person.first_name, Person.middle_name,
            Organisation.short_name, Person.birth_date, Person.ped_experience_start,
        )
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(person_active(day))
    )
    if extra is not None:
        stmt = stmt.where(extra)
    stmt = _in_municipality(stmt, municipality)
    people = [
        _PersonInfo(pid, fio(last, first, middle), org, birth, begun)
        for pid, last, first, middle, org, birth, begun in session.execute(stmt)
    ]
    return sorted(people, key=lambda p: (ru_sort_key(p.name), p.id))


def _participation_reasons(
    session: Session, kinds: Sequence[str], start: date, day: date
) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    stmt = (
        select(Participation.person_id, Participation.kind, Participation.title,
               Participation.event_date)
        .where(Participation.kind.in_(kinds), Participation.event_date >= start,
               Participation.event_date <= day)
        .order_by(Participation.event_date)
    )
    for pid, kind, title, when in session.execute(stmt):
        label = _label(ParticipationKind, kind)
        reasons[pid].append(f"{label}{f' «{title}»' if title else ''} {fmt_date(when)}")
    return reasons


def _pair_reasons(
    session: Session, start: date, day: date, mentees_only: bool
) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    cols = (Pair.id, Pair.start_date, func.coalesce(Pair.ended_on, Pair.end_date), Pair.status)
    rows: list[tuple[str, Any]] = [
        ("наставляемый", r)
        for r in session.execute(
            select(PairMentee.person_id, *cols).join(Pair, Pair.id == PairMentee.pair_id)
            .where(pair_ran(start, day)).order_by(Pair.start_date)
        )
    ]
    if not mentees_only:
        rows += [
            ("наставник", r)
            for r in session.execute(
                select(Pair.mentor_id, *cols).where(pair_ran(start, day)).order_by(Pair.start_date)
            )
        ]
    for role, (pid, pair_id, begun, ended, status) in rows:
        label = _label(PairStatus, status)
        reasons[pid].append(
            f"{role} в паре № {pair_id} ({fmt_date(begun)}–{fmt_date(ended)}, {label})"
        )
    return reasons


def _label(enum: type[RuEnum], value: str) -> str:
    """The Russian label of a stored code; an unknown code is shown as is."""
    try:
        return enum(value).label
    except ValueError:
        return value


def _age_text(person: _PersonInfo, day: date) -> str:
    age = years_between(person.birth, day)
    text = f"возраст {age}"
    if person.start is not None:
        text += f", стаж с {fmt_date(person.start)}"
    return text


def _person_drill(
    session: Session, code: str, start: date, day: date, municipality: int | None
) -> tuple[list[DrillRow], list[DrillRow]]:
    if code == "I5":
        people = _people(session, day, young(day), municipality)
        reasons = _pair_reasons(session, start, day, mentees_only=True)
    elif code == "I3":
        people = _people(session, day, None, municipality)
        reasons = _pair_reasons(session, start, day, mentees_only=False)
    else:
        kinds = SHARING_KINDS if code == "I2" else INNOVATION_KINDS
        people = _people(session, day, None, municipality)
        reasons = _participation_reasons(session, kinds, start, day)
    a_rows, b_rows = [], []
    for p in people:
        why_b = _age_text(p, day) if code == "I5" else "работает в действующей ОО"
        b_rows.append(DrillRow("person", p.id, p.name, p.org, why_b))
        if p.id in reasons:
            a_rows.append(DrillRow("person", p.id, p.name, p.org, "; ".join(reasons[p.id])))
    return a_rows, b_rows


def status_label(status: Status) -> str:
    return {
        "above": "выше плана", "met": "план выполнен", "below": "ниже плана",
        "no_plan": "план не задан",
    }[status]


# export ---------------------------------------------------------------------------------
def _text_cell(ws: Any, row: int, column: int, value: object) -> None:
    """Write a value; text is always stored as text, never run as a formula."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def write_drill_xlsx(drill: Drill, path: str | Path) -> Path:
    """The drill-down of one indicator as an xlsx workbook: sheets «A» and «B»."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = Path(path)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title, rows, part in (("A", drill.a_rows, "числитель"), ("B", drill.b_rows,
                                                                   "знаменатель")):
        ws = wb.create_sheet(title)
        _text_cell(ws, 1, 1, drill.title)
        _text_cell(ws, 2, 1, f"{title} ({part}) на {fmt_date(drill.on)}: {len(rows)}")
        ws.cell(row=1, column=1).font = Font(bold=True)
        headers = ("№ п/п", "Наименование / ФИО", "ОО", "Основание")
        for col, head in enumerate(headers, start=1):
            _text_cell(ws, 4, col, head)
            ws.cell(row=4, column=col).font = Font(bold=True)
        for n, row in enumerate(rows, start=1):
            for col, value in enumerate((n, row.name, row.organisation, row.reason), start=1):
                _text_cell(ws, 4 + n, col, value)
        _text_cell(ws, 5 + len(rows), 1, "Итого")
        ws.cell(row=5 + len(rows), column=2, value=len(rows))
        for letter, width in zip("ABCD", (8, 40, 30, 80), strict=True):
            ws.column_dimensions[letter].width = width
    wb.save(target)
    return target
