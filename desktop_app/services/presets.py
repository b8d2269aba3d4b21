"""Reference data shipped in resources/presets: loaded into a new database, idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app import paths
from desktop_app.model import Ground, GroundPreset, IndicatorPlan, MentorshipForm, Setting
from desktop_app.services.instruments import load_instruments
from desktop_app.services.pairs import load_plan_templates
from desktop_app.services.roadmap import load_roadmap


def read_preset(name: str) -> dict[str, Any]:
    """A JSON preset from resources/presets."""
    path: Path = paths.resource("presets", name)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_settings(session: Session) -> None:
    existing = set(session.scalars(select(Setting.key)))
    for key, value in read_preset("settings.json")["settings"].items():
        if key not in existing:
            session.add(Setting(key=key, value=str(value)))


def load_grounds(session: Session) -> None:
    existing = set(session.scalars(select(GroundPreset.code)))
    for preset in read_preset("grounds.json")["presets"]:
        if preset["code"] in existing:
            continue
        row = GroundPreset(
            code=preset["code"],
            name=preset["name"],
            source=preset["source"],
            requirement=preset["requirement"],
            min_experience_years=preset["min_experience_years"],
        )
        row.grounds = [
            Ground(number=g["number"], text=g["text"], mandatory=g["mandatory"])
            for g in preset["grounds"]
        ]
        session.add(row)


def load_forms(session: Session) -> None:
    existing = set(session.scalars(select(MentorshipForm.name)))
    for position, form in enumerate(read_preset("forms.json")["forms"], start=1):
        if form["name"] not in existing:
            session.add(
                MentorshipForm(
                    name=form["name"], description=form["description"], builtin=True,
                    position=position,
                )
            )


def load_plans(session: Session) -> None:
    existing = {(c, y) for c, y in session.execute(select(IndicatorPlan.code, IndicatorPlan.year))}
    for indicator in read_preset("indicators.json")["indicators"]:
        for year, value in indicator["plan"].items():
            if (indicator["code"], int(year)) not in existing:
                session.add(IndicatorPlan(code=indicator["code"], year=int(year), value=value))


LOADERS = [load_settings, load_grounds, load_forms, load_plans, load_instruments]
LOADERS.append(load_plan_templates)
LOADERS.append(load_roadmap)


def load_all(session: Session) -> None:
    """Add every shipped preset that the database does not have yet."""
    for loader in LOADERS:
        loader(session)
        session.flush()
