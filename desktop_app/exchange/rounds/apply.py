"""Applying a returned round file: all or nothing, through the blank forms' import classes.

Each sheet's rows are handed to the forms' importer (forms_import) as the database holds them
now with the accepted changes laid over: a field the school did not change never undoes what
the centre changed since sending, a conflict keeps the centre's value unless it is accepted,
an unticked change is not taken. A row with a «Код записи» is its record whatever the names now
say (a corrected ФИО or birth date changes that person, never adds another). Every rule of the
blank forms holds: a leaving needs its date, a move its «Дата перевода (приёма)», a pair's end
its status and reason.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop_app.exchange import forms_import as fi
from desktop_app.exchange.kinds import KIND_TITLES
from desktop_app.exchange.reader import RowError, SheetRows
from desktop_app.exchange.result import SheetOutcome
from desktop_app.exchange.rounds.review import Change, ReturnedRow, Review, read_review
from desktop_app.exchange.rounds.spec import SHEETS, ids_of
from desktop_app.model import MentorshipForm, Organisation, Pair, Participation, Person
from desktop_app.model.collection import RoundFile
from desktop_app.services import changelog
from desktop_app.store.database import Database
from desktop_app.textutil import fio, fmt_date

SOURCE = "Сбор сведений"
IMPORTERS: dict[str, type[fi.FormImport]] = {
    "organisations": fi.OrganisationImport, "people": fi.PeopleImport,
    "pairs": fi.PairsImport, "participations": fi.ParticipationsImport,
}


@dataclass
class ApplyResult:
    """What applying one file did: applied (the database changed, or a file without changes
    confirmed), the changes written, a Russian message; the backup made before."""

    review: Review
    applied: bool
    taken: int
    message: str
    backup: Path | None = None


@dataclass
class Written:
    """What the forms' importers refused and remarked while writing the changes taken."""

    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    taken: int = 0


def source(review: Review) -> str:
    """«Сбор сведений 01.12.2026: МБОУ СОШ № 1» — the change log's source of the entries."""
    return f"{SOURCE} {fmt_date(review.on)}: {review.org_name}"


def taken_changes(review: Review, accepted: Collection[str] | None,
                  accept_conflicts: bool = False) -> list[Change]:
    """The changes to write: those accepted (None: every one but the conflicts, unless
    accept_conflicts)."""
    if accepted is None:
        return [c for c in review.changes if accept_conflicts or not c.conflict]
    return [c for c in review.changes if c.id in accepted]


def apply_return(db: Database, path: Path, accepted: Collection[str] | None = None,
                 today: date | None = None, accept_conflicts: bool = False) -> ApplyResult:
    """Apply a returned round file in one transaction, or nothing at all.

    accepted None: every change except the conflicts (a conflict keeps the centre's value
    unless its id is in accepted, or accept_conflicts). A backup of the database is made
    before; the change log names «Сбор сведений ДД.ММ.ГГГГ: <ОО>»; the round's file of the ОО
    records when it was returned and applied, the changes and the refusals. The same file
    applied again is told and nothing changes. A file with any refusal changes nothing (its
    refusals are recorded on the round's file, for the round's view). Raises RoundError for a
    file refused as a whole, BackupError when the backup cannot be made.
    """
    today = today or date.today()
    path = Path(path)
    with db.sessions() as session:
        try:
            review = read_review(session, path, today)
            if review.applied_before is not None:
                return ApplyResult(review, False, 0, (
                    f"Файл «{path.name}» уже применён {review.applied_before:%d.%m.%Y в %H:%M}: "
                    "повторно ничего не изменено."))
            changelog.set_source(session, source(review))
            written = write_changes(session, review, accepted, today, accept_conflicts)
            review.errors += [e for e in written.errors if e not in review.errors]
            review.notes += written.notes
            if review.errors:
                session.rollback()
                _record_refusal(db, review)
                return ApplyResult(review, False, 0, (
                    f"Файл «{path.name}» не принят: отказано — {len(review.errors)}; база не "
                    "изменена. Исправьте строки (или попросите ОО исправить) и примените "
                    "файл снова."))
            backup = _backup(db) if written.taken else None
            _record(session, review, written.taken)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return ApplyResult(review, True, written.taken, _done_message(review, written.taken),
                       backup)


def _backup(db: Database) -> Path | None:
    from desktop_app.exchange.importer import backup_before_import

    return backup_before_import(db)


def _done_message(review: Review, taken: int) -> str:
    left = len(review.changes) - taken
    text = (f"Применено: изменений — {taken}" if taken else
            "Изменений не принято: данные ОО отмечены как подтверждённые")
    if left:
        text += f"; не принято (конфликты и снятые отметки) — {left}"
    if review.unconfirmed:
        text += f"; не подтверждено строк — {len(review.unconfirmed)} (остались как были)"
    return text + "."


def _record(session: Session, review: Review, taken: int) -> None:
    """The ОО's file of the round: returned and applied now (Core: not a change log entry)."""
    now = datetime.now().replace(microsecond=0)
    session.execute(update(RoundFile).where(
        RoundFile.round_id == review.round_id, RoundFile.organisation_id == review.org_id
    ).values(returned=now, returned_name=review.path.name[:260],
             returned_sha256=review.sha256, applied=now, changes=taken, refused=0))


def _record_refusal(db: Database, review: Review) -> None:
    """A refused return: when and which file, how many refusals (the data is not touched; an
    earlier applied file stays the one applied)."""
    now = datetime.now().replace(microsecond=0)
    with db.sessions() as session, session.begin():
        rf = session.query(RoundFile).filter_by(round_id=review.round_id,
                                                organisation_id=review.org_id).first()
        if rf is None:
            return
        values: dict[str, Any] = {"returned": now, "returned_name": review.path.name[:260],
                                  "refused": len(review.errors), "changes": len(review.changes)}
        if rf.applied is not None:
            values.pop("changes")
        else:
            values["returned_sha256"] = review.sha256
        session.execute(update(RoundFile).where(RoundFile.id == rf.id).values(**values))


# writing ----------------------------------------------------------------------------------------
def write_changes(session: Session, review: Review, accepted: Collection[str] | None,
                  today: date, accept_conflicts: bool = False) -> Written:
    """Write the changes taken, sheet by sheet, through the forms' importers (in the caller's
    transaction: the caller commits or rolls back)."""
    written = Written()
    returned = review.returned
    if returned is None:
        return written
    taken = taken_changes(review, accepted, accept_conflicts)
    wanted: dict[tuple[str, int], set[str]] = {}
    for change in taken:
        kind, number, keys = returned.keys[change.id]
        wanted.setdefault((kind, number), set()).update(keys)
    for sheet in SHEETS:
        rows = returned.sheets.get(sheet.kind)
        if rows is None:
            continue
        builder = _Rows(session, returned.org_name, sheet.kind, wanted)
        for row in returned.coded.get(sheet.kind, {}).values():
            if (sheet.kind, row.number) in wanted:
                builder.coded(row)
        for row in returned.new.get(sheet.kind, []):
            if (sheet.kind, row.number) in wanted:
                builder.add(row.number, dict(row.values))
        if builder.rows:
            outcome = SheetOutcome(rows.sheet, sheet.kind, KIND_TITLES[sheet.kind])
            given = SheetRows(rows.sheet, rows.header_row, rows.fields, rows=builder.rows,
                              fio_column=rows.fio_column)
            IMPORTERS[sheet.kind](session, given, outcome, today, known=builder.known,
                                  records=builder.records).run()
            written.errors += outcome.fatal + outcome.errors
            written.notes += outcome.notes
    written.taken = len(taken)
    return written


class _Rows:
    """The rows of one sheet for its importer: a known record as the database holds it now with
    the accepted fields of the returned row laid over; a new row as the school wrote it."""

    def __init__(self, session: Session, org_name: str, kind: str,
                 wanted: dict[tuple[str, int], set[str]]) -> None:
        self.session, self.org_name, self.kind, self.wanted = session, org_name, kind, wanted
        self.rows: list[tuple[int, dict[str, Any]]] = []
        self.known: dict[int, int] = {}
        self.records: dict[int, int] = {}

    def add(self, number: int, values: dict[str, Any]) -> None:
        self.rows.append((number, values))

    def coded(self, row: ReturnedRow) -> None:
        ids = ids_of(self.kind, row.code)
        if ids is None:
            return
        keys = self.wanted[(self.kind, row.number)]
        base = getattr(self, f"_{self.kind}")(row.number, ids)
        if base is None:
            return
        values = {**base, **{k: row.back[k] for k in keys}}
        if self.kind == "pairs" and "ended_on" in keys and (
                "status" not in keys or row.back.get("status") is None):
            values.pop("status", None)  # an actual end given, the status left: by the dates
        self.add(row.number, values)

    def _organisations(self, number: int, ids: tuple[int, ...]) -> dict[str, Any] | None:
        org = self.session.get(Organisation, ids[0])
        if org is None:
            return None
        self.known[number] = org.id
        return {"short_name": org.short_name}

    def _people(self, number: int, ids: tuple[int, ...]) -> dict[str, Any] | None:
        person = self.session.get(Person, ids[0])
        if person is None:
            return None
        self.known[number] = person.id
        org = person.organisation.short_name if person.organisation else self.org_name
        return {"last_name": person.last_name, "first_name": person.first_name,
                "middle_name": person.middle_name, "birth_date": person.birth_date,
                "organisation": org}

    def _pairs(self, number: int, ids: tuple[int, ...]) -> dict[str, Any] | None:
        pair = self.session.get(Pair, ids[0])
        mentee = self.session.get(Person, ids[1])
        if pair is None or mentee is None:
            return None
        mentor = self.session.get(Person, pair.mentor_id)
        form = self.session.get(MentorshipForm, pair.form_id)
        assert mentor is not None and form is not None
        return {"mentor": fio(mentor.last_name, mentor.first_name, mentor.middle_name),
                "mentor_birth_date": mentor.birth_date,
                "mentee": fio(mentee.last_name, mentee.first_name, mentee.middle_name),
                "mentee_birth_date": mentee.birth_date, "form": form.name,
                "start_date": pair.start_date, "end_date": pair.end_date,
                "status": pair.status}

    def _participations(self, number: int, ids: tuple[int, ...]) -> dict[str, Any] | None:
        record = self.session.get(Participation, ids[0])
        person = self.session.get(Person, record.person_id) if record is not None else None
        if record is None or person is None:
            return None
        self.known[number], self.records[number] = person.id, record.id
        return {"last_name": person.last_name, "first_name": person.first_name,
                "middle_name": person.middle_name, "birth_date": person.birth_date,
                "kind": record.kind, "title": record.title, "level": record.level,
                "event_date": record.event_date, "result": record.result}
