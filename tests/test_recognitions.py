"""Recognition of mentors: the figures computed from a small database, the awards' conditions as
an editable preset, nominations in the person's history, the command line (text and JSON), the
представление read back from its PDF and DOCX, the demo's five-year mentor and the upgrade of a
database of the revision before."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.model import (
    Base,
    Deficit,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.services import awards, changelog, nominations, recognitions, settings
from desktop_app.services.awards import RecognitionError
from desktop_app.store.database import Database, head_revision, open_database
from desktop_app.store.presets_seed import load_all, read_preset
from tests import doctext
from tests.test_migration_0008 import read, to_revision

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
ON = date(2024, 12, 31)
ZA = "za_nastavnichestvo"


@dataclass(frozen=True)
class Ids:
    veteran: int  # five school years of mentoring on ON
    newcomer: int  # one pair, one school year
    young: int  # a young mentee of the newcomer's pair (for «Молодость и профессионализм»)
    gone: int  # a young specialist mentored who has left


def _person(session, last: str, first: str, org: Organisation, **kw) -> Person:  # type: ignore[no-untyped-def]
    kw.setdefault("birth_date", date(1975, 4, 1))
    kw.setdefault("ped_experience_start", date(2000, 9, 1))
    person = Person(
        last_name=last,
        first_name=first,
        middle_name=kw.pop("middle", "Ивановна"),
        search_key=last.lower(),
        organisation=org,
        position="учитель",
        **kw,
    )
    session.add(person)
    session.flush()
    return person


def _pair(
    session,
    mentor: Person,
    mentees: list[Person],
    start: date,
    end: date,  # type: ignore[no-untyped-def]
    status: str = "completed",
    category: str = "young",
    ended_on: date | None = None,
) -> Pair:
    form = session.scalars(select(MentorshipForm).order_by(MentorshipForm.position)).first()
    pair = Pair(
        mentor_id=mentor.id,
        form_id=form.id,
        start_date=start,
        end_date=end,
        status=status,
        mentee_category=category,
        ended_on=ended_on,
    )
    pair.mentees = [PairMentee(person_id=m.id) for m in mentees]
    session.add(pair)
    session.flush()
    return pair


def _deficit(session, person: Person, found: date, overcome: date | None) -> None:  # type: ignore[no-untyped-def]
    session.add(
        Deficit(
            person_id=person.id,
            area="methodical",
            title=f"Дефицит {found}",
            found_on=found,
            state="overcome" if overcome else "found",
            overcome_on=overcome,
        )
    )


def build(session) -> Ids:  # type: ignore[no-untyped-def]
    """A veteran with pairs in five school years (2019/2020–2022/2023 and 2024/2025), young
    specialists of whom one has left, deficits overcome within and outside the pairs' reach, and
    participations before and after the date; a newcomer with one pair."""
    settings.put(
        session,
        {
            "authority": "Управление образования Администрации Заречного округа",
            "centre_name": "МКУ «Информационно-методический центр»",
            "centre_short": "МКУ «ИМЦ»",
            "municipality": "Заречный округ",
            "place": "г. Заречный",
            "head_last": "Берёзкина",
            "head_first": "Ольга",
            "head_middle": "Николаевна",
        },
    )
    school = Organisation(
        short_name="МБОУ «СОШ № 1»",
        full_name="МБОУ «Средняя школа № 1»",
        head_name="Лыткина Тамара Яковлевна",
    )
    session.add(school)
    session.flush()
    veteran = _person(
        session,
        "Иванова",
        "Анна",
        school,
        category="highest",
        achievements="Победитель муниципального конкурса «Учитель года — 2021»",
    )
    m1 = _person(
        session,
        "Орлова",
        "Мария",
        school,
        ped_experience_start=date(2019, 8, 26),
        birth_date=date(1996, 3, 3),
    )
    gone = _person(
        session,
        "Панова",
        "Ольга",
        school,
        ped_experience_start=date(2020, 8, 20),
        birth_date=date(1997, 3, 3),
        is_active=False,
        left_on=date(2022, 6, 30),
    )
    m3 = _person(session, "Рябова", "Нина", school)
    m4 = _person(
        session,
        "Сомова",
        "Елена",
        school,
        ped_experience_start=date(2022, 8, 25),
        birth_date=date(1999, 3, 3),
    )
    m5 = _person(
        session,
        "Титова",
        "Юлия",
        school,
        ped_experience_start=date(2024, 8, 26),
        birth_date=date(2001, 3, 3),
    )
    _pair(session, veteran, [m1], date(2019, 9, 2), date(2020, 5, 29))
    _pair(session, veteran, [gone], date(2020, 9, 1), date(2021, 5, 31))
    _pair(session, veteran, [m3], date(2021, 9, 1), date(2022, 5, 31), category="new_duties")
    _pair(
        session,
        veteran,
        [m4],
        date(2022, 9, 1),
        date(2023, 5, 31),
        status="ended_early",
        ended_on=date(2023, 1, 31),
    )
    _pair(session, veteran, [m5], date(2024, 9, 2), date(2025, 5, 30), status="active")
    _pair(session, veteran, [m1], date(2025, 9, 1), date(2026, 5, 29), status="planned")
    _deficit(session, m1, date(2019, 9, 20), date(2020, 9, 15))  # within half a year: counted
    _deficit(session, m1, date(2019, 9, 21), date(2022, 1, 10))  # too late
    _deficit(session, m3, date(2021, 10, 1), date(2022, 4, 1))  # counted
    _deficit(session, m3, date(2023, 1, 1), date(2023, 3, 1))  # found after the pair
    _deficit(session, m4, date(2022, 10, 1), None)  # still open
    for kind, title, day in (
        ("contest", "Учитель года", date(2023, 3, 1)),
        ("master_class", "Урок-исследование", date(2022, 10, 10)),
        ("innovation", "Инновационная площадка", date(2021, 5, 5)),
        ("talk", "Выступление после даты", date(2025, 2, 1)),
    ):
        session.add(
            Participation(
                person_id=veteran.id, kind=kind, title=title, event_date=day, level="municipal"
            )
        )
    newcomer = _person(
        session,
        "Ершова",
        "Дарья",
        school,
        birth_date=date(1992, 1, 1),
        ped_experience_start=date(2015, 9, 1),
    )
    young = _person(
        session,
        "Фомина",
        "Алла",
        school,
        birth_date=date(1998, 6, 6),
        ped_experience_start=date(2020, 9, 1),
    )
    _pair(session, newcomer, [young], date(2023, 9, 1), date(2024, 5, 31))
    for day in (date(2023, 4, 4), date(2024, 4, 4)):
        session.add(
            Participation(
                person_id=young.id,
                kind="open_lesson",
                title="Открытый урок",
                event_date=day,
                level="organisation",
            )
        )
    session.commit()
    return Ids(veteran.id, newcomer.id, young.id, gone.id)


@pytest.fixture
def built(db: Database) -> tuple[Database, Ids]:
    with db.sessions() as session:
        ids = build(session)
    return db, ids


def _row(
    found: recognitions.RecognitionList, person: int, award: str
) -> recognitions.Recognition | None:
    return next((r for r in found.rows if r.person_id == person and r.award == award), None)


# the figures -----------------------------------------------------------------------------------
def test_figures_of_a_mentor_on_the_date(built: tuple[Database, Ids]) -> None:
    db, ids = built
    with db.sessions() as session:
        record = recognitions.mentoring_record(session, ids.veteran, ON)
    assert record is not None
    f = record.figures
    assert f.school_years == (2019, 2020, 2021, 2022, 2024)  # the planned pair not yet
    assert (f.mentees, f.completed, f.deficits_overcome) == (5, 3, 2)
    assert (f.young_after, f.young_stayed) == (3, 2)  # Панова has left
    assert f.participations == 2 and len(f.contests) == 1 and "«Учитель года»" in f.contests[0]
    assert f.age == 49 and f.experience == 24
    assert [p.start.year for p in record.pairs] == [2019, 2020, 2021, 2022, 2024]
    assert record.pairs[0].stayed == ("Орлова М.И.",) and record.pairs[1].stayed == ()
    assert record.pairs[0].deficits_overcome == 1 and record.pairs[2].deficits_overcome == 1
    assert [p.title for p in record.participations] == [  # up to the date only
        "Инновационная площадка",
        "Урок-исследование",
        "Учитель года",
    ]
    assert recognitions.school_years_span(f.school_years) == "2019/2020–2022/2023, 2024/2025"


def test_a_school_year_counts_after_a_month_of_mentoring() -> None:
    years = recognitions._school_years
    assert years(date(2019, 9, 2), date(2020, 5, 29)) == [2019]
    assert years(date(2026, 8, 28), date(2027, 7, 20)) == [2026]  # four days before September
    assert years(date(2026, 10, 20), date(2026, 11, 1)) == []  # twelve days so far
    assert years(date(2025, 3, 1), date(2026, 2, 28)) == [2024, 2025]
    assert recognitions.school_years_span([2019, 2020, 2022]) == "2019/2020, 2020/2021, 2022/2023"


def test_who_meets_and_why(built: tuple[Database, Ids]) -> None:
    db, ids = built
    with db.sessions() as session:
        found = recognitions.recognitions(session, 2024)
    assert found.on == ON
    veteran = _row(found, ids.veteran, ZA)
    assert veteran is not None and veteran.meets and not veteran.missing
    assert veteran.reasons[0] == (
        "Учебных лет наставнической деятельности — 5 "
        "(2019/2020–2022/2023, 2024/2025); условие: не менее 5"
    )
    assert any(
        r.startswith("Молодых специалистов, продолжающих работать после наставничества — 2 (из 3")
        for r in veteran.reasons
    )
    assert _row(found, ids.newcomer, ZA) is None  # one year: far from five
    # «Молодость и профессионализм» considers the mentees too: a young teacher who shared
    young = _row(found, ids.young, "molodost_professionalizm")
    assert young is not None and young.meets
    assert _row(found, ids.gone, "molodost_professionalizm") is None  # no longer works
    # the list: by award in the preset's order, those who meet first
    order = [a.code for a in found.awards]
    assert [order.index(r.award) for r in found.rows] == sorted(
        order.index(r.award) for r in found.rows
    )


def test_nearly_meets_with_what_is_missing(built: tuple[Database, Ids]) -> None:
    db, ids = built
    with db.sessions() as session:
        found = recognitions.recognitions(session, 2024, date(2024, 8, 31))
    veteran = _row(found, ids.veteran, ZA)
    assert veteran is not None and not veteran.meets and veteran.near
    assert veteran.missing == (
        "Учебных лет наставнической деятельности: 4 при требуемых не менее 5 (не хватает 1)",
    )
    assert veteran.state_label == "почти соответствует"


def test_a_date_outside_the_year_is_refused(built: tuple[Database, Ids]) -> None:
    db, _ids = built
    with db.sessions() as session, pytest.raises(ValueError, match="не относится к 2024"):
        recognitions.recognitions(session, 2024, date(2025, 1, 1))


# the preset ------------------------------------------------------------------------------------
def test_shipped_preset_is_loaded_as_data(db: Database) -> None:
    shipped = read_preset("awards.json")["awards"]
    with db.sessions() as session:
        found = {a.code: a for a in awards.list_awards(session)}
    assert (
        list(found)
        == [a["code"] for a in shipped]
        == [
            ZA,
            "pochetny_nastavnik",
            "molodost_professionalizm",
            "luchshiy_nastavnik",
            "luchshie_praktiki",
        ]
    )
    za = {c.measure: c.value for c in found[ZA].conditions}
    assert za["min_years_mentoring"] == 5
    assert "№ 94" in found[ZA].basis and found[ZA].once
    assert "№ 400" in found["pochetny_nastavnik"].basis
    assert {c.measure: c.value for c in found["molodost_professionalizm"].conditions}[
        "max_age"
    ] == 35


def test_editing_the_preset_changes_the_outcome(built: tuple[Database, Ids]) -> None:
    db, ids = built
    with db.sessions() as session:
        awards.set_condition(session, ZA, "min_years_mentoring", 6)
        session.commit()
        near = _row(recognitions.recognitions(session, 2024), ids.veteran, ZA)
        awards.set_condition(session, ZA, "min_years_mentoring", 8, near=1)
        session.commit()
        far = _row(recognitions.recognitions(session, 2024), ids.veteran, ZA)
        awards.set_condition(session, ZA, "min_years_mentoring", 8, near=3)
        awards.remove_condition(session, ZA, "min_mentees")
        session.commit()
        again = _row(recognitions.recognitions(session, 2024), ids.veteran, ZA)
        load_all(session)  # the shipped preset does not overwrite the centre's conditions
        session.commit()
        kept = {c.measure: (c.value, c.near) for c in awards.get_award(session, ZA).conditions}
    assert near is not None and near.near and not near.meets
    assert far is None  # three years short, a margin of one
    assert again is not None and again.near and len(again.checks) == 2
    assert kept == {"min_years_mentoring": (8, 3), "min_stayed_young_specialists": (1, 1)}


def test_bad_preset_edits_are_refused(db: Database) -> None:
    with db.sessions() as session:
        with pytest.raises(RecognitionError, match="Награды с кодом «нет_такой» нет"):
            awards.set_condition(session, "нет_такой", "min_mentees", 1)
        with pytest.raises(RecognitionError, match="Условия «min_stars» нет"):
            awards.set_condition(session, ZA, "min_stars", 1)
        with pytest.raises(RecognitionError, match="от 0 до 100"):
            awards.set_condition(session, ZA, "min_mentees", 101)
        awards.remove_condition(session, ZA, "min_mentees")
        awards.remove_condition(session, ZA, "min_stayed_young_specialists")
        with pytest.raises(RecognitionError, match="хотя бы одно условие"):
            awards.remove_condition(session, ZA, "min_years_mentoring")


# nominations -----------------------------------------------------------------------------------
def test_nomination_is_kept_in_the_person_s_history(built: tuple[Database, Ids]) -> None:
    db, ids = built
    with db.sessions.begin() as session:
        nomination = nominations.record_nomination(
            session, ids.veteran, ZA, date(2024, 10, 1), note="представление направлено"
        )
    with db.sessions.begin() as session:
        nominations.set_result(session, nomination, "награждён")
    with db.sessions() as session:
        history = [
            e for e in changelog.person_history(session, ids.veteran) if e.table == "nominations"
        ]
        listed = nominations.list_nominations(session, ids.veteran)
        found = _row(recognitions.recognitions(session, 2024), ids.veteran, ZA)
    assert [e.action for e in history] == ["insert", "update"]
    assert history[0].table_label == "Выдвижения к наградам"
    added = {c.label: c.new for c in history[0].changes}
    assert added["Награда"] == "Знак отличия «За наставничество»"
    assert added["Результат"] == "выдвинут" and added["Дата выдвижения"] == "01.10.2024"
    assert history[1].summary == "Результат: выдвинут → награждён"
    assert [(r.award, r.result, r.note) for r in listed] == [
        (ZA, "awarded", "представление направлено")
    ]
    # an award given once: the person is shown as already awarded
    assert found is not None and found.awarded_on == date(2024, 10, 1)
    assert found.state_label == "уже награждён(а) 01.10.2024"


def test_bad_nominations_are_refused(built: tuple[Database, Ids]) -> None:
    db, ids = built
    with db.sessions() as session:
        nominations.record_nomination(session, ids.veteran, ZA, date(2024, 10, 1))
        with pytest.raises(RecognitionError, match="уже записано"):
            nominations.record_nomination(session, ids.veteran, ZA, date(2024, 10, 1))
        with pytest.raises(RecognitionError, match="Награды с кодом «x» нет"):
            nominations.record_nomination(session, ids.veteran, "x", date(2024, 10, 1))
        with pytest.raises(RecognitionError, match="Результат «победил» неизвестен"):
            nominations.record_nomination(session, ids.veteran, ZA, date(2024, 11, 1), "победил")
        with pytest.raises(RecognitionError, match="не найден"):
            nominations.record_nomination(session, 999_999, ZA, date(2024, 11, 1))


# the command line ------------------------------------------------------------------------------
@pytest.fixture
def base(tmp_path: Path) -> tuple[Path, Ids]:
    """A database file with the small municipality of build()."""
    path = tmp_path / "база.sqlite"
    database = open_database(path)
    try:
        with database.sessions() as session:
            ids = build(session)
    finally:
        database.dispose()
    return path, ids


def test_json_shape(base: tuple[Path, Ids], capsys: pytest.CaptureFixture[str]) -> None:
    path, ids = base
    assert main(["--db", str(path), "recognitions", "--year", "2024", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(
        {"person_id", "award", "meets", "reasons", "name", "missing"} <= set(r) for r in rows
    )
    assert all(
        isinstance(r["person_id"], int)
        and isinstance(r["meets"], bool)
        and all(isinstance(x, str) for x in r["reasons"])
        for r in rows
    )
    veteran = next(r for r in rows if r["person_id"] == ids.veteran and r["award"] == ZA)
    assert veteran["meets"] is True and veteran["name"] == "Иванова Анна Ивановна"
    assert (
        veteran["missing"] == []
        and veteran["reasons"][1] == "Наставляемых — 5; условие: не менее 3"
    )
    assert (
        main(
            [
                "--db",
                str(path),
                "recognitions",
                "--year",
                "2024",
                "--date",
                "31.08.2024",
                "--award",
                ZA,
                "--json",
            ]
        )
        == 0
    )
    (near,) = json.loads(capsys.readouterr().out)
    assert near["meets"] is False and near["near"] is True and len(near["missing"]) == 1


def test_text_output_and_refusals(
    base: tuple[Path, Ids], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ids = base
    assert main(["--db", str(path), "recognitions", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Поощрение наставников на 31.12.2024")
    assert "Знак отличия «За наставничество» (государственная награда)" in out
    assert "Соответствуют условиям (1):" in out and "Иванова Анна Ивановна" in out
    assert main(["--db", str(path), "recognitions", "--year", "2024", "--award", "нет"]) == 1
    assert "Награды с кодом «нет» нет" in capsys.readouterr().err
    assert main(["--db", str(path), "recognitions", "--year", "1999"]) == 1


def test_awards_set_through_the_command_line(
    base: tuple[Path, Ids], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = base
    assert main(["--db", str(path), "awards", "set", ZA, "min_years_mentoring", "7"]) == 0
    assert "min_years_mentoring = 7" in capsys.readouterr().out
    assert main(["--db", str(path), "awards", "show", "--json"]) == 0
    shown = {a["code"]: a for a in json.loads(capsys.readouterr().out)}
    assert {c["condition"]: c["value"] for c in shown[ZA]["conditions"]}["min_years_mentoring"] == 7
    assert main(["--db", str(path), "recognitions", "--year", "2024", "--award", ZA, "--json"]) == 0
    assert all(r["person_id"] != ids.veteran for r in json.loads(capsys.readouterr().out))
    assert main(["--db", str(path), "awards", "set", ZA, "min_stars", "1"]) == 1
    assert "Условия «min_stars» нет" in capsys.readouterr().err


def test_nominations_through_the_command_line(
    base: tuple[Path, Ids], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = base
    assert (
        main(
            [
                "--db",
                str(path),
                "nominations",
                "add",
                "--person",
                str(ids.veteran),
                "--award",
                ZA,
                "--date",
                "01.10.2024",
                "--note",
                "направлено",
            ]
        )
        == 0
    )
    assert "Выдвижение записано" in capsys.readouterr().out
    assert main(["--db", str(path), "nominations", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["person_id"], row["award"], row["date"], row["result"]) == (
        ids.veteran,
        ZA,
        "2024-10-01",
        "nominated",
    )
    assert main(["--db", str(path), "nominations", "result", str(row["id"]), "отказано"]) == 0
    assert "отказано" in capsys.readouterr().out


# the представление -----------------------------------------------------------------------------
def test_representation_pdf_and_docx(base: tuple[Path, Ids], tmp_path: Path) -> None:
    path, ids = base
    texts = {}
    for suffix in (".pdf", ".docx"):
        out = tmp_path / f"представление{suffix}"
        assert (
            main(
                [
                    "--db",
                    str(path),
                    "report",
                    "recognition",
                    "--person",
                    str(ids.veteran),
                    "--award",
                    ZA,
                    "--date",
                    "31.12.2024",
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        texts[suffix] = (
            doctext.pdf_text(out)
            if suffix == ".pdf"
            else doctext.readable(" ".join(doctext.docx_paragraphs(out)))
        )
    for text in texts.values():
        for words in (
            "Представление",
            "Знак отличия «За наставничество»",
            "Указ Президента Российской Федерации от 02.03.2018 № 94",
            "Иванова Анна Ивановна",
            "высшая квалификационная категория",
            "5 учебных лет (2019/2020–2022/2023, 2024/2025)",
            "1. Наставнические пары (группы)",
            "02.09.2019 – 29.05.2020",
            "Орлова М.И.",
            "Панова О.И.",
            "не работает",
            "преодолено дефицитов: 1",
            "Учитель года",
            "«Учитель года — 2021»",
            "Условия награды выполнены:",
            "Руководитель образовательной организации",
            "Т.Я. Лыткина",
            "О.Н. Берёзкина",
        ):
            assert doctext.same(words, text), words
    assert "Титова Ю.И." in texts[".pdf"] and "действует" in texts[".pdf"]


def test_representation_needs_an_award(
    base: tuple[Path, Ids], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = base
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "--db",
                str(path),
                "report",
                "recognition",
                "--person",
                str(ids.veteran),
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
    assert exit_.value.code == 2 and "укажите награду: --award" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                str(path),
                "report",
                "recognition",
                "--person",
                str(ids.veteran),
                "--award",
                "нет",
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
        == 1
    )
    assert "Награды с кодом «нет» нет" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_representation_of_one_who_nearly_meets(base: tuple[Path, Ids], tmp_path: Path) -> None:
    path, ids = base
    out = tmp_path / "p.pdf"
    assert (
        main(
            [
                "--db",
                str(path),
                "report",
                "recognition",
                "--person",
                str(ids.veteran),
                "--award",
                ZA,
                "--date",
                "31.08.2024",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = doctext.pdf_text(out)
    for words in (
        "Условия награды выполнены не все:",
        "Не выполнено:",
        "при требуемых не менее 5 (не хватает 1)",
    ):
        assert doctext.same(words, text), words


# the demo and the upgrade ----------------------------------------------------------------------
def test_the_demo_has_a_five_year_mentor_and_nominations(tmp_path: Path) -> None:
    from desktop_app.demo import REFERENCE, write_demo

    path = tmp_path / "demo.sqlite"
    write_demo(path)
    database = open_database(path, create=False)
    try:
        with database.sessions() as session:
            found = recognitions.recognitions(session, REFERENCE.year, REFERENCE, ZA)
            listed = nominations.list_nominations(session)
    finally:
        database.dispose()
    five = [r for r in found.rows if r.meets]
    assert five and all(r.checks[0].actual is not None and r.checks[0].actual >= 5 for r in five)
    assert {r.result for r in listed} == {"nominated", "awarded", "refused"}


def test_upgrade_from_0012_adds_the_tables_and_the_awards(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    database = open_database(path)
    with database.sessions() as session:
        ids = build(session)
    database.dispose()
    to_revision(path, "0012")
    tables = {r[0] for r in read(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert not tables & {"awards", "award_conditions", "nominations"}
    people = read(path, "SELECT * FROM people ORDER BY id")
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with database.sessions() as session:
            assert len(awards.list_awards(session)) == 5
            found = _row(recognitions.recognitions(session, 2024), ids.veteran, ZA)
            nominations.record_nomination(session, ids.veteran, ZA, date(2024, 10, 1))
            session.commit()
    finally:
        database.dispose()
    assert found is not None and found.meets
    assert read(path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert read(path, "SELECT * FROM people ORDER BY id") == people
    assert read(path, "SELECT count(*) FROM nominations") == [(1,)]
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
