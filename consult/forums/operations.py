"""Forum rules: boards, threads, one-level replies, support votes, flags; plan-board posts feed digests."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.core import notifications
from consult.core.models import User
from consult.core.text import clean_text, search_terms
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.forums.channel import FORUM
from consult.forums.models import DOMAINS, Board, Post, PostVote, Thread
from consult.moderation import operations as moderation
from consult.moderation.models import Flag
from consult.plans import mirror as channels
from consult.plans.access import can_manage_plan
from consult.plans.models import Plan
from consult.search.queries import _match, query_terms

TITLE_MAX_CHARS = 80
ORIGIN = FORUM.origins[0]  # target/origin type of a post in flags and mirrored comments


# --- boards -----------------------------------------------------------------------------------


HELD_BY_WORDS = "words"


def domain_boards() -> list[Board]:
    """The standing boards, created on first use so a fresh install has them without a data migration."""
    existing = {b.domain: b for b in db.session.scalars(select(Board).where(Board.domain.is_not(None)))}
    for key, name in DOMAINS.items():
        if key not in existing:
            board = Board(domain=key, title=_("%(name)s改革论坛", name=name), description=_("关于%(name)s领域改革的长期讨论。", name=name))
            try:
                with db.session.begin_nested():
                    db.session.add(board)
            except IntegrityError:  # created by a concurrent request
                board = db.session.scalar(select(Board).where(Board.domain == key))
            existing[key] = board
    return [existing[key] for key in DOMAINS]


def plan_board(plan: Plan) -> Board:
    board = db.session.scalar(select(Board).where(Board.plan_id == plan.id))
    if board is None:
        board = Board(plan_id=plan.id, title=_("%(title)s · 讨论区", title=plan.title))
        try:
            with db.session.begin_nested():
                db.session.add(board)
        except IntegrityError:
            board = db.session.scalar(select(Board).where(Board.plan_id == plan.id))
    return board


def closed_reason(board: Board) -> str:
    """Why nobody can post on this board now, or "" when posting is open."""
    if board.closed:
        return _("该讨论区已被管理员关闭，暂不接受新的发帖和回复。")
    if board.plan_id is not None:
        plan = db.session.get(Plan, board.plan_id)
        if plan is None or not plan.is_open:
            return _("该方案的征求意见期已结束（或尚未开始），讨论区不再接受新的发帖和回复。")
    return ""


def can_moderate(user: User, board: Board) -> bool:
    """A plan's board belongs to the plan's department; the standing boards to the reform office."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if board.plan_id is not None:

        return can_manage_plan(user, db.session.get(Plan, board.plan_id))
    return user.role in ("staff", "admin")


def require_moderator(user: User, board: Board) -> None:
    if not can_moderate(user, board):
        raise ServiceError(_("您没有管理该讨论区的权限。"), 403)


# --- posting ----------------------------------------------------------------------------------


def _check_can_post(user: User, board: Board) -> None:
    if not user.is_verified:
        raise ServiceError(_("发帖前请先完成手机号或邮箱验证。"), 403)
    reason = closed_reason(board)
    if reason:
        raise ServiceError(reason, 403)


def _body(raw: str) -> str:
    return clean_text(raw, field=_("内容"), max_chars=current_app.config["COMMENT_MAX_CHARS"])


def _existing(user: User, submission_id: str | None) -> Post | None:
    if not submission_id:
        return None
    return db.session.scalar(select(Post).where(Post.user_id == user.id, Post.submission_id == submission_id))


def _store(post: Post, user: User, submission_id: str | None) -> tuple[Post, bool]:
    try:
        with db.session.begin_nested():
            db.session.add(post)
    except IntegrityError:  # two copies of one submission raced; the other one won
        existing = _existing(user, submission_id)
        if existing is None:
            raise
        return existing, False
    return post, True


def start_thread(*, user: User, board: Board, title: str, body: str, submission_id: str | None = None) -> tuple[Thread, bool]:
    """Open a thread with its first post. Returns (thread, created)."""
    _check_can_post(user, board)
    title = clean_text(title, field=_("标题"), max_chars=TITLE_MAX_CHARS)
    text = _body(body)
    submission_id = (submission_id or "").strip()[:64] or None
    existing = _existing(user, submission_id)
    if existing is not None:
        return existing.thread, False
    thread = Thread(board_id=board.id, user_id=user.id, title=title, author_label=user.pseudonym)
    db.session.add(thread)
    db.session.flush()
    opener = Post(
        thread_id=thread.id, user_id=user.id, is_opener=True, submission_id=submission_id, body=text,
        author_label=user.pseudonym, search_terms=search_terms(f"{title} {text}"),
    )
    post, created = _store(opener, user, submission_id)
    if not created:
        db.session.delete(thread)
        db.session.flush()
        return post.thread, False
    thread.created_at = thread.last_post_at = post.created_at
    mirror_post(post, board)
    hold_if_sensitive(post, f"{title}\n{text}")
    return thread, True


def reply(
    *, user: User, thread: Thread, body: str, parent_id: int | None = None, quote_id: int | None = None, submission_id: str | None = None
) -> tuple[Post, bool]:
    """Answer a thread, or one of its top-level replies (one level of nesting). Returns (post, created)."""
    if not thread.listed:
        raise ServiceError(_("该主题不存在或已被隐藏。"), 404)
    _check_can_post(user, thread.board)
    if thread.locked:
        raise ServiceError(_("该主题已被锁定，不能再回复。"), 403)
    if parent_id is not None:
        parent = db.session.get(Post, parent_id)
        if parent is None or parent.thread_id != thread.id or parent.hidden:
            raise ServiceError(_("要回复的帖子不在这个主题中。"), 400)
        if parent.parent_id is not None:
            raise ServiceError(_("只能回复主题或一级回复，不能再回复楼中楼；可以引用该帖后回复主题。"), 400)
        if parent.is_opener:
            parent_id = None  # answering the opener is an ordinary reply to the thread
    if quote_id is not None:
        quoted = db.session.get(Post, quote_id)
        if quoted is None or quoted.thread_id != thread.id or quoted.hidden:
            raise ServiceError(_("引用的帖子不在这个主题中。"), 400)
    text = _body(body)
    submission_id = (submission_id or "").strip()[:64] or None
    existing = _existing(user, submission_id)
    if existing is not None:
        return existing, False
    post = Post(
        thread_id=thread.id, user_id=user.id, parent_id=parent_id, quote_id=quote_id, submission_id=submission_id,
        body=text, author_label=user.pseudonym, search_terms=search_terms(text),
    )
    post, created = _store(post, user, submission_id)
    if created:
        thread.last_post_at = post.created_at
        recount_thread(thread)
        mirror_post(post, thread.board)
        if not hold_if_sensitive(post, text):
            _tell_about_reply(user, thread, post)
    return post, created


def hold_if_sensitive(post: Post, text: str) -> bool:
    """A post with a listed sensitive word waits hidden for review, never dropped: a report by the
    system puts it on the forum moderation page, where keeping it shows it (and its thread) again."""

    found = moderation.screen(text)
    if not found:
        return False
    post.hidden, post.hidden_reason = True, HELD_BY_WORDS
    if post.is_opener:
        post.thread.hidden = True
    channels.withdraw(ORIGIN, post.id)
    db.session.add(Flag(target_type=ORIGIN, target_id=post.id, user_id=None, reason=_("含敏感词：%(words)s", words="、".join(found))[:500]))
    recount_thread(post.thread)
    return True


def _tell_about_reply(author: User, thread: Thread, post: Post) -> None:
    """The thread's starter and the author of the answered reply hear of it in their inbox."""

    told = {thread.user_id}
    if post.parent_id is not None:
        told.add(db.session.scalar(select(Post.user_id).where(Post.id == post.parent_id)))
    told.discard(author.id)
    # A path, not url_for: services run without a request (the inbox page renders it as a link).
    link = f"/forums/threads/{thread.id}#post-{post.id}"
    notifications.notify_many([u for u in told if u], "forum_reply", _("您参与的讨论有了新回复：%(title)s", title=thread.title[:40]), post.body[:200], link)


def recount_thread(thread: Thread) -> None:
    thread.reply_count = db.session.scalar(
        select(func.count(Post.id)).where(Post.thread_id == thread.id, Post.is_opener.is_(False), Post.hidden.is_(False))
    ) or 0
    opener_support = db.session.scalar(select(Post.support_count).where(Post.thread_id == thread.id, Post.is_opener.is_(True)))
    thread.support_count = opener_support or 0
    db.session.flush()


# --- digests ----------------------------------------------------------------------------------


def mirror_post(post: Post, board: Board) -> None:
    """Every visible post of a plan's board is an opinion on the plan: its copy feeds the digest."""
    if board.plan_id is None:
        return
    plan = db.session.get(Plan, board.plan_id)
    if plan is None or plan.current_version is None:
        return
    body = f"{post.thread.title}\n{post.body}" if post.is_opener else post.body
    user = db.session.get(User, post.user_id) if post.user_id else None
    channels.mirror(plan=plan, source=FORUM.source, body=body, origin_type=ORIGIN, origin_id=post.id, user=user,
                    author_label=post.author_label, created_at=post.created_at)


# --- votes and flags --------------------------------------------------------------------------


def support(user: User, post: Post) -> Post:
    """One support per person and post; a second one is refused (409)."""
    if not user.is_verified:
        raise ServiceError(_("投票前请先完成验证。"), 403)
    if post.hidden or not post.thread.listed:
        raise ServiceError(_("该帖子不存在或已被隐藏。"), 404)
    if post.user_id == user.id:
        raise ServiceError(_("不能支持自己的帖子。"), 400)
    if db.session.scalar(select(PostVote.id).where(PostVote.post_id == post.id, PostVote.user_id == user.id)):
        raise ServiceError(_("您已经支持过这条帖子了。"), 409)
    try:
        with db.session.begin_nested():
            db.session.add(PostVote(post_id=post.id, user_id=user.id))
    except IntegrityError:
        raise ServiceError(_("您已经支持过这条帖子了。"), 409) from None
    # Recount rather than increment: exact under concurrent votes.
    post.support_count = db.session.scalar(select(func.count(PostVote.id)).where(PostVote.post_id == post.id)) or 0
    if post.is_opener:
        post.thread.support_count = post.support_count
    db.session.flush()
    return post


def supported(user: User | None, post_ids: list[int]) -> set[int]:
    if user is None or not getattr(user, "id", None) or not post_ids:
        return set()
    return set(db.session.scalars(select(PostVote.post_id).where(PostVote.user_id == user.id, PostVote.post_id.in_(post_ids))))


# --- reading ----------------------------------------------------------------------------------

SORTS = {
    "new": (Thread.created_at.desc(),),
    "support": (Thread.support_count.desc(), Thread.last_post_at.desc()),
    "replies": (Thread.reply_count.desc(), Thread.last_post_at.desc()),
}


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int


def _paginate(query, order: tuple, page: int, size: int) -> Page:  # type: ignore[no-untyped-def]
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    items = list(db.session.scalars(query.order_by(*order).offset((page - 1) * size).limit(size)))
    return Page(items, page, pages, total)


def threads(board: Board, *, sort: str = "new", page: int = 1, size: int = 20, include_hidden: bool = False) -> Page:
    query = select(Thread).where(Thread.board_id == board.id, Thread.merged_into_id.is_(None))
    if not include_hidden:
        query = query.where(Thread.hidden.is_(False))
    order = (Thread.pinned.desc(), *SORTS.get(sort, SORTS["new"]), Thread.id.desc())
    return _paginate(query, order, page, size)


def opener(thread: Thread) -> Post | None:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_opener.is_(True)))


def replies(thread: Thread, *, page: int = 1, size: int = 30) -> tuple[Page, dict[int, list[Post]]]:
    """A page of top-level replies (oldest first) and the nested answers to those replies only."""
    query = select(Post).where(Post.thread_id == thread.id, Post.is_opener.is_(False), Post.parent_id.is_(None))
    top = _paginate(query, (Post.created_at, Post.id), page, size)
    children: dict[int, list[Post]] = {}
    ids = [p.id for p in top.items]
    if ids:
        for child in db.session.scalars(select(Post).where(Post.parent_id.in_(ids)).order_by(Post.created_at, Post.id)):
            children.setdefault(child.parent_id, []).append(child)  # type: ignore[arg-type]
    return top, children


def search(q: str, *, board_id: int | None = None, limit: int = 50) -> tuple[list[str], list[Post]]:
    """Visible posts (thread titles are indexed with the opener) matching every term; 繁体 and 简体 alike."""

    terms = query_terms(q)
    if not terms:
        return [], []
    query = (
        select(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .join(Board, Thread.board_id == Board.id)
        .outerjoin(Plan, Board.plan_id == Plan.id)
        .where(
            Post.hidden.is_(False), Thread.hidden.is_(False), Thread.merged_into_id.is_(None),
            (Board.plan_id.is_(None)) | (Plan.published.is_(True)),
            _match(Post.search_terms, terms),
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    if board_id is not None:
        query = query.where(Thread.board_id == board_id)
    return terms, list(db.session.scalars(query))
