"""Taking in the rows of the blank forms: match, validate against the database, write."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import fields as dc_fields
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import as_text, header_key
from desktop_app.exchange.forms_work import OrgState, StoredWork, WorkPlan, WorkRow, plan_work
from desktop_app.exchange.kinds import PAIRS
from desktop_app.exchange.reader import RowError, SheetRows
from desktop_app.exchange.result import ADDED, CHANGED, UNCHANGED, RowAction, SheetOutcome
from desktop_app.model import (
    ActiveMember,
    Answer,
    DiagnosticSession,
    Employment,
    InstrumentItem,
    MemberDirection,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.model.enums import ActiveRole, MenteeCategory, ModelElement, PairLevel, PairStatus
from desktop_app.services import diagnostics, validation
from desktop_app.services.changelog import BulkLog
from desktop_app.services.pairs import EndProblem, derive_status, end_problems
from desktop_app.textutil import fio, fmt_date, fold, person_key, person_sort_key, short_fio

# the notes «people still work in an ОО this import closed» (session.info), taken back by the
# people sheet once nobody works there
CLOSING_NOTES = "forms_closing_notes"
WORK_COLUMNS = ("moved_on", "is_active", "left_on")
PERSON_COLUMNS = [c.key for c in Person.__table__.columns
                  if c.key not in ("id", "search_key", "sort_key")]
ORG_COLUMNS = [c.key for c in Organisation.__table__.columns if c.key != "id"]


def org_key(name: Any) -> str:
    """An ОО name for matching: case, ё/е, spaces, quotes and «№» spacing ignored."""
    return header_key(name)


def column_defaults(table: Any) -> dict[str, Any]:
    """Scalar column defaults of a table (what a new row gets when a column is absent)."""
    out = {}
    for column in table.columns:
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            out[column.key] = default.arg
        elif column.nullable:
            out[column.key] = None
    return out


class FormImport(ABC):
    """Shared parts: refusals with the sheet, row and column; row actions."""

    def __init__(self, session: Session, rows: SheetRows, outcome: SheetOutcome,
                 today: date, known: Mapping[int, int] | None = None,
                 records: Mapping[int, int] | None = None) -> None:
        self.session = session
        self.rows = rows
        self.outcome = outcome
        self.today = today
        # Rows of a collection round's file carry «Код записи»: row number → the id of the ОО
        # (organisations sheet) or the person (people, participations) the row is, and → the
        # id of the record itself (a participation); found by id whatever the names now say.
        # The blank forms give neither: every row is matched by its names.
        self.known: Mapping[int, int] = known or {}
        self.records: Mapping[int, int] = records or {}

    @abstractmethod
    def run(self) -> None:
        """Match, check and write the sheet's rows (each form its own)."""

    def refuse(self, number: int, key: str, value: Any, reason: str) -> None:
        self.outcome.errors.append(
            RowError(self.rows.sheet, number, self.rows.column_name(key), as_text(value), reason)
        )

    def act(self, number: int, action: str, what: str) -> None:
        self.outcome.actions.append(RowAction(self.rows.sheet, number, action, what))

    def values_ok(self, number: int, values: dict[str, Any], table: str) -> bool:
        """The row's values by the value rules of its table (services/validation.py
        COLUMN_RULES, the same as the exchange workbook's); False when one is refused."""
        problems = validation.value_problems(table, values, self.today)
        for key, reason in problems:
            self.refuse(number, key, values.get(key), reason)
        return not problems

    def note(self, number: int, key: str, value: Any, text: str) -> RowError:
        """A remark on a row taken in (not a refusal): what was derived, what is left to do."""
        note = RowError(self.rows.sheet, number, self.rows.column_name(key), as_text(value), text)
        self.outcome.notes.append(note)
        return note

    def duplicates(self, keyed: list[tuple[Any, int, dict[str, Any]]], key_field: str,
                   who: str) -> list[tuple[Any, int, dict[str, Any]]]:
        """Rows of one key with different data are all refused; exact repeats kept once."""
        groups: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
        for key, number, values in keyed:
            groups.setdefault(key, []).append((number, values))
        kept = []
        for key, members in groups.items():
            first_number, first = members[0]
            if all(v == first for _, v in members[1:]):
                kept.append((key, first_number, first))
                for number, _ in members[1:]:
                    self.act(number, UNCHANGED, f"{who}: повтор строки {first_number}")
                continue
            numbers = ", ".join(str(n) for n, _ in members)
            for number, values in members:
                self.refuse(number, key_field, values.get(key_field, ""),
                            f"{who} встречается в строках {numbers} с разными данными")
        return kept

    # lookups ----------------------------------------------------------------------------
    def organisations(self) -> dict[str, int]:
        """Folded short and full names → id (a short name wins over another's full name)."""
        found: dict[str, int] = {}
        rows = self.session.execute(select(Organisation.id, Organisation.short_name,
                                           Organisation.full_name)).all()
        for oid, _short, full in rows:
            if full:
                found[org_key(full)] = oid
        for oid, short, _full in rows:
            found[org_key(short)] = oid
        return found

    def people(self) -> dict[tuple[str, date], int]:
        rows = self.session.execute(select(Person.id, Person.search_key, Person.birth_date))
        return {(key, born): pid for pid, key, born in rows}

    def find_org(self, orgs: dict[str, int], number: int, key: str, text: Any) -> int | None:
        if text in (None, ""):
            return None
        oid = orgs.get(org_key(text))
        if oid is None:
            self.refuse(number, key, text,
                        f"ОО «{as_text(text)}» нет в базе: добавьте её в «Организации» "
                        "или исправьте название")
        return oid

    def find_person(self, people: dict[tuple[str, date], int], number: int,
                    values: dict[str, Any], prefix: str = "") -> int | None:
        last, first = values.get(f"{prefix}last_name", ""), values.get(f"{prefix}first_name", "")
        born = values.get(f"{prefix}birth_date")
        key = person_key(last, first, values.get(f"{prefix}middle_name", ""))
        pid = people.get((key, born)) if isinstance(born, date) else None
        if pid is None:
            self.refuse(number, f"{prefix}last_name", fio(last, first, ""),
                        f"педагога {fio(last, first, values.get(f'{prefix}middle_name', ''))}, "
                        f"{fmt_date(born)} г. р., нет в реестре: сначала загрузите его "
                        "на листе «Педагоги»")
        return pid


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
            data = validation.clean_organisation(_build(validation.OrganisationInput, merged))
            problems = validation.validate_organisation(data, self.today)
            for problem in problems:
                self.refuse(number, problem.field, getattr(data, problem.field, ""),
                            problem.message)
            if problems or status is None:
                continue
            new = {k: getattr(data, k) if k in values and hasattr(data, k) else merged[k]
                   for k in ORG_COLUMNS}
            new["is_active"], new["deactivated_on"] = status.active, status.since
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
        data = validation.clean_person(_build(validation.PersonInput, merged))
        for problem in validation.validate_person(data, self.today):
            self._refuse_field(number, problem, {problem.field: getattr(data, problem.field, "")})
        if len(self.outcome.errors) > before or org_id is None:
            return
        assert isinstance(status, validation.Status)
        new = {k: getattr(data, k) if k in values and hasattr(data, k) else merged[k]
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


class ActiveImport(FormImport):
    COLUMNS = ("status", "role", "subject_area", "nominated_by_body", "request_date",
               "submitted_on", "diagnosed_on", "included_order_number", "included_on", "notes")

    def run(self) -> None:
        orgs, people = self.organisations(), self.people()
        keyed = []
        for number, values in self.rows.rows:
            pid = self.find_person(people, number, values)
            if pid is not None and self.values_ok(number, values, "active_members"):
                keyed.append((pid, number, values))
        for pid, number, values in self.duplicates(keyed, "last_name", "член актива"):
            updates = {k: values[k] for k in self.COLUMNS if k in values}
            if "nominated_by" in values:
                before = len(self.outcome.errors)
                updates["nominated_by_org_id"] = self.find_org(
                    orgs, number, "nominated_by", values["nominated_by"])
                if len(self.outcome.errors) > before:
                    continue
            self._apply(pid, number, values, updates)

    def _apply(self, pid: int, number: int, values: dict[str, Any],
               updates: dict[str, Any]) -> None:
        member = self.session.scalars(
            select(ActiveMember).where(ActiveMember.person_id == pid,
                                       ActiveMember.status != "excluded")
            .order_by(ActiveMember.id.desc()).limit(1)).first()
        what = fio(values["last_name"], values["first_name"], values.get("middle_name", ""))
        action = CHANGED
        if member is None:
            member = ActiveMember(person_id=pid)
            self.session.add(member)
            action = ADDED
            # a blank role is not guessed: «не указано» (no indicator reads the role)
            updates.setdefault("role", ActiveRole.UNKNOWN.value)
        changed = _assign(member, updates)
        if "directions" in values:
            wanted = sorted(set(values["directions"]))
            if sorted(d.direction for d in member.directions) != wanted:
                member.directions = [MemberDirection(direction=d) for d in wanted]
                changed = True
        self.session.flush()
        self.act(number, action if action == ADDED or changed else UNCHANGED, what)


class PairsImport(FormImport):
    """Pairs and groups: what the school wrote is kept; a blank status is derived from the dates
    by the one rule of services.pairs.derive_status and said in a note; a blank category, model
    element or level of a new pair is «не указано»; contradictions of the status and the dates
    (services.pairs.end_problems) refuse every row of the pair."""

    PAIR_COLUMNS = ("model_element", "mentee_category", "level", "end_date", "ended_on",
                    "status", "end_reason", "order_number", "order_date")
    NEW_PAIR = {"model_element": ModelElement.UNKNOWN.value,
                "mentee_category": MenteeCategory.UNKNOWN.value,
                "level": PairLevel.UNKNOWN.value, "ended_on": None, "status": None,
                "end_reason": "", "order_number": "", "order_date": None}

    def run(self) -> None:
        people = self.people()
        forms = {fold(n): i for i, n in self.session.execute(
            select(MentorshipForm.id, MentorshipForm.name))}
        groups: dict[tuple[int, int, date], list[tuple[int, dict[str, Any], int]]] = {}
        for number, values in self.rows.rows:
            if not self.values_ok(number, values, "pairs"):
                continue
            resolved = self._resolve(number, values, people, forms)
            if resolved is not None:
                mentor, mentee, form = resolved
                groups.setdefault((mentor, form, values["start_date"]), []).append(
                    (number, values, mentee))
        for key, members in groups.items():
            if self._consistent(members):
                self._apply(key, members)

    def _resolve(self, number: int, values: dict[str, Any], people: dict[tuple[str, date], int],
                 forms: dict[str, int]) -> tuple[int, int, int] | None:
        before = len(self.outcome.errors)
        ids = []
        for who in ("mentor", "mentee"):
            pid = people.get((person_key(values[who]), values[f"{who}_birth_date"]))
            if pid is None:
                self.refuse(number, who, values[who],
                            f"{values[who]}, {fmt_date(values[f'{who}_birth_date'])} г. р., нет "
                            "в реестре: сначала загрузите педагога")
            ids.append(pid)
        form = forms.get(fold(values["form"]))
        if form is None:
            self.refuse(number, "form", values["form"], "такой формы наставничества нет в базе")
        if ids[0] is not None and ids[0] == ids[1]:
            self.refuse(number, "mentee", values["mentee"], "наставник не может быть "
                        "наставляемым сам у себя")
        if len(self.outcome.errors) > before or ids[0] is None or ids[1] is None or form is None:
            return None
        return ids[0], ids[1], form

    def refuse(self, number: int, key: str, value: Any, reason: str) -> None:
        """As FormImport.refuse; a column the sheet lacks is named by its form title."""
        if key in self.rows.present or key not in {f.key for f in PAIRS.fields}:
            super().refuse(number, key, value, reason)
            return
        self.outcome.errors.append(RowError(
            self.rows.sheet, number, f"— (столбца «{PAIRS.field(key).title}» нет в листе)",
            as_text(value), reason))

    def _consistent(self, members: list[tuple[int, dict[str, Any], int]]) -> bool:
        first_number, first, _ = members[0]
        pick = {k: first.get(k) for k in self.PAIR_COLUMNS}
        bad = [n for n, v, _ in members[1:] if {k: v.get(k) for k in self.PAIR_COLUMNS} != pick]
        for number, values, _ in members:
            if bad:
                self.refuse(number, "mentor", values["mentor"],
                            f"у одной пары (наставник, форма, дата начала) разные данные в строках "
                            f"{first_number}, {', '.join(str(n) for n in bad)}")
        return not bad

    def _apply(self, key: tuple[int, int, date], members: list[tuple[int, dict[str, Any], int]]
               ) -> None:
        mentor, form, start = key
        pair = self.session.scalars(select(Pair).where(
            Pair.mentor_id == mentor, Pair.form_id == form, Pair.start_date == start)).first()
        checked = self._checked_fields(pair, start, members)
        if checked is None:
            return
        fields, derived = checked
        added = pair is None
        if pair is None:
            pair = Pair(mentor_id=mentor, form_id=form, start_date=start,
                        end_date=fields["end_date"])
            self.session.add(pair)
        changed = _assign(pair, fields)
        have = {m.person_id for m in pair.mentees}
        said = f" (статус по датам: «{PairStatus(fields['status']).label}»)" if derived else ""
        for number, values, mentee in members:
            new_mentee = mentee not in have
            if new_mentee:
                pair.mentees.append(PairMentee(person_id=mentee))
                have.add(mentee)
            what = f"{values['mentor']} — {values['mentee']}{said}"
            action = ADDED if added or new_mentee else CHANGED if changed else UNCHANGED
            self.act(number, action, what)
        self.session.flush()

    def _checked_fields(self, pair: Pair | None, start: date,
                        members: list[tuple[int, dict[str, Any], int]]
                        ) -> tuple[dict[str, Any], str | None] | None:
        """The pair's columns as they will be stored (blank cells keep what a known pair has,
        a new pair gets «не указано»), the status given or derived, and why it was derived
        (None: given or kept); None when refused."""
        first = members[0][1]
        base = ({k: getattr(pair, k) for k in self.PAIR_COLUMNS} if pair is not None
                else dict(self.NEW_PAIR))
        fields = {**base, **{k: first[k] for k in self.PAIR_COLUMNS if k in first}}
        derived = None
        if "status" not in first:
            by_dates, why = derive_status(start, fields["end_date"], fields["ended_on"],
                                          self.today)
            kept = pair is not None and not end_problems(
                pair.status, start, fields["end_date"], fields["ended_on"],
                fields["end_reason"], self.today)
            if not kept:
                fields["status"], derived = by_dates, why
            elif by_dates != fields["status"]:
                self._note_kept(members, fields["status"], by_dates, why)
        problems = end_problems(fields["status"], start, fields["end_date"], fields["ended_on"],
                                fields["end_reason"], self.today)
        if problems:
            self._refuse_problems(members, problems, fields, derived)
            return None
        if derived:
            label = PairStatus(fields["status"]).label
            for number, _values, _mentee in members:
                self.note(number, "status", "", f"статус не указан — по датам на "
                          f"{fmt_date(self.today)} «{label}» ({derived})")
        return fields, derived

    def _note_kept(self, members: list[tuple[int, dict[str, Any], int]], status: str,
                   by_dates: str, why: str) -> None:
        """A known pair's status kept for a blank cell, though its dates give another."""
        for number, _values, _mentee in members:
            self.note(number, "status", "", (
                f"статус не указан — оставлен записанный «{PairStatus(status).label}», хотя по "
                f"датам на {fmt_date(self.today)} он «{PairStatus(by_dates).label}» ({why}): "
                "если пара идёт иначе, укажите статус"))

    def _refuse_problems(self, members: list[tuple[int, dict[str, Any], int]],
                         problems: list[EndProblem], fields: dict[str, Any],
                         derived: str | None) -> None:
        """Every contradiction refuses every row of the pair (a group has one row a mentee)."""
        label = PairStatus(fields["status"]).label
        for problem in problems:
            value = fields.get(problem.field)
            if problem.field == "status":
                value = "" if derived else label
            message = problem.message
            if derived and problem.field != "end_date":
                message = (f"статус не указан, по датам на {fmt_date(self.today)} он «{label}» "
                           f"({derived}); {message}")
            for number, _values, _mentee in members:
                self.refuse(number, problem.field, value, message)


class ParticipationsImport(FormImport):
    def run(self) -> None:
        people = self.people()
        keyed = []
        for number, values in self.rows.rows:
            pid = self.known.get(number) or self.find_person(people, number, values)
            if pid is not None and self.values_ok(number, values, "participations"):
                key = (pid, values["kind"], values["event_date"], fold(values.get("title", "")))
                keyed.append((key, number, values))
        for key, number, values in self.duplicates(keyed, "kind", "участие"):
            pid, kind, day, _title = key
            found = self._found(number, key)
            what = f"{fio(values['last_name'], values['first_name'])}: {values.get('title', '')}"
            updates: dict[str, Any] = {
                k: values[k] for k in ("title", "level", "result") if k in values}
            if found is None:
                self.session.add(Participation(person_id=pid, kind=kind, event_date=day,
                                               **updates))
                self.act(number, ADDED, what)
            else:
                if number in self.records:  # a known record may change its kind and date too
                    updates.update(kind=kind, event_date=day)
                self.act(number, CHANGED if _assign(found, updates) else UNCHANGED, what)
        self.session.flush()

    def _found(self, number: int, key: tuple[int, str, date, str]) -> Participation | None:
        """The participation of the row: the known record, else the person's one of that
        kind, date and title."""
        if number in self.records:
            return self.session.get(Participation, self.records[number])
        pid, kind, day, title = key
        found = None
        for p in self.session.scalars(select(Participation).where(
                Participation.person_id == pid, Participation.kind == kind,
                Participation.event_date == day)):
            if fold(p.title) == title:
                found = p
        return found


class DiagnosticsImport(FormImport):
    def __init__(self, *args: Any, instrument: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.instrument = instrument

    def run(self) -> None:
        people = self.people()
        items = {f"item:{i.code}": i for i in self.session.scalars(
            select(InstrumentItem).where(InstrumentItem.instrument_id == self.instrument.id))}
        keyed = []
        for number, values in self.rows.rows:
            pid = self.find_person(people, number, values)
            if pid is not None and self.values_ok(number, values, "diagnostic_sessions") and \
                    self._scores_ok(number, values, items):
                keyed.append(((pid, values["session_date"]), number, values))
        for (pid, day), number, values in self.duplicates(keyed, "session_date", "диагностика"):
            self._apply(pid, day, number, values, items)
        self.session.flush()
        if keyed:  # stored area means and deficits follow the answers written above
            diagnostics.sessions_changed(self.session, {key[0] for key, _n, _v in keyed})

    def _scores_ok(self, number: int, values: dict[str, Any],
                   items: dict[str, InstrumentItem]) -> bool:
        low, high = self.instrument.scale_min, self.instrument.scale_max
        scores = {k: v for k, v in values.items() if k in items}
        ok = bool(scores)
        if not scores:
            self.refuse(number, "session_date", "", "нет ни одного балла по пунктам инструмента")
        for key, score in scores.items():
            reason = validation.score_problem(score, low, high)
            if reason is not None:
                self.refuse(number, key, score, reason)
                ok = False
        return ok

    def _apply(self, pid: int, day: date, number: int, values: dict[str, Any],
               items: dict[str, InstrumentItem]) -> None:
        session_row = self.session.scalars(select(DiagnosticSession).where(
            DiagnosticSession.person_id == pid, DiagnosticSession.session_date == day,
            DiagnosticSession.instrument_id == self.instrument.id)).first()
        what = f"{fio(values['last_name'], values['first_name'])}, {fmt_date(day)}"
        kind = values.get("session_kind", self.instrument.kind)
        if session_row is None:
            session_row = DiagnosticSession(person_id=pid, session_date=day, kind=kind,
                                            instrument_id=self.instrument.id)
            self.session.add(session_row)
            action = ADDED
        else:
            action = CHANGED if _assign(session_row, {"kind": kind}) else UNCHANGED
        old = {a.item_id: a.score for a in session_row.answers}
        new = {items[k].id: v for k, v in values.items() if k in items}
        if {**old, **new} != old:
            kept = [a for a in session_row.answers if a.item_id not in new]
            session_row.answers = kept + [Answer(item_id=i, score=s) for i, s in new.items()]
            action = action if action == ADDED else CHANGED
        self.act(number, action, what)


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _build(cls: Any, merged: dict[str, Any]) -> Any:
    names = {f.name for f in dc_fields(cls)}
    return cls(**{k: v for k, v in merged.items() if k in names})


def _write(session: Session, model: Any, inserts: list[dict[str, Any]],
           updates: list[dict[str, Any]], before: dict[int, dict[str, Any]]) -> list[int]:
    """Insert and update the rows set-based, each logged in change_log (old → new values);
    returns the ids of the rows inserted, in their order."""
    log = BulkLog(session)
    table = model.__table__
    ids: list[int] = []
    if inserts:
        # SQLite gives each new row an id above every id there (one writer: this transaction),
        # in the order inserted; reading them back costs less than RETURNING (30 000 rows:
        # 0,46 s against 0,68 s).
        top = session.scalar(select(func.max(table.c.id))) or 0
        session.execute(insert(table), inserts)
        ids = list(session.scalars(select(table.c.id).where(table.c.id > top)
                                   .order_by(table.c.id)))
        log.inserted(table, inserts, ids)
    if updates:
        session.execute(update(model), updates)
        log.updated(table, ((before[row["id"]], row) for row in updates))
    log.write()
    session.flush()
    return ids
