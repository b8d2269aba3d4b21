"""The municipality's settings (names for documents, presets, limits, thresholds)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import GroundPreset
from desktop_app.services import requisites
from desktop_app.store.settings_store import get, get_all, get_float, get_int, put

__all__ = ["DEFICIT_THRESHOLDS", "Changed", "change", "get", "get_all", "get_float", "get_int",
           "missing_requisites", "put"]


def missing_requisites(session: Session, for_order: bool = False) -> list[str]:
    """The centre's requisites still empty or the shipped placeholders (requisites.placeholders)."""
    return requisites.placeholders(get_all(session), for_order)


# Thresholds the stored deficits were derived with: a change re-derives them.
DEFICIT_THRESHOLDS = ("item_deficit_max", "area_deficit_max", "external_deficit_below")


@dataclass(frozen=True)
class Changed:
    """What `change` did: the value before and after; deficits re-derived (added, changed,
    deleted) when a threshold they depend on changed."""

    key: str
    old: str
    new: str
    rebuilt: tuple[int, int, int] | None = None


def change(session: Session, key: str, value: str) -> Changed:
    """Validate and store one setting (caller commits).

    The value is checked by requisites.normalise (SettingRefused, UnknownSetting); a preset code
    must name a preset of the database; the deficit area threshold stays below the strength one.
    When a threshold the stored deficits depend on changes, they are re-derived at once."""
    new = requisites.normalise(key, value)
    if key == "ground_preset":
        codes = list(session.scalars(select(GroundPreset.code).order_by(GroundPreset.id)))
        if new not in codes:
            raise requisites.SettingRefused(
                f"Перечня оснований с кодом «{new}» в базе нет; есть: {', '.join(codes)}.")
    _check_thresholds(session, key, new)
    spec = requisites.spec_for(key)
    old = get(session, key, spec.default if spec is not None else "")
    put(session, {key: new})
    session.flush()
    if key in ("municipality", "oktmo"):
        from desktop_app.services.municipalities import follow_settings

        follow_settings(session)
    rebuilt = None
    if key in DEFICIT_THRESHOLDS and new != old:
        # imported here: services.diagnostics reads its thresholds through this module
        from desktop_app.services.diagnostics import rebuild_deficits

        result = rebuild_deficits(session)
        rebuilt = (result.created, result.updated, result.deleted)
    return Changed(key, old, new, rebuilt)


def _check_thresholds(session: Session, key: str, new: str) -> None:
    if key not in ("area_deficit_max", "area_strength_min"):
        return
    deficit = float(new) if key == "area_deficit_max" else get_float(session, "area_deficit_max",
                                                                      2.5)
    strength = float(new) if key == "area_strength_min" else get_float(
        session, "area_strength_min", 4.5)
    if deficit >= strength:
        raise requisites.SettingRefused(
            f"Порог дефицитной области (area_deficit_max = {deficit:g}) должен быть ниже порога "
            f"сильной области (area_strength_min = {strength:g}).")
