"""moderation: sensitive words, held comments; audit log append-only on PostgreSQL

Revision ID: 6a1e0d5c7b21
Revises: 1150c349a37c
Create Date: 2026-11-24 13:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '6a1e0d5c7b21'
down_revision = '1150c349a37c'
branch_labels = None
depends_on = None

# Deletions are let through only for entries older than this, so `consult prune-audit`
# (retention of AUDIT_RETENTION_DAYS, which must be at least this long) keeps working.
AUDIT_MIN_AGE_DAYS = 30

GUARD = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('consult.audit_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.created_at < now() - interval '{AUDIT_MIN_AGE_DAYS} days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_entry is append-only: entries younger than {AUDIT_MIN_AGE_DAYS} days cannot be deleted';
    END IF;
    -- ON DELETE SET NULL of a removed account or department is the one update allowed.
    IF NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.actor_label = OLD.actor_label
       AND NEW.target_type = OLD.target_type AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
       AND NEW.detail::text IS NOT DISTINCT FROM OLD.detail::text AND NEW.ip = OLD.ip
       AND NEW.created_at = OLD.created_at
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.department_id IS NULL OR NEW.department_id = OLD.department_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: entries cannot be changed';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table('sensitive_word',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=50), nullable=False),
    sa.Column('folded', sa.String(length=50), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_sensitive_word_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensitive_word')),
    sa.UniqueConstraint('folded', name=op.f('uq_sensitive_word_folded'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_kind', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('held_reason', sa.Text(), nullable=False, server_default=''))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(GUARD)
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('held_reason')
        batch_op.drop_column('held_kind')
    op.drop_table('sensitive_word')
