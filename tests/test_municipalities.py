"""Municipalities: an old database's ОО given the municipality of its settings; a new ОО gets
the database's own; five municipal exchange workbooks merged into one region keep each ОО in its
municipality and give each municipality's indicators side by side, equal to those the
municipality computes itself; an older book's ОО take the municipality its settings name."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.cli import main
from desktop_app.demo import REFERENCE, Scale, write_demo
from desktop_app.model import Employment, Municipality, Organisation, Person
from desktop_app.services import indicators as ind, municipalities, registry, settings
from desktop_app.services.indicators import raw_counts
from desktop_app.services.requisites import SettingRefused
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.store.database import open_database
from tests.helpers import address
from tests.test_migrations import FIXTURE

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
NAMES = ("Берёзовский район", "Заречный округ", "Каменский район", "Ключевской район",
         "Озёрский район")
YEAR = REFERENCE.year


def test_an_old_database_s_ОО_belong_to_the_municipality_of_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, path)
    db = open_database(path)  # upgraded from revision 0001 (a backup taken first)
    try:
        with db.sessions() as s:
            name = settings.get(s, "municipality")
            (own,) = s.scalars(select(Municipality)).all()
            assert own.is_own and own.name == name
            orgs = s.scalar(select(func.count(Organisation.id)))
            assert orgs and s.scalar(select(func.count(Organisation.id)).where(
                Organisation.municipality_id == own.id)) == orgs
    finally:
        db.dispose()


def test_a_new_ОО_is_of_the_own_municipality_which_follows_the_settings(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        settings.change(s, "municipality", "Заречный муниципальный округ")
        oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ «СОШ № 1»"))
        settings.change(s, "oktmo", "69 741 000")
        settings.change(s, "municipality", "Заречный городской округ")
    with db.sessions() as s:
        org = s.get(Organisation, oid)
        assert org is not None and org.municipality is not None
        assert (org.municipality.name, org.municipality.oktmo, org.municipality.is_own) == (
            "Заречный городской округ", "69741000", True)
        assert len(s.scalars(select(Municipality)).all()) == 1
    with db.sessions() as s, pytest.raises(SettingRefused, match="8 или 11 цифр"):
        settings.change(s, "oktmo", "6974100")


def test_a_name_another_municipality_has_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        municipalities.own(s)
        municipalities.named(s, "Каменский район")
    with db.sessions() as s, pytest.raises(SettingRefused, match="уже есть в базе"):
        settings.change(s, "municipality", "каменский  район")


def test_an_ОО_is_given_a_municipality_and_moved_to_another(db) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop_app.services import changelog
    from desktop_app.services.validation import Refused

    with db.sessions.begin() as s:
        own = municipalities.own_id(s)
        other, _added = municipalities.named(s, "Каменский район")
        moved = registry.add_organisation(s, OrganisationInput(short_name="МБОУ «СОШ № 1»",
                                                               municipality_id=other))
        kept = registry.add_organisation(s, OrganisationInput(short_name="МБОУ «СОШ № 2»"))
    with db.sessions.begin() as s:
        data = registry.get_organisation_input(s, moved)
        assert data.municipality_id == other
        assert registry.get_organisation_input(s, kept).municipality_id == own
        registry.update_organisation(s, moved, replace(data, municipality_id=own))
        # a form without the choice (one municipality shown) keeps the ОО's own
        registry.update_organisation(s, kept, replace(
            registry.get_organisation_input(s, kept), municipality_id=None, address="ул. Новая"))
    with db.sessions() as s:
        assert s.get(Organisation, moved).municipality_id == own
        assert s.get(Organisation, kept).municipality_id == own
        (change,) = [c for entry in changelog.history(s, "organisations", moved)
                     if entry.action == "update"
                     for c in entry.changes if c.column == "municipality_id"]
        assert (change.label, change.old, change.new) == (
            "Муниципалитет", f"Каменский район (№ {other})",
            f"{s.get(Municipality, own).name} (№ {own})")
    with db.sessions() as s, pytest.raises(Refused) as refused:
        registry.add_organisation(s, OrganisationInput(short_name="МБОУ «СОШ № 3»",
                                                       municipality_id=other + 100))
    assert [e.field for e in refused.value.errors] == ["municipality_id"]
    assert f"муниципалитет № {other + 100} не найден" in refused.value.message


def test_the_indicators_keep_to_a_municipality_s_ОО(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    with db.sessions.begin() as s:
        own = municipalities.own_id(s)
        other, _added = municipalities.named(s, "Каменский район")
        schools = {}
        for mid, name, staff in ((own, "МБОУ «СОШ № 1»", 2), (other, "МБОУ «СОШ № 7»", 3)):
            oid = registry.add_organisation(s, OrganisationInput(
                short_name=name, municipality_id=mid, mentoring_act_date=date(YEAR, 2, 1)))
            schools[mid] = name
            for k in range(staff):
                registry.add_person(s, PersonInput(
                    last_name=f"Учитель{'АБВ'[k]}", first_name="Анна", middle_name="Петровна",
                    birth_date=date(1980, 1, 1 + mid), organisation_id=oid, position="учитель"))
    with db.sessions() as s:
        for mid, staff in ((own, 2), (other, 3)):
            counts = raw_counts(s, YEAR, municipality=mid)
            assert (counts["I1"], counts["I2"][1]) == ((1, 1), staff)
            drill = ind.drill_down(s, "I2", YEAR, municipality=mid)
            assert {r.organisation for r in drill.b_rows} == {schools[mid]}
            assert len(drill.b_rows) == staff and drill.municipality == \
                s.get(Municipality, mid).name
            book = openpyxl.load_workbook(ind.write_drill_xlsx(drill, tmp_path / f"{mid}.xlsx"))
            assert book["B"]["A1"].value.endswith(f" — {drill.municipality}")
            assert book["B"]["A2"].value.endswith(f": {staff}")
            assert [o.name for o in ind.by_organisation(s, YEAR, municipality=mid)] == \
                [schools[mid]]
            (point,) = ind.dynamics(s, "I1", [YEAR], today=date(YEAR + 1, 1, 15),
                                    municipality=mid)
            assert (point.a, point.b) == (1, 1)
        assert raw_counts(s, YEAR)["I2"][1] == 5


def test_the_ОО_form_offers_the_municipalities_of_a_region(
        qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_app.ui.registry.organisation_dialog import OrganisationDialog
    from tests.helpers import type_text

    save = QDialogButtonBox.StandardButton.Save
    alone = OrganisationDialog(db)  # one municipality: no choice shown, the own one given
    qtbot.addWidget(alone)
    alone.show()
    assert not alone.municipality.isVisibleTo(alone)
    type_text(alone.short_name, "МБОУ «СОШ № 5»")
    qtbot.mouseClick(alone.buttons.button(save), Qt.MouseButton.LeftButton)
    with db.sessions.begin() as s:
        own = municipalities.own_id(s)
        assert s.get(Organisation, alone.org_id).municipality_id == own
        for name in ("Озёрский район", "Берёзовский район"):
            municipalities.named(s, name)
        lake = municipalities.by_name(s, "озерский  район")
        assert lake is not None
    dialog = OrganisationDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.municipality.isVisibleTo(dialog)
    listed = [dialog.municipality.itemText(i) for i in range(dialog.municipality.count())]
    with db.sessions() as s:
        own_name = s.get(Municipality, own).name
    assert listed == [own_name, "Берёзовский район", "Озёрский район"]  # own first, then А–Я
    assert dialog.municipality.currentData() == own  # a new ОО: the own one unless chosen
    type_text(dialog.short_name, "МКОУ «Озёрская СОШ»")
    dialog.municipality.setCurrentIndex(dialog.municipality.findData(lake.id))
    qtbot.mouseClick(dialog.buttons.button(save), Qt.MouseButton.LeftButton)
    with db.sessions() as s:
        assert s.get(Organisation, dialog.org_id).municipality_id == lake.id
    again = OrganisationDialog(db, dialog.org_id)  # a known ОО: its municipality shown
    qtbot.addWidget(again)
    assert again.municipality.currentData() == lake.id


# five municipal books merged into a region -------------------------------------------------------
SMALL = Scale(organisations=5, people=40, active=4, pairs=8, sessions=10)
TWICE = {"last_name": "Дважды", "first_name": "Работающая", "middle_name": "Петровна",
         "birth_date": date(1984, 5, 6)}


def _municipal_book(folder: Path, n: int) -> tuple[Path, Path]:
    """A municipality's database (a demo of its own seed, its settings naming it, one teacher
    who also works in the next municipality) and its exchange workbook."""
    path = folder / f"m{n}.sqlite"
    write_demo(path, SMALL, seed=10 + n)
    db = open_database(path)
    try:
        with db.sessions.begin() as s:
            settings.change(s, "municipality", NAMES[n])
            if n in (0, 1):
                org = s.scalars(select(Organisation.id).order_by(Organisation.id)).first()
                registry.add_person(s, PersonInput(**TWICE, organisation_id=org,
                                                   position="учитель"))
    finally:
        db.dispose()
    book = folder / f"m{n}.xlsx"
    assert main(["--db", str(path), "export", "--out", str(book)]) == 0
    return path, book


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("municipal-books")
    return [_municipal_book(folder, n) for n in range(5)]


def _counts(target: str | Path) -> dict[str, tuple[int, int]]:
    db = open_database(target)
    try:
        with db.sessions() as s:
            return raw_counts(s, YEAR)
    finally:
        db.dispose()


def test_five_books_merged_show_each_municipality_side_by_side(
        books: list[tuple[Path, Path]], db: Any, capsys: pytest.CaptureFixture[str]) -> None:
    region = address(db)
    db.dispose()
    assert main(["--db", region, "settings", "set", "municipality", "Демонстрационная область"]) \
        == 0
    for _path, book in books:
        assert main(["--db", region, "import", "--merge", str(book)]) == 0
    capsys.readouterr()
    assert main(["--db", region, "indicators", "--year", str(YEAR), "--by-municipality",
                 "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    by_name = {m["name"]: m for m in found["municipalities"]}
    assert sorted(by_name) == sorted(NAMES)
    for n, (path, _book) in enumerate(books):
        own = {r["code"]: (r["a"], r["b"]) for r in by_name[NAMES[n]]["indicators"]}
        expected = _counts(path)
        if n == 1:  # the teacher of both stays one person, counted where the region met her
            assert own["I2"][1] == expected["I2"][1] - 1
            expected = {**expected, **{code: own[code] for code in ("I2", "I3", "I4")}}
        assert own == expected, NAMES[n]
    region_counts = {r["code"]: (r["a"], r["b"]) for r in found["region"]}
    for code, (a, b) in region_counts.items():
        assert (a, b) == (sum(dict((r["code"], (r["a"], r["b"])) for r in m["indicators"])[code][0]
                              for m in found["municipalities"]),
                          sum(dict((r["code"], (r["a"], r["b"])) for r in m["indicators"])[code][1]
                              for m in found["municipalities"]))
    check = open_database(region)
    try:
        with check.sessions() as s:
            rows = {r.name: r for r in municipalities.list_municipalities(s)}
            assert rows["Демонстрационная область"].is_own
            assert rows["Демонстрационная область"].organisations == 0
            assert all(rows[name].organisations == SMALL.organisations for name in NAMES)
            # the same school name in two municipalities: two ОО, told apart by the municipality
            names = list(s.scalars(select(Organisation.short_name)))
            assert len(names) == 5 * SMALL.organisations == len(set(names))
            (twice,) = s.scalars(select(Person).where(Person.last_name == "Дважды")).all()
            jobs = s.scalars(select(Employment).where(Employment.person_id == twice.id)).all()
            assert {j.organisation.municipality.name for j in jobs} == {NAMES[0], NAMES[1]}
    finally:
        check.dispose()
    assert main(["--db", region, "indicators", "--year", str(YEAR), "--by-municipality"]) == 0
    table = capsys.readouterr().out
    assert "Регион в целом" in table and all(name in table for name in NAMES)


def test_the_same_book_merged_twice_adds_no_municipality(books: list[tuple[Path, Path]],
                                                        tmp_path: Path) -> None:
    region = tmp_path / "region.sqlite"
    assert main(["--db", str(region), "init"]) == 0
    for _ in range(2):
        assert main(["--db", str(region), "import", "--merge", str(books[2][1])]) == 0
    db = open_database(region)
    try:
        with db.sessions() as s:
            found = {m.name: m.is_own for m in s.scalars(select(Municipality))}
            # the new database's own one (named by the shipped settings) and the book's
            assert found == {"Муниципальное образование": True, NAMES[2]: False}
    finally:
        db.dispose()


# the regional report ---------------------------------------------------------------------------
REQUISITES = {"municipality": "Демонстрационная область",
              "authority": "Министерство образования Демонстрационной области",
              "centre_name": "Региональный центр развития образования",
              "centre_short": "РЦРО", "place": "г. Заречный", "head_position": "Директор",
              "head_last": "Берёзкина", "head_first": "Ольга"}


@pytest.fixture(scope="module")
def region_file(books: list[tuple[Path, Path]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The region's database: the five municipal books merged into a new file."""
    path = tmp_path_factory.mktemp("region") / "region.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(path.parent / "home"))
        assert main(["--db", str(path), "init"]) == 0
        for key, value in REQUISITES.items():
            assert main(["--db", str(path), "settings", "set", key, value]) == 0
        for _path, book in books:
            assert main(["--db", str(path), "import", "--merge", str(book)]) == 0
    return path


def test_the_regional_report_sets_the_municipalities_side_by_side(region_file: Path,
                                                                  tmp_path: Path) -> None:
    import openpyxl

    from tests.test_reports import docx_text, pdf_text

    base = ["--db", str(region_file), "report", "region", "--year", str(YEAR)]
    pdf, docx, xlsx = (tmp_path / f"регион.{s}" for s in ("pdf", "docx", "xlsx"))
    for out in (pdf, docx, xlsx):
        assert main([*base, "--out", str(out)]) == 0
    db = open_database(region_file)
    try:
        with db.sessions() as s:
            from desktop_app.services.region import region_indicators

            found = region_indicators(s, YEAR)
    finally:
        db.dispose()
    text = " ".join(pdf_text(pdf).split())
    for name in NAMES:
        assert name in text and name in docx_text(docx)
    assert "Регион в целом" in text and "Таблица 4" in text
    below = found.below_plan()
    if below:
        assert "Ниже плана: " + below[0].name in text
    sheet = openpyxl.load_workbook(xlsx)["Таблица 1"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    for m in found.municipalities:
        first = m.results[0]
        assert rows[m.name][2].endswith(f"({first.a} / {first.b})")
    total = rows["Регион в целом"]
    assert total[2].endswith(f"({found.region[0].a} / {found.region[0].b})")


def test_the_indicators_tab_shows_the_municipalities_when_there_are_several(
        qtbot, region_file: Path, books: list[tuple[Path, Path]]) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.indicators.tab import IndicatorsTab

    def opened(path: Path) -> IndicatorsTab:
        tab = IndicatorsTab(open_database(path))
        qtbot.addWidget(tab)
        tab.year.setValue(YEAR)
        return tab

    tab = opened(region_file)
    titles = [tab.pages.tabText(i) for i in range(tab.pages.count())]
    assert "По муниципалитетам" in titles
    model = tab.by_municipality.model
    rows = {model.data(model.index(r, 0)): [model.data(model.index(r, c))
                                            for c in range(model.columnCount())]
            for r in range(model.rowCount())}
    assert sorted(rows) == sorted([*NAMES, "Регион в целом"])
    first = _counts(books[2][0])["I1"]
    assert rows[NAMES[2]][2] == f"{first[0]} из {first[1]}"
    tab.db.dispose()
    single = opened(books[2][0])
    assert "По муниципалитетам" not in [single.pages.tabText(i)
                                        for i in range(single.pages.count())]
    single.db.dispose()


def _view(s: Any, municipality: int | None = None, suffix: str = ""
          ) -> tuple[dict[str, Any], dict[str, ind.Drill]]:
    """What the indicators tab shows (of the municipality when given): A and B, the names behind
    A and behind B of each indicator, the ОО with I2–I5, and I3 by year — ОО names without the
    suffix a region adds to a name two municipalities' ОО share; and the drills themselves."""
    def plain(name: str) -> str:
        return name.removesuffix(suffix) if suffix else name

    drills = {code: ind.drill_down(s, code, YEAR, municipality=municipality)
              for code in ind.CODES}
    return {
        "counts": raw_counts(s, YEAR, municipality=municipality),
        "drills": {code: ([plain(r.name) for r in d.a_rows], [plain(r.name) for r in d.b_rows])
                   for code, d in drills.items()},
        "orgs": [(plain(o.name), o.values)
                 for o in ind.by_organisation(s, YEAR, municipality=municipality)],
        "years": [(p.year, p.fact, p.a, p.b) for p in ind.dynamics(
            s, "I3", [YEAR - 1, YEAR], today=date(YEAR + 1, 1, 15), municipality=municipality)],
    }, drills


def _own_view(path: Path) -> dict[str, Any]:
    """What a municipality's own database shows on its indicators tab (_view)."""
    own = open_database(path)
    try:
        with own.sessions() as s:
            return _view(s)[0]
    finally:
        own.dispose()


def test_the_indicators_of_one_municipality_of_a_region_are_its_own(
        region_file: Path, books: list[tuple[Path, Path]]) -> None:
    db = open_database(region_file)
    try:
        for n, (path, _book) in enumerate(books):
            if n == 1:  # the teacher of both is counted where the region met her (book 0)
                continue
            with db.sessions() as s:
                found = municipalities.by_name(s, NAMES[n])
                assert found is not None
                # an ОО of a name another municipality's ОО also has is told apart by its own
                seen, drills = _view(s, found.id, f" ({NAMES[n]})")
                region_counts = raw_counts(s, YEAR)
            assert seen == _own_view(path), NAMES[n]
            assert seen["counts"] != region_counts
            assert {d.municipality for d in drills.values()} == {NAMES[n]}
            assert drills["I1"].title.endswith(f" — {NAMES[n]}")
            assert all(len(a) == seen["counts"][code][0] and len(b) == seen["counts"][code][1]
                       for code, (a, b) in seen["drills"].items())
        with db.sessions() as s:  # no municipality: every ОО, the drill naming none
            assert raw_counts(s, YEAR, municipality=None) == raw_counts(s, YEAR)
            assert ind.drill_down(s, "I1", YEAR).municipality == ""
    finally:
        db.dispose()


def test_the_command_line_gives_one_municipality_s_indicators(
        region_file: Path, books: list[tuple[Path, Path]],
        capsys: pytest.CaptureFixture[str]) -> None:
    import hashlib

    before = hashlib.sha256(region_file.read_bytes()).hexdigest()
    base = ["--db", str(region_file), "indicators", "--year", str(YEAR)]
    own = _own_view(books[2][0])
    capsys.readouterr()
    # the name as typed: case, ё/е and spaces aside
    assert main([*base, "--municipality", "  каменский   РАЙОН ", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["code"]: (r["a"], r["b"]) for r in rows} == own["counts"]
    assert main([*base, "--municipality", NAMES[2]]) == 0
    assert f"на 31.12.{YEAR} — {NAMES[2]}" in capsys.readouterr().out
    assert main([*base, "--municipality", NAMES[2], "--details", "i2", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["municipality"] == NAMES[2]
    assert [m["name"] for m in found["members"]] == own["drills"]["I2"][1]
    assert [m["name"] for m in found["members"] if m["in_a"]] == own["drills"]["I2"][0]
    assert main([*base, "--municipality", NAMES[2], "--details", "I2"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].endswith(f" — {NAMES[2]}")
    assert sum(line.startswith("A ") for line in table) == own["counts"]["I2"][0]
    # refusals: a name the database does not know (the known ones listed), two views at once
    assert main([*base, "--municipality", "Лесной район"]) == 1
    err = capsys.readouterr().err
    assert "«Лесной район» не найден" in err and all(name in err for name in NAMES)
    assert main([*base, "--municipality", NAMES[2], "--by-municipality"]) == 1
    assert "вместе не задаются" in capsys.readouterr().err
    assert hashlib.sha256(region_file.read_bytes()).hexdigest() == before  # it only reads


def test_the_indicators_tab_keeps_to_the_municipality_chosen(
        qtbot, region_file: Path, books: list[tuple[Path, Path]]) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.indicators.tab import IndicatorsTab

    def shown(tab: IndicatorsTab) -> dict[str, tuple[int, int]]:
        """The codes with A and B as the main table shows them."""
        m = tab.model
        return {m.data(m.index(r, 0)): (int(m.data(m.index(r, 2))), int(m.data(m.index(r, 3))))
                for r in range(m.rowCount())}

    tab = IndicatorsTab(open_database(region_file))
    qtbot.addWidget(tab)
    tab.show()
    tab.year.setValue(YEAR)
    everyone = shown(tab)
    box = tab.municipality.box
    assert box.isVisibleTo(tab)
    assert [box.itemText(i) for i in range(box.count())] == ["все муниципалитеты",
                                                             *sorted(NAMES)]
    box.setCurrentIndex(box.findText(NAMES[2]))
    own = _own_view(books[2][0])
    assert shown(tab) == own["counts"] != everyone
    tab.select_code("I2")
    assert NAMES[2] in tab.drill.title.text()
    assert tab.drill.a_panel.model.rowCount() == own["counts"]["I2"][0]
    assert tab.drill.b_panel.model.rowCount() == own["counts"]["I2"][1]
    orgs = tab.by_org.model
    assert [orgs.data(orgs.index(r, 0)).removesuffix(f" ({NAMES[2]})")
            for r in range(orgs.rowCount())] == [name for name, _values in own["orgs"]]
    assert tab.dynamics.municipality is not None and tab.dynamics.municipality[1] == NAMES[2]
    assert NAMES[2] in tab.dynamics.chart.title()
    # the pages of the whole database do not take the filter
    for title, applies in (("План", False), ("По муниципалитетам", False), ("По ОО", True),
                           ("Динамика", True), ("Показатели", True)):
        tab.pages.setCurrentIndex([tab.pages.tabText(i) for i in range(tab.pages.count())]
                                  .index(title))
        assert box.isEnabled() is applies, title
    tab.year.setValue(YEAR - 1)  # the choice is kept through a reload
    assert box.currentText() == NAMES[2]
    tab.year.setValue(YEAR)
    box.setCurrentIndex(0)
    assert shown(tab) == everyone
    assert tab.dynamics.municipality is None and NAMES[2] not in tab.dynamics.chart.title()
    tab.db.dispose()
    single = IndicatorsTab(open_database(books[2][0]))
    qtbot.addWidget(single)
    single.show()
    assert not single.municipality.box.isVisibleTo(single)
    single.db.dispose()


def test_the_registry_filters_by_municipality_when_there_are_several(
        qtbot, region_file: Path, books: list[tuple[Path, Path]]) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from desktop_app.ui.registry.tab import RegistryTab

    tab = RegistryTab(open_database(region_file))
    qtbot.addWidget(tab)
    tab.show()
    tab.f_left.setChecked(True)
    everyone = tab.people.model.rowCount()
    assert tab.f_municipality.isVisibleTo(tab)
    assert [tab.f_municipality.itemText(i) for i in range(1, tab.f_municipality.count())] == \
        sorted(NAMES)
    tab.f_municipality.setCurrentIndex(tab.f_municipality.findText(NAMES[2]))
    own = open_database(books[2][0])
    try:
        with own.sessions() as s:
            people = s.scalar(select(func.count(Person.id)))
    finally:
        own.dispose()
    assert tab.people.model.rowCount() == people < everyone
    assert tab.f_org.count() == 1 + SMALL.organisations
    assert tab.organisations.model.rowCount() == SMALL.organisations
    # the ОО list names each ОО's municipality (its column shown: there are several)
    assert not tab.organisations.table.isColumnHidden(1)
    assert tab.organisations.model.headerData(1, Qt.Orientation.Horizontal) == "Муниципалитет"
    model = tab.organisations.model
    assert {model.index(r, 1).data() for r in range(model.rowCount())} == {NAMES[2]}
    tab.f_municipality.setCurrentIndex(0)
    assert tab.people.model.rowCount() == everyone
    tab.db.dispose()
    single = RegistryTab(open_database(books[2][0]))
    qtbot.addWidget(single)
    single.show()
    assert not single.f_municipality.isVisibleTo(single)
    assert single.organisations.table.isColumnHidden(1)
    single.db.dispose()


def test_the_pairs_filter_by_municipality_when_there_are_several(
        qtbot, region_file: Path, books: list[tuple[Path, Path]]) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.model import Pair
    from desktop_app.ui.pairs.tab import PairsTab

    tab = PairsTab(open_database(region_file))
    qtbot.addWidget(tab)
    tab.show()
    everyone = tab.list.model.rowCount()
    assert tab.municipality_box.isVisibleTo(tab)
    tab.municipality_box.setCurrentIndex(tab.municipality_box.findText(NAMES[3]))
    own = open_database(books[3][0])
    try:
        with own.sessions() as s:
            pairs = s.scalar(select(func.count(Pair.id)))
    finally:
        own.dispose()
    assert 0 < tab.list.model.rowCount() == pairs < everyone
    assert tab.org_box.count() == 1 + SMALL.organisations
    tab.reset_filter()
    assert tab.list.model.rowCount() == everyone and tab.org_box.count() > 1 + SMALL.organisations
    tab.db.dispose()


def test_the_diagnostics_filter_and_analyse_by_municipality_when_there_are_several(
        qtbot, region_file: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.model import DiagnosticSession
    from desktop_app.services import deficit_analysis
    from desktop_app.ui.diagnostics.tab import DiagnosticsTab

    db = open_database(region_file)
    tab = DiagnosticsTab(db)
    qtbot.addWidget(tab)
    tab.show()
    everyone = tab.list.model.rowCount()
    assert tab.municipality_box.isVisibleTo(tab)
    tab.municipality_box.setCurrentIndex(tab.municipality_box.findText(NAMES[4]))
    with db.sessions() as s:
        theirs = s.scalar(select(func.count(DiagnosticSession.id))
                          .join(Person, Person.id == DiagnosticSession.person_id)
                          .join(Organisation, Organisation.id == Person.organisation_id)
                          .join(Municipality, Municipality.id == Organisation.municipality_id)
                          .where(Municipality.name == NAMES[4]))
        heat = deficit_analysis.heat_table(s, deficit_analysis.MUNICIPALITY, date(YEAR, 12, 31))
        assert "municipality" in deficit_analysis.dimensions_of(s)
    assert 0 < tab.list.model.rowCount() == theirs < everyone
    assert [r.label for r in heat.rows] == sorted(NAMES)
    assert heat.total.diagnosed == sum(r.diagnosed for r in heat.rows) > 0
    db.dispose()
