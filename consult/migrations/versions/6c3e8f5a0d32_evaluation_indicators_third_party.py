"""evaluation: indicators per year, manual scores, third-party evaluations, published years

Revision ID: 6c3e8f5a0d32
Revises: 9e5a0b7c2f54 (re-chained at the last merge of main: … 3f1a6c2e8b10 → 5b2d7e4f9c21 → 8d4f9a6b1e43 → 4a2b7d3f9c11 → 0f6b1c8d3a65 → 9e5a0b7c2f54; originally 3f1a6c2e8b10)
Create Date: 2026-12-02 04:40:00

New tables only; nothing existing changes.
"""
import sqlalchemy as sa
from alembic import op

revision = '6c3e8f5a0d32'
down_revision = '9e5a0b7c2f54'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False),
        sa.Column('direction', sa.String(length=10), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
    )
    op.create_index('ix_evaluation_indicator_year', 'indicator', ['year'])
    op.create_table(
        'manual_score',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('indicator_id', sa.Integer(), sa.ForeignKey('indicator.id', ondelete='CASCADE'), nullable=False),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=True),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id', ondelete='CASCADE'), nullable=True),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
    )
    op.create_index('ix_manual_score_indicator_id', 'manual_score', ['indicator_id'])
    op.create_index('ix_manual_score_task_id', 'manual_score', ['task_id'])
    op.create_index('ix_manual_score_department_id', 'manual_score', ['department_id'])
    op.create_table(
        'third_party_evaluation',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('evaluator_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('scope', sa.String(length=12), nullable=False),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=True),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id', ondelete='CASCADE'), nullable=True),
        sa.Column('method', sa.String(length=200), nullable=False),
        sa.Column('sample_size', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('distribution', sa.JSON(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('report_filename', sa.String(length=200), nullable=False),
        sa.Column('report_content_type', sa.String(length=100), nullable=False),
        sa.Column('report_data', sa.LargeBinary(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('review_note', sa.Text(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('reviewed_at', TZ, nullable=True),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
    )
    op.create_index('ix_third_party_evaluation_year', 'third_party_evaluation', ['year'])
    op.create_index('ix_third_party_evaluation_evaluator_id', 'third_party_evaluation', ['evaluator_id'])
    op.create_index('ix_third_party_evaluation_task_id', 'third_party_evaluation', ['task_id'])
    op.create_index('ix_third_party_evaluation_department_id', 'third_party_evaluation', ['department_id'])
    op.create_table(
        'published_year',
        sa.Column('year', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('published_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('published_at', TZ, nullable=False),
    )


def downgrade():
    op.drop_table('published_year')
    for name in ('year', 'evaluator_id', 'task_id', 'department_id'):
        op.drop_index(f'ix_third_party_evaluation_{name}', table_name='third_party_evaluation')
    op.drop_table('third_party_evaluation')
    for name in ('indicator_id', 'task_id', 'department_id'):
        op.drop_index(f'ix_manual_score_{name}', table_name='manual_score')
    op.drop_table('manual_score')
    op.drop_index('ix_evaluation_indicator_year', table_name='indicator')
    op.drop_table('indicator')
