"""people.education_pedagogical may be unknown: NULL is «не указано», not a guessed «да»

Revision ID: 0008
Revises: 0007

A blank cell of the people form used to become the column default: «Педагогическое образование»
— да, «Уровень образования» — высшее, «Квалификационная категория» — без категории, «Тип
организации» — общеобразовательная. From now on a value not given is kept as not given: the
closed lists got a member «не указано» (code "unknown", the new model default, a plain string
column: no schema change), and the pedagogical flag becomes nullable here. Existing rows keep
their values (nothing tells a guessed «да» from a real one; the list of incomplete records
shows what is still missing).

SQLite cannot drop a NOT NULL in place, and the batch mode's table copy would DROP TABLE people
while foreign keys are on (the program's connections always have them on, and a migration runs
inside one transaction where the pragma cannot be switched off): that drop deletes every
course, job and participation through ON DELETE CASCADE. So on SQLite the constraint is
removed the way SQLite documents for removing a NOT NULL constraint (lang_altertable.html,
«Making other kinds of table schema changes»): the stored CREATE TABLE text is edited with
writable_schema and the schema version raised, in the same transaction; no row is touched.
Other databases get the ordinary batch alter_column.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE, COLUMN = "people", "education_pedagogical"
NOT_NULL = re.compile(rf"(\b{COLUMN}\s+BOOLEAN)\s+NOT\s+NULL\b", re.IGNORECASE)
NULLABLE = re.compile(rf"(\b{COLUMN}\s+BOOLEAN)(?!\s+NOT\s+NULL)(?=\s*,)", re.IGNORECASE)
# what the downgrade writes back where the old schema cannot say «не указано» (its defaults)
OLD_DEFAULTS = (
    ("people", "education_level", "'higher'"), ("people", "category", "'none'"),
    ("organisations", "kind", "'general'"),
)


def _edit_table_sql(connection: sa.Connection, pattern: re.Pattern[str], replace: str) -> None:
    """Rewrite the stored CREATE TABLE of people (SQLite only), checked and versioned."""
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).scalar_one()
    new_sql, found = pattern.subn(replace, sql)
    if found != 1:
        raise RuntimeError(f"{TABLE}.{COLUMN}: определение столбца не найдено в схеме")
    version = int(connection.exec_driver_sql("PRAGMA schema_version").scalar_one())
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        connection.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (new_sql, TABLE)
        )
        connection.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = connection.exec_driver_sql(f"PRAGMA integrity_check('{TABLE}')").fetchall()
    if [tuple(r) for r in problems] != [("ok",)]:
        raise RuntimeError(f"{TABLE}: проверка целостности после изменения схемы: {problems}")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _edit_table_sql(connection, NOT_NULL, r"\1")
        return
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column(COLUMN, existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    connection = op.get_bind()
    # the old schema has no «не указано»: its defaults come back (what it used to guess)
    connection.execute(sa.text(f"UPDATE {TABLE} SET {COLUMN} = TRUE WHERE {COLUMN} IS NULL"))
    for table, column, old in OLD_DEFAULTS:
        connection.exec_driver_sql(
            f"UPDATE {table} SET {column} = {old} WHERE {column} = 'unknown'")
    if connection.dialect.name == "sqlite":
        _edit_table_sql(connection, NULLABLE, r"\1 NOT NULL")
        return
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column(COLUMN, existing_type=sa.Boolean(), nullable=False)
