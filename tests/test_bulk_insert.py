"""store/bulk.insert_rows writes what SQLAlchemy's own insert writes: the same stored text of
dates and date-times on SQLite, the same values on the server, a column left out given its
default; a row's keys are taken by name, in whatever order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.model import Base
from desktop_app.store.bulk import insert_rows
from desktop_app.store.database import Database

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
PEOPLE = cast(Table, Base.metadata.tables["people"])
LOG = cast(Table, Base.metadata.tables["change_log"])


def person(n: int, **more: Any) -> dict[str, Any]:
    return {"id": n, "last_name": "Ёлкина", "first_name": "Анна", "search_key": f"ёлкина {n}",
            "birth_date": date(1980, 2, 29), "education_pedagogical": None,
            "ped_experience_start": date(2001, 9, 1), "is_active": n % 2 == 0, **more}


def stored(db: Database, table: Table, ids: list[int]) -> list[tuple[Any, ...]]:
    """The rows as the database keeps them (on SQLite: the text of a date), the keys left out
    (id, and the people's search key, unique with the birth date)."""
    names = ", ".join(c.name for c in table.columns if c.name not in ("id", "search_key"))
    with db.sessions() as session:
        rows = session.execute(text(f"SELECT {names} FROM {table.name} WHERE id IN "  # noqa: S608
                                    f"({', '.join(map(str, ids))}) ORDER BY id")).all()
    return [tuple(r) for r in rows]


def assert_stored_alike(db: Database, table: Table, ours: list[dict[str, Any]],
                        theirs: list[dict[str, Any]]) -> None:
    """ours written by insert_rows and theirs by SQLAlchemy's insert, in one transaction: the
    rows are stored alike."""
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), table, ours)
        session.execute(insert(table), theirs)
    assert stored(db, table, [p["id"] for p in ours]) == \
        stored(db, table, [p["id"] for p in theirs])


def test_people_stored_as_sqlalchemy_stores_them(db: Database) -> None:
    ours = [person(n) for n in range(1001, 1006)]
    theirs = [person(n) for n in range(2001, 2006)]
    assert_stored_alike(db, PEOPLE, ours, theirs)
    with db.sessions() as session:
        got = session.execute(select(PEOPLE.c.birth_date, PEOPLE.c.row_version,
                                     PEOPLE.c.is_active, PEOPLE.c.education_level)
                              .where(PEOPLE.c.id == 1002)).one()
    assert tuple(got) == (date(1980, 2, 29), 1, True, "unknown")  # defaults given


def test_date_times_and_long_texts_of_the_log(db: Database) -> None:
    at = datetime(2026, 12, 7, 9, 30, 15)
    entries = [{"id": 900 + n, "changed_at": at, "table_name": "people", "record_id": n,
                "action": "insert", "old_values": "", "new_values": "«" + "я" * 5000 + "»",
                "source": "Обмен: книга.xlsx"} for n in range(3)]
    same = [{**e, "id": e["id"] + 100} for e in entries]
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), LOG, entries)
        session.execute(insert(LOG), same)
    assert stored(db, LOG, [900, 901, 902]) == stored(db, LOG, [1000, 1001, 1002])
    with db.sessions() as session:
        assert session.scalar(select(LOG.c.changed_at).where(LOG.c.id == 901)) == at


def test_rows_with_their_keys_in_another_order(db: Database) -> None:
    rows = [person(3001), person(3002, notes="перевод"), person(3003, notes="")]
    rows[0]["notes"] = ""
    rows[2] = dict(reversed(rows[2].items()))  # the same keys in another order: taken by name
    rows[2]["birth_date"] = date(1990, 1, 1)
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), PEOPLE, rows)
    with db.sessions() as session:
        got = session.execute(select(PEOPLE.c.id, PEOPLE.c.notes, PEOPLE.c.birth_date)
                              .where(PEOPLE.c.id >= 3001).order_by(PEOPLE.c.id)).all()
    assert [tuple(r) for r in got] == [(3001, "", date(1980, 2, 29)),
                                       (3002, "перевод", date(1980, 2, 29)),
                                       (3003, "", date(1990, 1, 1))]


def test_values_seen_before_are_stored_the_same(db: Database, monkeypatch: Any) -> None:
    """A column's processed values are kept for the values that come again (a log's one time,
    the same birth dates): more distinct values than are kept, and each repeated, are stored as
    SQLAlchemy stores them, in their own rows."""
    from desktop_app.store import bulk

    monkeypatch.setattr(bulk, "MEMO_SIZE", 2)
    days = [date(1980, 1, 1 + n % 5) for n in range(12)]
    ours = [person(3001 + n, birth_date=day, is_active=n % 3 == 0) for n, day in enumerate(days)]
    theirs = [person(4001 + n, birth_date=day, is_active=n % 3 == 0)
              for n, day in enumerate(days)]
    assert_stored_alike(db, PEOPLE, ours, theirs)
    with db.sessions() as session:
        born = session.scalars(select(PEOPLE.c.birth_date).where(PEOPLE.c.id >= 3001,
                                                                 PEOPLE.c.id < 4000)
                               .order_by(PEOPLE.c.id)).all()
    assert born == days


def test_rows_over_several_statements_stored_alike(db: Database) -> None:
    """More rows than one statement takes (SQLite: bulk.MULTI_ROWS at a time, fewer for a wide
    table): every row stored, each in its own place, as SQLAlchemy stores them."""
    from desktop_app.store import bulk

    count = 2 * bulk.MULTI_ROWS + 7
    ours = [person(5001 + n, notes=f"№ {n}", birth_date=date(1970 + n % 30, 1 + n % 12, 1))
            for n in range(count)]
    theirs = [person(6001 + n, notes=f"№ {n}", birth_date=date(1970 + n % 30, 1 + n % 12, 1))
              for n in range(count)]
    assert_stored_alike(db, PEOPLE, ours, theirs)
    at = datetime(2026, 12, 7, 10, 0, 0)
    entries = [{"id": 7001 + n, "changed_at": at, "table_name": "people", "record_id": n,
                "action": "insert", "old_values": "", "new_values": f"{{\"n\": {n}}}",
                "source": ""} for n in range(count)]
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), LOG, entries)
    with db.sessions() as session:
        got = session.execute(select(LOG.c.id, LOG.c.record_id, LOG.c.new_values)
                              .where(LOG.c.id > 7000).order_by(LOG.c.id)).all()
    assert [tuple(r) for r in got] == [(7001 + n, n, f"{{\"n\": {n}}}") for n in range(count)]


def test_tuples_of_named_columns_stored_as_their_dicts(db: Database) -> None:
    """Rows given as tuples of the columns named (an exchange book's answers): in the table's
    order, in another order, with a column left out (its default given), over several
    statements — stored as the same rows given as dicts; a tuple of another length goes
    SQLAlchemy's way and is refused by it, not written short."""
    from desktop_app.store import bulk

    count = 2 * bulk.MULTI_ROWS + 3
    dicts = [person(8001 + n, notes=f"№ {n}") for n in range(count)]
    names = list(dicts[0])
    theirs = [person(9001 + n, notes=f"№ {n}") for n in range(count)]
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), PEOPLE, [tuple(d.values()) for d in dicts],
                    columns=names)
        session.execute(insert(PEOPLE), theirs)
    assert stored(db, PEOPLE, [d["id"] for d in dicts]) == \
        stored(db, PEOPLE, [d["id"] for d in theirs])
    backwards = names[::-1]
    more = [person(10001 + n, notes=f"№ {n}") for n in range(3)]
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), PEOPLE, [tuple(d[k] for k in backwards) for d in more],
                    columns=backwards)
    assert stored(db, PEOPLE, [d["id"] for d in more]) == \
        stored(db, PEOPLE, [d["id"] for d in theirs[:3]])
    log = [(11001 + n, datetime(2026, 12, 7, 12, n // 60, n % 60), "answers", n, "insert", "",
            "{}", "") for n in range(count)]
    columns = ["id", "changed_at", "table_name", "record_id", "action", "old_values",
               "new_values", "source"]
    with db.sessions() as session, session.begin():
        insert_rows(session.connection(), LOG, log, columns=columns)
    with db.sessions() as session:
        got = session.execute(select(*(LOG.c[c] for c in columns))
                              .where(LOG.c.id > 11000).order_by(LOG.c.id)).all()
    assert [tuple(r) for r in got] == log
    with pytest.raises((SQLAlchemyError, ValueError)), db.sessions() as session, \
            session.begin():
        insert_rows(session.connection(), LOG, [log[0][:-1]], columns=columns)
