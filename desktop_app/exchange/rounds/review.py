"""A returned round file: read, matched to its round and ОО, and compared with what was sent and
with the database now (preview.py adds what the apply itself would refuse).

What the school changed is a list of Change items: a person added (or come from another ОО),
a person leaving, a field old → new, a pair begun or ended, a participation added. A field the
centre changed after sending, and the school changed otherwise, is a conflict (both values
shown; the centre's value stays unless the methodist takes the school's). A sent row the school
deleted instead of marking is Unconfirmed — never taken as leaving. The refusals of the file as
a whole (another round, an edited hidden sheet, another ОО in the rows, a blank form) raise
RoundError; the refusals of rows are RowError items with the sheet, the row and the column, as
the blank forms give them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import as_text, header_key
from desktop_app.exchange.kinds import Field
from desktop_app.exchange.reader import RowError, SheetReader, SheetRows
from desktop_app.exchange.rounds.spec import (
    CODE,
    ROUND_SHEET,
    SHEET_BY_KIND,
    SHEETS,
    Header,
    HeaderProblem,
    RoundError,
    RoundSheet,
    Snapshot,
    _org_row,
    _person_row,
    canon,
    code_of,
    ids_of,
    read_header,
    take_snapshot,
)
from desktop_app.exchange.safe import ExchangeError, merged_ranges, open_workbook
from desktop_app.model import (
    MentorshipForm,
    Organisation,
    Pair,
    PairMentee,
    Participation,
    Person,
)
from desktop_app.model.collection import CollectionRound, RoundFile
from desktop_app.model.enums import PairStatus
from desktop_app.services.validation import normalise_email, normalise_phone
from desktop_app.textutil import clean, fio, fmt_date, person_key, short_fio

# The kinds of a change.
ADD_PERSON = "ADD_PERSON"  # a new person of the ОО
MOVE_IN = "MOVE_IN"  # a person the registry has elsewhere (another ОО, or left): a move
LEAVE = "LEAVE"  # «Работает» — нет / «Дата выбытия»: the person leaves
FIELD = "FIELD"  # one field old → new
PAIR_ADD = "PAIR_ADD"
PAIR_END = "PAIR_END"  # «Дата завершения фактическая» or a final status
PARTICIPATION_ADD = "PARTICIPATION_ADD"
KIND_ORDER = (ADD_PERSON, MOVE_IN, LEAVE, FIELD, PAIR_ADD, PAIR_END, PARTICIPATION_ADD)

STATUS_KEYS = ("is_active", "left_on")
ORG_STATUS_KEYS = ("is_active", "deactivated_on")
PAIR_END_KEYS = ("ended_on", "status", "end_reason")
PAIR_PEOPLE = ("mentor", "mentor_birth_date", "mentee", "mentee_birth_date")
PAIR_IDENTITY = (*PAIR_PEOPLE, "form", "start_date")
NAME_KEYS = ("last_name", "first_name", "middle_name", "birth_date")
FINAL_STATUSES = (PairStatus.COMPLETED.value, PairStatus.ENDED_EARLY.value)
# The reader's refusal of a sheet with no data rows: a round's sheet may be empty (no pairs).
EMPTY_SHEET = "под заголовками нет ни одной заполненной строки"
BLANK = "(пусто)"

KEPT_IDENTITY = ("у отправленной пары не меняются наставник, наставляемый, форма и дата начала: "
                 "если пара другая, отметьте эту завершённой и добавьте новую строку без кода")
KEPT_PERSON = ("отправленная строка участия не переносится на другого педагога: исправьте ФИО "
               "на листе «Педагоги» или добавьте новую строку без кода")


@dataclass(frozen=True)
class Change:
    """One change the returned file asks for; `id` is the same for the same file (the window
    keeps its ticks by it), `current` is the database's value now when it is a conflict."""

    id: str
    sheet: str
    row: int
    kind: str
    what: str
    field: str
    old: str
    new: str
    current: str | None = None

    @property
    def conflict(self) -> bool:
        return self.current is not None

    def text(self) -> str:
        """One Russian line, as the preview prints it."""
        return f"«{self.sheet}», строка {self.row}: {self._body()}"

    def _body(self) -> str:
        old, new = self.old or BLANK, self.new or BLANK
        if self.kind == ADD_PERSON:
            return f"добавить {self.what}" + (f" — {self.new}" if self.new else "")
        if self.kind == MOVE_IN:
            return f"принять {self.what}: в реестре — {old}; {new}"
        if self.kind == PAIR_ADD:
            return f"новая {self.what}: {new}"
        if self.kind == PARTICIPATION_ADD:
            return f"новое участие: {self.what} — {new}"
        body = (f"{self.what} — {new}" if self.kind in (LEAVE, PAIR_END) else
                f"{self.what} — {self.field}: {old} → {new}")
        if self.current is not None:
            body += f" (конфликт: в базе центра теперь «{self.current or BLANK}»)"
        return body


@dataclass(frozen=True)
class Unconfirmed:
    """A sent row the school deleted instead of marking: never taken as leaving."""

    sheet: str
    code: str
    what: str


@dataclass
class Review:
    """What a returned file would do, or why it is refused (errors, as the forms give them)."""

    path: Path
    round_id: int
    org_id: int
    org_name: str
    changes: list[Change]
    unconfirmed: list[Unconfirmed]
    errors: list[RowError]
    applied_before: datetime | None
    on: date | None = None
    notes: list[RowError] = field(default_factory=list)
    sha256: str = ""
    returned: Returned | None = field(default=None, repr=False, compare=False)

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.conflict]


@dataclass
class ReturnedRow:
    """A data row of the returned file: its number, its record code ("" for a new row), the
    values as read and as they stand (a blank cell as the forms take it)."""

    number: int
    code: str
    values: dict[str, Any]
    back: dict[str, Any]
    texts: dict[str, str]


@dataclass
class Returned:
    """The returned file as the apply needs it: per sheet kind, the rows read (their columns,
    to name a refusal's column) and the rows by code and new; per change, its fields."""

    header: Header
    org_name: str
    on: date
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    coded: dict[str, dict[str, ReturnedRow]] = field(default_factory=dict)
    new: dict[str, list[ReturnedRow]] = field(default_factory=dict)
    keys: dict[str, tuple[str, int, tuple[str, ...]]] = field(default_factory=dict)
    # every code met on a sheet, rows refused on reading included (not «deleted by the school»)
    codes_read: dict[str, set[str]] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_review(session: Session, path: Path, today: date) -> Review:
    """The review of a returned file without the dry run (preview.review_return,
    apply.apply_return)."""
    workbook = _open(path)
    try:
        header = _header(session, workbook, path)
        round_, rf, org = _round_file(session, header)
        sha = file_sha256(path)
        returned = Returned(header, org.short_name, round_.on_date)
        errors, notes = _read_sheets(workbook, path, returned, today)
    finally:
        workbook.close()
    applied = rf.applied if rf.applied is not None and rf.returned_sha256 == sha else None
    review = Review(path, round_.id, org.id, org.short_name, [], [], errors, applied,
                    on=round_.on_date, notes=notes, sha256=sha, returned=returned)
    if applied is None:
        _Comparison(session, review, returned, Snapshot.from_json(rf.snapshot), org).run()
    review.changes.sort(key=lambda c: (_sheet_order(c.sheet), c.row, c.id))
    return review


def _sheet_order(title: str) -> int:
    return next((i for i, s in enumerate(SHEETS) if s.title == title), len(SHEETS))


# the file as a whole -------------------------------------------------------------------------
def _open(path: Path) -> Any:
    try:
        return open_workbook(path)
    except ExchangeError as exc:
        raise RoundError(str(exc)) from exc
    except OSError as exc:
        raise RoundError(f"Файл «{path.name}» не открывается: {exc.strerror or exc}.") from exc


def _header(session: Session, workbook: Any, path: Path) -> Header:
    """The hidden sheet's header; a workbook without one is told what it is."""
    if ROUND_SHEET not in workbook.sheetnames:
        raise RoundError(_not_a_round_file(session, workbook, path))
    rows = workbook[ROUND_SHEET].iter_rows(max_row=20, max_col=4, values_only=True)
    try:
        return read_header(rows)
    except HeaderProblem as exc:
        raise RoundError(
            f"Файл «{path.name}»: скрытый лист «{ROUND_SHEET}» изменён или повреждён ({exc}): "
            "файл не принят. Попросите ОО вернуть тот файл, что прислал центр, изменив в нём "
            "только данные на листах.") from exc


def _not_a_round_file(session: Session, workbook: Any, path: Path) -> str:
    from desktop_app.exchange import workbook as exchange
    from desktop_app.exchange.importer import detect_kind, kind_fields
    from desktop_app.exchange.reader import HEADER_SCAN_ROWS

    if exchange.is_exchange_workbook(workbook):
        return (f"Файл «{path.name}» — книга обмена, а не файл сбора сведений: загрузите его "
                "командой import.")
    fields = kind_fields(session)
    code_title = header_key(CODE.title)
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        head = [list(r) for r in ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)]
        if any(header_key(v) == code_title for row in head for v in row if v is not None):
            return (f"Файл «{path.name}»: нет скрытого листа «{ROUND_SHEET}» — похоже, листы "
                    "файла сбора сведений скопированы в другую книгу. Загрузите тот файл, что "
                    "прислал центр, с данными, исправленными в нём самом.")
        if detect_kind(head, fields) is not None:
            return (f"Файл «{path.name}» — это бланк, а не файл сбора сведений: загрузите его "
                    "командой import.")
    return (f"Файл «{path.name}» — не файл сбора сведений: в нём нет скрытого листа "
            f"«{ROUND_SHEET}», который центр записывает в файл каждой ОО.")


def latest_round(session: Session) -> CollectionRound | None:
    """The round started last (the one whose files are taken in)."""
    return session.scalars(select(CollectionRound).order_by(CollectionRound.id.desc())
                           .limit(1)).first()


def _round_file(session: Session, header: Header
                ) -> tuple[CollectionRound, RoundFile, Organisation]:
    """The round, the ОО's file in it and the ОО; refusals of a file of another round, of an
    edited header, of an unknown ОО."""
    latest = latest_round(session)
    round_ = session.get(CollectionRound, header.round_id)
    told = f"файл сбора сведений на {fmt_date(header.on)} (сбор № {header.round_id})"
    if round_ is None or latest is None:
        raise RoundError(f"Это {told}, а в этой базе такого сбора нет"
                         + (f" (последний — на {fmt_date(latest.on_date)})" if latest else "")
                         + ": файл из другой базы или сбор удалён.")
    if round_.id != latest.id:
        raise RoundError(f"Это {told}, а сейчас идёт сбор на {fmt_date(latest.on_date)} "
                         f"(№ {latest.id}): файл прошлого сбора не принимается. Попросите ОО "
                         "заполнить файл нынешнего сбора.")
    if header.on != round_.on_date or not header.verified(round_.secret):
        raise RoundError(f"Скрытый лист «{ROUND_SHEET}» файла изменён (подпись не сходится): "
                         "файл не принят. Попросите ОО вернуть тот файл, что прислал центр.")
    org = session.get(Organisation, header.org_id)
    rf = session.scalars(select(RoundFile).where(
        RoundFile.round_id == round_.id, RoundFile.organisation_id == header.org_id)).first()
    if org is None or rf is None:
        raise RoundError(f"Файл ОО «{header.org_name}» (код {header.org_id}): в сборе на "
                         f"{fmt_date(round_.on_date)} файла этой ОО нет.")
    if rf.fingerprint != header.fingerprint:
        raise RoundError(f"Файл ОО «{org.short_name}»: отпечаток отправленных данных не тот, что "
                         "записан у центра — файл подменён или от другого запуска сбора.")
    return round_, rf, org


# reading the sheets --------------------------------------------------------------------------
class _CodeReader(SheetReader):
    """The forms' reader that also keeps the «Код записи» of every row, refused rows included
    (a refused row's code is not «deleted by the school»)."""

    def __init__(self, sheet: str, fields: Sequence[Field], today: date) -> None:
        super().__init__(sheet, fields, today)
        self.codes: dict[int, str] = {}

    def _read_row(self, result: SheetRows, parsers: Any, number: int,
                  row: Sequence[Any]) -> None:
        for index, f in result.fields.items():
            if f.key == CODE.key and index < len(row):
                text = clean(as_text(getattr(row[index], "value", row[index])))
                if text:
                    self.codes[number] = text
        super()._read_row(result, parsers, number, row)


def _read_sheets(workbook: Any, path: Path, returned: Returned,
                 today: date) -> tuple[list[RowError], list[RowError]]:
    errors: list[RowError] = []
    notes: list[RowError] = []
    for sheet in SHEETS:
        if sheet.title not in workbook.sheetnames:
            errors.append(RowError(sheet.title, 1, "—", "", "листа нет в файле: не удаляйте и не "
                                   "переименовывайте листы файла сбора сведений"))
            continue
        ws = workbook[sheet.title]
        reader = _CodeReader(sheet.title, sheet.fields, today)
        try:
            rows = reader.read(ws.iter_rows(), merged_ranges(path, ws._worksheet_path))
        except ExchangeError as exc:
            raise RoundError(f"Файл «{path.name}»: {exc}") from exc
        rows.fatal = [e for e in rows.fatal if e.reason != EMPTY_SHEET]
        if CODE.key not in rows.present:
            rows.fatal.append(RowError(sheet.title, rows.header_row, "—", "",
                                       f"нет столбца «{CODE.title}»: не удаляйте его"))
        errors += rows.fatal + rows.errors
        notes += rows.notes
        returned.sheets[sheet.kind] = rows
        returned.codes_read[sheet.kind] = set(reader.codes.values())
        _sort_rows(sheet, rows, reader.codes, returned, errors)
    return errors, notes


def _sort_rows(sheet: RoundSheet, rows: SheetRows, codes: Mapping[int, str], returned: Returned,
               errors: list[RowError]) -> None:
    """Rows by code and new ones; a code repeated (a copied row) refused in each of its rows."""
    returned.coded[sheet.kind], returned.new[sheet.kind] = {}, []
    by_code: dict[str, list[int]] = {}
    for number, code in codes.items():
        by_code.setdefault(code, []).append(number)
    column = rows.column_name(CODE.key)
    for code, numbers in by_code.items():
        if len(numbers) > 1:
            listed = ", ".join(str(n) for n in numbers)
            errors += [RowError(sheet.title, n, column, code, (
                f"код записи повторяется в строках {listed}: у скопированной строки сотрите "
                "код (новая строка — без кода)")) for n in numbers]
    repeated = {n for numbers in by_code.values() if len(numbers) > 1 for n in numbers}
    for number, values in rows.rows:
        if number in repeated:
            continue
        code = clean(values.pop(CODE.key, "") or "")
        back = {f.key: _stands_for(f, values.get(f.key)) for f in sheet.form_fields}
        row = ReturnedRow(number, code, values, back, _texts(sheet, back))
        if code:
            returned.coded[sheet.kind][code] = row
        else:
            returned.new[sheet.kind].append(row)


def _stands_for(f: Field, value: Any) -> Any:
    """What a returned cell stands for: a blank as the blank forms take it for a new record
    («не указано» of a list that has it, «нет», an empty text)."""
    if value is None or value == "" or value == ():
        if f.type == "enum" and f.enum is not None and "unknown" in {m.value for m in f.enum}:
            return "unknown"
        if f.type == "bool" and not f.unknown and f.key != "is_active":
            return False
        return "" if f.type in ("text", "org", "form") else None
    return value


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


def _texts(sheet: RoundSheet, back: Mapping[str, Any]) -> dict[str, str]:
    texts = {key: canon(value) for key, value in back.items()}
    for flag, day in (STATUS_KEYS, ORG_STATUS_KEYS):
        if flag in back and day in back and back[flag] is None:
            texts[flag] = "нет" if back[day] is not None else "да"
    return texts


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


# the preview's text -----------------------------------------------------------------------------
SECTIONS = (
    (ADD_PERSON, "Добавить педагогов"),
    (MOVE_IN, "Принять из другой ОО (перевод) или снова на работу"),
    (LEAVE, "Выбывают"),
    (FIELD, "Изменения полей (было → стало)"),
    (PAIR_ADD, "Начаты пары"),
    (PAIR_END, "Завершены пары"),
    (PARTICIPATION_ADD, "Добавить участие в мероприятиях"),
)


def review_lines(review: Review) -> list[str]:
    """The text `collect apply --preview` prints for one file."""
    on = f" (сбор сведений на {fmt_date(review.on)})" if review.on else ""
    lines = [f"Файл «{review.path.name}»: {review.org_name}{on}"]
    if review.applied_before is not None:
        lines.append(f"  Этот файл уже применён {review.applied_before:%d.%m.%Y %H:%M}: "
                     "повторно ничего не изменится.")
        return lines
    plain = [c for c in review.changes if not c.conflict]
    for kind, title in SECTIONS:
        found = [c for c in plain if c.kind == kind]
        if found:
            lines.append(f"  {title} — {len(found)}:")
            lines += [f"    {c.text()}" for c in found]
    if review.conflicts:
        lines.append(f"  Конфликты — {len(review.conflicts)} (в базе центра значение изменено "
                     "после отправки файла; остаётся значение центра, если не принять значение "
                     "школы):")
        lines += [f"    {c.text()}" for c in review.conflicts]
    if review.unconfirmed:
        lines.append(f"  Не подтверждены — {len(review.unconfirmed)} (строки удалены, а не "
                     "отмечены; выбывшими не считаются, в базе остаются как есть):")
        lines += [f"    «{u.sheet}»: {u.what} (код {u.code})" for u in review.unconfirmed]
    if review.errors:
        lines.append(f"  Отказано — {len(review.errors)} (файл не будет применён, пока их не "
                     "исправить):")
        lines += [f"    {error_text(e)}" for e in review.errors]
    if review.notes:
        lines.append("  Замечания (применению не мешают):")
        lines += [f"    {error_text(n)}" for n in review.notes]
    if not review.changes and not review.errors:
        lines.append("  Изменений нет: данные ОО совпадают с базой центра.")
    lines.append(f"  Итого: изменений — {len(review.changes)} (конфликтов — "
                 f"{len(review.conflicts)}), не подтверждено — {len(review.unconfirmed)}, "
                 f"отказано — {len(review.errors)}.")
    return lines


def error_text(e: RowError) -> str:
    """«лист «Педагоги», строка 12, столбец AA (Дата выбытия) «31.02.2026»: причина»."""
    value = f" «{e.value}»" if e.value else ""
    return f"лист «{e.sheet}», строка {e.row}, столбец {e.column}{value}: {e.reason}"
