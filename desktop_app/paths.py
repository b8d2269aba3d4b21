"""Where things live: the user's data folder, the database file, backups and shipped data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from desktop_app import APP_ID

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The user's own data folder (overridable with METODAKTIV_HOME), created on demand."""
    override = os.environ.get("METODAKTIV_HOME")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def default_db_path() -> Path:
    return data_dir() / "metodaktiv.sqlite"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def backups_dir(db_file: Path | None = None) -> Path:
    """Backups go to the data folder's backups/ (per database file name)."""
    folder = data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def logs_dir() -> Path:
    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shipped_dir(name: str) -> Path:
    """Find a shipped folder (db/ or resources/) in a frozen build, a wheel or a checkout."""
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / name)
    candidates.append(_PACKAGE_DIR / "_shipped" / name)
    candidates.append(_PACKAGE_DIR.parent / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Не найдена папка данных программы «{name}»: {candidates}")


def migrations_dir() -> Path:
    return _shipped_dir("db")


def resources_dir() -> Path:
    return _shipped_dir("resources")


def resource(*parts: str) -> Path:
    """The path of a shipped resource file, e.g. resource("fonts", "LiberationSerif-Bold.ttf")."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"Не найден файл ресурсов: {path}")
    return path
