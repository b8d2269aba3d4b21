"""Pure scoring of a diagnostic: item deficits, area means, deficit areas, strengths (no DB)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.model.enums import CompetenceArea

# Means are compared after rounding so that 2,5 computed as 12/5·… is never 2,5000000001.
_DIGITS = 6
AREA_ORDER = [a.value for a in CompetenceArea]


@dataclass(frozen=True)
class Thresholds:
    """Editable thresholds (settings item_deficit_max, area_deficit_max, area_strength_min, …)."""

    item_deficit_max: float = 2
    area_deficit_max: float = 2.5
    area_strength_min: float = 4.5
    external_deficit_below: float = 50


@dataclass(frozen=True)
class ScoredAnswer:
    item_id: int
    area: str
    score: int


@dataclass(frozen=True)
class ExternalBlock:
    block: str
    area: str
    percent: float


@dataclass(frozen=True)
class Scoring:
    """The result of one self-assessment session."""

    means: dict[str, float]
    item_deficits: tuple[int, ...]
    deficit_areas: tuple[str, ...]
    strengths: tuple[str, ...]


def _number(values: Mapping[str, str], key: str, default: float) -> float:
    try:
        return float(str(values.get(key, default)).replace(",", "."))
    except ValueError:
        return default


def thresholds_from(values: Mapping[str, str]) -> Thresholds:
    """Thresholds from a settings mapping; a missing or unreadable value keeps its default."""
    base = Thresholds()
    return Thresholds(
        item_deficit_max=_number(values, "item_deficit_max", base.item_deficit_max),
        area_deficit_max=_number(values, "area_deficit_max", base.area_deficit_max),
        area_strength_min=_number(values, "area_strength_min", base.area_strength_min),
        external_deficit_below=_number(
            values, "external_deficit_below", base.external_deficit_below
        ),
    )


def _area_key(area: str) -> tuple[int, str]:
    return (AREA_ORDER.index(area) if area in AREA_ORDER else len(AREA_ORDER), area)


def item_deficits(answers: Iterable[ScoredAnswer], t: Thresholds) -> list[int]:
    """Items scored at or below the item threshold (inclusive)."""
    return [a.item_id for a in answers if a.score <= t.item_deficit_max]


def area_means(answers: Iterable[ScoredAnswer]) -> dict[str, float]:
    """Mean score per competence area, in the order of the five areas."""
    sums: dict[str, list[int]] = {}
    for a in answers:
        pair = sums.setdefault(a.area, [0, 0])
        pair[0] += a.score
        pair[1] += 1
    return {
        area: round(sums[area][0] / sums[area][1], _DIGITS) for area in sorted(sums, key=_area_key)
    }


def deficit_areas(means: Mapping[str, float], t: Thresholds) -> list[str]:
    """Areas whose mean is at or below the area threshold (inclusive)."""
    return [a for a in sorted(means, key=_area_key) if means[a] <= t.area_deficit_max]


def strengths(means: Mapping[str, float], t: Thresholds) -> list[str]:
    """Areas whose mean is at or above the strength threshold (inclusive)."""
    return [a for a in sorted(means, key=_area_key) if means[a] >= t.area_strength_min]


def score_session(answers: Iterable[ScoredAnswer], t: Thresholds) -> Scoring:
    """Item deficits, area means, deficit areas and strengths of one session."""
    listed = list(answers)
    means = area_means(listed)
    return Scoring(
        means=means,
        item_deficits=tuple(item_deficits(listed, t)),
        deficit_areas=tuple(deficit_areas(means, t)),
        strengths=tuple(strengths(means, t)),
    )


def external_deficits(blocks: Iterable[ExternalBlock], t: Thresholds) -> list[ExternalBlock]:
    """Blocks of an external assessment below their own threshold (percent, exclusive)."""
    return [b for b in blocks if b.percent < t.external_deficit_below]


def area_changes(
    current: Mapping[str, float], previous: Mapping[str, float] | None
) -> dict[str, float | None]:
    """The change of each area mean since the previous session (None where not comparable)."""
    if not previous:
        return {a: None for a in current}
    return {
        a: round(current[a] - previous[a], _DIGITS) if a in previous else None for a in current
    }
