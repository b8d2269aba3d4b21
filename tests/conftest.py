"""Shared fixtures: offscreen Qt, a private data folder, a fresh database file."""

from __future__ import annotations

import os
import shutil
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module that sets ENGINES = ("sqlite", "postgresql") runs each test taking `db` on both:
    a new file, and a new database on the test session's PostgreSQL server."""
    engines = getattr(metafunc.module, "ENGINES", None)
    if engines and "db" in metafunc.fixturenames:
        metafunc.parametrize("db", list(engines), indirect=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:  # noqa: F821
    """The test session's PostgreSQL server (started on first use, stopped at the end)."""
    from tests import pgserver

    server = pgserver.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:  # noqa: F821
    """The URL of a new, empty database (C.UTF-8) on the session's server, dropped after."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:  # noqa: F821
    """A new, migrated database with the presets: a file, or (parametrized "postgresql") a new
    database on the session's PostgreSQL server."""
    from desktop_app.store.database import open_database

    engine = getattr(request, "param", "sqlite")
    if engine == "postgresql":
        server = request.getfixturevalue("pg_server")
        name = server.migrated()
        database = open_database(server.url(name))
        yield database
        database.dispose()
        server.drop_database(name)
        return
    database = open_database(tmp_path / "test.sqlite")
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A modal message box offscreen would wait forever: record it and answer the safe button.

    Tests that need another answer patch the function themselves; `message_boxes` shows what
    was said.
    """
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def recorder(kind: str, answer: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def show(*args, **kwargs):  # type: ignore[no-untyped-def]
            text = args[2] if len(args) > 2 else kwargs.get("text", "")
            shown.append((kind, str(text)))
            return answer

        return show

    buttons = QMessageBox.StandardButton
    for kind, answer in (
        ("information", buttons.Ok),
        ("warning", buttons.Ok),
        ("critical", buttons.Ok),
        ("question", buttons.No),
        ("about", buttons.Ok),
    ):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind, answer))
    return shown


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answer «Да» at once; their texts are collected."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def record(result):  # type: ignore[no-untyped-def]
        def box(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
            shown.append(text)
            return result
        return box

    monkeypatch.setattr(QMessageBox, "question", record(QMessageBox.StandardButton.Yes))
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, record(QMessageBox.StandardButton.Ok))
    return shown


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo municipality (6 ОО, 60 people), written once for the session: copy it."""
    from desktop_app.demo import Scale, write_demo

    path = tmp_path_factory.mktemp("small-demo") / "demo.sqlite"
    write_demo(path, Scale(organisations=6, people=60, active=6, pairs=10, sessions=20), seed=3)
    return path


@pytest.fixture
def base(small_demo_file: Path, tmp_path: Path) -> Path:
    """A filled database with the centre's requisites, alone in its folder."""
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "база.sqlite"
    shutil.copy(small_demo_file, path)
    return path
