"""The lists over all pairs: the forms of mentorship, the pairs' list and what it lacks.

The forms of mentorship and the ОО filter's choices (FormRow, list_forms, add_form,
organisation_choices); the list of pairs and groups with its flags and filter (PairRow,
PairFilter, list_pairs, built in plain SQL for speed at region scale); the young specialists
without a mentor that indicator 5 measures (YoungRow, young_without_mentor) and the mentees in
two or more open programmes of one direction (repeated_direction_mentees).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Date, String, bindparam, cast, func, select, text
from sqlalchemy.orm import Session

from desktop_app.model import (
    MentorshipForm,
    Organisation,
    Pair,
    PairDirectionLink,
    PairMentee,
    Person,
)
from desktop_app.model.enums import MenteeCategory, PairDirection, PairLevel, PairStatus
from desktop_app.services.pairs.rules import (
    ENDING_SOON_DAYS,
    OPEN_STATUSES,
    STALE_MONTHS,
    YOUNG_AGE,
    YOUNG_EXPERIENCE,
    PairError,
    add_months,
)
from desktop_app.store.dialect import (
    as_date,
    as_datetime,
    binary_order,
    binary_order_sql,
    dialect_name,
    full_name_sql,
    short_name_sql,
)
from desktop_app.textutil import clean, fmt_date, fold, ru_sort_key, short_fio, years_between

# forms -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    id: int
    name: str
    description: str
    builtin: bool


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """(id, short name) of every organisation, for the ОО filter (code point order of the
    short name, on either engine)."""
    stmt = select(Organisation.id, Organisation.short_name).order_by(
        binary_order(Organisation.short_name))
    return [(i, n) for i, n in session.execute(stmt)]


def list_forms(session: Session) -> list[FormRow]:
    stmt = select(MentorshipForm).order_by(MentorshipForm.position,
                                           binary_order(MentorshipForm.name))
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
    # the ОО of the municipality chosen: the mentor's or a mentee's ОО is one of them
    organisations: frozenset[int] | None = None

    def matches(self, row: PairRow) -> bool:
        if self.organisation_id is not None and self.organisation_id not in row.org_ids:
            return False
        if self.organisations is not None and not self.organisations & row.org_ids:
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


# Plain SQL with the short names built by the database: at region scale (10 000 pairs) building
# the rows through the ORM and Python name formatting took about a second.
_PAIRS_SQL = text(f"""
SELECT p.id, {short_name_sql("m")}, m.organisation_id, o.short_name, f.name, p.form_id, p.status,
       p.start_date, p.end_date, p.order_number, p.level, p.updated_at, p.mentee_category
FROM pairs p
JOIN people m ON m.id = p.mentor_id
LEFT JOIN organisations o ON o.id = m.organisation_id
JOIN mentorship_forms f ON f.id = p.form_id
""")
_MENTEES_SQL = text(f"""
SELECT pm.pair_id, {short_name_sql("x")}, x.organisation_id
FROM pair_mentees pm JOIN people x ON x.id = pm.person_id
""")


def _name_key(name: str) -> str:
    return name.lower().replace("ё", "е")


def _mentees_by_pair(
    session: Session,
) -> tuple[dict[int, str], dict[int, int], dict[int, set[int]]]:
    """Joined mentee names (Russian order), their count and their ОО, by pair."""
    names: dict[int, list[str]] = {}
    orgs: dict[int, set[int]] = {}
    for pair_id, short, org in session.execute(_MENTEES_SQL):
        names.setdefault(pair_id, []).append(short)
        if org is not None:
            orgs.setdefault(pair_id, set()).add(org)
    joined = {
        k: v[0] if len(v) == 1 else ", ".join(sorted(v, key=_name_key))
        for k, v in names.items()
    }
    return joined, {k: len(v) for k, v in names.items()}, orgs


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
         updated, category) in session.execute(_PAIRS_SQL):
        end_date, updated_at = as_date(end), as_datetime(updated)
        org_ids = orgs.get(pid, set())
        if mentor_org is not None:
            org_ids.add(mentor_org)
        is_open = status in OPEN_STATUSES
        rows.append(PairRow(
            pid, mentor, org_name or "", names.get(pid, ""), counts.get(pid, 0), form,
            statuses.get(status, status), as_date(start), end_date, order, status, form_id,
            frozenset(org_ids), levels.get(level, level),
            updated_at, is_open and today <= end_date <= soon_until,
            is_open and (updated_at is None or updated_at.date() <= stale_until),
            categories.get(category, category),
        ))
    rows.sort(key=lambda r: (-r.start_date.toordinal(), r.id))  # newest programmes first
    if flt is not None:
        rows = [row for row in rows if flt.matches(row)]
    return rows


# the pairs as one line each, to choose from -----------------------------------------------------
class PairChoice(NamedTuple):
    """A pair as a line to choose: «Иванова А.И. → Орлова М.И., Петров П.П. (01.09.2023 –
    31.05.2024)» (the mentees in Russian order; «—» for none), with its people (the mentor
    first, then the mentees) and its start."""

    id: int
    label: str
    people: tuple[int, ...]
    start: date


_CHOICES_SQL = f"""
SELECT p.id, p.mentor_id, {short_name_sql("m")}, p.start_date, p.end_date
FROM pairs p JOIN people m ON m.id = p.mentor_id
"""
_CHOICE_MENTEES_SQL = f"""
SELECT pm.pair_id, pm.person_id, {short_name_sql("x")}
FROM pair_mentees pm JOIN people x ON x.id = pm.person_id
"""


def pair_choices(session: Session, only: Iterable[int] | None = None) -> list[PairChoice]:
    """Every pair (or those of only) as a line, by the mentor's ФИО in Russian order, then the
    start, in plain SQL with the names made by the database: the documents dialog lists the
    10 000 pairs of a region."""
    ids = None if only is None else list(only)
    mentees_sql, pairs_sql = _CHOICE_MENTEES_SQL, _CHOICES_SQL
    if ids is not None:
        mentees_sql += " WHERE pm.pair_id IN :ids"
        pairs_sql += " WHERE p.id IN :ids"
    order = binary_order_sql(dialect_name(session), "m.sort_key")
    pairs_sql += f" ORDER BY {order}, m.id, p.start_date, p.id"
    params = {} if ids is None else {"ids": ids}

    def run(sql: str) -> Any:
        statement = text(sql)
        if ids is not None:
            statement = statement.bindparams(bindparam("ids", expanding=True))
        return session.execute(statement, params).all()

    names: dict[int, list[str]] = {}
    people: dict[int, list[int]] = {}
    for pair_id, person_id, short in run(mentees_sql):
        if pair_id in names:
            names[pair_id].append(short)
            people[pair_id].append(person_id)
        else:
            names[pair_id], people[pair_id] = [short], [person_id]
    out = []
    none: list[int] = []
    dates: dict[Any, tuple[date, str]] = {}  # pairs share their dates: each read once

    def read(value: Any) -> tuple[date, str]:
        found = dates.get(value)
        if found is None:
            day = as_date(value)
            found = dates[value] = day, fmt_date(day)
        return found

    for pid, mentor_id, mentor, start, end in run(pairs_sql):
        listed = names.get(pid)
        mentees = ("—" if not listed else listed[0] if len(listed) == 1
                   else ", ".join(sorted(listed, key=_name_key)))
        begins, shown = read(start)
        out.append(PairChoice(pid, f"{mentor} → {mentees} ({shown} – {read(end)[1]})",
                              (mentor_id, *people.get(pid, none)), begins))
    return out


# young specialists without a mentor (the gap indicator 5 measures) ------------------------------


@dataclass(frozen=True)
class YoungRow:
    id: int
    fio: str
    organisation: str
    position: str
    age: int
    experience_years: int


_YOUNG_SQL = text(f"""
SELECT p.id, {full_name_sql("p")},
       coalesce(o.short_name, ''), p.position, p.birth_date, p.ped_experience_start
FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
WHERE p.is_active AND p.birth_date > :born_after
  AND p.ped_experience_start > :started_after AND p.ped_experience_start <= :on
  AND NOT EXISTS (
      SELECT 1 FROM pair_mentees pm JOIN pairs x ON x.id = pm.pair_id
      WHERE pm.person_id = p.id AND x.status IN ('planned', 'active')
        AND x.start_date <= :on AND x.end_date >= :on)
""").bindparams(*(bindparam(name, type_=Date) for name in ("on", "born_after", "started_after")))


def young_without_mentor(session: Session, on: date | None = None) -> list[YoungRow]:
    """Active people under 35 with under 3 full years of pedagogical experience on the date
    who are not a mentee of a planned or active pair whose period contains the date.

    A person with no recorded start of experience is not counted (the experience is unknown).
    """
    on = on or date.today()
    params = {
        "on": on,
        "born_after": add_months(on, -12 * YOUNG_AGE),
        "started_after": add_months(on, -12 * YOUNG_EXPERIENCE),
    }
    rows = [
        YoungRow(pid, name, org, position, years_between(as_date(born), on),
                 years_between(as_date(started), on))
        for pid, name, org, position, born, started in session.execute(_YOUNG_SQL, params)
    ]
    rows.sort(key=lambda r: ru_sort_key(r.fio))
    return rows


def repeated_direction_mentees(session: Session) -> list[str]:
    """People who are mentees in two or more open programmes of one direction, one line each
    («Петрова М.И.: пары № 3, № 8, направление «…»»), by person and direction."""
    stmt = (
        select(PairMentee.person_id, PairDirectionLink.direction,
               # group_concat on SQLite, string_agg on PostgreSQL (which joins text only)
               func.aggregate_strings(cast(Pair.id, String), ","))
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

