"""Many rows of one table written by one executemany, without SQLAlchemy's work per row.

`session.execute(insert(table), rows)` builds the parameters of every row through the compiled
statement (construct_params and the type processing of each value): at the 2 million rows of a
region's exchange workbook that is seconds of the load. Here the statement is compiled once by
the connection's own dialect (SQLite's «?» or the server driver's placeholders — no SQL text of
one engine), each column's bind processor (a date as SQLite's ISO text, the same text the ORM
writes) is taken once and applied to that column only, and the driver's executemany gets the
values ready. The rows must all have the keys of the first one (in any order); rows that do not
(a row with a column more or less) go through SQLAlchemy's own path, which handles them as
before (as it compiles for the first row's keys).

On SQLite the rows go MULTI_ROWS to a statement («INSERT … VALUES (…), (…), …», compiled by
SQLAlchemy from bound parameters, not written as text): the driver steps once per statement, not
once per row — half the time of the region's 1,6 million answers, and the driver lets Python's
lock go (and waits to take it back, behind the book's read-ahead thread) once per statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, bindparam, insert
from sqlalchemy.sql.compiler import SQLCompiler

from desktop_app.store.dialect import SQLITE

MULTI_ROWS = 50  # rows of one INSERT on SQLite (from 20 on the time hardly changes)
MULTI_VARIABLES = 999  # values bound in one statement at most: the limit of SQLite's builds
# before 3.32 (32 766 since)


def insert_rows(connection: Connection, table: Table,
                rows: Sequence[Mapping[str, Any]] | Sequence[tuple[Any, ...]],
                columns: Sequence[str] | None = None) -> None:
    """Insert the rows into the table in one executemany: dicts of column name → value, or,
    with columns, tuples of those columns' values in that order (a region's 1,6 million
    answers, read as tuples: no dict a row; in the table's own order they go to the driver as
    they are)."""
    if not rows:
        return
    names = list(columns) if columns is not None else list(cast("Mapping[str, Any]", rows[0]))
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=names)
    params = _parameters(connection, table, compiled, names, rows, columns is not None)
    if params is None:
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows]
                           if columns is not None else list(cast("Sequence[dict[str, Any]]",
                                                                 rows)))
        return
    per = min(MULTI_ROWS, MULTI_VARIABLES // max(len(compiled.positiontup or ()), 1))
    if connection.dialect.name == SQLITE and compiled.positional and len(params) >= per > 1:
        statement = _many_rows(connection.dialect, table, tuple(compiled.positiontup or ()), per)
        if statement is not None:
            whole = len(params) // per * per
            connection.exec_driver_sql(statement, [tuple(chain.from_iterable(params[at:at + per]))
                                                   for at in range(0, whole, per)])
            params = params[whole:]
            if not params:
                return
    connection.exec_driver_sql(compiled.string, params)


@lru_cache(maxsize=256)
def _many_rows(dialect: Dialect, table: Table, bound: tuple[str, ...], count: int) -> str | None:
    """The INSERT of count rows of the columns bound (in that order), its placeholders row after
    row as the one-row statement's, so that the values of the rows go one after another; None
    if SQLAlchemy placed them otherwise (the rows then go one at a time)."""
    names = [[f"r{row}_{at}" for at in range(len(bound))] for row in range(count)]
    compiled = insert(table).values(
        [{name: bindparam(key) for name, key in zip(bound, keys, strict=True)} for keys in names]
    ).compile(dialect=dialect)
    if list(compiled.positiontup or []) != list(chain.from_iterable(names)):
        return None
    return compiled.string


def _parameters(connection: Connection, table: Table, compiled: SQLCompiler, names: list[str],
                rows: Sequence[Any], by_position: bool = False) -> list[Any] | None:
    """The rows' values as the driver takes them (tuples in the compiled order, or dicts for a
    driver with named placeholders), a column left out given its constant default (as
    SQLAlchemy gives it); None when a row's keys differ from the first row's, or a column left
    out has a default computed per row. by_position: the rows are tuples of the names' values
    (a tuple of another length: None)."""
    bound = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    given = set(names)
    if not given <= set(bound):  # a key that is no column of the table
        return None
    constants: list[Any] = []
    for name in bound:
        if name not in given:
            default = table.c[name].default
            if default is None or not getattr(default, "is_scalar", False):
                return None
            constants.append(getattr(default, "arg", None))
    extra = [n for n in bound if n not in given]
    ordered = [n for n in bound if n in given]
    if not ordered or len(bound) < 2:
        return None  # no table of the program has a single column: SQLAlchemy's path then
    # each row: its values in the compiled order, the constants where their columns stand
    at = {name: i for i, name in enumerate(ordered + extra)}
    reorder = itemgetter(*(at[n] for n in bound)) if extra else None
    tail = tuple(constants)
    width = len(names)
    processors = [(i, _remembered(p)) for i, name in enumerate(bound)
                  if (p := _processor(table, name, connection)) is not None]
    if by_position and ordered == names and not extra:  # the tuples are the values
        if set(map(len, rows)) != {width}:
            return None
        values: list[Any] = list(rows)
    else:
        listed = _listed(rows, width, itemgetter(*(
            [names.index(n) for n in ordered] if by_position else ordered)), reorder, tail)
        if listed is None:
            return None
        values = listed
    if processors:
        values = [_processed(v, processors) for v in values]
    if not compiled.positional:
        values = [dict(zip(bound, v, strict=True)) for v in values]
    return values


def _listed(rows: Sequence[Any], width: int, take: Callable[[Any], Any],
            reorder: Callable[[Any], Any] | None, tail: tuple[Any, ...]) -> list[Any] | None:
    """Each row's values in the compiled order (take them, add the constants, reorder); None
    when a row has another width or lacks a key."""
    values: list[Any] = []
    try:
        for row in rows:
            if len(row) != width:
                return None
            got = take(row)
            if width == 1:
                got = (got,)
            values.append(reorder(got + tail) if reorder is not None else got)
    except (KeyError, IndexError):
        return None
    return values


def _processed(row: tuple[Any, ...], processors: list[tuple[int, Callable[[Any], Any]]]
               ) -> tuple[Any, ...]:
    out = list(row)
    for i, process in processors:
        out[i] = process(out[i])
    return tuple(out)


MEMO_SIZE = 4096  # values of a column whose processed form is kept (dates repeat: a change
# log's time is one for all its entries, birth and start dates come back again and again)
_MISSING = object()


def _remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The processor with the processed form of the values it has seen kept (up to MEMO_SIZE of
    them); a value that cannot be a key (a JSON column's dict) is processed each time."""
    memo: dict[Any, Any] = {}

    def processed(value: Any) -> Any:
        try:
            found = memo.get(value, _MISSING)
        except TypeError:  # unhashable
            return process(value)
        if found is _MISSING:
            found = process(value)
            if len(memo) < MEMO_SIZE:
                memo[value] = found
        return found

    return processed


def _processor(table: Table, name: str, connection: Connection) -> Callable[[Any], Any] | None:
    dialect = connection.dialect
    column_type = table.c[name].type
    processor: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(
        dialect)
    return processor
