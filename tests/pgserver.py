"""A real PostgreSQL server for the tests: initdb into a temporary folder, loopback only, one per
test session, stopped at the end; each test that asks gets a fresh database on it.

Where PostgreSQL (Debian's postgresql: /usr/lib/postgresql/*/bin) or psycopg is missing the
tests that need it are skipped — unless METODAKTIV_REQUIRE_POSTGRES=1 (set by .ci/run), where a
missing server fails the run instead of skipping half of it silently.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRED = os.environ.get("METODAKTIV_REQUIRE_POSTGRES") == "1"
USER = "meto"


def unavailable(reason: str) -> None:
    """Skip the test, or fail it where the server is required."""
    if REQUIRED:
        pytest.fail(f"PostgreSQL required (METODAKTIV_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(reason)


def bin_dir() -> Path | None:
    """The newest PostgreSQL's programs, when the server and a driver are installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    has_driver = importlib.util.find_spec("psycopg") is not None
    return found[-1].parent if found and has_driver and sys.platform != "win32" else None


@dataclass
class PgServer:
    """A running server: its port, the password of the user meto, its folder."""

    bin: Path
    folder: Path
    port: int
    password: str
    as_user: list[str]
    template: str | None = None  # a database migrated to the head (migrated())

    def url(self, database: str = "postgres", driver: str = "psycopg") -> str:
        return f"postgresql+{driver}://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement on the server's postgres database (autocommit: CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER,
                             password=self.password, dbname="postgres",
                             autocommit=True) as con:
            con.execute(sql)  # type: ignore[arg-type]

    def create_database(self, collation: str = "C.UTF-8") -> str:
        """A new empty database; collation «C.UTF-8» (libc) or «ru-RU» (ICU). Its name."""
        name = "t_" + secrets.token_hex(6)
        if collation == "ru-RU":
            self.admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                       "LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' LOCALE 'C.UTF-8'")
        else:
            self.admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                       f"LOCALE '{collation}'")
        return name

    def migrated(self) -> str:
        """A new database with the program's schema at its head and the presets: a copy of a
        template migrated once per server (CREATE DATABASE … TEMPLATE, ~50 ms instead of the
        migrations' ~250 ms)."""
        if self.template is None:
            from desktop_app.store.database import open_database

            name = self.create_database()
            open_database(self.url(name)).dispose()  # no connection may stay on a template
            self.template = name
        name = "t_" + secrets.token_hex(6)
        self.admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return name

    def copy_database(self, source: str) -> str:
        """A new database that is a copy of `source` (no connection may be open on it). Its
        name."""
        name = "t_" + secrets.token_hex(6)
        self.admin(f"CREATE DATABASE {name} TEMPLATE {source}")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        data = self.folder / "data"
        if data.exists():
            subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(data), "-m",
                            "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PgServer:
    """initdb and start a server on a free loopback port; skips (or fails) where it cannot."""
    programs = bin_dir()
    if programs is None:
        unavailable("PostgreSQL (initdb) or psycopg is not installed here")
        raise AssertionError  # unreachable: unavailable() raises
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the server runs as postgres
        if shutil.which("runuser") is None:
            unavailable("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
    # not under pytest's temp folder: that one is open to its owner only
    folder = Path(tempfile.mkdtemp(prefix="metodaktiv-pg-"))
    password = "Pg-" + secrets.token_hex(8)
    (folder / "pw").write_text(password, encoding="utf-8")
    if as_user:
        for path in (folder, folder / "pw"):
            shutil.chown(path, "postgres")
    server = PgServer(programs, folder, 0, password, as_user)
    data = folder / "data"
    made = subprocess.run([*as_user, str(programs / "initdb"), "-D", str(data), "-U", USER,
                           f"--pwfile={folder / 'pw'}", "-A", "scram-sha-256", "-E", "UTF8",
                           "--locale=C.UTF-8"],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        server.stop()
        unavailable(f"initdb failed: {made.stderr[-300:]}")
    # a free port, asked of the system; another test process (pytest-xdist's workers each start
    # their own server) may take it between the asking and the start: then another one
    for _attempt in range(5):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            server.port = int(sock.getsockname()[1])
        options = (f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        started = subprocess.run([*as_user, str(programs / "pg_ctl"), "-D", str(data), "-o",
                                  options, "-l", str(folder / "log"), "-w", "start"],
                                 capture_output=True, text=True, check=False)
        if started.returncode == 0:
            return server
    server.stop()
    unavailable(f"pg_ctl start failed: {started.stderr[-300:]}")
    raise AssertionError  # unreachable: unavailable() raises
