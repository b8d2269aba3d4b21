"""session area scores: the mean of each self-assessment per competence area, stored

Revision ID: 0002
Revises: 0001

Mentor suggestions and a person's picture need each session's area means; computing them from
every answer (1,6 million at region scale) took 0,5–0,9 s. The table is created and filled for
the existing sessions with one set-based statement (no per-row work, no model imports: the
migration must keep working whatever the models become).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The same rounding as the diagnostics service: 2,5 is never 2,5000000001.
FILL = """
INSERT INTO session_area_scores (session_id, area, mean_score, item_count)
SELECT a.session_id, i.area, round(avg(a.score), 6), count(*)
FROM answers AS a
JOIN instrument_items AS i ON i.id = a.item_id
GROUP BY a.session_id, i.area
"""


def upgrade() -> None:
    op.create_table(
        "session_area_scores",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("mean_score", sa.Float(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["diagnostic_sessions.id"],
            name=op.f("fk_session_area_scores_session_id_diagnostic_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "area", name=op.f("pk_session_area_scores")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("session_area_scores")
