"""row_version on the records a form saves whole: no seat silently overwrites another's edit

Revision ID: 0010
Revises: 0009

Several seats may edit one database on a server at once. A form opened before another seat
saved the same record used to write its old values back over that save without a word. Each
record a form saves as a whole — people, organisations, pairs (with their programme),
active_members, meetings, roadmap_items — now counts its saves in row_version (SQLAlchemy's
version_id_col): a save names the version its form was opened with and is refused when the
record has moved on (services/record_versions.py). Existing rows start at 1.

Adding a column with a constant default is a plain ALTER TABLE: no table rebuild, no row is
rewritten by hand. The downgrade drops the columns with ALTER TABLE … DROP COLUMN (SQLite
3.35 and later, and PostgreSQL): the batch mode's table copy would DROP TABLE people while
foreign keys are on and take every course, job and participation with it (see 0008).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMN = "row_version"
TABLES = ("organisations", "people", "pairs", "active_members", "meetings", "roadmap_items")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(COLUMN, sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_column(table, COLUMN)
