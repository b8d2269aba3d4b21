"""Recognition of mentors: on a date, who meets each award's conditions and why, who nearly
meets them and what is missing, computed from the pairs, their mentees' re-diagnoses and the
participations recorded. The conditions are the database's editable preset (services/awards.py).

How each figure is counted, on the date (later records are not seen):
* years of mentoring — the school years (1 September – 31 August) in which the person was the
  mentor of a pair for a month (YEAR_DAYS) or more: a September–May programme is one year, two
  programmes of one school year are one year, a gap is not counted, nor a programme's first days
  before 1 September;
* mentees — distinct people mentored in the pairs started by the date (a pair still
  «планируется» is not counted anywhere, as in the indicators);
* completed programmes — pairs with the status «завершена» whose end is on or before the date;
* deficits overcome — the mentees' deficits found by the pair's end and overcome on a later
  diagnostic (services/deficit_rebuild.py) from the pair's start to half a year after its end,
  each counted once per mentor;
* young specialists who stayed — mentees of pairs of young specialists that ended by the date
  (completed or ended early) who still work in an ОО of the database on the date;
* participations — those recorded up to the date: the sharing of experience of indicator 2
  (master class, open lesson, talk, publication, contest), and the contests alone;
* age and pedagogical experience — full years on the date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    Deficit,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.model.enums import (
    AwardMeasure,
    EventLevel,
    MenteeCategory,
    NominationResult,
    PairStatus,
    ParticipationKind,
)
from desktop_app.services.awards import AwardSpec, Condition, list_awards
from desktop_app.services.indicators import as_of, person_active
from desktop_app.services.nominations import NominationRow, list_nominations
from desktop_app.textutil import fio, fmt_date, short_fio, years_between

# a deficit overcome up to this long after the pair's end is still the pair's result
GRACE = timedelta(days=183)
# a school year counts for the years of mentoring when a pair ran in it this many days or more
YEAR_DAYS = 30
ENDED = (PairStatus.COMPLETED.value, PairStatus.ENDED_EARLY.value)
M = AwardMeasure


# figures ---------------------------------------------------------------------------------
def school_year(day: date) -> int:
    """The first calendar year of the school year a day is in (1 September – 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_text(first: int) -> str:
    return f"{first}/{first + 1}"


def school_years_span(years: Iterable[int]) -> str:
    """«2019/2020–2022/2023, 2024/2025»: three or more years in a row as a range, the others
    listed."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{school_year_text(run[0])}–{school_year_text(run[-1])}")
        else:
            parts += [school_year_text(y) for y in run]
    return ", ".join(parts)


def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 учебный год», «3 учебных года», «5 учебных лет»."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = few
    else:
        word = many
    return f"{n} {word}"


@dataclass(frozen=True)
class Figures:
    """What the data say of one person on the date."""

    school_years: tuple[int, ...] = ()
    mentees: int = 0
    completed: int = 0
    deficits_overcome: int = 0
    young_after: int = 0
    young_stayed: int = 0
    participations: int = 0
    participation_kinds: tuple[tuple[str, int], ...] = ()
    contests: tuple[str, ...] = ()
    age: int = 0
    experience: int | None = None
    completed_as_mentee: int = 0

    def value(self, measure: str) -> int | None:
        """The figure a condition compares with its threshold (None: not known)."""
        getter = FIGURES.get(measure)
        return getter(self) if getter is not None else None


# what each condition compares: a figure of the person (looked up once per evaluation of
# tens of thousands at region scale, so a plain table of functions)
FIGURES: dict[str, Callable[[Figures], int | None]] = {
    M.MIN_YEARS_MENTORING.value: lambda f: len(f.school_years),
    M.MIN_MENTEES.value: lambda f: f.mentees,
    M.MIN_COMPLETED_PROGRAMMES.value: lambda f: f.completed,
    M.MIN_DEFICITS_OVERCOME.value: lambda f: f.deficits_overcome,
    M.MIN_STAYED_YOUNG_SPECIALISTS.value: lambda f: f.young_stayed,
    M.MIN_PARTICIPATIONS.value: lambda f: f.participations,
    M.MIN_CONTESTS.value: lambda f: len(f.contests),
    M.MIN_PED_EXPERIENCE_YEARS.value: lambda f: f.experience,
    M.MAX_PED_EXPERIENCE_YEARS.value: lambda f: f.experience,
    M.MAX_AGE.value: lambda f: f.age,
    M.MIN_COMPLETED_AS_MENTEE.value: lambda f: f.completed_as_mentee,
}


# the wording of each figure: «Учебных лет наставнической деятельности — 6 (2020/2021–…)»
FIGURE_LABELS = {
    M.MIN_YEARS_MENTORING.value: "Учебных лет наставнической деятельности",
    M.MIN_MENTEES.value: "Наставляемых",
    M.MIN_COMPLETED_PROGRAMMES.value: "Завершённых программ наставничества",
    M.MIN_DEFICITS_OVERCOME.value: "Дефицитов наставляемых, преодолённых по повторной диагностике",
    M.MIN_STAYED_YOUNG_SPECIALISTS.value: "Молодых специалистов, продолжающих работать после "
    "наставничества",
    M.MIN_PARTICIPATIONS.value: "Участий в распространении опыта",
    M.MIN_CONTESTS.value: "Участий в конкурсах профессионального мастерства",
    M.MIN_PED_EXPERIENCE_YEARS.value: "Лет педагогического стажа",
    M.MAX_PED_EXPERIENCE_YEARS.value: "Лет педагогического стажа",
    M.MAX_AGE.value: "Возраст, полных лет",
    M.MIN_COMPLETED_AS_MENTEE.value: "Завершённых программ в роли наставляемого",
}


def figure_detail(figures: Figures, measure: str) -> str:
    """What stands behind a figure, in brackets after it («(2020/2021–2025/2026)»)."""
    if measure == M.MIN_YEARS_MENTORING.value and figures.school_years:
        return f" ({school_years_span(figures.school_years)})"
    if measure == M.MIN_STAYED_YOUNG_SPECIALISTS.value and figures.young_after:
        return f" (из {figures.young_after} после окончания программ)"
    if measure == M.MIN_PARTICIPATIONS.value and figures.participation_kinds:
        return " (" + ", ".join(f"{kind} — {n}" for kind, n in figures.participation_kinds) + ")"
    if measure == M.MIN_CONTESTS.value and figures.contests:
        shown = "; ".join(figures.contests[:3])
        return f" ({shown}{'; …' if len(figures.contests) > 3 else ''})"
    return ""


@dataclass(frozen=True)
class Check:
    """One condition against the person's figure: met or not, how far, in words."""

    condition: Condition
    actual: int | None
    met: bool
    gap: int | None  # how far from the threshold when not met (None: the figure is unknown)
    reason: str
    missing: str


def _unknown_why(measure: str) -> str:
    if measure in (M.MIN_PED_EXPERIENCE_YEARS.value, M.MAX_PED_EXPERIENCE_YEARS.value):
        return "не указано начало педагогического стажа"
    return "нет данных"


def measure(condition: Condition, figures: Figures) -> tuple[int | None, bool, int | None]:
    """(the figure, met, how far from the threshold when not met — None when not known)."""
    actual = figures.value(condition.measure)
    if actual is None:
        return None, False, None
    gap = actual - condition.value if condition.is_max else condition.value - actual
    return actual, gap <= 0, None if gap <= 0 else gap


def verdict(award: AwardSpec, figures: Figures) -> tuple[bool, bool]:
    """(meets, nearly meets): meets — every condition met (an award without conditions is met
    by no one); nearly — exactly one not met, by no more than its margin."""
    unmet: list[tuple[Condition, int | None]] = []
    for condition in award.conditions:
        _actual, met, gap = measure(condition, figures)
        if not met:
            unmet.append((condition, gap))
            if len(unmet) > 1:
                return False, False
    if not unmet:
        return bool(award.conditions), False
    condition, gap = unmet[0]
    return False, gap is not None and 0 < gap <= condition.near


def check(condition: Condition, figures: Figures) -> Check:
    """The condition against the figure, with its reason and (when not met) what is missing."""
    label = FIGURE_LABELS.get(condition.measure, condition.label)
    bound = f"не более {condition.value}" if condition.is_max else f"не менее {condition.value}"
    actual, met, gap = measure(condition, figures)
    if actual is None:
        why = _unknown_why(condition.measure)
        return Check(
            condition,
            None,
            False,
            None,
            f"{label} — нет данных ({why}); условие: {bound}",
            f"{label}: нет данных ({why})",
        )
    reason = f"{label} — {actual}{figure_detail(figures, condition.measure)}; условие: {bound}"
    if met:
        missing = ""
    elif condition.is_max:
        missing = f"{label}: {actual} при допустимых {bound} (больше на {gap})"
    else:
        missing = f"{label}: {actual} при требуемых {bound} (не хватает {gap})"
    return Check(condition, actual, met, gap, reason, missing)


# results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recognition:
    """One person against one award on the date."""

    person_id: int
    name: str
    short: str
    organisation: str
    award: str
    award_name: str
    meets: bool
    near: bool
    checks: tuple[Check, ...]
    nominations: tuple[NominationRow, ...] = ()
    awarded_on: date | None = None  # an award given once: when it was given

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(c.reason for c in self.checks)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.missing for c in self.checks if not c.met)

    @property
    def state_label(self) -> str:
        if self.awarded_on is not None:
            return f"уже награждён(а) {fmt_date(self.awarded_on)}"
        if self.meets:
            return "соответствует"
        return "почти соответствует" if self.near else "не соответствует"

    @property
    def nominations_text(self) -> str:
        return "; ".join(n.text for n in self.nominations)


def evaluate(award: AwardSpec, figures: Figures) -> tuple[bool, bool, tuple[Check, ...]]:
    """(meets, nearly meets, the checks with their reasons): see verdict."""
    meets, near = verdict(award, figures)
    return meets, near, tuple(check(c, figures) for c in award.conditions)


# reading the data ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Pair:
    id: int
    mentor_id: int
    start: date
    end: date  # the actual end when ended early, else the planned one
    status: str
    category: str


@dataclass(frozen=True)
class _Person:
    id: int
    last: str
    first: str
    middle: str
    sort_key: str
    birth_date: date
    experience_start: date | None
    organisation: str
    employed: bool  # works in an active ОО of the database on the date


@dataclass
class _Data:
    on: date
    pairs: list[_Pair] = field(default_factory=list)
    mentees: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    people: dict[int, _Person] = field(default_factory=dict)
    overcome: dict[int, list[tuple[int, date, date]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    participations: dict[int, list[tuple[str, str, date, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _pair_rows(session: Session, on: date, person_id: int | None) -> list[_Pair]:
    # a pair still «планируется» is not mentoring yet (as the indicators count, I3)
    stmt = select(
        Pair.id,
        Pair.mentor_id,
        Pair.start_date,
        Pair.end_date,
        Pair.ended_on,
        Pair.status,
        Pair.mentee_category,
    ).where(Pair.start_date <= on, Pair.status != PairStatus.PLANNED.value)
    if person_id is not None:
        stmt = stmt.where(
            or_(
                Pair.mentor_id == person_id,
                Pair.id.in_(select(PairMentee.pair_id).where(PairMentee.person_id == person_id)),
            )
        )
    return [
        _Pair(i, mentor, start, ended or end, status, category)
        for i, mentor, start, end, ended, status, category in session.execute(stmt)
    ]


def _people(session: Session, on: date, ids: ColumnElement[bool]) -> dict[int, _Person]:
    stmt = (
        select(
            Person.id,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Person.sort_key,
            Person.birth_date,
            Person.ped_experience_start,
            Organisation.short_name,
            person_active(on),
        )
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(ids)
    )
    return {
        row[0]: _Person(
            row[0],
            row[1],
            row[2],
            row[3] or "",
            row[4] or "",
            row[5],
            row[6],
            row[7] or "",
            bool(row[8]),
        )
        for row in session.execute(stmt)
    }


def _load(session: Session, on: date, person_id: int | None = None) -> _Data:
    """The pairs started by the date (all, or those of one person as mentor or mentee), their
    mentees, the people in them, the mentees' overcome deficits and the participations."""
    data = _Data(on, _pair_rows(session, on, person_id))
    pair_ids = [p.id for p in data.pairs]
    started = select(Pair.id).where(Pair.start_date <= on, Pair.status != PairStatus.PLANNED.value)
    if person_id is not None:
        started = started.where(Pair.id.in_(pair_ids))
    for pair_id, mentee in session.execute(
        select(PairMentee.pair_id, PairMentee.person_id).where(PairMentee.pair_id.in_(started))
    ):
        data.mentees[pair_id].append(mentee)
    mentee_ids = select(PairMentee.person_id).where(PairMentee.pair_id.in_(started))
    mentor_ids = select(Pair.mentor_id).where(Pair.id.in_(started))
    data.people = _people(session, on, or_(Person.id.in_(mentee_ids), Person.id.in_(mentor_ids)))
    overcome = select(Deficit.person_id, Deficit.id, Deficit.found_on, Deficit.overcome_on).where(
        Deficit.person_id.in_(mentee_ids),
        Deficit.overcome_on.is_not(None),
        Deficit.overcome_on <= on,
    )
    for who, deficit_id, found, overcome_on in session.execute(overcome):
        if overcome_on is not None:
            data.overcome[who].append((deficit_id, found, overcome_on))
    whose = or_(Participation.person_id.in_(mentee_ids), Participation.person_id.in_(mentor_ids))
    if person_id is not None:
        whose = Participation.person_id == person_id
    stmt = select(
        Participation.person_id,
        Participation.kind,
        Participation.title,
        Participation.event_date,
        Participation.level,
    ).where(Participation.event_date <= on, whose)
    for who, kind, title, day, level in session.execute(stmt):
        data.participations[who].append((kind, title, day, level))
    return data


# computing the figures -------------------------------------------------------------------
MentorPart = tuple[tuple[int, ...], int, int, int, int, int]
SharingPart = tuple[int, tuple[tuple[str, int], ...], tuple[str, ...]]


def _mentor_figures(data: _Data, pairs: list[_Pair]) -> MentorPart:
    """(school years, mentees, completed programmes, deficits overcome, young specialists after
    their programmes, those of them still working) of the pairs a person mentored."""
    years: set[int] = set()
    mentees: set[int] = set()
    deficits: set[int] = set()
    young_after: set[int] = set()
    completed = 0
    for pair in pairs:
        years.update(_school_years(pair.start, min(pair.end, data.on)))
        mentees.update(data.mentees.get(pair.id, ()))
        ended = pair.end <= data.on
        completed += ended and pair.status == PairStatus.COMPLETED.value
        if ended and pair.status in ENDED and pair.category == MenteeCategory.YOUNG.value:
            young_after.update(data.mentees.get(pair.id, ()))
        deficits.update(_pair_deficits(data, pair))
    stayed = sum(1 for m in young_after if m in data.people and data.people[m].employed)
    return (tuple(sorted(years)), len(mentees), completed, len(deficits), len(young_after), stayed)


def _school_years(start: date, last: date) -> list[int]:
    """The school years a pair ran in for at least YEAR_DAYS days (from start to last)."""
    found = []
    for year in range(school_year(start), school_year(last) + 1):
        since, until = max(start, date(year, 9, 1)), min(last, date(year + 1, 8, 31))
        if (until - since).days + 1 >= YEAR_DAYS:
            found.append(year)
    return found


def _pair_deficits(data: _Data, pair: _Pair) -> set[int]:
    """The mentees' deficits the pair overcame: found by its end, overcome from its start to
    half a year after its end (and by the date)."""
    until = min(pair.end + GRACE, data.on)
    return {
        deficit_id
        for mentee in data.mentees.get(pair.id, ())
        for deficit_id, found, overcome in data.overcome.get(mentee, ())
        if found <= pair.end and pair.start <= overcome <= until
    }


def _participation_figures(rows: list[tuple[str, str, date, str]]) -> SharingPart:
    """(participations sharing experience, their count by kind, the contests in words)."""
    kinds: dict[str, int] = defaultdict(int)
    contests = []
    for kind, title, day, level in sorted(rows, key=lambda r: r[2], reverse=True):
        try:
            member = ParticipationKind(kind)
        except ValueError:
            continue
        if member.shares_experience:
            kinds[member.label] += 1
        if member is ParticipationKind.CONTEST:
            contests.append(_contest_text(title, day, level))
    by_kind = tuple(sorted(kinds.items(), key=lambda kv: -kv[1]))
    return sum(kinds.values()), by_kind, tuple(contests)


def _contest_text(title: str, day: date, level: str) -> str:
    """««Учитель года», муниципальный, 2025»."""
    try:
        level_text = EventLevel(level).label
    except ValueError:
        level_text = level
    parts = [f"«{title.strip()}»" if title.strip() else "конкурс", level_text, str(day.year)]
    return ", ".join(p for p in parts if p)


def _figures(
    data: _Data, person: _Person, mentored: list[_Pair], mentee_of: list[_Pair]
) -> Figures:
    completed_as_mentee = sum(
        1 for p in mentee_of if p.status == PairStatus.COMPLETED.value and p.end <= data.on
    )
    experience = (
        years_between(person.experience_start, data.on)
        if person.experience_start is not None
        else None
    )
    years, mentees, completed, deficits, young_after, stayed = _mentor_figures(data, mentored)
    shared, by_kind, contests = _participation_figures(data.participations.get(person.id, []))
    return Figures(
        years,
        mentees,
        completed,
        deficits,
        young_after,
        stayed,
        shared,
        by_kind,
        contests,
        years_between(person.birth_date, data.on),
        experience,
        completed_as_mentee,
    )


def _roles(data: _Data) -> tuple[dict[int, list[_Pair]], dict[int, list[_Pair]]]:
    mentored: dict[int, list[_Pair]] = defaultdict(list)
    mentee_of: dict[int, list[_Pair]] = defaultdict(list)
    for pair in data.pairs:
        mentored[pair.mentor_id].append(pair)
        for mentee in data.mentees.get(pair.id, ()):
            mentee_of[mentee].append(pair)
    return mentored, mentee_of


# the lists -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecognitionList:
    """Who meets (or nearly meets) which award on a date."""

    on: date
    awards: tuple[AwardSpec, ...]
    rows: tuple[Recognition, ...]

    def of_award(self, code: str) -> list[Recognition]:
        return [r for r in self.rows if r.award == code]


def _nominations(
    session: Session, person_id: int | None = None
) -> dict[tuple[int, str], list[NominationRow]]:
    found: dict[tuple[int, str], list[NominationRow]] = defaultdict(list)
    for row in list_nominations(session, person_id):
        found[(row.person_id, row.award)].append(row)
    return found


def _awarded_on(award: AwardSpec, rows: list[NominationRow]) -> date | None:
    if not award.once:
        return None
    days = [r.nominated_on for r in rows if r.result == NominationResult.AWARDED.value]
    return min(days) if days else None


def _recognition(
    award: AwardSpec, person: _Person, figures: Figures, nominations: list[NominationRow]
) -> Recognition:
    meets, near, checks = evaluate(award, figures)
    return Recognition(
        person.id,
        fio(person.last, person.first, person.middle),
        short_fio(person.last, person.first, person.middle),
        person.organisation,
        award.code,
        award.name,
        meets,
        near,
        checks,
        tuple(nominations),
        _awarded_on(award, nominations),
    )


def recognitions(
    session: Session,
    year: int,
    on: date | None = None,
    award: str | None = None,
    everyone: bool = False,
) -> RecognitionList:
    """Every award against every person considered for it (its mentors, or the mentors and
    mentees of the pairs), working on the date: 31 December of the year, or the date given in
    that year (IndicatorInputError otherwise). Those who meet the conditions and those who
    nearly meet them, by award, the ones meeting first, each in Russian order; everyone=True
    gives every person considered. award: one award's key only."""
    day = as_of(year, on)
    awards = tuple(a for a in list_awards(session) if award is None or a.code == award)
    data = _load(session, day)
    mentored, mentee_of = _roles(data)
    nominations = _nominations(session)
    rows = []
    figures: dict[int, Figures] = {}
    for spec in awards:
        considered = set(mentored) | (set(mentee_of) if spec.considers_mentees else set())
        for person_id in considered:
            person = data.people.get(person_id)
            if person is None or not person.employed:
                continue
            if person_id not in figures:
                figures[person_id] = _figures(
                    data, person, mentored.get(person_id, []), mentee_of.get(person_id, [])
                )
            meets, near = verdict(spec, figures[person_id])
            if not (everyone or meets or near):
                continue
            found = _recognition(
                spec, person, figures[person_id], nominations.get((person_id, spec.code), [])
            )
            rows.append((spec.position, not found.meets, person.sort_key, person_id, found))
    rows.sort(key=lambda r: r[:4])
    return RecognitionList(day, awards, tuple(r[-1] for r in rows))


# one person: the record of the представление ---------------------------------------------
@dataclass(frozen=True)
class PairLine:
    """One pair of the mentoring record, as the представление lists it."""

    pair_id: int
    start: date
    end: date
    status: str
    category: str
    form: str
    mentees: tuple[str, ...]
    deficits_overcome: int
    stayed: tuple[str, ...]  # young specialists of the pair still working on the date
    mentor: str = ""


@dataclass(frozen=True)
class ParticipationLine:
    day: date
    kind: str
    title: str
    level: str
    result: str


@dataclass(frozen=True)
class MentoringRecord:
    """A person's mentoring on the date: the figures, the pairs as mentor (and as mentee), the
    participations, each award checked and the nominations recorded."""

    person_id: int
    on: date
    figures: Figures
    pairs: tuple[PairLine, ...]
    as_mentee: tuple[PairLine, ...]
    participations: tuple[ParticipationLine, ...]
    awards: tuple[Recognition, ...]
    nominations: tuple[NominationRow, ...]

    def award(self, code: str) -> Recognition | None:
        return next((r for r in self.awards if r.award == code), None)


def mentoring_record(session: Session, person_id: int, on: date) -> MentoringRecord | None:
    """The record of one person on the date; None when the person is not in the database."""
    data = _load(session, on, person_id)
    person = data.people.get(person_id) or _people(session, on, Person.id == person_id).get(
        person_id
    )
    if person is None:
        return None
    data.people.setdefault(person_id, person)
    mentored, mentee_of = _roles(data)
    mine, as_mentee = mentored.get(person_id, []), mentee_of.get(person_id, [])
    figures = _figures(data, person, mine, as_mentee)
    nominations = _nominations(session, person_id)
    checked = tuple(
        _recognition(a, person, figures, nominations.get((person_id, a.code), []))
        for a in list_awards(session)
    )
    details = _pair_details(session, data, [p.id for p in mine + as_mentee])
    return MentoringRecord(
        person_id,
        on,
        figures,
        tuple(_line(data, p, details) for p in _by_start(mine)),
        tuple(_line(data, p, details) for p in _by_start(as_mentee)),
        _participation_lines(session, person_id, on),
        checked,
        tuple(r for rows in nominations.values() for r in rows),
    )


def _by_start(pairs: list[_Pair]) -> list[_Pair]:
    return sorted(pairs, key=lambda p: (p.start, p.id))


def _pair_details(session: Session, data: _Data, pair_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The form of mentorship and the mentor's short name of each pair."""
    if not pair_ids:
        return {}
    stmt = (
        select(
            Pair.id, MentorshipForm.name, Person.last_name, Person.first_name, Person.middle_name
        )
        .join(MentorshipForm, MentorshipForm.id == Pair.form_id)
        .join(Person, Person.id == Pair.mentor_id)
        .where(Pair.id.in_(pair_ids))
    )
    return {
        i: (form, short_fio(last, first, middle or ""))
        for i, form, last, first, middle in session.execute(stmt)
    }


def _line(data: _Data, pair: _Pair, details: dict[int, tuple[str, str]]) -> PairLine:
    mentees = [data.people[m] for m in data.mentees.get(pair.id, ()) if m in data.people]
    mentees.sort(key=lambda p: p.sort_key)
    young_done = (
        pair.end <= data.on and pair.status in ENDED and pair.category == MenteeCategory.YOUNG.value
    )
    form, mentor = details.get(pair.id, ("", ""))
    return PairLine(
        pair.id,
        pair.start,
        pair.end,
        pair.status,
        pair.category,
        form,
        tuple(short_fio(p.last, p.first, p.middle) for p in mentees),
        len(_pair_deficits(data, pair)),
        tuple(short_fio(p.last, p.first, p.middle) for p in mentees if young_done and p.employed),
        mentor,
    )


def _participation_lines(
    session: Session, person_id: int, on: date
) -> tuple[ParticipationLine, ...]:
    stmt = (
        select(
            Participation.event_date,
            Participation.kind,
            Participation.title,
            Participation.level,
            Participation.result,
        )
        .where(and_(Participation.person_id == person_id, Participation.event_date <= on))
        .order_by(Participation.event_date, Participation.id)
    )
    return tuple(ParticipationLine(*row) for row in session.execute(stmt))


def person_recognitions(session: Session, person_id: int, on: date) -> list[Recognition]:
    """Every award checked against one person on the date (empty when the person is absent)."""
    record = mentoring_record(session, person_id, on)
    return list(record.awards) if record is not None else []
