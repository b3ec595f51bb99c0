"""Work done once per comment after it is stored: segmentation with the current dictionary."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import func, select

from consult.core.jobs import outbox, tasks
from consult.core.models import UserWord
from consult.extensions import db
from consult.plans.models import Comment
from worker.analysis.segment import Segmenter

log = logging.getLogger(__name__)


def dictionary_version() -> int:
    """Changes whenever staff add or remove a word (count and newest id together)."""
    count, newest = db.session.execute(select(func.count(UserWord.id), func.max(UserWord.id))).one()
    return int(count or 0) * 1_000_000 + int(newest or 0)


@lru_cache(maxsize=4)
def _segmenter(version: int, words: tuple[str, ...]) -> Segmenter:
    return Segmenter(user_words=words)


def current_segmenter() -> tuple[Segmenter, int]:
    version = dictionary_version()
    words = tuple(db.session.scalars(select(UserWord.word).order_by(UserWord.id)))
    return _segmenter(version, words), version


def segment_comment(comment_id: int) -> None:
    """Worker side: store the comment's tokens and settle its outbox row (the task commits both)."""
    comment = db.session.get(Comment, comment_id)
    if comment is not None:  # else deleted since: nothing owed
        segmenter, version = current_segmenter()
        if comment.segmented_at is None or comment.dictionary_version != version:
            comment.tokens = segmenter.tokens(comment.body)
            comment.segmented_at = datetime.now(UTC)
            comment.dictionary_version = version
    outbox.mark_done(tasks.SEGMENT_COMMENT, comment_id)
    db.session.flush()


def resegment_batch(after_id: int = 0, batch: int = 500) -> tuple[int, int] | None:
    """After a dictionary change: re-segment the next batch of comments segmented with an older
    dictionary. Returns (last id done, how many), or None when none are left; the caller commits
    between batches."""
    segmenter, version = current_segmenter()
    rows = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.dictionary_version != version, Comment.segmented_at.is_not(None), Comment.id > after_id)
            .order_by(Comment.id)
            .limit(batch)
        )
    )
    if not rows:
        return None
    token_lists = segmenter.tokens_many([c.body for c in rows])
    now = datetime.now(UTC)
    for comment, tokens in zip(rows, token_lists, strict=True):
        comment.tokens, comment.segmented_at, comment.dictionary_version = tokens, now, version
    db.session.flush()
    return rows[-1].id, len(rows)


def resegmented(requested_version: int) -> None:
    """Every batch is done: the outbox row of that dictionary change is settled."""
    outbox.mark_done(tasks.RESEGMENT_ALL, requested_version)


def sweep() -> int:
    sent = outbox.sweep()
    if sent:
        log.info("outbox sweep re-enqueued %d event(s)", sent)
    return sent



