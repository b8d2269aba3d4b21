"""One writer on the command line: a database open elsewhere is not written by import, report
(orders) or demo --force; the refusal names who holds it and since when; exit code 1."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.store.backup import backups_folder
from desktop_app.store.lock import DatabaseLock, lock_path
from tests.test_exchange_roundtrip import db_digest
from tests.test_import_bad_input import base, write  # noqa: F401  (fixture)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The program in another process, as a second copy would run it."""
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def people_file(tmp_path: Path) -> Path:
    return write(tmp_path / "people.xlsx", [["Фамилия", "Имя", "Дата рождения", "ОО"],
                                            ["Новиков", "Ян", "02.03.1990", "МБОУ СОШ № 1"]])


@pytest.fixture
def held(base: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    """The database locked by this process, as an open window holds it."""
    lock = DatabaseLock(base.resolve()).acquire()
    yield lock
    lock.release()


def test_import_refused_while_open_elsewhere(base: Path, held: DatabaseLock,  # noqa: F811
                                             tmp_path: Path) -> None:
    before = db_digest(base)
    done = run_cli("--db", str(base), "import", str(people_file(tmp_path)))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "открыта в другой копии Методактива" in done.stderr
    assert f"на компьютере «{socket.gethostname()}»" in done.stderr
    assert held.info.started.strftime("с %d.%m.%Y %H:%M") in done.stderr
    assert "Загрузка не выполнена, база не изменена" in done.stderr
    assert db_digest(base) == before
    assert lock_path(base).exists()  # the holder's lock is left alone
    checked = run_cli("--db", str(base), "import", "--dry-run", str(people_file(tmp_path)))
    assert checked.returncode == 0, checked.stderr  # a dry run writes nothing: allowed


def test_order_refused_other_documents_printed(base: Path, held: DatabaseLock,  # noqa: F811
                                               tmp_path: Path) -> None:
    from desktop_app.services import settings
    from desktop_app.store.database import open_database
    from tests.test_settings_cli import REQUISITES

    db = open_database(base)  # documents are printed with the centre's own requisites
    with db.sessions.begin() as session:
        settings.put(session, REQUISITES)
    db.dispose()
    before = db_digest(base)
    order = run_cli("--db", str(base), "report", "active-order", "--out",
                    str(tmp_path / "order.pdf"), "--number", "5")
    assert order.returncode == 1, order.stderr
    assert "Приказ не сформирован" in order.stderr and "с " in order.stderr
    assert not (tmp_path / "order.pdf").exists()
    public = run_cli("--db", str(base), "report", "public-list", "--out",
                     str(tmp_path / "list.pdf"))
    assert public.returncode == 0, public.stderr
    assert db_digest(base) == before


def test_demo_force_refused_on_an_open_database(base: Path, held: DatabaseLock) -> None:  # noqa: F811
    before = db_digest(base)
    done = run_cli("demo", "--out", str(base), "--force")
    assert done.returncode == 1 and "Демонстрационная база не записана" in done.stderr
    assert db_digest(base) == before


def test_import_takes_and_releases_the_lock(base: Path, tmp_path: Path,  # noqa: F811
                                            data_home: Path) -> None:
    assert main(["--db", str(base), "import", str(people_file(tmp_path))]) == 0
    assert not lock_path(base).exists()
    copies = sorted(backups_folder(base).glob("base-*-before-import.sqlite"))
    assert copies, "the import made no backup through the backups module"
