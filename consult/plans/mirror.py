"""Opinions from the site's other channels (forum posts, hearing statements and minutes, survey
free text) mirrored into the one comment store, so digests, responses and feedback see them all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from consult.core import channels
from consult.core.jobs import outbox, tasks
from consult.core.models import User
from consult.core.text import search_terms
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan


def mirror(
    *,
    plan: Plan,
    source: str,
    body: str,
    origin_type: str,
    origin_id: int,
    user: User | None = None,
    author_label: str = "",
    clause_id: int | None = None,
    created_at: datetime | None = None,
) -> Comment:
    """Store (or refresh) the internal copy of one channel item; it is segmented by the worker.

    Internal copies are analysed but never listed with the plan's public comments: the item
    itself is shown where it lives (the forum thread, the hearing page)."""
    channel = channels.get(source)
    if channel is None or origin_type not in channel.origins:
        raise ValueError(f"{origin_type!r} is not an item of a registered mirrored channel {source!r}")
    version = plan.current_version
    assert version is not None, "a published plan has a version"
    comment = db.session.scalar(select(Comment).where(Comment.origin_type == origin_type, Comment.origin_id == origin_id))
    if comment is None:
        comment = Comment(plan_id=plan.id, version_id=version.id, origin_type=origin_type, origin_id=origin_id)
        db.session.add(comment)
    elif comment.body == body and comment.status == CommentStatus.INTERNAL:
        return comment
    comment.source = source
    comment.body = body
    comment.user_id = user.id if user is not None else None
    comment.author_label = author_label or (user.pseudonym if user is not None else "")
    comment.clause_id = clause_id
    comment.status = CommentStatus.INTERNAL
    comment.search_terms = search_terms(body)
    comment.tokens, comment.segmented_at = None, None
    if created_at is not None:
        comment.created_at = created_at
    db.session.flush()
    outbox.add(tasks.SEGMENT_COMMENT, comment.id)
    return comment


def withdraw(origin_type: str, origin_id: int) -> None:
    """A hidden or deleted channel item leaves the analysis (its copy is kept, marked rejected)."""
    db.session.execute(
        update(Comment)
        .where(Comment.origin_type == origin_type, Comment.origin_id == origin_id)
        .values(status=CommentStatus.REJECTED)
    )


def restore(origin_type: str, origin_id: int) -> None:
    db.session.execute(
        update(Comment)
        .where(Comment.origin_type == origin_type, Comment.origin_id == origin_id)
        .values(status=CommentStatus.INTERNAL)
    )


def mirrored(origin_type: str, origin_id: int) -> Comment | None:
    return db.session.scalar(select(Comment).where(Comment.origin_type == origin_type, Comment.origin_id == origin_id))
