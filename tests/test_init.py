"""`metodaktiv --db F init`: the one way to make a new empty database from the command line; an
existing file (or a database at a URL that has tables) is refused and left as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.cli import build_parser, main
from desktop_app.store.database import head_revision

HINT = "Новая пустая база создаётся командой metodaktiv --db ФАЙЛ init"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_init_makes_an_empty_database_and_says_what_next(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "новая.sqlite"
    code, out, err = run(capsys, "--db", str(path), "init")
    assert code == 0, err
    assert f"Создана новая пустая база данных: {path}" in out
    assert f"Ревизия схемы: {head_revision()}" in out
    assert f'metodaktiv --db "{path}" settings set НАСТРОЙКА "значение"' in out
    assert f'metodaktiv --db "{path}" template people --out' in out
    assert f'metodaktiv --db "{path}" import ФАЙЛ.xlsx --dry-run' in out
    assert read(path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert read(path, "SELECT count(*) FROM people") == [(0,)]
    assert read(path, "SELECT count(*) FROM indicator_plans")[0][0] > 0  # the presets
    assert read(path, "PRAGMA journal_mode") == [("wal",)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["новая.sqlite"]
    code, out, _ = run(capsys, "--db", str(path), "check")
    assert code == 0 and "Целостность: в порядке" in out


def test_init_refuses_an_existing_file_and_leaves_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "база.sqlite"
    assert run(capsys, "--db", str(path), "init")[0] == 0
    assert run(capsys, "--db", str(path), "settings", "set", "head_last", "Берёзкина")[0] == 0
    before = digest(path)
    code, out, err = run(capsys, "--db", str(path), "init")
    assert code == 1 and out == ""
    assert f"Файл «{path}» уже существует; новая база в нём не создаётся" in err
    assert digest(path) == before
    assert read(path, "SELECT value FROM settings WHERE key = 'head_last'") == [("Берёзкина",)]
    notes = tmp_path / "заметки.txt"
    notes.write_text("не база", encoding="utf-8")
    assert run(capsys, "--db", str(notes), "init")[0] == 1
    assert notes.read_text(encoding="utf-8") == "не база"


def test_init_refuses_a_missing_folder(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "нет-папки" / "база.sqlite"
    code, _, err = run(capsys, "--db", str(path), "init")
    assert code == 1 and f"Папка «{path.parent}» не существует" in err
    assert not path.parent.exists()


def test_init_without_db_makes_the_users_own_database(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "settings", "show")
    assert code == 1 and "(для этой базы: metodaktiv init)" in err
    assert run(capsys, "init")[0] == 0
    assert paths.default_db_path().exists()
    code, out, _ = run(capsys, "settings", "show")
    assert code == 0 and "Реквизиты центра" in out


def test_init_at_a_url_makes_the_schema_only_in_an_empty_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A URL that is not a plain file path goes the way of a server database (PostgreSQL)."""
    path = tmp_path / "сервер.sqlite"
    sqlite3.connect(path).close()  # an empty database, as a server hands it out
    url = f"sqlite+pysqlite:///{path.as_posix()}"
    empty = digest(path)
    for looking in (("indicators", "--year", "2025"), ("check",), ("settings", "show")):
        code, _, err = run(capsys, "--db", url, *looking)
        assert code == 1 and "нет таблиц Методактива" in err and HINT in err, looking
        assert "metodaktiv --db URL init" in err
    assert digest(path) == empty  # still empty, as it was
    code, out, _ = run(capsys, "--db", url, "init")
    assert code == 0 and "Создана новая пустая база данных" in out
    assert read(path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert run(capsys, "--db", url, "indicators", "--year", "2025")[0] == 0
    before = digest(path)
    code, _, err = run(capsys, "--db", url, "init")
    assert code == 1 and f"уже есть таблицы Методактива (ревизия {head_revision()})" in err
    assert digest(path) == before
    foreign = tmp_path / "чужая.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    con.close()
    before = digest(foreign)
    code, _, err = run(capsys, "--db", f"sqlite+pysqlite:///{foreign.as_posix()}", "init")
    assert code == 1 and "уже есть таблицы другой программы" in err
    assert digest(foreign) == before


def test_init_and_upgrade_are_in_the_one_parser_with_russian_help(
        capsys: pytest.CaptureFixture[str]) -> None:
    help_text = build_parser().format_help()
    assert "init" in help_text and "создать новую пустую базу" in help_text
    assert "upgrade" in help_text and "обновить базу прежней версии" in help_text
    with pytest.raises(SystemExit) as stop:
        main(["init", "--help"])
    assert stop.value.code == 0
    assert "Существующий файл не изменяется" in capsys.readouterr().out


def test_readme_lists_init(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| `metodaktiv --db D init` |" in readme
    assert "| `metodaktiv --db D upgrade` |" in readme
