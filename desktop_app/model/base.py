"""Declarative base with a naming convention so SQLite migrations can alter constraints."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapper

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# the modules of entities built on this base, mapped together
ENTITY_MODULES = ("registry", "active", "pairs", "diagnostics", "indicators", "documents",
                  "collection", "recognition", "practices")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Mapper, "before_configured", once=True)
def _every_entity_loaded() -> None:
    """The mappers are configured together with every entity module imported, even when only
    one was imported by name (relationships name classes of other modules). They are imported
    by name, so that this base imports none of the modules built on it."""
    for name in ENTITY_MODULES:
        importlib.import_module(f"{__package__}.{name}")
