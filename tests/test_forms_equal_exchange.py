"""Issue 18, «Done when»: a small municipality built only through the blank forms, as a centre
fills them, gives the same indicators as the same municipality built through the services,
exported as the exchange workbook and loaded into an empty database — on a date before the
closing, the leavings and the early end, on one between them and on one after them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.cli import main
from desktop_app.model import ActiveMember, Organisation, Pair, Participation, Person
from desktop_app.services import active, indicators, pairs, registry
from desktop_app.services.validation import OrganisationInput, PersonInput
from desktop_app.store.database import open_database
from tests.blank_forms import Forms

# the three dates: before every change; after the early end (20.12.2024) but before the
# leavings (15.04.2025, 31.05.2025), the move (20.05.2025) and the closing (31.05.2025); after all
BEFORE, BETWEEN, AFTER = date(2024, 11, 30), date(2025, 2, 28), date(2025, 10, 31)
CLOSING = date(2025, 5, 31)
ONE_TO_ONE = "Традиционное наставничество «один на один»"
GROUP = "Групповое наставничество"

ORGS = [  # short name, Положение о наставничестве, программа развития наставничества
    ("МБОУ СОШ № 1", date(2023, 1, 10), date(2023, 2, 1)),
    ("МБОУ СОШ № 2", date(2024, 9, 1), None),
    ("МАОУ Лицей № 3", None, None),
    ("МБДОУ № 9", date(2022, 5, 5), date(2022, 6, 1)),  # closes on CLOSING
]
PEOPLE = [  # ФИО, born, experience from, ОО, category, hired on
    ("Иванова Анна Сергеевна", date(1975, 3, 12), date(1997, 9, 1), "МБОУ СОШ № 1",
     "высшая", None),
    ("Сидоров Борис Олегович", date(1978, 6, 5), date(2000, 9, 1), "МБОУ СОШ № 2",
     "первая", None),
    ("Кузнецова Вера Павловна", date(1980, 11, 21), date(2002, 9, 1), "МАОУ Лицей № 3",
     "высшая", None),
    ("Петрова Мария Игоревна", date(2001, 2, 14), date(2023, 9, 1), "МБОУ СОШ № 1",
     "без категории", None),
    ("Орлов Денис Андреевич", date(2000, 7, 30), date(2024, 9, 1), "МБОУ СОШ № 2",
     "без категории", None),
    ("Смирнова Ольга Юрьевна", date(2002, 3, 3), date(2024, 9, 1), "МБДОУ № 9",
     "без категории", None),  # moves to СОШ № 1 on 20.05.2025
    ("Волкова Елена Петровна", date(1990, 1, 9), date(2012, 9, 1), "МАОУ Лицей № 3",
     "первая", None),  # leaves on 15.04.2025
    ("Морозов Игорь Ильич", date(1985, 4, 4), date(2008, 9, 1), "МБДОУ № 9",
     "первая", None),  # leaves when his ОО closes
    ("Новикова Дарья Алексеевна", date(1999, 10, 1), date(2025, 2, 1), "МБОУ СОШ № 2",
     "без категории", date(2025, 2, 1)),  # hired
    ("Лебедев Павел Николаевич", date(1970, 8, 18), date(1992, 9, 1), "МБОУ СОШ № 1",
     "высшая", None),
]
LEAVINGS = [("Волкова Елена Петровна", date(2025, 4, 15)),
            ("Морозов Игорь Ильич", CLOSING)]
MOVES = [("Смирнова Ольга Юрьевна", "МБОУ СОШ № 1", date(2025, 5, 20))]
# mentor, mentees, form, start, end, status (None: left blank), actual end, reason, category
PAIRS: list[tuple[Any, ...]] = [
    ("Иванова Анна Сергеевна", ("Петрова Мария Игоревна",), ONE_TO_ONE, date(2024, 9, 1),
     date(2025, 5, 31), "прекращена досрочно", date(2024, 12, 20),
     "переход наставляемой на другую должность", "молодой специалист (0–3 года)"),
    ("Сидоров Борис Олегович", ("Орлов Денис Андреевич",), ONE_TO_ONE, date(2024, 10, 1),
     date(2025, 6, 30), None, None, "", "молодой специалист (0–3 года)"),
    ("Кузнецова Вера Павловна", ("Смирнова Ольга Юрьевна",), ONE_TO_ONE, date(2024, 11, 1),
     date(2025, 7, 31), "завершена", None, "", None),
    ("Сидоров Борис Олегович", ("Новикова Дарья Алексеевна",), ONE_TO_ONE, date(2025, 3, 1),
     date(2026, 2, 28), None, None, "", None),
    ("Иванова Анна Сергеевна", ("Орлов Денис Андреевич", "Новикова Дарья Алексеевна"), GROUP,
     date(2025, 4, 1), date(2025, 9, 30), "завершена", date(2025, 9, 30), "",
     "освоение новых обязанностей, технологий, подготовка к конкурсу"),
]
PARTICIPATIONS = [  # ФИО, kind, title, date
    ("Иванова Анна Сергеевна", "публикация", "Наставник и молодой учитель", date(2024, 11, 5)),
    ("Волкова Елена Петровна", "мастер-класс", "Смысловое чтение", date(2025, 3, 10)),
    ("Кузнецова Вера Павловна", "инновационная деятельность", "Площадка «Цифровая школа»",
     date(2025, 2, 1)),
    ("Орлов Денис Андреевич", "открытый урок (занятие)", "Дроби", date(2025, 9, 15)),
    ("Морозов Игорь Ильич", "выступление", "Игры в ДОУ", date(2024, 10, 20)),
]


def born(name: str) -> date:
    return next(b for n, b, *_ in PEOPLE if n == name)


def fio_cells(name: str) -> dict[str, object]:
    last, first, middle = name.split()
    return {"Фамилия": last, "Имя": first, "Отчество": middle, "Дата рождения": born(name)}


# the blank forms, as a centre fills them ----------------------------------------------------------
def build_by_forms(forms: Forms) -> None:
    """ОО → педагоги → актив → пары → участие; then the year's changes: the leavings and the
    move on the people form, the closing on the organisations form."""
    forms.put("organisations", [
        {"Краткое наименование": name, "Тип организации": "общеобразовательная",
         "Дата Положения о наставничестве": act, "Дата программы наставничества": programme}
        for name, act, programme in ORGS])
    forms.put("people", [
        {**fio_cells(name), "ОО": org, "Должность": "учитель", "Квалификационная категория": cat,
         "Начало педагогического стажа": started, "Дата перевода (приёма)": hired,
         "Педагогическое образование": "да"}
        for name, _born, started, org, cat, hired in PEOPLE])
    forms.put("active", [
        {**fio_cells("Лебедев Павел Николаевич"), "Статус": "включён", "Роль": "координатор",
         "Дата заявки": date(2024, 9, 1), "Дата представления": date(2024, 9, 10),
         "Выдвинут ОО": "МБОУ СОШ № 1", "Дата диагностики": date(2024, 10, 1),
         "Номер приказа о включении": "15", "Дата включения": date(2024, 10, 15)},
        {**fio_cells("Морозов Игорь Ильич"), "Статус": "кандидат",
         "Дата заявки": date(2024, 9, 1)},  # no role given: «не указано»
    ])
    out = forms.put("pairs", [pair_cells(p, mentee) for p in PAIRS for mentee in p[1]])
    assert out.count("статус не указан — по датам на") == 2  # the second and the fourth pair
    forms.put("participations", [
        {**fio_cells(name), "Вид участия": kind, "Название мероприятия": title,
         "Уровень": "муниципальный", "Дата": day}
        for name, kind, title, day in PARTICIPATIONS])
    forms.put("people", [
        *({**fio_cells(name), "ОО": org_of(name), "Работает": "нет", "Дата выбытия": day}
          for name, day in LEAVINGS),
        *({**fio_cells(name), "ОО": org, "Дата перевода (приёма)": day}
          for name, org, day in MOVES)])
    forms.put("organisations", [{"Краткое наименование": "МБДОУ № 9", "Действует": "нет",
                                 "Дата закрытия": CLOSING}])


def org_of(name: str) -> str:
    return next(p[3] for p in PEOPLE if p[0] == name)


def pair_cells(p: tuple[Any, ...], mentee: str) -> dict[str, object]:
    mentor, _mentees, form, start, end, status, ended, reason, category = p
    cells: dict[str, object] = {
        "ФИО наставника": mentor, "Дата рождения наставника": born(mentor),
        "ФИО наставляемого": mentee, "Дата рождения наставляемого": born(mentee),
        "Форма наставничества": form, "Дата начала": start, "Дата окончания": end,
        "Статус": status, "Дата завершения фактическая": ended, "Причина": reason or None,
        "Категория наставляемого": category, "Элемент модели": "адаптация",
        "Уровень": "внутри ОО"}
    return cells


# the same municipality through the services -------------------------------------------------------
def build_by_services(session: Session) -> None:
    orgs = {name: registry.add_organisation(session, OrganisationInput(
        name, kind="general", mentoring_act_date=act, mentoring_programme_date=programme))
        for name, act, programme in ORGS}
    category = {"высшая": "highest", "первая": "first", "без категории": "none"}
    people = {}
    for name, birth, started, org, cat, hired in PEOPLE:
        last, first, middle = name.split()
        people[name] = registry.add_person(session, PersonInput(
            last, first, middle, birth_date=birth, organisation_id=orgs[org], position="учитель",
            category=category[cat], ped_experience_start=started, education_pedagogical=True),
            hired_on=hired)
    active_members(session, people, orgs)
    for p in PAIRS:
        service_pair(session, people, p)
    kinds = {"публикация": "publication", "мастер-класс": "master_class",
             "инновационная деятельность": "innovation",
             "открытый урок (занятие)": "open_lesson", "выступление": "talk"}
    session.add_all(Participation(person_id=people[name], kind=kinds[kind], title=title,
                                  level="municipal", event_date=day)
                    for name, kind, title, day in PARTICIPATIONS)
    for name, day in LEAVINGS:
        registry.dismiss_person(session, people[name], day)
    for name, org, day in MOVES:
        registry.move_person(session, people[name], orgs[org], day)
    registry.deactivate_organisation(session, orgs["МБДОУ № 9"], CLOSING)


def active_members(session: Session, people: dict[str, int], orgs: dict[str, int]) -> None:
    lead = active.add_candidate(session, people["Лебедев Павел Николаевич"],
                                active.MemberInput(role="coordinator"), date(2024, 9, 1))
    active.submit(session, lead, date(2024, 9, 10), by_org_id=orgs["МБОУ СОШ № 1"])
    active.mark_diagnosed(session, lead, date(2024, 10, 1))
    active.include(session, lead, "15", date(2024, 10, 15),
                   ineligible_reason="основания указаны в представлении")
    active.add_candidate(session, people["Морозов Игорь Ильич"],
                         active.MemberInput(role="unknown"), date(2024, 9, 1))


def service_pair(session: Session, people: dict[str, int], p: tuple[Any, ...]) -> None:
    """Created running, then ended on its day as the centre does with «Статус…»."""
    mentor, mentees, form, start, end, status, ended, reason, category = p
    codes = {None: "unknown", "молодой специалист (0–3 года)": "young",
             "освоение новых обязанностей, технологий, подготовка к конкурсу": "new_duties"}
    form_id = session.scalar(select(pairs.MentorshipForm.id).where(
        pairs.MentorshipForm.name == form))
    pair_id = pairs.create_pair(session, pairs.PairInput(
        mentor_id=people[mentor], mentee_ids=tuple(people[m] for m in mentees),
        start_date=start, end_date=end, form_id=form_id, model_element="adaptation",
        mentee_category=codes[category], level="organisation", status="active"))
    final = "ended_early" if status == "прекращена досрочно" else "completed"
    pairs.change_status(session, pair_id, final, reason, ended or end)


# comparing -------------------------------------------------------------------------------------
def figures(path: Path) -> dict[date, list[tuple[str, int, int, float | None]]]:
    db = open_database(path)
    try:
        with db.sessions() as s:
            return {on: [(r.code, r.a, r.b, r.fact)
                         for r in indicators.compute_indicators(s, on.year, on)]
                    for on in (BEFORE, BETWEEN, AFTER)}
    finally:
        db.dispose()


def records(path: Path) -> dict[str, Any]:
    """What the forms carry, by names (record numbers differ between the databases)."""
    db = open_database(path)
    try:
        with db.sessions() as s:
            names = {p.id: f"{p.last_name} {p.first_name}" for p in s.scalars(select(Person))}
            orgs = {o.id: o.short_name for o in s.scalars(select(Organisation))}
            return {
                "orgs": sorted((o.short_name, o.is_active, o.deactivated_on)
                               for o in s.scalars(select(Organisation))),
                "people": sorted((names[p.id], orgs[p.organisation_id], p.is_active, p.left_on)
                                 for p in s.scalars(select(Person))),
                "pairs": sorted((names[p.mentor_id], tuple(sorted(names[m.person_id]
                                                                  for m in p.mentees)),
                                 p.start_date, p.end_date, p.status, p.ended_on or p.end_date,
                                 p.end_reason, p.mentee_category, p.level)
                                for p in s.scalars(select(Pair))),
                "active": sorted((names[m.person_id], m.status, m.role, m.included_on)
                                 for m in s.scalars(select(ActiveMember))),
                "events": sorted((names[e.person_id], e.kind, e.event_date)
                                 for e in s.scalars(select(Participation))),
            }
    finally:
        db.dispose()


def test_forms_and_exchange_workbook_give_the_same_indicators(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    by_forms = Forms(tmp_path / "forms.sqlite", tmp_path, capsys)
    build_by_forms(by_forms)

    services_db = tmp_path / "services.sqlite"
    db = open_database(services_db)
    try:
        with db.sessions.begin() as session:
            build_by_services(session)
    finally:
        db.dispose()
    book, copy = tmp_path / "book.xlsx", tmp_path / "copy.sqlite"
    assert main(["--db", str(services_db), "export", "--out", str(book)]) == 0
    assert main(["--db", str(copy), "init"]) == 0  # a new empty database takes the book whole
    assert main(["--db", str(copy), "import", str(book)]) == 0
    capsys.readouterr()

    assert records(by_forms.db) == records(copy)
    got, expected = figures(by_forms.db), figures(copy)
    assert got == expected
    # and the dates matter: the closing, the leavings and the early end are all counted
    by_code = {on: {code: (a, b) for code, a, b, _ in rows} for on, rows in got.items()}
    assert [by_code[on]["I1"] for on in (BEFORE, BETWEEN, AFTER)] == [(3, 4), (3, 4), (2, 3)]
    assert [by_code[on]["I2"][1] for on in (BEFORE, BETWEEN, AFTER)] == [10, 10, 8]
    # I5: Петрова's pair ended early on 20.12.2024, Новикова's began on 01.03.2025
    assert [by_code[on]["I5"] for on in (BEFORE, BETWEEN, AFTER)] == [(3, 4), (2, 4), (3, 4)]
