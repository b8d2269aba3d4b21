"""The settings table read and written as key → text (the rules of each setting are in
services.settings, which re-exports these)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Setting


def get_all(session: Session) -> dict[str, str]:
    """Every stored setting, key → value."""
    return {row.key: row.value for row in session.scalars(select(Setting))}


def get(session: Session, key: str, default: str = "") -> str:
    """One setting's value, the default when it is not stored."""
    row = session.get(Setting, key)
    return row.value if row is not None else default


def get_int(session: Session, key: str, default: int) -> int:
    """One setting as an integer, the default when missing or unreadable."""
    try:
        return int(get(session, key, str(default)))
    except ValueError:
        return default


def get_float(session: Session, key: str, default: float) -> float:
    """One setting as a number (a comma accepted), the default when missing or unreadable."""
    try:
        return float(get(session, key, str(default)).replace(",", "."))
    except ValueError:
        return default


def put(session: Session, values: dict[str, str]) -> None:
    """Store settings (caller commits)."""
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
