"""What the personalised programme and the ИОМ say: deficits in the third person, each mentee's
own deficits from the latest diagnostic under the mentee's name, dated plan marks, the pair's
order, route tasks that do not repeat the deficit. Read back from PDF (pdftotext) and DOCX."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document as read_docx
from sqlalchemy import select

from desktop_app.model import (
    Deficit,
    Instrument,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Person,
    PlanItem,
    Programme,
    ProgrammeDeficit,
    Route,
    RouteItem,
)
from desktop_app.paths import resources_dir
from desktop_app.reports import ReportParams, build, produce
from desktop_app.services import settings
from desktop_app.services.deficit_wording import VERBS, fallback_deficit, legacy_task
from desktop_app.services.diagnostics import instrument_items, record_session
from desktop_app.services.instruments import (
    parse_instrument,
    sync_instruments,
    user_instruments_dir,
)
from desktop_app.services.routes import draft_route, save_route
from tests.diagnostics_data import diagnose

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

SHIPPED = resources_dir() / "instruments" / "self_assessment_v1.json"
STATEMENTS = {i.text for i in parse_instrument(SHIPPED).items}
ON = date(2024, 12, 20)


def words(text: str) -> list[str]:
    return re.findall(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*", text)


def first_person_words(text: str) -> list[str]:
    """Words of the text that are first-person verbs of the instrument, or «я»."""
    return [w for w in words(text) if w.lower() in VERBS or w.lower() == "я"]


def squeeze(text: str) -> str:
    """Text without spaces, hyphens and soft breaks: a phrase is found whatever the line breaks
    and hyphenation of the page."""
    return re.sub(r"[\s\-\u00ad\u00a0\u2060\u2011]", "", text)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                         text=True, encoding="utf-8")
    return out.stdout


def plain(text: str) -> str:
    """Text as read: no-break spaces as spaces, soft hyphens and word joiners dropped."""
    return (text.replace("\u00a0", " ").replace("\u2011", "-").replace("\u00ad", "")
            .replace("\u2060", ""))


def docx_paragraphs(path: Path) -> list[str]:
    return [plain(p.text) for p in read_docx(str(path)).paragraphs]


def docx_rows(path: Path, header: str) -> list[list[str]]:
    """The rows of the DOCX table whose head has the header, as cell texts (head included)."""
    for table in read_docx(str(path)).tables:
        rows = []
        for row in table.rows:
            nested = row.cells[0].tables  # the last rows kept with the signatures
            inner = nested[0].rows if nested else [row]
            rows.extend([plain(c.text) for c in r.cells] for r in inner)
        if rows and any(header in cell for cell in rows[0]):
            return rows
    raise AssertionError(f"no table with «{header}»")


def section(text: str, start: str, end: str) -> str:
    flat = squeeze(text)
    begin = flat.index(squeeze(start))
    return flat[begin:flat.index(squeeze(end), begin)]


def _person(session, last: str, first: str, middle: str, org: Organisation,  # type: ignore[no-untyped-def]
            position: str = "учитель") -> int:
    person = Person(last_name=last, first_name=first, middle_name=middle,
                    search_key=f"{last} {first}".lower(), organisation_id=org.id,
                    position=position, birth_date=date(1995, 1, 1),
                    ped_experience_start=date(2022, 9, 1), subject="математика")
    session.add(person)
    session.flush()
    return person.id


@dataclass(frozen=True)
class Group:
    pair: int
    first: int  # Алексеева: self-assessments 15.01.2024 (digital) and 01.06.2024 (methodical)
    second: int  # Борисов: self-assessment 01.02.2024 (communicative)
    third: int  # Воронцова: never diagnosed


def fill_group(session, order_number: str = "22", order_date: date | None = None,  # type: ignore[no-untyped-def]
               ) -> Group:
    settings.put(session, {"authority": "Управление образования Администрации Северска",
                           "centre_name": "МКУ «Ресурсный центр образования»",
                           "municipality": "ЗАТО Северск", "place": "г. Северск"})
    org = Organisation(short_name="МБОУ «СОШ № 3»", full_name="МБОУ «Средняя школа № 3»")
    session.add(org)
    session.flush()
    mentor = _person(session, "Ёлкина", "Анна", "Петровна", org, "учитель математики")
    first = _person(session, "Алексеева", "Мария", "Игоревна", org)
    second = _person(session, "Борисов", "Глеб", "Олегович", org)
    third = _person(session, "Воронцова", "Ирина", "Сергеевна", org)
    diagnose(session, first, date(2024, 1, 15), {"digital": 1})
    diagnose(session, first, date(2024, 6, 1), {"methodical": 2})
    diagnose(session, second, date(2024, 2, 1), {"communicative": 2})
    form = session.scalars(select(MentorshipForm).order_by(MentorshipForm.position)).first()
    pair = Pair(mentor_id=mentor, form_id=form.id, start_date=date(2024, 9, 1),
                end_date=date(2025, 5, 31), status="active", order_number=order_number,
                order_date=order_date)
    pair.mentees = [PairMentee(person_id=p) for p in (third, second, first)]
    session.add(pair)
    session.flush()
    programme = Programme(pair_id=pair.id, goal="Адаптация молодых педагогов.",
                          tasks="Освоить требования ФГОС", difficulties="Дисциплина на уроке.",
                          expected_results="Открытые уроки")
    programme.plan = [
        PlanItem(position=1, activity="Посещение уроков наставника", deadline=date(2024, 10, 1),
                 responsible="Ёлкина А.П.", report_form="лист наблюдения", done=True,
                 done_on=date(2024, 9, 28)),
        PlanItem(position=2, activity="Разработка технологической карты урока",
                 deadline=date(2024, 11, 15), responsible="наставляемые",
                 report_form="карта урока", done=True),
        PlanItem(position=3, activity="Участие в работе методического объединения",
                 deadline=None, responsible="наставляемые", report_form="выступление"),
    ]
    session.add(programme)
    session.flush()
    # the programme was written for Алексеева's digital deficits, overcome since
    digital = session.scalars(select(Deficit.id).where(Deficit.person_id == first,
                                                       Deficit.area == "digital")).all()
    programme.deficits = [ProgrammeDeficit(deficit_id=d) for d in digital]
    session.flush()
    return Group(pair.id, first, second, third)


def write(db, kind: str, path: Path, on: date = ON, **kw) -> Path:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        produce(session, kind, ReportParams(on=on, **kw), path)
        session.commit()
    return path


def wording_of(code: str) -> tuple[str, str, str]:
    """(statement, deficit, task) of a shipped item."""
    item = next(i for i in parse_instrument(SHIPPED).items if i.code == code)
    return item.text, item.deficit, item.task


# --- the instrument's wording ---------------------------------------------------------------


def test_every_shipped_item_has_third_person_deficit_and_task() -> None:
    items = parse_instrument(SHIPPED).items
    assert len(items) == 40
    for item in items:
        assert item.deficit and item.task, item.code
        assert first_person_words(item.deficit) == [], (item.code, item.deficit)
        assert first_person_words(item.task) == [], (item.code, item.task)
        assert item.deficit.startswith(("испытывает затруднения", "недостаточно владеет",
                                        "недостаточно знает", "не владеет")), item.deficit
        assert item.task[0].isupper() and item.task != item.deficit
        # the task does not repeat the deficit: no run of five words in common
        deficit_words = words(item.deficit.lower())
        runs = {tuple(deficit_words[i:i + 5]) for i in range(len(deficit_words) - 4)}
        task_words = words(item.task.lower())
        assert not any(tuple(task_words[i:i + 5]) in runs for i in range(len(task_words) - 4))


def test_fallback_turns_all_forty_statements_into_the_third_person() -> None:
    for statement in sorted(STATEMENTS):
        worded = fallback_deficit(statement)
        assert first_person_words(worded) == [], worded
        degree = "недостаточно " if worded.startswith("недостаточно ") else "не в полной мере "
        assert worded.startswith(degree), worded
        # the statement is otherwise unchanged: only its verbs differ
        before, after = statement.split(), worded[len(degree):].split()
        assert len(before) == len(after), worded
        for old, new in zip(before, after, strict=True):
            assert old.lower() == new.lower() or VERBS.get(old.lower()) == new, (old, new)
    assert fallback_deficit("Формирую универсальные учебные действия обучающихся") == \
        "не в полной мере формирует универсальные учебные действия обучающихся"
    assert fallback_deficit("Владею ИКТ-компетентностями") == \
        "недостаточно владеет ИКТ-компетентностями"
    assert fallback_deficit("Я ориентируюсь в ФОП ДО") == "не в полной мере ориентируется в ФОП ДО"
    assert fallback_deficit("Работа с родителями") == \
        "испытывает затруднения по направлению «Работа с родителями»"


# --- the programme ---------------------------------------------------------------------------


def test_programme_lists_each_mentees_own_latest_deficits_in_the_third_person(
        db, tmp_path: Path) -> None:
    with db.sessions() as session:
        ids = fill_group(session, order_number="22", order_date=None)
        session.commit()
    _, uud_deficit, _ = wording_of("11")  # methodical, Алексеева on 01.06.2024
    _, parents_deficit, _ = wording_of("25")  # communicative, Борисов on 01.02.2024
    _, digital_deficit, _ = wording_of("34")  # digital, Алексеева's overcome deficit
    pdf = pdf_text(write(db, "programme", tmp_path / "p.pdf", pair_id=ids.pair))
    part = section(pdf, "4. Профессиональные дефициты", "5. План мероприятий")
    first = part.index(squeeze("Алексеева Мария Игоревна (по результатам самодиагностики от "
                               "01.06.2024):"))
    second = part.index(squeeze("Борисов Глеб Олегович (по результатам самодиагностики от "
                                "01.02.2024):"))
    third = part.index(squeeze("Воронцова Ирина Сергеевна: диагностика не проводилась."))
    assert first < second < third
    assert first < part.index(squeeze("Недостаточно развиты методические компетенции")) < second
    assert first < part.index(squeeze(uud_deficit[1:])) < second
    assert second < part.index(squeeze(parents_deficit[1:])) < third
    # the linked digital deficits were overcome by the latest diagnostic: not named
    assert squeeze(digital_deficit[1:]) not in part and "цифровые" not in part
    # no first-person statement of the instrument, no line opening with a first-person verb
    assert not any(squeeze(s) in part for s in STATEMENTS)
    lines = pdf[pdf.index("4. Профессиональные"):pdf.index("5. План мероприятий")].splitlines()
    for line in lines:
        opening = re.sub(r"^\s*\d+\.\s*", "", line).split(" ")[0].lower()
        assert opening not in VERBS, line
    # the plan: deadlines or «—», «выполнено» with its date or an honest note
    plan = section(pdf, "5. План мероприятий", "6. Ожидаемые результаты")
    assert squeeze("01.10.2024") in plan and squeeze("выполнено 28.09.2024") in plan
    assert squeeze("выполнено (дата не указана)") in plan and "—" in plan
    # the order: a number without a date is printed neither way
    card = section(pdf, "Приказ о закреплении пары", "1. Цель программы")
    assert card == squeeze("Приказ о закреплении пары —"), card


def test_programme_docx_reads_the_same(db, tmp_path: Path) -> None:
    with db.sessions() as session:
        ids = fill_group(session, order_number="221-од", order_date=date(2024, 8, 27))
        session.commit()
    path = write(db, "programme", tmp_path / "p.docx", pair_id=ids.pair)
    paragraphs = docx_paragraphs(path)
    start = next(n for n, p in enumerate(paragraphs) if p.startswith("4. Профессиональные"))
    end = next(n for n, p in enumerate(paragraphs) if p.startswith("5. План"))
    listed = paragraphs[start + 1:end]
    heads = [n for n, p in enumerate(listed) if re.match(r"^(Алексеева|Борисов|Воронцова) ", p)]
    assert [listed[n].split()[0] for n in heads] == ["Алексеева", "Борисов", "Воронцова"]
    for text in listed:
        assert first_person_words(text) == [], text
    borisov = listed[heads[1] + 1:heads[2]]
    assert [p.split()[0] for p in borisov] == [f"{n}." for n in range(1, len(borisov) + 1)]
    assert all(p.split()[1] in ("Испытывает", "Недостаточно") for p in borisov), borisov
    assert listed[heads[2]] == "Воронцова Ирина Сергеевна: диагностика не проводилась."
    card = [plain(c.text) for t in read_docx(str(path)).tables for r in t.rows for c in r.cells]
    assert card[card.index("Приказ о закреплении пары") + 1] == "от 27.08.2024 № 221-од"
    plan = docx_rows(path, "Отметка о выполнении")
    marks = [row[-1] for row in plan[1:]]
    assert marks == ["выполнено 28.09.2024", "выполнено (дата не указана)", ""]
    assert [row[2] for row in plan[1:]] == ["01.10.2024", "15.11.2024", "—"]


def test_programme_order_date_only_and_diagnostic_as_of_the_document_date(db) -> None:
    with db.sessions() as session:
        ids = fill_group(session, order_number="", order_date=date(2024, 8, 27))
        session.commit()
        text = build(session, "programme", ReportParams(on=date(2024, 3, 1),
                                                        pair_id=ids.pair)).plain_text()
    assert "от 27.08.2024" in text and "№" not in text.split("Приказ о закреплении пары")[1][:20]
    # on 01.03.2024 Алексеева's latest diagnostic is the one of 15.01.2024: digital deficits
    _, digital_deficit, _ = wording_of("34")
    assert "Алексеева Мария Игоревна (по результатам самодиагностики от 15.01.2024):" in text
    assert digital_deficit[0].upper() + digital_deficit[1:] in text
    assert "методические компетенции" not in text


# --- the ИОМ ---------------------------------------------------------------------------------


def _iom_rows(db, tmp_path: Path, person_id: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    path = write(db, "iom", tmp_path / f"iom{person_id}.docx", person_id=person_id)
    rows = docx_rows(path, "Профессиональный дефицит")
    head = rows[0]
    deficit, task = head.index("Профессиональный дефицит"), head.index("Задача")
    return [[row[deficit], row[task], *row] for row in rows[1:]]


def test_new_route_drafted_in_deficit_wording_with_its_own_tasks(db, tmp_path: Path) -> None:
    with db.sessions.begin() as session:
        ids = fill_group(session)
        draft = draft_route(session, ids.first, start=date(2024, 9, 1))
        for item in draft.items:
            assert first_person_words(item.deficit_text) == [], item.deficit_text
            assert not item.task.startswith("Освоить умение")
        save_route(session, ids.first, draft.start_date, draft.end_date, "active", draft.items)
    rows = _iom_rows(db, tmp_path, ids.first)
    assert len(rows) == 9
    _, uud_deficit, uud_task = wording_of("11")
    assert [uud_deficit[0].upper() + uud_deficit[1:], uud_task] in [r[:2] for r in rows]
    for deficit, task, *cells in rows:
        assert first_person_words(deficit) == [] and first_person_words(task) == []
        assert squeeze(task) not in squeeze(deficit) and squeeze(deficit) not in squeeze(task)
        # no two cells of a row say the same («курсы» next to «курсы повышения …»)
        for a in range(len(cells)):
            for b in range(a + 1, len(cells)):
                if cells[a] and cells[b]:
                    assert not cells[b].lower().startswith(cells[a].lower()), (cells[a], cells[b])


def test_old_route_items_print_grammatical_tasks(db, tmp_path: Path) -> None:
    """Routes drafted before: the statement stored as the deficit, «Освоить умение: знаю …» as
    the task. The document rewords both; a task the user wrote stays."""
    with db.sessions.begin() as session:
        ids = fill_group(session)
        deficits = session.scalars(select(Deficit).where(Deficit.person_id == ids.first,
                                                         Deficit.item_id.is_not(None),
                                                         Deficit.overcome_on.is_(None))
                                   .order_by(Deficit.id)).all()
        one, two = deficits[0], deficits[1]
        route = Route(person_id=ids.first, start_date=date(2024, 9, 1),
                      end_date=date(2029, 8, 31), state="active")
        route.items = [
            RouteItem(position=1, deficit_id=one.id, deficit_text=one.title,
                      task=legacy_task(one.title), activity="courses", form="КПК 36 ч.",
                      deadline=date(2025, 5, 1), planned_result="удостоверение"),
            RouteItem(position=2, deficit_id=None, deficit_text=two.title,
                      task="Посетить три урока наставника", activity="mmo", form="",
                      deadline=None, planned_result="лист наблюдения"),
        ]
        session.add(route)
    assert legacy_task(one.title).startswith("Освоить умение: ")
    rows = _iom_rows(db, tmp_path, ids.first)
    with db.sessions() as session:
        item = {i.text: i for i in instrument_items(session, _instrument(session))}
    code_one, code_two = item[one.title].code, item[two.title].code
    _, deficit_one, task_one = wording_of(code_one)
    _, deficit_two, _ = wording_of(code_two)
    assert rows[0][:2] == [deficit_one[0].upper() + deficit_one[1:], task_one]
    assert rows[1][:2] == [deficit_two[0].upper() + deficit_two[1:],
                           "Посетить три урока наставника"]
    assert "курсы: КПК 36 ч." in rows[0] and "—" in rows[1]
    for deficit, task, *_ in rows:
        assert "Освоить умение" not in task and first_person_words(deficit) == []


def _instrument(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(Instrument.id).where(Instrument.code == "self_assessment"))


def test_user_instrument_without_wording_gets_the_rule_based_one(db, tmp_path: Path) -> None:
    spec = {"code": "dou", "version": "1", "name": "Самооценка воспитателя", "items": [
        {"code": "1", "area": "методические", "text": "Планирую образовательную работу в группе"},
        {"code": "2", "area": "цифровые", "text": "Веду страницу группы на сайте ДОО"},
        {"code": "3", "area": "коммуникативные", "text": "Работа с родителями воспитанников"},
    ]}
    (user_instruments_dir() / "dou.json").write_text(json.dumps(spec, ensure_ascii=False),
                                                      encoding="utf-8")
    with db.sessions.begin() as session:
        assert sync_instruments(session) == []
        ids = fill_group(session)
        tool = session.scalar(select(Instrument.id).where(Instrument.code == "dou"))
        items = instrument_items(session, tool)
        record_session(session, ids.third, tool, date(2024, 10, 1),
                       {i.id: 1 for i in items})
        draft = draft_route(session, ids.third, start=date(2024, 11, 1))
        save_route(session, ids.third, draft.start_date, draft.end_date, "draft", draft.items)
    rows = _iom_rows(db, tmp_path, ids.third)
    printed = {row[0]: row[1] for row in rows}
    assert printed["Не в полной мере планирует образовательную работу в группе"] == \
        "Преодолеть указанный дефицит методических компетенций"
    assert "Не в полной мере ведёт страницу группы на сайте ДОО" in printed
    assert "Испытывает затруднения по направлению «Работа с родителями воспитанников»" in printed
    with db.sessions() as session:
        text = build(session, "programme", ReportParams(on=ON, pair_id=ids.pair)).plain_text()
    assert "Воронцова Ирина Сергеевна (по результатам самодиагностики от 01.10.2024):" in text
    assert "Не в полной мере планирует образовательную работу в группе" in text


# --- the demo --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop_app import demo

    folder = tmp_path_factory.mktemp("demo_personal")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        demo.write_demo(folder / "demo.sqlite")
    return folder / "demo.sqlite"


def test_demo_programmes_and_routes_read_right(demo_path: Path) -> None:
    from desktop_app.store.database import open_database

    database = open_database(demo_path)
    try:
        with database.sessions() as session:
            pairs = session.scalars(select(Pair.id)).all()
            people = session.scalars(select(Route.person_id).distinct()).all()
            assert pairs and people
            for pair_id in pairs:
                document = build(session, "programme", ReportParams(on=date(2026, 11, 1),
                                                                    pair_id=pair_id))
                text = document.plain_text()
                part = text[text.index("4. Профессиональные"):text.index("5. План")]
                assert first_person_words(part) == [], part
                assert "от  №" not in text
                assert not re.search(r"выполнено(?! \d\d\.\d\d\.\d{4}| \(дата не указана\))", text)
            for person_id in people:
                document = build(session, "iom", ReportParams(on=date(2026, 11, 1),
                                                              person_id=person_id))
                table = next(b for b in document.blocks
                             if getattr(b, "headers", ())[:1] == ("Профессиональный дефицит",))
                for row in table.rows:
                    assert first_person_words(row[0]) == [] and "Освоить умение" not in row[1]
    finally:
        database.dispose()
