"""reform_task.flag_key: the supervision flags last notified, so each is notified once

Revision ID: 4a2b7d3f9c11
Revises: 8d4f9a6b1e43
Create Date: 2026-12-02 05:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '4a2b7d3f9c11'
down_revision = '8d4f9a6b1e43'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reform_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag_key', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('reform_task', schema=None) as batch_op:
        batch_op.drop_column('flag_key')
