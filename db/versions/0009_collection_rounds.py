"""collection_rounds, round_files: the twice-yearly collection round

Revision ID: 0009
Revises: 0008

A round writes each working ОО a workbook with its own data on the round's date; what was sent
is kept (round_files.snapshot: the canonical text of every cell, and its SHA-256 fingerprint),
so a returned file is matched to its school, compared with what it was shown and told when it
comes twice. Only new tables are created; no rows change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("started", sa.DateTime(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_rounds")),
    )
    op.create_table(
        "round_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("sent", sa.DateTime(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("returned", sa.DateTime(), nullable=True),
        sa.Column("returned_name", sa.String(length=260), nullable=False),
        sa.Column("returned_sha256", sa.String(length=64), nullable=False),
        sa.Column("applied", sa.DateTime(), nullable=True),
        sa.Column("changes", sa.Integer(), nullable=True),
        sa.Column("refused", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["collection_rounds.id"],
                                name=op.f("fk_round_files_round_id_collection_rounds"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_round_files_organisation_id_organisations"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_files")),
        sa.UniqueConstraint("round_id", "organisation_id", name="round_org"),
    )
    with op.batch_alter_table("round_files") as batch:
        batch.create_index(batch.f("ix_round_files_round_id"), ["round_id"], unique=False)
        batch.create_index(batch.f("ix_round_files_organisation_id"), ["organisation_id"],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table("round_files") as batch:
        batch.drop_index(batch.f("ix_round_files_organisation_id"))
        batch.drop_index(batch.f("ix_round_files_round_id"))
    op.drop_table("round_files")
    op.drop_table("collection_rounds")
