"""feedback publications: every published version of the adoption feedback, stored

Revision ID: b7d41e9c3a52
Revises: 6c3e8f5a0d32
Create Date: 2026-12-02 08:40:00

New tables only. A plan whose feedback was already published gets a `feedback_publication` row
version 1 (published_at, published_by and summary of its `feedback_report`) with status
`pending`: its content is built from the answers at the first access after the upgrade (the page,
the PDF, the API or the workbench), inline for a small plan, by the worker for a large one
(`consult/responses/publications.py: ensure_first`). The migration itself does not compute
reports: that needs the application's placement and digest code.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d41e9c3a52'
down_revision = '6c3e8f5a0d32'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'feedback_publication',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plan.id', ondelete='CASCADE'), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('from_version_id', sa.Integer(), sa.ForeignKey('plan_version.id', ondelete='SET NULL'), nullable=True),
        sa.Column('to_version_id', sa.Integer(), sa.ForeignKey('plan_version.id', ondelete='SET NULL'), nullable=True),
        sa.Column('published_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('published_at', TZ, nullable=False),
        sa.Column('snapshot_at', TZ, nullable=True),
        sa.Column('built_at', TZ, nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.UniqueConstraint('plan_id', 'version', name='uq_feedback_publication_version'),
    )
    op.create_index('ix_feedback_publication_plan_id', 'feedback_publication', ['plan_id'])
    op.create_table(
        'feedback_publication_opinion',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('publication_id', sa.Integer(), sa.ForeignKey('feedback_publication.id', ondelete='CASCADE'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), sa.ForeignKey('comment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.UniqueConstraint('publication_id', 'position', name='uq_feedback_opinion_position'),
    )
    op.create_index('ix_feedback_opinion_comment', 'feedback_publication_opinion', ['publication_id', 'comment_id'])
    # Already published plans: version 1, owed (built at first access from the answers as they are then).
    op.execute(
        "INSERT INTO feedback_publication (plan_id, version, status, summary, from_version_id, to_version_id,"
        " published_by_id, published_at, error, content)"
        " SELECT plan_id, 1, 'pending', summary, from_version_id, to_version_id, published_by_id, published_at, '', '{}'"
        " FROM feedback_report"
    )


def downgrade():
    op.drop_index('ix_feedback_opinion_comment', table_name='feedback_publication_opinion')
    op.drop_table('feedback_publication_opinion')
    op.drop_index('ix_feedback_publication_plan_id', table_name='feedback_publication')
    op.drop_table('feedback_publication')
