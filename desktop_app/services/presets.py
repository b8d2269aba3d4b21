"""Reference data shipped in resources/presets: loaded into a new database, idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app import paths
from desktop_app.model import Ground, GroundPreset, IndicatorPlan, MentorshipForm, Setting
from desktop_app.services import settings
from desktop_app.services.instruments import load_instruments
from desktop_app.services.pairs import load_plan_templates
from desktop_app.services.roadmap import load_roadmap

# A ground's text and a preset's source may name the municipality by this placeholder; the
# documents put the setting "municipality_genitive" in its place («Заречного муниципального
# округа»), so one shipped list serves every municipality.
MUNICIPALITY_PLACEHOLDER = "{муниципального образования}"
GENITIVE_KEY = "municipality_genitive"
DEFAULT_GENITIVE = "муниципального образования"


def municipality_genitive(session: Session) -> str:
    """The municipality's name in the genitive from the settings (a generic one if unset)."""
    return settings.get(session, GENITIVE_KEY, "").strip() or DEFAULT_GENITIVE


def own_municipality(session: Session) -> str:
    """The genitive name when the centre has set its own, "" while it is the shipped default
    (so a title does not read «актив муниципального образования»)."""
    value = settings.get(session, GENITIVE_KEY, "").strip()
    return "" if value in ("", DEFAULT_GENITIVE) else value


def fill_municipality(text: str, genitive: str) -> str:
    """The text with the placeholder replaced by the municipality's genitive name."""
    return text.replace(MUNICIPALITY_PLACEHOLDER, genitive)


def grounds_reference(session: Session) -> str:
    """The act and point the preset in force comes from, worded to follow «В соответствии с»
    («пунктом 3.2 Положения о …»), the municipality put in; "" when the preset names none.
    A stale "ground_preset" setting means the first preset (as services.active does)."""
    code = settings.get(session, "ground_preset")
    source = session.scalar(select(GroundPreset.source).where(GroundPreset.code == code))
    if source is None:
        source = session.scalar(select(GroundPreset.source).order_by(GroundPreset.id).limit(1))
    return fill_municipality((source or "").strip(), municipality_genitive(session))


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
    """Add the shipped presets a database lacks; a shipped preset already there keeps its
    grounds, only a source written by an earlier version is brought to the current wording."""
    existing = {p.code: p for p in session.scalars(select(GroundPreset))}
    for preset in read_preset("grounds.json")["presets"]:
        found = existing.get(preset["code"])
        if found is not None:
            if found.source in preset.get("previous_sources", ()):
                found.source = preset["source"]
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
