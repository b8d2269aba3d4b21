"""The region side by side: every indicator of each municipality and of the region as a whole,
from the same two aggregates as the municipal indicators, grouped by the ОО's municipality (the
municipal counts add up to the region's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.services import indicators
from desktop_app.services.indicators import IndicatorResult
from desktop_app.services.municipalities import list_municipalities
from desktop_app.textutil import ru_sort_key

UNKNOWN = "Муниципалитет не указан"


@dataclass(frozen=True)
class MunicipalityIndicators:
    """The indicators of one municipality (id None: ОО with no municipality recorded)."""

    id: int | None
    name: str
    oktmo: str
    results: list[IndicatorResult]

    def below_plan(self) -> list[str]:
        """The codes of the indicators below their plan (no plan: not judged)."""
        return [r.code for r in self.results if r.status == "below"]


@dataclass(frozen=True)
class RegionIndicators:
    year: int
    on: date
    municipalities: list[MunicipalityIndicators]
    region: list[IndicatorResult]

    def below_plan(self) -> list[MunicipalityIndicators]:
        """The municipalities with at least one indicator below plan, in the list's order."""
        return [m for m in self.municipalities if m.below_plan()]


def region_indicators(session: Session, year: int, on: date | None = None) -> RegionIndicators:
    """Each municipality that has ОО, in Russian order, and the region (all ОО of the database);
    A, B, fact and plan (the database's plan of the year) of every indicator."""
    grouped = indicators.counts_by_municipality(session, year, on)
    known = {m.id: m for m in list_municipalities(session)}
    rows = []
    for key, counts in grouped.items():
        found = known.get(key) if key is not None else None
        rows.append(MunicipalityIndicators(
            key, found.name if found else UNKNOWN, found.oktmo if found else "",
            indicators.results_of(session, year, counts)))
    rows.sort(key=lambda m: (m.id is None, ru_sort_key(m.name)))
    # every ОО is in one group: the region's A and B are the sums (no second pair of queries)
    total = {code: (sum(c[code][0] for c in grouped.values()),
                    sum(c[code][1] for c in grouped.values())) for code in indicators.CODES}
    return RegionIndicators(year, indicators.as_of(year, on), rows,
                            indicators.results_of(session, year, total))
