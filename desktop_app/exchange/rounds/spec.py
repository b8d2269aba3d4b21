"""What a collection round's workbook holds — shared by writing it and reading it back.

A round file of one ОО has, in this order: the sheet «Как заполнить» (plain Russian for the
school), the data sheets of SHEETS (the columns of the blank forms, the same titles, dropdowns
and closing/leaving columns, plus a last column «Код записи» that finds a sent row again), the
hidden list sheet of the blank forms, and the very hidden, protected sheet ROUND_SHEET that names
the round, the ОО and the fingerprint of what was sent, signed with the round's secret.

What was sent is a Snapshot: for each sheet kind, for each record code, the canonical text of
each cell (canon()). It is stored in round_files.snapshot; its SHA-256 is the fingerprint. A
returned file is read with the blank forms' reader, its rows turned into the same canonical text
and compared cell by cell with the snapshot (what the school changed) and with a snapshot of the
database now (what the centre changed since).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import Session, aliased

from desktop_app.exchange.kinds import (
    ORGANISATIONS,
    PAIRS as PAIRS_KIND,
    PARTICIPATIONS,
    PEOPLE,
    Field,
)

# the round's header lives in exchange/round_header.py (the blank forms' import reads it too);
# its names are this module's as well
from desktop_app.exchange.round_header import (
    FORMAT as FORMAT,
    MARK as MARK,
    ROUND_SHEET as ROUND_SHEET,
    Header as Header,
    HeaderProblem as HeaderProblem,
    read_header as read_header,
    signature as signature,
)
from desktop_app.model import (
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.model.enums import PairStatus
from desktop_app.textutil import clean, fio

GUIDE_SHEET = "Как заполнить"
CODE = Field(
    "code", "Код записи", width=12,
    note="Не меняйте и не стирайте: по этому коду строка находится в базе центра. У новой "
         "строки оставьте пустым. Строку не удаляйте: выбывшего отметьте в «Работает» "
         "и «Дата выбытия».")
# Pairs still to be reported on: planned and running (a finished one is history).
OPEN_PAIR_STATUSES = (PairStatus.PLANNED.value, PairStatus.ACTIVE.value)


class RoundError(Exception):
    """A round cannot be started, or a returned file is refused: the message, in Russian, says
    what and where (the file, the sheet, the row)."""


@dataclass(frozen=True)
class RoundSheet:
    """A data sheet of a round file: the blank form of kind, its title, and the code prefix."""

    kind: str
    title: str
    fields: tuple[Field, ...]
    prefix: str

    @property
    def form_fields(self) -> tuple[Field, ...]:
        """The columns of the blank form (without «Код записи»)."""
        return tuple(f for f in self.fields if f.key != CODE.key)


SHEETS: tuple[RoundSheet, ...] = (
    RoundSheet("organisations", "Организация", (*ORGANISATIONS.fields, CODE), "ОО"),
    RoundSheet("people", "Педагоги", (*PEOPLE.fields, CODE), "П"),
    RoundSheet("pairs", "Наставнические пары", (*PAIRS_KIND.fields, CODE), "Н"),
    RoundSheet("participations", "Участие в мероприятиях", (*PARTICIPATIONS.fields, CODE), "У"),
)
SHEET_BY_KIND = {s.kind: s for s in SHEETS}


def code_of(kind: str, *ids: int) -> str:
    """«П-12» (a person), «Н-7-31» (pair 7, mentee 31), «ОО-3», «У-55»."""
    return "-".join((SHEET_BY_KIND[kind].prefix, *(str(i) for i in ids)))


def ids_of(kind: str, code: str) -> tuple[int, ...] | None:
    """The ids in a code of the kind, or None when the text is not such a code."""
    prefix, _, rest = clean(code).partition("-")
    if prefix != SHEET_BY_KIND[kind].prefix or not rest:
        return None
    parts = rest.split("-")
    if not all(p.isdigit() and len(p) < 19 for p in parts):
        return None
    expected = 2 if kind == "pairs" else 1
    return tuple(int(p) for p in parts) if len(parts) == expected else None


def canon(value: Any) -> str:
    """The canonical text of a form value (as the reader gives it, or as the database holds
    it): what is compared. A blank and «не указано» are "" alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple | list | set | frozenset):
        return ";".join(sorted(canon(v) for v in value))
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum member
        return value.value
    return clean(str(value))


Rows = dict[str, dict[str, str]]  # code → field key → canonical text


@dataclass
class Snapshot:
    """What a round file shows an ОО: kind → code → field key → canonical text; codes in the
    order of the sheet."""

    rows: dict[str, Rows] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(self.rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        return cls({kind: dict(rows) for kind, rows in data.items()})

    def fingerprint(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


# the snapshot of the database ----------------------------------------------------------------
ORG_KEYS = tuple(f.key for f in ORGANISATIONS.fields)
PERSON_FORM_KEYS = tuple(f.key for f in PEOPLE.fields)


def working(on: date) -> Any:
    """A person working on the date: not left, or left after it."""
    return or_(Person.is_active.is_(True), Person.left_on > on)


def staff_ids(session: Session, org_id: int, on: date) -> list[int]:
    """The people working in the ОО on the date (its current staff not left by then), in the
    Russian order of their ФИО."""
    return list(session.scalars(
        select(Person.id).where(Person.organisation_id == org_id, working(on))
        .order_by(Person.sort_key, Person.id)))


def take_snapshot(session: Session, org_id: int, on: date) -> Snapshot:
    """What the database holds for the ОO on the date, as a round file shows it: its card, its
    staff with every field of the people form, its pairs in progress (a row per mentee; a pair
    of which the mentor or a mentee works there) and its staff's participations from 1 January
    of the date's year to the date."""
    found = take_snapshots(session, [org_id], on)
    if org_id not in found:
        raise ValueError(f"нет ОО с кодом {org_id}")
    return found[org_id]


def take_snapshots(session: Session, org_ids: Sequence[int], on: date) -> dict[int, Snapshot]:
    """take_snapshot of many ОО at once, by a few queries for all of them (a round of the
    region: 600 ОО); an id with no ОО is left out."""
    orgs = {o.id: o for o in _chunked(session, Organisation, Organisation.id, list(org_ids))}
    staff: dict[int, list[Person]] = {oid: [] for oid in orgs}
    for start in range(0, len(org_ids), 500):
        chunk = [oid for oid in org_ids[start:start + 500] if oid in orgs]
        for person in session.scalars(
                select(Person).where(Person.organisation_id.in_(chunk), working(on))
                .order_by(Person.sort_key, Person.id)):
            staff[person.organisation_id].append(person)  # type: ignore[index]
    place = {p.id: oid for oid, people in staff.items() for p in people}
    pairs = _pair_rows(session, place)
    participations = _participation_rows(session, place, on)
    found: dict[int, Snapshot] = {}
    for oid, org in orgs.items():
        snapshot = Snapshot()
        snapshot.rows["organisations"] = {code_of("organisations", oid): _org_row(org)}
        snapshot.rows["people"] = {code_of("people", p.id): _person_row(p, org.short_name)
                                   for p in staff[oid]}
        snapshot.rows["pairs"] = dict(sorted(
            pairs.get(oid, {}).items(), key=lambda item: _pair_order(item[1], item[0])))
        snapshot.rows["participations"] = dict(sorted(
            participations.get(oid, {}).items(),
            key=lambda item: (item[1]["event_date"], item[1]["last_name"], item[0])))
        found[oid] = snapshot
    return found


def _chunked(session: Session, entity: Any, column: Any, ids: list[int]) -> list[Any]:
    found: list[Any] = []
    for start in range(0, len(ids), 500):
        found += session.scalars(select(entity).where(column.in_(ids[start:start + 500])))
    return found


def _org_row(org: Organisation) -> dict[str, str]:
    return {key: canon(getattr(org, key)) for key in ORG_KEYS}


def _person_row(person: Person, org_name: str) -> dict[str, str]:
    row: dict[str, str] = {}
    for key in PERSON_FORM_KEYS:
        if key == "organisation":
            row[key] = canon(org_name)
        elif key == "moved_on":
            row[key] = ""  # asked only of a person who came from another ОО
        else:
            row[key] = canon(getattr(person, key))
    return row


def _pair_rows(session: Session, place: Mapping[int, int]) -> dict[int, Rows]:
    """The open pairs' rows by the ОО of their mentor and of their mentee (place: person → ОО
    of the people on the snapshots); a pair across two ОО is on both."""
    rows: dict[int, Rows] = {}
    if not place:
        return rows
    mentor, mentee = aliased(Person), aliased(Person)
    query = (
        select(Pair, mentor, mentee, MentorshipForm.name)
        .join(PairMentee, PairMentee.pair_id == Pair.id)
        .join(mentor, mentor.id == Pair.mentor_id)
        .join(mentee, mentee.id == PairMentee.person_id)
        .join(MentorshipForm, MentorshipForm.id == Pair.form_id)
        .where(Pair.status.in_(OPEN_PAIR_STATUSES))
    )
    staff = list(place)
    seen: set[tuple[int, int]] = set()
    for start in range(0, len(staff), 400):
        chunk = staff[start:start + 400]
        # the pairs of the chunk by the two indexes (an OR across the join scans every pair)
        theirs = union(select(Pair.id).where(Pair.mentor_id.in_(chunk)),
                       select(PairMentee.pair_id).where(PairMentee.person_id.in_(chunk)))
        for pair, m, e, form in session.execute(query.where(Pair.id.in_(theirs))):
            if (pair.id, e.id) in seen:
                continue
            seen.add((pair.id, e.id))
            row = {
                "mentor": canon(fio(m.last_name, m.first_name, m.middle_name)),
                "mentor_birth_date": canon(m.birth_date),
                "mentee": canon(fio(e.last_name, e.first_name, e.middle_name)),
                "mentee_birth_date": canon(e.birth_date),
                "form": canon(form),
                **{key: canon(getattr(pair, key)) for key in (
                    "model_element", "mentee_category", "level", "start_date", "end_date",
                    "ended_on", "status", "end_reason", "order_number", "order_date")},
            }
            for oid in {place.get(m.id), place.get(e.id)}:
                if oid is not None:
                    rows.setdefault(oid, {})[code_of("pairs", pair.id, e.id)] = row
    return rows


def _pair_order(row: Mapping[str, str], code: str) -> tuple[str, str, str]:
    return row["start_date"], row["mentor"], code


def _participation_rows(session: Session, place: Mapping[int, int],
                        on: date) -> dict[int, Rows]:
    """The participations from 1 January of the date's year to the date, by the ОО of their
    person (place: person → ОО)."""
    rows: dict[int, Rows] = {}
    ids = list(place)
    start_of_year = date(on.year, 1, 1)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = (select(Participation, Person)
                 .join(Person, Person.id == Participation.person_id)
                 .where(and_(Participation.person_id.in_(chunk),
                             Participation.event_date >= start_of_year,
                             Participation.event_date <= on)))
        for p, person in session.execute(query):
            rows.setdefault(place[p.person_id], {})[code_of("participations", p.id)] = {
                "last_name": canon(person.last_name), "first_name": canon(person.first_name),
                "middle_name": canon(person.middle_name),
                "birth_date": canon(person.birth_date),
                "kind": canon(p.kind), "title": canon(p.title), "level": canon(p.level),
                "event_date": canon(p.event_date), "result": canon(p.result)}
    return rows
