"""session lifetimes, code purpose, staff public labels

Revision ID: 7a1c0e5d9b21
Revises: b7d3e91f4a20
Create Date: 2026-12-02 02:00:00

Adds login_session.last_seen_at (idle timeout), verification_code.purpose (registration
code vs password-reset code), and stops showing staff real names in public: a staff account
whose pseudonym is its real name gets the neutral label 工作人员.
"""
import sqlalchemy as sa
from alembic import op

revision = '7a1c0e5d9b21'
down_revision = 'b7d3e91f4a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=10), server_default='verify', nullable=False))
    user = sa.table('user', sa.column('pseudonym', sa.String), sa.column('real_name', sa.String), sa.column('role', sa.String))
    op.execute(
        user.update()
        .where(user.c.role != 'citizen', user.c.real_name.isnot(None), user.c.pseudonym == user.c.real_name)
        .values(pseudonym='工作人员')
    )


def downgrade():
    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.drop_column('purpose')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
