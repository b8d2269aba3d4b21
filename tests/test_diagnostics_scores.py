"""Stored area means (session_area_scores) kept by every writer; rebuild_deficits deterministic,
one executemany, and consistent after a session is deleted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, func, select, text

from desktop_app.cli import main
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.workbook import export_all
from desktop_app.model import Deficit, DiagnosticSession, InstrumentItem
from desktop_app.model.diagnostics import SessionAreaScore
from desktop_app.services.diagnostics import (
    DiagnosticsError,
    RebuildResult,
    delete_session,
    person_picture,
    rebuild_deficits,
    record_external,
)
from desktop_app.store.database import open_database
from tests.diagnostics_data import diagnose, instrument_id, org, person
from tests.helpers import address

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

FROM_ANSWERS = text("""
SELECT a.session_id, i.area, round(avg(a.score), 6), count(*) FROM answers a
JOIN instrument_items i ON i.id = a.item_id GROUP BY a.session_id, i.area ORDER BY 1, 2""")
STORED = text("SELECT session_id, area, mean_score, item_count FROM session_area_scores "
              "ORDER BY 1, 2")


def stored(s) -> dict[str, tuple[float, int]]:  # type: ignore[no-untyped-def]
    return {r[1]: (r[2], r[3]) for r in s.execute(STORED)}


def test_record_session_stores_the_area_means(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Иванова")
        sid = diagnose(s, pid, date(2024, 3, 1), {"digital": 2, "subject": 5}, default=3)
        external = record_external(s, pid, date(2024, 4, 1), "Оценка ПМК",
                                   [("Предмет", "предметные", 40)])
    with db.sessions() as s:
        per_area = {r[0]: r[1] for r in s.execute(
            select(InstrumentItem.area, func.count()).where(
                InstrumentItem.instrument_id == instrument_id(s)).group_by(InstrumentItem.area))}
        means = stored(s)
        assert means["digital"] == (2.0, per_area["digital"])
        assert means["subject"] == (5.0, per_area["subject"])
        assert means["methodical"] == (3.0, per_area["methodical"])
        assert s.execute(STORED).all() == s.execute(FROM_ANSWERS).all()
        assert s.scalar(select(func.count()).select_from(SessionAreaScore).where(
            SessionAreaScore.session_id == external)) == 0
        assert {a.area: a.mean for a in person_picture(s, pid).areas}["digital"] == 2.0
        assert sid in {r[0] for r in s.execute(STORED)}


def test_deleting_a_session_removes_its_means(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Петрова")
        sid = diagnose(s, pid, date(2024, 3, 1), {})
        delete_session(s, sid)
    with db.sessions() as s:
        assert s.execute(STORED).all() == []
        with pytest.raises(DiagnosticsError, match="не найдена"):
            delete_session(s, sid)


def _form(base: str, tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    out = tmp_path / "diagnostics.xlsx"
    assert main(["--db", base, "template", "diagnostics", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    columns = {str(c.value).rstrip(" *"): c.column for c in ws[1] if c.value}
    for number, row in enumerate(rows, start=2):
        for key, value in row.items():
            ws.cell(row=number, column=columns[key], value=value)
    wb.save(out)
    return out


def test_excel_form_import_stores_means_and_derives_deficits(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Семенова", org(s, "МБОУ СОШ № 1"))
        items = list(s.execute(select(InstrumentItem.code, InstrumentItem.area).where(
            InstrumentItem.instrument_id == instrument_id(s))))
    scores = {code: (2 if area == "digital" else 4) for code, area in items}
    row = {"Фамилия": "Семенова", "Имя": "Анна", "Отчество": "Петровна",
           "Дата рождения": "01.01.1980", "Дата диагностики": "02.10.2024", **scores}
    path = _form(address(db), tmp_path, [row])
    result = import_file(db, path)
    assert result.applied, [e for sheet in result.sheets for e in sheet.errors + sheet.fatal]
    with db.sessions() as s:
        assert s.execute(STORED).all() == s.execute(FROM_ANSWERS).all()
        assert stored(s)["digital"][0] == 2.0
        areas = {d.area for d in s.scalars(select(Deficit).where(Deficit.person_id == pid))}
        assert "digital" in areas
        picture = person_picture(s, pid)
        assert {a.area: a.deficit for a in picture.areas}["digital"] is True
    # a second file changing the scores of the same session rewrites its means
    row.update({code: 5 for code, area in items if area == "digital"})
    assert import_file(db, _form(address(db), tmp_path, [row])).applied
    with db.sessions() as s:
        assert stored(s)["digital"][0] == 5.0
        assert s.execute(STORED).all() == s.execute(FROM_ANSWERS).all()


def test_exchange_workbook_import_recomputes_means(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Орлов", org(s, "МБОУ СОШ № 2"))
        diagnose(s, pid, date(2024, 3, 1), {"psychological": 2})
        diagnose(s, pid, date(2025, 3, 1), {"psychological": 5})
    book = tmp_path / "book.xlsx"
    export_all(db, book)
    target = open_database(tmp_path / "copy.sqlite")
    try:
        assert import_file(target, book).applied
        with db.sessions() as s, target.sessions() as t:
            assert t.execute(STORED).all() == s.execute(STORED).all() != []
    finally:
        target.dispose()


# --- rebuild_deficits ---------------------------------------------------------------------


def _three_people(s) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for n, last in enumerate(("Андреева", "Борисова", "Власова")):
        pid = person(s, last)
        ids.append(pid)
        diagnose(s, pid, date(2023, 10, 2), {"digital": 1, "subject": 2, "methodical": 2 + n},
                 default=3)
        diagnose(s, pid, date(2024, 10, 2), {"digital": 2, "communicative": 1})
    record_external(s, ids[0], date(2024, 4, 1), "Оценка ПМК",
                    [("Предмет", "предметные", 30), ("Методика", "методические", 45)])
    return ids


DUMP = """
import json, sys
from desktop_app.store.database import open_database
from desktop_app.services.diagnostics import rebuild_deficits
from sqlalchemy import text
db = open_database(sys.argv[1])
with db.sessions() as s:
    s.execute(text("DELETE FROM deficits"))
    rebuild_deficits(s)
    rows = s.execute(text("SELECT * FROM deficits ORDER BY id")).all()
    s.rollback()
db.dispose()
print(json.dumps([[str(v) for v in r[1:]] for r in rows]))  # in the order written; a
# server's sequence never gives a deleted id again, so the ids themselves are left out
"""


def test_rebuild_gives_the_same_ids_whatever_the_hash_seed(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _three_people(s)
    db.dispose()
    dumps = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", DUMP, address(db)], capture_output=True,
                              text=True, encoding="utf-8", env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        dumps.append(json.loads(done.stdout))
    assert len(dumps[0]) > 20
    assert dumps[0] == dumps[1] == dumps[2]


def test_rebuild_inserts_in_one_executemany(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _three_people(s)
    with db.sessions() as s:
        s.execute(text("DELETE FROM deficits"))
        inserts: list[tuple[bool, int]] = []

        def seen(_c, _cur, statement, params, _ctx, many):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("INSERT INTO DEFICITS"):
                inserts.append((many, len(params) if many else 1))

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            result = rebuild_deficits(s)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        # rows with and without item_id / overcome_on: still one statement for all of them
        nulls = s.scalar(select(func.count()).select_from(Deficit).where(Deficit.item_id.is_(None)))
        assert 0 < nulls < result.created
        assert inserts == [(True, result.created)]
        s.rollback()


def test_deleted_session_deficits_are_re_derived(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        pid = person(s, "Громова")
        first = diagnose(s, pid, date(2023, 10, 2), {"digital": 1, "subject": 2})
        second = diagnose(s, pid, date(2024, 10, 2), {"digital": 1})
        title = "Дефицитная область «цифровые»"
        kept = s.scalar(select(Deficit.id).where(Deficit.person_id == pid,
                                                 Deficit.title.like("Дефицитная область%цифр%")))
        subject = s.scalar(select(Deficit.id).where(
            Deficit.person_id == pid, Deficit.title.like("Дефицитная область%предм%")))
        assert kept and subject
    with db.sessions.begin() as s:
        # deleted outside the service (as an old version or a hand edit would): FK sets NULL
        s.execute(text("DELETE FROM diagnostic_sessions WHERE id = :id"), {"id": first})
        orphans = s.scalar(select(func.count()).select_from(Deficit).where(
            Deficit.person_id == pid, Deficit.found_session_id.is_(None)))
        assert orphans > 0
        result = rebuild_deficits(s, [pid])
        assert result.deleted > 0
    with db.sessions() as s:
        rows = s.scalars(select(Deficit).where(Deficit.person_id == pid)).all()
        assert all(d.found_session_id == second for d in rows)
        assert all(d.found_on == date(2024, 10, 2) and d.state == "found" for d in rows)
        area = {d.title: d.id for d in rows if d.item_id is None}
        assert area.get(title.replace("цифровые", _digital_label())) == kept  # same id kept
        assert subject not in {d.id for d in rows}  # no remaining session shows it
        assert rebuild_deficits(s, [pid]) == RebuildResult(0, 0, 0)
    with db.sessions.begin() as s:
        delete_session(s, second)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Deficit).where(
            Deficit.person_id == pid)) == 0
        assert s.scalar(select(func.count()).select_from(DiagnosticSession)) == 0


def _digital_label() -> str:
    from desktop_app.model.enums import CompetenceArea

    return CompetenceArea("digital").label
