"""experts: pool, conflicts, invitations, evaluation scores; decision steps of a plan with documents

Revision ID: 5b2d7e4f9c21
Revises: 3f1a6c2e8b10
Create Date: 2026-12-02 04:30:00

New tables only; expert opinions are comments (source "expert"), so no existing column changes.
"""
import sqlalchemy as sa
from alembic import op

revision = '5b2d7e4f9c21'
down_revision = '3f1a6c2e8b10'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'expert',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('title', sa.String(length=80), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('bio', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.UniqueConstraint('user_id'),
    )
    op.create_table(
        'expert_conflict',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('expert_id', sa.Integer(), sa.ForeignKey('expert.id', ondelete='CASCADE'), nullable=False),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id', ondelete='CASCADE'), nullable=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plan.id', ondelete='CASCADE'), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=False),
    )
    op.create_index('ix_expert_conflict_expert_id', 'expert_conflict', ['expert_id'])
    op.create_table(
        'expert_invitation',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('expert_id', sa.Integer(), sa.ForeignKey('expert.id', ondelete='CASCADE'), nullable=False),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plan.id', ondelete='CASCADE'), nullable=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('response_note', sa.Text(), nullable=False),
        sa.Column('conflict_override', sa.Text(), nullable=False),
        sa.Column('conclusion', sa.Text(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('responded_at', TZ, nullable=True),
    )
    op.create_index('ix_expert_invitation_expert_id', 'expert_invitation', ['expert_id'])
    op.create_index('ix_expert_invitation_plan_id', 'expert_invitation', ['plan_id'])
    op.create_index('ix_expert_invitation_task_id', 'expert_invitation', ['task_id'])
    op.create_table(
        'expert_score',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('invitation_id', sa.Integer(), sa.ForeignKey('expert_invitation.id', ondelete='CASCADE'), nullable=False),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('reform_task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('expert_id', sa.Integer(), sa.ForeignKey('expert.id', ondelete='CASCADE'), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('total', sa.Float(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('submitted_at', TZ, nullable=False),
        sa.UniqueConstraint('invitation_id'),
        sa.UniqueConstraint('task_id', 'expert_id'),
    )
    op.create_index('ix_expert_score_task_id', 'expert_score', ['task_id'])
    op.create_table(
        'decision_step',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plan.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=True),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('filled_by', sa.String(length=20), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='SET NULL'), nullable=True),
        sa.Column('updated_at', TZ, nullable=False),
        sa.UniqueConstraint('plan_id', 'kind'),
    )
    op.create_index('ix_decision_step_plan_id', 'decision_step', ['plan_id'])
    op.create_table(
        'decision_document',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('step_id', sa.Integer(), sa.ForeignKey('decision_step.id', ondelete='CASCADE'), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', TZ, nullable=False),
    )
    op.create_index('ix_decision_document_step_id', 'decision_document', ['step_id'])


def downgrade():
    op.drop_index('ix_decision_document_step_id', table_name='decision_document')
    op.drop_table('decision_document')
    op.drop_index('ix_decision_step_plan_id', table_name='decision_step')
    op.drop_table('decision_step')
    op.drop_index('ix_expert_score_task_id', table_name='expert_score')
    op.drop_table('expert_score')
    op.drop_index('ix_expert_invitation_task_id', table_name='expert_invitation')
    op.drop_index('ix_expert_invitation_plan_id', table_name='expert_invitation')
    op.drop_index('ix_expert_invitation_expert_id', table_name='expert_invitation')
    op.drop_table('expert_invitation')
    op.drop_index('ix_expert_conflict_expert_id', table_name='expert_conflict')
    op.drop_table('expert_conflict')
    op.drop_table('expert')
