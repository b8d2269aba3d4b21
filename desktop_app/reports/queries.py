"""Read-only queries the documents need and the services do not offer; plain frozen values."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.model import (
    ActiveMember,
    Course,
    Deficit,
    Ground,
    MemberGround,
    MentorshipForm,
    Organisation,
    Pair,
    PairDirectionLink,
    PairMentee,
    Person,
    Programme,
    ProgrammeDeficit,
    Route,
    Satisfaction,
)
from desktop_app.model.enums import ActiveRole, ActiveStatus, PairStatus
from desktop_app.services.indicators import org_active, pair_ran, person_active, years_before
from desktop_app.services.indicators import young as young_on
from desktop_app.textutil import fio, ru_sort_key, short_fio


class NotFound(LookupError):
    """The pair, person or route asked for is not in the database (Russian message)."""


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    fio: str
    organisation: str
    position: str
    subject_area: str
    role: str
    email: str
    consent: bool


def active_members(session: Session, consenting_only: bool = False) -> list[MemberRow]:
    """Members included in the active (not excluded), by ФИО in Russian order."""
    stmt = (
        select(ActiveMember, Person, Organisation.short_name)
        .join(Person, Person.id == ActiveMember.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(ActiveMember.status == ActiveStatus.INCLUDED.value)
    )
    if consenting_only:
        stmt = stmt.where(Person.consent_publish.is_(True))
    roles = {r.value: r.label for r in ActiveRole}
    rows = [
        MemberRow(
            p.id, fio(p.last_name, p.first_name, p.middle_name), org or "", p.position,
            m.subject_area or p.subject, roles.get(m.role, m.role), p.email, p.consent_publish,
        )
        for m, p, org in session.execute(stmt)
    ]
    return sorted(rows, key=lambda r: ru_sort_key(r.fio))


@dataclass(frozen=True)
class OrderPairRow:
    pair_id: int
    mentor: str
    mentor_job: str
    mentees: tuple[str, ...]
    form: str
    start: date
    end: date


def _mentee_lines(session: Session, pair_ids: list[int]) -> dict[int, list[str]]:
    lines: dict[int, list[tuple[tuple[tuple[int, int], ...], str]]] = defaultdict(list)
    stmt = (
        select(PairMentee.pair_id, Person.last_name, Person.first_name, Person.middle_name,
               Person.position, Organisation.short_name)
        .join(Person, Person.id == PairMentee.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(PairMentee.pair_id.in_(pair_ids))
    )
    for pair_id, last, first, middle, position, org in session.execute(stmt):
        job = ", ".join(part for part in (position, org or "") if part)
        name = short_fio(last, first, middle)
        lines[pair_id].append((ru_sort_key(name), f"{name} ({job})" if job else name))
    return {k: [text for _, text in sorted(v)] for k, v in lines.items()}


def order_pairs(session: Session, on: date) -> list[OrderPairRow]:
    """Pairs planned or running on the date (not completed or ended), by mentor."""
    stmt = (
        select(Pair.id, Person.last_name, Person.first_name, Person.middle_name, Person.position,
               Organisation.short_name, MentorshipForm.name, Pair.start_date, Pair.end_date)
        .join(Person, Person.id == Pair.mentor_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .join(MentorshipForm, MentorshipForm.id == Pair.form_id)
        .where(Pair.status.in_((PairStatus.PLANNED.value, PairStatus.ACTIVE.value)))
    )
    rows = list(session.execute(stmt))
    mentees = _mentee_lines(session, [r[0] for r in rows])
    result = [
        OrderPairRow(
            r[0], fio(r[1], r[2], r[3]), ", ".join(p for p in (r[4], r[5] or "") if p),
            tuple(mentees.get(r[0], [])), r[6], r[7], r[8],
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (ru_sort_key(r.mentor), r.start, r.pair_id))


@dataclass(frozen=True)
class PersonCard:
    id: int
    fio: str
    short: str
    signature: tuple[str, str, str]
    organisation: str
    organisation_full: str
    org_head: str
    position: str
    category: str
    subject: str
    experience_start: date | None
    birth_date: date


def person_card(session: Session, person_id: int) -> PersonCard:
    """One person's identity and job for a personal document; NotFound if absent."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"Педагог с кодом {person_id} не найден в базе.")
    org = person.organisation
    return PersonCard(
        person.id, fio(person.last_name, person.first_name, person.middle_name),
        short_fio(person.last_name, person.first_name, person.middle_name),
        (person.last_name, person.first_name, person.middle_name),
        org.short_name if org else "", (org.full_name or org.short_name) if org else "",
        org.head_name if org else "", person.position, person.category, person.subject,
        person.ped_experience_start, person.birth_date,
    )


@dataclass(frozen=True)
class PlanLine:
    activity: str
    deadline: date | None
    responsible: str
    report_form: str
    done: bool


@dataclass(frozen=True)
class ProgrammeData:
    pair_id: int
    mentor: PersonCard
    mentees: tuple[PersonCard, ...]
    form: str
    model_element: str
    mentee_category: str
    level: str
    directions: tuple[str, ...]
    start: date
    end: date
    order_number: str
    order_date: date | None
    goal: str
    tasks: str
    difficulties: str
    expected_results: str
    deficits: tuple[tuple[str, str], ...]
    plan: tuple[PlanLine, ...]


def programme_data(session: Session, pair_id: int) -> ProgrammeData:
    """A pair and its personalised programme (empty texts when none is written yet)."""
    pair = session.get(Pair, pair_id)
    if pair is None:
        raise NotFound(f"Наставническая пара (группа) с кодом {pair_id} не найдена в базе.")
    programme: Programme | None = pair.programme
    mentees = sorted((person_card(session, m.person_id) for m in pair.mentees),
                     key=lambda c: ru_sort_key(c.fio))
    directions = session.scalars(
        select(PairDirectionLink.direction).where(PairDirectionLink.pair_id == pair_id)
    )
    deficits: list[tuple[str, str]] = []
    plan: list[PlanLine] = []
    if programme is not None:
        deficits = [
            (d.area, d.title) for d in session.scalars(
                select(Deficit).join(ProgrammeDeficit, ProgrammeDeficit.deficit_id == Deficit.id)
                .where(ProgrammeDeficit.programme_id == programme.id).order_by(Deficit.id)
            )
        ]
        plan = [PlanLine(i.activity, i.deadline, i.responsible, i.report_form, i.done)
                for i in programme.plan]
    return ProgrammeData(
        pair.id, person_card(session, pair.mentor_id), tuple(mentees), pair.form.name,
        pair.model_element, pair.mentee_category, pair.level, tuple(directions),
        pair.start_date, pair.end_date, pair.order_number, pair.order_date,
        programme.goal if programme else "", programme.tasks if programme else "",
        programme.difficulties if programme else "",
        programme.expected_results if programme else "", tuple(deficits), tuple(plan),
    )


@dataclass(frozen=True)
class RouteLine:
    deficit: str
    task: str
    activity: str
    form: str
    deadline: date | None
    planned_result: str
    done: bool


@dataclass(frozen=True)
class RouteData:
    person: PersonCard
    start: date
    end: date
    state: str
    lines: tuple[RouteLine, ...]


def route_data(session: Session, person_id: int) -> RouteData:
    """The person's latest individual educational route (ИОМ); NotFound if there is none."""
    card = person_card(session, person_id)
    route = session.scalars(
        select(Route).where(Route.person_id == person_id)
        .order_by(Route.start_date.desc(), Route.id.desc()).limit(1)
    ).first()
    if route is None:
        raise NotFound(f"У педагога «{card.fio}» нет индивидуального образовательного маршрута.")
    titles = dict(session.execute(
        select(Deficit.id, Deficit.title).where(Deficit.person_id == person_id)
    ).all())
    lines = tuple(
        RouteLine(i.deficit_text or titles.get(i.deficit_id or 0, ""), i.task, i.activity,
                  i.form, i.deadline, i.planned_result, i.done)
        for i in route.items
    )
    return RouteData(card, route.start_date, route.end_date, route.state, lines)


@dataclass(frozen=True)
class CandidateRow:
    fio: str
    birth_date: date
    education: str
    courses: tuple[str, ...]
    job: str
    methodical: str
    contacts: str
    achievements: str
    grounds: tuple[tuple[int, str], ...]


def _courses(session: Session, ids: list[int], since: date) -> dict[int, list[Course]]:
    found: dict[int, list[Course]] = defaultdict(list)
    stmt = select(Course).where(Course.person_id.in_(ids)).where(
        (Course.end_date.is_(None)) | (Course.end_date >= since)
    ).order_by(Course.end_date)
    for course in session.scalars(stmt):
        found[course.person_id].append(course)
    return found


def _grounds(session: Session, member_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    stmt = (select(MemberGround.member_id, Ground.number, Ground.text)
            .join(Ground, Ground.id == MemberGround.ground_id)
            .where(MemberGround.member_id.in_(member_ids)).order_by(Ground.number))
    for member_id, number, text in session.execute(stmt):
        found[member_id].append((number, text))
    return found


CANDIDATE_STATUSES = (ActiveStatus.CANDIDATE.value, ActiveStatus.SUBMITTED.value,
                      ActiveStatus.DIAGNOSED.value)


def candidate_members(session: Session, org_id: int | None = None) -> list[tuple[ActiveMember,
                                                                              Person]]:
    """Candidates not yet included (кандидат, представлен, прошёл диагностику)."""
    stmt = (select(ActiveMember, Person).join(Person, Person.id == ActiveMember.person_id)
            .where(ActiveMember.status.in_(CANDIDATE_STATUSES)))
    if org_id is not None:
        stmt = stmt.where(ActiveMember.nominated_by_org_id == org_id)
    rows = [(m, p) for m, p in session.execute(stmt)]
    return sorted(rows, key=lambda mp: ru_sort_key(fio(mp[1].last_name, mp[1].first_name,
                                                       mp[1].middle_name)))


def org_names(session: Session) -> dict[int, tuple[str, str]]:
    """id → (short name, full name) of every organisation."""
    return {i: (s, f) for i, s, f in session.execute(
        select(Organisation.id, Organisation.short_name, Organisation.full_name))}


def candidate_inputs(session: Session, on: date) -> tuple[list[tuple[ActiveMember, Person]],
                                                          dict[int, list[Course]],
                                                          dict[int, list[tuple[int, str]]]]:
    """Candidates with their courses of the three years before the date and their grounds."""
    members = candidate_members(session)
    courses = _courses(session, [p.id for _, p in members], years_before(on, 3))
    grounds = _grounds(session, [m.id for m, _ in members])
    return members, courses, grounds


# annual report ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OrgLine:
    org_id: int
    name: str
    staff: int
    under_35: int
    young: int
    mentors: int
    mentees: int
    pairs: int
    covered: int


def _one_if(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(_one_if(condition)), 0)


def _ran_pairs(start: date, on: date) -> Any:
    return select(Pair.id).where(pair_ran(start, on))


def org_lines(session: Session, start: date, on: date) -> list[OrgLine]:
    """Per active ОО: staff, under 35, young specialists, mentors, mentees, pairs, covered."""
    ran = _ran_pairs(start, on)
    mentor_ids = select(Pair.mentor_id).where(Pair.id.in_(ran))
    mentee_ids = select(PairMentee.person_id).where(PairMentee.pair_id.in_(ran))
    is_mentor, is_mentee = Person.id.in_(mentor_ids), Person.id.in_(mentee_ids)

    stmt = (
        select(Person.organisation_id, func.count(Person.id),
               count_if(Person.birth_date > years_before(on, 35)), count_if(young_on(on)),
               count_if(is_mentor), count_if(is_mentee), count_if(is_mentor | is_mentee))
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(person_active(on)).group_by(Person.organisation_id)
    )
    counts = {r[0]: r[1:] for r in session.execute(stmt)}
    mentor = aliased(Person)
    pair_counts = dict(session.execute(
        select(mentor.organisation_id, func.count(Pair.id))
        .join(mentor, mentor.id == Pair.mentor_id)
        .where(pair_ran(start, on)).group_by(mentor.organisation_id)
    ).all())
    orgs = session.execute(select(Organisation.id, Organisation.short_name).where(org_active(on)))
    lines = [_org_line(org_id, name, counts.get(org_id), pair_counts.get(org_id, 0))
             for org_id, name in orgs]
    return sorted(lines, key=lambda line: ru_sort_key(line.name))


def _org_line(org_id: int, name: str, counts: tuple[int, ...] | None, pairs: int) -> OrgLine:
    staff, under, young, mentors, mentees, covered = (int(v) for v in (counts or (0,) * 6))
    return OrgLine(org_id, name, staff, under, young, mentors, mentees, int(pairs), covered)


@dataclass(frozen=True)
class CountRow:
    label: str
    pairs: int
    people: int


def pairs_by_form(session: Session, start: date, on: date) -> list[CountRow]:
    """Pairs that ran in the period and their mentees, by form of mentorship."""
    mentees = (select(PairMentee.pair_id, func.count().label("n"))
               .group_by(PairMentee.pair_id).subquery())
    stmt = (
        select(MentorshipForm.name, MentorshipForm.position, func.count(Pair.id),
               func.coalesce(func.sum(mentees.c.n), 0))
        .join(Pair, Pair.form_id == MentorshipForm.id)
        .outerjoin(mentees, mentees.c.pair_id == Pair.id)
        .where(pair_ran(start, on)).group_by(MentorshipForm.id)
        .order_by(MentorshipForm.position, MentorshipForm.name)
    )
    return [CountRow(name, int(n), int(m)) for name, _, n, m in session.execute(stmt)]


def pairs_by_value(session: Session, column: Any, start: date, on: date) -> dict[str, int]:
    """Pairs that ran in the period counted by one of their columns (category, level …)."""
    stmt = select(column, func.count(Pair.id)).where(pair_ran(start, on)).group_by(column)
    return {value: int(n) for value, n in session.execute(stmt)}


@dataclass(frozen=True)
class MentorInfo:
    experience_start: date | None
    category: str


def mentors_of_period(session: Session, start: date, on: date) -> list[MentorInfo]:
    """Distinct mentors of the pairs that ran in the period."""
    ids = select(Pair.mentor_id).where(pair_ran(start, on))
    stmt = select(Person.ped_experience_start, Person.category).where(Person.id.in_(ids))
    return [MentorInfo(s, c) for s, c in session.execute(stmt)]


@dataclass(frozen=True)
class DeficitLine:
    area: str
    found: int
    overcome: int
    open_on: int


def deficits_by_area(session: Session, start: date, on: date) -> list[DeficitLine]:
    """Deficits found in the period, overcome in the period, still open on the date, by area."""
    found = func.sum(_one_if(and_(Deficit.found_on >= start, Deficit.found_on <= on)))
    overcome = func.sum(_one_if(and_(Deficit.overcome_on >= start, Deficit.overcome_on <= on)))
    still_open = func.sum(_one_if(and_(
        Deficit.found_on <= on,
        (Deficit.overcome_on.is_(None)) | (Deficit.overcome_on > on),
    )))
    stmt = select(Deficit.area, found, overcome, still_open).group_by(Deficit.area)
    return [DeficitLine(a, int(f or 0), int(o or 0), int(s or 0))
            for a, f, o, s in session.execute(stmt)]


@dataclass(frozen=True)
class SatisfactionLine:
    respondent: str
    answers: int
    mean: float | None
    high: int


def satisfaction(session: Session, start: date, on: date) -> list[SatisfactionLine]:
    """Questionnaires answered in the period: count, mean 1–10 and answers of 8 and above."""
    stmt = (
        select(Satisfaction.respondent, func.count(), func.avg(Satisfaction.score),
               func.sum(_one_if(Satisfaction.score >= 8)))
        .where(Satisfaction.answered_on >= start, Satisfaction.answered_on <= on)
        .group_by(Satisfaction.respondent)
    )
    return [SatisfactionLine(r, int(n), float(m) if m is not None else None, int(h or 0))
            for r, n, m, h in session.execute(stmt)]


@dataclass(frozen=True)
class OrgActs:
    name: str
    act_date: date | None
    act_number: str
    programme_date: date | None


def org_acts(session: Session, on: date) -> list[OrgActs]:
    """Active ОО with the dates of their Положение and programme (those after the date blank)."""
    stmt = select(Organisation.short_name, Organisation.mentoring_act_date,
                  Organisation.mentoring_act_number,
                  Organisation.mentoring_programme_date).where(org_active(on))
    rows = [OrgActs(n, a if a and a <= on else None, num if a and a <= on else "",
                    p if p and p <= on else None) for n, a, num, p in session.execute(stmt)]
    return sorted(rows, key=lambda r: ru_sort_key(r.name))


@dataclass(frozen=True)
class Choice:
    id: int
    text: str


def pair_choices(session: Session) -> list[Choice]:
    """Every pair as «Наставник И.О. → Наставляемый И.О. (01.09.2024–31.05.2025)», by mentor."""
    mentees = _mentee_names(session)
    stmt = (select(Pair.id, Person.last_name, Person.first_name, Person.middle_name,
                   Pair.start_date, Pair.end_date)
            .join(Person, Person.id == Pair.mentor_id))
    rows = []
    for pair_id, last, first, middle, start, end in session.execute(stmt):
        mentor = short_fio(last, first, middle)
        text = f"{mentor} → {', '.join(mentees.get(pair_id, [])) or '—'} " \
               f"({start:%d.%m.%Y}–{end:%d.%m.%Y})"
        rows.append(Choice(pair_id, text))
    return sorted(rows, key=lambda c: ru_sort_key(c.text))


def _mentee_names(session: Session) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    stmt = (select(PairMentee.pair_id, Person.last_name, Person.first_name, Person.middle_name)
            .join(Person, Person.id == PairMentee.person_id))
    for pair_id, last, first, middle in session.execute(stmt):
        names[pair_id].append(short_fio(last, first, middle))
    return names


def route_people(session: Session) -> list[Choice]:
    """People who have an individual educational route (ИОМ), by ФИО."""
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                   Organisation.short_name)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(select(Route.person_id))))
    rows = [Choice(i, f"{fio(last, first, middle)}" + (f" ({org})" if org else ""))
            for i, last, first, middle, org in session.execute(stmt)]
    return sorted(rows, key=lambda c: ru_sort_key(c.text))
