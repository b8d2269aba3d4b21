"""An exact copy on a PostgreSQL server: rows written with their own ids, which SQLite takes as
they come (its references deferred to the commit, PRAGMA defer_foreign_keys) but a server does
not. There every reference is checked as its row is written and every id column draws from a
sequence, so a copy

* writes the tables parents first (Base.metadata.sorted_tables, the book's order) and a
  reference to a table not written yet — organisations.curator_id → people, the one cycle of the
  schema, or a table referring to itself — empty, filling it in once every table is written
  (LateReferences);
* counts, when the server refuses a reference, the rows whose reference leads nowhere
  (dangling), so the refusal names the sheets as SQLite's PRAGMA foreign_key_check lets it;
* moves every id sequence past the greatest id written (move_sequences), else the next record
  added in the window would take an id the copy already used.

copy_tables writes a whole database into another's tables this way (the demo written to a
server); workbook._Copy writes a book so, a few thousand rows at a time — on SQLite too, its
late references included (SQLite, references deferred, is quicker with none pending).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Index,
    Integer,
    Table,
    Update,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)

from desktop_app.store.dialect import POSTGRESQL

FETCH = 5000  # rows read from the source and written to the target at a time
LATE_VALUE = "late_value"  # the bound name of the value a late reference is filled in with


def later_columns(table: Table, written: Container[str]) -> list[str]:
    """The references of a table to a table not written yet (itself included)."""
    return [c.name for c in table.columns
            if any(fk.column.table.name not in written for fk in c.foreign_keys)]


class LateReferences:
    """References written empty and filled in once every table is written: (table, column,
    the rows' keys with the value) for each column held."""

    def __init__(self) -> None:
        self.held: list[tuple[Table, str, list[dict[str, Any]]]] = []

    def hold(self, table: Table, rows: list[dict[str, Any]], columns: Sequence[str]
             ) -> list[dict[str, Any]]:
        """The rows to insert: the columns emptied, their values kept to fill in."""
        if not columns:
            return rows
        keys = [c.name for c in table.primary_key.columns]
        for name in columns:
            values = [{**{f"key_{k}": row[k] for k in keys}, LATE_VALUE: row[name]}
                      for row in rows if row.get(name) is not None]
            if values:
                self.held.append((table, name, values))
        empty = dict.fromkeys(columns)
        return [{**row, **empty} for row in rows]

    def fill(self, connection: Connection) -> None:
        """Fill in every reference held (an UPDATE by primary key for each column)."""
        for table, name, values in self.held:
            connection.execute(filling(table, name), values)
        self.held.clear()


class HeldIndexes:
    """The secondary indexes (not unique) of the tables a copy into a new SQLite database
    writes, dropped while it writes them and built again at the end, each in one pass over its
    table's rows (sorted once) instead of a step into it for every row written: a region's book
    — two million rows, 377 000 change-log entries — loads some 1,5 s faster. The unique ones
    stay, checking every row as it comes. All of it inside the copy's transaction: a copy
    refused or failed is rolled back with its indexes as they were."""

    def __init__(self) -> None:
        self.held: list[Index] = []

    def drop(self, connection: Connection, tables: Iterable[Table]) -> None:
        """Drop the tables' secondary indexes the database has (kept to build again)."""
        found = inspect(connection)
        for table in tables:
            present = {i["name"] for i in found.get_indexes(table.name)}
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                if not index.unique and index.name in present:
                    index.drop(connection)
                    self.held.append(index)

    def build(self, connection: Connection) -> None:
        """Build again every index dropped."""
        for index in self.held:
            index.create(connection)
        self.held.clear()


def filling(table: Table, name: str) -> Update:
    """The UPDATE that fills a late reference in (the parameters LateReferences keeps)."""
    keys = [c == bindparam(f"key_{c.name}") for c in table.primary_key.columns]
    return update(table).where(*keys).values({name: bindparam(LATE_VALUE)})


def dangling(connection: Connection, table: Table, rows: Iterable[Mapping[str, Any]],
             columns: Container[str]) -> list[tuple[str, int]]:
    """(table referred to, rows) of the rows whose reference in one of the columns leads to no
    record of the table it refers to."""
    rows = list(rows)
    found: list[tuple[str, int]] = []
    for column in table.columns:
        if column.name not in columns:
            continue
        for fk in column.foreign_keys:
            values = {row.get(column.name) for row in rows} - {None}
            if not values:
                continue
            target = fk.column
            known = {None, *connection.execute(
                select(target).where(target.in_(sorted(values)))).scalars()}
            count = sum(1 for row in rows if row.get(column.name) not in known)
            if count:
                found.append((target.table.name, count))
    return found


def move_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Move each table's id sequence past the greatest id in it. Only ever forward: setval
    outlives a rollback (a dry run, a refused book), and a sequence moved back under the rows
    that come back would hand out their ids again. (SQLite: nothing to move.)"""
    if connection.dialect.name != POSTGRESQL:
        return
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        sequence = connection.scalar(select(func.pg_get_serial_sequence(table.name, key[0].name)))
        greatest = connection.scalar(select(func.max(key[0])))
        if sequence is None or greatest is None:
            continue
        # the sequence's name as the server gives it: schema-qualified, quoted where needed
        last, called = connection.execute(
            text(f"SELECT last_value, is_called FROM {sequence}")).one()
        if greatest > (last if called else last - 1):
            connection.execute(select(func.setval(sequence, greatest)))


def copy_tables(source: Connection, target: Connection, tables: Sequence[Table]) -> dict[str, int]:
    """Every row of the tables (given parents first) from the source database into the same
    tables of the target, their ids kept; the target's rows of these tables deleted first.
    The caller's transaction on the target makes it all or nothing (the demo written to a
    server: the source a SQLite file, the target PostgreSQL). Rows copied per table."""
    for table in reversed(tables):
        target.execute(table.delete())
    late = LateReferences()
    written: set[str] = set()
    counts: dict[str, int] = {}
    for table in tables:
        later = later_columns(table, written)
        result = source.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        counts[table.name] = 0
        while chunk := [dict(row) for row in result.fetchmany(FETCH)]:
            target.execute(insert(table), late.hold(table, chunk, later))
            counts[table.name] += len(chunk)
        written.add(table.name)
    late.fill(target)
    move_sequences(target, tables)
    return counts
