"""row_version on practices: a practice's form saved by one seat no longer overwrites another's

Revision ID: 0015
Revises: 0014

A practice's form saves the practice whole — its fields, authors, pairs and files — like the
records of revision 0010. Two seats editing one practice at once on a server used to leave only
the later save. practices.row_version (SQLAlchemy's version_id_col) now counts its saves: a save
names the version its form was opened with and is refused when the practice has moved on
(services/record_versions.py). Existing practices start at 1.

A column with a constant default is a plain ALTER TABLE; the downgrade drops it with ALTER TABLE
… DROP COLUMN (see 0010).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practices") as batch:
        batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False,
                                   server_default="1"))


def downgrade() -> None:
    op.drop_column("practices", "row_version")
