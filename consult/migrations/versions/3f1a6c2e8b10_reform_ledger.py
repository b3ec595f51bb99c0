"""reform ledger: tasks, partners, milestones, opinions carried out, progress reports, supervision

Revision ID: 3f1a6c2e8b10
Revises: 7a1c0e5d9b21
Create Date: 2026-12-02 04:30:00

New tables only; nothing existing changes, so a database of the previous release upgrades as is.
"""
import sqlalchemy as sa
from alembic import op

revision = '3f1a6c2e8b10'
down_revision = '7a1c0e5d9b21'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'reform_task',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('code', sa.String(length=40), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('parent_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plan.id', ondelete='SET NULL'), nullable=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('is_major', sa.Boolean(), nullable=False),
        sa.Column('lead_department_id', sa.Integer(), sa.ForeignKey('department.id'), nullable=True),
        sa.Column('responsible_leader', sa.String(length=80), nullable=False),
        sa.Column('target', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('report_every_days', sa.Integer(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.UniqueConstraint('code'),
    )
    op.create_index('ix_reform_task_parent_id', 'reform_task', ['parent_id'])
    op.create_index('ix_reform_task_plan_id', 'reform_task', ['plan_id'])
    op.create_index('ix_reform_task_lead_department_id', 'reform_task', ['lead_department_id'])
    op.create_index('ix_reform_task_deadline', 'reform_task', ['deadline'])
    op.create_index('ix_reform_task_year_major', 'reform_task', ['year', 'is_major'])

    op.create_table(
        'task_partner',
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id'), primary_key=True),
    )
    op.create_table(
        'milestone',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
    )
    op.create_index('ix_milestone_task_id', 'milestone', ['task_id'])
    op.create_table(
        'task_opinion',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('comment_id', sa.Integer(), sa.ForeignKey('comment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('cluster_ref', sa.String(length=40), nullable=False),
        sa.Column('linked_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('linked_at', TZ, nullable=False),
        sa.UniqueConstraint('task_id', 'comment_id'),
    )
    op.create_index('ix_task_opinion_task_id', 'task_opinion', ['task_id'])
    op.create_index('ix_task_opinion_comment_id', 'task_opinion', ['comment_id'])
    op.create_table(
        'progress_report',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id'), nullable=True),
        sa.Column('author_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('period', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('submitted_at', TZ, nullable=False),
        sa.Column('review', sa.String(length=20), nullable=False),
        sa.Column('review_note', sa.Text(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('reviewed_at', TZ, nullable=True),
    )
    op.create_index('ix_progress_report_task_id', 'progress_report', ['task_id'])
    op.create_index('ix_progress_report_submitted_at', 'progress_report', ['submitted_at'])
    op.create_table(
        'report_attachment',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('report_id', sa.Integer(), sa.ForeignKey('progress_report.id', ondelete='CASCADE'), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
    )
    op.create_index('ix_report_attachment_report_id', 'report_attachment', ['report_id'])
    op.create_table(
        'supervision_record',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('rectify_by', sa.Date(), nullable=True),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('closing_note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
    )
    op.create_index('ix_supervision_record_task_id', 'supervision_record', ['task_id'])


def downgrade():
    for table in ('supervision_record', 'report_attachment', 'progress_report', 'task_opinion', 'milestone', 'task_partner'):
        op.drop_table(table)
    op.drop_table('reform_task')
