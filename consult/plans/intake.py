"""Work done once per comment after it is stored: segmentation with the current dictionary."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import func, select

from consult.core import outbox, tasks
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
    comment = db.session.get(Comment, comment_id)
    if comment is None:  # deleted since: nothing owed
        outbox.mark_done(tasks.SEGMENT_COMMENT, comment_id)
        db.session.commit()
        return
    segmenter, version = current_segmenter()
    if comment.segmented_at is None or comment.dictionary_version != version:
        comment.tokens = segmenter.tokens(comment.body)
        comment.segmented_at = datetime.now(UTC)
        comment.dictionary_version = version
    outbox.mark_done(tasks.SEGMENT_COMMENT, comment_id)
    db.session.commit()


def resegment_all(requested_version: int | None = None, batch: int = 500) -> int:
    """After a dictionary change: re-segment every comment segmented with an older dictionary."""
    segmenter, version = current_segmenter()
    done = last_id = 0
    while True:
        rows = list(
            db.session.scalars(
                select(Comment)
                .where(Comment.dictionary_version != version, Comment.segmented_at.is_not(None), Comment.id > last_id)
                .order_by(Comment.id)
                .limit(batch)
            )
        )
        if not rows:
            if requested_version is not None:
                outbox.mark_done(tasks.RESEGMENT_ALL, requested_version)
                db.session.commit()
            return done
        token_lists = segmenter.tokens_many([c.body for c in rows])
        now = datetime.now(UTC)
        for comment, tokens in zip(rows, token_lists, strict=True):
            comment.tokens, comment.segmented_at, comment.dictionary_version = tokens, now, version
        last_id = rows[-1].id
        db.session.commit()
        done += len(rows)


def sweep() -> int:
    sent = outbox.sweep()
    if sent:
        log.info("outbox sweep re-enqueued %d event(s)", sent)
    return sent



