"""Writing the demo's rows: Core executemany inserts in chunks, with the builders' working keys
(those starting with «_») left out of every row."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from desktop_app import model
from desktop_app.demo.base import Row

CHUNK = 20_000


def _plain(rows: list[Row]) -> list[Row]:
    if rows and any(key.startswith("_") for key in rows[0]):
        return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return rows


def bulk_insert(session: Session, entity: type[model.Base], rows: Iterable[Row]) -> int:
    """Bulk Core inserts in chunks (every row has every column, so each chunk is one
    executemany; the ORM bulk path splits on None values and is several times slower)."""
    table = entity.__table__
    assert isinstance(table, Table)  # declared entities map a Table
    stmt = insert(table)  # Core executemany: one statement per chunk
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            session.execute(stmt, _plain(chunk))
            count, chunk = count + len(chunk), []
    if chunk:
        session.execute(stmt, _plain(chunk))
    return count + len(chunk)
