"""digest results as rows: digest_theme, digest_issue, digest_issue_comment, digest_view

Revision ID: a4d7c2e9b6f1
Revises: b7d41e9c3a52
Create Date: 2026-12-02 09:00:00

New tables; every finished plan digest stored before them (its result JSON) is converted into
rows, so its pages, issue pages and cluster references (D1-T1-I1) read the same as before. The
JSON column stays (the next build's previous version, the API, exports). Downgrade drops the
rows' tables: the JSON still holds everything, and the pages fall back to it.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a4d7c2e9b6f1'
down_revision = 'b7d41e9c3a52'
branch_labels = None
depends_on = None

CHUNK = 10_000


def upgrade():
    op.create_table(
        'digest_theme',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('digest_id', sa.Integer(), sa.ForeignKey('digest.id', ondelete='CASCADE'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('raw_label', sa.Text(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('share', sa.Float(), nullable=False),
        sa.Column('stance_counts', sa.JSON(), nullable=False),
        sa.Column('keywords', sa.JSON(), nullable=False),
        sa.UniqueConstraint('digest_id', 'position'),
    )
    op.create_index('ix_digest_theme_digest_id', 'digest_theme', ['digest_id'])
    op.create_table(
        'digest_issue',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('digest_id', sa.Integer(), sa.ForeignKey('digest.id', ondelete='CASCADE'), nullable=False),
        sa.Column('theme_id', sa.Integer(), sa.ForeignKey('digest_theme.id', ondelete='CASCADE'), nullable=False),
        sa.Column('theme_position', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('ref', sa.String(length=40), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('raw_label', sa.Text(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('share', sa.Float(), nullable=False),
        sa.Column('stance_counts', sa.JSON(), nullable=False),
        sa.Column('keywords', sa.JSON(), nullable=False),
        sa.Column('clauses', sa.JSON(), nullable=False),
        sa.Column('campaigns', sa.JSON(), nullable=False),
        sa.Column('quotes', sa.JSON(), nullable=False),
        sa.Column('lineage', sa.JSON(), nullable=True),
        sa.UniqueConstraint('digest_id', 'theme_position', 'position'),
    )
    op.create_index('ix_digest_issue_digest_id', 'digest_issue', ['digest_id'])
    op.create_index('ix_digest_issue_theme_id', 'digest_issue', ['theme_id'])
    op.create_table(
        'digest_issue_comment',
        sa.Column('issue_id', sa.Integer(), sa.ForeignKey('digest_issue.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('rank', sa.Integer(), primary_key=True),
        sa.Column('digest_id', sa.Integer(), sa.ForeignKey('digest.id', ondelete='CASCADE'), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('clause_id', sa.Integer(), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=True),
    )
    op.create_index('ix_digest_issue_comment_digest_comment', 'digest_issue_comment', ['digest_id', 'comment_id'])
    op.create_table(
        'digest_view',
        sa.Column('digest_id', sa.Integer(), sa.ForeignKey('digest.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('threshold', sa.Float(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('whole_plan', sa.Integer(), nullable=False),
        sa.Column('per_clause', sa.JSON(), nullable=False),
        sa.Column('campaigns', sa.JSON(), nullable=False),
    )
    _convert(op.get_bind())


def _convert(bind):
    """Rows for every finished plan digest, oldest first (lineage compares with the version before)."""
    # The row builder is the application's (consult.digests.store): the same rows a build writes.
    from consult.digests import readable, store
    from worker.analysis.normalise import mask_personal
    from worker.analysis.results import DigestResult

    meta = sa.MetaData()
    digest = sa.Table('digest', meta, autoload_with=bind)
    comment = sa.Table('comment', meta, autoload_with=bind)
    done = bind.execute(
        sa.select(digest.c.id, digest.c.plan_id, digest.c.sources_key, digest.c.number)
        .where(digest.c.status == 'done', digest.c.scope == 'plan', digest.c.result.is_not(None))
        .order_by(digest.c.plan_id, digest.c.sources_key, digest.c.number)
    ).all()
    before = {}  # (plan, sources) → (number, parsed result) of the version converted last
    for digest_id, plan_id, sources, number in done:
        raw = bind.execute(sa.select(digest.c.result).where(digest.c.id == digest_id)).scalar()
        result = DigestResult.from_dict(raw if isinstance(raw, dict) else {})
        ids = store_shown(result)
        texts = {}
        for k in range(0, len(ids), CHUNK):
            for cid, body in bind.execute(sa.select(comment.c.id, comment.c.body).where(comment.c.id.in_(ids[k : k + CHUNK]))):
                texts[cid] = mask_personal(body)
        previous_number, previous = before.get((plan_id, sources), (None, None))
        rows = store.describe_rows(result, number, texts, readable.DEFAULT_MIN_CONFIDENCE, previous, previous_number)
        store.write(bind, digest_id, rows)
        before[(plan_id, sources)] = (number, result)


def store_shown(result):
    from consult.digests import page_data, readable

    return page_data.shown_ids(result, readable.SAMPLE)


def downgrade():
    op.drop_table('digest_view')
    op.drop_index('ix_digest_issue_comment_digest_comment', table_name='digest_issue_comment')
    op.drop_table('digest_issue_comment')
    op.drop_index('ix_digest_issue_theme_id', table_name='digest_issue')
    op.drop_index('ix_digest_issue_digest_id', table_name='digest_issue')
    op.drop_table('digest_issue')
    op.drop_index('ix_digest_theme_digest_id', table_name='digest_theme')
    op.drop_table('digest_theme')
