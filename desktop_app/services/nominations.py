"""Nominations for awards: a person put forward for an award on a date, and the result
(выдвинут → награждён or отказано). Each change goes through the ORM, so the change log keeps
it and the person's history shows it (services/changelog.person_history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Award, Nomination, Organisation, Person
from desktop_app.model.enums import NominationResult
from desktop_app.services.awards import RecognitionError
from desktop_app.services.indicators import MAX_YEAR, MIN_YEAR
from desktop_app.textutil import clean, fio, fmt_date, ru_sort_key

MAX_NOTE = 2000


@dataclass(frozen=True)
class NominationRow:
    id: int
    person_id: int
    person: str
    organisation: str
    award: str
    award_name: str
    nominated_on: date
    result: str
    note: str

    @property
    def result_label(self) -> str:
        return result_label(self.result)

    @property
    def text(self) -> str:
        """«выдвинут 01.10.2026», «награждён 12.05.2025 (приказ № 5)»."""
        note = f" ({self.note})" if self.note else ""
        return f"{self.result_label} {fmt_date(self.nominated_on)}{note}"


def result_label(code: str) -> str:
    try:
        return NominationResult(code).label
    except ValueError:
        return code


def _result(code: str) -> str:
    member = NominationResult.from_label(code)
    if member is None:
        known = ", ".join(f"{m.value} ({m.label})" for m in NominationResult)
        raise RecognitionError(f"Результат «{code}» неизвестен; возможны: {known}.")
    return member.value


def _checked(session: Session, person_id: int, award: str, on: date, note: str) -> tuple[str, str]:
    if session.get(Person, person_id) is None:
        raise RecognitionError(f"Педагог с кодом {person_id} не найден в базе.")
    code = award.strip()
    if session.scalar(select(Award.id).where(Award.code == code)) is None:
        raise RecognitionError(f"Награды с кодом «{code}» нет.")
    if not MIN_YEAR <= on.year <= MAX_YEAR:
        raise RecognitionError(
            f"Дата выдвижения {fmt_date(on)}: год ожидается от {MIN_YEAR} до {MAX_YEAR}."
        )
    text = clean(note)
    if len(text) > MAX_NOTE:
        raise RecognitionError(f"Примечание длиннее {MAX_NOTE} знаков.")
    return code, text


def record_nomination(
    session: Session,
    person_id: int,
    award: str,
    on: date,
    result: str = NominationResult.NOMINATED.value,
    note: str = "",
) -> int:
    """Record a nomination (caller commits); the same person, award and date twice is refused.
    Returns the new nomination's id."""
    code, text = _checked(session, person_id, award, on, note)
    result = _result(result)
    twice = session.scalar(
        select(Nomination.id).where(
            Nomination.person_id == person_id,
            Nomination.award == code,
            Nomination.nominated_on == on,
        )
    )
    if twice is not None:
        raise RecognitionError(
            f"Выдвижение к этой награде от {fmt_date(on)} уже записано: измените его результат."
        )
    row = Nomination(person_id=person_id, award=code, nominated_on=on, result=result, note=text)
    session.add(row)
    session.flush()
    return row.id


def set_result(session: Session, nomination_id: int, result: str, note: str | None = None) -> None:
    """Change a nomination's result (and its note when given); caller commits."""
    row = session.get(Nomination, nomination_id)
    if row is None:
        raise RecognitionError("Выдвижение не найдено: возможно, его уже удалили.")
    row.result = _result(result)
    if note is not None:
        _code, row.note = _checked(session, row.person_id, row.award, row.nominated_on, note)
    session.flush()


def delete_nomination(session: Session, nomination_id: int) -> None:
    row = session.get(Nomination, nomination_id)
    if row is None:
        raise RecognitionError("Выдвижение не найдено: возможно, его уже удалили.")
    session.delete(row)
    session.flush()


def list_nominations(
    session: Session, person_id: int | None = None, award: str | None = None
) -> list[NominationRow]:
    """Nominations, newest first (then by ФИО); of one person or one award when given."""
    stmt = (
        select(
            Nomination,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Organisation.short_name,
            Award.name,
        )
        .join(Person, Person.id == Nomination.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(Award, Award.code == Nomination.award)
    )
    if person_id is not None:
        stmt = stmt.where(Nomination.person_id == person_id)
    if award is not None:
        stmt = stmt.where(Nomination.award == award)
    rows = [
        NominationRow(
            n.id,
            n.person_id,
            fio(last, first, middle),
            org or "",
            n.award,
            name or n.award,
            n.nominated_on,
            n.result,
            n.note,
        )
        for n, last, first, middle, org, name in session.execute(stmt)
    ]
    rows.sort(key=lambda r: ru_sort_key(r.person))
    rows.sort(key=lambda r: r.nominated_on, reverse=True)
    return rows
