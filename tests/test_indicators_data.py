"""A small hand-built database whose indicator A and B are known for several dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import (
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)

D = date


def _org(session: Session, key: str, name: str, **kw: object) -> Organisation:
    org = Organisation(short_name=name, full_name=name, **kw)
    session.add(org)
    session.flush()
    return org


def _person(
    session: Session, org: Organisation, last: str, first: str, birth: date,
    start: date | None, **kw: object,
) -> Person:
    person = Person(
        last_name=last, first_name=first, middle_name="", search_key=f"{last} {first}".lower(),
        birth_date=birth, ped_experience_start=start, organisation_id=org.id, **kw,
    )
    session.add(person)
    session.flush()
    return person


def _pair(
    session: Session, mentor: Person, mentees: list[Person], start: date, end: date,
    status: str, ended_on: date | None = None,
) -> Pair:
    form_id = session.scalars(select(MentorshipForm.id).order_by(MentorshipForm.id)).first()
    pair = Pair(
        mentor_id=mentor.id, form_id=form_id, start_date=start, end_date=end, status=status,
        ended_on=ended_on,
    )
    pair.mentees = [PairMentee(person_id=m.id) for m in mentees]
    session.add(pair)
    session.flush()
    return pair


def _took_part(session: Session, person: Person, kind: str, when: date, title: str) -> None:
    session.add(Participation(person_id=person.id, kind=kind, event_date=when, title=title))


def build(session: Session) -> dict[str, int]:
    """Five ОО, twelve people, six pairs, participations; returns name → id."""
    o1 = _org(session, "o1", "Школа № 1", mentoring_act_date=D(2021, 9, 1),
              mentoring_act_number="12", mentoring_programme_date=D(2021, 10, 1))
    o2 = _org(session, "o2", "Детский сад «Ёлочка»", kind="preschool",
              mentoring_act_date=D(2024, 7, 15))
    o3 = _org(session, "o3", "Гимназия", mentoring_act_date=D(2025, 1, 10),
              mentoring_programme_date=D(2024, 3, 1))
    o4 = _org(session, "o4", "Закрытая школа", is_active=False, deactivated_on=D(2024, 3, 31),
              mentoring_act_date=D(2020, 1, 1), mentoring_programme_date=D(2020, 1, 1))
    o5 = _org(session, "o5", "Старая школа", is_active=False)
    p1 = _person(session, o1, "Иванов", "Иван", D(1980, 1, 1), D(2005, 9, 1))
    p2 = _person(session, o1, "Петрова", "Анна", D(1995, 5, 10), D(2023, 9, 1))
    p3 = _person(session, o1, "Сидоров", "Пётр", D(1989, 12, 31), D(2023, 1, 10))
    p4 = _person(session, o2, "Ёлкина", "Дарья", D(2000, 1, 1), D(2022, 6, 1))
    p5 = _person(session, o2, "Егоров", "Олег", D(1975, 3, 3), D(2000, 9, 1))
    p6 = _person(session, o3, "Кузнецова", "Мария", D(1998, 4, 4), D(2024, 2, 1))
    p7 = _person(session, o3, "Лебедев", "Игорь", D(1970, 7, 7), D(1995, 9, 1))
    p8 = _person(session, o1, "Морозов", "Денис", D(1996, 6, 6), D(2023, 1, 1),
                 is_active=False, left_on=D(2024, 6, 30))
    p9 = _person(session, o4, "Новиков", "Семён", D(1990, 2, 2), D(2010, 9, 1))
    p10 = _person(session, o3, "Орлова", "Юлия", D(2001, 6, 1), D(2023, 3, 1))
    p11 = _person(session, o5, "Павлов", "Глеб", D(1999, 1, 1), D(2023, 9, 1))
    p12 = _person(session, o2, "Романова", "Вера", D(1985, 5, 5), None)
    _pair(session, p1, [p2], D(2024, 9, 1), D(2025, 5, 31), "active")
    _pair(session, p1, [p3], D(2023, 9, 1), D(2024, 5, 31), "completed")
    _pair(session, p5, [p4], D(2024, 1, 15), D(2024, 12, 31), "completed")
    _pair(session, p7, [p6], D(2025, 1, 1), D(2025, 12, 31), "active")
    _pair(session, p1, [p8], D(2024, 2, 1), D(2024, 12, 31), "ended_early", D(2024, 4, 15))
    _pair(session, p7, [p10], D(2024, 10, 1), D(2025, 6, 30), "planned")
    _pair(session, p5, [p11], D(2024, 1, 1), D(2024, 12, 31), "active")
    _took_part(session, p1, "master_class", D(2024, 3, 10), "Смысловое чтение")
    _took_part(session, p8, "talk", D(2024, 3, 1), "Из опыта работы")
    _took_part(session, p7, "publication", D(2023, 12, 31), "Статья")
    _took_part(session, p7, "contest", D(2025, 1, 1), "Учитель года")
    _took_part(session, p5, "innovation", D(2024, 11, 1), "Инновационная площадка")
    _took_part(session, p12, "experiment", D(2024, 5, 5), "Эксперимент")
    _took_part(session, p9, "innovation", D(2024, 2, 1), "Площадка")
    _took_part(session, p11, "master_class", D(2024, 4, 1), "Мастер-класс")
    session.flush()
    people = [p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12]
    ids = {p.last_name: p.id for p in people}
    ids.update({o.short_name: o.id for o in (o1, o2, o3, o4, o5)})
    return ids


# (A, B) of each indicator on each date
EXPECTED: dict[tuple[int, date | None], dict[str, tuple[int, int]]] = {
    (2024, None): {"I1": (2, 3), "I2": (1, 9), "I3": (5, 9), "I4": (2, 9), "I5": (2, 4),
                   "P4": (2, 3)},
    (2024, D(2024, 6, 30)): {"I1": (1, 3), "I2": (1, 9), "I3": (4, 9), "I4": (1, 9),
                             "I5": (2, 5), "P4": (2, 3)},
    (2024, D(2024, 3, 1)): {"I1": (2, 4), "I2": (1, 11), "I3": (5, 11), "I4": (1, 11),
                            "I5": (3, 6), "P4": (3, 4)},
    (2025, None): {"I1": (3, 3), "I2": (1, 9), "I3": (4, 9), "I4": (0, 9), "I5": (2, 3),
                   "P4": (2, 3)},
}
