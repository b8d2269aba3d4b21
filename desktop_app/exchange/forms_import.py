"""Taking in the rows of the blank forms: match, validate against the database, write."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import as_text, header_key
from desktop_app.exchange.reader import RowError, SheetRows
from desktop_app.exchange.result import ADDED, CHANGED, UNCHANGED, RowAction, SheetOutcome
from desktop_app.model import (
    ActiveMember,
    Answer,
    DiagnosticSession,
    InstrumentItem,
    MemberDirection,
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.services import diagnostics, validation
from desktop_app.services.changelog import BulkLog
from desktop_app.textutil import fio, fmt_date, fold, person_key, person_sort_key, short_fio

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


class FormImport:
    """Shared parts: refusals with the sheet, row and column; row actions."""

    def __init__(self, session: Session, rows: SheetRows, outcome: SheetOutcome,
                 today: date) -> None:
        self.session = session
        self.rows = rows
        self.outcome = outcome
        self.today = today

    def refuse(self, number: int, key: str, value: Any, reason: str) -> None:
        self.outcome.errors.append(
            RowError(self.rows.sheet, number, self.rows.column_name(key), as_text(value), reason)
        )

    def act(self, number: int, action: str, what: str) -> None:
        self.outcome.actions.append(RowAction(self.rows.sheet, number, action, what))

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
        pid = people.get((person_key(last, first, values.get(f"{prefix}middle_name", "")), born))
        if pid is None:
            self.refuse(number, f"{prefix}last_name", fio(last, first, ""),
                        f"педагога {fio(last, first, values.get(f'{prefix}middle_name', ''))}, "
                        f"{fmt_date(born)} г. р., нет в реестре: сначала загрузите его "
                        "на листе «Педагоги»")
        return pid


class OrganisationImport(FormImport):
    def run(self) -> None:
        orgs = self.organisations()
        existing = {r.id: dict(r._mapping) for r in self.session.execute(
            select(Organisation.__table__))}
        keyed = [(org_key(v.get("short_name", "")), n, v) for n, v in self.rows.rows]
        inserts, updates = [], []
        defaults = column_defaults(Organisation.__table__)
        for _key, number, values in self.duplicates(keyed, "short_name", "ОО"):
            oid = orgs.get(org_key(values.get("short_name", ""))) or orgs.get(
                org_key(values.get("full_name", "")) or "\0")
            base = existing[oid] if oid else {k: defaults.get(k) for k in ORG_COLUMNS}
            merged = {**base, **values}
            data = validation.clean_organisation(_build(validation.OrganisationInput, merged))
            problems = validation.validate_organisation(data, self.today)
            for problem in problems:
                self.refuse(number, problem.field, getattr(data, problem.field, ""),
                            problem.message)
            if problems:
                continue
            new = {k: getattr(data, k) if k in values else merged[k] for k in ORG_COLUMNS}
            self._plan(number, oid, base, new, inserts, updates)
        _write(self.session, Organisation, inserts, updates, existing)

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


class PeopleImport(FormImport):
    def run(self) -> None:
        orgs = self.organisations()
        people = self.people()
        keyed = []
        for number, values in self.rows.rows:
            key = (person_key(values["last_name"], values["first_name"],
                              values.get("middle_name", "")), values["birth_date"])
            keyed.append((key, number, values))
        kept = self.duplicates(keyed, "last_name", "педагог")
        wanted = [people[k] for k, _, _ in kept if k in people]
        existing = self._existing(wanted)
        defaults = column_defaults(Person.__table__)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for key, number, values in kept:
            self._row(key, number, dict(values), orgs, people, existing, defaults,
                      inserts, updates)
        _write(self.session, Person, inserts, updates, existing)

    def _existing(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        table = Person.__table__
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for r in self.session.execute(select(table).where(table.c.id.in_(chunk))):
                out[r.id] = dict(r._mapping)
        return out

    def _row(self, key: tuple[str, date], number: int, values: dict[str, Any],
             orgs: dict[str, int], people: dict[tuple[str, date], int],
             existing: dict[int, dict[str, Any]], defaults: dict[str, Any],
             inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
        if "organisation" in values:
            text = values.pop("organisation")
            before = len(self.outcome.errors)
            values["organisation_id"] = self.find_org(orgs, number, "organisation", text)
            if len(self.outcome.errors) > before:
                return
        pid = people.get(key)
        base = existing[pid] if pid else {k: defaults.get(k) for k in PERSON_COLUMNS}
        merged = {**base, **values}
        data = validation.clean_person(_build(validation.PersonInput, merged))
        problems = validation.validate_person(data, self.today)
        for problem in problems:
            field = "organisation" if problem.field == "organisation_id" else problem.field
            self.refuse(number, field, getattr(data, problem.field, ""), problem.message)
        if problems:
            return
        new = {k: getattr(data, k) if k in values and hasattr(data, k) else merged[k]
               for k in PERSON_COLUMNS}
        names = new["last_name"], new["first_name"], new["middle_name"]
        new["search_key"] = person_key(*names)
        new["sort_key"] = person_sort_key(*names)
        what = f"{short_fio(new['last_name'], new['first_name'], new['middle_name'])}, " \
               f"{fmt_date(new['birth_date'])}"
        if pid is None:
            inserts.append(new)
            self.act(number, ADDED, what)
        elif any(base[k] != new[k] for k in PERSON_COLUMNS):
            updates.append({"id": pid, **new})
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
            if pid is not None:
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
        changed = _assign(member, updates)
        if "directions" in values:
            wanted = sorted(set(values["directions"]))
            if sorted(d.direction for d in member.directions) != wanted:
                member.directions = [MemberDirection(direction=d) for d in wanted]
                changed = True
        self.session.flush()
        self.act(number, action if action == ADDED or changed else UNCHANGED, what)


class PairsImport(FormImport):
    PAIR_COLUMNS = ("model_element", "mentee_category", "level", "end_date", "status",
                    "order_number", "order_date")

    def run(self) -> None:
        people = self.people()
        forms = {fold(n): i for i, n in self.session.execute(
            select(MentorshipForm.id, MentorshipForm.name))}
        groups: dict[tuple[int, int, date], list[tuple[int, dict[str, Any], int]]] = {}
        for number, values in self.rows.rows:
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
        if values["end_date"] < values["start_date"]:
            self.refuse(number, "end_date", fmt_date(values["end_date"]),
                        "дата окончания раньше даты начала")
        if ids[0] is not None and ids[0] == ids[1]:
            self.refuse(number, "mentee", values["mentee"], "наставник не может быть "
                        "наставляемым сам у себя")
        if len(self.outcome.errors) > before or ids[0] is None or ids[1] is None or form is None:
            return None
        return ids[0], ids[1], form

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
        first = members[0][1]
        pair = self.session.scalars(select(Pair).where(
            Pair.mentor_id == mentor, Pair.form_id == form, Pair.start_date == start)).first()
        added = pair is None
        if pair is None:
            pair = Pair(mentor_id=mentor, form_id=form, start_date=start,
                        end_date=first["end_date"])
            self.session.add(pair)
        changed = _assign(pair, {k: first[k] for k in self.PAIR_COLUMNS if k in first})
        have = {m.person_id for m in pair.mentees}
        for number, values, mentee in members:
            new_mentee = mentee not in have
            if new_mentee:
                pair.mentees.append(PairMentee(person_id=mentee))
                have.add(mentee)
            what = f"{values['mentor']} — {values['mentee']}"
            action = ADDED if added or new_mentee else CHANGED if changed else UNCHANGED
            self.act(number, action, what)
        self.session.flush()


class ParticipationsImport(FormImport):
    def run(self) -> None:
        people = self.people()
        keyed = []
        for number, values in self.rows.rows:
            pid = self.find_person(people, number, values)
            if pid is not None:
                key = (pid, values["kind"], values["event_date"], fold(values.get("title", "")))
                keyed.append((key, number, values))
        for key, number, values in self.duplicates(keyed, "kind", "участие"):
            pid, kind, day, _title = key
            found = None
            for p in self.session.scalars(select(Participation).where(
                    Participation.person_id == pid, Participation.kind == kind,
                    Participation.event_date == day)):
                if fold(p.title) == key[3]:
                    found = p
            what = f"{fio(values['last_name'], values['first_name'])}: {values.get('title', '')}"
            updates = {k: values[k] for k in ("title", "level", "result") if k in values}
            if found is None:
                self.session.add(Participation(person_id=pid, kind=kind, event_date=day,
                                               **updates))
                self.act(number, ADDED, what)
            else:
                self.act(number, CHANGED if _assign(found, updates) else UNCHANGED, what)
        self.session.flush()


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
            if pid is not None and self._scores_ok(number, values, items):
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
            if not low <= score <= high:
                self.refuse(number, key, score, f"балл должен быть от {low} до {high}")
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
           updates: list[dict[str, Any]], before: dict[int, dict[str, Any]]) -> None:
    """Insert and update the rows set-based, each logged in change_log (old → new values)."""
    log = BulkLog(session)
    table = model.__table__
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
