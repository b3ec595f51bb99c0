"""Posting comments on a plan or a clause, and support/oppose votes on them."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from consult.core.jobs import outbox, tasks
from consult.core.models import User
from consult.core.text import clean_text, search_terms
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.moderation import operations as moderation
from consult.plans import editing
from consult.plans.models import (
    Clause,
    Comment,
    CommentStatus,
    CommentVote,
    Moderation,
    Plan,
)
from consult.plans.sources import WEB


def _clause_of(plan: Plan, clause_id: int | None, parent_id: int | None) -> int | None:
    """The clause a new comment is about: a reply sits where its parent does."""
    if parent_id is not None:
        return editing.reply_parent(plan, parent_id).clause_id
    if clause_id is not None:
        clause = db.session.get(Clause, clause_id)
        if clause is None or clause.version_id != plan.current_version.id:
            raise ServiceError(_("所选条款不属于该方案的当前版本。"), 400, field="clause_id")
    return clause_id


def post_comment(
    *,
    user: User,
    plan: Plan,
    body: str,
    clause_id: int | None = None,
    show_pseudonym: bool = True,
    submission_id: str | None = None,
    parent_id: int | None = None,
) -> tuple[Comment, bool]:
    """Store a comment (or a reply to ``parent_id``) with its outbox row in one transaction. Returns (comment, created)."""
    if not user.is_verified:
        raise ServiceError(_("发表意见前请先完成手机号或邮箱验证。"), 403)
    if not plan.is_open:
        raise ServiceError(_("该方案的征求意见期已结束（或尚未开始），不再接受新的意见。"), 403)
    version = plan.current_version
    assert version is not None
    clause_id = _clause_of(plan, clause_id, parent_id)
    text = clean_text(body, field=_("意见内容"), max_chars=current_app.config["COMMENT_MAX_CHARS"], key="body")
    submission_id = (submission_id or "").strip()[:64] or None
    if submission_id:
        existing = db.session.scalar(
            select(Comment).where(Comment.user_id == user.id, Comment.submission_id == submission_id)
        )
        if existing is not None:
            return existing, False
    comment = Comment(
        plan_id=plan.id,
        version_id=version.id,
        clause_id=clause_id,
        user_id=user.id,
        submission_id=submission_id,
        source=WEB.source,
        body=text,
        parent_id=parent_id,
        show_pseudonym=show_pseudonym,
        author_label=user.pseudonym if show_pseudonym else _("匿名网友"),
        status=CommentStatus.PENDING if plan.moderation == Moderation.PRE else CommentStatus.PUBLISHED,
        search_terms=search_terms(text),
    )
    # Matching a listed sensitive word holds the comment for review, whatever the plan's mode.
    moderation.hold_if_sensitive(comment)
    db.session.add(comment)
    try:
        db.session.flush()
    except IntegrityError:
        # Two copies of one submission raced; the other one won.
        db.session.rollback()
        existing = db.session.scalar(
            select(Comment).where(Comment.user_id == user.id, Comment.submission_id == submission_id)
        )
        if existing is None:
            raise
        return existing, False
    outbox.add(tasks.SEGMENT_COMMENT, comment.id)
    moderation.notify_reply(comment)
    return comment, True


def vote(user: User, comment: Comment, value: int) -> Comment:
    """Support (+1), oppose (-1) or withdraw (0); one vote per person, changeable."""
    if not user.is_verified:
        raise ServiceError(_("投票前请先完成验证。"), 403)
    if not comment.is_public:
        raise ServiceError(_("该意见尚未公开，不能投票。"), 404)
    if comment.user_id == user.id:
        raise ServiceError(_("不能给自己的意见投票。"))
    plan = db.session.get(Plan, comment.plan_id)
    if plan is None or not plan.is_open:
        raise ServiceError(_("征求意见期已结束，不能再投票。"), 403)
    if value not in (-1, 0, 1):
        raise ServiceError(_("无效的投票。"))
    existing = db.session.scalar(
        select(CommentVote).where(CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)
    )
    if value == 0:
        if existing is not None:
            db.session.delete(existing)
    elif existing is None:
        db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
    else:
        existing.value = value
    db.session.flush()
    # Recount rather than increment: exact under concurrent votes.
    support, oppose = db.session.execute(
        select(
            func.coalesce(func.sum(case((CommentVote.value > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((CommentVote.value < 0, 1), else_=0)), 0),
        ).where(CommentVote.comment_id == comment.id)
    ).one()
    comment.support_count, comment.oppose_count = int(support), int(oppose)
    db.session.flush()
    return comment


def my_vote(user: User | None, comment_ids: list[int]) -> dict[int, int]:
    if user is None or not getattr(user, "id", None) or not comment_ids:
        return {}
    rows = db.session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.user_id == user.id, CommentVote.comment_id.in_(comment_ids)
        )
    )
    return {comment_id: value for comment_id, value in rows}
