"""The SQLAlchemy engine: foreign keys on and WAL for SQLite, a Russian-aware fold() function."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.textutil import fold

# PRAGMA application_id marks a file as ours ("MAKT").
APPLICATION_ID = 0x4D414B54


def url_for(target: str | Path) -> str:
    """A SQLAlchemy URL from a path or a URL."""
    text = str(target)
    if "://" in text:
        return text
    return "sqlite:///" + Path(text).resolve().as_posix()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in (prefix, "sqlite://"):
        return None
    return Path(url[len(prefix) :])


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("fold", 1, fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for the URL; a SQLite file opened read-only when asked."""
    path = sqlite_path(url)
    if path is not None and read_only:
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True),
        )
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
    return engine


def make_sessionmaker(engine: Engine, changelog: bool = True) -> sessionmaker[Session]:
    """Sessions for the engine; their ORM changes go to change_log unless changelog=False."""
    factory = sessionmaker(engine, expire_on_commit=False)
    if changelog:
        from desktop_app.services.changelog import attach

        attach(factory)
    return factory
