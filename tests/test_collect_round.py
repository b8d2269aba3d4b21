"""The collection round of the issue on the demo municipality: a round started, five schools'
files filled as schools fill them (openpyxl), returned, previewed and applied; the status shows
who is still silent, and the indicators on the round's date equal those of the same changes
entered one by one through the services the window uses."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.commands.demo import write_demo_to_server
from desktop_app.demo import write_demo
from desktop_app.exchange.rounds import review as rv
from desktop_app.exchange.rounds.preview import review_return
from desktop_app.exchange.rounds.review import Review
from desktop_app.exchange.rounds.spec import ids_of
from desktop_app.exchange.rounds.write import SentFile, start_round
from desktop_app.model import Employment, Pair, Participation, Person
from desktop_app.services import pairs as pair_service, registry
from desktop_app.services.indicators import compute_indicators, raw_counts
from desktop_app.services.validation import PersonInput
from desktop_app.store.database import Database, open_database
from tests.round_files import SchoolBook

Capture = pytest.CaptureFixture[str]
TODAY = date.today()
ON = TODAY - timedelta(days=1)
LEFT = ON - timedelta(days=2)
PEOPLE, PAIRS, PARTS, CODE = "Педагоги", "Наставнические пары", "Участие в мероприятиях", \
    "Код записи"
NEW_TEACHERS = (
    {"Фамилия": "Белова", "Имя": "Алина", "Отчество": "Сергеевна",
     "Дата рождения": date(1999, 4, 12), "Должность": "учитель",
     "Квалификационная категория": "без категории", "Начало педагогического стажа":
         date(2024, 9, 1), "Уровень образования": "высшее — бакалавриат",
     "Педагогическое образование": "да", "Предмет": "математика"},
    {"Фамилия": "Громов", "Имя": "Пётр", "Отчество": "Ильич",
     "Дата рождения": date(1985, 11, 30), "Должность": "учитель",
     "Квалификационная категория": "первая", "Дата присвоения категории": date(2022, 3, 1),
     "Начало педагогического стажа": date(2008, 9, 1), "Уровень образования": "высшее",
     "Педагогическое образование": "да", "Предмет": "физика"},
)


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("municipality") / "demo.sqlite"
    write_demo(path, "municipality", seed=1)
    return path


@pytest.fixture(scope="module")
def municipality_on_server(pg_server: Any) -> Iterator[str]:
    """The same demo municipality in a database on the session's PostgreSQL server."""
    name = pg_server.create_database()
    write_demo_to_server(pg_server.url(name), "municipality", seed=1)
    yield name
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def centres(request: pytest.FixtureRequest, municipality: Path, tmp_path: Path
            ) -> Iterator[tuple[str, str]]:
    """The centre's database and its twin, each a copy of the demo municipality: two files, or
    two databases on the server. What `--db` takes for each."""
    if request.param == "sqlite":
        centre, twin = tmp_path / "centre.sqlite", tmp_path / "twin.sqlite"
        shutil.copy(municipality, centre)
        shutil.copy(municipality, twin)
        yield str(centre), str(twin)
        return
    server = request.getfixturevalue("pg_server")
    source = request.getfixturevalue("municipality_on_server")
    names = [server.copy_database(source) for _ in range(2)]
    yield server.url(names[0]), server.url(names[1])
    for name in names:
        server.drop_database(name)


@dataclass
class Plan:
    """What the five schools do, chosen from their files."""

    adding: SentFile  # two teachers added, one category changed
    category: str  # the code of the person whose category changes
    leaving: SentFile  # one leaving, one row deleted without marking
    leaver: str
    deleted: str
    ending: SentFile  # a pair ended
    pair: str
    taking_part: SentFile  # a participation added
    participant: str
    quiet: SentFile  # returned unchanged

    @property
    def five(self) -> list[SentFile]:
        return [self.adding, self.leaving, self.ending, self.taking_part, self.quiet]


def _working(db: Database, book: SchoolBook, kind: str = "", busy: set[int] | None = None
             ) -> list[str]:
    """Working people of a file whose job began before LEFT (and, for «category», of the first
    category); none of them in the pairs of `busy` people."""
    found = []
    with db.sessions() as s:
        for row in book.rows(PEOPLE):
            if row["Работает"] != "да":
                continue
            pid = ids_of("people", row[CODE])
            person = s.get(Person, pid[0]) if pid else None
            assert person is not None
            starts = [j.start_date for j in person.jobs if j.end_date is None and j.start_date]
            if any(d > LEFT for d in starts) or (person.ped_experience_start or LEFT) > LEFT:
                continue
            if kind == "category" and person.category != "first":
                continue
            if busy is not None and person.id in busy:
                continue
            found.append(row[CODE])
    return found


def _open_pair(db: Database, book: SchoolBook) -> str | None:
    with db.sessions() as s:
        for code in book.codes(PAIRS):
            ids = ids_of("pairs", code)
            pair = s.get(Pair, ids[0]) if ids else None
            if pair is not None and pair.status == "active" and pair.start_date <= LEFT:
                return code
    return None


def _plan(db: Database, files: list[SentFile]) -> Plan:
    by_size = sorted(files, key=lambda f: (-f.people, f.org_id))
    ending = next(f for f in sorted(files, key=lambda f: (-f.pairs, f.org_id))
                  if _open_pair(db, SchoolBook(f.path)))
    rest = [f for f in by_size if f is not ending]
    adding, leaving, taking_part, quiet = rest[0], rest[1], rest[2], rest[3]
    with db.sessions() as s:
        in_pairs = {p.mentor_id for p in s.scalars(select(Pair))}
    leaving_book = SchoolBook(leaving.path)
    free = _working(db, leaving_book, busy=in_pairs)
    pair = _open_pair(db, SchoolBook(ending.path))
    assert pair is not None
    return Plan(adding, _working(db, SchoolBook(adding.path), "category")[0], leaving, free[0],
                free[1], ending, pair, taking_part,
                _working(db, SchoolBook(taking_part.path))[0], quiet)


def _fill(plan: Plan) -> list[Path]:
    """The five returned files, filled as the schools would."""
    book = SchoolBook(plan.adding.path)
    for teacher in NEW_TEACHERS:
        book.add(PEOPLE, {**teacher, "ОО": plan.adding.org_name})
    book.set(PEOPLE, plan.category, {"Квалификационная категория": "высшая",
                                     "Дата присвоения категории": ON})
    adding = book.save()
    book = SchoolBook(plan.leaving.path)
    book.set(PEOPLE, plan.leaver, {"Работает": "нет", "Дата выбытия": LEFT})
    book.delete(PEOPLE, plan.deleted)
    leaving = book.save()
    book = SchoolBook(plan.ending.path)
    book.set(PAIRS, plan.pair, {"Статус": "завершена", "Дата завершения фактическая": LEFT})
    ending = book.save()
    book = SchoolBook(plan.taking_part.path)
    who = next(r for r in book.rows(PEOPLE) if r[CODE] == plan.participant)
    book.add(PARTS, {"Фамилия": who["Фамилия"], "Имя": who["Имя"], "Отчество": who["Отчество"],
                     "Дата рождения": who["Дата рождения"], "Вид участия": "выступление",
                     "Название мероприятия": "Августовское совещание педагогов",
                     "Уровень": "муниципальный", "Дата": ON, "Результат": "участник"})
    taking_part = book.save()
    quiet = SchoolBook(plan.quiet.path).save()
    return [adding, leaving, ending, taking_part, quiet]


def _by_hand(db: Database, plan: Plan, categories: dict[str, str]) -> None:
    """The same changes entered one by one through the registry's and the pairs' services (the
    window's); the participation as a record (the window has no form of its own for it)."""
    with db.sessions.begin() as s:
        for teacher in NEW_TEACHERS:
            registry.add_person(s, PersonInput(
                last_name=teacher["Фамилия"], first_name=teacher["Имя"],
                middle_name=teacher["Отчество"], birth_date=teacher["Дата рождения"],
                organisation_id=plan.adding.org_id, position=teacher["Должность"],
                category=categories[teacher["Квалификационная категория"]],
                category_date=teacher.get("Дата присвоения категории"),
                ped_experience_start=teacher["Начало педагогического стажа"],
                education_level="bachelor" if "бакалавр" in teacher["Уровень образования"]
                else "higher", education_pedagogical=True, subject=teacher["Предмет"]))
        pid = _id(plan.category)
        registry.update_person(s, pid, replace(registry.get_person_input(s, pid),
                                               category="highest", category_date=ON))
        registry.dismiss_person(s, _id(plan.leaver), LEFT)
        pair_service.change_status(s, _id(plan.pair), "completed", on=LEFT)
        s.add(Participation(person_id=_id(plan.participant), kind="talk",
                            title="Августовское совещание педагогов", level="municipal",
                            event_date=ON, result="участник"))


def _id(code: str) -> int:
    kind = {"П": "people", "Н": "pairs"}[code.split("-")[0]]
    ids = ids_of(kind, code)
    assert ids is not None
    return ids[0]


def _indicators(target: str) -> tuple[object, object]:
    db = open_database(target)
    try:
        with db.sessions() as s:
            return compute_indicators(s, ON.year, ON), raw_counts(s, ON.year, ON)
    finally:
        db.dispose()


def _kinds(review: Review) -> list[str]:
    return sorted(c.kind for c in review.changes)


def test_round_of_the_demo_municipality(centres: tuple[str, str], tmp_path: Path,
                                        capsys: Capture) -> None:
    centre, twin = centres
    db = open_database(centre)
    started = start_round(db, ON, tmp_path / "round", deadline=TODAY + timedelta(days=14))
    assert len(started.files) == 30
    plan = _plan(db, started.files)
    returned = _fill(plan)
    before = _indicators(centre)

    # the preview lists exactly what the schools did
    reviews = [review_return(db, path) for path in returned]
    assert [r.org_id for r in reviews] == [f.org_id for f in plan.five]
    assert all(not r.errors and not r.conflicts for r in reviews), [r.errors for r in reviews]
    adding, leaving, ending, taking_part, quiet = reviews
    assert _kinds(adding) == [rv.ADD_PERSON, rv.ADD_PERSON, rv.FIELD, rv.FIELD]
    assert {c.field for c in adding.changes if c.kind == rv.FIELD} == {
        "Квалификационная категория", "Дата присвоения категории"}
    assert _kinds(leaving) == [rv.LEAVE] and leaving.changes[0].new == (
        f"выбыл(а) с {LEFT:%d.%m.%Y}")
    assert [u.code for u in leaving.unconfirmed] == [plan.deleted]
    assert _kinds(ending) == [rv.PAIR_END]
    assert _kinds(taking_part) == [rv.PARTICIPATION_ADD]
    assert not quiet.changes and not quiet.unconfirmed
    assert all(not r.unconfirmed for r in (adding, ending, taking_part))

    db.dispose()
    assert main(["--db", centre, "collect", "apply", "--preview", *map(str, returned)]) == 0
    preview = capsys.readouterr().out
    assert preview.count("Добавить педагогов — 2") == 1 and "Выбывают — 1" in preview
    assert "Завершены пары — 1" in preview and "Не подтверждены — 1" in preview
    assert "Добавить участие в мероприятиях — 1" in preview

    # applied: the expected database
    assert main(["--db", centre, "collect", "apply", *map(str, returned)]) == 0
    out = capsys.readouterr().out
    assert out.count("Применено: изменений") == 4 and "Изменений не принято" in out
    db = open_database(centre)
    with db.sessions() as s:
        added = list(s.scalars(select(Person).where(
            Person.last_name.in_(("Белова", "Громов")),
            Person.birth_date.in_([t["Дата рождения"] for t in NEW_TEACHERS]))))
        assert len(added) == 2
        assert {p.organisation_id for p in added} == {plan.adding.org_id}
        assert {p.category for p in added} == {"none", "first"}
        assert all(p.is_active and p.jobs for p in added)
        changed = s.get(Person, _id(plan.category))
        assert changed is not None and changed.category == "highest"
        assert changed.category_date == ON
        left = s.get(Person, _id(plan.leaver))
        assert left is not None and not left.is_active and left.left_on == LEFT
        assert all(j.end_date is not None for j in s.scalars(
            select(Employment).where(Employment.person_id == left.id)))
        kept = s.get(Person, _id(plan.deleted))
        assert kept is not None and kept.is_active and kept.left_on is None
        pair = s.get(Pair, _id(plan.pair))
        assert pair is not None and pair.status == "completed" and pair.ended_on == LEFT
        assert s.scalars(select(Participation).where(
            Participation.person_id == _id(plan.participant),
            Participation.title == "Августовское совещание педагогов")).one().kind == "talk"
    db.dispose()

    # the status view: five applied, the other 25 silent
    assert main(["--db", centre, "collect", "status"]) == 0
    status = capsys.readouterr().out
    silent_line = next(line for line in status.splitlines() if line.startswith("Ещё не вернули"))
    for sent in started.files:
        assert (sent.org_name in silent_line) == (sent not in plan.five), sent.org_name
    assert "ОО — 30: вернули — 5, применено — 5, не вернули — 25" in status
    assert main(["--db", centre, "collect", "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data["silent"]) == sorted(f.org_id for f in started.files
                                            if f not in plan.five)
    assert {o["id"]: o["changes"] for o in data["organisations"] if o["state"] == "применён"} \
        == {plan.adding.org_id: 4, plan.leaving.org_id: 1, plan.ending.org_id: 1,
            plan.taking_part.org_id: 1, plan.quiet.org_id: 0}

    # the indicators move exactly as the same changes entered one by one
    twin_db = open_database(twin)
    try:
        _by_hand(twin_db, plan, {"без категории": "none", "первая": "first"})
    finally:
        twin_db.dispose()
    after, by_hand = _indicators(centre), _indicators(twin)
    assert after == by_hand
    assert after[1] != before[1]  # the changes did move them


def test_an_untouched_file_of_every_school_has_no_changes(municipality: Path,
                                                          tmp_path: Path) -> None:
    centre = tmp_path / "centre.sqlite"
    shutil.copy(municipality, centre)
    db = open_database(centre)
    try:
        started = start_round(db, ON, tmp_path / "round")
        for sent in started.files:
            review = review_return(db, sent.path)
            assert (review.changes, review.unconfirmed, review.errors) == ([], [], []), sent
    finally:
        db.dispose()
