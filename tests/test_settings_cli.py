"""settings show / set on the command line; documents refused while the centre's requisites are
the shipped placeholders; the annual report's conclusions and recommendations from text files."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from desktop_app.model import Deficit
from desktop_app.reports.layout import page_margins
from desktop_app.reports.params import save_report_text
from desktop_app.services import requisites, settings
from desktop_app.store.database import Database, open_database
from desktop_app.store.lock import DatabaseLock
from tests.doctext import same
from tests.test_exchange_roundtrip import db_digest
from tests.test_reports import fill, pdf_text

REQUISITES = {
    "authority": "Управление образования Администрации Заречного муниципального округа",
    "centre_name": "МКУ «Информационно-методический центр» Заречного округа",
    "centre_short": "МКУ «ИМЦ»", "municipality": "Заречный муниципальный округ",
    "place": "г. Заречный", "head_last": "Берёзкина", "head_first": "Ольга",
    "head_middle": "Николаевна", "executor": "Семёнова А.П., 2-14-07",
}


@pytest.fixture
def new_file(db: Database) -> Path:
    """A new database as the program creates it (the shipped settings), closed."""
    db.dispose()
    assert db.path is not None
    return db.path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def usage(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    return int(stop.value.code or 0), capsys.readouterr().err


def file_state(path: Path) -> tuple[str, int, list[str]]:
    """The bytes, the modification time and the files beside it (no -wal or -shm left)."""
    return (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
            sorted(p.name for p in path.parent.iterdir() if p.name != "home"))


def test_show_lists_requisites_first_and_leaves_the_file_untouched(
        new_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = file_state(new_file)
    code, out, _ = run(capsys, "--db", str(new_file), "settings", "show")
    assert code == 0
    keys = [line.split()[0] for line in out.splitlines() if line.startswith("  ")
            and line.split()[0] in requisites.SPECS]
    assert keys[:10] == list(requisites.REQUISITES)
    assert {"ground_preset", "mentee_limit", "margin_left_mm"} <= set(keys[10:])
    assert "Вышестоящий орган управления образованием" in out
    assert "«Управление образования Администрации муниципального образования»  [образец из " \
           "поставки — замените]" in out
    assert "Ещё не заполнены (документы не печатаются): authority, centre_name" in out
    code, out, _ = run(capsys, "--db", str(new_file), "settings", "show", "--json")
    rows = {r["key"]: r for r in json.loads(out)}
    assert rows["head_last"]["placeholder"] and rows["authority"]["placeholder"]
    assert not rows["head_position"]["placeholder"] and rows["head_position"]["value"] == "Директор"
    assert rows["margin_left_mm"] == {"key": "margin_left_mm", "title": "Поле страницы слева, мм",
                                      "value": "20", "stored": False, "placeholder": False,
                                      "requisite": False}
    assert file_state(new_file) == before
    missing = new_file.with_name("нет.sqlite")
    assert run(capsys, "--db", str(missing), "settings", "show")[0] == 1
    assert not missing.exists()


def test_set_then_every_document_prints_the_centre(
        new_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "list.pdf"
    before = db_digest(new_file)
    code, _, err = run(capsys, "--db", str(new_file), "report", "public-list", "--out", str(out))
    assert code == 1 and not out.exists() and db_digest(new_file) == before
    for key in ("authority", "centre_name", "centre_short", "municipality", "place", "head_last",
                "head_first"):
        assert f'metodaktiv --db {new_file} settings set {key} "…"' in err, key
    assert "Вышестоящий орган управления образованием (сейчас образец «Управление образования " \
           "Администрации муниципального образования»)" in err
    assert "executor" not in err and "head_middle" not in err and "head_position" not in err
    code, _, err = run(capsys, "--db", str(new_file), "report", "active-order", "--out",
                       str(tmp_path / "o.pdf"), "--number", "1")
    assert code == 1 and "settings set executor" in err  # an order also needs its executor
    for key, value in REQUISITES.items():
        code, said, _ = run(capsys, "--db", str(new_file), "settings", "set", key, f"  {value} ")
        assert code == 0 and f"«{value}»" in said
    assert run(capsys, "--db", str(new_file), "report", "public-list", "--out", str(out))[0] == 0
    text = pdf_text(out)
    assert same(REQUISITES["authority"], text) and same(REQUISITES["centre_name"], text)
    assert not same("Администрации муниципального образования", text)
    order = tmp_path / "order.pdf"
    assert run(capsys, "--db", str(new_file), "report", "active-order", "--out", str(order),
               "--number", "1-од", "--date", "01.09.2025")[0] == 0
    text = pdf_text(order)
    assert same("О.Н. Берёзкина", text) and same("г. Заречный", text)
    assert same("Семёнова А.П.", text) and same("официальном сайте МКУ «ИМЦ»", text)


def test_set_refuses_bad_values_and_leaves_the_database(
        new_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--db", str(new_file), "settings", "set")
    before = db_digest(new_file)
    code, err = usage(capsys, *base, "director", "Иванов")
    assert code == 2 and "неизвестная настройка «director»" in err
    assert "authority, centre_name, centre_short, municipality, place, head_position" in err
    for key, value, said in (
            ("mentee_limit", "30", "вне пределов — нужно от 1 до 20"),
            ("mentee_limit", "2,5", "нужно целое число от 1 до 20, а указано «2,5»"),
            ("margin_left_mm", "4", "нужно от 5 до 50"),
            ("margin_top_mm", "пять", "нужно число от 5 до 50"),
            ("external_deficit_below", "101", "нужно от 0 до 100"),
            ("area_deficit_max", "4.5", "должен быть ниже порога сильной области"),
            ("ground_preset", "нет-такого", "Перечня оснований с кодом «нет-такого» в базе нет"),
            ("authority", "   ", "не может быть пустой"),
            ("last_number_active-order", "5", "только для чтения")):
        code, _, err = run(capsys, *base, key, value)
        assert code == 1, key
        assert said in err and "Настройка не изменена" in err, err
    assert run(capsys, "--read-only", *base, "head_last", "Иванова")[0] == 1
    assert db_digest(new_file) == before
    assert run(capsys, *base, "margin_left_mm", "25,5")[0] == 0
    db = open_database(new_file)
    try:
        with db.sessions() as session:
            assert settings.get(session, "margin_left_mm") == "25.5"
            assert page_margins(session)[0] == 25.5
    finally:
        db.dispose()


def test_set_refused_while_the_window_holds_the_database(new_file: Path) -> None:
    before = db_digest(new_file)
    lock = DatabaseLock(new_file.resolve()).acquire()
    try:  # a second copy of the program, as the user would run it beside the window
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--db", str(new_file), "settings", "set",
             "head_last", "Иванова"], capture_output=True, text=True, encoding="utf-8",
            timeout=120, check=False)
    finally:
        lock.release()
    code, err = done.returncode, done.stderr
    assert code == 1 and "открыта в другой копии Методактива" in err
    assert "Настройка не изменена, база не изменена" in err
    assert db_digest(new_file) == before


def test_a_threshold_change_re_derives_the_deficits(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.sqlite"
    write_demo(path, Scale(organisations=3, people=40, active=4, pairs=4, sessions=30), seed=3)

    def deficits() -> int:
        db = open_database(path)
        try:
            with db.sessions() as session:
                return int(session.scalar(select(func.count()).select_from(Deficit)) or 0)
        finally:
            db.dispose()

    before = deficits()
    code, out, _ = run(capsys, "--db", str(path), "settings", "set", "item_deficit_max", "1")
    assert code == 0 and "Дефициты пересчитаны по новому порогу" in out
    assert 0 < deficits() < before  # only a score of 1 is a deficit of an item now
    assert run(capsys, "--db", str(path), "settings", "set", "item_deficit_max", "2")[0] == 0
    assert deficits() == before


def test_the_demo_has_the_centres_own_requisites(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    write_demo(path, Scale(organisations=2, people=20, active=2, pairs=2, sessions=4), seed=1)
    db = open_database(path)
    try:
        with db.sessions() as session:
            assert settings.missing_requisites(session, for_order=True) == []
    finally:
        db.dispose()


def test_annual_texts_from_files_for_one_printing(
        db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with db.sessions() as session:
        fill(session)
        save_report_text(session, "annual", 2024, "conclusions", "Текст, сохранённый в базе.")
        session.commit()
    db.dispose()
    assert db.path is not None
    conclusions, recommendations = tmp_path / "выводы.txt", tmp_path / "рекомендации.txt"
    conclusions.write_bytes("\ufeffОхват наставничеством вырос до 40 %.\n".encode())
    recommendations.write_text("Расширить сеть наставников в сельских школах.\n",
                               encoding="utf-8")
    out = tmp_path / "отчёт.pdf"
    before = db_digest(db.path)
    base = ("--db", str(db.path), "report", "annual", "--year", "2024", "--out", str(out))
    assert run(capsys, *base, "--conclusions", str(conclusions),
               "--recommendations", str(recommendations))[0] == 0
    text = pdf_text(out)
    assert same("Охват наставничеством вырос до 40 %.", text)
    assert same("Расширить сеть наставников в сельских школах.", text)
    assert not same("Текст, сохранённый в базе.", text) and "\ufeff" not in text
    assert db_digest(db.path) == before  # the print stores nothing
    assert run(capsys, *base)[0] == 0 and same("Текст, сохранённый в базе.", pdf_text(out))
    out.unlink()
    code, _, err = run(capsys, *base, "--conclusions", str(tmp_path / "нет.txt"))
    assert code == 1 and f"Файл «{tmp_path / 'нет.txt'}» не найден" in err and not out.exists()
    cp1251 = tmp_path / "win.txt"
    cp1251.write_bytes("Выводы в кодировке Windows".encode("cp1251"))
    code, _, err = run(capsys, *base, "--recommendations", str(cp1251))
    assert code == 1 and "не в кодировке UTF-8" in err and str(cp1251) in err
    assert not out.exists()
    code, err = usage(capsys, "--db", str(db.path), "report", "public-list", "--out", str(out),
                      "--conclusions", str(conclusions))
    assert code == 2 and "--conclusions — только для документа annual" in err
