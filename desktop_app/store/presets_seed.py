"""Reference data shipped in resources/presets, loaded into a new database idempotently (the
documents' use of the presets is in services.presets, which re-exports these)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app import paths
from desktop_app.model import (
    Award,
    AwardCondition,
    Ground,
    GroundPreset,
    IndicatorPlan,
    MentorshipForm,
    Municipality,
    PlanTemplate,
    PlanTemplateItem,
    RoadmapItem,
    Setting,
)
from desktop_app.model.enums import RoadmapStatus
from desktop_app.store.instrument_files import load_instruments
from desktop_app.textutil import clean, fold

Loader = Callable[[Session], None]


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


def load_municipality(session: Session) -> None:
    """The database's own municipality, named by its settings (after load_settings), when it
    has none: a new database has it from the start, so that its first ОО refers to it. The
    municipality of that name (folded), when a merge brought it, becomes the own one."""
    if session.scalars(select(Municipality.id).where(Municipality.is_own.is_(True))).first():
        return
    session.flush()
    stored = session.get(Setting, "municipality")
    name = clean(stored.value if stored else "") or read_preset("settings.json")["settings"].get(
        "municipality", "Муниципальное образование")
    found = next((m for m in session.scalars(select(Municipality))
                  if fold(m.name) == fold(name)), None)
    if found is None:
        oktmo = session.get(Setting, "oktmo")
        session.add(Municipality(name=name, oktmo=oktmo.value if oktmo else "", is_own=True))
    else:
        found.is_own = True


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


def load_plan_templates(session: Session) -> None:
    """Add the shipped plan templates (resources/presets/plan_templates.json) not yet present."""
    data = read_preset("plan_templates.json")
    existing = set(session.scalars(select(PlanTemplate.name)))
    for template in data["templates"]:
        if template["name"] in existing:
            continue
        row = PlanTemplate(name=template["name"])
        row.items = [
            PlanTemplateItem(
                position=i, activity=item["activity"], offset_days=int(item["offset_days"]),
                responsible=item.get("responsible", ""), report_form=item.get("report_form", ""),
            )
            for i, item in enumerate(template["items"], start=1)
        ]
        session.add(row)


def load_roadmap(session: Session) -> None:
    """Preset loader: the road map of seed 003 goes into a database that has no road map yet."""
    if session.scalar(select(func.count()).select_from(RoadmapItem)):
        return
    for position, item in enumerate(read_preset("roadmap.json")["items"], start=1):
        deadline = date.fromisoformat(item["deadline"]) if item["deadline"] else None
        session.add(
            RoadmapItem(
                stage=item["stage"], section=item["section"], position=position,
                activity=item["activity"], result=item["result"], deadline=deadline,
                deadline_text=item["deadline_text"], responsible=item["responsible"],
                status=RoadmapStatus.PLANNED.value,
            )
        )


def load_awards(session: Session) -> None:
    """Add the shipped awards (resources/presets/awards.json) a database lacks, with their
    conditions; an award already there keeps the conditions the centre set."""
    existing = set(session.scalars(select(Award.code)))
    for position, award in enumerate(read_preset("awards.json")["awards"], start=1):
        if award["code"] in existing:
            continue
        row = Award(
            code=award["code"], name=award["name"], level=award["level"],
            basis=award.get("basis", ""), description=award.get("description", ""),
            candidates=award.get("candidates", "mentors"), once=bool(award.get("once")),
            position=position,
        )
        row.conditions = [
            AwardCondition(condition=measure, value=int(spec["value"]),
                           near=int(spec.get("near", 0)))
            for measure, spec in award["conditions"].items()
        ]
        session.add(row)


def loaders() -> list[Loader]:
    """Every preset loader, in the order they run."""
    return [load_settings, load_municipality, load_grounds, load_forms, load_plans,
            load_instruments, load_plan_templates, load_roadmap, load_awards]


def load_all(session: Session) -> None:
    """Add every shipped preset that the database does not have yet."""
    for loader in loaders():
        loader(session)
        session.flush()
