"""Read-only queries the documents need and the services do not offer; plain frozen values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    ActiveMember,
    Course,
    Deficit,
    DiagnosticSession,
    Ground,
    InstrumentItem,
    MemberGround,
    MentorshipForm,
    Organisation,
    Pair,
    PairDirectionLink,
    PairMentee,
    Person,
    Programme,
    Route,
    RouteItem,
)
from desktop_app.model.enums import (
    ActiveRole,
    ActiveStatus,
    CompetenceArea,
    CourseKind,
    SessionKind,
)

# the annual report's queries are in annual_queries.py; its names are this module's as well
from desktop_app.reports.annual_queries import (
    CountRow as CountRow,
    DeficitLine as DeficitLine,
    MentorInfo as MentorInfo,
    OrgActs as OrgActs,
    OrgLine as OrgLine,
    SatisfactionLine as SatisfactionLine,
    count_if as count_if,
    deficits_by_area as deficits_by_area,
    mentors_of_period as mentors_of_period,
    org_acts as org_acts,
    org_lines as org_lines,
    pairs_by_form as pairs_by_form,
    pairs_by_value as pairs_by_value,
    satisfaction as satisfaction,
)
from desktop_app.services.active import member_on
from desktop_app.services.deficit_wording import (
    Phrase,
    Wordings,
    fallback_deficit,
    is_first_person,
    kind_rank,
    legacy_task,
    sentence,
)
from desktop_app.services.indicators import (
    years_before,
)
from desktop_app.services.presets import fill_municipality, municipality_genitive
from desktop_app.store.dialect import binary_order
from desktop_app.textutil import fio, fmt_date, ru_sort_key, short_fio


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


def _member_on(on: date) -> Any:
    """Included on or before the date (an undated inclusion counts) and not excluded by then,
    working on the date: the one rule of services.active.member_on (the public list's too)."""
    return member_on(on)


def active_members(session: Session, consenting_only: bool = False,
                   on: date | None = None) -> list[MemberRow]:
    """Members included in the active (not excluded), by ФИО in Russian order; with a date,
    the members on that date (see _member_on)."""
    stmt = (
        select(ActiveMember, Person, Organisation.short_name)
        .join(Person, Person.id == ActiveMember.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
    )
    if on is None:
        stmt = stmt.where(ActiveMember.status == ActiveStatus.INCLUDED.value)
    else:
        stmt = stmt.where(_member_on(on))
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
class PublicConsent:
    """The members on a date and those of them who have not consented to publication."""

    total: int
    missing: tuple[MemberRow, ...]


def public_consent(session: Session, on: date) -> PublicConsent:
    """Who of the members on the date is left out of the public list for want of consent."""
    members = active_members(session, on=on)
    return PublicConsent(len(members), tuple(m for m in members if not m.consent))


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
    lines: dict[int, list[tuple[str, str]]] = defaultdict(list)
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


def pair_on(on: date) -> Any:
    """The pair's programme has begun on or before the date and has not ended before it: its
    planned end and, for a pair ended (completed or early), the day it ended are not earlier
    than the date. The status does not matter, only the dates."""
    return and_(Pair.start_date <= on, Pair.end_date >= on,
                Pair.ended_on.is_(None) | (Pair.ended_on >= on))


def order_pairs(session: Session, on: date) -> list[OrderPairRow]:
    """Pairs whose programme runs on the order's date (see pair_on), by mentor."""
    stmt = (
        select(Pair.id, Person.last_name, Person.first_name, Person.middle_name, Person.position,
               Organisation.short_name, MentorshipForm.name, Pair.start_date, Pair.end_date)
        .join(Person, Person.id == Pair.mentor_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .join(MentorshipForm, MentorshipForm.id == Pair.form_id)
        .where(pair_on(on))
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


def no_order_pairs_reason(session: Session, on: date) -> str:
    """Why no pair can be listed in an order of the date (the user's message); a pair called
    off before its start does not count."""
    first, last = session.execute(
        select(func.min(Pair.start_date),
               func.max(case((Pair.ended_on < Pair.end_date, Pair.ended_on),
                             else_=Pair.end_date)))
        .where(Pair.ended_on.is_(None) | (Pair.ended_on >= Pair.start_date))
    ).one()
    day = fmt_date(on)
    if first is None:
        return ("В базе нет ни одной наставнической пары (группы): приказ о закреплении пар "
                "не сформирован.")
    if on < first:
        return (f"На {day} ни одна наставническая пара (группа) ещё не начала работу: самая "
                f"ранняя программа начинается {fmt_date(first)}. Приказ о закреплении пар не "
                f"сформирован — укажите дату не раньше {fmt_date(first)}.")
    if last is not None and on > last:
        return (f"На {day} программы всех наставнических пар (групп) уже окончены (последняя — "
                f"{fmt_date(last)}). Приказ о закреплении пар не сформирован.")
    return (f"На {day} нет наставнических пар (групп), чья программа идёт в этот день. Приказ "
            "о закреплении пар не сформирован — укажите другую дату.")


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
    done_on: date | None = None


@dataclass(frozen=True)
class MenteeDeficits:
    """One mentee's deficits open on the document's date — those the latest diagnostic of each
    instrument (or external procedure) on or before the date shows — worded in the third
    person, and the dates of the latest diagnostics: (kind, date), self-assessment first."""

    mentee: PersonCard
    diagnostics: tuple[tuple[str, date], ...]
    deficits: tuple[str, ...]


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
    deficits: tuple[MenteeDeficits, ...]
    plan: tuple[PlanLine, ...]


_AREA_RANK = {a.value: n for n, a in enumerate(CompetenceArea)}


def mentee_deficits(session: Session, mentees: Sequence[PersonCard],
                    on: date) -> tuple[MenteeDeficits, ...]:
    """Each mentee's own deficits open on the date (found on or before it, not overcome by
    then), by area (the area as a whole first, then external blocks, then items in the order
    of the instrument), worded by the instrument files; the latest diagnostics of each kind."""
    ids = [m.id for m in mentees]
    latest: dict[int, dict[str, date]] = defaultdict(dict)
    for person_id, kind, day in session.execute(
        select(DiagnosticSession.person_id, DiagnosticSession.kind,
               func.max(DiagnosticSession.session_date))
        .where(DiagnosticSession.person_id.in_(ids), DiagnosticSession.session_date <= on)
        .group_by(DiagnosticSession.person_id, DiagnosticSession.kind)
    ):
        latest[person_id][kind] = day
    wordings = Wordings(session)
    found: dict[int, list[tuple[tuple[int, int, int, int], str]]] = defaultdict(list)
    for person_id, area, item_id, title, deficit_id, position in session.execute(
        select(Deficit.person_id, Deficit.area, Deficit.item_id, Deficit.title, Deficit.id,
               InstrumentItem.position)
        .outerjoin(InstrumentItem, InstrumentItem.id == Deficit.item_id)
        .where(Deficit.person_id.in_(ids), Deficit.found_on <= on,
               Deficit.overcome_on.is_(None) | (Deficit.overcome_on > on))
    ):
        key = (_AREA_RANK.get(area, len(_AREA_RANK)), kind_rank(item_id, title), position or 0,
               deficit_id)
        found[person_id].append((key, sentence(wordings.of(area, item_id, title).deficit)))
    kinds = [k.value for k in SessionKind]
    return tuple(
        MenteeDeficits(
            m,
            tuple((kind, latest[m.id][kind]) for kind in kinds if kind in latest[m.id]),
            tuple(dict.fromkeys(text for _, text in sorted(found[m.id]))),
        )
        for m in mentees
    )


def programme_data(session: Session, pair_id: int, on: date | None = None) -> ProgrammeData:
    """A pair and its personalised programme (empty texts when none is written yet); the
    mentees' deficits open on the date (today when None)."""
    pair = session.get(Pair, pair_id)
    if pair is None:
        raise NotFound(f"Наставническая пара (группа) с кодом {pair_id} не найдена в базе.")
    programme: Programme | None = pair.programme
    mentees = sorted((person_card(session, m.person_id) for m in pair.mentees),
                     key=lambda c: ru_sort_key(c.fio))
    directions = session.scalars(
        select(PairDirectionLink.direction).where(PairDirectionLink.pair_id == pair_id)
    )
    plan: list[PlanLine] = []
    if programme is not None:
        plan = [PlanLine(i.activity, i.deadline, i.responsible, i.report_form, i.done,
                         i.done_on) for i in programme.plan]
    return ProgrammeData(
        pair.id, person_card(session, pair.mentor_id), tuple(mentees), pair.form.name,
        pair.model_element, pair.mentee_category, pair.level, tuple(directions),
        pair.start_date, pair.end_date, pair.order_number, pair.order_date,
        programme.goal if programme else "", programme.tasks if programme else "",
        programme.difficulties if programme else "",
        programme.expected_results if programme else "",
        mentee_deficits(session, mentees, on or date.today()), tuple(plan),
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
    deficits = {d.id: d for d in session.scalars(
        select(Deficit).where(Deficit.person_id == person_id))}
    wordings = Wordings(session)
    lines = tuple(_route_line(i, deficits.get(i.deficit_id or 0), wordings)
                  for i in route.items)
    return RouteData(card, route.start_date, route.end_date, route.state, lines)


def _route_line(item: RouteItem, deficit: Deficit | None, wordings: Wordings) -> RouteLine:
    """A route item as printed: the deficit in the third person and a task that is not the
    deficit again. A stored text that is the deficit's title or an instrument statement (what
    the first drafting rule stored) is reworded, and so is a task that is exactly what that
    rule wrote («Освоить умение: знаю …»); anything the user wrote stays as written (a
    first-person statement turned into the third person)."""
    stored, task = item.deficit_text.strip(), item.task.strip()
    title = deficit.title.strip() if deficit is not None else ""
    phrase: Phrase | None = wordings.of_statement(stored) if stored else None
    if phrase is None and deficit is not None and stored in ("", title):
        phrase = wordings.of(deficit.area, deficit.item_id, deficit.title)
    if phrase is not None:
        text = phrase.deficit
    else:
        text = fallback_deficit(stored) if is_first_person(stored) else stored
    if phrase is not None and (not task or task in {legacy_task(t) for t in (stored, title) if t}):
        task = phrase.task
    return RouteLine(sentence(text), task, item.activity, item.form, item.deadline,
                     item.planned_result, item.done)


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


def _courses(session: Session, ids: list[int], since: date, on: date) -> dict[int, list[Course]]:
    """The form's courses: qualification courses ended from since to on (footnote 2: the three
    years before the document), retraining ended on or before on whenever it was (the footnote
    limits only qualification courses), and courses with no end date (the form shows that the
    date is missing); oldest first, undated last."""
    found: dict[int, list[Course]] = defaultdict(list)
    recent = (Course.end_date >= since) | (Course.kind != CourseKind.QUALIFICATION.value)
    stmt = select(Course).where(Course.person_id.in_(ids)).where(
        Course.end_date.is_(None) | (recent & (Course.end_date <= on))
    )
    for course in session.scalars(stmt):
        found[course.person_id].append(course)
    for courses in found.values():
        courses.sort(key=lambda c: (c.end_date is None, c.end_date or on, c.id))
    return found


def _grounds(session: Session, member_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """member id → (number, text) of its grounds, the municipality put in the texts."""
    genitive = municipality_genitive(session)
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    stmt = (select(MemberGround.member_id, Ground.number, Ground.text)
            .join(Ground, Ground.id == MemberGround.ground_id)
            .where(MemberGround.member_id.in_(member_ids)).order_by(Ground.number))
    for member_id, number, text in session.execute(stmt):
        found[member_id].append((number, fill_municipality(text, genitive)))
    return found


CANDIDATE_STATUSES = (ActiveStatus.CANDIDATE.value, ActiveStatus.SUBMITTED.value,
                      ActiveStatus.DIAGNOSED.value)


def candidate_members(session: Session, org_id: int | None = None) -> list[tuple[ActiveMember,
                                                                              Person]]:
    """Candidates not yet included (кандидат, представлен, прошёл диагностику) who still work."""
    stmt = (select(ActiveMember, Person).join(Person, Person.id == ActiveMember.person_id)
            .where(ActiveMember.status.in_(CANDIDATE_STATUSES), Person.is_active.is_(True)))
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
    courses = _courses(session, [p.id for _, p in members], years_before(on, 3), on)
    grounds = _grounds(session, [m.id for m, _ in members])
    return members, courses, grounds


class Choice(NamedTuple):
    """A line of a long choice (10 000 pairs): its record's id and the text shown."""

    id: int
    text: str


def route_people(session: Session) -> list[Choice]:
    """People who have an individual educational route (ИОМ), by ФИО."""
    return _people_choices(session, select(Route.person_id))


def mentor_choices(session: Session) -> list[Choice]:
    """People who are (or were) the mentor of a pair, by ФИО (the представление's choice)."""
    return _people_choices(session, select(Pair.mentor_id))


def _people_choices(session: Session, ids: Select[Any]) -> list[Choice]:
    """«ФИО (ОО)» of the people whose ids the query gives, in the stored Russian order."""
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                   Organisation.short_name)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(ids))
            .order_by(binary_order(Person.sort_key), Person.id))
    return [Choice(i, f"{fio(last, first, middle)}" + (f" ({org})" if org else ""))
            for i, last, first, middle, org in session.execute(stmt)]
