"""API: personal API tokens and the imports accepted through the API

Revision ID: 8d4f9a6b1e43
Revises: 5b2d7e4f9c21
Create Date: 2026-12-02 04:40:00

New tables only; nothing existing changes.
"""
import sqlalchemy as sa
from alembic import op

revision = '8d4f9a6b1e43'
down_revision = '5b2d7e4f9c21'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('expires_at', TZ, nullable=True),
        sa.Column('last_used_at', TZ, nullable=True),
        sa.Column('revoked_at', TZ, nullable=True),
        sa.UniqueConstraint('prefix'),
    )
    op.create_index('ix_api_token_user_id', 'api_token', ['user_id'])
    op.create_table(
        'api_import',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('plan.id', ondelete='CASCADE'), nullable=False),
        sa.Column('external_id', sa.String(length=100), nullable=False),
        sa.Column('batch_id', sa.Integer(), sa.ForeignKey('import_batch.id', ondelete='SET NULL'), nullable=True),
        sa.Column('token_id', sa.Integer(), sa.ForeignKey('api_token.id', ondelete='SET NULL'), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.UniqueConstraint('plan_id', 'external_id', name='uq_api_import_plan_external'),
    )
    op.create_index('ix_api_import_plan_id', 'api_import', ['plan_id'])


def downgrade():
    op.drop_index('ix_api_import_plan_id', table_name='api_import')
    op.drop_table('api_import')
    op.drop_index('ix_api_token_user_id', table_name='api_token')
    op.drop_table('api_token')
