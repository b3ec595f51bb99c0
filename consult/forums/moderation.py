"""Forum moderation: reports by users (three hide a post), and staff actions on boards, threads and posts.

Every staff action checks that the actor moderates the board and writes an audit entry."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from consult.core import audit
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.forums import operations as forums
from consult.forums.models import Board, Post, Thread
from consult.forums.operations import ORIGIN, can_moderate, recount_thread, require_moderator
from consult.moderation import flags
from consult.moderation.models import Flag
from consult.plans import mirror as channels
from consult.plans.models import Plan

# The weighed reports (consult/moderation/flags.py `weight`: 1 for an established verified
# account, ½ for a new one) that hide a post until staff review it. Staff posts are never
# hidden by reports, only flagged for review.
AUTO_HIDE_FLAGS = 3


def flag(user: User, post: Post, reason: str = "") -> bool:
    """Report a post. Reports weighing AUTO_HIDE_FLAGS hide it pending review. Returns True if hidden now."""
    if post.hidden or not post.thread.listed:
        raise ServiceError(_("该帖子不存在或已被隐藏。"), 404)
    if post.user_id == user.id:
        raise ServiceError(_("不能举报自己的帖子。"), 400)
    _flag, created = flags.flag(user, ORIGIN, post.id, reason)
    if not created:
        raise ServiceError(_("您已经举报过这条帖子，工作人员会尽快处理。"), 409)
    db.session.flush()
    author = db.session.get(User, post.user_id) if post.user_id else None
    if author is not None and author.is_staff:
        return False
    weighed = flags.open_weight(ORIGIN, post.id)
    if weighed >= AUTO_HIDE_FLAGS:
        _set_hidden(post, True, "flags")
        audit.record(None, "forum.post.auto_hide", ORIGIN, post.id, department_id=_department(post.thread.board),
                     flags=flags.open_count(ORIGIN, post.id), weight=weighed)
        return True
    return False


# --- staff actions ----------------------------------------------------------------------------


def _department(board: Board) -> int | None:
    if board.plan_id is None:
        return None
    plan = db.session.get(Plan, board.plan_id)
    return plan.department_id if plan else None


def _audit(actor: User, action: str, target_type: str, target_id: int, board: Board, **detail: object) -> None:
    audit.record(actor, action, target_type, target_id, department_id=_department(board), **detail)


def _set_hidden(post: Post, hidden: bool, reason: str) -> None:
    post.hidden, post.hidden_reason = hidden, reason if hidden else ""
    if hidden:
        channels.withdraw(ORIGIN, post.id)
    elif post.thread.listed:
        channels.restore(ORIGIN, post.id)
    recount_thread(post.thread)


def hide_post(actor: User, post: Post, hidden: bool) -> Post:
    require_moderator(actor, post.thread.board)
    if post.hidden == hidden:
        return post
    _set_hidden(post, hidden, "staff")
    _audit(actor, "forum.post.hide" if hidden else "forum.post.unhide", ORIGIN, post.id, post.thread.board, thread_id=post.thread_id)
    return post


def resolve_flags(actor: User, post: Post, keep: bool) -> Post:
    """Staff review of a reported post: keep it (shown again if the reports had hidden it) or hide it."""
    require_moderator(actor, post.thread.board)
    flags.resolve(ORIGIN, post.id, "kept" if keep else "removed")
    if keep and post.is_opener and post.hidden_reason == forums.HELD_BY_WORDS:
        post.thread.hidden = False  # the thread was held with its opening post
    if keep and post.hidden:
        _set_hidden(post, False, "")
    elif not keep and not post.hidden:
        _set_hidden(post, True, "staff")
    _audit(actor, "forum.flags.keep" if keep else "forum.flags.remove", ORIGIN, post.id, post.thread.board)
    return post


def set_thread_flag(actor: User, thread: Thread, field: str, value: bool) -> Thread:
    """Pin, lock or hide a thread."""
    if field not in ("pinned", "locked", "hidden"):
        raise ServiceError(_("未知的操作。"), 400)
    require_moderator(actor, thread.board)
    if thread.merged_into_id is not None:
        raise ServiceError(_("该主题已合并到其他主题。"), 409)
    if getattr(thread, field) == value:
        return thread
    setattr(thread, field, value)
    if field == "hidden":
        posts = db.session.scalars(select(Post.id).where(Post.thread_id == thread.id, Post.hidden.is_(False))).all()
        for post_id in posts:
            (channels.withdraw if value else channels.restore)(ORIGIN, post_id)
    action = {"pinned": ("pin", "unpin"), "locked": ("lock", "unlock"), "hidden": ("hide", "unhide")}[field][0 if value else 1]
    _audit(actor, f"forum.thread.{action}", "forum_thread", thread.id, thread.board)
    db.session.flush()
    return thread


def merge_threads(actor: User, source: Thread, target: Thread) -> Thread:
    """Move every post of `source` into `target` (same board); the source's opener becomes a reply.

    The posts keep their ids, so their mirrored digest copies and votes stay as they are."""
    require_moderator(actor, source.board)
    if source.id == target.id:
        raise ServiceError(_("不能把主题合并到它自己。"), 400)
    if source.board_id != target.board_id:
        raise ServiceError(_("只能合并同一讨论区内的主题。"), 400)
    if not source.listed or not target.listed:
        raise ServiceError(_("已隐藏或已合并的主题不能再合并。"), 409)
    db.session.execute(update(Post).where(Post.thread_id == source.id).values(thread_id=target.id, is_opener=False))
    source.merged_into_id = target.id
    source.reply_count = source.support_count = 0
    target.last_post_at = max(target.last_post_at, source.last_post_at)
    db.session.flush()
    db.session.expire_all()  # the posts moved in bulk: reload what the session holds
    target = db.session.get(Thread, target.id)
    recount_thread(target)
    _audit(actor, "forum.thread.merge", "forum_thread", source.id, target.board, into=target.id)
    return target


def close_board(actor: User, board: Board, closed: bool) -> Board:
    require_moderator(actor, board)
    if board.closed != closed:
        board.closed = closed
        _audit(actor, "forum.board.close" if closed else "forum.board.open", "forum_board", board.id, board)
        db.session.flush()
    return board


def open_flags(user: User) -> list[tuple[Post, int]]:
    """Posts with open reports on boards this staff member moderates, most reported first."""
    counts = db.session.execute(
        select(Flag.target_id, func.count(Flag.id))
        .where(Flag.target_type == ORIGIN, Flag.resolved_at.is_(None))
        .group_by(Flag.target_id)
        .order_by(func.count(Flag.id).desc(), Flag.target_id)
    ).all()
    out = []
    for post_id, count in counts:
        post = db.session.get(Post, post_id)
        if post is not None and can_moderate(user, post.thread.board):
            out.append((post, int(count)))
    return out



def open_reasons(post_ids: list[int]) -> dict[int, list[str]]:
    """The reasons given in the open reports of these posts (the system's own for held words)."""
    reasons: dict[int, list[str]] = {}
    if not post_ids:
        return reasons
    rows = db.session.execute(
        select(Flag.target_id, Flag.reason).where(Flag.target_type == ORIGIN, Flag.target_id.in_(post_ids), Flag.resolved_at.is_(None), Flag.reason != "")
    )
    for post_id, reason in rows:
        reasons.setdefault(post_id, []).append(reason)
    return reasons
