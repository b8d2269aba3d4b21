"""A person's picture, the ИОМ draft and its saving, the heat table and its xlsx."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from desktop_app.model import Organisation
from desktop_app.services.deficit_analysis import export_heat_xlsx, heat_table
from desktop_app.services.diagnostics import person_picture
from desktop_app.services.routes import RouteError, current_route, draft_route, save_route
from tests.diagnostics_data import diagnose, org, person

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)


def test_picture_shows_change_and_states(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Кузнецова", org(s, "МБОУ СОШ № 5"))
        diagnose(s, pid, date(2023, 10, 1), {"digital": 2, "subject": 5})
        diagnose(s, pid, date(2024, 4, 1), {"digital": 3, "methodical": 2, "subject": 5})
    with db.sessions() as s:
        pic = person_picture(s, pid)
        lines = {a.area: a for a in pic.areas}
        assert pic.session_date == date(2024, 4, 1) and pic.previous_date == date(2023, 10, 1)
        assert lines["digital"].mean == 3 and lines["digital"].change == 1
        assert lines["methodical"].deficit and lines["methodical"].change == -2
        assert lines["subject"].strength and not lines["subject"].deficit
        assert [d.state_label for d in pic.deficits].count("выявлен") == 9
        assert [d.state_label for d in pic.deficits].count("преодолён") == 9
        assert pic.deficits[0].state == "found"


def test_route_drafted_saved_and_refused(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Лебедева")
        diagnose(s, pid, date(2024, 1, 15), {"digital": 1}, default=4)
    with db.sessions.begin() as s:
        draft = draft_route(s, pid, start=date(2024, 9, 1))
        assert draft.end_date == date(2029, 8, 31)
        assert len(draft.items) == 9
        first = draft.items[0]
        assert first.task.startswith("Повысить уровень цифровых компетенций")
        assert [i.activity for i in draft.items[:3]] == ["courses", "self_education", "courses"]
        assert draft.items[-1].deadline == date(2029, 8, 31)
        assert all(date(2024, 9, 1) < i.deadline <= draft.end_date for i in draft.items)
        bad = [replace(first, task=" ")] + list(draft.items[1:])
        with pytest.raises(RouteError, match="Строка 1, «Задача»: не заполнено"):
            save_route(s, pid, draft.start_date, draft.end_date, "draft", bad)
        with pytest.raises(RouteError, match="от 4 до 5 лет"):
            save_route(s, pid, draft.start_date, date(2025, 8, 31), "draft", draft.items)
        route_id = save_route(s, pid, draft.start_date, draft.end_date, "active", draft.items)
    with db.sessions() as s:
        saved = current_route(s, pid)
        assert saved is not None and saved.id == route_id and saved.state == "active"
        assert saved.items == draft.items
        assert {d.state for d in person_picture(s, pid).deficits} == {"in_work"}


def test_heat_table_counts_shares_and_xlsx(db, tmp_path) -> None:
    with db.sessions.begin() as s:
        a, b = org(s, "МБОУ СОШ № 1"), org(s, "=HYPERLINK(1)")
        p1 = person(s, "Иванова", a)
        p2 = person(s, "Смирнова", a, subject="физика", category="highest")
        p3 = person(s, "Попова", b, start=date(2023, 9, 1))
        diagnose(s, p1, date(2024, 3, 1), {"digital": 2})
        diagnose(s, p2, date(2024, 3, 1), {})
        diagnose(s, p3, date(2024, 3, 1), {"digital": 2, "subject": 1})
    with db.sessions() as s:
        table = heat_table(s, "organisation", date(2024, 12, 31))
        rows = {r.label: r for r in table.rows}
        first = rows["МБОУ СОШ № 1"]
        assert (first.diagnosed, first.with_deficits) == (2, 1)
        assert first.counts == (0, 0, 0, 0, 1) and first.share(4) == 50
        assert table.total.counts == (1, 0, 0, 0, 2) and table.total.diagnosed == 3
        by_band = heat_table(s, "experience", date(2024, 12, 31))
        bands = {r.label: r.with_deficits for r in by_band.rows}
        assert bands == {"до 3 лет": 1, "20 лет и более": 1}
        cats = [r.label for r in heat_table(s, "category", date(2024, 12, 31)).rows]
        assert cats == ["первая", "высшая"]
        assert heat_table(s, "organisation", date(2024, 1, 1)).rows == ()
        tables = [heat_table(s, by, date(2024, 12, 31)) for by in ("organisation", "subject")]
        assert s.get(Organisation, b).short_name.startswith("=")
    path = export_heat_xlsx(tables, tmp_path / "heat.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Образовательная организация"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][:5] == ["№ п/п", "Образовательная организация", "Прошли диагностику",
                             "С дефицитами", "Доля"]
    assert any(v[1] == "=HYPERLINK(1)" and ws.cell(values.index(v) + 1, 2).data_type == "s"
               for v in values)
    total = values[-1]
    assert total[1] == "Итого" and total[2] == 3 and total[13] == 2 and total[14] == "66,7\u00a0%"
    assert ws.cell(len(values), 14).fill.fgColor.rgb.endswith("F26B5B")
