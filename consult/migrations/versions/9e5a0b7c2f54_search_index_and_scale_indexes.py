"""full-text search index over comment terms; indexes for the plan page and the outbox at scale

Revision ID: 9e5a0b7c2f54
Revises: 0f6b1c8d3a65
Create Date: 2026-12-02 05:05:00

A database holding comments upgrades in place: the PostgreSQL GIN index is built from the stored
search terms, and the SQLite FTS5 table is filled from them by its 'rebuild' command. The DDL is
written out here (not imported) so this revision stays as it was when later code moves.
"""
from alembic import op

revision = '9e5a0b7c2f54'
down_revision = '0f6b1c8d3a65'
branch_labels = None
depends_on = None

FTS = 'comment_fts'
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_terms, content='comment', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON comment BEGIN "  # nosec B608  # a fixed table name, no input
    f"INSERT INTO {FTS}(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON comment BEGIN "  # nosec B608  # a fixed table name, no input
    f"INSERT INTO {FTS}({FTS}, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF search_terms ON comment BEGIN "  # nosec B608  # a fixed table name, no input
    f"INSERT INTO {FTS}({FTS}, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); "
    f"INSERT INTO {FTS}(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # nosec B608  # a fixed table name, no input
)


def upgrade():
    op.create_index('ix_comment_version_status_clause', 'comment', ['version_id', 'status', 'clause_id', 'created_at'])
    op.create_index('ix_outbox_task_ref', 'outbox_event', ['task', 'ref_id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_comment_search_fts ON comment USING gin (to_tsvector('simple'::regconfig, search_terms))")
        # Statistics of the indexed expression: without them the planner guesses 5,000 matches for
        # any term and starts parallel workers for a word found in five comments.
        op.execute("ANALYZE comment")
    else:
        for statement in SQLITE_DDL:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_comment_search_fts")
    else:
        for trigger in ('ai', 'ad', 'au'):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_index('ix_outbox_task_ref', table_name='outbox_event')
    op.drop_index('ix_comment_version_status_clause', table_name='comment')
