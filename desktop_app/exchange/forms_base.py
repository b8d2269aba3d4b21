"""The machinery every importer of a blank form shares (forms_import.py, forms_records.py):
FormImport — the refusals and notes at their sheet, row and column, the row actions, the value
rules of a table, the rows of one key repeated, the ОО and people of the database found by name
— with the ОО name as matched (org_key), a table's column defaults, and the set-based writing of
rows with their change-log entries (_write) and a record's fields assigned (_assign); the input
dataclass of a row is built by form_inputs.input_of.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_app.exchange.cells import as_text, header_key
from desktop_app.exchange.reader import RowError, SheetRows
from desktop_app.exchange.result import UNCHANGED, RowAction, SheetOutcome
from desktop_app.model import Organisation, Person
from desktop_app.services import validation
from desktop_app.services.changelog import BulkLog
from desktop_app.store.bulk import insert_rows
from desktop_app.textutil import fio, fmt_date, person_key


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


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


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
        insert_rows(session.connection(), table, inserts)
        ids = list(session.scalars(select(table.c.id).where(table.c.id > top)
                                   .order_by(table.c.id)))
        log.inserted(table, inserts, ids)
    if updates:
        session.execute(update(model), updates)
        log.updated(table, ((before[row["id"]], row) for row in updates))
    log.write()
    session.flush()
    return ids
