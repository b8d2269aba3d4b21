"""The SQLAlchemy engine: foreign keys on and WAL for SQLite, a Russian-aware fold() function;
a plain sqlite3 connection for reading lists (SQLAlchemy is imported only for the engine).

A database is a SQLite file or a PostgreSQL server. What --db names is checked here before any
connection (url_for): an address not understood, a database of another kind (MySQL …), a
PostgreSQL driver not installed, an in-memory database are refused in Russian; a server that
cannot be reached or refuses the user is told in Russian with its host and port
(translate_errors), the password never shown."""

from __future__ import annotations

import importlib
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.textutil import fold

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL, ExceptionContext
    from sqlalchemy.orm import Session, sessionmaker

# PRAGMA application_id marks a file as ours ("MAKT").
APPLICATION_ID = 0x4D414B54


class DatabaseRefused(Exception):
    """The database cannot be opened as ours; the message says why, in Russian.

    (Defined here so that the checks of a URL and of a connection raise it; it is the same
    class as store.database.DatabaseRefused.)"""


# An in-memory database keeps nothing: as --db it would lose every change on exit.
MEMORY_TARGETS = frozenset({":memory:", "sqlite://", "sqlite:///", "sqlite:///:memory:"})
NOT_UNDERSTOOD = ("Адрес базы «{shown}» не понят: укажите путь к файлу .sqlite или адрес "
                  "postgresql://…")
# Databases SQLAlchemy knows but the program does not work with (its schema and its tests are
# SQLite's and PostgreSQL's).
OTHER_DATABASES = {"mysql": "MySQL", "mariadb": "MariaDB", "mssql": "Microsoft SQL Server",
                   "oracle": "Oracle"}
# PostgreSQL drivers the program works with, each with the package that brings it; a URL
# without a driver (postgresql://) takes psycopg (3), else psycopg2, whichever is installed.
PG_DRIVERS = {"psycopg": '"psycopg[binary]"', "psycopg2": "psycopg2-binary", "pg8000": "pg8000"}
PG_DEFAULT_DRIVERS = ("psycopg", "psycopg2")
PG_CONNECT_TIMEOUT = 10  # seconds: a server that never answers is told, not waited for


def memory_target(target: str | Path) -> bool:
    """Whether --db names an in-memory database (nothing of it would be kept)."""
    text = str(target).strip()
    return text in MEMORY_TARGETS or (text.startswith("file:") and "memory" in text)


def url_for(target: str | Path) -> str:
    """A SQLAlchemy URL from a path or a URL. DatabaseRefused (in Russian) for an empty target,
    an in-memory database, an address not understood, a database of another kind than SQLite
    and PostgreSQL, or a PostgreSQL driver that is not installed."""
    text = str(target)
    if not text.strip():
        raise DatabaseRefused("Не указан файл базы данных: укажите путь к файлу .sqlite или "
                              "адрес postgresql://…")
    if memory_target(text):
        raise DatabaseRefused(f"База «{text.strip()}» в памяти ничего не сохраняет: укажите "
                              "файл базы данных .sqlite или адрес postgresql://…")
    if "://" in text:
        return text if text.startswith("sqlite:///") else checked_url(text)
    return "sqlite:///" + Path(text).resolve().as_posix()


def checked_url(text: str) -> str:
    """The URL a server database is opened with (its PostgreSQL driver named), or
    DatabaseRefused saying in Russian what is wrong with it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseRefused(NOT_UNDERSTOOD.format(shown=hide_password(text))) from exc
    backend, _, driver = url.drivername.partition("+")
    if not _dialect_known(url):  # foo://, http://, mysql+xyz://
        raise DatabaseRefused(NOT_UNDERSTOOD.format(shown=hide_password(text)))
    if backend in OTHER_DATABASES:
        raise DatabaseRefused(
            f"База {OTHER_DATABASES[backend]} («{hide_password(text)}») не поддерживается: "
            "Методактив работает с файлом SQLite (.sqlite) и с сервером PostgreSQL "
            "(адрес postgresql://…).")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return text  # sqlite+pysqlite:///F is opened as a server database is (the tests' way)
    if backend != "postgresql" or (driver and driver not in PG_DRIVERS):
        raise DatabaseRefused(NOT_UNDERSTOOD.format(shown=hide_password(text)))
    chosen = driver or _installed_driver()
    if chosen is None or not _importable(chosen):
        package = PG_DRIVERS[chosen or "psycopg"]
        raise DatabaseRefused(
            f"Для базы PostgreSQL («{hide_password(text)}») нужен драйвер {chosen or 'psycopg'}, "
            f"а он не установлен: установите его командой pip install {package} и повторите.")
    return url.set(drivername=f"postgresql+{chosen}").render_as_string(hide_password=False)


def _dialect_known(url: URL) -> bool:
    """Whether SQLAlchemy knows the URL's database and driver (without importing the driver)."""
    from sqlalchemy.exc import NoSuchModuleError

    try:
        url.get_dialect()
    except NoSuchModuleError:
        return False
    return True


def _installed_driver() -> str | None:
    return next((name for name in PG_DEFAULT_DRIVERS if _importable(name)), None)


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:  # not installed, or its library missing (psycopg without libpq)
        return False
    return True


# A partial file written before it is renamed into place: «<name>.part», «<name>.<pid>.part»,
# «<name>.<pid>-<n>.part», with SQLite's companions
_PARTIAL = re.compile(r"\.(?:\d+(?:-\d+)?\.)?part(?:-journal|-wal|-shm)?$")


def final_name(path: object) -> str:
    """The file a message names: the target of a partial file, not the partial file itself."""
    return _PARTIAL.sub("", str(path))


def hide_password(url: object) -> str:
    """A database URL to show: its password replaced by ***, also when SQLAlchemy cannot read
    the URL (then whatever stands between «//user:» and «@» is hidden)."""
    from sqlalchemy.engine import make_url

    text = str(url)
    try:
        return make_url(text).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown masked by hand
        return _PASSWORD.sub(r"\1***@", text)


_PASSWORD = re.compile(r"(://[^:/@]*:).*@")  # up to the last @: a password may hold one


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
        engine = create_engine(url, **server_options(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
    translate_errors(engine)
    return engine


def plain_engine(url: str) -> Engine:
    """An engine with no connection kept and nothing done on connecting (its connection
    errors told in Russian, as make_engine's)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool, **server_options(url))
    translate_errors(engine)
    return engine


def server_options(url: str) -> dict[str, Any]:
    """create_engine's options for a server: a time limit on connecting (libpq has none)."""
    if not url.startswith(("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://")):
        return {}
    if "connect_timeout" in url:
        return {}
    return {"connect_args": {"connect_timeout": PG_CONNECT_TIMEOUT}}


def translate_errors(engine: Engine) -> None:
    """A server database that cannot be reached (refused, unknown host, no answer), refuses
    the user or has no such database raises DatabaseRefused in Russian naming its host and
    port instead of the driver's English; SQLite's errors pass on unchanged."""
    if engine.dialect.name == "sqlite":
        return
    from sqlalchemy import event

    url = engine.url

    def handle(context: ExceptionContext) -> None:
        if context.connection is None or context.is_disconnect:
            refusal = connection_refusal(url, context.original_exception)
            if refusal is not None:
                raise refusal

    event.listen(engine, "handle_error", handle)


# What a driver (libpq, psycopg, pg8000) says, lower-cased → what it means.
_REFUSED = ("connection refused", "could not connect to server")
_UNKNOWN_HOST = ("failed to resolve host", "could not translate host name", "name or service not "
                 "known", "nodename nor servname", "no such host", "temporary failure in name "
                 "resolution", "getaddrinfo failed")
_PASSWORD_WRONG = ("password authentication failed", "no password supplied",
                   "authentication failed", "role \"", "проверку подлинности")
_NO_DATABASE = ("does not exist",)
_TIMEOUT = ("timeout expired", "timed out", "connection timed out")
_GONE = ("server closed the connection", "terminating connection", "connection already closed",
         "consuming input failed", "eof detected", "network is unreachable", "no route to host")


def connection_refusal(url: URL, error: BaseException) -> DatabaseRefused | None:
    """The Russian refusal for a driver's error on connecting to the server at url; None when
    the error is not about the connection (then it passes on as it is)."""
    said = str(error).lower()
    where = server_place(url)
    if any(word in said for word in _TIMEOUT):
        return DatabaseRefused(f"Сервер базы данных {where} не отвечает (нет ответа за "
                               "отведённое время): проверьте адрес и порт в --db, сеть и что "
                               "сервер запущен.")
    if any(word in said for word in _UNKNOWN_HOST):
        return DatabaseRefused(f"Сервер базы данных «{url.host}» не найден (неизвестное имя "
                               "компьютера): проверьте адрес в --db и подключение к сети.")
    if any(word in said for word in _REFUSED):
        return DatabaseRefused(f"Сервер базы данных {where} не отвечает (соединение "
                               "отклонено): проверьте, что PostgreSQL запущен и принимает "
                               "подключения по сети, и адрес и порт в --db.")
    if "database" in said and any(word in said for word in _NO_DATABASE):
        return DatabaseRefused(f"На сервере {where} нет базы данных «{url.database}»: создайте "
                               "её (createdb) и повторите.")
    if any(word in said for word in _PASSWORD_WRONG):
        return DatabaseRefused(f"Сервер базы данных {where} не принял пользователя "
                               f"«{url.username or ''}»: неверное имя пользователя или пароль. "
                               "Проверьте их в адресе --db (пароль в сообщениях не "
                               "показывается).")
    if any(word in said for word in _GONE):
        return DatabaseRefused(f"Связь с сервером базы данных {where} прервалась: проверьте "
                               "сеть и что сервер работает, и повторите.")
    return None


def server_place(url: URL) -> str:
    """host:port of a server database as people write it (the default port told too)."""
    host = url.host or "localhost"
    if ":" in host:  # IPv6
        host = f"[{host}]"
    port = url.port or (5432 if url.get_backend_name() == "postgresql" else None)
    return f"{host}:{port}" if port else host


def make_sessionmaker(engine: Engine, changelog: bool = True) -> sessionmaker[Session]:
    """Sessions for the engine; their ORM changes go to change_log unless changelog=False."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(engine, expire_on_commit=False)
    if changelog:
        from desktop_app.store.changelog_hooks import attach

        attach(factory)
    return factory
