"""Merging an exchange workbook into a database that already has data: ids remapped, matches kept.

Every record of the book gets this database's id: a record the database already has (matched by
its natural key, references compared after translation) keeps the database's id and values; any
other record is inserted with a new id and every reference in it is translated. The rules are in
docs/exchange-format.md («Как регион сводит муниципалитеты»).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import Table, false, insert, select, update
from sqlalchemy.orm import Session

from desktop_app.exchange.forms_import import org_key
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.result import ADDED, CHANGED, MATCHED, SKIPPED, SheetOutcome
from desktop_app.exchange.schema import DERIVED_COLUMNS, column_title
from desktop_app.services.changelog import BulkLog
from desktop_app.services.municipalities import named
from desktop_app.textutil import fio, fmt_date, fold, person_key

Parsed = dict[str, list[tuple[int, dict[str, Any]]]]
Key = tuple[Any, ...]
Keyer = Callable[[dict[str, Any], Any, bool], Key]

# Natural keys of the records; "~" compares text folded (case, ё/е, spaces). Tables with a
# composite primary key (answers, links) are matched on it; any other table on every column.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "municipalities": ("~name",),
    "ground_presets": ("code",),
    "grounds": ("preset_id", "number"),
    "indicator_plans": ("code", "year"),
    "instruments": ("code", "version"),
    "instrument_items": ("instrument_id", "code"),
    "mentorship_forms": ("~name",),
    "plan_templates": ("~name",),
    "plan_template_items": ("template_id", "position"),
    "roadmap_items": ("~section", "~activity"),
    "meetings": ("meeting_date", "~agenda"),
    "active_members": ("person_id", "role", "request_date", "included_on"),
    "courses": ("person_id", "kind", "~title", "end_date"),
    "diagnostic_sessions": ("person_id", "session_date", "instrument_id"),
    "employments": ("person_id", "organisation_id", "start_date"),
    "pairs": ("mentor_id", "start_date"),
    "participations": ("person_id", "kind", "event_date", "~title"),
    "routes": ("person_id", "start_date"),
    "deficits": ("person_id", "area", "item_id", "~title", "found_on"),
    "external_results": ("session_id", "~block"),
    "monitorings": ("pair_id", "monitoring_date"),
    "programmes": ("pair_id",),
    "satisfactions": ("pair_id", "person_id", "respondent", "answered_on"),
    "plan_items": ("programme_id", "position"),
    "route_items": ("route_id", "position"),
    "awards": ("code",),
    "nominations": ("person_id", "award", "nominated_on"),
    "practices": ("organisation_id", "~title", "year"),
    "practice_files": ("practice_id", "name"),
}
# Keys that also hold the set of people linked through a child table: a pair is its mentor,
# start date and mentees; a meeting its date, agenda and attendees.
PEOPLE_SETS: dict[str, tuple[str, str]] = {
    "pairs": ("pair_mentees", "pair_id"),
    "meetings": ("meeting_attendees", "meeting_id"),
}
# This database's own settings and report texts stay: the book's are neither applied nor added.
KEPT: dict[str, str] = {
    "settings": "настройки этой базы сохраняются, настройки книги не применяются",
    "report_texts": "тексты отчётов этой базы сохраняются, тексты книги не добавляются",
    "order_journal": "журнал приказов этой базы сохраняется, приказы книги не добавляются",
}
# The parts of a file's content go with their file: those of a file the database already has
# (a practice's file of the same name) are not added to it — its own content stays whole.
PARTS: dict[str, tuple[str, str]] = {"practice_file_parts": ("file_id", "practice_files")}
# Tables whose key needs a table that comes later in the book: handled right after it.
AFTER: dict[str, str] = {"meetings": "people"}


def merge_order(tables: list[Table]) -> list[Table]:
    """The book's order, with a table moved after the one its key needs (meetings after people)."""
    out = [t for t in tables if t.name not in AFTER]
    for name, after in AFTER.items():
        moved = next((t for t in tables if t.name == name), None)
        if moved is not None:
            out.insert(next(i for i, t in enumerate(out) if t.name == after) + 1, moved)
    return out


def _single_id(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    return len(pk) == 1 and pk[0].name == "id"


def _norm(value: Any) -> Any:
    return None if value == "" else value


def _fk_table(column: Any) -> str | None:
    fk = next(iter(column.foreign_keys), None)
    return None if fk is None else fk.column.table.name


class Merger:
    """One merge of a read and reference-checked book into the session's database."""

    def __init__(self, session: Session, tables: list[Table], parsed: Parsed,
                 outcomes: dict[str, SheetOutcome], municipality: str) -> None:
        self.session = session
        self.tables = tables
        self.parsed = parsed
        self.outcomes = outcomes
        self.municipality_name = municipality
        self.municipality = municipality or "из книги обмена"
        self.book_municipality: int | None = None
        self.older_book = False
        self.done: set[str] = set()
        self.ids: dict[str, dict[Any, Any]] = defaultdict(dict)  # book id → database id
        self.fresh: dict[str, set[Any]] = defaultdict(set)  # database ids inserted now
        self.deferred: list[tuple[Table, Any, str, str, Any]] = []
        self.book_sets: dict[str, dict[Any, frozenset[Any]]] = {}
        self.target_sets: dict[str, dict[Any, frozenset[Any]]] = {}
        self.by_name = {t.name: t for t in tables}
        self.inactive: set[int] = set()
        self.scored: set[int] = set()  # sessions with answers added: their area means are stale
        self.stamps: dict[Any, Any] = {}  # updated_at of the base's records (pairs)
        self.log = BulkLog(session)
        # Rows inserted, logged at the end (once their deferred references are filled in).
        self.inserted: list[tuple[Table, list[dict[str, Any]], list[Any] | None]] = []
        self.waiting: dict[tuple[str, Any], dict[str, Any]] = {}  # rows with deferred references

    # driver -------------------------------------------------------------------------------
    def run(self) -> None:
        for table in merge_order(self.tables):
            if table.name in KEPT:
                self._keep(table)
            elif table.name == "organisations":
                self._organisations(table)
            elif table.name == "municipalities":
                self._municipalities(table)
            else:
                self._merge_table(table)
            self.done.add(table.name)
        for table, row_id, column, target, book_value in self.deferred:
            value = self.ids[target][book_value]
            self.session.execute(update(table).where(table.c.id == row_id).values(
                {column: value}))
            self.waiting[(table.name, row_id)][column] = value
        for table, rows, ids in self.inserted:
            self.log.inserted(table, rows, ids)
        self.log.write()

    def _act(self, table: Table, number: int, action: str, what: str) -> None:
        self.outcomes[table.name].act(number, action, what)

    def _keep(self, table: Table) -> None:
        for number, _values in self.parsed.get(table.name, []):
            self._act(table, number, SKIPPED, KEPT[table.name])

    # references ---------------------------------------------------------------------------
    def _remap(self, table: Table, values: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        """The row with this database's ids; references to tables not merged yet come later."""
        row: dict[str, Any] = {}
        later = []
        single = _single_id(table)
        for column in table.columns:
            name = column.name
            if (single and name == "id") or ((table.name, name) in DERIVED_COLUMNS
                                             and name not in values):
                continue
            value = values.get(name)
            target = _fk_table(column)
            if target is not None and value is not None:
                if target in self.done:
                    value = self.ids[target][value]
                else:
                    later.append((name, target, value))
                    value = None
            row[name] = value
        return row, later

    def _may_exist(self, table: Table, row: dict[str, Any], book_id: Any,
                   key_columns: list[tuple[str, str]]) -> bool:
        """False when the key holds a record inserted now: then the row cannot be in the base."""
        for name, target in key_columns:
            if row.get(name) is not None and row[name] in self.fresh[target]:
                return False
        members = self.book_sets.get(table.name, {}).get(book_id, frozenset())
        return not any(p in self.fresh["people"] for p in members)

    # keys ---------------------------------------------------------------------------------
    def _keyer(self, table: Table) -> tuple[Keyer, list[tuple[str, str]]]:
        spec = NATURAL_KEYS.get(table.name)
        if table.name == "people":
            return (lambda row, _id, _book: _person(row)), []
        if spec is None:
            pk = list(table.primary_key.columns)
            names = [c.name for c in pk] if not _single_id(table) else [
                c.name for c in table.columns if c.name != "id"
                and (table.name, c.name) not in DERIVED_COLUMNS]
            spec = tuple(names)
        plain = [(n.lstrip("~"), n.startswith("~")) for n in spec]
        fks = [(n, t) for n, _ in plain
               if (t := _fk_table(table.columns[n])) is not None]
        sets = table.name in PEOPLE_SETS
        if sets:
            self._book_sets(table)

        def key(row: dict[str, Any], row_id: Any, book: bool) -> Key:
            out = tuple(fold(row[n] or "") if folded else _norm(row[n]) for n, folded in plain)
            if sets:
                found = self.book_sets[table.name] if book else self.target_sets[table.name]
                out += (found.get(row_id, frozenset()),)
            return out
        return key, fks

    def _book_sets(self, table: Table) -> None:
        child, parent = PEOPLE_SETS[table.name]
        people = self.ids["people"]
        sets: dict[Any, set[Any]] = defaultdict(set)
        for _number, values in self.parsed.get(child, []):
            sets[values[parent]].add(people[values["person_id"]])
        self.book_sets[table.name] = {k: frozenset(v) for k, v in sets.items()}

    def _index(self, table: Table, keyer: Keyer) -> dict[Key, deque[Any]]:
        """The database's records (before this merge) by key; equal keys in id order."""
        if table.name in PEOPLE_SETS:
            child, parent = PEOPLE_SETS[table.name]
            links = self.session.execute(select(self.by_name[child].c[parent],
                                                self.by_name[child].c.person_id))
            sets: dict[Any, set[Any]] = defaultdict(set)
            for owner, person in links:
                sets[owner].add(person)
            self.target_sets[table.name] = {k: frozenset(v) for k, v in sets.items()}
        if table.name == "people":
            self.inactive = set(self.session.scalars(
                select(table.c.id).where(table.c.is_active == false())))
        single = _single_id(table)
        order = table.c.id if single else list(table.primary_key.columns)[0]
        index: dict[Key, deque[Any]] = defaultdict(deque)
        if "updated_at" in table.c:
            self.stamps = dict(
                self.session.execute(select(table.c.id, table.c.updated_at)).tuples().all())
        for record in self.session.execute(select(table).order_by(order)).mappings():
            index[keyer(dict(record), record["id"] if single else None, False)].append(
                record["id"] if single else True)
        return index

    # one table ----------------------------------------------------------------------------
    def _merge_table(self, table: Table) -> None:
        rows = self.parsed.get(table.name, [])
        if not rows:
            return
        single = _single_id(table)
        keyer, key_fks = self._keyer(table)
        index: dict[Key, deque[Any]] | None = None
        seen: set[Key] = set()
        new: list[dict[str, Any]] = []
        sources: list[tuple[int, Any, list[Any]]] = []
        for number, values in rows:
            row, later = self._remap(table, values)
            if self._part_of_kept(table, row):
                self._act(table, number, SKIPPED, "часть файла, который уже есть в базе")
                continue
            book_id = values.get("id") if single else None
            key = keyer(row, book_id, True)
            found = None
            if self._may_exist(table, row, book_id, key_fks):
                if index is None:
                    index = self._index(table, keyer)
                queue = index.get(key)
                found = queue.popleft() if queue else None
            if found is not None:
                if single:
                    self.ids[table.name][book_id] = found
                self._matched(table, number, row, found)
            elif not single and key in seen:
                self._act(table, number, SKIPPED, "повтор строки этой книги")
            else:
                seen.add(key)
                new.append(row)
                sources.append((number, book_id, later))
        self._insert(table, new, sources)

    def _part_of_kept(self, table: Table, row: dict[str, Any]) -> bool:
        owner = PARTS.get(table.name)
        return owner is not None and row[owner[0]] not in self.fresh[owner[1]]

    def _insert(self, table: Table, new: list[dict[str, Any]],
                sources: list[tuple[int, Any, list[Any]]]) -> None:
        if not new:
            return
        if _single_id(table):
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            new_ids = list(self.session.execute(stmt, new).scalars())
            for (number, book_id, later), new_id, row in zip(sources, new_ids, new, strict=True):
                self.ids[table.name][book_id] = new_id
                self.fresh[table.name].add(new_id)
                self._defer(table, new_id, row, later)
                self._act(table, number, ADDED, "новая запись")
            self._keep_for_log(table, new, new_ids)
        else:
            self.session.execute(insert(table), new)
            self._keep_for_log(table, new, None)
            if table.name == "answers":
                self.scored.update(row["session_id"] for row in new)
            for number, _book_id, _later in sources:
                self._act(table, number, ADDED, "новая запись")

    def _keep_for_log(self, table: Table, rows: list[dict[str, Any]], ids: list[Any] | None
                      ) -> None:
        """Rows to log at the end of the run (not the answers: they are not logged)."""
        if self.log.wants(table):
            self.inserted.append((table, rows, ids))

    def _defer(self, table: Table, new_id: Any, row: dict[str, Any], later: list[Any]) -> None:
        """References of a new row to records merged later: filled in at the end of the run."""
        if later:
            self.deferred.extend((table, new_id, c, t, v) for c, t, v in later)
            self.waiting[(table.name, new_id)] = row

    def _update(self, table: Table, found: Any, row: dict[str, Any]) -> None:
        """Overwrite a record of the base with the book's row, logged old → new."""
        before = self.session.execute(select(table).where(table.c.id == found)).mappings().one()
        values: dict[str, Any] = dict(row)
        if "row_version" in table.c:  # a form opened before the merge is refused on saving
            values["row_version"] = table.c.row_version + 1
        self.session.execute(update(table).where(table.c.id == found).values(values))
        self.log.updated(table, [(cast("Mapping[str, Any]", before), row)])

    def _matched(self, table: Table, number: int, row: dict[str, Any], found: Any) -> None:
        if table.name != "people":
            stamp = self.stamps.get(found) if "updated_at" in table.c else None
            if stamp is not None and row.get("updated_at") is not None and \
                    row["updated_at"] > stamp:
                self._update(table, found, row)
                self._act(table, number, CHANGED, "в книге изменена позже, чем в базе: взята "
                          "из книги")
            else:
                self._act(table, number, MATCHED, "уже есть в базе")
            return
        who = f"{fio(row['last_name'], row['first_name'], row['middle_name'])}, " \
              f"{fmt_date(row['birth_date'])} г. р."
        if found in self.inactive and row.get("is_active"):
            self._update(table, found, row)
            self.inactive.discard(found)
            self._act(table, number, CHANGED, f"{who}: выбыл(а) из ОО базы и работает в ОО "
                      "книги — карточка взята из книги")
        else:
            self._act(table, number, MATCHED, f"{who} уже есть в базе")

    # municipalities -----------------------------------------------------------------------
    def _municipalities(self, table: Table) -> None:
        """The book's municipalities, matched by name (folded) or ОКТМО; this database keeps its
        own: the book's own municipality is added as one of the others."""
        targets = self.session.execute(select(table.c.id, table.c.name, table.c.oktmo)).all()
        by_name = {fold(name): mid for mid, name, _oktmo in targets}
        by_code = {oktmo: mid for mid, _name, oktmo in targets if oktmo}
        for number, values in self.parsed.get(table.name, []):
            row, _later = self._remap(table, values)
            found = by_code.get(row.get("oktmo") or "\0") or by_name.get(fold(row["name"]))
            if found is not None:
                self.ids[table.name][values["id"]] = found
                self._act(table, number, MATCHED, f"муниципалитет «{row['name']}» уже есть в базе")
                continue
            row["is_own"] = False
            new_id = self.session.execute(insert(table).returning(table.c.id), row).scalar_one()
            self.ids[table.name][values["id"]] = new_id
            self.fresh[table.name].add(new_id)
            self._keep_for_log(table, [row], [new_id])
            by_name[fold(row["name"])] = new_id
            if row.get("oktmo"):
                by_code[row["oktmo"]] = new_id
            self._act(table, number, ADDED, "новый муниципалитет")

    def _book_municipality(self) -> int:
        """For a book written before municipalities were carried: the municipality its settings
        name, found in this database or added."""
        if self.book_municipality is None:
            name = " ".join(self.municipality_name.split()) or "Муниципалитет книги обмена"
            self.book_municipality, _added = named(self.session, name)
        return self.book_municipality

    # organisations ------------------------------------------------------------------------
    def _organisations(self, table: Table) -> None:
        """Each ОО of the book matched among the ОО of its own municipality only (two
        municipalities may each have their «МБОУ СОШ № 1»)."""
        targets = self.session.execute(select(table.c.id, table.c.short_name,
                                              table.c.full_name, table.c.municipality_id)).all()
        by_full: dict[Any, dict[str, Any]] = defaultdict(dict)
        by_short: dict[Any, dict[str, tuple[Any, Any]]] = defaultdict(dict)
        taken_names: set[str] = set()  # short names are unique over the whole database
        for oid, short, full, mid in targets:
            if full:
                by_full[mid][org_key(full)] = oid
            by_short[mid][org_key(short)] = (oid, full)
            taken_names.add(org_key(short))
        given = 0
        for number, values in self.parsed.get(table.name, []):
            row, later = self._remap(table, values)
            if self.older_book:
                row["municipality_id"] = self._book_municipality()
                given += 1
            mid = row["municipality_id"]
            found, taken = _find_org(row["short_name"], row["full_name"], by_full[mid],
                                     by_short[mid])
            taken = taken or (found is None and org_key(row["short_name"]) in taken_names)
            if found is not None:
                self.ids[table.name][values["id"]] = found
                self._act(table, number, MATCHED, f"ОО «{row['short_name']}» уже есть в базе")
                continue
            what = "новая ОО"
            if taken:
                row["short_name"] = self._free_name(row["short_name"], mid, taken_names)
                what = (f"краткое наименование занято другой ОО базы: записана как "
                        f"«{row['short_name']}»")
            new_id = self.session.execute(insert(table).returning(table.c.id), row).scalar_one()
            self.ids[table.name][values["id"]] = new_id
            self.fresh[table.name].add(new_id)
            self._defer(table, new_id, row, later)
            self._keep_for_log(table, [row], [new_id])
            by_short[mid][org_key(row["short_name"])] = (new_id, row["full_name"])
            taken_names.add(org_key(row["short_name"]))
            if row["full_name"]:
                by_full[mid][org_key(row["full_name"])] = new_id
            self._act(table, number, ADDED, what)
        if given:
            name = self.session.scalar(select(self.by_name["municipalities"].c.name).where(
                self.by_name["municipalities"].c.id == self._book_municipality()))
            self.outcomes[table.name].notes.append(RowError(
                self.outcomes[table.name].sheet, 1, column_title(table.name, "municipality_id"),
                "", f"в книге не указан муниципалитет ОО ({given}): они отнесены к "
                f"муниципалитету из настроек книги — «{name}»"))

    def _free_name(self, short: str, municipality_id: Any, taken: set[str]) -> str:
        """The short name with its municipality's name, free over the database."""
        table = self.by_name["municipalities"]
        where = self.session.scalar(select(table.c.name).where(table.c.id == municipality_id)) \
            or self.municipality
        name, n = f"{short} ({where})", 2
        while org_key(name) in taken:
            name, n = f"{short} ({where}, {n})", n + 1
        return name


def _person(row: dict[str, Any]) -> Key:
    return person_key(row["last_name"], row["first_name"], row["middle_name"]), row["birth_date"]


def _find_org(short: str, full: str | None, by_full: dict[str, Any],
              by_short: dict[str, tuple[Any, Any]]) -> tuple[Any, bool]:
    """(database id or None, whether the short name is taken by a different ОО)."""
    s, f = org_key(short), org_key(full) if full else ""
    if f and f in by_full:
        return by_full[f], False
    if s in by_short:
        oid, their_full = by_short[s]
        if not f or not their_full:
            return oid, False
        return None, True
    if f and f in by_short:
        return by_short[f][0], False
    if s in by_full:
        return by_full[s], False
    return None, False


def merge_book(session: Session, tables: list[Table], parsed: Parsed,
               outcomes: dict[str, SheetOutcome], older_book: bool = False) -> set[int]:
    """Merge a checked book into the session's database (the caller commits or rolls back).
    older_book: written before municipalities were carried — its ОО get the municipality its
    settings name.

    Returns the diagnostic sessions that got answers (their stored area means to rewrite).
    """
    settings = {v.get("key"): v.get("value") for _n, v in parsed.get("settings", [])}
    merger = Merger(session, tables, parsed, outcomes, str(settings.get("municipality") or ""))
    merger.older_book = older_book
    merger.run()
    return merger.scored


class DuplicatePeople:
    """Two rows of the book for one person (ФИО and birth date) refuse the book: the rows are
    seen one by one, the refusals kept in found."""

    def __init__(self, outcome: SheetOutcome) -> None:
        self.outcome = outcome
        self.seen: dict[Key, int] = {}
        self.found: list[RowError] = []

    def row(self, number: int, values: dict[str, Any]) -> None:
        key = _person(values)
        first = self.seen.setdefault(key, number)
        if first == number:
            return
        sheet, row = self.outcome.locate(number)
        first_sheet, first_row = self.outcome.locate(first)
        where = f"строке {first_row}" if first_sheet == sheet else \
            f"строке {first_row} листа «{first_sheet}»"
        self.found.append(RowError(
            sheet, row, column_title("people", "last_name"),
            fio(values["last_name"], values["first_name"], values["middle_name"]),
            f"этот педагог с той же датой рождения ({fmt_date(values['birth_date'])}) уже есть "
            f"в {where}"))
