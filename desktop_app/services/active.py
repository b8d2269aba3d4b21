"""The municipal methodological active: grounds presets, the path of seed 004 §3, eligibility,
composition, gaps and the public list (seed 000 §2.3).

Path: кандидат → представлен (by an ОО or a body, when) → прошёл диагностику → включён (order
№, date) → исключён (date, reason). Every writing function checks first and raises Refused with
a Russian reason before changing anything, then flushes; the caller commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, selectinload

from desktop_app.model import (
    ActiveMember,
    Ground,
    GroundPreset,
    MemberDirection,
    MemberGround,
    Organisation,
    Pair,
    PairMentee,
    Person,
)
from desktop_app.model.enums import ActiveDirection, ActiveRole, ActiveStatus, Category, PairLevel
from desktop_app.services import settings
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.services.registry import member_ids, plural
from desktop_app.services.validation import Refused
from desktop_app.textutil import clean, fio, fmt_date, ru_sort_key

S = ActiveStatus
REQUIREMENTS = {
    "category": "квалификационная категория (Положение о ММАН, п. 3.2)",
    "ped_education": "педагогическое образование (Положение о ММА, раздел 3 п. 1.2)",
}
# Which status each step needs before it, and the status it leads to.
NEXT_STEP = {S.CANDIDATE: S.SUBMITTED, S.SUBMITTED: S.DIAGNOSED, S.DIAGNOSED: S.INCLUDED,
             S.INCLUDED: S.EXCLUDED}
OPEN_STATUSES = (S.CANDIDATE, S.SUBMITTED, S.DIAGNOSED, S.INCLUDED)


# presets of grounds ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GroundRow:
    id: int
    number: int
    text: str
    mandatory: bool


@dataclass(frozen=True)
class PresetRow:
    id: int
    code: str
    name: str
    source: str
    requirement: str
    min_experience_years: int
    grounds: tuple[GroundRow, ...]
    in_force: bool


def list_presets(session: Session) -> list[PresetRow]:
    """Every preset of grounds, the one in force marked."""
    current = settings.get(session, "ground_preset")
    stmt = select(GroundPreset).options(selectinload(GroundPreset.grounds)).order_by(
        GroundPreset.id)
    return [
        PresetRow(p.id, p.code, p.name, p.source, p.requirement, p.min_experience_years,
                  tuple(GroundRow(g.id, g.number, g.text, g.mandatory) for g in p.grounds),
                  p.code == current)
        for p in session.scalars(stmt)
    ]


def preset_in_force(session: Session) -> PresetRow:
    """The preset named by the setting "ground_preset" (the first one if the setting is stale)."""
    presets = list_presets(session)
    if not presets:
        raise Refused("В базе нет ни одного перечня оснований включения в актив.")
    return next((p for p in presets if p.in_force), presets[0])


def set_preset_in_force(session: Session, preset_id: int) -> None:
    preset = _preset(session, preset_id)
    settings.put(session, {"ground_preset": preset.code})
    session.flush()


def _preset(session: Session, preset_id: int) -> GroundPreset:
    preset = session.get(GroundPreset, preset_id)
    if preset is None:
        raise Refused(f"Перечень оснований № {preset_id} не найден.")
    return preset


def update_preset(
    session: Session, preset_id: int, name: str, requirement: str, min_experience_years: int
) -> None:
    """Edit a preset's name, its qualification requirement and the minimum experience."""
    preset = _preset(session, preset_id)
    if not clean(name):
        raise Refused("«Название перечня»: не заполнено.")
    if requirement not in REQUIREMENTS:
        raise Refused(f"«Требование к квалификации»: неизвестный код «{requirement}».")
    if not 0 <= min_experience_years <= 40:
        raise Refused("«Минимальный стаж»: допустимо от 0 до 40 лет.")
    preset.name, preset.requirement = clean(name), requirement
    preset.min_experience_years = min_experience_years
    session.flush()


def add_preset(session: Session, name: str, requirement: str, copy_from: int | None = None) -> int:
    """A new preset (empty or a copy of another one's grounds); returns its id."""
    if not clean(name):
        raise Refused("«Название перечня»: не заполнено.")
    if requirement not in REQUIREMENTS:
        raise Refused(f"«Требование к квалификации»: неизвестный код «{requirement}».")
    number = (session.scalar(select(func.count(GroundPreset.id))) or 0) + 1
    code = f"user-{number}"
    while session.scalar(select(GroundPreset.id).where(GroundPreset.code == code)):
        number += 1
        code = f"user-{number}"
    preset = GroundPreset(code=code, name=clean(name), requirement=requirement,
                          min_experience_years=5)
    if copy_from is not None:
        source = _preset(session, copy_from)
        preset.grounds = [Ground(number=g.number, text=g.text, mandatory=g.mandatory)
                          for g in source.grounds]
        preset.min_experience_years = source.min_experience_years
    session.add(preset)
    session.flush()
    return preset.id


def add_ground(session: Session, preset_id: int, text: str, mandatory: bool = False) -> int:
    """Append a ground to a preset (next number); returns its id."""
    preset = _preset(session, preset_id)
    if not clean(text):
        raise Refused("«Текст основания»: не заполнен.")
    number = max((g.number for g in preset.grounds), default=0) + 1
    ground = Ground(number=number, text=clean(text), mandatory=mandatory)
    preset.grounds.append(ground)
    session.flush()
    return ground.id


def edit_ground(session: Session, ground_id: int, text: str, mandatory: bool) -> None:
    ground = _ground(session, ground_id)
    if not clean(text):
        raise Refused("«Текст основания»: не заполнен.")
    ground.text, ground.mandatory = clean(text), mandatory
    session.flush()


def _ground(session: Session, ground_id: int) -> Ground:
    ground = session.get(Ground, ground_id)
    if ground is None:
        raise Refused(f"Основание № {ground_id} не найдено.")
    return ground


def remove_ground(session: Session, ground_id: int) -> None:
    """Remove a ground no member refers to (a used one stays: members' records keep it)."""
    ground = _ground(session, ground_id)
    used = session.scalar(
        select(func.count()).select_from(MemberGround).where(MemberGround.ground_id == ground_id)
    ) or 0
    if used:
        raise Refused(
            f"Основание № {ground.number} указано у "
            f"{plural(used, 'члена', 'членов', 'членов')} актива: удалить его нельзя, "
            "можно изменить его текст."
        )
    ground.preset.grounds.remove(ground)  # delete-orphan: the row goes, the list stays in sync
    session.flush()


# eligibility ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    checks: tuple[Check, ...]

    @property
    def reasons(self) -> list[str]:
        """What is missing, in Russian (empty when eligible)."""
        return [c.detail for c in self.checks if not c.ok]

    def summary(self) -> str:
        return "соответствует" if self.eligible else "не соответствует: " + "; ".join(
            self.reasons)


def full_years_months(start: date, on: date) -> tuple[int, int]:
    """Full years and months from start to on (4 years 11 months is 4 full years)."""
    months = (on.year - start.year) * 12 + on.month - start.month
    if on.day < start.day:
        months -= 1
    months = max(months, 0)
    return months // 12, months % 12


def check_eligibility(
    *, experience_start: date | None, category: str, pedagogical_education: bool | None,
    ground_count: int, requirement: str, min_years: int, on: date,
) -> Eligibility:
    """The rules of seeds 000 §3.2 / 004 §3 1.2 on a date, each with its reason."""
    checks = [_experience_check(experience_start, min_years, on)]
    if requirement == "category":
        # «не указано» is not a category: the requirement is not shown to be met
        ok = category not in (Category.NONE.value, Category.UNKNOWN.value)
        label = Category(category).label if category in Category._value2member_map_ else category
        missing = ("квалификационная категория не указана" if category == Category.UNKNOWN.value
                   else "нет квалификационной категории")
        checks.append(Check("Квалификационная категория", ok,
                            f"категория: {label}" if ok else missing))
    else:
        checks.append(Check("Педагогическое образование", pedagogical_education is True,
                            "педагогическое образование есть" if pedagogical_education
                            else "педагогическое образование не указано"
                            if pedagogical_education is None
                            else "нет педагогического образования"))
    checks.append(Check("Основания включения", ground_count > 0,
                        f"оснований: {ground_count}" if ground_count
                        else "не указано ни одного основания включения"))
    return Eligibility(all(c.ok for c in checks), tuple(checks))


def _experience_check(start: date | None, min_years: int, on: date) -> Check:
    label = "Педагогический стаж"
    if start is None:
        return Check(label, False, "не указано начало педагогического стажа")
    years, months = full_years_months(start, on)
    have = f"{plural(years, 'год', 'года', 'лет')} {plural(months, 'месяц', 'месяца', 'месяцев')}"
    if years >= min_years:
        return Check(label, True, f"стаж {have} на {fmt_date(on)}")
    need = plural(min_years, "года", "лет", "лет")
    return Check(label, False, f"стаж {have} на {fmt_date(on)} — меньше {need}")


def member_eligibility(session: Session, member_id: int, on: date | None = None) -> Eligibility:
    """Eligibility of a member record under the preset in force."""
    member = _member(session, member_id)
    return _eligibility_of(member, preset_in_force(session), on or date.today())


def _eligibility_of(member: ActiveMember, preset: PresetRow, on: date) -> Eligibility:
    p = member.person
    return check_eligibility(
        experience_start=p.ped_experience_start, category=p.category,
        pedagogical_education=p.education_pedagogical, ground_count=len(member.grounds),
        requirement=preset.requirement, min_years=preset.min_experience_years, on=on,
    )


# members and their path ------------------------------------------------------------------------
@dataclass(frozen=True)
class MemberInput:
    """What the centre records about a member besides the path: role, directions, area, grounds."""

    role: str = ActiveRole.MEMBER.value
    subject_area: str = ""
    directions: tuple[str, ...] = ()
    ground_ids: tuple[int, ...] = ()
    notes: str = ""


def _member(session: Session, member_id: int) -> ActiveMember:
    member = session.get(ActiveMember, member_id)
    if member is None:
        raise Refused(f"Запись актива № {member_id} не найдена.")
    return member


def _check_member_input(session: Session, data: MemberInput, old: set[int]) -> None:
    errors = []
    if data.role not in ActiveRole._value2member_map_:
        errors.append(f"«Роль»: неизвестный код «{data.role}».")
    wrong = [d for d in data.directions if d not in ActiveDirection._value2member_map_]
    if wrong:
        errors.append(f"«Направления»: неизвестные коды {', '.join(wrong)}.")
    allowed = {g.id for g in preset_in_force(session).grounds} | old
    foreign = [g for g in data.ground_ids if g not in allowed]
    if foreign:
        errors.append("«Основания включения»: основание не из перечня, действующего сейчас.")
    if errors:
        raise Refused("\n".join(errors))


def _apply_member_input(member: ActiveMember, data: MemberInput) -> None:
    member.role = data.role
    member.subject_area = clean(data.subject_area)
    member.notes = data.notes.strip()
    member.directions = [MemberDirection(direction=d) for d in dict.fromkeys(data.directions)]
    member.grounds = [MemberGround(ground_id=g) for g in dict.fromkeys(data.ground_ids)]


def add_candidate(
    session: Session, person_id: int, data: MemberInput, request_date: date | None = None
) -> int:
    """Record a candidate (the request went out); a person has one open record at a time."""
    person = session.get(Person, person_id)
    if person is None:
        raise Refused(f"Педагог № {person_id} не найден.")
    who = fio(person.last_name, person.first_name, person.middle_name)
    if not person.is_active:
        raise Refused(f"{who} выбыл(а) {fmt_date(person.left_on)}: в актив не предлагается.")
    open_record = session.scalar(select(ActiveMember).where(
        ActiveMember.person_id == person_id, ActiveMember.status.in_(OPEN_STATUSES)))
    if open_record is not None:
        raise Refused(f"{who} уже в списке актива: {ActiveStatus(open_record.status).label} "
                      f"(запись № {open_record.id}).")
    _check_member_input(session, data, set())
    if request_date is not None and request_date > date.today():
        raise Refused(f"«Дата запроса»: дата {fmt_date(request_date)} ещё не наступила.")
    member = ActiveMember(person_id=person_id, status=S.CANDIDATE.value,
                          request_date=request_date)
    _apply_member_input(member, data)
    session.add(member)
    session.flush()
    return member.id


def update_member(session: Session, member_id: int, data: MemberInput, *,
                  expected_version: int | None = None) -> None:
    """Save the form. expected_version: the member's version the form was opened with;
    refused when another seat saved the record since (services/record_versions.py)."""
    member = _member(session, member_id)
    check_version(session, member, expected_version, Refused)
    _check_member_input(session, data, {g.ground_id for g in member.grounds})
    with stale_refused(session, member, Refused):
        saved(member)
        _apply_member_input(member, data)
        session.flush()


def withdraw_candidate(session: Session, member_id: int) -> None:
    """Remove a candidate who was never included (an included member is excluded instead)."""
    member = _member(session, member_id)
    if member.status in (S.INCLUDED, S.EXCLUDED):
        raise Refused("Член актива не удаляется: его можно только исключить (дата, причина), "
                      "чтобы история приказов сохранилась.")
    session.delete(member)
    session.flush()


def _step(member: ActiveMember, target: ActiveStatus, on: date, previous: date | None) -> None:
    """Refuse a forbidden jump, a future date or a date before the previous step."""
    current = ActiveStatus(member.status)
    if NEXT_STEP.get(current) != target:
        expected = [s for s, t in NEXT_STEP.items() if t == target]
        need = f"сначала статус «{expected[0].label}»" if expected else "этот шаг невозможен"
        raise Refused(f"Нельзя перейти из статуса «{current.label}» в «{target.label}»: {need}.")
    if on > date.today():
        raise Refused(f"«Дата»: дата {fmt_date(on)} ещё не наступила.")
    if previous is not None and on < previous:
        raise Refused(f"«Дата»: {fmt_date(on)} раньше предыдущего шага ({fmt_date(previous)}).")


def submit(session: Session, member_id: int, on: date, by_org_id: int | None = None,
           by_body: str = "") -> None:
    """представлен: by an ОО or a body (ГМО, Управление образования …) on a date."""
    member = _member(session, member_id)
    _step(member, S.SUBMITTED, on, member.request_date)
    if by_org_id is None and not clean(by_body):
        raise Refused("«Кем представлен»: укажите ОО или орган, представивший кандидата.")
    if by_org_id is not None and session.get(Organisation, by_org_id) is None:
        raise Refused(f"«Кем представлен»: организация № {by_org_id} не найдена.")
    member.status, member.submitted_on = S.SUBMITTED.value, on
    member.nominated_by_org_id, member.nominated_by_body = by_org_id, clean(by_body)
    session.flush()


def mark_diagnosed(session: Session, member_id: int, on: date) -> None:
    """прошёл диагностику профессиональных компетенций (seed 004 §3 1.4 item 4)."""
    member = _member(session, member_id)
    _step(member, S.DIAGNOSED, on, member.submitted_on)
    member.status, member.diagnosed_on = S.DIAGNOSED.value, on
    session.flush()


def include(session: Session, member_id: int, order_number: str, on: date,
            ineligible_reason: str = "") -> Eligibility:
    """включён by an order (№, date); an ineligible candidate needs a recorded reason."""
    member = _member(session, member_id)
    _step(member, S.INCLUDED, on, member.diagnosed_on)
    number = clean(order_number).lstrip("№").strip()
    if not number:
        raise Refused("«Номер приказа»: не заполнен.")
    result = _eligibility_of(member, preset_in_force(session), on)
    if not result.eligible and not clean(ineligible_reason):
        raise Refused("Кандидат не соответствует требованиям: " + "; ".join(result.reasons)
                      + ". Включить можно, только записав причину.")
    member.status, member.included_on, member.included_order_number = S.INCLUDED.value, on, number
    member.ineligible_reason = "" if result.eligible else ineligible_reason.strip()
    session.flush()
    return result


def exclude(session: Session, member_id: int, on: date, reason: str) -> None:
    """исключён on a date for a reason (the record and its order stay)."""
    member = _member(session, member_id)
    _step(member, S.EXCLUDED, on, member.included_on)
    if not clean(reason):
        raise Refused("«Причина исключения»: не заполнена.")
    member.status, member.excluded_on = S.EXCLUDED.value, on
    member.exclusion_reason = reason.strip()
    session.flush()


# lists -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MemberRow:
    id: int
    person_id: int
    fio: str
    organisation: str
    position: str
    status: str
    status_code: str
    role: str
    role_code: str
    directions: str
    subject_area: str
    grounds: str
    submitted_by: str
    submitted_on: date | None
    diagnosed_on: date | None
    order_number: str
    included_on: date | None
    excluded_on: date | None
    exclusion_reason: str
    eligibility: Eligibility
    ineligible_reason: str
    direction_codes: tuple[str, ...]
    ground_ids: tuple[int, ...]
    notes: str


def list_members(session: Session, on: date | None = None) -> list[MemberRow]:
    """Every record of the active (all statuses), with eligibility under the preset in force."""
    on = on or date.today()
    preset = preset_in_force(session)
    stmt = select(ActiveMember).options(
        selectinload(ActiveMember.person).selectinload(Person.organisation),
        selectinload(ActiveMember.grounds).selectinload(MemberGround.ground),
        selectinload(ActiveMember.directions), selectinload(ActiveMember.nominated_by_org),
    )
    rows = [_member_row(m, preset, on) for m in session.scalars(stmt)]
    return sorted(rows, key=lambda r: ru_sort_key(r.fio))


def _member_row(m: ActiveMember, preset: PresetRow, on: date) -> MemberRow:
    p = m.person
    by = m.nominated_by_org.short_name if m.nominated_by_org else m.nominated_by_body
    order = list(ActiveDirection)
    directions = sorted((ActiveDirection(d.direction) for d in m.directions), key=order.index)
    return MemberRow(
        m.id, p.id, fio(p.last_name, p.first_name, p.middle_name),
        p.organisation.short_name if p.organisation else "", p.position,
        ActiveStatus(m.status).label, m.status, ActiveRole(m.role).label, m.role,
        ", ".join(d.label for d in directions), m.subject_area,
        ", ".join(str(g.ground.number) for g in sorted(m.grounds, key=lambda g: g.ground.number)),
        by, m.submitted_on, m.diagnosed_on, m.included_order_number, m.included_on,
        m.excluded_on, m.exclusion_reason, _eligibility_of(m, preset, on), m.ineligible_reason,
        tuple(d.value for d in directions), tuple(g.ground_id for g in m.grounds), m.notes,
    )


def get_member(session: Session, member_id: int, on: date | None = None) -> MemberRow:
    member = _member(session, member_id)
    return _member_row(member, preset_in_force(session), on or date.today())


def _included_on(rows: list[MemberRow], on: date) -> list[MemberRow]:
    return [r for r in rows if r.included_on is not None and r.included_on <= on
            and (r.excluded_on is None or r.excluded_on > on)]


@dataclass(frozen=True)
class Composition:
    total: int
    by_role: tuple[tuple[str, int], ...]
    by_organisation: tuple[tuple[str, int], ...]
    by_direction: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[str, int], ...]


def composition(
    session: Session, on: date | None = None, rows: list[MemberRow] | None = None
) -> Composition:
    """Members included on the date, counted by role, ОО and direction; all records by status.

    rows: list_members() already read for the same date (saves reading them again)."""
    on = on or date.today()
    rows = rows if rows is not None else list_members(session, on)
    members = _included_on(rows, on)
    roles = Counter(r.role_code for r in members)
    orgs = Counter(r.organisation or "без места работы" for r in members)
    directions = Counter(d for r in members for d in r.direction_codes)
    statuses = Counter(r.status_code for r in rows)
    return Composition(
        len(members),
        # «не указано» (a role left blank on the form) only when someone has it
        tuple((role.label, roles[role.value]) for role in ActiveRole
              if role != ActiveRole.UNKNOWN or roles[role.value]),
        tuple(sorted(orgs.items(), key=lambda kv: ru_sort_key(kv[0]))),
        tuple((d.label, directions[d.value]) for d in ActiveDirection),
        tuple((s.label, statuses[s.value]) for s in ActiveStatus),
    )


@dataclass(frozen=True)
class Gaps:
    without_member: tuple[str, ...]
    low_results_unsupported: tuple[str, ...]


def gaps(session: Session, on: date | None = None) -> Gaps:
    """Working ОО with no member of the active; ШНОР with no included member from it and no
    municipal-level pair running on the date with a mentee working there (seed 004, item 2)."""
    on = on or date.today()
    members = member_ids(session, on)
    member_orgs = set(session.scalars(
        select(Person.organisation_id).where(Person.id.in_(members), Person.is_active.is_(True))))
    running = select(Pair.id).where(
        Pair.level == PairLevel.MUNICIPAL.value, Pair.start_date <= on, Pair.end_date >= on,
        (Pair.ended_on.is_(None)) | (Pair.ended_on > on))
    supported = set(session.scalars(
        select(Person.organisation_id).join(PairMentee, PairMentee.person_id == Person.id)
        .where(PairMentee.pair_id.in_(running))))
    orgs = session.scalars(select(Organisation).where(Organisation.is_active.is_(True))).all()
    orgs = sorted(orgs, key=lambda o: ru_sort_key(o.short_name))
    return Gaps(
        tuple(o.short_name for o in orgs if o.id not in member_orgs),
        tuple(o.short_name for o in orgs
              if o.is_low_results and o.id not in member_orgs and o.id not in supported),
    )


@dataclass(frozen=True)
class PublicRow:
    fio: str
    place_of_work: str
    position: str
    subject_area: str
    email: str


def member_on(on: date) -> ColumnElement[bool]:
    """A member of the active on the date: included on or before it (an undated inclusion
    counts), not excluded by then, working on the date. The one rule of the documents
    (reports/queries.py), the public list and the site page."""
    included = ActiveMember.included_on.is_(None) & (ActiveMember.status == S.INCLUDED.value)
    return and_(
        ActiveMember.status.in_((S.INCLUDED.value, S.EXCLUDED.value)),
        included | (ActiveMember.included_on <= on),
        ActiveMember.excluded_on.is_(None) | (ActiveMember.excluded_on > on),
        (Person.is_active.is_(True) & Person.left_on.is_(None)) | (Person.left_on > on),
    )


def may_publish() -> ColumnElement[bool]:
    """The person consented to the publication of the public fields (seed 000 §2.3)."""
    return Person.consent_publish.is_(True)


def public_list(session: Session, on: date | None = None) -> list[PublicRow]:
    """The public composition list (seed 000 §2.3) on the date: the members (member_on) who
    consented to publication (may_publish), with the public fields only — ФИО, place of work,
    position, subject area, e-mail; no other column is even read. The one rule of the window's
    «Публичный список», the printed list (reports/lists.py) and the site page (reports/site.py).
    """
    on = on or date.today()
    stmt = (
        select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
               Organisation.full_name, Organisation.short_name, Person.position,
               ActiveMember.subject_area, Person.subject, Person.email)
        .join(Person, Person.id == ActiveMember.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(member_on(on), may_publish())
    )
    rows: dict[int, PublicRow] = {}
    for pid, last, first, middle, full, short, position, area, subject, email in \
            session.execute(stmt):
        rows[pid] = PublicRow(fio(last, first, middle), full or short or "", position,
                              area or subject, email)
    return sorted(rows.values(), key=lambda r: ru_sort_key(r.fio))


def publishable(session: Session, person_ids: Iterable[int]) -> set[int]:
    """Of these people, those whose public fields may be published (may_publish): the rule of
    the public list applied to anyone else shown by name on a public page (authors)."""
    wanted = set(person_ids)
    if not wanted:
        return set()
    stmt = select(Person.id).where(Person.id.in_(wanted), may_publish())
    return set(session.scalars(stmt))
