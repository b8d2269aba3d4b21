"""The journal of orders: one number per order (PDF and DOCX alike), one sequence for all kinds,
the first order needs its number, a taken number is refused; migration 0006 → 0007 keeps data."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.cli import main
from desktop_app.services import settings
from desktop_app.store.database import Database, head_revision, open_database
from tests.doctext import same
from tests.test_exchange_roundtrip import db_digest
from tests.test_reports import docx_text, fill, pdf_text

FIXTURE = Path(__file__).parent / "fixtures" / "rev0001.sqlite"
ACTIVE_TITLE = "Об утверждении состава муниципального методического актива"


@pytest.fixture
def base(db: Database) -> Path:
    """A database with the centre's requisites and data to print; closed, for the CLI."""
    with db.sessions() as session:
        fill(session)
    db.dispose()
    assert db.path is not None
    return db.path


def remember(path: Path, kind: str, number: str) -> None:
    """A number remembered the old way (before the journal): the per-kind setting."""
    db = open_database(path)
    try:
        with db.sessions.begin() as session:
            settings.put(session, {f"last_number_{kind}": number})
    finally:
        db.dispose()


def report(path: Path, kind: str, out: Path, *extra: str) -> int:
    return main(["--db", str(path), "report", kind, "--out", str(out), *extra])


def journal(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["--db", str(path), "orders", "--json"]) == 0
    rows: list[dict[str, str]] = json.loads(capsys.readouterr().out)
    return rows


def test_pdf_then_docx_of_one_order_carry_one_number(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    remember(base, "active-order", "15-од")  # the state of the issue: the last order was 15-од
    pdf, docx = tmp_path / "приказ.pdf", tmp_path / "приказ.docx"
    assert report(base, "active-order", pdf, "--date", "20.12.2024") == 0
    assert report(base, "active-order", docx, "--date", "20.12.2024") == 0
    assert report(base, "active-order", pdf, "--date", "20.12.2024") == 0  # printed again
    for read in (pdf_text(pdf), docx_text(docx)):
        assert same("№ 16-од", read) and same("к приказу от 20.12.2024 № 16-од", read)
        assert not same("17-од", read)
    assert [(r["number"], r["date"], r["kind"], r["title"]) for r in journal(base, capsys)] == [
        ("16-од", "2024-12-20", "active-order", ACTIVE_TITLE)]


def test_next_order_continues_one_sequence_for_all_kinds(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.pdf"
    assert report(base, "active-order", out, "--date", "20.12.2024", "--number", "16-од") == 0
    assert report(base, "pairs-order", out, "--date", "23.12.2024") == 0
    assert same("№ 17-од", pdf_text(out))
    assert report(base, "active-order", out, "--date", "24.12.2024") == 0
    assert same("№ 18-од", pdf_text(out))
    capsys.readouterr()
    assert main(["--db", str(base), "orders"]) == 0
    listed = capsys.readouterr().out
    lines = [line for line in listed.splitlines() if "№" in line]
    assert [line.split()[1] for line in lines] == ["16-од", "17-од", "18-од"]
    assert "от 23.12.2024" in lines[1] and "О закреплении наставнических пар" in lines[1]
    assert "Приказ о закреплении наставнических пар (групп)" in lines[1]


def test_first_order_needs_its_number(base: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = db_digest(base)
    out = tmp_path / "first.pdf"
    assert report(base, "active-order", out, "--date", "20.12.2024") == 1
    err = capsys.readouterr().err
    assert "Укажите номер приказа: --number N — в журнале приказов ещё нет ни одного" in err
    assert "Traceback" not in err
    assert not out.exists() and db_digest(base) == before
    assert report(base, "active-order", out, "--date", "20.12.2024", "--number", "1-од") == 0
    assert same("№ 1-од", pdf_text(out)) and not same("№ ___", pdf_text(out))


def test_number_of_another_order_is_refused_naming_it(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "first.pdf"
    assert report(base, "active-order", first, "--date", "20.12.2024", "--number", "16-од") == 0
    before = db_digest(base)
    out = tmp_path / "pairs.pdf"
    assert report(base, "pairs-order", out, "--date", "23.12.2024", "--number", "16-ОД") == 1
    err = capsys.readouterr().err
    assert "Номер 16-ОД уже присвоен приказу № 16-од от 20.12.2024" in err
    assert ACTIVE_TITLE in err
    assert not out.exists() and db_digest(base) == before
    # a new year starts its numbers again: the same number in 2025 is another order's
    assert report(base, "pairs-order", out, "--date", "13.01.2025", "--number", "16-од") == 0


def test_registered_order_keeps_its_number(base: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.docx"
    assert report(base, "active-order", out, "--date", "20.12.2024", "--number", "16-од") == 0
    before = db_digest(base)
    again = tmp_path / "again.docx"
    assert report(base, "active-order", again, "--date", "20.12.2024", "--number", "20-од") == 1
    err = capsys.readouterr().err
    assert "уже зарегистрирован в журнале приказов под № 16-од, а не № 20-од" in err
    assert not again.exists() and db_digest(base) == before
    assert report(base, "active-order", again, "--date", "20.12.2024", "--number", "16-од") == 0
    assert "уже был в журнале приказов" in capsys.readouterr().out
    assert db_digest(base) == before


def test_read_only_reprints_a_registered_order_only(
        base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.pdf"
    assert report(base, "active-order", out, "--date", "20.12.2024", "--number", "16-од") == 0
    before = db_digest(base)
    copy = tmp_path / "copy.pdf"
    assert main(["--read-only", "--db", str(base), "report", "active-order", "--out", str(copy),
                 "--date", "20.12.2024"]) == 0
    assert same("№ 16-од", pdf_text(copy))
    new = tmp_path / "new.pdf"
    assert main(["--read-only", "--db", str(base), "report", "active-order", "--out", str(new),
                 "--date", "21.12.2024"]) == 1
    assert "только для чтения" in capsys.readouterr().err
    assert not new.exists() and db_digest(base) == before


def _file_at_0006(path: Path) -> None:
    """The fixture (revision 0001) brought to 0006 as the previous version of the program did,
    with the requisites filled and the last order number remembered in the settings."""
    from alembic import command

    from desktop_app.store.database import alembic_config
    from desktop_app.store.engine import make_engine, url_for

    shutil.copy(FIXTURE, path)
    engine = make_engine(url_for(path))
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
            values = {"authority": "Управление образования Администрации ЗАТО Северск",
                      "centre_name": "МАУ «Ресурсный центр образования»", "centre_short": "РЦО",
                      "municipality": "ЗАТО Северск", "place": "г. Северск",
                      "head_last": "Кулешова", "head_first": "Ольга", "executor": "Ковалёва Л.Ю.",
                      "last_number_active-order": "41-од"}
            for key, value in values.items():
                conn.execute(text("INSERT OR REPLACE INTO settings (key, value) VALUES (:k, :v)"),
                             {"k": key, "v": value})
    finally:
        engine.dispose()


def _rows(path: Path, table: str, columns: str = "*") -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f'SELECT {columns} FROM "{table}" ORDER BY 1').fetchall()
    finally:
        con.close()


def _columns(path: Path, table: str) -> str:
    """The table's columns as they are now (later revisions may add some: 0010's row_version)."""
    con = sqlite3.connect(path)
    try:
        return ", ".join(f'"{r[1]}"' for r in con.execute(f'PRAGMA table_info("{table}")'))
    finally:
        con.close()


def test_upgrade_from_0006_keeps_data_and_continues_numbering(
        tmp_path: Path, data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "база.sqlite"
    _file_at_0006(path)
    assert _rows(path, "alembic_version") == [("0006",)]
    columns = {t: _columns(path, t) for t in ("people", "organisations", "answers",
                                              "diagnostic_sessions", "deficits", "change_log")}
    kept = {t: _rows(path, t, columns[t]) for t in columns}
    old_settings = dict(_rows(path, "settings"))
    db = open_database(path)  # the upgrade, after a backup
    db.dispose()
    assert _rows(path, "alembic_version") == [(head_revision(),)]  # 0007 and on, to the head
    assert [b.name for b in db.backups if "before-upgrade-0006" in b.name]
    assert {t: _rows(path, t, columns[t]) for t in kept} == kept
    new_settings = dict(_rows(path, "settings"))
    assert {k: new_settings[k] for k in old_settings} == old_settings
    assert _rows(path, "order_journal") == []
    out = tmp_path / "o.pdf"
    assert report(path, "active-order", out, "--date", "15.01.2025") == 0
    assert same("№ 42-од", pdf_text(out))  # continues from the number remembered before
    assert [r["number"] for r in journal(path, capsys)] == ["42-од"]
