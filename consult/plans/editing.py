"""An author edits or withdraws their own comment while the window is open; replies to comments.

An edit keeps the previous text as a ``CommentRevision`` (staff see the history) and sends the new
text through the same intake as a new comment: screened for listed words, re-moderated on a
pre-moderated plan, re-segmented by the worker so the next digest reads the new text. A withdrawn
comment leaves the analysis and the answer workbench and shows publicly as "已撤回"."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.jobs import outbox, tasks
from consult.core.models import User
from consult.core.text import clean_text, search_terms
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.moderation import operations as moderation
from consult.plans.models import Comment, CommentRevision, CommentStatus, Moderation, Plan
from consult.plans.sources import WEB

EDITABLE = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


def _own_open(user: User, comment: Comment) -> Plan:
    """The plan of an author's own web comment while its window is open; refusals say why."""
    if comment.user_id != user.id or comment.source != WEB.source or comment.origin_type is not None:
        raise ServiceError(_("只能修改或撤回自己在网上发表的意见。"), 403)
    plan = db.session.get(Plan, comment.plan_id)
    if plan is None or not plan.is_open:
        raise ServiceError(_("征求意见期已结束，意见不能再修改或撤回。"), 403)
    if comment.status not in EDITABLE:
        raise ServiceError(_("这条意见已撤回或未通过审核，不能再修改。"), 409)
    return plan


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    plan = _own_open(user, comment)
    text = clean_text(body, field=_("意见内容"), max_chars=current_app.config["COMMENT_MAX_CHARS"], key="body")
    if text == comment.body:
        raise ServiceError(_("内容没有变化。"), 400, field="body")
    now = datetime.now(UTC)
    db.session.add(CommentRevision(comment_id=comment.id, body=comment.body, created_at=now))
    comment.body, comment.search_terms, comment.edited_at = text, search_terms(text), now
    # The new text is new intake: screened, and reviewed again where the plan reviews first.
    comment.tokens, comment.segmented_at = None, None
    if plan.moderation == Moderation.PRE:
        comment.status = CommentStatus.PENDING
    moderation.hold_if_sensitive(comment)
    db.session.flush()
    outbox.add(tasks.SEGMENT_COMMENT, comment.id)
    return comment


def withdraw_comment(user: User, comment: Comment) -> Comment:
    _own_open(user, comment)
    comment.status, comment.withdrawn_at = CommentStatus.WITHDRAWN, datetime.now(UTC)
    db.session.flush()
    return comment


def revisions(comment_ids: list[int]) -> dict[int, list[CommentRevision]]:
    """Earlier texts per comment, oldest first (for staff)."""
    out: dict[int, list[CommentRevision]] = {}
    if comment_ids:
        query = select(CommentRevision).where(CommentRevision.comment_id.in_(comment_ids)).order_by(CommentRevision.id)
        for revision in db.session.scalars(query):
            out.setdefault(revision.comment_id, []).append(revision)
    return out


def reply_parent(plan: Plan, parent_id: int) -> Comment:
    """The comment a reply answers: a public top-level comment of this plan's current version."""
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.plan_id != plan.id or parent.status != CommentStatus.PUBLISHED or parent.parent_id is not None:
        raise ServiceError(_("只能回复本方案中已公开的意见。"), 400, field="body")
    if parent.version_id != plan.current_version.id:
        raise ServiceError(_("只能回复最新版本下的意见。"), 400, field="body")
    return parent


def replies_for(parent_ids: list[int], viewer_id: int | None) -> dict[int, list[Comment]]:
    """Public replies (and the viewer's own in any state) under each shown comment, oldest first."""
    out: dict[int, list[Comment]] = {}
    if not parent_ids:
        return out
    visible = (CommentStatus.PUBLISHED, CommentStatus.WITHDRAWN)
    query = select(Comment).where(Comment.parent_id.in_(parent_ids)).order_by(Comment.id)
    for reply in db.session.scalars(query):
        if reply.status in visible or (viewer_id is not None and reply.user_id == viewer_id):
            out.setdefault(reply.parent_id or 0, []).append(reply)
    return out
