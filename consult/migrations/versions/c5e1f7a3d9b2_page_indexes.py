"""indexes for the plan page, the answer workbench and the digest page at 100,000 comments

Revision ID: c5e1f7a3d9b2
Revises: a4d7c2e9b6f1
Create Date: 2026-12-02 14:40:00

Three indexes are widened so the counts these pages show come from index-only scans (each old
index is a prefix of its replacement, so every query that used it still can):

- comment (plan_id, status) → (plan_id, status, source, id): the workbench's answerable and
  unanswered counts and the decision timeline's participation count (source excluded for the
  untallied channels) without reading the table;
- comment (version_id, status, clause_id, created_at) → (version_id, status, clause_id,
  parent_id, created_at): the plan page's whole-plan total (top-level comments only) and the
  per-clause counts in one scan, the newest page of a clause still in index order;
- response (plan_id) → (plan_id, status): answers per status on the workbench.
"""
from alembic import op

revision = 'c5e1f7a3d9b2'
down_revision = 'a4d7c2e9b6f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_comment_plan_status_source', 'comment', ['plan_id', 'status', 'source', 'id'])
    op.drop_index('ix_comment_plan_status', table_name='comment')
    op.create_index('ix_comment_version_status_clause_parent', 'comment', ['version_id', 'status', 'clause_id', 'parent_id', 'created_at'])
    op.drop_index('ix_comment_version_status_clause', table_name='comment')
    op.create_index('ix_response_plan_status', 'response', ['plan_id', 'status'])
    op.drop_index('ix_response_plan_id', table_name='response')


def downgrade():
    op.create_index('ix_response_plan_id', 'response', ['plan_id'])
    op.drop_index('ix_response_plan_status', table_name='response')
    op.create_index('ix_comment_version_status_clause', 'comment', ['version_id', 'status', 'clause_id', 'created_at'])
    op.drop_index('ix_comment_version_status_clause_parent', table_name='comment')
    op.create_index('ix_comment_plan_status', 'comment', ['plan_id', 'status'])
    op.drop_index('ix_comment_plan_status_source', table_name='comment')
