"""municipalities: each ОО belongs to a municipality; an existing database's ОО to its own

Revision ID: 0012
Revises: 0011

A region merges its municipalities' exchange workbooks; until now the municipalities vanished
in the merge. The new table holds the database's own municipality (is_own: the one its settings
name) and every municipality merged in; organisations.municipality_id names the municipality of
each ОО. An existing database gets one municipality named by its settings («municipality», as
the documents print it) and every ОО is given it. A database without settings yet (a new one:
its presets are written after the migrations) gets its municipality when its first ОО is written
(services/municipalities.py).

The column is added with a plain ALTER TABLE … ADD COLUMN … REFERENCES (SQLite allows a
reference on a column added with no default); no table is rebuilt (see 0008 and 0010 on why).
The downgrade drops the table and the column (on SQLite the column stays, emptied: SQLite cannot
drop a column a reference is written on).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FK = "fk_organisations_municipality_id_municipalities"
INDEX = "ix_organisations_municipality_id"


def upgrade() -> None:
    op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("oktmo", sa.String(length=11), nullable=False, server_default=""),
        sa.Column("is_own", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_municipalities"),
        sa.UniqueConstraint("name", name="uq_municipalities_name"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite: the reference written into the column's own definition (SQLite reflects no
        # name of a reference written there: none is given); kept by a downgrade
        columns = {c["name"] for c in sa.inspect(bind).get_columns("organisations")}
        if "municipality_id" not in columns:
            op.execute(sa.text("ALTER TABLE organisations ADD COLUMN municipality_id INTEGER "
                               "REFERENCES municipalities (id)"))
    else:
        op.add_column("organisations", sa.Column("municipality_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "organisations", "municipalities", ["municipality_id"], ["id"])
    op.create_index(INDEX, "organisations", ["municipality_id"])
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    name = bind.execute(sa.select(settings.c.value).where(
        settings.c.key == "municipality")).scalar()
    organisations = sa.table("organisations", sa.column("municipality_id", sa.Integer))
    has_orgs = bind.execute(sa.select(sa.func.count()).select_from(organisations)).scalar()
    if not (name or "").strip() and not has_orgs:
        return  # a new database: its municipality comes with its settings
    municipalities = sa.table("municipalities", sa.column("id", sa.Integer),
                              sa.column("name", sa.String), sa.column("oktmo", sa.String),
                              sa.column("is_own", sa.Boolean))
    bind.execute(sa.insert(municipalities).values(
        id=1, name=(name or "").strip() or "Муниципальное образование", oktmo="", is_own=True))
    bind.execute(sa.update(organisations).values(municipality_id=1))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="organisations")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column a reference is written on (and a table copy would take
        # every ОО's people with it, see 0010): the column stays, emptied, unread by 0011
        op.execute(sa.text("UPDATE organisations SET municipality_id = NULL"))
    else:
        op.drop_constraint(FK, "organisations", type_="foreignkey")
        op.drop_column("organisations", "municipality_id")
    op.drop_table("municipalities")
