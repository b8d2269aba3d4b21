"""The comparison of a returned round file (review.py reads it): each coded row against what
was sent and the database now, field by field, a state or a pair's end taken as one change, a
conflict where the centre changed the value after sending; the new rows (a person added or
moved in, a pair, a participation); the sent rows the school deleted (Unconfirmed); the
refusals of rows that would change what a sent row is. Also the values as the user reads them
(shown, person_what) and the database's row of one record (pair_row, participation_row).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import as_text, header_key
from desktop_app.exchange.kinds import Field
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.rounds.changes import (
    ADD_PERSON,
    FIELD,
    LEAVE,
    MOVE_IN,
    ORG_STATUS_KEYS,
    PAIR_ADD,
    PAIR_END,
    PAIR_END_KEYS,
    PARTICIPATION_ADD,
    STATUS_KEYS,
    Change,
    Returned,
    ReturnedRow,
    Review,
    Unconfirmed,
)
from desktop_app.exchange.rounds.spec import (
    CODE,
    SHEET_BY_KIND,
    SHEETS,
    RoundError,
    Snapshot,
    _org_row,
    _person_row,
    canon,
    code_of,
    ids_of,
    take_snapshot,
)
from desktop_app.model import (
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.model.enums import PairStatus
from desktop_app.services.validation import normalise_email, normalise_phone
from desktop_app.textutil import clean, fio, fmt_date, person_key, short_fio

PAIR_PEOPLE = ("mentor", "mentor_birth_date", "mentee", "mentee_birth_date")
PAIR_IDENTITY = (*PAIR_PEOPLE, "form", "start_date")
NAME_KEYS = ("last_name", "first_name", "middle_name", "birth_date")
FINAL_STATUSES = (PairStatus.COMPLETED.value, PairStatus.ENDED_EARLY.value)

KEPT_IDENTITY = ("у отправленной пары не меняются наставник, наставляемый, форма и дата начала: "
                 "если пара другая, отметьте эту завершённой и добавьте новую строку без кода")
KEPT_PERSON = ("отправленная строка участия не переносится на другого педагога: исправьте ФИО "
               "на листе «Педагоги» или добавьте новую строку без кода")


def same(key: str, a: str, b: str) -> bool:
    """Two canonical texts of a field say the same: a phone or an e-mail as the registry
    keeps them (written otherwise, it is not a change)."""
    if a == b:
        return True
    if key == "phone":
        return (normalise_phone(a) or a) == (normalise_phone(b) or b)
    if key == "email":
        return normalise_email(a) == normalise_email(b)
    return False


# comparing ------------------------------------------------------------------------------------
def shown(f: Field, text: str) -> str:
    """A canonical text as the user reads it: dd.mm.yyyy, the label of a list, да/нет."""
    if not text:
        return ""
    if f.type == "date":
        try:
            return fmt_date(date.fromisoformat(text))
        except ValueError:
            return text
    if f.type == "enum" and f.enum is not None:
        try:
            return f.enum(text).label
        except ValueError:
            return text
    return text


def _fields(kind: str) -> dict[str, Field]:
    return {f.key: f for f in SHEET_BY_KIND[kind].form_fields}


def person_what(last: str, first: str, middle: str, born: object) -> str:
    """«Иванова А.С., 12.03.1990»."""
    day = born if isinstance(born, date) else _iso(str(born or ""))
    return f"{short_fio(last, first, middle)}, {fmt_date(day)}"


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _status_text(flag: str, day: str, leaving: str = "выбыл(а)") -> str:
    if flag == "нет":
        return f"{leaving} с {fmt_date(_iso(day))}" if day else "нет (дата не указана)"
    return "работает" if flag == "да" else ""


class _Comparison:
    """The changes of a returned file: each coded row against what was sent and the database
    now, the new rows, the sent rows missing."""

    def __init__(self, session: Session, review: Review, returned: Returned,
                 sent: Snapshot, org: Organisation) -> None:
        self.session, self.review, self.returned, self.sent = session, review, returned, sent
        self.org = org
        self.org_keys = {header_key(org.short_name), header_key(org.full_name or "")} - {""}
        self.now = take_snapshot(session, org.id, returned.on)

    def run(self) -> None:
        self._organisation_rows()
        self._people_rows()
        self._unconfirmed()
        for kind in ("organisations", "people", "pairs", "participations"):
            self._coded(kind)
        self._new_people()
        self._new_pairs()
        self._new_participations()

    # helpers ---------------------------------------------------------------------------------
    def refuse(self, kind: str, number: int, key: str, value: Any, reason: str) -> None:
        rows = self.returned.sheets[kind]
        self.review.errors.append(RowError(rows.sheet, number, rows.column_name(key),
                                           as_text(value), reason))

    def add(self, change: Change, kind: str, number: int, keys: Iterable[str]) -> None:
        self.review.changes.append(change)
        self.returned.keys[change.id] = (kind, number, tuple(keys))

    def another_org(self, number: int, name: str) -> RoundError:
        return RoundError(f"Файл ОО «{self.org.short_name}», а в строке {number} — ОО «{name}»: "
                          "файл не принят. В файле ОО — только её собственные данные; педагог, "
                          "перешедший в другую ОО, отмечается выбывшим («Работает» — нет, «Дата "
                          "выбытия»).")

    def is_own(self, name: str) -> bool:
        return header_key(name) in self.org_keys

    # the sheets' own rules ---------------------------------------------------------------------
    def _organisation_rows(self) -> None:
        """The «Организация» sheet is the file's ОО only: a row of another ОО refuses the
        file; a row of its own without a code is its row."""
        own = code_of("organisations", self.org.id)
        coded = self.returned.coded.get("organisations", {})
        for code, row in list(coded.items()):
            if code != own:
                raise self.another_org(row.number, as_text(row.values.get("short_name", code)))
        for row in self.returned.new.get("organisations", []):
            name = as_text(row.values.get("short_name", ""))
            if not (self.is_own(name) or self.is_own(as_text(row.values.get("full_name")))):
                raise self.another_org(row.number, name)
            if own in coded:
                self.refuse("organisations", row.number, "short_name", name,
                            f"ОО уже есть в строке {coded[own].number}: строка повторяется")
            else:
                row.code = own
                coded[own] = row
        self.returned.new["organisations"] = []

    def _people_rows(self) -> None:
        """Every person row names the file's ОО; a row without a code of a person who was
        sent is that person's row."""
        sent = self.sent.rows.get("people", {})
        coded = self.returned.coded.get("people", {})
        for row in [*coded.values(), *self.returned.new.get("people", [])]:
            name = as_text(row.values.get("organisation", ""))
            if not self.is_own(name):
                raise self.another_org(row.number, name)
        kept = []
        found = self._registry(self.returned.new.get("people", []))
        for row in self.returned.new.get("people", []):
            pid = found.get(row.number)
            code = code_of("people", pid[0]) if pid else ""
            if code in sent and code in coded:
                self.refuse("people", row.number, "last_name", row.values.get("last_name"),
                            f"педагог уже есть в строке {coded[code].number} (код {code}): "
                            "строка повторяется")
            elif code in sent:
                row.code = code
                coded[code] = row
            else:
                kept.append(row)
        self.returned.new["people"] = kept

    def _registry(self, rows: list[ReturnedRow]) -> dict[int, tuple[int, int | None, bool,
                                                                     date | None]]:
        """Row → (id, ОО, working, left on) of the person of the registry with the row's ФИО and
        birth date."""
        wanted = {(person_key(r.values.get("last_name", ""), r.values.get("first_name", ""),
                              r.values.get("middle_name", "")), r.values.get("birth_date")):
                  r.number for r in rows}
        found: dict[int, tuple[int, int | None, bool, date | None]] = {}
        keys = sorted({k for k, _ in wanted})
        for start in range(0, len(keys), 500):
            for pid, key, born, oid, active, left in self.session.execute(
                    select(Person.id, Person.search_key, Person.birth_date,
                           Person.organisation_id, Person.is_active, Person.left_on)
                    .where(Person.search_key.in_(keys[start:start + 500]))):
                if (key, born) in wanted:
                    found[wanted[(key, born)]] = (pid, oid, bool(active), left)
        return found

    def _unconfirmed(self) -> None:
        for sheet in SHEETS:
            if sheet.kind not in self.returned.sheets:
                continue
            present = set(self.returned.coded.get(sheet.kind, {}))
            present |= self.returned.codes_read.get(sheet.kind, set())
            for code, row in self.sent.rows.get(sheet.kind, {}).items():
                if code not in present:
                    self.review.unconfirmed.append(
                        Unconfirmed(sheet.title, code, self._what(sheet.kind, row)))

    def _what(self, kind: str, row: Mapping[str, str]) -> str:
        if kind == "people":
            return person_what(row.get("last_name", ""), row.get("first_name", ""),
                               row.get("middle_name", ""), row.get("birth_date", ""))
        if kind == "pairs":
            return f"пара {row.get('mentor', '')} — {row.get('mentee', '')}"
        if kind == "participations":
            kind_text = shown(_fields("participations")["kind"], row.get("kind", ""))
            who = short_fio(row.get("last_name", ""), row.get("first_name", ""),
                            row.get("middle_name", ""))
            return (f"{who}: {kind_text} «{row.get('title', '')}», "
                    f"{fmt_date(_iso(row.get('event_date', '')))}")
        return f"ОО «{row.get('short_name', '')}»"

    # coded rows --------------------------------------------------------------------------------
    def _coded(self, kind: str) -> None:
        sent_rows = self.sent.rows.get(kind, {})
        sheet = SHEET_BY_KIND[kind]
        for code, row in self.returned.coded.get(kind, {}).items():
            if code not in sent_rows:
                what = ("такого кода в отправленном файле нет" if ids_of(kind, code) else
                        "это не код записи этого листа")
                self.refuse(kind, row.number, CODE.key, code,
                            f"{what}: у новой строки оставьте «{CODE.title}» пустым")
                continue
            now = self.now.rows.get(kind, {}).get(code) or self._current(kind, code)
            if now is None:
                self.review.notes.append(RowError(
                    sheet.title, row.number, self.returned.sheets[kind].column_name(CODE.key),
                    code, "запись удалена в базе центра после отправки файла: строка не "
                          "учитывается"))
                continue
            self._row_changes(kind, code, row, sent_rows[code], now)

    def _current(self, kind: str, code: str) -> dict[str, str] | None:
        """The database's row of a code the snapshot of the ОО now lacks (moved, left, ended,
        deleted since)."""
        ids = ids_of(kind, code)
        if ids is None:
            return None
        if kind == "organisations":
            org = self.session.get(Organisation, ids[0])
            return None if org is None else _org_row(org)
        if kind == "people":
            person = self.session.get(Person, ids[0])
            if person is None:
                return None
            name = person.organisation.short_name if person.organisation else ""
            return _person_row(person, name)
        if kind == "pairs":
            return pair_row(self.session, ids[0], ids[1])
        return participation_row(self.session, ids[0])

    def _row_changes(self, kind: str, code: str, row: ReturnedRow, sent: Mapping[str, str],
                     now: Mapping[str, str]) -> None:
        fields = _fields(kind)
        back = row.texts
        if kind == "pairs" and not row.back.get("status"):
            # a blank status: as sent, unless the actual end is new (then given by the dates)
            ended = _differs(back, sent, ("ended_on",))
            back = {**back, "status": "" if ended else sent.get("status", "")}
        changed = [k for k in fields
                   if k != "organisation" and not same(k, back.get(k, ""), sent.get(k, ""))]
        if kind == "pairs":
            changed = self._pair_identity(row, code, changed)
        elif kind == "participations":
            changed = self._participation_person(row, code, changed)
        elif kind == "people" and any(k in changed for k in NAME_KEYS):
            self._renamed_into_another(row, code)
        groups = self._groups(kind, changed, back, sent)
        what = self._what(kind, sent)
        for keys, change_kind in groups:
            self._group_change(kind, code, row, keys, change_kind, what, sent, now, back)

    def _groups(self, kind: str, changed: list[str], back: Mapping[str, str],
                sent: Mapping[str, str]) -> list[tuple[tuple[str, ...], str]]:
        """The changed fields as changes: the state of a person (or an ОО) one change, the end
        of a pair one change, every other field its own."""
        together: tuple[str, ...] = ()
        kind_of = FIELD
        if kind == "people":
            together = STATUS_KEYS
            if sent.get("is_active") == "да" and (back.get("is_active") == "нет"
                                                  or back.get("left_on")):
                kind_of = LEAVE
        elif kind == "organisations":
            together = ORG_STATUS_KEYS
        elif kind == "pairs":
            together = PAIR_END_KEYS
            if back.get("status") in FINAL_STATUSES or (back.get("ended_on") and not
                                                          sent.get("ended_on")):
                kind_of = PAIR_END
        groups: list[tuple[tuple[str, ...], str]] = []
        joint = tuple(k for k in together if k in changed)
        if joint and kind != "pairs":  # the flag and the date are taken together, as given
            joint = together
        if joint:
            groups.append((joint, kind_of))
        groups += [((k,), FIELD) for k in changed if k not in together]
        return groups

    def _group_change(self, kind: str, code: str, row: ReturnedRow, keys: tuple[str, ...],
                      change_kind: str, what: str, sent: Mapping[str, str],
                      now: Mapping[str, str], back: Mapping[str, str]) -> None:
        if all(same(k, now.get(k, ""), back.get(k, "")) for k in keys):
            return  # the centre already has what the school says
        conflict = any(not same(k, now.get(k, ""), sent.get(k, "")) for k in keys)
        title, old, new, current = self._describe(kind, keys, sent, back, now)
        change_id = f"{kind}:{code}:{'leave' if change_kind == LEAVE else '+'.join(keys)}"
        if change_kind == PAIR_END:
            change_id = f"{kind}:{code}:end"
        sheet = SHEET_BY_KIND[kind].title
        self.add(Change(change_id, sheet, row.number, change_kind, what, title, old, new,
                        current if conflict else None), kind, row.number, keys)

    def _describe(self, kind: str, keys: tuple[str, ...], sent: Mapping[str, str],
                  back: Mapping[str, str], now: Mapping[str, str]) -> tuple[str, str, str, str]:
        """The column title and the old, new and current values as the user reads them."""
        fields = _fields(kind)
        if len(keys) > 1 or keys[0] in (*STATUS_KEYS, *ORG_STATUS_KEYS, *PAIR_END_KEYS):
            return self._joint(kind, keys, sent, back, now)
        f = fields[keys[0]]
        return (f.title, shown(f, sent.get(f.key, "")), shown(f, back.get(f.key, "")),
                shown(f, now.get(f.key, "")))

    def _joint(self, kind: str, keys: tuple[str, ...], sent: Mapping[str, str],
               back: Mapping[str, str], now: Mapping[str, str]) -> tuple[str, str, str, str]:
        """A state («Работает» with «Дата выбытия», «Действует» with «Дата закрытия») or the end
        of a pair, as one value."""
        if kind == "pairs":
            return ("Завершение", _pair_end(sent), _pair_end(back), _pair_end(now))
        day = "left_on" if kind == "people" else "deactivated_on"
        word = "выбыл(а)" if kind == "people" else "закрыта"
        title = "Дата выбытия" if kind == "people" else "Дата закрытия"

        def state(row: Mapping[str, str]) -> str:
            text = _status_text(row.get("is_active", ""), row.get(day, ""), word)
            return text if kind == "people" else text.replace("работает", "действует")

        return title, state(sent), state(back), state(now)

    def _pair_identity(self, row: ReturnedRow, code: str, changed: list[str]) -> list[str]:
        """The mentor, the mentee, the form and the start of a sent pair are not changed here:
        a name corrected on «Педагоги» is that correction; anything else is refused."""
        ids = ids_of("pairs", code)
        pair = self.session.get(Pair, ids[0]) if ids else None
        fixed = [k for k in changed if k in PAIR_IDENTITY]
        if pair is None or not fixed:
            return changed
        renamed = {**self._renamed("mentor", pair.mentor_id),
                   **self._renamed("mentee", ids[1] if ids else 0)}
        for key in fixed:
            if key in renamed and renamed[key] == row.texts.get(key, ""):
                continue
            self.refuse("pairs", row.number, key, row.values.get(key, ""), KEPT_IDENTITY)
        return [k for k in changed if k not in PAIR_IDENTITY]

    def _renamed(self, who: str, pid: int) -> dict[str, str]:
        """A person's ФИО and birth date as the returned «Педагоги» sheet gives them."""
        row = self.returned.coded.get("people", {}).get(code_of("people", pid))
        if row is None:
            return {}
        t = row.texts
        return {who: canon(fio(t["last_name"], t["first_name"], t["middle_name"])),
                f"{who}_birth_date": t["birth_date"]}

    def _participation_person(self, row: ReturnedRow, code: str, changed: list[str]) -> list[str]:
        ids = ids_of("participations", code)
        record = self.session.get(Participation, ids[0]) if ids else None
        fixed = [k for k in changed if k in NAME_KEYS]
        if record is None or not fixed:
            return changed
        person = self.returned.coded.get("people", {}).get(code_of("people", record.person_id))
        for key in fixed:
            if person is not None and person.texts.get(key, "") == row.texts.get(key, ""):
                continue
            self.refuse("participations", row.number, key, row.values.get(key, ""), KEPT_PERSON)
        return [k for k in changed if k not in NAME_KEYS]

    def _renamed_into_another(self, row: ReturnedRow, code: str) -> None:
        """A ФИО or birth date corrected into those of another person of the registry."""
        ids = ids_of("people", code)
        key = person_key(row.values.get("last_name", ""), row.values.get("first_name", ""),
                         row.values.get("middle_name", ""))
        other = self.session.execute(select(Person.id, Organisation.short_name).outerjoin(
            Organisation, Organisation.id == Person.organisation_id).where(
            Person.search_key == key, Person.birth_date == row.values.get("birth_date"),
            Person.id != (ids[0] if ids else 0))).first()
        if other is not None:
            v = row.values
            who = person_what(v.get("last_name", ""), v.get("first_name", ""),
                              v.get("middle_name", ""), v.get("birth_date"))
            self.refuse("people", row.number, "last_name", v.get("last_name", ""), (
                f"{who} г. р. уже есть в реестре: № {other[0]}, "
                f"{other[1] or 'без места работы'} — исправленные ФИО и дата рождения совпали "
                "с другим педагогом"))

    # new rows ----------------------------------------------------------------------------------
    def _new_people(self) -> None:
        rows = self.returned.new.get("people", [])
        found = self._registry(rows)
        names: dict[int, str] = {oid: name for oid, name in self.session.execute(
            select(Organisation.id, Organisation.short_name))}
        for row in rows:
            v = row.values
            what = person_what(v.get("last_name", ""), v.get("first_name", ""),
                               v.get("middle_name", ""), v.get("birth_date"))
            sheet = SHEET_BY_KIND["people"].title
            known = found.get(row.number)
            position = clean(as_text(v.get("position", "")))
            if known is None or (known[1] == self.org.id and known[2]):
                note = "уже в реестре центра (внесён после отправки файла): запись обновится " \
                       "по строке" if known else position
                self.add(Change(f"people:new:{row.number}", sheet, row.number, ADD_PERSON, what,
                                "", "", note), "people", row.number, ())
                continue
            pid, oid, active, left = known
            if active or oid != self.org.id:
                old = f"«{names.get(oid, '')}»" if oid is not None else "без места работы"
                if not active:
                    old += f", выбыл(а) {fmt_date(left)}"
            else:
                old = f"выбыл(а) из этой ОО {fmt_date(left)}"
            moved = v.get("moved_on")
            new = (f"работает в ОО с {fmt_date(moved)}" if moved else
                   "«Дата перевода (приёма)» не указана")
            self.add(Change(f"people:new:{row.number}", sheet, row.number, MOVE_IN,
                            f"{what} (№ {pid})", "ОО", old, new), "people", row.number, ())

    def _new_pairs(self) -> None:
        f = _fields("pairs")
        for row in self.returned.new.get("pairs", []):
            t = row.texts
            new = (f"{shown(f['form'], t.get('form', ''))}, с "
                   f"{shown(f['start_date'], t.get('start_date', ''))} по "
                   f"{shown(f['end_date'], t.get('end_date', ''))}")
            self.add(Change(f"pairs:new:{row.number}", SHEET_BY_KIND["pairs"].title, row.number,
                            PAIR_ADD, f"пара {t.get('mentor', '')} — {t.get('mentee', '')}", "",
                            "", new), "pairs", row.number, ())

    def _new_participations(self) -> None:
        f = _fields("participations")
        for row in self.returned.new.get("participations", []):
            t = row.texts
            what = person_what(t.get("last_name", ""), t.get("first_name", ""),
                               t.get("middle_name", ""), t.get("birth_date", ""))
            new = (f"{shown(f['kind'], t.get('kind', ''))} «{t.get('title', '')}», "
                   f"{shown(f['event_date'], t.get('event_date', ''))}")
            self.add(Change(f"participations:new:{row.number}",
                            SHEET_BY_KIND["participations"].title, row.number, PARTICIPATION_ADD,
                            what, "", "", new), "participations", row.number, ())


def _differs(a: Mapping[str, str], b: Mapping[str, str], keys: Iterable[str]) -> bool:
    return any(a.get(k, "") != b.get(k, "") for k in keys)


def _pair_end(row: Mapping[str, str]) -> str:
    status = row.get("status", "")
    label = PairStatus(status).label if status in {s.value for s in PairStatus} else status
    day = row.get("ended_on", "")
    text = (label or "статус по датам") + (f" {fmt_date(_iso(day))}" if day else "")
    if row.get("end_reason"):
        text += f": {row['end_reason']}"
    return text


# the database's rows of one record --------------------------------------------------------------
def pair_row(session: Session, pair_id: int, mentee_id: int) -> dict[str, str] | None:
    """A pair's row for one mentee as a round file shows it (spec.take_snapshot's columns)."""
    pair = session.get(Pair, pair_id)
    mentee = session.get(Person, mentee_id)
    if pair is None or mentee is None or not session.scalar(select(PairMentee.pair_id).where(
            PairMentee.pair_id == pair_id, PairMentee.person_id == mentee_id)):
        return None
    mentor = session.get(Person, pair.mentor_id)
    form = session.get(MentorshipForm, pair.form_id)
    assert mentor is not None
    return {
        "mentor": canon(fio(mentor.last_name, mentor.first_name, mentor.middle_name)),
        "mentor_birth_date": canon(mentor.birth_date),
        "mentee": canon(fio(mentee.last_name, mentee.first_name, mentee.middle_name)),
        "mentee_birth_date": canon(mentee.birth_date),
        "form": canon(form.name if form else ""),
        **{key: canon(getattr(pair, key)) for key in (
            "model_element", "mentee_category", "level", "start_date", "end_date",
            "ended_on", "status", "end_reason", "order_number", "order_date")},
    }


def participation_row(session: Session, participation_id: int) -> dict[str, str] | None:
    """A participation's row as a round file shows it."""
    p = session.get(Participation, participation_id)
    person = session.get(Person, p.person_id) if p is not None else None
    if p is None or person is None:
        return None
    return {"last_name": canon(person.last_name), "first_name": canon(person.first_name),
            "middle_name": canon(person.middle_name), "birth_date": canon(person.birth_date),
            "kind": canon(p.kind), "title": canon(p.title), "level": canon(p.level),
            "event_date": canon(p.event_date), "result": canon(p.result)}

