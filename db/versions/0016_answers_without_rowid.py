"""answers and session_area_scores kept in their key's own tree; five indexes no lookup needs

Revision ID: 0016
Revises: 0015

A region's database holds 1,6 million answers and 200 000 area means. On SQLite a table with a
key of two columns was two trees: the rows by their hidden rowid, and the key's index pointing
into them; every answer written went into both, every answer read by its session went through
both. WITHOUT ROWID keeps the rows in the key's tree alone (sqlite.org/withoutrowid.html: for
small rows with a composite key, as here) — the region's exchange workbook loads some 0,5 s
faster and the file is smaller. Only SQLite has the notion: a server's tables are unchanged.

Each table is rebuilt (batch mode: a copy under the new definition, the rows copied, the old
table dropped, the copy renamed). That is safe here, as it was not for people (see 0008): no
table refers to answers or to session_area_scores, so dropping the old table deletes nothing
else through ON DELETE CASCADE.

The indexes dropped are each the first column of a unique key that stays and serves the same
lookups (on a server too): people.search_key (fio_birth: search_key, birth_date),
diagnostic_sessions.person_id (ix_diagnostic_sessions_person_kind_date), nominations.person_id
(person_award_date), practice_files.practice_id (practice_name), round_files.round_id
(round_org). Each was one more tree to write at every row added (30 000 people: some 0,15 s).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

WITHOUT_ROWID = ("answers", "session_area_scores")
# (table, the index dropped, its column)
COVERED = (
    ("people", "ix_people_search_key", "search_key"),
    ("diagnostic_sessions", "ix_diagnostic_sessions_person_id", "person_id"),
    ("nominations", "ix_nominations_person_id", "person_id"),
    ("practice_files", "ix_practice_files_practice_id", "practice_id"),
    ("round_files", "ix_round_files_round_id", "round_id"),
)


def upgrade() -> None:
    for table, index, _column in COVERED:
        op.drop_index(index, table_name=table)
    if op.get_bind().dialect.name == "sqlite":
        for table in WITHOUT_ROWID:
            _rebuild(table, with_rowid=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WITHOUT_ROWID:
            _rebuild(table, with_rowid=True)
    for table, index, column in COVERED:
        op.create_index(index, table, [column], unique=False)


def _rebuild(table: str, with_rowid: bool) -> None:
    with op.batch_alter_table(table, recreate="always",
                              table_kwargs={"sqlite_with_rowid": with_rowid}):
        pass
