"""Copies of a database on a PostgreSQL server, restoring one into it, and the server's checks.

A copy is pg_dump's custom format (-Fc), made in one snapshot of the database in which the rows
of every table are counted too; before it gets its name it is read back whole with pg_restore
and the rows of every table counted in it must be those counted in the database. Beside it goes
its manifest, «<копия>.json»: the server and the database (never the password), the schema
revision, every table's rows and the copy's SHA-256.

Copies go to the data folder's backups/, where the copies of the SQLite files go, named
«<база>@<сервер>_<порт>-ГГГГ-ММ-ДД_ЧЧММСС-<причина>.dump»: told apart from a file's copies (which
end .sqlite) and from another server's or database's.

A restore reads the copy back first (its SHA-256 and its rows against the manifest; a copy
without one against itself), copies the database's current state («before-restore»), then runs
pg_restore --clean --if-exists --no-owner --single-transaction into the same database: all or
nothing. The restored database is checked (every table's rows as in the manifest; an older
revision brought up to the head); when the check fails the state before is put back.

pg_dump and pg_restore are looked for in METODAKTIV_PG_BIN (a folder), on the PATH, then in
/usr/lib/postgresql/<версия>/bin (the newest) — on Windows in the PostgreSQL installation's bin
folder (where psql is). Not found: refused in Russian (ToolMissing), never skipped. The password
goes to them in the PGPASSWORD of the child process, never on its command line, and nothing
shown or logged carries it.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import paths
from desktop_app.store.backup import BackupError, place_new
from desktop_app.store.backup_files import _STAMP, BackupInfo, _found
from desktop_app.store.database import (
    SQLITE_MAGIC,
    DatabaseRefused,
    _load_presets,
    current_revision,
    head_revision,
    known_revisions,
    upgrade,
)
from desktop_app.store.engine import (
    connection_refusal,
    hide_password,
    plain_engine,
    server_place,
)
from desktop_app.store.leftovers import PARTIAL, discard, maker_gone, partial_path, remove_files

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

PG_BIN_ENV = "METODAKTIV_PG_BIN"  # a folder with pg_dump and pg_restore, looked at first
UNIX_FOLDERS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin")
WINDOWS_FOLDERS = ("PostgreSQL/*/bin",)  # under %ProgramFiles%, %ProgramW6432%
SUFFIX = ".dump"
MANIFEST_SUFFIX = ".json"
DUMP_MAGIC = b"PGDMP"
LOCK_WAIT = "60s"  # pg_dump waits this long for a table another session has locked
RESTORE_LOCK_TIMEOUT = "30s"  # pg_restore waits this long for the other seats' locks
_DUMP_STAMP = _STAMP.replace(r"\.sqlite", re.escape(SUFFIX))
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # Windows: no console flashes up
# libpq's settings a URL may carry in its query, passed to the child in its environment
_QUERY_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
              "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
              "target_session_attrs": "PGTARGETSESSIONATTRS"}


class ToolMissing(BackupError):
    """pg_dump or pg_restore is not installed on this computer (message in Russian)."""


def tool_missing_text(name: str) -> str:
    return (f"Программа {name} не найдена на этом компьютере, а копия базы на сервере "
            "PostgreSQL делается и восстанавливается ею (pg_dump и pg_restore). Установите "
            "клиентские программы PostgreSQL той же версии, что сервер, или новее (Debian, "
            "Ubuntu, Astra Linux: пакет postgresql-client; Windows: установщик PostgreSQL, "
            "компонент «Command Line Tools») или укажите их папку в переменной окружения "
            f"{PG_BIN_ENV}.")


# finding pg_dump and pg_restore ---------------------------------------------------------------
def _version_key(folder: str) -> tuple[int, ...]:
    """(16,) for «…/16/bin»: the newest version first when sorted in reverse."""
    return tuple(int(n) for n in re.findall(r"\d+", Path(folder).parent.name))


def _searched_folders() -> list[Path]:
    if os.name == "nt":  # pragma: no cover - Windows
        roots = {os.environ.get(v) for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")}
        patterns = [str(Path(r) / p) for r in sorted(filter(None, roots)) for p in WINDOWS_FOLDERS]
    else:
        patterns = list(UNIX_FOLDERS)
    found: list[Path] = []
    for pattern in patterns:
        found += [Path(f) for f in sorted(glob.glob(pattern), key=_version_key, reverse=True)]
    return found


def find_tool(name: str) -> Path | None:
    """pg_dump or pg_restore: in METODAKTIV_PG_BIN, on the PATH, in PostgreSQL's folders."""
    program = f"{name}.exe" if os.name == "nt" else name
    override = os.environ.get(PG_BIN_ENV)
    if override and (Path(override) / program).is_file():
        return Path(override) / program
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    if os.name == "nt":  # pragma: no cover - Windows: beside psql when only psql is on the PATH
        psql = shutil.which("psql")
        if psql and (Path(psql).parent / program).is_file():
            return Path(psql).parent / program
    for folder in _searched_folders():
        if (folder / program).is_file():
            return folder / program
    return None


def require_tool(name: str) -> Path:
    found = find_tool(name)
    if found is None:
        raise ToolMissing(tool_missing_text(name))
    return found


# the server's address, without its password -------------------------------------------------
@dataclass(frozen=True)
class Server:
    """A database on a PostgreSQL server as pg_dump and pg_restore are told it."""

    url: URL

    @classmethod
    def of(cls, url: str | URL) -> Server:
        from sqlalchemy.engine import make_url

        made = make_url(url) if isinstance(url, str) else url
        if made.get_backend_name() != "postgresql":
            raise BackupError("Резервные копии делаются для базы в файле SQLite и для базы на "
                              "сервере PostgreSQL; эта база — ни то, ни другое.")
        return cls(made)

    @property
    def host(self) -> str:
        query_host = self.url.query.get("host")
        text = query_host if isinstance(query_host, str) else None
        return self.url.host or text or "localhost"

    @property
    def port(self) -> int:
        return self.url.port or 5432

    @property
    def database(self) -> str:
        return self.url.database or self.url.username or "postgres"

    @property
    def shown(self) -> str:
        """The URL with its password hidden."""
        return self.url.render_as_string(hide_password=True)

    @property
    def place(self) -> str:
        return server_place(self.url)

    @property
    def stem(self) -> str:
        """«metodaktiv@srv-mc_5432»: the names of this database's copies begin so."""
        host = self.host if not self.host.startswith("/") else "socket"
        return _safe(f"{self.database}@{host}_{self.port}")

    def connection_args(self) -> list[str]:
        args = ["--host", self.host, "--port", str(self.port), "--no-password"]
        if self.url.username:
            args += ["--username", self.url.username]
        return args

    def environment(self, **extra: str) -> dict[str, str]:
        """The child's environment: the password in PGPASSWORD, libpq's settings of the URL.
        The rest of the user's environment is kept, as the program's own connection (libpq
        too) reads it: a URL without a password finds it as the window does (PGPASSWORD, the
        password file pgpass.conf)."""
        env = dict(os.environ)
        env.setdefault("PGCONNECT_TIMEOUT", "10")
        env["PGAPPNAME"] = "metodaktiv"
        for key, name in _QUERY_ENV.items():
            value = self.url.query.get(key)
            if isinstance(value, str):
                env[name] = value
        if self.url.password is not None:
            env["PGPASSWORD"] = str(self.url.password)
        env.update(extra)
        return env

    def scrub(self, text: str) -> str:
        """A child's message with the password (should it appear) hidden."""
        password = self.url.password
        if password:
            text = text.replace(str(password), "***")
        return hide_password(text) if "://" in text else text


def _safe(name: str) -> str:
    """A name for a file on any system: what is not a letter, a digit, «.», «-», «@» becomes «_»."""
    return re.sub(r"[^\w.@-]", "_", name).strip(". ") or "database"


# running the programs -----------------------------------------------------------------------
def _run(tool: Path, args: list[str], server: Server,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run([str(tool), *args], env=env or server.environment(),
                              stdin=subprocess.DEVNULL, capture_output=True, check=False,
                              creationflags=_NO_WINDOW)
    except OSError as exc:
        raise BackupError(f"Не удалось запустить {tool.name} ({tool}): "
                          f"{exc.strerror or exc}") from exc


def _said(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[-4:])[-600:]


def _failure(tool: Path, said: str, server: Server, what: str) -> BackupError:
    """The Russian refusal for a program that ended with an error; `what`: what was not done."""
    said = server.scrub(said)
    lowered = said.lower()
    if "version mismatch" in lowered or "unsupported version" in lowered:
        return BackupError(f"{what}: программа {tool.name} ({tool}) старше сервера "
                           f"{server.place} ({said}). Установите клиентские программы "
                           "PostgreSQL той же версии, что сервер, или новее.")
    if "no space left" in lowered or "could not write" in lowered:
        return BackupError(f"{what}: не хватает места на диске ({said}). Освободите место и "
                           "повторите; база данных не изменена.")
    if "lock timeout" in lowered or "could not obtain lock" in lowered:
        return BackupError(f"{what}: таблицы базы заняты другими рабочими местами и не "
                           "освободились за отведённое время. Закройте Методактив на других "
                           "местах и повторите; база данных не изменена.")
    refusal = connection_refusal(server.url, Exception(said))
    if refusal is not None:
        return BackupError(f"{what}: {refusal}")
    return BackupError(f"{what}: {tool.name} завершилась с ошибкой: {said}")


# what a copy holds ----------------------------------------------------------------------------
_COPY = re.compile(rb'^COPY (?:(?P<schema>"(?:[^"]|"")+"|[^ ."]+)\.)?'
                   rb'(?P<table>"(?:[^"]|"")+"|[^ ."(]+) ')


def _name(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    text = raw.decode("utf-8", errors="replace")
    return text[1:-1].replace('""', '"') if text.startswith('"') else text


@dataclass
class DumpContents:
    """The rows of every table of the schema in a copy, and the revision it holds."""

    counts: dict[str, int] = field(default_factory=dict)
    revision: str | None = None


def read_dump(path: Path, schema: str = "public") -> DumpContents:
    """Read a custom-format copy back whole (pg_restore writes its data as a script, nothing
    touches a database): the rows of every table of the schema and the schema revision.
    BackupError when pg_restore cannot read it to the end (a damaged or cut file)."""
    tool = require_tool("pg_restore")
    contents = DumpContents()
    current: str | None = None  # the table whose rows are being read ("" another schema's)
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                [str(tool), "--data-only", "--file=-", str(path)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                creationflags=_NO_WINDOW)
        except OSError as exc:
            raise BackupError(f"Не удалось запустить {tool.name} ({tool}): "
                              f"{exc.strerror or exc}") from exc
        assert process.stdout is not None
        with process.stdout:
            for line in process.stdout:
                if current is None:
                    match = _COPY.match(line)
                    if match is not None:
                        ours = (_name(match["schema"]) or schema) == schema
                        current = (_name(match["table"]) or "") if ours else ""
                        if current:
                            contents.counts[current] = 0
                    continue
                if line.rstrip(b"\r\n") == b"\\.":
                    current = None
                    continue
                if current:
                    contents.counts[current] += 1
                if current == "alembic_version":
                    contents.revision = line.rstrip(b"\r\n").decode("utf-8", errors="replace")
        code = process.wait()
        errors.seek(0)
        said = _said(errors.read())
    if code != 0 or current is not None:
        raise BackupError(f"pg_restore не смог прочитать копию целиком ({said or 'файл оборван'})")
    return contents


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(copy: Path) -> Path:
    return copy.with_name(copy.name + MANIFEST_SUFFIX)


def read_manifest(copy: Path) -> dict[str, Any] | None:
    """The manifest beside a copy; None when there is none; BackupError when it is unreadable."""
    place = manifest_path(copy)
    if not place.exists():
        return None
    try:
        data = json.loads(place.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"Опись копии «{place.name}» не читается: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("counts"), dict):
        raise BackupError(f"Опись копии «{place.name}» не описывает копию Методактива.")
    return data


def _write_manifest(copy: Path, data: dict[str, Any]) -> Path:
    place = manifest_path(copy)
    part = partial_path(place)
    try:
        part.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(part, place)
    except BaseException:
        discard(part)
        raise
    return place


# the database: tables, rows, links ------------------------------------------------------------
def default_schema(conn: Connection) -> str:
    from sqlalchemy import inspect

    return inspect(conn).default_schema_name or "public"


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows of every table of the database's schema (SQLAlchemy Core: any database)."""
    from sqlalchemy import func, inspect, select, table

    names = sorted(inspect(conn).get_table_names())
    return {name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
            for name in names}


@dataclass(frozen=True)
class Orphan:
    """Rows of a table whose foreign key names a row its parent table does not have."""

    table: str
    columns: tuple[str, ...]
    parent: str
    rows: int

    def __str__(self) -> str:
        one = self.rows % 10 == 1 and self.rows % 100 != 11
        return (f"таблица {self.table}: {self.rows} {_records(self.rows)} "
                f"{'ссылается' if one else 'ссылаются'} на несуществующую запись таблицы "
                f"{self.parent} (столбец {', '.join(self.columns)})")


def _records(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "запись"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "записи"
    return "записей"


Step = Callable[[int, int, str], None]  # progress(done, total, label) of a long check


def orphans(conn: Connection, tables: set[str],
            progress: Step | None = None) -> tuple[int, list[Orphan]]:
    """For each foreign key of the model (its tables present in the database): the child rows
    whose parent is missing, counted with a LEFT JOIN. (links checked, orphans found);
    progress hears each key before it is counted."""
    from sqlalchemy import and_, func, select

    from desktop_app.model import Base

    keys = [(child_table, key) for child_table in Base.metadata.sorted_tables
            for key in child_table.foreign_key_constraints
            if child_table.name in tables and key.referred_table.name in tables]
    checked, found = 0, []
    for child_table, key in keys:
        parent_table = key.referred_table
        if progress is not None:
            progress(checked, len(keys), f"ссылки таблицы «{child_table.name}» на "
                                         f"«{parent_table.name}»")
        child, parent = child_table.alias("c"), parent_table.alias("p")
        pairs = [(child.c[e.parent.name], parent.c[e.column.name]) for e in key.elements]
        stmt = (select(func.count())
                .select_from(child.outerjoin(parent, and_(*(c == p for c, p in pairs))))
                .where(*(c.is_not(None) for c, _ in pairs), pairs[0][1].is_(None)))
        checked += 1
        rows = int(conn.execute(stmt).scalar_one())
        if rows:
            found.append(Orphan(child_table.name, tuple(c.name for c, _ in pairs),
                                parent_table.name, rows))
    return checked, sorted(found, key=lambda o: (o.table, o.columns, o.parent))


@dataclass
class ServerCheck:
    """What `check` found in a database on a server."""

    revision: str | None
    head: str
    counts: dict[str, int]
    missing: list[str]
    links: int
    orphans: list[Orphan]

    @property
    def ok(self) -> bool:
        return self.revision == self.head and not self.missing and not self.orphans

    def checked(self) -> list[str]:
        """What was checked, one line each, with its outcome."""
        if self.revision == self.head:
            revision = f"ревизия схемы {self.revision} — текущая: в порядке"
        else:
            revision = (f"ревизия схемы {self.revision or 'не записана'} — не текущая "
                        f"(нужна {self.head})")
        tables = (f"таблицы: {len(self.counts)}, записи сосчитаны в каждой; "
                  + (f"нет таблиц: {', '.join(self.missing)}" if self.missing
                     else "все таблицы программы на месте"))
        if self.revision != self.head:
            links = "связи между таблицами не проверены: схема не текущей версии"
        elif self.orphans:
            links = (f"связи между таблицами (внешние ключи): {self.links}; найдены записи "
                     "со ссылкой на несуществующую запись")
        else:
            links = (f"связи между таблицами (внешние ключи): {self.links}; записей со "
                     "ссылкой на несуществующую запись нет")
        return [revision, tables, links]

    def problems(self) -> list[str]:
        found = []
        if self.revision != self.head:
            found.append(f"ревизия схемы {self.revision or 'не записана'}, нужна {self.head}")
        if self.missing:
            found.append(f"нет таблиц: {', '.join(self.missing)}")
        found += [str(o) for o in self.orphans]
        return found


def check_server(conn: Connection, progress: Step | None = None) -> ServerCheck:
    """The revision, every table's rows, the model's tables present, and for each foreign key
    the rows pointing at nothing (only at the head revision: another schema's columns differ);
    progress hears the foreign keys as they are checked."""
    from desktop_app.model import Base

    revision = _revision(conn)
    if progress is not None:
        progress(0, 0, "число записей в таблицах")
    counts = table_counts(conn)
    missing = sorted(t.name for t in Base.metadata.sorted_tables if t.name not in counts)
    head = head_revision()
    links, lost = orphans(conn, set(counts), progress) if revision == head else (0, [])
    return ServerCheck(revision, head, counts, missing, links, lost)


def _revision(conn: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    versions = [str(row[0]) for row in conn.execute(text("SELECT version_num FROM "
                                                         "alembic_version"))]
    if len(versions) > 1:
        raise DatabaseRefused("В базе данных несколько ревизий схемы: это не база Методактива.")
    return versions[0] if versions else None


# copies -------------------------------------------------------------------------------------
def server_backups_folder() -> Path:
    """Where the copies of a server's databases go: the data folder's backups/, as for a
    database file that lives in the data folder."""
    return paths.data_dir() / "backups"


def copy_name(server: Server, reason: str, now: datetime | None = None) -> str:
    moment = (now or datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    return f"{server.stem}-{moment}-{reason}{SUFFIX}"


def list_server_backups(url: str | URL, folder: Path | None = None) -> list[BackupInfo]:
    """The copies of this server's database in the backups folder (or folder), newest first."""
    server = Server.of(url)
    pattern = re.compile(rf"^{re.escape(server.stem)}-{_DUMP_STAMP}$")
    return _found(folder or server_backups_folder(), [pattern], suffix=SUFFIX)


def remove_dump_leftovers(folder: Path) -> list[Path]:
    """Partial copies and manifests in the folder whose process is over."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        match = PARTIAL.match(entry.name)
        if match is not None and match["final"].endswith((SUFFIX, SUFFIX + MANIFEST_SUFFIX)) \
                and maker_gone(int(match["pid"]), entry):
            found.append(entry)
    return remove_files(found)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[tuple[str, str, dict[str, int], str | None]]:
    """A read-only transaction whose snapshot pg_dump is to share: (its id, the schema, every
    table's rows and the revision, all as of that snapshot). Held until the block ends."""
    from sqlalchemy import text

    with engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            yield snapshot, default_schema(conn), table_counts(conn), _revision(conn)


def backup_server(url: str, reason: str = "manual", folder: Path | None = None,
                  dest: Path | None = None, now: datetime | None = None) -> Path:
    """A checked copy of the database at url: into dest (a new file), or named in folder (by
    default the backups folder). Returns the copy; its manifest is beside it. Raises
    BackupError (ToolMissing: pg_dump not found) with a Russian message; nothing is left
    behind then."""
    server = Server.of(url)
    dump_tool, restore_tool = require_tool("pg_dump"), require_tool("pg_restore")
    del restore_tool  # read_dump finds it again: both are needed before anything is written
    target = dest or (folder or server_backups_folder()) / copy_name(server, reason, now)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Не удалось создать папку резервных копий «{target.parent}»: "
                          f"{exc.strerror or exc}") from exc
    remove_dump_leftovers(target.parent)
    tmp = partial_path(target)
    what = f"Резервная копия базы {server.shown} не сделана"
    engine = plain_engine(url)
    try:
        with _snapshot(engine) as (snapshot, schema, counts, revision):
            done = _run(dump_tool, ["--format=custom", f"--file={tmp}",
                                    f"--snapshot={snapshot}", f"--lock-wait-timeout={LOCK_WAIT}",
                                    *server.connection_args(), "--dbname", server.database],
                        server)
        if done.returncode != 0:
            raise _failure(dump_tool, _said(done.stderr), server, what)
        if revision is None:
            raise BackupError(f"{what}: в ней нет данных Методактива (нет ревизии схемы) — "
                              "копировать нечего.")
        try:
            contents = read_dump(tmp, schema)
        except ToolMissing:
            raise
        except BackupError as exc:
            raise BackupError(f"{what}: копия не прошла проверку — {exc}.") from exc
        if contents.counts != counts or contents.revision != revision:
            raise BackupError(f"{what}: копия не прошла проверку — в ней не те записи, что в "
                              f"базе ({_difference(counts, contents.counts)}).")
        manifest = {"program": "Методактив", "format": 1, "kind": "postgresql-custom",
                    "server": server.place, "database": server.database, "schema": schema,
                    "made_at": datetime.now().isoformat(timespec="seconds"), "reason": reason,
                    "revision": revision, "counts": counts, "size": tmp.stat().st_size,
                    "sha256": sha256(tmp)}
        made = place_new(tmp, target) if dest is None else _place_exact(tmp, target)
        try:
            _write_manifest(made, manifest)
        except BaseException:
            made.unlink(missing_ok=True)
            raise
    except OSError as exc:
        discard(tmp)
        raise BackupError(f"{what}: {exc.strerror or exc}") from exc
    except BaseException:
        discard(tmp)
        raise
    finally:
        engine.dispose()
    log.info("server backup made: reason=%s size=%d tables=%d", reason, manifest["size"],
             len(counts))
    return made


def _place_exact(tmp: Path, dest: Path) -> Path:
    """A file named by hand (--out): never over an existing one (nor its manifest)."""
    if dest.exists() or manifest_path(dest).exists():
        raise BackupError(f"Файл «{dest}» уже существует: копия не записывается поверх него.")
    return place_new(tmp, dest)


def _difference(expected: dict[str, int], found: dict[str, int]) -> str:
    lines = [f"{name}: {expected.get(name, 'нет')} → {found.get(name, 'нет')}"
             for name in sorted(set(expected) | set(found))
             if expected.get(name) != found.get(name)]
    return "; ".join(lines[:5]) + ("; …" if len(lines) > 5 else "")


# restore ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServerRestoreResult:
    """What a restore into a server's database did."""

    previous: Path | None  # the copy of the state it replaced
    upgraded_from: str | None
    counts: dict[str, int]
    manifest: bool  # whether the copy's manifest was there (else it was checked against itself)


def check_copy(source: Path) -> tuple[DumpContents, bool]:
    """Read a copy back whole and check it against its manifest (SHA-256, rows); refused
    (DatabaseRefused, in Russian) when it is missing, not a server copy, or damaged. The rows
    to expect and whether a manifest was there."""
    if not source.is_file():
        raise DatabaseRefused(f"Файл «{source}» не найден.")
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        raise DatabaseRefused(
            f"Файл «{source.name}» — копия базы в файле SQLite, а база открыта на сервере "
            "PostgreSQL: восстанавливается копия этой базы (файл .dump). Данные из файла "
            "переносятся на сервер книгой обмена: export у файла, import на сервере.")
    if not head.startswith(DUMP_MAGIC):
        raise DatabaseRefused(f"Файл «{source.name}» — не резервная копия базы на сервере "
                              "(ожидается файл .dump, сделанный командой backup или pg_dump -Fc).")
    damaged = f"Файл «{source}» повреждён, база данных не изменена"
    try:
        manifest = read_manifest(source)
    except BackupError as exc:
        raise DatabaseRefused(f"{damaged}: {exc}") from exc
    if manifest is not None and manifest.get("sha256") not in (None, sha256(source)):
        raise DatabaseRefused(f"{damaged}: его содержимое не совпадает с описью копии "
                              "(контрольная сумма другая).")
    try:
        contents = read_dump(source, str((manifest or {}).get("schema") or "public"))
    except ToolMissing:
        raise
    except BackupError as exc:
        raise DatabaseRefused(f"{damaged}: {exc}.") from exc
    if manifest is not None and contents.counts != manifest["counts"]:
        raise DatabaseRefused(f"{damaged}: записей в нём не столько, сколько в описи копии "
                              f"({_difference(manifest['counts'], contents.counts)}).")
    if contents.revision is None:
        raise DatabaseRefused(f"В файле «{source.name}» нет данных Методактива.")
    if contents.revision not in known_revisions():
        raise DatabaseRefused(
            f"Копия «{source.name}» сделана более новой версией программы (ревизия "
            f"{contents.revision}). Обновите Методактив, чтобы восстановить её.")
    return contents, manifest is not None


def restore_server(url: str, source: Path) -> ServerRestoreResult:
    """Replace the database at url with a checked copy (older ones brought to the head).

    The copy is read back and checked before anything is done; the current state is copied
    (before-restore); pg_restore runs in one transaction (all or nothing); the restored
    database is checked (every table's rows as in the copy's manifest, then the revision the
    head); if that check fails the state before is restored back. Raises DatabaseRefused or
    BackupError in Russian; the database is then as it was."""
    server = Server.of(url)
    source = Path(source).resolve()
    tool = require_tool("pg_restore")
    require_tool("pg_dump")  # for the copy of the state before
    contents, with_manifest = check_copy(source)
    previous = _save_previous(url, server)
    _pg_restore(tool, source, server, f"База {server.shown} не восстановлена")
    try:
        upgraded_from = _check_restored(url, contents)
    except (BackupError, DatabaseRefused) as exc:
        _put_back(tool, previous, server, exc)
        raise
    log.info("server restore done: upgraded=%s tables=%d", bool(upgraded_from),
             len(contents.counts))
    return ServerRestoreResult(previous, upgraded_from, contents.counts, with_manifest)


def _save_previous(url: str, server: Server) -> Path | None:
    """A checked copy of the current state; None when the database has no tables yet."""
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            tables = table_counts(conn)
            revision = _revision(conn)
    finally:
        engine.dispose()
    if not tables:
        return None
    if revision is None:
        raise DatabaseRefused(f"В базе данных «{server.shown}» чужие таблицы: копия Методактива "
                              "в неё не восстанавливается, база не изменена.")
    try:
        return backup_server(url, "before-restore")
    except BackupError as exc:
        raise BackupError(f"Перед восстановлением не удалось сохранить текущее состояние базы: "
                          f"{exc} База не изменена.") from exc


def _pg_restore(tool: Path, source: Path, server: Server, what: str) -> None:
    env = server.environment(PGOPTIONS=f"-c lock_timeout={RESTORE_LOCK_TIMEOUT}")
    done = _run(tool, ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                       "--exit-on-error", *server.connection_args(), "--dbname",
                       server.database, str(source)], server, env)
    if done.returncode != 0:
        error = _failure(tool, _said(done.stderr), server, what)
        raise BackupError(f"{error} Восстановление идёт одной транзакцией: база осталась "
                          "как была.")


def _check_restored(url: str, contents: DumpContents) -> str | None:
    """Every table's rows as in the copy, then an older revision brought up to the head."""
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            found = table_counts(conn)
        expected = contents.counts
        if any(found.get(name) != rows for name, rows in expected.items()):
            raise BackupError("Восстановленная база не прошла проверку: записей не столько, "
                              f"сколько в копии ({_difference(expected, found)}).")
        revision = current_revision(engine)
        upgraded_from = None
        if revision != head_revision():
            upgrade(engine)
            _load_presets(engine)
            upgraded_from = revision
        if current_revision(engine) != head_revision():
            raise BackupError("Восстановленная база не прошла проверку: ревизия схемы не "
                              "текущая.")
    finally:
        engine.dispose()
    return upgraded_from


def _put_back(tool: Path, previous: Path | None, server: Server, cause: Exception) -> None:
    """After a failed check: the state before restored from its copy (said in the error)."""
    if previous is None:
        return
    try:
        _pg_restore(tool, previous, server, "Прежнее состояние не возвращено")
    except BackupError as again:
        cause.args = (f"{cause} Прежнее состояние вернуть не удалось ({again}); оно сохранено "
                      f"в копии «{previous}».",)
        return
    cause.args = (f"{cause} Возвращено прежнее состояние базы (из копии «{previous}»).",)
