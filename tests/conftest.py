"""Shared fixtures: offscreen Qt, a private data folder, a fresh database file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data folder (backups, logs, demo) in a temp folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("METODAKTIV_HOME", str(home))
    return home


@pytest.fixture
def db(tmp_path: Path) -> Iterator["Database"]:  # noqa: F821
    """A new, migrated database file with the presets."""
    from desktop_app.store.database import open_database

    database = open_database(tmp_path / "test.sqlite")
    yield database
    database.dispose()
