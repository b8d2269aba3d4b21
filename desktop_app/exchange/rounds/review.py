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

This module holds the entry (read_review), the refusals of the file as a whole (not a round
file, another round, an edited hidden sheet, an unknown ОО) and the reading of its sheets into
rows by code and new ones; the records (Change, Review, Returned…) and the preview's text are in
changes.py, the comparison in compare.py, and are re-exported here for the callers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.exchange.book_file import BookFile, open_book
from desktop_app.exchange.cells import as_text, header_key
from desktop_app.exchange.kinds import Field
from desktop_app.exchange.reader import RowError, SheetReader, SheetRows
from desktop_app.exchange.rounds.changes import (
    ADD_PERSON as ADD_PERSON,
    FIELD as FIELD,
    KIND_ORDER as KIND_ORDER,
    LEAVE as LEAVE,
    MOVE_IN as MOVE_IN,
    ORG_STATUS_KEYS,
    PAIR_ADD as PAIR_ADD,
    PAIR_END as PAIR_END,
    PARTICIPATION_ADD as PARTICIPATION_ADD,
    STATUS_KEYS,
    Change as Change,
    Returned as Returned,
    ReturnedRow as ReturnedRow,
    Review as Review,
    Unconfirmed as Unconfirmed,
    error_text as error_text,
    review_lines as review_lines,
)
from desktop_app.exchange.rounds.compare import (
    _Comparison,
    pair_row as pair_row,
    participation_row as participation_row,
    person_what as person_what,
    same as same,
    shown as shown,
)
from desktop_app.exchange.rounds.spec import (
    CODE,
    ROUND_SHEET,
    SHEETS,
    Header,
    HeaderProblem,
    RoundError,
    RoundSheet,
    Snapshot,
    canon,
    read_header,
)
from desktop_app.exchange.safe import ExchangeError
from desktop_app.model import Organisation
from desktop_app.model.collection import CollectionRound, RoundFile
from desktop_app.textutil import clean, fmt_date

# The reader's refusal of a sheet with no data rows: a round's sheet may be empty (no pairs).
EMPTY_SHEET = "под заголовками нет ни одной заполненной строки"


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
def _open(path: Path) -> BookFile:
    try:
        return open_book(path)
    except ExchangeError as exc:
        raise RoundError(str(exc)) from exc
    except OSError as exc:
        raise RoundError(f"Файл «{path.name}» не открывается: {exc.strerror or exc}.") from exc


def _header(session: Session, workbook: BookFile, path: Path) -> Header:
    """The hidden sheet's header; a workbook without one is told what it is."""
    if ROUND_SHEET not in workbook:
        raise RoundError(_not_a_round_file(session, workbook, path))
    rows = workbook[ROUND_SHEET].iter_rows(max_row=20, max_col=4)
    try:
        return read_header(rows)
    except HeaderProblem as exc:
        raise RoundError(
            f"Файл «{path.name}»: скрытый лист «{ROUND_SHEET}» изменён или повреждён ({exc}): "
            "файл не принят. Попросите ОО вернуть тот файл, что прислал центр, изменив в нём "
            "только данные на листах.") from exc


def _not_a_round_file(session: Session, workbook: BookFile, path: Path) -> str:
    from desktop_app.exchange import workbook as exchange
    from desktop_app.exchange.importer import detect_kind, kind_fields
    from desktop_app.exchange.reader import HEADER_SCAN_ROWS

    if exchange.is_exchange_workbook(workbook):
        return (f"Файл «{path.name}» — книга обмена, а не файл сбора сведений: загрузите его "
                "командой import.")
    fields = kind_fields(session)
    code_title = header_key(CODE.title)
    for ws in workbook.worksheets:
        if not ws.visible:
            continue
        head = [list(r) for r in ws.iter_rows(max_row=HEADER_SCAN_ROWS)]
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

    def _read_row(self, result: SheetRows, parsers: Any, required: list[tuple[str, str]],
                  number: int, row: Sequence[Any]) -> None:
        for index, f in result.fields.items():
            if f.key == CODE.key and index < len(row):
                text = clean(as_text(row[index]))
                if text:
                    self.codes[number] = text
        super()._read_row(result, parsers, required, number, row)


def _read_sheets(workbook: BookFile, path: Path, returned: Returned,
                 today: date) -> tuple[list[RowError], list[RowError]]:
    errors: list[RowError] = []
    notes: list[RowError] = []
    for sheet in SHEETS:
        if sheet.title not in workbook:
            errors.append(RowError(sheet.title, 1, "—", "", "листа нет в файле: не удаляйте и не "
                                   "переименовывайте листы файла сбора сведений"))
            continue
        ws = workbook[sheet.title]
        reader = _CodeReader(sheet.title, sheet.fields, today)
        try:
            rows = reader.read(ws.iter_rows(), ws.merged)
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


def _texts(sheet: RoundSheet, back: Mapping[str, Any]) -> dict[str, str]:
    texts = {key: canon(value) for key, value in back.items()}
    for flag, day in (STATUS_KEYS, ORG_STATUS_KEYS):
        if flag in back and day in back and back[flag] is None:
            texts[flag] = "нет" if back[day] is not None else "да"
    return texts

