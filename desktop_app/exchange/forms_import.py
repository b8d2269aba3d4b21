"""Taking in the rows of the blank forms: match, validate against the database, write.

This module holds the importers of the registry itself — the ОО (OrganisationImport, closing
and reopening one) and the people (PeopleImport, their moves and leaving with the places of
work kept) — and the notes «people still work in a closed ОО» the people sheet takes back. The
shared machinery (FormImport, org_key, the bulk writing) is in forms_base.py, the importers of
the active, pairs, participations and diagnostics in forms_records.py; the names callers take
from here are re-exported.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.exchange.forms_base import (
    FormImport as FormImport,
    _write,
    column_defaults as column_defaults,
    org_key as org_key,
)
from desktop_app.exchange.forms_records import (
    ActiveImport as ActiveImport,
    DiagnosticsImport as DiagnosticsImport,
    PairsImport as PairsImport,
    ParticipationsImport as ParticipationsImport,
)
from desktop_app.exchange.forms_work import OrgState, StoredWork, WorkPlan, WorkRow, plan_work
from desktop_app.exchange.result import ADDED, CHANGED, UNCHANGED
from desktop_app.model import Employment, Organisation, Person
from desktop_app.services import validation
from desktop_app.services.form_inputs import input_of
from desktop_app.services.municipalities import own_id
from desktop_app.textutil import fmt_date, person_key, person_sort_key, short_fio

# the notes «people still work in an ОО this import closed» (session.info), taken back by the
# people sheet once nobody works there
CLOSING_NOTES = "forms_closing_notes"
WORK_COLUMNS = ("moved_on", "is_active", "left_on")
PERSON_COLUMNS = [c.key for c in Person.__table__.columns
                  if c.key not in ("id", "search_key", "sort_key")]
ORG_COLUMNS = [c.key for c in Organisation.__table__.columns if c.key != "id"]


class OrganisationImport(FormImport):
    """ОО by short or full name; «Действует» and «Дата закрытия» close or reopen one (the rule
    of validation.status_from_form); a blank «Тип организации» of a new ОО is «не указано»."""

    def run(self) -> None:
        orgs = self.organisations()
        existing = {r.id: dict(r._mapping) for r in self.session.execute(
            select(Organisation.__table__))}
        keyed = [(org_key(v.get("short_name", "")), n, v) for n, v in self.rows.rows]
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        defaults = column_defaults(Organisation.__table__)
        closing: list[tuple[int, int, date]] = []
        for _key, number, values in self.duplicates(keyed, "short_name", "ОО"):
            oid = self.known.get(number) or orgs.get(org_key(values.get("short_name", ""))) \
                or orgs.get(org_key(values.get("full_name", "")) or "\0")
            base: dict[str, Any] = (existing[oid] if oid else
                                    {k: defaults.get(k) for k in ORG_COLUMNS})
            status = self._status(number, values, base if oid else None)
            merged = {**base, **values}
            data = validation.clean_organisation(input_of(validation.OrganisationInput, merged))
            problems = validation.validate_organisation(data, self.today)
            for problem in problems:
                self.refuse(number, problem.field, getattr(data, problem.field, ""),
                            problem.message)
            if problems or status is None:
                continue
            new = {k: getattr(data, k) if k in values and hasattr(data, k) else merged[k]
                   for k in ORG_COLUMNS}
            new["is_active"], new["deactivated_on"] = status.active, status.since
            if oid is None:  # a new ОО of the municipality this database keeps
                new["municipality_id"] = own_id(self.session)
            self._plan(number, oid, base, new, inserts, updates)
            if oid is not None and not status.active and base["is_active"]:
                closing.append((number, oid, status.since or self.today))
        _write(self.session, Organisation, inserts, updates, existing)
        self._still_working(closing)

    def _status(self, number: int, values: dict[str, Any],
                stored: dict[str, Any] | None) -> validation.Status | None:
        """«Действует» and «Дата закрытия» against the stored state; refusals and notes said."""
        status = validation.status_from_form(
            "organisation", values.get("is_active"), values.get("deactivated_on"),
            None if stored is None else (stored["is_active"], stored["deactivated_on"]))
        if isinstance(status, validation.FieldError):
            self.refuse(number, status.field, values.get(status.field, ""), status.message)
            return None
        if status.derived:
            self.note(number, "deactivated_on", status.since,
                      "«Действует» не заполнено — по дате закрытия «нет»: ОО закрыта с "
                      f"{fmt_date(status.since)}")
        if status.reopened and stored is not None:
            self.note(number, "is_active", True, "ОО снова действует (была закрыта "
                      f"{fmt_date(stored['deactivated_on'])}); в показателях на даты, когда она "
                      "была закрыта, она теперь учитывается как действующая")
        return status

    def _still_working(self, closing: list[tuple[int, int, date]]) -> None:
        """ОО closed while people are recorded as working there: a note, not a refusal — their
        move or leaving may come on the «Педагоги» sheet of the same file (read after this one),
        which then takes the note back; whoever is left is in the list of incomplete records."""
        for number, oid, closed_on in closing:
            working = self.session.scalar(select(func.count(Person.id)).where(
                Person.organisation_id == oid, Person.is_active.is_(True))) or 0
            if working:
                note = self.note(number, "is_active", False, (
                    f"в ОО числятся работающими педагогов: {working} — отметьте на листе "
                    "«Педагоги» их перевод («Дата перевода (приёма)») или выбытие («Дата "
                    f"выбытия»); после {fmt_date(closed_on)} в показателях их нет"))
                self.session.info.setdefault(CLOSING_NOTES, []).append(
                    (self.outcome, note, oid))

    def _plan(self, number: int, oid: int | None, base: dict[str, Any], new: dict[str, Any],
              inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
        if oid is None:
            inserts.append(new)
            self.act(number, ADDED, new["short_name"])
        elif any(base[k] != new[k] for k in ORG_COLUMNS):
            updates.append({"id": oid, **new})
            self.act(number, CHANGED, new["short_name"])
        else:
            self.act(number, UNCHANGED, new["short_name"])


def take_back_closing_notes(session: Session) -> None:
    """Drop the notes «people still work in a closed ОО» that the people sheet resolved."""
    for outcome, note, oid in session.info.pop(CLOSING_NOTES, []):
        working = session.scalar(select(func.count(Person.id)).where(
            Person.organisation_id == oid, Person.is_active.is_(True))) or 0
        if not working and note in outcome.notes:
            outcome.notes.remove(note)


class PeopleImport(FormImport):
    """People by ФИО and birth date. «ОО», «Дата перевода (приёма)», «Работает» and «Дата
    выбытия» move, dismiss or take back a person with the places of work kept (forms_work);
    a blank «Уровень образования», «Педагогическое образование» or «Квалификационная
    категория» of a new person is «не указано», never a default."""

    def run(self) -> None:
        orgs = self.organisations()
        people = self.people()
        keyed = []
        for number, values in self.rows.rows:
            key = (person_key(values["last_name"], values["first_name"],
                              values.get("middle_name", "")), values["birth_date"])
            keyed.append((key, number, values))
        kept = self.duplicates(keyed, "last_name", "педагог")
        wanted = [pid for k, n, _ in kept if (pid := self.known.get(n) or people.get(k))]
        existing = self._existing(wanted)
        self.jobs = self._jobs(wanted)
        self.org_states = {
            oid: OrgState(name, bool(active), closed) for oid, name, active, closed in
            self.session.execute(select(Organisation.id, Organisation.short_name,
                                        Organisation.is_active, Organisation.deactivated_on))}
        defaults = column_defaults(Person.__table__)
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        # places of work to add: (the person's id, or the index of the person in inserts; job)
        self.new_jobs: list[tuple[int | None, int, dict[str, Any]]] = []
        self.job_updates: list[dict[str, Any]] = []
        self.job_before: dict[int, dict[str, Any]] = {}
        for key, number, values in kept:
            self._row(key, number, dict(values), orgs, people, existing, defaults)
        ids = _write(self.session, Person, self.inserts, self.updates, existing)
        jobs = [{**job, "person_id": pid if pid is not None else ids[index]}
                for pid, index, job in self.new_jobs]
        _write(self.session, Employment, jobs, self.job_updates, self.job_before)
        take_back_closing_notes(self.session)

    def _existing(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        table = Person.__table__
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for r in self.session.execute(select(table).where(table.c.id.in_(chunk))):
                out[r.id] = dict(r._mapping)
        return out

    def _jobs(self, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """The places of work of the known people of the sheet, by person."""
        out: dict[int, list[dict[str, Any]]] = {}
        table = Employment.__table__
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for r in self.session.execute(select(table).where(table.c.person_id.in_(chunk))):
                out.setdefault(r.person_id, []).append(dict(r._mapping))
        return out

    def _row(self, key: tuple[str, date], number: int, values: dict[str, Any],
             orgs: dict[str, int], people: dict[tuple[str, date], int],
             existing: dict[int, dict[str, Any]], defaults: dict[str, Any]) -> None:
        before = len(self.outcome.errors)
        org_id = self.find_org(orgs, number, "organisation", values.pop("organisation"))
        moved = values.pop("moved_on", None)
        given, left = values.pop("is_active", None), values.pop("left_on", None)
        pid = self.known.get(number) or people.get(key)
        base: dict[str, Any] = (existing[pid] if pid else
                                {k: defaults.get(k) for k in PERSON_COLUMNS})
        status = validation.status_from_form(
            "person", given, left, (base["is_active"], base["left_on"]) if pid else None)
        if isinstance(status, validation.FieldError):
            self._refuse_field(number, status, {"is_active": given, "left_on": left})
        values["organisation_id"] = org_id
        merged = {**base, **values}
        data = validation.clean_person(input_of(validation.PersonInput, merged))
        for problem in validation.validate_person(data, self.today):
            self._refuse_field(number, problem, {problem.field: getattr(data, problem.field, "")})
        if len(self.outcome.errors) > before or org_id is None:
            return
        assert isinstance(status, validation.Status)
        cleaned = data.__dict__  # the row's values as cleaned; a column not given keeps its own
        new = {k: cleaned[k] if k in values and k in cleaned else merged[k]
               for k in PERSON_COLUMNS}
        new["is_active"], new["left_on"] = status.active, status.since
        work = WorkRow(org_id, new["position"], moved, status, new["birth_date"],
                       new["ped_experience_start"])
        stored = None if pid is None else StoredWork(
            base["organisation_id"], base["position"], base["is_active"], base["left_on"],
            tuple(self.jobs.get(pid, ())))
        plan = plan_work(work, stored, self.org_states)
        for problem in plan.errors:
            self._refuse_field(number, problem, {"moved_on": moved, "left_on": status.since,
                                                 "organisation_id": self.org_states[org_id].name})
        if plan.errors:
            return
        self._take(number, pid, base, new, plan, status)

    def _refuse_field(self, number: int, problem: validation.FieldError,
                      values: dict[str, Any]) -> None:
        """A refusal at its column; a work column the sheet lacks (a move needs «Дата перевода
        (приёма)») is named in the reason and the refusal is shown at «ОО», which every people
        sheet has."""
        key = "organisation" if problem.field == "organisation_id" else problem.field
        value = values.get(problem.field, values.get(key, ""))
        if key in WORK_COLUMNS and key not in self.rows.present:
            key = "organisation"
        self.refuse(number, key, value, problem.message)

    def _take(self, number: int, pid: int | None, base: dict[str, Any], new: dict[str, Any],
              plan: WorkPlan, status: validation.Status) -> None:
        """The person's row and places of work planned; the row's action and notes said."""
        names = new["last_name"], new["first_name"], new["middle_name"]
        new["search_key"] = person_key(*names)
        new["sort_key"] = person_sort_key(*names)
        what = f"{short_fio(*names)}, {fmt_date(new['birth_date'])}"
        index = len(self.inserts)
        self.new_jobs += [(pid, index, job) for job in plan.inserts]
        for job_id, (before, changes) in plan.updates.items():
            self.job_before[job_id] = before
            self.job_updates.append({**before, **changes})
        if status.derived:
            self.note(number, "left_on", status.since, "«Работает» не заполнено — по дате "
                      f"выбытия «нет»: педагог не работает с {fmt_date(status.since)}")
        if status.reopened and pid is not None:
            self.note(number, "is_active", True, "педагог снова работает (выбыл(а) "
                      f"{fmt_date(base['left_on'])}): открыто новое место работы")
        if pid is None:
            self.inserts.append(new)
            self.act(number, ADDED, what)
        elif plan.changed or any(base[k] != new[k] for k in PERSON_COLUMNS):
            self.updates.append({"id": pid, **new})
            self.act(number, CHANGED, what)
        else:
            self.act(number, UNCHANGED, what)
