"""The presets as the documents use them: the municipality's name, the grounds' reference. The
shipped presets are loaded into a new database by store.presets_seed (re-exported here)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import GroundPreset
from desktop_app.services import settings
from desktop_app.store.presets_seed import (
    load_all,
    load_forms,
    load_grounds,
    load_plans,
    load_settings,
    loaders,
    read_preset,
)

__all__ = ["DEFAULT_GENITIVE", "GENITIVE_KEY", "LOADERS", "MUNICIPALITY_PLACEHOLDER",
           "fill_municipality", "grounds_reference", "load_all", "load_forms", "load_grounds",
           "load_plans", "load_settings", "municipality_genitive", "own_municipality",
           "read_preset"]

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


LOADERS = loaders()
