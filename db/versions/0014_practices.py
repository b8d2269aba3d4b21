"""practices with their authors, pairs and files: the bank of best practices

Revision ID: 0014
Revises: 0013

Five new tables (practices, practice_authors, practice_pairs, practice_files,
practice_file_parts): the practices of mentoring the ОО propose and the active reviews (предложена → рассмотрена
активом → включена в банк / отклонена, with the date and the meeting that decided), their
authors, the pairs whose results they show and the files attached, whose content is kept in the
database in parts of base64 text. Only new tables are created; no rows change. The downgrade
drops the five tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=True),
        sa.Column("mentee_category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_practices_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["mentorship_forms.id"],
            name=op.f("fk_practices_form_id_mentorship_forms"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_practices_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
    )
    with op.batch_alter_table("practices") as batch:
        batch.create_index(batch.f("ix_practices_organisation_id"), ["organisation_id"])
        batch.create_index(batch.f("ix_practices_year"), ["year"])
        batch.create_index(batch.f("ix_practices_status"), ["status"])
        batch.create_index(batch.f("ix_practices_meeting_id"), ["meeting_id"])
    op.create_table(
        "practice_authors",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_authors_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_practice_authors_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("practice_id", "person_id", name=op.f("pk_practice_authors")),
    )
    with op.batch_alter_table("practice_authors") as batch:
        batch.create_index(batch.f("ix_practice_authors_person_id"), ["person_id"])
    op.create_table(
        "practice_pairs",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_pairs_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pairs.id"],
            name=op.f("fk_practice_pairs_pair_id_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", "pair_id", name=op.f("pk_practice_pairs")),
    )
    with op.batch_alter_table("practice_pairs") as batch:
        batch.create_index(batch.f("ix_practice_pairs_pair_id"), ["pair_id"])
    op.create_table(
        "practice_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_files_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_files")),
        sa.UniqueConstraint("practice_id", "name", name="practice_name"),
    )
    with op.batch_alter_table("practice_files") as batch:
        batch.create_index(batch.f("ix_practice_files_practice_id"), ["practice_id"])
    op.create_table(
        "practice_file_parts",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["practice_files.id"],
            name=op.f("fk_practice_file_parts_file_id_practice_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_id", "part", name=op.f("pk_practice_file_parts")),
    )


def downgrade() -> None:
    op.drop_table("practice_file_parts")
    with op.batch_alter_table("practice_files") as batch:
        batch.drop_index(batch.f("ix_practice_files_practice_id"))
    op.drop_table("practice_files")
    with op.batch_alter_table("practice_pairs") as batch:
        batch.drop_index(batch.f("ix_practice_pairs_pair_id"))
    op.drop_table("practice_pairs")
    with op.batch_alter_table("practice_authors") as batch:
        batch.drop_index(batch.f("ix_practice_authors_person_id"))
    op.drop_table("practice_authors")
    with op.batch_alter_table("practices") as batch:
        batch.drop_index(batch.f("ix_practices_meeting_id"))
        batch.drop_index(batch.f("ix_practices_status"))
        batch.drop_index(batch.f("ix_practices_year"))
        batch.drop_index(batch.f("ix_practices_organisation_id"))
    op.drop_table("practices")
