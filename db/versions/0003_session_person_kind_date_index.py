"""diagnostic sessions: an index on (person_id, kind, session_date)

Revision ID: 0003
Revises: 0002

Mentor suggestions need each candidate's latest self-assessment; with this index that is one
covering-index probe per session instead of a sort of every session (region scale: 40 000).
Only an index is added: no rows change, and a plain CREATE INDEX (no table rebuild) keeps the
upgrade short.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_diagnostic_sessions_person_kind_date"


def upgrade() -> None:
    op.create_index(
        INDEX, "diagnostic_sessions", ["person_id", "kind", "session_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="diagnostic_sessions")
