"""organisations.curator_id refers to people on a PostgreSQL server too

Revision ID: 0011
Revises: 0010

Revision 0001 declares the curator's foreign key with use_alter (organisations and people refer
to each other); SQLite keeps it inside the table, but on PostgreSQL Alembic's create_table left
it out, so a server database accepted a curator who is not a person. It is added here on
PostgreSQL when missing. A curator id that names no person is first cleared, as the key's own
rule (ON DELETE SET NULL) would have cleared it when that person was deleted. SQLite: nothing to
do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NAME = "fk_organisations_curator_id_people"


def _on_server_without_key() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return NAME not in {fk.get("name") for fk in sa.inspect(bind).get_foreign_keys("organisations")}


def upgrade() -> None:
    if not _on_server_without_key():
        return
    op.execute(sa.text(
        "UPDATE organisations SET curator_id = NULL WHERE curator_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM people WHERE people.id = organisations.curator_id)"))
    op.create_foreign_key(NAME, "organisations", "people", ["curator_id"], ["id"],
                          ondelete="SET NULL")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(NAME, "organisations", type_="foreignkey")
