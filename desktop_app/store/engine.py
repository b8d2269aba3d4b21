"""The SQLAlchemy engine: foreign keys on and WAL for SQLite, a Russian-aware fold() function;
a plain sqlite3 connection for reading lists (SQLAlchemy is imported only for the engine)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.textutil import fold

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

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


def connect_reader(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A plain connection that only reads (the lists' rows): read-only for a read-only
    database; it never changes the journal mode or anything else in the file. Usable from
    any thread (Database.fetch serialises its use)."""
    if read_only:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    else:
        con = sqlite3.connect(path, check_same_thread=False)
    con.create_function("fold", 1, fold, deterministic=True)
    con.execute("PRAGMA busy_timeout=5000")
    return con


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for the URL; a SQLite file opened read-only when asked."""
    from sqlalchemy import create_engine, event

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
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(engine, expire_on_commit=False)
    if changelog:
        from desktop_app.services.changelog import attach

        attach(factory)
    return factory
