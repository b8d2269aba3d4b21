"""Incomplete records: working people and ОО whose values the indicators or the documents need
are «не указано» or missing, each with what is missing (read only).

What is looked at and why:
* a person — «Уровень образования» and «Педагогическое образование» (the candidate form; the
  requirement of pedagogical education of the active), «Квалификационная категория» (the
  candidate form, the requirement of a category, the annual report's mentors by category),
  «Начало педагогического стажа» (indicator I5, the 5 years of the active, the candidate form),
  «Должность» (the candidate form, the public list, the orders), the place of work: none, or an
  ОО closed while the person is still recorded as working there (then the person counts nowhere
  after the closing date — a move or a leaving is missing);
* an ОО — «Тип организации», «Полное наименование» (the documents name the ОО by it),
  «Руководитель».
People who left and closed ОО are not listed: nothing counts them any more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from desktop_app.model import Organisation, Person
from desktop_app.model.enums import Category, EducationLevel, OrgKind
from desktop_app.store.dialect import POSTGRESQL, binary_order, dialect_name
from desktop_app.textutil import clean, fio, fmt_date, ru_sort_key

Kind = Literal["organisation", "person"]
KIND_LABELS: dict[str, str] = {"organisation": "ОО", "person": "педагог"}


@dataclass(frozen=True)
class IncompleteRecord:
    """One record with what it lacks, in Russian («уровень образования», …)."""

    kind: Kind
    id: int
    name: str
    organisation: str
    missing: tuple[str, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def missing_text(self) -> str:
        return "; ".join(self.missing)


def incomplete_records(session: Session) -> list[IncompleteRecord]:
    """Working ОО and people with a value missing, ОО first, each group in Russian order."""
    return _organisations(session) + _people(session)


def _organisations(session: Session) -> list[IncompleteRecord]:
    stmt = select(Organisation.id, Organisation.short_name, Organisation.full_name,
                  Organisation.kind, Organisation.head_name).where(
        Organisation.is_active.is_(True))
    found = []
    for oid, short, full, kind, head in session.execute(stmt):
        missing = []
        if kind == OrgKind.UNKNOWN.value:
            missing.append("тип организации")
        if not clean(full):
            missing.append("полное наименование")
        if not clean(head):
            missing.append("руководитель")
        if missing:
            found.append(IncompleteRecord("organisation", oid, short, short, tuple(missing)))
    return sorted(found, key=lambda r: (ru_sort_key(r.name), r.id))


def _people(session: Session) -> list[IncompleteRecord]:
    orgs = {oid: (name, bool(active), closed) for oid, name, active, closed in session.execute(
        select(Organisation.id, Organisation.short_name, Organisation.is_active,
               Organisation.deactivated_on))}
    stmt = select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                  Person.organisation_id, Person.education_level, Person.education_pedagogical,
                  Person.category, Person.ped_experience_start, Person.position).where(
        Person.is_active.is_(True), _lacking(session)).order_by(binary_order(Person.sort_key),
                                                                Person.id)
    found = []
    for (pid, last, first, middle, org_id, level, pedagogical, category, started,
         position) in session.execute(stmt):
        missing = []
        if level == EducationLevel.UNKNOWN.value:
            missing.append("уровень образования")
        if pedagogical is None:
            missing.append("педагогическое образование")
        if category == Category.UNKNOWN.value:
            missing.append("квалификационная категория")
        if started is None:
            missing.append("начало педагогического стажа")
        if not clean(position):
            missing.append("должность")
        org_name, org_active, closed = orgs.get(org_id, ("", True, None)) if org_id else (
            "", True, None)
        if org_id is None:
            missing.append("место работы (ОО)")
        elif not org_active:
            when = f" с {fmt_date(closed)}" if closed else ""
            missing.append(f"перевод или выбытие: «{org_name}» закрыта{when}")
        if missing:
            found.append(IncompleteRecord("person", pid, fio(last, first, middle), org_name,
                                          tuple(missing)))
    return found


def _lacking(session: Session) -> ColumnElement[bool]:
    """The people _people may find something missing of, picked in SQL (the same tests; the
    loop above still says what is missing): not the region's 30 000 rows read to find none."""
    closed = select(Organisation.id).where(or_(Organisation.is_active.is_(False),
                                               Organisation.is_active.is_(None)))
    return or_(Person.education_level == EducationLevel.UNKNOWN.value,
               Person.education_pedagogical.is_(None),
               Person.category == Category.UNKNOWN.value,
               Person.ped_experience_start.is_(None),
               _blank(session, Person.position),
               Person.organisation_id.is_(None),
               Person.organisation_id.in_(closed))


# every character str.split() splits at: clean() leaves nothing of a text made of them alone
_SPACES = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def _blank(session: Session, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """The text is NULL or clean() makes it empty: trimmed of every space character, nothing is
    left (SQLite's trim(X, Y), PostgreSQL's btrim)."""
    trim = func.btrim if dialect_name(session) == POSTGRESQL else func.trim
    return or_(column.is_(None), trim(column, _SPACES) == "")


def missing_counts(records: list[IncompleteRecord]) -> Counter[str]:
    """How many records lack each value (the closed ОО of a person counted as one item)."""
    counts: Counter[str] = Counter()
    for record in records:
        for item in record.missing:
            counts[item.split(":")[0]] += 1
    return counts
