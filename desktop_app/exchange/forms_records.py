"""The importers of the blank forms whose rows are records of the registry's people (the ОО and
people themselves are in forms_import.py): the methodical active (ActiveImport), mentoring pairs
and groups with their status and dates (PairsImport), participations in events
(ParticipationsImport) and diagnostics with their answers (DiagnosticsImport); each matches its
rows to the people of the database, checks them and writes them through forms_base.FormImport.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from desktop_app.exchange.cells import as_text
from desktop_app.exchange.forms_base import FormImport, _assign
from desktop_app.exchange.kinds import PAIRS
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.result import ADDED, CHANGED, UNCHANGED
from desktop_app.model import (
    ActiveMember,
    Answer,
    DiagnosticSession,
    InstrumentItem,
    MemberDirection,
    MentorshipForm,
    Pair,
    PairMentee,
    Participation,
)
from desktop_app.model.enums import ActiveRole, MenteeCategory, ModelElement, PairLevel, PairStatus
from desktop_app.services import diagnostics, validation
from desktop_app.services.pairs import EndProblem, derive_status, end_problems
from desktop_app.textutil import fio, fmt_date, fold, person_key


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
