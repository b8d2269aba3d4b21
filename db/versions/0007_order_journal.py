"""order_journal: the register of orders, one number per order

Revision ID: 0007
Revises: 0006

Every order the program prints (the composition of the active, the mentor pairs) is registered
here once: its kind, number, date, title and when it was registered. Printing the same kind on
the same date again — PDF or DOCX, command line or window — reuses its number; a new order gets
the number after the latest one (one sequence for all kinds). The remembered numbers in the
settings (last_number_<kind>) stay: the first order of a database upgraded from 0006 continues
from them. Only a new table is created; no rows change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_journal")),
        sa.UniqueConstraint("kind", "date", name="kind_date"),
    )
    with op.batch_alter_table("order_journal") as batch:
        batch.create_index(batch.f("ix_order_journal_number"), ["number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("order_journal") as batch:
        batch.drop_index(batch.f("ix_order_journal_number"))
    op.drop_table("order_journal")
