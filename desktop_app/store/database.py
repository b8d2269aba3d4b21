"""Opening a database: guards against foreign, damaged and newer files; backup, then migrate.

SQLAlchemy is imported when the engine is first needed, not by this module: opening a file
already at the head revision reads it through plain sqlite3, so the window can list its people
before SQLAlchemy and the models are loaded (a quarter of a second of the start).

It stays whole (≈ 615 lines): guarding, backing up and migrating are the one sequence every
file goes through on opening, each step relying on the one before."""

from __future__ import annotations

import ast
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from desktop_app import paths
from desktop_app.store.backup import (
    BackupError,
    backup_file,
    backups_folder,
    ensure_database_id,
    integrity_ok,
    read_database_id,
    stamped_name,
)
from desktop_app.store.engine import (  # raised by its checks of a URL and of a connection
    APPLICATION_ID,
    DatabaseRefused as DatabaseRefused,
    connect_reader,
    final_name,
    hide_password,
    make_engine,
    make_sessionmaker,
    plain_engine,
    sqlite_path,
    url_for,
)
from desktop_app.store.lock import DatabaseLock

if TYPE_CHECKING:  # Alembic is imported only to upgrade a file (about 0,3 s at start-up)
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseMissing(DatabaseRefused):
    """No database at the path (or no tables of ours in the database at a URL): nothing is
    created unless asked (`init`, the window's «Создать новую базу»). path is None for a URL."""

    def __init__(self, path: Path | None, message: str | None = None) -> None:
        self.path = path
        super().__init__(message or f"Файл базы данных «{path}» не найден.")


class DatabaseExists(DatabaseRefused):
    """A new database was asked for where one already is: the file is left untouched."""


class DatabaseDamaged(DatabaseRefused):
    """The file failed PRAGMA quick_check: never written to; backup names the latest good copy."""

    def __init__(self, path: Path, backup: Path | None) -> None:
        self.path = path
        self.backup = backup
        hint = (f" Последняя исправная резервная копия: «{backup}»." if backup
                else " Исправных резервных копий этой базы не найдено.")
        super().__init__(
            f"База данных «{path}» повреждена (не прошла проверку целостности) и открыта не "
            f"будет; в неё ничего не записано.{hint}"
        )


class Database:
    """An open database: its URL, engine and session factory (both made on first use), and a
    plain sqlite3 connection for the lists' reads (fetch)."""

    def __init__(self, url: str, path: Path | None = None, read_only: bool = False,
                 backups: list[Path] | None = None, lock: DatabaseLock | None = None,
                 check: IntegrityCheck | None = None, engine: Engine | None = None) -> None:
        self.url, self.path, self.read_only = url, path, read_only
        self.backups: list[Path] = backups or []
        self.lock = lock
        # the quick_check still running in a worker thread (open_database(check_in_background))
        self.check = check
        self._engine = engine
        self._sessions: sessionmaker[Session] | None = None
        self._reader: sqlite3.Connection | None = None
        self._reader_guard = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url, read_only=self.read_only)
            if self.check is not None:
                _guard_writes(self._engine, self.check)
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            self._sessions = make_sessionmaker(self.engine)
        return self._sessions

    @property
    def title(self) -> str:
        """The file, or the URL with its password hidden (shown in the window's title)."""
        return str(self.path) if self.path else shown_url(self.url)

    @property
    def dialect(self) -> str:
        """«sqlite» (a file) or the server's engine name («postgresql»), for the statements
        that differ (store/dialect.py); a file's is known without loading SQLAlchemy."""
        if self.path is not None:
            return "sqlite"
        return str(self.engine.dialect.name)

    def fetch(self, sql: str, params: dict[str, Any] | Sequence[Any] = ()) -> list[Any]:
        """The rows of one reading statement (a file: named or ? parameters; a server: named
        ones, in the SQL of store/dialect.py's helpers for its engine).

        A file is read through a plain sqlite3 connection of its own (opened read-only for a
        read-only database), no ORM; it sees every committed change. Another URL is read
        through the engine."""
        if self.path is None:  # named parameters, converted to the driver's by SQLAlchemy
            from sqlalchemy import text

            with self.engine.connect() as conn:
                named = params if isinstance(params, dict) else {}
                return list(conn.execute(text(sql), named).fetchall())
        with self._reader_guard:
            if self._reader is None:
                self._reader = connect_reader(self.path, self.read_only)
            return self._reader.execute(sql, params).fetchall()

    def ensure_sound(self) -> None:
        """Wait for a quick_check running in the background; DatabaseDamaged if it failed."""
        if self.check is not None and self.path is not None and not self.check.wait():
            self.check.raise_damaged()

    def dispose(self) -> None:
        with self._reader_guard:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        if self._engine is not None:
            self._engine.dispose()
        if self.lock is not None:
            self.lock.release()


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


@cache
def _scripts(folder: Path) -> tuple[str, frozenset[str]] | None:
    """(head, every revision) read from the migration files as text, without importing
    Alembic; None when the files are not a plain chain (a merge, an unreadable line)."""
    revisions: dict[str, str | None] = {}
    for script in sorted((folder / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None
        revisions[revision] = down
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        return None
    return heads.pop(), frozenset(revisions)


def _script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision of the migrations (read from their files; Alembic only as fallback)."""
    scripts = _scripts(paths.migrations_dir())
    if scripts is not None:
        return scripts[0]
    head = _script_directory().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    scripts = _scripts(paths.migrations_dir())
    if scripts is not None:
        return set(scripts[1])
    return {rev.revision for rev in _script_directory().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database (alembic_version), None for a file without it."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    if len(versions) > 1:
        raise DatabaseRefused("В базе данных несколько ревизий схемы: это не база Методактива.")
    return versions[0] if versions else None


def _file_revision(path: Path) -> str | None:
    """The revision of a SQLite file read without an engine (raises sqlite3.Error)."""
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return cast(str | None, row[0])
    finally:
        con.close()


class IntegrityCheck:
    """PRAGMA quick_check of a file in a worker thread: SQLite runs it without holding the GIL,
    so the window is built meanwhile. Until it has passed, nothing may write to the file."""

    def __init__(self, path: Path, start: bool = True) -> None:
        self.path = path
        self.sound: bool | None = None
        self._done = threading.Event()
        self._callbacks: list[Callable[[bool], None]] = []
        self._guard = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        """Start the check (once; a later call does nothing). The window starts it after its
        first paint, so reading the file for the first screen does not share the disk and the
        processor with it."""
        with self._guard:
            if self._thread.ident is None:  # never started
                self._thread.start()

    def _run(self) -> None:
        sound = integrity_ok(self.path, quick=True)
        with self._guard:
            self.sound = sound
            self._done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(sound)

    def wait(self, timeout: float | None = None) -> bool:
        """True when the file passed (waits for the check, started if it was not); False when
        damaged or not yet done within the timeout."""
        self.start()
        self._done.wait(timeout)
        return bool(self.sound)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def when_done(self, callback: Callable[[bool], None]) -> None:
        """Call back with the result (in the worker thread, or at once when already done)."""
        with self._guard:
            if not self._done.is_set():
                self._callbacks.append(callback)
                return
        callback(bool(self.sound))

    def raise_damaged(self) -> None:
        from desktop_app.store.backup_files import latest_good_backup

        raise DatabaseDamaged(self.path, latest_good_backup(self.path))




def _reads_only(statement: str) -> bool:
    head = statement.lstrip()[:6].upper()
    return head == "SELECT" or (head == "PRAGMA" and "=" not in statement)


def _guard_writes(engine: Engine, check: IntegrityCheck) -> None:
    """Every statement that may write waits for the background quick_check and is refused
    (DatabaseDamaged) when the file failed it; reads go on meanwhile."""
    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if check.sound:
            return
        if not check.done and _reads_only(statement):
            return
        if not check.wait():
            check.raise_damaged()

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", before)


def check_sqlite_file(path: Path) -> None:
    """Refuse what is not a SQLite file or not ours, before anything writes to it."""
    if path.is_dir():
        raise DatabaseRefused(f"«{path}» — это папка, а не файл базы данных.")
    size = path.stat().st_size
    if size == 0:
        raise DatabaseRefused(f"Файл «{path}» пуст: это не база данных Методактива.")
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseRefused(f"Файл «{path}» не является базой данных SQLite.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID and Path(f"{path}-wal").exists():
        app_id = _application_id_through_wal(path)
    if app_id != APPLICATION_ID:
        raise DatabaseRefused(
            f"Файл «{path}» — база данных SQLite, но не Методактива: открыть её нельзя."
        )


def refuse_unwritable_place(path: Path, writing: bool) -> None:
    """Refuse a database file the program may not write to (a compact disc, a write-protected
    stick, a share without the right to write) before SQLite fails on it: one opened to write
    whose file or folder is read-only; one opened to read whose folder is read-only while the
    file is in WAL mode (SQLite must make its -shm beside it even to read) and no -shm is there.
    Never refuses on Windows for the folder (there a folder cannot be made read-only so)."""
    folder_writable = os.access(path.parent, os.W_OK)
    if writing and not (folder_writable and os.access(path, os.W_OK)):
        raise DatabaseRefused(
            f"В базу данных «{path}» нельзя записать: файл или его папка «{path.parent}» только "
            "для чтения (компакт-диск, флешка с защитой от записи, сетевая папка без права "
            "записи). Скопируйте базу в папку, куда можно писать; база не изменена.")
    if not writing and not folder_writable and _wal_mode(path) \
            and not Path(f"{path}-shm").exists():
        raise DatabaseRefused(
            f"Базу данных «{path}» нельзя открыть: папка «{path.parent}» только для чтения, а "
            "рядом с базой нужно создать служебные файлы (-wal, -shm) даже для чтения. "
            "Скопируйте базу в папку, куда можно писать, и откройте копию.")


def _wal_mode(path: Path) -> bool:
    """Whether the file's header says WAL (its read and write format versions are 2)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02"


def _application_id_through_wal(path: Path) -> int:
    """The header of a WAL database may still be in its -wal file (not yet checkpointed)."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return int(con.execute("PRAGMA application_id").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return 0


def _backup_before_migration(path: Path, revision: str | None) -> Path:
    # named with the identity the file has (one of an older version has none: nothing is
    # written to it before this copy), in the backups folder of this database
    reason = f"before-upgrade-{revision or 'none'}"
    dest = backups_folder(path) / stamped_name(path, reason, identity=read_database_id(path))
    return backup_file(path, dest)


def upgrade(engine: Engine) -> None:
    from alembic import command
    from sqlalchemy import text

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if engine.dialect.name == "sqlite":
            conn.execute(text(f"PRAGMA application_id={APPLICATION_ID}"))


def check_integrity(path: Path) -> None:
    """PRAGMA quick_check before anything writes: a damaged file raises DatabaseDamaged."""
    if integrity_ok(path, quick=True):
        return
    from desktop_app.store.backup_files import latest_good_backup

    raise DatabaseDamaged(path, latest_good_backup(path))


def open_database(target: str | Path, create: bool = True, read_only: bool = False,
                  lock: bool = False, check_in_background: bool = False,
                  start_check: bool = True) -> Database:
    """Open (or create) the database at a path or URL, upgrading an older file after a backup.

    Raises DatabaseRefused for a file that is not ours, damaged (DatabaseDamaged), or newer
    than the program; such a file is left untouched. With lock=True a writable SQLite file is
    locked for this process (DatabaseBusy when another copy of the program holds it).
    With check_in_background=True (the window's start) a file already at the head revision
    gets its quick_check in a worker thread (Database.check) instead of before returning;
    until it has passed, statements that write wait for it and a damaged file is never
    written; with start_check=False the caller starts it (Database.check.start()), and a
    write starts it too. A file that needs an upgrade is always checked first.
    """
    url = url_for(target)
    path = sqlite_path(url)
    exists = path is not None and path.exists()
    check: IntegrityCheck | None = None
    if path is not None:
        if exists:
            check_sqlite_file(path)
            refuse_unwritable_place(path, writing=not read_only)
            if check_in_background and _at_head(path):
                check = IntegrityCheck(path, start=start_check)
            else:
                check_integrity(path)
        elif not create:
            raise DatabaseMissing(path)
        elif read_only:
            raise DatabaseMissing(path, f"Файл «{path}» не найден: открыть его только для чтения "
                                        "нельзя.")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    held = DatabaseLock(path).acquire() if lock and path is not None and not read_only else None
    if exists and path is not None and not read_only:
        _remove_leftovers(path)
    if check is not None:  # at the head revision: nothing to bring up, the engine comes later
        return Database(url, path, read_only, [], held, check)
    engine = make_engine(url, read_only=read_only)
    try:
        # An older file is copied before the first connection (which switches it to WAL).
        early = _backup_if_behind(path) if exists and path and not read_only else []
        backups = early + _bring_to_head(engine, None if early or not exists else path, read_only,
                                         create)
    except BaseException:
        engine.dispose()
        if held is not None:
            held.release()
        raise
    if path is not None and not read_only:
        ensure_database_id(path)  # a new file, or one of an older version: its copies' names
    return Database(url, path, read_only, backups, held, None, engine)


def _remove_leftovers(path: Path) -> None:
    """What killed processes left beside the file and in its backups folder (their temporary
    copies, partial files); never the file's own -wal/-shm/-journal. Logged."""
    from desktop_app.store.backup_files import remove_leftovers

    remove_leftovers(path)


def _at_head(path: Path) -> bool:
    """Whether the file reads as ours at the head revision (so opening it writes nothing)."""
    try:
        return _file_revision(path) == head_revision()
    except (sqlite3.Error, TypeError):
        return False


def _backup_if_behind(path: Path) -> list[Path]:
    """A checked copy of a file at an older known revision, made before anything connects to
    it; [] otherwise (_bring_to_head then decides). When the copy cannot be made the file is
    refused (DatabaseRefused) and left untouched."""
    try:
        revision = _file_revision(path)
    except (sqlite3.Error, TypeError):  # no revision table, or no row in it
        return []
    if revision is None or revision == head_revision() or revision not in known_revisions():
        return []
    try:
        return [_backup_before_migration(path, revision)]
    except (BackupError, OSError) as exc:
        raise DatabaseRefused(
            f"Перед обновлением базы «{path}» не удалось сделать её резервную копию ({exc}). "
            "База не обновлена и оставлена без изменений."
        ) from exc


def _bring_to_head(engine: Engine, existing: Path | None, read_only: bool,
                   create: bool = True) -> list[Path]:
    try:
        revision = current_revision(engine)
    except DatabaseRefused:
        raise
    except sqlite3.DatabaseError as exc:  # pragma: no cover - guarded by the header check
        raise DatabaseRefused(f"База данных повреждена: {exc}") from exc
    except Exception as exc:
        said = str(getattr(exc, "orig", exc))
        if "disk is full" in said or "disk I/O error" in said:
            raise  # told by the command as a full or failed disk
        raise _unreadable(engine, said) from exc
    head = head_revision()
    if revision == head:
        return []
    if revision is not None and revision not in known_revisions():
        raise DatabaseRefused(
            "База данных создана более новой версией программы (ревизия "
            f"{revision}). Обновите Методактив; файл оставлен без изменений."
        )
    if revision is None and existing is None:
        if _has_tables(engine):
            raise DatabaseRefused("В базе данных есть чужие таблицы: это не база Методактива.")
        if not create:  # an empty database at a URL: its schema is made by `init` only
            raise DatabaseMissing(None, f"В базе данных «{shown_url(engine.url)}» нет таблиц "
                                        "Методактива.")
    if read_only:
        raise DatabaseRefused(
            "База данных требует обновления, а открыта только для чтения."
        )
    backups = []
    if existing is not None:
        try:
            backups.append(_backup_before_migration(existing, revision))
        except BackupError as exc:
            raise DatabaseRefused(str(exc)) from exc
    upgrade(engine)
    _load_presets(engine)
    return backups


def _unreadable(engine: Engine, said: str) -> DatabaseRefused:
    """The refusal of a database its first reading failed on, in Russian (SQLite's own words
    for the cases a user meets: no access, a database busy, a read-only file)."""
    where = (final_name(engine.url.database or "") if engine.dialect.name == "sqlite"
             else shown_url(engine.url))
    if "unable to open database file" in said:
        return DatabaseRefused(f"Файл базы данных «{where}» не удалось открыть или создать: нет "
                               "доступа к нему или к его папке, или папка недоступна.")
    if "database is locked" in said:
        return DatabaseRefused(f"База данных «{where}» занята: в неё сейчас пишет другая "
                               "программа. Повторите позже.")
    if "readonly" in said:
        return DatabaseRefused(f"В базу данных «{where}» нельзя записать: файл или его папка "
                               "только для чтения.")
    return DatabaseRefused(f"Не удалось прочитать базу данных «{where}»: {said}")


def create_database(target: str | Path) -> Database:
    """A new empty database at a path or URL: the schema at the head revision, the presets
    loaded; the file locked as for a writer. Refused (DatabaseExists) when the file exists or
    the database at the URL already has tables (ours or another program's), which are left
    untouched; DatabaseRefused when the file's folder does not exist."""
    url = url_for(target)
    path = sqlite_path(url)
    if path is not None:
        if path.exists() or path.is_symlink():
            raise DatabaseExists(f"Файл «{path}» уже существует; новая база в нём не создаётся "
                                 "и файл не изменён.")
        if not path.parent.is_dir():
            raise DatabaseRefused(f"Папка «{path.parent}» не существует.")
    if path is None:
        _refuse_tables(url)
    held = DatabaseLock(path).acquire() if path is not None else None
    engine = make_engine(url)
    try:
        upgrade(engine)
        _load_presets(engine)
    except BaseException:
        engine.dispose()
        if path is not None:  # nothing half-made is left behind
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"),
                             Path(f"{path}-journal")):
                leftover.unlink(missing_ok=True)
        if held is not None:
            held.release()
        raise
    if path is not None:
        ensure_database_id(path)
    return Database(url, path, False, [], held, None, engine)


def _refuse_tables(url: str) -> None:
    """A database at a URL that already has tables: ours (at some revision) or another's. It is
    looked at through a plain engine (not ours: that one would set SQLite's journal mode)."""
    from sqlalchemy.exc import DBAPIError

    where = shown_url(url)
    engine = plain_engine(url)
    try:
        revision = current_revision(engine)
        tables = _has_tables(engine)
    except DBAPIError as exc:
        raise DatabaseRefused(f"Базу данных «{where}» не удалось прочитать: {exc.orig}") from exc
    finally:
        engine.dispose()
    if revision is not None:
        raise DatabaseExists(f"В базе данных «{where}» уже есть таблицы Методактива (ревизия "
                             f"{revision}); новая база в ней не создаётся.")
    if tables:
        raise DatabaseExists(f"В базе данных «{where}» уже есть таблицы другой программы; "
                             "схема Методактива создаётся только в пустой базе.")


def shown_url(url: object) -> str:
    """A database URL to show: its password hidden."""
    return hide_password(url)


def _load_presets(engine: Engine) -> None:
    from desktop_app.store.presets_seed import load_all

    with make_sessionmaker(engine, changelog=False).begin() as session:
        load_all(session)


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())
