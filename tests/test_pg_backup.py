"""Copies of a database on a PostgreSQL server (pg_dump -Fc, read back and counted before they
are named) and restoring one (pg_restore in one transaction, the result counted against the
copy's manifest); the copy an import makes first; the refusals when pg_dump is not there or a
copy is damaged. The server's password is never shown nor logged."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.logging_setup import log_file
from desktop_app.model import Organisation, Pair, Person
from desktop_app.services import indicators, pairs, registry
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.store import server_backup
from desktop_app.store.database import open_database

YEAR, ON = 2025, date(2025, 12, 31)
UNEXPECTED = "непредвиденная ошибка"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out = capsys.readouterr()
    assert "Traceback" not in out.err and UNEXPECTED not in out.err, out.err
    return code, out.out, out.err


def no_password(password: str, *texts: str) -> None:
    """The server's password is nowhere: not in what was printed, not in the log."""
    logged = log_file().read_text(encoding="utf-8") if log_file().exists() else ""
    for text in (*texts, logged):
        assert password not in text


def fill(url: str) -> dict[str, int]:
    """A school, two mentors and two young teachers, two pairs at work (added as the window
    adds them: through the registry's and the pairs' services)."""
    db = open_database(url)  # an empty database: the schema made
    try:
        with db.sessions.begin() as session:
            school = registry.add_organisation(session, OrganisationInput(
                "МБОУ СОШ № 7", kind="general", mentoring_act_date=date(2024, 9, 1),
                mentoring_programme_date=date(2024, 9, 2)))
            ids = {"school": school}
            for key, (last, first, born, started) in {
                    "m1": ("Ёлкина", "Анна", date(1975, 4, 2), date(1998, 9, 1)),
                    "m2": ("Петров", "Иван", date(1980, 1, 5), date(2003, 9, 1)),
                    "y1": ("Соколов", "Илья", date(2000, 1, 15), date(2024, 9, 1)),
                    "y2": ("Щукина", "Мария", date(2001, 3, 8), date(2024, 9, 1))}.items():
                ids[key] = registry.add_person(session, PersonInput(
                    last, first, "", birth_date=born, organisation_id=school,
                    position="учитель", ped_experience_start=started), hired_on=started)
            for mentor, mentee in (("m1", "y1"), ("m2", "y2")):
                ids[f"pair-{mentee}"] = pairs.create_pair(session, pairs.PairInput(
                    mentor_id=ids[mentor], mentee_ids=(ids[mentee],),
                    start_date=date(2025, 9, 1), end_date=date(2026, 6, 30), status="active"))
        return ids
    finally:
        db.dispose()


def state(url: str) -> tuple[Any, ...]:
    """The people, the pairs and the indicators of the database at url."""
    db = open_database(url, create=False)
    try:
        with db.sessions() as s:
            people = sorted((p.last_name, p.first_name) for p in s.scalars(select(Person)))
            pair_rows = sorted(tuple(r) for r in s.execute(
                select(Pair.id, Pair.mentor_id, Pair.status, Pair.start_date)))
            figures = [(r.code, r.a, r.b, r.fact)
                       for r in indicators.compute_indicators(s, YEAR, ON)]
        return people, pair_rows, figures
    finally:
        db.dispose()


def change(url: str, ids: dict[str, int]) -> None:
    """Another day's work: a pair removed, a teacher added."""
    db = open_database(url, create=False)
    try:
        with db.sessions.begin() as session:
            pairs.delete_pair(session, ids["pair-y2"])
            registry.add_person(session, PersonInput(
                "Новикова", "Ольга", "", birth_date=date(1990, 6, 1),
                organisation_id=ids["school"], position="учитель",
                ped_experience_start=date(2015, 9, 1)), hired_on=date(2025, 9, 1))
    finally:
        db.dispose()


def made_copy(out: str) -> Path:
    line = next(x for x in out.splitlines() if x.startswith("Резервная копия сохранена: "))
    return Path(line.removeprefix("Резервная копия сохранена: "))


@pytest.fixture
def server_db(pg_server: Any, pg_url: str) -> tuple[str, dict[str, int]]:
    return pg_url, fill(pg_url)


def test_a_copy_restored_brings_back_the_data_and_the_indicators(
        pg_server: Any, server_db: tuple[str, dict[str, int]], data_home: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, ids = server_db
    before = state(url)
    assert before[2][2][1] == 4  # I3: four people in pairs

    code, out, err = run(capsys, "--db", url, "backup")
    assert code == 0, err
    copy = made_copy(out)
    database = url.rsplit("/", 1)[1]
    assert copy.parent == data_home / "backups"
    assert copy.name.startswith(f"{database}@127.0.0.1_{pg_server.port}-")
    assert copy.name.endswith("-manual.dump") and copy.read_bytes()[:5] == b"PGDMP"
    assert "Проверена: прочитана обратно целиком" in out and "***" in out
    manifest = json.loads(Path(f"{copy}.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["people"] == 4 and manifest["counts"]["pairs"] == 2
    assert manifest["database"] == database and pg_server.password not in json.dumps(manifest)

    code, listed, err = run(capsys, "--db", url, "backups")
    assert code == 0, err
    assert str(copy) in listed and "вручную" in listed

    change(url, ids)
    changed = state(url)
    assert changed != before and changed[2] != before[2]

    code, restored, err = run(capsys, "--db", url, "restore", str(copy))
    assert code == 0, err
    assert "База восстановлена из" in restored and "описи копии" in restored
    assert state(url) == before
    previous = Path(next(x for x in restored.splitlines()
                         if x.startswith("Прежнее состояние сохранено: ")).split(": ", 1)[1])
    assert previous.exists() and previous.name.endswith("-before-restore.dump")

    code, checked, err = run(capsys, "--db", url, "check")
    assert code == 0 and "Целостность: в порядке" in checked, checked + err
    no_password(pg_server.password, out, err, listed, restored, checked)


def test_a_damaged_copy_is_refused_and_the_database_left_as_it_was(
        pg_server: Any, server_db: tuple[str, dict[str, int]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, ids = server_db
    code, out, err = run(capsys, "--db", url, "backup", "--out", str(tmp_path / "копия.dump"))
    assert code == 0, err
    copy = made_copy(out)
    assert copy == (tmp_path / "копия.dump").resolve() and Path(f"{copy}.json").exists()
    change(url, ids)
    changed = state(url)

    data = bytearray(copy.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0x5A for b in data[middle:middle + 64])
    copy.write_bytes(bytes(data))
    code, said, err = run(capsys, "--db", url, "restore", str(copy))
    assert code == 1 and err.startswith("Ошибка: ") and "повреждён" in err, err
    assert "база данных не изменена" in err
    assert state(url) == changed

    alone = tmp_path / "без описи.dump"  # no manifest beside it, and cut short
    alone.write_bytes(bytes(data[: len(data) * 2 // 3]))
    code, _, err2 = run(capsys, "--db", url, "restore", str(alone))
    assert code == 1 and "повреждён" in err2 and "pg_restore" in err2, err2
    assert state(url) == changed

    sqlite_copy = tmp_path / "файл.sqlite"
    sqlite3.connect(sqlite_copy).execute("CREATE TABLE t (x)").connection.commit()
    code, _, err3 = run(capsys, "--db", url, "restore", str(sqlite_copy))
    assert code == 1 and "копия базы в файле SQLite" in err3, err3
    assert state(url) == changed
    no_password(pg_server.password, out, said, err, err2, err3)


def organisations_form(url: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The blank form of organisations, written by the program, with one school typed in."""
    out = folder / "ОО.xlsx"
    code, _, err = run(capsys, "--db", url, "template", "organisations", "--out", str(out))
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    titles = [str(c.value).removesuffix(" *") for c in sheet[1] if c.value]
    sheet.cell(row=2, column=titles.index("Краткое наименование") + 1, value="МБОУ Гимназия № 2")
    book.save(out)
    return out


def organisations(url: str) -> list[str]:
    db = open_database(url, create=False)
    try:
        with db.sessions() as s:
            return sorted(s.scalars(select(Organisation.short_name)))
    finally:
        db.dispose()


def test_an_import_on_a_server_makes_a_backup_first(
        pg_server: Any, server_db: tuple[str, dict[str, int]], tmp_path: Path, data_home: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = server_db
    form = organisations_form(url, tmp_path, capsys)
    code, out, err = run(capsys, "--db", url, "import", str(form))
    assert code == 0, err
    assert organisations(url) == ["МБОУ Гимназия № 2", "МБОУ СОШ № 7"]
    line = next(x for x in out.splitlines() if x.startswith("Резервная копия базы до загрузки: "))
    copy = Path(line.split(": ", 1)[1])
    assert copy.parent == data_home / "backups" and copy.name.endswith("-before-import.dump")
    manifest = json.loads(Path(f"{copy}.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["organisations"] == 1  # made before the import wrote
    no_password(pg_server.password, out, err)


def test_without_pg_dump_the_copy_and_the_import_are_refused_plainly(
        pg_server: Any, server_db: tuple[str, dict[str, int]], tmp_path: Path, data_home: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = server_db
    form = organisations_form(url, tmp_path, capsys)
    monkeypatch.setattr(server_backup, "find_tool", lambda name: None)
    code, out, err = run(capsys, "--db", url, "backup")
    assert code == 1 and err.startswith("Ошибка: "), err
    assert "Программа pg_dump не найдена" in err and "postgresql-client" in err
    code, out2, err2 = run(capsys, "--db", url, "import", str(form))
    assert code == 1 and "Загрузка не выполнена" in err2 and "pg_dump не найдена" in err2, err2
    assert "База не изменена" in err2
    assert organisations(url) == ["МБОУ СОШ № 7"]
    assert not list((data_home / "backups").glob("*.dump*"))
    no_password(pg_server.password, out, err, out2, err2)


def test_pg_dump_is_found_in_postgresql_s_own_folder_and_gets_the_password_unseen(
        pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not on the PATH: /usr/lib/postgresql/<версия>/bin; the password only in PGPASSWORD."""
    monkeypatch.setattr(server_backup.shutil, "which", lambda name: None)
    monkeypatch.delenv(server_backup.PG_BIN_ENV, raising=False)
    found = server_backup.find_tool("pg_dump")
    assert found is not None and found.parent.parent.parent == Path("/usr/lib/postgresql")
    server = server_backup.Server.of(pg_server.url("metodaktiv"))
    assert pg_server.password not in " ".join(server.connection_args())
    assert server.environment()["PGPASSWORD"] == pg_server.password
    assert server.stem == f"metodaktiv@127.0.0.1_{pg_server.port}"
    assert pg_server.password not in server.shown and "***" in server.shown


def test_a_server_s_copies_are_rotated_with_their_manifests_and_apart_from_others(
        data_home: Path) -> None:
    """Named by the database and the server: another database's copies and a file's are never
    listed nor rotated with them."""
    from desktop_app.store.backups import rotate_server

    url = "postgresql+psycopg://metodist:секрет@srv-mc:5432/metodaktiv"
    folder = data_home / "backups"
    folder.mkdir(parents=True)
    ours = [folder / f"metodaktiv@srv-mc_5432-2026-{m:02d}-0{d}_100000-daily.dump"
            for m in (10, 11) for d in (1, 2)]
    others = [folder / "metodaktiv@other_5432-2026-10-01_100000-daily.dump",
              folder / "архив@srv-mc_5432-2026-10-01_100000-daily.dump",
              folder / "metodaktiv-2026-10-01_100000-daily.sqlite"]
    for copy in ours + others:
        copy.write_bytes(b"PGDMP")
        Path(f"{copy}.json").write_text("{}", encoding="utf-8")
    assert [b.path for b in server_backup.list_server_backups(url)] == ours[::-1]
    deleted = rotate_server(url, daily_keep=1, monthly_keep=2)
    assert sorted(deleted) == [ours[0], ours[2]]  # kept: the newest day, each month's newest
    for copy in ours + others:
        assert copy.exists() == (copy not in deleted)
        assert Path(f"{copy}.json").exists() == (copy not in deleted)
