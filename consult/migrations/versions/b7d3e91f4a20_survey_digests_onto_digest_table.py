"""Survey free-text digests move onto the digest table (scope "survey", scope_key the survey id).

Every survey_text_digest row becomes a digest row: status, result, error and timestamps kept,
last_answer_id as last_comment_id, numbered per survey in id order, the claim time as started_at
and heartbeat_at (so a build orphaned before the move is claimed again once stale). Outbox rows of
`consult.build_survey_digest` are repointed to `consult.build_digest` and the new digest id, and
marked not yet enqueued so the sweep publishes them. Downgrade moves the rows back.

Revision ID: b7d3e91f4a20
Revises: 4c4a66c84c3a
Create Date: 2026-12-02 01:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d3e91f4a20'
down_revision = '4c4a66c84c3a'
branch_labels = None
depends_on = None

SCOPE = 'survey'
TASK, LEGACY_TASK = 'consult.build_digest', 'consult.build_survey_digest'
COPIED = ('status', 'result', 'error', 'created_at', 'started_at')

digest = sa.table(
    'digest',
    sa.column('id', sa.Integer), sa.column('plan_id', sa.Integer), sa.column('scope', sa.String),
    sa.column('scope_key', sa.String), sa.column('number', sa.Integer), sa.column('status', sa.String),
    sa.column('progress', sa.Float), sa.column('stage', sa.String), sa.column('trigger', sa.String),
    sa.column('sources_key', sa.String), sa.column('last_comment_id', sa.Integer), sa.column('comment_count', sa.Integer),
    sa.column('result', sa.JSON), sa.column('error', sa.Text), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('started_at', sa.DateTime(timezone=True)), sa.column('heartbeat_at', sa.DateTime(timezone=True)),
    sa.column('finished_at', sa.DateTime(timezone=True)),
)
survey_text_digest = sa.table(
    'survey_text_digest',
    sa.column('id', sa.Integer), sa.column('survey_id', sa.Integer), sa.column('status', sa.String),
    sa.column('last_answer_id', sa.Integer), sa.column('result', sa.JSON), sa.column('error', sa.Text),
    sa.column('created_at', sa.DateTime(timezone=True)), sa.column('started_at', sa.DateTime(timezone=True)),
)
outbox_event = sa.table(
    'outbox_event',
    sa.column('id', sa.Integer), sa.column('task', sa.String), sa.column('ref_id', sa.Integer),
    sa.column('enqueued_at', sa.DateTime(timezone=True)), sa.column('processed_at', sa.DateTime(timezone=True)),
)


def _repoint(conn, moved: dict[int, int], old_task: str, new_task: str) -> None:
    """Outbox rows follow their digest to its new id; an owed one is published again by the sweep."""
    for old_id, new_id in moved.items():
        conn.execute(
            outbox_event.update()
            .where(outbox_event.c.task == old_task, outbox_event.c.ref_id == old_id)
            .values(task=new_task, ref_id=new_id, enqueued_at=None)
        )


def _create_survey_text_digest() -> None:
    op.create_table('survey_text_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('last_answer_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_text_digest_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_text_digest'))
    )
    with op.batch_alter_table('survey_text_digest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_text_digest_survey_id'), ['survey_id'], unique=False)


def upgrade():
    conn = op.get_bind()
    numbers: dict[int, int] = {}
    moved: dict[int, int] = {}
    for row in conn.execute(sa.select(survey_text_digest).order_by(survey_text_digest.c.id)).mappings():
        numbers[row['survey_id']] = numbers.get(row['survey_id'], 0) + 1
        done = row['status'] == 'done'
        inserted = conn.execute(digest.insert().values(
            plan_id=None, scope=SCOPE, scope_key=str(row['survey_id']), number=numbers[row['survey_id']],
            progress=1.0 if done else 0.0, stage='', trigger='manual', sources_key='all',
            last_comment_id=row['last_answer_id'],
            comment_count=len((row['result'] or {}).get('assignments') or {}),
            heartbeat_at=row['started_at'], finished_at=None,
            **{name: row[name] for name in COPIED},
        ).returning(digest.c.id))
        moved[row['id']] = inserted.scalar_one()
    _repoint(conn, moved, LEGACY_TASK, TASK)
    with op.batch_alter_table('survey_text_digest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_text_digest_survey_id'))
    op.drop_table('survey_text_digest')


def downgrade():
    _create_survey_text_digest()
    conn = op.get_bind()
    moved: dict[int, int] = {}
    rows = conn.execute(sa.select(digest).where(digest.c.scope == SCOPE).order_by(digest.c.id)).mappings().all()
    for row in rows:
        inserted = conn.execute(survey_text_digest.insert().values(
            survey_id=int(row['scope_key']), last_answer_id=row['last_comment_id'],
            # the old table had no heartbeat: its stale rule read the claim time
            **{name: row[name] for name in COPIED if name != 'started_at'},
            started_at=row['heartbeat_at'] or row['started_at'],
        ).returning(survey_text_digest.c.id))
        moved[row['id']] = inserted.scalar_one()
    _repoint(conn, moved, TASK, LEGACY_TASK)
    conn.execute(digest.delete().where(digest.c.scope == SCOPE))
