"""The work columns of the people form: the ОО, the date of a move (or hiring), working or left
on a date → the person's places of work (employments) changed so that the history stays.

A move to another ОО closes the current place of work on the day of the move and opens the new
one on that same day (as «Перевести в другую ОО…» of the registry: a shared end and start day
is a move); a move without its date is refused. A leaving closes the current place of work on
the leaving date. Working again after a leaving opens a new place of work. Nothing here touches
the database: plan_work() returns the rows to insert and update, or the refusals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.services.validation import (
    FieldError,
    Status,
    leaving_errors,
    person_error,
    working_age_problem,
)
from desktop_app.textutil import fmt_date

Job = dict[str, Any]  # an employments row: id, organisation_id, position, start_date, end_date


@dataclass(frozen=True)
class OrgState:
    """An ОО as the people form needs it: its name, and whether (and since when) it is closed."""

    name: str
    active: bool
    closed_on: date | None


@dataclass(frozen=True)
class StoredWork:
    """A known person's place of work as the registry has it."""

    org_id: int | None
    position: str
    active: bool
    left_on: date | None
    jobs: tuple[Job, ...] = ()

    def open_job(self) -> Job | None:
        """The current place of work (the latest one without an end)."""
        open_jobs = [j for j in self.jobs if j["end_date"] is None]
        return max(open_jobs, key=_job_order) if open_jobs else None

    def left_job(self) -> Job | None:
        """The place of work the leaving closed (at the person's ОО, ended on the leaving day)."""
        closed = [j for j in self.jobs if j["end_date"] is not None
                  and j["end_date"] == self.left_on and j["organisation_id"] == self.org_id]
        return max(closed, key=_job_order) if closed else None


@dataclass(frozen=True)
class WorkRow:
    """What a row of the people form says about work."""

    org_id: int
    position: str
    moved: date | None
    status: Status
    born: date | None
    experience_start: date | None


@dataclass
class WorkPlan:
    """The employments to add (person_id filled by the caller) and to change, or the refusals."""

    inserts: list[Job] = field(default_factory=list)
    updates: dict[int, tuple[Job, Job]] = field(default_factory=dict)  # id → (before, changes)
    errors: list[FieldError] = field(default_factory=list)

    def add(self, org_id: int | None, position: str, start: date | None,
            end: date | None) -> None:
        if org_id is not None:
            self.inserts.append({"organisation_id": org_id, "position": position,
                                 "start_date": start, "end_date": end})

    def change(self, job: Job, **values: Any) -> None:
        changes = {k: v for k, v in values.items() if job[k] != v}
        if changes:
            before, known = self.updates.get(job["id"], (job, {}))
            self.updates[job["id"]] = (before, {**known, **changes})

    def refuse(self, key: str, reason: str) -> None:
        self.errors.append(person_error(key, reason))

    @property
    def changed(self) -> bool:
        return bool(self.inserts or self.updates)


def _job_order(job: Job) -> tuple[date, date, int]:
    return (job["end_date"] or date.max, job["start_date"] or date.min, job["id"])


def plan_work(row: WorkRow, stored: StoredWork | None, orgs: Mapping[int, OrgState]) -> WorkPlan:
    """The changes of the places of work a row asks for, checked against the registry."""
    plan = WorkPlan()
    problem = working_age_problem(row.born, row.moved) if row.born and row.moved else None
    if problem:
        plan.refuse("moved_on", problem)
        return plan
    if stored is None or stored.org_id is None:
        _hired(plan, row)
    elif row.org_id == stored.org_id:
        _same_place(plan, row, stored)
    else:
        _moved(plan, row, stored, orgs[stored.org_id].name if stored.org_id in orgs else "")
    if not plan.errors:
        _against_closing(plan, row, orgs[row.org_id])
    return plan


def _leaving(plan: WorkPlan, row: WorkRow, start: date | None) -> None:
    """The leaving date against the start of the place of work it closes."""
    left = row.status.since
    assert left is not None
    if row.moved is not None and left < row.moved:
        plan.refuse("left_on", f"{fmt_date(left)} раньше даты перевода (приёма) "
                               f"({fmt_date(row.moved)})")
        return
    plan.errors += leaving_errors(left, row.born, row.experience_start, start)


def _hired(plan: WorkPlan, row: WorkRow) -> None:
    """A new person (or one without a place of work): the place of work of the row."""
    end = None if row.status.active else row.status.since
    if end is not None:
        _leaving(plan, row, row.moved)
    plan.add(row.org_id, row.position, row.moved, end)


def _known_start(plan: WorkPlan, job: Job | None, moved: date | None) -> None:
    """«Дата перевода (приёма)» at the same ОО: the start of the place of work — filled when
    unknown, the same when known; another date is refused (it is not a move)."""
    if moved is None or job is None:
        return
    if job["start_date"] is None:
        plan.change(job, start_date=moved)
    elif job["start_date"] != moved:
        plan.refuse("moved_on", (
            f"{fmt_date(moved)}, а по реестру педагог работает в этой ОО с "
            f"{fmt_date(job['start_date'])}: дата перевода (приёма) меняет место работы только "
            "при переходе в другую ОО (начало работы исправляется в карточке педагога, "
            "«История работы»)"))


def _same_place(plan: WorkPlan, row: WorkRow, stored: StoredWork) -> None:
    if stored.active:
        job = stored.open_job()
        _known_start(plan, job, row.moved)
        if not row.status.active:
            start = job["start_date"] if job and job["start_date"] else row.moved
            _leaving(plan, row, start)
        end = None if row.status.active else row.status.since
        if job is None:
            if row.moved is not None or end is not None:
                plan.add(row.org_id, row.position, row.moved, end)
        else:
            plan.change(job, position=row.position, end_date=end)
    elif row.status.active:  # working again after a leaving: a new place of work
        _returned(plan, row, stored)
    else:
        _left_again(plan, row, stored)


def _returned(plan: WorkPlan, row: WorkRow, stored: StoredWork) -> None:
    if row.moved is not None and stored.left_on is not None and row.moved < stored.left_on:
        plan.refuse("moved_on", f"{fmt_date(row.moved)} раньше даты выбытия "
                                f"({fmt_date(stored.left_on)}): укажите день, с которого "
                                "педагог снова работает")
        return
    plan.add(row.org_id, row.position, row.moved, None)


def _left_again(plan: WorkPlan, row: WorkRow, stored: StoredWork) -> None:
    """Left before and still left: the leaving date corrected, the start filled."""
    job = stored.left_job()
    _known_start(plan, job, row.moved)
    if row.status.since != stored.left_on:
        start = job["start_date"] if job and job["start_date"] else row.moved
        _leaving(plan, row, start)
        if job is not None:
            plan.change(job, end_date=row.status.since)
    if job is None and row.moved is not None:
        plan.add(row.org_id, row.position, row.moved, row.status.since)


def _moved(plan: WorkPlan, row: WorkRow, stored: StoredWork, old_name: str) -> None:
    """Another ОО than the registry's: a move on «Дата перевода (приёма)»."""
    where = f"«{old_name}»" if old_name else "другой ОО"
    if row.moved is None:
        state = ("работает в" if stored.active else
                 f"выбыл(а) {fmt_date(stored.left_on)} из")
        plan.refuse("moved_on", (
            f"не указана, а по реестру педагог {state} {where}: укажите, с какого дня он "
            "работает в ОО этой строки (прежнее место работы закроется этим днём)"))
        return
    if stored.active:
        job = stored.open_job()
        if job is not None and job["start_date"] is not None and row.moved < job["start_date"]:
            plan.refuse("moved_on", f"{fmt_date(row.moved)} раньше начала работы в {where} "
                                    f"({fmt_date(job['start_date'])})")
            return
        if job is not None:
            plan.change(job, end_date=row.moved)
        else:  # no place of work recorded: the one left is kept as a closed period
            plan.add(stored.org_id, stored.position, None, row.moved)
    elif not row.status.active and row.status.since == stored.left_on:
        plan.refuse("moved_on", (
            f"по реестру педагог выбыл(а) {fmt_date(stored.left_on)} из {where}: чтобы "
            "записать работу в ОО этой строки, укажите «Работает» — «да» (или дату выбытия "
            "из неё)"))
        return
    elif stored.left_on is not None and row.moved < stored.left_on:
        plan.refuse("moved_on", f"{fmt_date(row.moved)} раньше даты выбытия из {where} "
                                f"({fmt_date(stored.left_on)})")
        return
    end = None if row.status.active else row.status.since
    if end is not None:
        _leaving(plan, row, row.moved)
    plan.add(row.org_id, row.position, row.moved, end)


def _against_closing(plan: WorkPlan, row: WorkRow, org: OrgState) -> None:
    """Nobody works in a closed ОО, nor comes to it or leaves it after it closed."""
    if org.active:
        return
    closed = f"«{org.name}» закрыта" + (f" с {fmt_date(org.closed_on)}" if org.closed_on else "")
    if row.status.active:
        plan.refuse("organisation_id", f"{closed}: в ней нельзя работать — укажите «Работает» — "
                                    "«нет» и «Дата выбытия» или ОО, куда педагог перешёл")
    elif org.closed_on is not None and row.status.since and row.status.since > org.closed_on:
        plan.refuse("left_on", f"{fmt_date(row.status.since)} — позже, чем {closed}")
    if org.closed_on is not None and row.moved is not None and row.moved > org.closed_on:
        plan.refuse("moved_on", f"{fmt_date(row.moved)} — позже, чем {closed}")
