"""The municipal indicators: plan values by year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import IndicatorPlan
from desktop_app.services.presets import read_preset


@dataclass(frozen=True)
class PlanRow:
    code: str
    name: str
    unit: str
    plans: dict[int, float]


def indicator_names() -> dict[str, tuple[str, str]]:
    """code → (name, unit), in the order of the seeds."""
    return {i["code"]: (i["name"], i["unit"]) for i in read_preset("indicators.json")["indicators"]}


def list_plans(session: Session) -> list[PlanRow]:
    """Each indicator with its plan values by year."""
    plans: dict[str, dict[int, float]] = {}
    for row in session.scalars(select(IndicatorPlan).order_by(IndicatorPlan.year)):
        plans.setdefault(row.code, {})[row.year] = row.value
    names = indicator_names()
    return [PlanRow(code, name, unit, plans.get(code, {})) for code, (name, unit) in names.items()]
