"""A pair's personalised programme: reading one pair back for editing, its plan and templates.

pair_input and pair_people (the stored pair as a dialog's input), the plan's rows and progress
(PlanItemRow, Progress, plan_items, plan_progress), the plan's editing (set_plan,
add_plan_item, update_plan_item, delete_plan_item, set_item_done), copying a plan from another
programme or from a template (copy_plan_from_pair, copy_plan_from_template, list_templates,
load_plan_templates re-exported from store.presets_seed) and the mentees' deficits the
programme can target (DeficitChoice, mentee_deficits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop_app.model import Deficit, Person, PlanItem, PlanTemplate, PlanTemplateItem, Programme
from desktop_app.model.enums import CompetenceArea, DeficitState
from desktop_app.services.pairs.groups import (
    _pair_or_error,
    _people,
    _person_label,
    _plan_rows,
    _touch,
)
from desktop_app.services.pairs.rules import PairError, PairInput, PlanItemInput
from desktop_app.store.presets_seed import load_plan_templates as load_plan_templates
from desktop_app.textutil import clean

# reading one pair -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItemRow:
    id: int
    position: int
    activity: str
    deadline: date | None
    responsible: str
    report_form: str
    done: bool
    done_on: date | None


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0


def pair_input(session: Session, pair_id: int) -> PairInput:
    """The stored pair as an input for editing (plan included)."""
    pair = _pair_or_error(session, pair_id)
    programme = pair.programme or Programme()
    return PairInput(
        mentor_id=pair.mentor_id, mentee_ids=tuple(m.person_id for m in pair.mentees),
        start_date=pair.start_date, end_date=pair.end_date, form_id=pair.form_id,
        model_element=pair.model_element, mentee_category=pair.mentee_category,
        directions=tuple(sorted(d.direction for d in pair.directions)), level=pair.level,
        status=pair.status, end_reason=pair.end_reason, ended_on=pair.ended_on,
        order_number=pair.order_number,
        order_date=pair.order_date, goal=programme.goal, tasks=programme.tasks,
        difficulties=programme.difficulties, expected_results=programme.expected_results,
        deficit_ids=tuple(d.deficit_id for d in programme.deficits),
        plan=tuple(
            PlanItemInput(
                activity=i.activity, deadline=i.deadline, responsible=i.responsible,
                report_form=i.report_form, done=i.done, done_on=i.done_on,
            )
            for i in programme.plan
        ),
        notes=pair.notes,
    )


def pair_people(session: Session, pair_id: int) -> dict[int, str]:
    """Full names of the pair's mentor and mentees by person id."""
    pair = _pair_or_error(session, pair_id)
    ids = [pair.mentor_id, *(m.person_id for m in pair.mentees)]
    return {
        pid: " ".join(x for x in (p.last_name, p.first_name, p.middle_name) if x)
        for pid, p in _people(session, ids).items()
    }


def plan_items(session: Session, pair_id: int) -> list[PlanItemRow]:
    stmt = (
        select(PlanItem)
        .join(Programme, Programme.id == PlanItem.programme_id)
        .where(Programme.pair_id == pair_id)
        .order_by(PlanItem.position, PlanItem.id)
    )
    return [
        PlanItemRow(i.id, i.position, i.activity, i.deadline, i.responsible, i.report_form,
                    i.done, i.done_on)
        for i in session.scalars(stmt)
    ]


def plan_progress(session: Session, pair_id: int) -> Progress:
    """Done and total plan items of the pair's programme."""
    row = session.execute(
        select(func.count(PlanItem.id),
               func.coalesce(func.sum(case((PlanItem.done.is_(True), 1), else_=0)), 0))
        .join(Programme, Programme.id == PlanItem.programme_id)
        .where(Programme.pair_id == pair_id)
    ).one()
    return Progress(int(row[1]), int(row[0]))


def set_item_done(
    session: Session, item_id: int, done: bool, on: date | None = None
) -> Progress:
    """Mark a plan item done (or not) and return the programme's new progress."""
    item = _item_or_error(session, item_id)
    item.done = done
    item.done_on = (on or date.today()) if done else None
    pair_id = _pair_of_item(session, item)
    _touch(session, pair_id)
    session.flush()
    return plan_progress(session, pair_id)


def _programme(session: Session, pair_id: int) -> Programme:
    pair = _pair_or_error(session, pair_id)
    if pair.programme is None:
        pair.programme = Programme()
        session.flush()
    assert pair.programme is not None
    return pair.programme


def set_plan(session: Session, pair_id: int, items: Sequence[PlanItemInput]) -> None:
    """Replace the whole plan of the pair's programme."""
    for number, item in enumerate(items, start=1):
        if not clean(item.activity):
            raise PairError(f"План, строка {number}: не указано мероприятие.", "plan")
    programme = _programme(session, pair_id)
    programme.plan = _plan_rows(items)
    _touch(session, pair_id)
    session.flush()


def _item_or_error(session: Session, item_id: int) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None:
        raise PairError("Строка плана не найдена.")
    return item


def _pair_of_item(session: Session, item: PlanItem) -> int:
    programme = session.get(Programme, item.programme_id)
    assert programme is not None
    return programme.pair_id


def add_plan_item(session: Session, pair_id: int, item: PlanItemInput) -> int:
    """Append one line to the plan; returns its id."""
    if not clean(item.activity):
        raise PairError("План: не указано мероприятие.", "activity")
    programme = _programme(session, pair_id)
    row = _plan_rows([item])[0]
    row.position = max((i.position for i in programme.plan), default=0) + 1
    programme.plan.append(row)
    _touch(session, pair_id)
    session.flush()
    return row.id


def update_plan_item(session: Session, item_id: int, item: PlanItemInput) -> None:
    """Change the text, deadline, responsible, report form and mark of one plan line."""
    if not clean(item.activity):
        raise PairError("План: не указано мероприятие.", "activity")
    row = _item_or_error(session, item_id)
    row.activity, row.deadline = clean(item.activity), item.deadline
    row.responsible, row.report_form = clean(item.responsible), clean(item.report_form)
    if row.done != item.done:
        row.done = item.done
        row.done_on = (item.done_on or date.today()) if item.done else None
    _touch(session, _pair_of_item(session, row))
    session.flush()


def delete_plan_item(session: Session, item_id: int) -> None:
    row = _item_or_error(session, item_id)
    pair_id = _pair_of_item(session, row)
    session.delete(row)
    _touch(session, pair_id)
    session.flush()


def _extend_plan(session: Session, pair_id: int, items: list[PlanItemInput], replace: bool) -> int:
    programme = _programme(session, pair_id)
    kept = [] if replace else list(programme.plan)
    new = _plan_rows(items)
    for i, row in enumerate(new, start=len(kept) + 1):
        row.position = i
    programme.plan = kept + new
    _touch(session, pair_id)
    session.flush()
    return len(new)


def copy_plan_from_pair(
    session: Session, target_id: int, source_id: int, replace: bool = True
) -> int:
    """Copy another programme's plan; deadlines keep their distance in days from the start
    (kept inside the target period), marks are cleared. Returns the number of lines copied."""
    target = _pair_or_error(session, target_id)
    source = _pair_or_error(session, source_id)
    if target_id == source_id:
        raise PairError("Нельзя скопировать план программы в неё саму.")
    shift = target.start_date - source.start_date
    items = [
        PlanItemInput(
            activity=i.activity,
            deadline=min(i.deadline + shift, target.end_date) if i.deadline else None,
            responsible=i.responsible, report_form=i.report_form,
        )
        for i in (source.programme.plan if source.programme else [])
    ]
    if not items:
        raise PairError("В выбранной программе нет плана для копирования.")
    return _extend_plan(session, target_id, items, replace)


def copy_plan_from_template(
    session: Session, pair_id: int, template_id: int, replace: bool = True
) -> int:
    """Fill the plan from a template: deadlines are the start date plus each offset in days,
    kept inside the programme period. Returns the number of lines copied."""
    pair = _pair_or_error(session, pair_id)
    template = session.get(PlanTemplate, template_id)
    if template is None:
        raise PairError("Шаблон плана не найден.")
    items = [
        PlanItemInput(
            activity=i.activity,
            deadline=min(pair.start_date + timedelta(days=i.offset_days), pair.end_date),
            responsible=i.responsible, report_form=i.report_form,
        )
        for i in template.items
    ]
    return _extend_plan(session, pair_id, items, replace)


@dataclass(frozen=True)
class TemplateRow:
    id: int
    name: str
    items: int


def list_templates(session: Session) -> list[TemplateRow]:
    stmt = (
        select(PlanTemplate.id, PlanTemplate.name, func.count(PlanTemplateItem.id))
        .outerjoin(PlanTemplateItem, PlanTemplateItem.template_id == PlanTemplate.id)
        .group_by(PlanTemplate.id)
        .order_by(PlanTemplate.name)
    )
    return [TemplateRow(i, n, c) for i, n, c in session.execute(stmt)]


# deficits the programme can target -------------------------------------------------------------


@dataclass(frozen=True)
class DeficitChoice:
    id: int
    person_id: int
    person: str
    area: str
    title: str
    state: str


def mentee_deficits(session: Session, mentee_ids: Sequence[int]) -> list[DeficitChoice]:
    """Deficits of the mentees not yet overcome (and those already targeted), for the dialog."""
    if not mentee_ids:
        return []
    stmt = (
        select(Deficit, Person)
        .join(Person, Person.id == Deficit.person_id)
        .where(Deficit.person_id.in_(mentee_ids))
        .order_by(Person.last_name, Deficit.area, Deficit.id)
    )
    areas = dict(CompetenceArea.choices())
    states = dict(DeficitState.choices())
    return [
        DeficitChoice(d.id, p.id, _person_label(p), areas.get(d.area, d.area), d.title,
                      states.get(d.state, d.state))
        for d, p in session.execute(stmt)
    ]

