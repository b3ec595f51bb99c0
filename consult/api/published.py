"""What the public API may show, as queries: published plans only (a draft never), published comments
of public channels only, listed forum threads, published participant lists and minutes."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from consult.core import channels
from consult.extensions import db
from consult.forums.models import Board, Post, Thread
from consult.hearings.models import Hearing
from consult.plans.models import Comment, CommentStatus, Plan
from consult.responses.models import FeedbackReport, Response
from consult.suggestions.models import Suggestion, SuggestionStatus


def public_sources() -> list[str]:
    """Channels whose comments are listed with the plan (consult/core/channels.py `public`)."""
    return [c.source for c in channels.all_channels() if c.public]


def plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    # Unlike the web, the public API has no viewer who may manage a draft: a draft is always a 404.
    if plan is None or not plan.published or plan.opens_at is None:
        abort(404, description=_("没有找到该方案。"))
    return plan


def plans() -> Select[Any]:
    return select(Plan).where(Plan.published.is_(True), Plan.opens_at.is_not(None))


def comments(plan_id: int | None = None) -> Select[Any]:
    query = (
        select(Comment)
        .join(Plan, Plan.id == Comment.plan_id)
        .where(Plan.published.is_(True), Comment.status == CommentStatus.PUBLISHED, Comment.source.in_(public_sources()))
    )
    return query.where(Comment.plan_id == plan_id) if plan_id is not None else query


def answers(plan_id: int | None = None) -> Select[Any]:
    """Answers shown on the web: those of published comments of public channels."""
    visible = comments(plan_id).with_only_columns(Comment.id)
    return select(Response).where(Response.comment_id.in_(visible))


def _listed_boards() -> Select[Any]:
    return select(Board.id).outerjoin(Plan, Plan.id == Board.plan_id).where(or_(Board.plan_id.is_(None), Plan.published.is_(True)))


def threads(plan_id: int | None = None) -> Select[Any]:
    query = select(Thread).where(Thread.hidden.is_(False), Thread.merged_into_id.is_(None), Thread.board_id.in_(_listed_boards()))
    if plan_id is not None:
        query = query.where(Thread.board_id.in_(select(Board.id).where(Board.plan_id == plan_id)))
    return query


def thread_or_404(thread_id: int) -> Thread:
    thread = db.session.scalar(threads().where(Thread.id == thread_id))
    if thread is None:
        abort(404, description=_("该主题不存在或已被隐藏。"))
    return thread


def posts(thread: Thread) -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.thread_id == thread.id, Post.hidden.is_(False)).order_by(Post.created_at, Post.id)))


def hearings(plan_id: int | None = None) -> Select[Any]:
    query = select(Hearing).join(Plan, Plan.id == Hearing.plan_id).where(Plan.published.is_(True))
    return query.where(Hearing.plan_id == plan_id) if plan_id is not None else query


def hearing_or_404(hearing_id: int) -> Hearing:
    hearing = db.session.scalar(hearings().where(Hearing.id == hearing_id))
    if hearing is None:
        abort(404, description=_("没有找到该听证会。"))
    return hearing


def suggestions() -> Select[Any]:
    return select(Suggestion).where(Suggestion.allow_public.is_(True), Suggestion.status == SuggestionStatus.REPLIED)


def feedback_reports(plan_id: int | None = None) -> Select[Any]:
    query = select(FeedbackReport).join(Plan, Plan.id == FeedbackReport.plan_id).where(Plan.published.is_(True))
    return query.where(FeedbackReport.plan_id == plan_id) if plan_id is not None else query
