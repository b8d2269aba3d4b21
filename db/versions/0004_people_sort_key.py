"""people: a stored Russian sort key (sort_key) of every person's ФИО

Revision ID: 0004
Revises: 0003

The window lists 30 000 people in Russian alphabetical order straight from SQL
(ORDER BY sort_key, id) instead of computing a key per row in Python. The key is
textutil.person_sort_key (ru_sort_key of the ФИО: code point order = Russian order, ё after е),
which SQLite cannot compute, so the data step reads the names and writes the keys from Python
in one executemany (no model imports: the migration must keep working whatever the models
become). Adding a column with a default is a plain ALTER TABLE: no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_app.textutil import person_sort_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SELECT_NAMES = "SELECT id, last_name, first_name, middle_name FROM people"
# named parameters through text(): SQLAlchemy writes each driver's own placeholders (sqlite3's ?,
# psycopg's %s) — a literal ? reaches PostgreSQL as it is and fails there
UPDATE_KEY = sa.text("UPDATE people SET sort_key = :sort_key WHERE id = :id")


def fill_sort_keys(connection: sa.Connection) -> int:
    """Write person_sort_key of every person's names; returns how many rows were written."""
    rows = connection.exec_driver_sql(SELECT_NAMES).fetchall()
    keys = [{"sort_key": person_sort_key(last or "", first or "", middle or ""), "id": pid}
            for pid, last, first, middle in rows]
    if keys:
        connection.execute(UPDATE_KEY, keys)
    return len(keys)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("sort_key", sa.String(length=320), nullable=False, server_default="")
        )
    fill_sort_keys(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("sort_key")
