"""awards, award_conditions, nominations: recognition of mentors

Revision ID: 0013
Revises: 0012

The awards a mentor can be put forward for (the знак отличия «За наставничество», the
ведомственные знаки of приказ Минпросвещения № 400, the municipal and regional contests) with
their conditions, which the centre edits, and the nominations recorded for each person. Only new
tables are created; no rows change. The awards are written by the presets loader after the
migrations (store/presets_seed.py, resources/presets/awards.json), as the grounds are, so an
upgraded database gets them as a new one does. The downgrade drops the three tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("candidates", sa.String(length=16), nullable=False),
        sa.Column("once", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("code", name=op.f("uq_awards_code")),
    )
    op.create_table(
        "award_conditions",
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("near", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_award_conditions_award_id_awards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("award_id", "condition", name=op.f("pk_award_conditions")),
    )
    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("award", sa.String(length=64), nullable=False),
        sa.Column("nominated_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_nominations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
        sa.UniqueConstraint("person_id", "award", "nominated_on", name="person_award_date"),
    )
    with op.batch_alter_table("nominations") as batch:
        batch.create_index(batch.f("ix_nominations_person_id"), ["person_id"], unique=False)
        batch.create_index(batch.f("ix_nominations_award"), ["award"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nominations") as batch:
        batch.drop_index(batch.f("ix_nominations_award"))
        batch.drop_index(batch.f("ix_nominations_person_id"))
    op.drop_table("nominations")
    op.drop_table("award_conditions")
    op.drop_table("awards")
