"""The registry's two lists read with plain SQL, without SQLAlchemy: people and organisations.

The window lists 30 000 people through these before SQLAlchemy and the models are loaded
(Database.fetch); the registry services give the same rows inside a session (registry.py).
People arrive in Russian alphabetical order of their ФИО from SQL (people.sort_key), so the
list shows them without sorting in Python."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import product
from typing import Any, NamedTuple

from desktop_app.model.enums import Category, OrgKind
from desktop_app.store.dialect import (
    POSTGRESQL,
    SQLITE,
    as_date,
    as_date_or_none,
    binary_order_sql,
    full_years_params,
    full_years_sql,
)
from desktop_app.textutil import fio, fold

# one reading statement with named parameters (:name) → its rows (Database.fetch, or a
# session's: registry_lists.session_fetch). Dates go in as ISO text, which a plain sqlite3
# connection takes and PostgreSQL types by what the text is compared with.
Fetch = Callable[[str, dict[str, Any]], Sequence[tuple[Any, ...]]]

UNDER_AGE = 35
YOUNG_SPECIALIST_YEARS = 3


class PersonRow(NamedTuple):
    """One person of the list, immutable. Its first ten fields are the people list's columns
    and its last the id, so the window shows the rows as they are (a named tuple: 30 000 of
    them are built at start-up, several times faster than frozen dataclasses)."""

    fio: str
    birth_date: date
    age: int
    organisation: str
    position: str
    category: str
    subject: str
    experience_years: int | None
    is_active: bool
    roles: str  # «актив, наставник, наставляемый» as far as they apply
    is_member: bool
    is_mentor: bool
    is_mentee: bool
    organisation_id: int | None
    category_code: str
    is_young_specialist: bool
    id: int


@dataclass(frozen=True)
class PersonFilter:
    """The filters of the people list; None or False means «any»."""

    organisation_id: int | None = None
    position: str = ""
    category: str | None = None
    under_35: bool = False
    young_specialist: bool = False
    member: bool = False
    mentor: bool = False
    mentee: bool = False
    include_left: bool = True
    # the ОО of the municipality chosen (None: every municipality)
    organisations: frozenset[int] | None = None


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    short_name: str
    full_name: str
    kind: str
    is_low_results: bool
    is_difficult_conditions: bool
    mentoring_act_date: date | None
    mentoring_act_number: str
    is_active: bool
    mentoring_programme_date: date | None = None
    curator: str = ""
    people_count: int = 0
    kind_code: str = ""
    municipality_id: int | None = None
    municipality: str = ""


RUNNING_PAIRS_SQL = """SELECT id FROM pairs
  WHERE start_date <= :on AND end_date >= :on AND (ended_on IS NULL OR ended_on > :on)"""


def _people_sql(dialect: str) -> str:
    """Every person with the ФИО joined, the full years of experience and of age on :on, in
    the order of people.sort_key (code point order on either engine: store.dialect)."""
    return f"""
SELECT p.id,
  substr(CASE WHEN p.last_name <> '' THEN ' ' || p.last_name ELSE '' END
         || CASE WHEN p.first_name <> '' THEN ' ' || p.first_name ELSE '' END
         || CASE WHEN p.middle_name <> '' THEN ' ' || p.middle_name ELSE '' END, 2),
  p.birth_date, p.organisation_id, p.position, p.category, p.subject,
  CASE WHEN p.ped_experience_start IS NULL THEN NULL
       ELSE {full_years_sql(dialect, "p.ped_experience_start")} END,
  p.is_active, {full_years_sql(dialect, "p.birth_date")}
FROM people p
ORDER BY {binary_order_sql(dialect, "p.sort_key")}, p.id
"""


_PEOPLE_SQL = _people_sql(SQLITE)
_PEOPLE_SQL_ON = {SQLITE: _PEOPLE_SQL, POSTGRESQL: _people_sql(POSTGRESQL)}
# who has each role on :on: the active's members, mentors and mentees of running pairs
_ROLE_SQL = (
    """SELECT person_id FROM active_members WHERE included_on IS NOT NULL
       AND included_on <= :on AND (excluded_on IS NULL OR excluded_on > :on)""",
    f"SELECT mentor_id FROM pairs WHERE id IN ({RUNNING_PAIRS_SQL})",
    f"SELECT person_id FROM pair_mentees WHERE pair_id IN ({RUNNING_PAIRS_SQL})",
)
_ROLE_NAMES = ("актив", "наставник", "наставляемый")


def _roles(flags: tuple[bool, bool, bool]) -> tuple[str, bool, bool, bool]:
    return (", ".join(name for flag, name in zip(flags, _ROLE_NAMES, strict=True) if flag),
            *flags)


# (roles text, member, mentor, mentee) of each combination of the three
_ROLES = {(a, b, c): _roles((a, b, c)) for a, b, c in product((False, True), repeat=3)}


def member_ids(fetch: Fetch, on: date) -> set[int]:
    """People included in the active and not excluded on the date."""
    return {pid for (pid,) in fetch(_ROLE_SQL[0], {"on": on.isoformat()})}


def people_rows(fetch: Fetch, on: date, dialect: str = SQLITE) -> list[PersonRow]:
    """Every person with place of work, age, experience and roles on a date, in Russian
    alphabetical order of the ФИО (equal names by id). dialect: the engine fetch reads
    («sqlite» or «postgresql», store.dialect).

    One SQL statement computes names and full years; Python turns dates and flags into their
    types and looks the roles up in three sets. The cyclic collector is held while the rows
    are built (30 000 rows would trigger it dozens of times for nothing)."""
    labels = {c.value: c.label for c in Category}
    orgs: dict[int | None, str] = dict(fetch("SELECT id, short_name FROM organisations", {}))
    params = full_years_params(on)
    members, mentors, mentees = ({pid for (pid,) in fetch(sql, params)} for sql in _ROLE_SQL)
    raw = fetch(_PEOPLE_SQL_ON[dialect], params)
    # SQLite gives the birth date as ISO text, PostgreSQL as a date
    parse = date.fromisoformat if dialect == SQLITE else as_date
    young, roles, new = YOUNG_SPECIALIST_YEARS, _ROLES, PersonRow
    collecting = gc.isenabled()
    gc.disable()
    try:
        # mypy 2.4 types dict.get(any, any) as «str | None» in these calls, hence «in»
        return [
            new(name, parse(born), age, orgs.get(org_id, ""), position,
                labels[code] if code in labels else code,  # noqa: SIM401
                subject, exp, working == 1,  # 1 or True
                *roles[pid in members, pid in mentors, pid in mentees],
                org_id, code, exp is not None and exp < young, pid)
            for (pid, name, born, org_id, position, code, subject, exp, working, age) in raw
        ]
    finally:
        if collecting:
            gc.enable()


def matches(row: PersonRow, f: PersonFilter) -> bool:
    """Whether a row passes the filters (the list filters in memory, the services the same)."""
    if f.organisation_id is not None and row.organisation_id != f.organisation_id:
        return False
    if f.organisations is not None and row.organisation_id not in f.organisations:
        return False
    if f.position and fold(f.position) not in fold(row.position):
        return False
    if f.category is not None and row.category_code != f.category:
        return False
    if not f.include_left and not row.is_active:
        return False
    return not (
        (f.under_35 and row.age >= UNDER_AGE)
        or (f.young_specialist and not row.is_young_specialist)
        or (f.member and not row.is_member)
        or (f.mentor and not row.is_mentor)
        or (f.mentee and not row.is_mentee)
    )


def positions_of(rows: Sequence[PersonRow]) -> list[str]:
    """The distinct positions of the people listed, in folded order (the filter's list)."""
    return sorted({row.position for row in rows if row.position}, key=fold)


_ORGANISATIONS_SQL = """
SELECT o.id, o.short_name, o.full_name, o.kind, o.is_low_results, o.is_difficult_conditions,
  o.mentoring_act_date, o.mentoring_act_number, o.is_active, o.mentoring_programme_date,
  c.last_name, c.first_name, c.middle_name, o.municipality_id, m.name
FROM organisations o LEFT JOIN people c ON c.id = o.curator_id
  LEFT JOIN municipalities m ON m.id = o.municipality_id
{where}ORDER BY {order}
"""


def organisation_rows(fetch: Fetch, include_inactive: bool = True,
                      people: Sequence[PersonRow] | None = None,
                      dialect: str = SQLITE) -> list[OrganisationRow]:
    """Every organisation with its curator and number of working people, by short name in code
    point order on either engine (the people counted from the rows given, when the caller has
    just read them all)."""
    counts: dict[int | None, int]
    if people is None:
        counts = dict(fetch("SELECT organisation_id, count(*) FROM people WHERE is_active "
                            "GROUP BY organisation_id", {}))
    else:
        counts = Counter(row.organisation_id for row in people if row.is_active)
    kinds = {k.value: k.label for k in OrgKind}
    sql = _ORGANISATIONS_SQL.format(where="" if include_inactive else "WHERE o.is_active\n",
                                    order=binary_order_sql(dialect, "o.short_name"))
    return [
        OrganisationRow(
            oid, short, full, kinds[kind] if kind in kinds else kind,  # noqa: SIM401
            bool(low), bool(difficult),
            as_date_or_none(act_date), act_number or "", bool(active),
            as_date_or_none(programme_date),
            fio(last, first, middle or "") if last else "", counts.get(oid, 0), kind,
            municipality_id, municipality or "",
        )
        for (oid, short, full, kind, low, difficult, act_date, act_number, active,
             programme_date, last, first, middle, municipality_id, municipality)
        in fetch(sql, {})
    ]

