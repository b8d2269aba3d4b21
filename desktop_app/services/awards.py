"""The awards a mentor can be put forward for and their conditions: the database's editable
preset (tables awards and award_conditions, shipped in resources/presets/awards.json and loaded
by store/presets_seed.py). The conditions are data: the centre changes a threshold here, never in
the code; what each condition measures is computed by services/recognitions.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Award, AwardCondition
from desktop_app.model.enums import AwardCandidates, AwardLevel, AwardMeasure
from desktop_app.services.indicators import IndicatorInputError

MAX_VALUE = 100  # a threshold (years, people, participations) is a whole number 0…100
MEASURE_ORDER = {m.value: n for n, m in enumerate(AwardMeasure)}


class RecognitionError(IndicatorInputError):
    """A refused change of an award's conditions or of a nomination (a Russian message)."""


@dataclass(frozen=True)
class Condition:
    """One condition: what is measured, its threshold and the margin of «почти»."""

    measure: str
    label: str
    value: int
    near: int
    is_max: bool = False  # an upper bound (age, experience): the figure may not exceed it

    @property
    def text(self) -> str:
        """«учебных лет наставнической деятельности, не менее 5»."""
        return f"{self.label} {self.value}"


@dataclass(frozen=True)
class AwardSpec:
    """An award as the services use it (a plain value, no ORM object)."""

    id: int
    code: str
    name: str
    level: str
    basis: str
    description: str
    candidates: str
    once: bool
    position: int
    conditions: tuple[Condition, ...]

    @property
    def level_label(self) -> str:
        return _label(AwardLevel, self.level)

    @property
    def candidates_label(self) -> str:
        return _label(AwardCandidates, self.candidates)

    @property
    def considers_mentees(self) -> bool:
        return self.candidates == AwardCandidates.PARTICIPANTS.value

    def conditions_text(self) -> str:
        """Every condition in one line: «…, не менее 5; наставляемых, не менее 3»."""
        return "; ".join(c.text for c in self.conditions) or "условия не заданы"


def _label(enum: type[AwardLevel] | type[AwardCandidates], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


def measure_label(measure: str) -> str:
    """The Russian wording of what a condition measures («наставляемых, не менее»)."""
    try:
        return AwardMeasure(measure).label
    except ValueError:
        return measure


def _spec(award: Award) -> AwardSpec:
    conditions = sorted(award.conditions, key=lambda c: MEASURE_ORDER.get(c.condition, 99))
    return AwardSpec(
        award.id,
        award.code,
        award.name,
        award.level,
        award.basis,
        award.description,
        award.candidates,
        award.once,
        award.position,
        tuple(
            Condition(
                c.condition,
                measure_label(c.condition),
                c.value,
                c.near,
                AwardMeasure(c.condition).is_max,
            )
            for c in conditions
            if c.condition in MEASURE_ORDER
        ),
    )


def list_awards(session: Session) -> list[AwardSpec]:
    """Every award in the preset's order, each with its conditions in a fixed order."""
    stmt = select(Award).order_by(Award.position, Award.id)
    return [_spec(a) for a in session.scalars(stmt)]


def get_award(session: Session, code: str) -> AwardSpec:
    """One award by its key; RecognitionError naming the keys there are otherwise."""
    return _spec(_award_row(session, code))


def _award_row(session: Session, code: str) -> Award:
    found = session.scalar(select(Award).where(Award.code == code.strip()))
    if found is None:
        codes = ", ".join(session.scalars(select(Award.code).order_by(Award.position, Award.id)))
        raise RecognitionError(f"Награды с кодом «{code.strip()}» нет; есть: {codes or '—'}.")
    return found


def _measure(measure: str) -> str:
    text = measure.strip()
    if text not in MEASURE_ORDER:
        raise RecognitionError(
            f"Условия «{text}» нет; условия: {', '.join(m.value for m in AwardMeasure)}."
        )
    return text


def _bounded(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VALUE:
        raise RecognitionError(
            f"{what}: ожидается целое число от 0 до {MAX_VALUE}, а не «{value}»."
        )
    return value


def set_condition(
    session: Session, code: str, measure: str, value: int, near: int | None = None
) -> AwardSpec:
    """Set (or add) one condition of an award (caller commits); near None keeps the margin of
    an existing condition (1 for a new lower bound, 0 for a new upper bound)."""
    award = _award_row(session, code)
    measure = _measure(measure)
    value = _bounded(value, "Пороговое значение")
    found = next((c for c in award.conditions if c.condition == measure), None)
    if found is None:
        default = 0 if AwardMeasure(measure).is_max else 1
        award.conditions.append(
            AwardCondition(
                condition=measure,
                value=value,
                near=_bounded(near if near is not None else default, "Допуск"),
            )
        )
    else:
        found.value = value
        if near is not None:
            found.near = _bounded(near, "Допуск")
    session.flush()
    session.refresh(award)
    return _spec(award)


def remove_condition(session: Session, code: str, measure: str) -> AwardSpec:
    """Remove one condition of an award (caller commits); an award keeps at least one."""
    award = _award_row(session, code)
    measure = _measure(measure)
    found = next((c for c in award.conditions if c.condition == measure), None)
    if found is None:
        raise RecognitionError(f"У награды «{award.name}» нет условия «{measure}».")
    if len(award.conditions) == 1:
        raise RecognitionError(f"У награды «{award.name}» должно остаться хотя бы одно условие.")
    award.conditions.remove(found)
    session.flush()
    session.refresh(award)
    return _spec(award)
