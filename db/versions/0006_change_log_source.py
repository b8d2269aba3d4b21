"""change_log: where a change came from (source)

Revision ID: 0006
Revises: 0005

The imports of Excel forms, of exchange workbooks and the merge of municipal workbooks write
their rows in bulk and now log them too; each entry says where it came from («Импорт из Excel:
Форма_СОШ1.xlsx», «Обмен: …», «Объединение: …»). Changes made in the window have an empty
source, and so do the entries already in the log. Adding a column with a default is a plain
ALTER TABLE: no table rebuild, no rows change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("source")
