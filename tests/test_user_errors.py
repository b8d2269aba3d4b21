"""Every failure a user can cause is told in Russian with its own message: a full disk, a
database address not understood, a driver not installed, a server that refuses or cannot be
found, an in-memory or empty --db, years and order numbers out of range, a folder where a file
is due. Exit code 1 (2 for wrong usage), never «непредвиденная ошибка», never a traceback, never
the password of a database URL."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.logging_setup import log_file

UNEXPECTED = "непредвиденная ошибка"
PASSWORD = "Pw-3x9-sekret"  # put in every server URL here: it must never be shown or logged
NOT_UNDERSTOOD = ("не понят: укажите путь к файлу .sqlite или адрес postgresql://…")
DISK_FULL = "Не хватает места на диске для «{}»: освободите место и повторите; база данных не " \
            "изменена."
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="RLIMIT_FSIZE, /proc: Linux")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The program's exit code (2 for wrong usage), its output and its errors."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def logged() -> str:
    path = log_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def told_plainly(code: int, err: str) -> None:
    """A refusal in Russian: exit code 1, «Ошибка: …», no traceback, no unexpected error."""
    assert code == 1, err
    assert err.startswith("Ошибка: "), err
    assert "Traceback" not in err and UNEXPECTED not in err, err



# A full disk ------------------------------------------------------------------------------------

def limited(limit: int) -> Callable[[], None]:
    """For Popen: the child may not write a file past `limit` bytes (EFBIG, as a full disk)."""
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def cli_limited(limit: int, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop_app", *argv], capture_output=True,
                          text=True, preexec_fn=limited(limit), timeout=300, check=False)


@linux_only
@pytest.mark.parametrize("kind", ["annual", "public-list"])
def test_a_full_disk_while_printing_a_document(base: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "отчёт.pdf"
    before = digest(base)
    args = ["--year", "2025"] if kind == "annual" else []
    done = cli_limited(4_000, "--db", str(base), "report", kind, *args, "--out", str(out))
    told_plainly(done.returncode, done.stderr)
    assert DISK_FULL.format(out) in done.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name not in ("db", "home")] == []
    assert digest(base) == before


@linux_only
def test_a_full_disk_while_making_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "новая.sqlite"
    done = cli_limited(50_000, "--db", str(path), "init")
    told_plainly(done.returncode, done.stderr)
    assert DISK_FULL.format(path) in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # nothing half-made left


@linux_only
def test_a_full_disk_while_writing_a_blank_form(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "бланк.xlsx"
    done = cli_limited(3_000, "--db", str(base), "template", "people", "--out", str(out))
    told_plainly(done.returncode, done.stderr)
    assert DISK_FULL.format(out) in done.stderr
    assert not out.exists()


@linux_only
def test_a_full_disk_while_making_a_backup(base: Path, tmp_path: Path) -> None:
    before = digest(base)
    out = tmp_path / "флешка"
    out.mkdir()
    done = cli_limited(base.stat().st_size // 3, "--db", str(base), "backup", "--out", str(out))
    told_plainly(done.returncode, done.stderr)
    assert "Не хватает места на диске для «" in done.stderr
    assert "база данных не изменена" in done.stderr
    assert not list(out.glob("*.sqlite"))
    assert digest(base) == before


def test_a_full_disk_is_told_by_the_shared_helper(tmp_path: Path) -> None:
    """What other commands (backups, the cleanup of leftovers) use: a real ENOSPC from the
    null-full device, and SQLite's own «database or disk is full»."""
    from desktop_app.commands.common import DiskFull, disk_full_guard, is_disk_full

    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    with (
        pytest.raises(DiskFull) as caught,
        disk_full_guard(tmp_path / "x.xlsx"),
        full.open("wb") as handle,
    ):
        handle.write(b"x" * 100_000)
        handle.flush()
    assert str(caught.value) == DISK_FULL.format(tmp_path / "x.xlsx")
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    assert not is_disk_full(sqlite3.OperationalError("no such table: people"))
    with pytest.raises(ZeroDivisionError), disk_full_guard("x"):
        _ = 1 / 0  # anything else passes on unchanged


# Database addresses ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["foo://x", "http://x", "mysql+xyz://u@h/d", "postgres://u@h/d",
                                 "postgresql+nosuch://u@h/d", "postgresql://u@h:abc/d",
                                 "://x"])
def test_an_address_not_understood(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err = run(capsys, "--db", url, "check")
    told_plainly(code, err)
    assert f"Адрес базы «{url}» {NOT_UNDERSTOOD}" in err
    assert out == ""


def test_mysql_is_not_supported_and_its_password_not_shown(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", f"mysql://u:{PASSWORD}@localhost/d", "check")
    told_plainly(code, err)
    assert "База MySQL («mysql://u:***@localhost/d») не поддерживается" in err
    assert "с файлом SQLite (.sqlite) и с сервером PostgreSQL" in err
    assert PASSWORD not in err + logged()


def test_the_window_title_hides_the_password() -> None:
    from desktop_app.store.database import Database

    title = Database(f"postgresql+psycopg://meto:{PASSWORD}@сервер:5432/meto").title
    assert title == "postgresql+psycopg://meto:***@сервер:5432/meto"


def test_a_postgresql_driver_not_installed(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails: as when not installed
    url = f"postgresql://meto:{PASSWORD}@127.0.0.1:5432/meto"
    code, _, err = run(capsys, "--db", url, "indicators", "--year", "2025")
    told_plainly(code, err)
    assert 'нужен драйвер psycopg, а он не установлен: установите его командой pip install ' \
           '"psycopg[binary]"' in err
    assert "«postgresql://meto:***@127.0.0.1:5432/meto»" in err
    code, _, err = run(capsys, "--db", url.replace("postgresql:", "postgresql+psycopg2:"),
                       "check")
    told_plainly(code, err)
    assert "нужен драйвер psycopg2, а он не установлен" in err
    assert "pip install psycopg2-binary" in err
    assert PASSWORD not in err + logged()


def _has_driver() -> bool:
    return any(importlib.util.find_spec(name) is not None for name in ("psycopg", "psycopg2"))


needs_driver = pytest.mark.skipif(not _has_driver(),
                                  reason="no PostgreSQL driver (psycopg, psycopg2) installed")


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that refuses connections: bound, never listening."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


@needs_driver
@pytest.mark.parametrize("command", [
    ("check",), ("init",), ("indicators", "--year", "2025"), ("settings", "show"),
    ("settings", "set", "place", "г. Заречный"), ("export", "--out", "{tmp}/книга.xlsx"),
    ("report", "public-list", "--out", "{tmp}/список.pdf"), ("import", "{tmp}/бланк.xlsx"),
    ("upgrade",), ("orders",),
])
def test_a_server_that_refuses_the_connection(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              closed_port: int, command: tuple[str, ...]) -> None:
    (tmp_path / "бланк.xlsx").write_bytes(b"PK\x03\x04")  # never read: the server comes first
    url = f"postgresql://meto:{PASSWORD}@127.0.0.1:{closed_port}/meto"
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    code, out, err = run(capsys, "--db", url, *argv)
    told_plainly(code, err)
    assert (f"Сервер базы данных 127.0.0.1:{closed_port} не отвечает (соединение отклонено)"
            in err)
    assert "Is the server running" not in err and "sqlalche.me" not in err
    assert PASSWORD not in out + err + logged()


@needs_driver
def test_a_server_whose_name_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", f"postgresql://meto:{PASSWORD}@nosuch.invalid/meto",
                       "check")
    told_plainly(code, err)
    assert "Сервер базы данных «nosuch.invalid» не найден (неизвестное имя компьютера)" in err
    assert PASSWORD not in err + logged()


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found and _has_driver() else None


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[int, str]]:
    """A real PostgreSQL server made for the test (initdb, pg_ctl) in a temp folder, with the
    user meto and its password; (port, password). Skipped where PostgreSQL is not installed."""
    bin_dir = _postgres_bin()
    if bin_dir is None or sys.platform == "win32":
        pytest.skip("PostgreSQL (initdb) or its Python driver is not installed here")
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the server runs as postgres
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
    # not under pytest's temp folder: that one is open to its owner only
    folder = Path(tempfile.mkdtemp(prefix="metodaktiv-pg-"))
    data = folder / "data"
    try:
        port, secret = _start_postgres(bin_dir, folder, as_user)
        yield port, secret
    finally:
        if data.exists():
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m",
                            "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _start_postgres(bin_dir: Path, folder: Path, as_user: list[str]) -> tuple[int, str]:
    secret = "Pg-" + PASSWORD
    (folder / "pw").write_text(secret, encoding="utf-8")
    if as_user:
        for path in (folder, folder / "pw"):
            shutil.chown(path, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    data = folder / "data"
    made = subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "meto",
                           f"--pwfile={folder / 'pw'}", "-A", "scram-sha-256"],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"initdb failed: {made.stderr[-300:]}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                            "-l", str(folder / "log"), "-w", "start"],
                           capture_output=True, text=True, check=False)
    if start.returncode != 0:
        pytest.skip(f"pg_ctl start failed: {start.stderr[-300:]}")
    return port, secret


def test_a_real_server_refuses_a_wrong_password_and_a_missing_database(
        capsys: pytest.CaptureFixture[str], postgres: tuple[int, str]) -> None:
    port, secret = postgres
    code, out, err = run(capsys, "--db", f"postgresql://meto:{PASSWORD}@127.0.0.1:{port}/postgres",
                         "check")
    told_plainly(code, err)
    assert (f"Сервер базы данных 127.0.0.1:{port} не принял пользователя «meto»: неверное имя "
            "пользователя или пароль") in err
    code, _, err = run(capsys, "--db", f"postgresql://meto:{secret}@127.0.0.1:{port}/nosuch",
                       "check")
    told_plainly(code, err)
    assert f"На сервере 127.0.0.1:{port} нет базы данных «nosuch»" in err
    url = f"postgresql://meto:{secret}@127.0.0.1:{port}/postgres"
    code, out, err = run(capsys, "--db", url, "init")
    assert code == 0, err
    assert f"Создана новая пустая база данных: postgresql://meto:***@127.0.0.1:{port}/postgres" \
        in out
    code, out, err = run(capsys, "--db", url, "check")
    assert code == 0 and "Целостность: в порядке" in out, err
    everything = out + err + logged()
    assert PASSWORD not in everything and secret not in everything


# Odd targets --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "said"), [
    ("", "аргумент --db: пустое значение: укажите файл базы данных (.sqlite) или адрес "
         "postgresql://…"),
    ("   ", "аргумент --db: пустое значение"),
    (":memory:", "аргумент --db: «:memory:» — база в памяти, в ней ничего не сохраняется"),
    ("sqlite://", "«sqlite://» — база в памяти"),
    ("sqlite:///:memory:", "«sqlite:///:memory:» — база в памяти"),
])
@pytest.mark.parametrize("command", [("check",), ("init",), ("settings", "show"), ()])
def test_an_in_memory_or_empty_database_is_wrong_usage(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        given: str, said: str, command: tuple[str, ...]) -> None:
    from desktop_app import paths

    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--db", given, *command)
    assert code == 2, err
    assert err.startswith("использование: metodaktiv") and said in err, err
    assert out == ""
    assert not paths.default_db_path().exists()  # not the default database instead
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # no file «:memory:»


@pytest.mark.parametrize("folder", [".", "{tmp}", "{tmp}/папка"])
def test_a_folder_given_to_import(capsys: pytest.CaptureFixture[str], base: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    (tmp_path / "папка").mkdir()
    monkeypatch.chdir(tmp_path)
    given = folder.replace("{tmp}", str(tmp_path))
    before = digest(base)
    code, _, err = run(capsys, "--db", str(base), "import", given)
    told_plainly(code, err)
    assert f"«{Path(given).resolve()}» — это папка, а нужен файл .xlsx, .ods или .xls." in err
    assert digest(base) == before


def in_read_only_folder(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run the program while `folder` is read-only (a compact disc, a write-protected stick): a
    read-only bind mount in a mount namespace of its own, gone when the command ends."""
    script = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99; shift; '
              'exec "$@"')
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder),
                           sys.executable, "-m", "desktop_app", *argv],
                          capture_output=True, text=True, timeout=120, check=False)


@linux_only
def test_a_database_in_a_read_only_folder(base: Path, tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("no unshare here")
    probe = in_read_only_folder(base.parent, "--version")
    if probe.returncode != 0:
        pytest.skip(f"a read-only mount cannot be made here: {probe.stderr[-200:]}")
    before = digest(base)
    form = tmp_path / "бланк.xlsx"
    form.write_bytes(b"PK\x03\x04")
    for argv, said in (
            (("settings", "set", "place", "г. Заречный"), "нельзя записать: файл или его папка"),
            (("import", str(form)), "нельзя записать: файл или его папка"),
            (("export", "--out", str(tmp_path / "книга.xlsx")), "нельзя открыть: папка"),
            (("settings", "show"), "нельзя открыть: папка"),
    ):
        done = in_read_only_folder(base.parent, "--db", str(base), *argv)
        told_plainly(done.returncode, done.stderr)
        assert f"«{base}»" in done.stderr and said in done.stderr, done.stderr
        assert f"«{base.parent}» только для чтения" in done.stderr
        assert "повреждена" not in done.stderr  # not taken for a damaged file
    assert digest(base) == before


# Years and order numbers -----------------------------------------------------------------------

@pytest.mark.parametrize("year", ["0", "1899", "1999", "2101", "3000", "-5"])
def test_a_year_out_of_range_is_refused_as_indicators_refuse_it(
        capsys: pytest.CaptureFixture[str], base: Path, tmp_path: Path, year: str) -> None:
    code, _, by_indicators = run(capsys, "--db", str(base), "indicators", "--year", year)
    told_plainly(code, by_indicators)
    assert f"Год: ожидается число от 2000 до 2100, а не «{year}»." in by_indicators
    out = tmp_path / "отчёт.pdf"
    code, _, by_report = run(capsys, "--db", str(base), "report", "annual", "--year", year,
                             "--out", str(out))
    told_plainly(code, by_report)
    assert by_report == by_indicators
    assert not out.exists()


@pytest.mark.parametrize("date", ["01.01.1900", "31.12.9999", "01.01.0001"])
def test_a_document_dated_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], base: Path,
                                                  tmp_path: Path, date: str) -> None:
    out = tmp_path / "приказ.pdf"
    code, _, err = run(capsys, "--db", str(base), "report", "active-order", "--number", "7",
                       "--date", date, "--out", str(out))
    told_plainly(code, err)
    assert f"Дата {date} (--date): год ожидается от 2000 до 2100." in err
    assert not out.exists() and rows(base, "order_journal") == 0


@pytest.mark.parametrize(("number", "said"), [
    ("-3", "Номер приказа «-3» не подходит: номер начинается с цифры или буквы"),
    ("", "Номер приказа пуст"),
    ("   ", "Номер приказа пуст"),
    ("1" * 65, "Номер приказа длиннее 64 знаков"),
    ("12\n3", "Номер приказа содержит управляющие символы"),
    ("12\x00", "Номер приказа содержит управляющие символы"),
    ("7\x1b[31m", "Номер приказа содержит управляющие символы"),
    ("№ 5", "(знак № программа ставит сама)"),
    ("0", "Номер приказа «0» не подходит: номер — от 1"),
    ("/5", "Номер приказа «/5» не подходит"),
])
def test_an_order_number_that_cannot_be_one(capsys: pytest.CaptureFixture[str], base: Path,
                                            tmp_path: Path, number: str, said: str) -> None:
    out = tmp_path / "приказ.pdf"
    if "\x00" in number:  # argv cannot carry NUL: the check itself is asked
        from desktop_app.commands.common import UserError
        from desktop_app.commands.report import check_order_number

        with pytest.raises(UserError, match=said):
            check_order_number(number)
        return
    code, _, err = run(capsys, "--db", str(base), "report", "active-order", f"--number={number}",
                       "--out", str(out))
    told_plainly(code, err)
    assert said in err
    assert not out.exists() and rows(base, "order_journal") == 0


def test_good_order_numbers_still_go(capsys: pytest.CaptureFixture[str], base: Path,
                                     tmp_path: Path) -> None:
    for n, number in enumerate(("12", "03/1", "12-од", "ОД-5")):
        out = tmp_path / f"приказ{n}.pdf"
        code, out_text, err = run(capsys, "--db", str(base), "report", "active-order",
                                  "--number", number, "--date", f"0{n + 1}.02.2026", "--out",
                                  str(out))
        assert code == 0, err
        assert f"Приказ № {number} от 0{n + 1}.02.2026 зарегистрирован" in out_text
    assert rows(base, "order_journal") == 4


# Nothing unexpected ------------------------------------------------------------------------------

def odd_inputs(base: Path, tmp: Path) -> list[list[str]]:
    """Odd inputs a user may give each command: folders for files, missing and foreign files,
    empty values, numbers out of range, files that cannot be written."""
    db = ["--db", str(base)]
    (tmp / "папка").mkdir(exist_ok=True)
    (tmp / "текст.txt").write_text("не книга", encoding="utf-8")
    (tmp / "пустой.xlsx").write_bytes(b"")
    (tmp / "мусор.bin").write_bytes(b"\xff\xfe\x00\x01" * 50)
    folder, text, nowhere = str(tmp / "папка"), str(tmp / "текст.txt"), str(tmp / "нет" / "f")
    cases = [
        ["--db", folder, "check"], ["--db", folder, "init"], ["--db", text, "check"],
        ["--db", text, "export", "--out", str(tmp / "к.xlsx")], ["--db", nowhere, "init"],
        ["--db", str(tmp / "мусор.bin"), "settings", "show"], ["--db", "sqlite:///", "check"],
        ["--db", "x://", "orders"], ["--db", "postgresql://u:p@[::1/d", "check"],
        ["--db", str(tmp / "нет.sqlite"), "upgrade"], ["--db", str(tmp / "нет.sqlite"), "backup"],
        ["demo", "--out", folder], ["demo", "--out", nowhere + ".sqlite"], ["demo", "--out", ""],
        [*db, "template", "people", "--out", folder], [*db, "template", "people", "--out", ""],
        [*db, "import", ""], [*db, "import", str(tmp / "пустой.xlsx")], [*db, "import", text],
        [*db, "import", str(tmp / "нет.xlsx")], [*db, "import", text, "--report", folder],
        [*db, "export", "--out", folder], [*db, "export", "--out", text],
        [*db, "export", "--out", nowhere + ".xlsx"],
        [*db, "restore", folder], [*db, "restore", text], [*db, "restore", str(base)],
        [*db, "indicators", "--year", "99999999999999999999"],
        [*db, "indicators", "--year", "2025", "--date", "31.12.1000"],
        [*db, "report", "iom", "--person", "99999999999999999999", "--out", str(tmp / "и.pdf")],
        [*db, "report", "programme", "--pair", "-1", "--out", str(tmp / "п.pdf")],
        [*db, "report", "annual", "--year", "2025", "--conclusions", folder, "--out",
         str(tmp / "о.pdf")],
        [*db, "report", "annual", "--year", "2025", "--conclusions", str(tmp / "мусор.bin"),
         "--out", str(tmp / "о.pdf")],
        [*db, "report", "public-list", "--out", folder],
        [*db, "report", "public-list", "--out", nowhere + ".pdf"],
        [*db, "settings", "set", "backup_daily_keep", "99999999999999999999999"],
    ]
    if sys.platform.startswith("linux"):  # a folder no file can be made in, even by root
        cases += [["--db", "/proc/нет.sqlite", "init"],
                  [*db, "export", "--out", "/proc/книга.xlsx"],
                  [*db, "template", "people", "--out", "/proc/бланк.xlsx"],
                  [*db, "report", "public-list", "--out", "/proc/список.pdf"],
                  ["demo", "--out", "/proc/демо.sqlite"]]
    return cases


def test_no_odd_input_meets_an_unexpected_error(capsys: pytest.CaptureFixture[str], base: Path,
                                                tmp_path: Path) -> None:
    before = digest(base)
    wrong = []
    for argv in odd_inputs(base, tmp_path):
        code, out, err = run(capsys, *argv)
        said = out + err
        if (code not in (1, 2) or UNEXPECTED in said.lower() or "Traceback" in said
                or not err.startswith(("Ошибка: ", "использование: "))
                or "sqlalche.me" in said):
            wrong.append((argv, code, said[:300]))
    assert wrong == []
    assert digest(base) == before
    assert UNEXPECTED not in logged()


@needs_driver
def test_a_server_that_never_answers_is_not_waited_for_without_end(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A port that takes the connection and says nothing (a firewall, a wrong service): libpq
    would wait for ever; the program gives up after connect_timeout (10 s unless the URL says)."""
    from desktop_app.store.engine import PG_CONNECT_TIMEOUT, server_options

    assert server_options("postgresql://u@h/d") == {
        "connect_args": {"connect_timeout": PG_CONNECT_TIMEOUT}}
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = int(silent.getsockname()[1])
        started = time.monotonic()
        code, _, err = run(capsys, "--db", f"postgresql://meto:{PASSWORD}@127.0.0.1:{port}/meto"
                           "?connect_timeout=1", "check")
    told_plainly(code, err)
    assert time.monotonic() - started < 10
    assert f"Сервер базы данных 127.0.0.1:{port} не отвечает (нет ответа за отведённое время)" \
        in err
    assert PASSWORD not in err + logged()
