"""comments: edits kept as revisions, withdrawal, one level of replies

Revision ID: 0f6b1c8d3a65
Revises: 4a2b7d3f9c11
Create Date: 2026-12-02 04:40:00

Nullable columns and a new table: existing comments stay as they are (top-level, never edited).
"""
import sqlalchemy as sa
from alembic import op

revision = '0f6b1c8d3a65'
down_revision = '4a2b7d3f9c11'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('comment') as batch:
        batch.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('edited_at', TZ, nullable=True))
        batch.add_column(sa.Column('withdrawn_at', TZ, nullable=True))
        batch.create_foreign_key(batch.f('fk_comment_parent_id_comment'), 'comment', ['parent_id'], ['id'], ondelete='CASCADE')
        batch.create_index(batch.f('ix_comment_parent_id'), ['parent_id'])
    op.create_table(
        'comment_revision',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('comment_id', sa.Integer(), sa.ForeignKey('comment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
    )
    op.create_index(op.f('ix_comment_revision_comment_id'), 'comment_revision', ['comment_id'])


def downgrade():
    op.drop_index(op.f('ix_comment_revision_comment_id'), table_name='comment_revision')
    op.drop_table('comment_revision')
    with op.batch_alter_table('comment') as batch:
        batch.drop_index(batch.f('ix_comment_parent_id'))
        batch.drop_constraint(batch.f('fk_comment_parent_id_comment'), type_='foreignkey')
        batch.drop_column('withdrawn_at')
        batch.drop_column('edited_at')
        batch.drop_column('parent_id')
