"""The shipped instrument file and the user's own instrument files."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from desktop_app.model import Instrument, InstrumentItem
from desktop_app.model.enums import CompetenceArea
from desktop_app.services.instruments import (
    parse_instrument,
    scale_labels,
    sync_instruments,
    user_instruments_dir,
)
from desktop_app.store.database import open_database

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

REAL_FUNCTIONS = {"A/01.6", "A/02.6", "A/03.6", "B/01.5", "B/02.6", "B/03.6", "B/04.6", "B/05.6"}


def test_shipped_instrument_loaded_with_every_area(db) -> None:
    with db.sessions() as s:
        inst = s.scalar(select(Instrument).where(Instrument.code == "self_assessment"))
        assert inst is not None and inst.version == "1"
        assert 30 <= len(inst.items) <= 50
        assert {i.area for i in inst.items} == {a.value for a in CompetenceArea}
        assert all(i.labour_function in REAL_FUNCTIONS for i in inst.items)
        assert [i.position for i in inst.items] == list(range(1, len(inst.items) + 1))
    assert scale_labels("self_assessment", "1")[5] == "владею свободно, могу научить других"
    assert scale_labels("self_assessment", "1")[1] == "не владею"


def test_user_file_picked_up_once_and_items_appended(tmp_path: Path) -> None:
    folder = user_instruments_dir()
    spec = {
        "code": "dou", "version": "2024", "name": "Самооценка воспитателя ДОО",
        "items": [
            {"code": "1", "area": "методические", "labour_function": "B/01.5",
             "text": "Планирую образовательную работу в группе по ФОП ДО"},
        ],
    }
    (folder / "dou.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    database = open_database(tmp_path / "u.sqlite")
    try:
        with database.sessions() as s:
            inst = s.scalar(select(Instrument).where(Instrument.code == "dou"))
            assert inst is not None and [i.area for i in inst.items] == ["methodical"]
        spec["items"].append({"code": "2", "area": "digital", "text": "Веду сайт группы"})
        (folder / "dou.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        (folder / "broken.json").write_text("{нет", encoding="utf-8")
        with database.sessions.begin() as s:
            problems = sync_instruments(s)
            assert len(problems) == 1 and "broken.json" in problems[0]
            sync_instruments(s)
        with database.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Instrument)) == 2
            inst = s.scalar(select(Instrument).where(Instrument.code == "dou"))
            assert [(i.code, i.position) for i in inst.items] == [("1", 1), ("2", 2)]
            total = s.scalar(select(func.count()).select_from(InstrumentItem))
            assert total == 42
    finally:
        database.dispose()


def test_bad_area_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps({"code": "x", "version": "1", "name": "X",
                    "items": [{"code": "1", "area": "космические", "text": "т"}]},
                   ensure_ascii=False),
        encoding="utf-8",
    )
    try:
        parse_instrument(path)
    except ValueError as exc:
        assert "утверждение № 1" in str(exc) and "космические" in str(exc)
    else:
        raise AssertionError("a bad area must be refused")
