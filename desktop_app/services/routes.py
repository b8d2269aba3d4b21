"""The individual educational route (ИОМ, 4–5 years, seed 002) drafted from a person's deficits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Deficit, Person, Route, RouteItem
from desktop_app.model.enums import CompetenceArea, DeficitState, RouteActivity, RouteState
from desktop_app.services.deficit_wording import Wordings, sentence
from desktop_app.services.diagnostics import refresh_states
from desktop_app.textutil import fio, fmt_date

MIN_YEARS, MAX_YEARS, DEFAULT_YEARS = 4, 5, 5

# Sensible activities per area: (activity, form of the activity, planned result).
DEFAULTS: dict[str, list[tuple[str, str, str]]] = {
    "subject": [
        ("courses", "курсы повышения квалификации по предмету (ЦНППМ, ИРО), очно или дистанционно",
         "удостоверение о повышении квалификации; решение заданий повышенного уровня"),
        ("mmo", "участие в работе ММО учителей-предметников, предметные семинары",
         "выступление на заседании ММО"),
    ],
    "methodical": [
        ("mmo", "посещение и проведение открытых уроков, методические семинары ММО",
         "открытый урок, самоанализ урока"),
        ("internship", "стажировка на базе ОО с высокими образовательными результатами",
         "отчёт о стажировке, методическая разработка"),
    ],
    "psychological": [
        ("courses", "курсы по психолого-педагогическому сопровождению обучающихся",
         "удостоверение о повышении квалификации"),
        ("mentoring", "персонализированная программа наставничества", "отчёт наставляемого"),
    ],
    "communicative": [
        ("mentoring", "наставничество «учитель – учитель», совместная подготовка мероприятий",
         "проведённое мероприятие с родителями или коллегами"),
        ("mmo", "тренинги и круглые столы ММО по профессиональному общению",
         "участие в круглом столе"),
    ],
    "digital": [
        ("courses", "курсы по цифровым образовательным технологиям",
         "удостоверение о повышении квалификации"),
        ("self_education", "самообразование: изучение цифровых платформ и сервисов",
         "собственный цифровой образовательный ресурс"),
    ],
}


class RouteError(ValueError):
    """An ИОМ refused (Russian message naming the field and the row)."""


@dataclass(frozen=True)
class RouteItemInput:
    deficit_id: int | None
    deficit_text: str
    task: str
    activity: str
    form: str
    deadline: date | None
    planned_result: str
    done: bool = False


@dataclass(frozen=True)
class RouteView:
    id: int | None
    person_id: int
    person: str
    start_date: date
    end_date: date
    state: str
    items: tuple[RouteItemInput, ...]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def draft_route(session: Session, person_id: int, start: date | None = None,
                years: int = DEFAULT_YEARS) -> RouteView:
    """A new ИОМ proposed from the person's open deficits (not saved): one line per deficit,
    the area's default activities in turn, deadlines spread over the period."""
    person = session.get(Person, person_id)
    if person is None:
        raise RouteError("Педагог не найден.")
    start = start or date.today()
    end = add_years(start, years) - timedelta(days=1)
    deficits = session.scalars(
        select(Deficit).where(Deficit.person_id == person_id,
                              Deficit.state != DeficitState.OVERCOME.value)
    ).all()
    order = [a.value for a in CompetenceArea]
    deficits = sorted(deficits, key=lambda d: (order.index(d.area) if d.area in order else 9,
                                               d.item_id is not None, d.id))
    span = (end - start).days
    items: list[RouteItemInput] = []
    turn: dict[str, int] = {}
    wordings = Wordings(session)
    for n, deficit in enumerate(deficits, start=1):
        choices = DEFAULTS.get(deficit.area, DEFAULTS["methodical"])
        activity, form, result = choices[turn.get(deficit.area, 0) % len(choices)]
        turn[deficit.area] = turn.get(deficit.area, 0) + 1
        # the deficit in the third person and a task that does not repeat it
        phrase = wordings.of(deficit.area, deficit.item_id, deficit.title)
        items.append(RouteItemInput(
            deficit_id=deficit.id, deficit_text=sentence(phrase.deficit), task=phrase.task,
            activity=activity, form=form,
            deadline=start + timedelta(days=span * n // len(deficits)),
            planned_result=result + "; при повторной диагностике дефицит не выявляется",
        ))
    name = fio(person.last_name, person.first_name, person.middle_name)
    return RouteView(None, person_id, name, start, end, RouteState.DRAFT.value, tuple(items))


def _check(start: date, end: date, state: str, items: Sequence[RouteItemInput]) -> list[str]:
    errors = []
    if end <= start:
        errors.append("Срок окончания ИОМ должен быть позже начала.")
    elif not add_years(start, MIN_YEARS) - timedelta(days=1) <= end <= add_years(start, MAX_YEARS):
        errors.append(f"Срок ИОМ — от {MIN_YEARS} до {MAX_YEARS} лет (положение 002): "
                      f"с {fmt_date(start)} по {fmt_date(end)} не подходит.")
    if state not in RouteState._value2member_map_:
        errors.append(f"Состояние ИОМ: неизвестное значение «{state}».")
    if not items:
        errors.append("ИОМ: добавьте хотя бы одну строку.")
    for n, item in enumerate(items, start=1):
        if not item.task.strip():
            errors.append(f"Строка {n}, «Задача»: не заполнено.")
        if item.activity not in RouteActivity._value2member_map_:
            errors.append(f"Строка {n}, «Мероприятие»: неизвестное значение «{item.activity}».")
        if item.deadline is not None and not start <= item.deadline <= end:
            errors.append(f"Строка {n}, «Срок»: {fmt_date(item.deadline)} вне срока ИОМ.")
    return errors


def save_route(
    session: Session, person_id: int, start: date, end: date, state: str,
    items: Sequence[RouteItemInput], route_id: int | None = None,
) -> int:
    """Create or replace an ИОМ; refused as a whole with RouteError. Deficit states follow
    (a deficit in a route not completed is «в работе»). Caller commits."""
    errors = _check(start, end, state, items)
    if session.get(Person, person_id) is None:
        errors.insert(0, "Педагог не найден.")
    if errors:
        raise RouteError("\n".join(errors))
    route = session.get(Route, route_id) if route_id is not None else None
    if route is None:
        route = Route(person_id=person_id)
        session.add(route)
    route.start_date, route.end_date, route.state = start, end, state
    route.items = [
        RouteItem(position=n, deficit_id=i.deficit_id, deficit_text=i.deficit_text,
                  task=i.task.strip(), activity=i.activity, form=i.form.strip(),
                  deadline=i.deadline, planned_result=i.planned_result.strip(), done=i.done)
        for n, i in enumerate(items, start=1)
    ]
    session.flush()
    refresh_states(session, [person_id])
    return route.id


def current_route(session: Session, person_id: int) -> RouteView | None:
    """The person's latest ИОМ, if any."""
    route = session.scalar(
        select(Route).where(Route.person_id == person_id).order_by(Route.start_date.desc(),
                                                                    Route.id.desc())
    )
    if route is None:
        return None
    person = session.get(Person, person_id)
    assert person is not None
    items = tuple(
        RouteItemInput(i.deficit_id, i.deficit_text, i.task, i.activity, i.form, i.deadline,
                       i.planned_result, i.done)
        for i in route.items
    )
    return RouteView(route.id, person_id, fio(person.last_name, person.first_name,
                                              person.middle_name),
                     route.start_date, route.end_date, route.state, items)
