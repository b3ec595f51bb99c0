"""Forum pages: boards, threads with replies, votes and flags; staff moderation of the boards they manage."""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from consult.core.security.permissions import safe_target, staff_required
from consult.core.web.converters import MAX_ID, query_int, query_page
from consult.core.web.errors import ServiceError, wants_json
from consult.extensions import db, limiter
from consult.forums import moderation as forum_moderation
from consult.forums import operations as forum_service
from consult.forums.forms import ActionForm, FlagForm, MergeForm, ReplyForm, ThreadForm
from consult.forums.models import Board, Post, Thread
from consult.plans.access import can_manage_plan
from consult.plans.models import Plan

bp = Blueprint("forums", __name__, template_folder="templates", url_prefix="/forums")

THREADS_PER_PAGE = 20
REPLIES_PER_PAGE = 30


@bp.errorhandler(ServiceError)
def _refused(error: ServiceError) -> tuple[str, int] | tuple[Response, int]:
    """A refused action: nothing of it is stored, the user reads why (4xx, never a 500)."""
    db.session.rollback()
    if wants_json():
        return jsonify(error=error.message), error.status
    back = safe_target(request.referrer, url_for("forums.index"))
    return render_template("errors/error.html", status=error.status, title=_("操作未能完成"), message=error.message, back=back), error.status


def _viewer():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


def _int(value: str | None, *, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12 or int(value) > MAX_ID:
        raise ServiceError(_("%(field)s无效。", field=field), 400)
    return int(value)


def _board_or_404(board_id: int) -> Board:
    board = db.session.get(Board, board_id)
    if board is None:
        abort(404, description=_("没有找到该讨论区。"))
    if board.plan_id is not None and not board.plan.published and not forum_service.can_moderate(current_user, board):
        abort(404, description=_("没有找到该讨论区。"))
    return board


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        abort(404, description=_("没有找到该主题。"))
    board = _board_or_404(thread.board_id)
    if thread.hidden and not forum_service.can_moderate(current_user, board):
        abort(404, description=_("该主题不存在或已被隐藏。"))
    return thread


def _post_or_404(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404, description=_("没有找到该帖子。"))
    _thread_or_404(post.thread_id)
    return post


def _post_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else (request.remote_addr or "")


# One budget for new threads and replies together, so spreading posts over both routes gains nothing.
forum_post_limit = limiter.shared_limit(_post_limit, scope="forum-post", key_func=_user_key)


def _fresh(form: ThreadForm | ReplyForm) -> ThreadForm | ReplyForm:
    if not form.submission_id.data:
        form.submission_id.data = uuid.uuid4().hex
    return form


# --- reading ----------------------------------------------------------------------------------


@bp.get("/")
def index() -> str:
    boards = forum_service.domain_boards()
    plans = list(db.session.scalars(select(Plan).where(Plan.published.is_(True)).order_by(Plan.opens_at.desc(), Plan.id.desc()).limit(50)))
    board_of = dict(db.session.execute(select(Board.plan_id, Board.id).where(Board.plan_id.is_not(None))).all())
    counts = dict(
        db.session.execute(
            select(Thread.board_id, func.count(Thread.id))
            .where(Thread.hidden.is_(False), Thread.merged_into_id.is_(None))
            .group_by(Thread.board_id)
        ).all()
    )
    db.session.commit()  # the standing boards, if this was the first visit
    return render_template("forums/index.html", boards=boards, plans=plans, board_of=board_of, counts=counts)


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int) -> Response:
    plan = db.session.get(Plan, plan_id)
    if plan is None or (not plan.published and not (current_user.is_authenticated and can_manage_plan(current_user, plan))):
        abort(404, description=_("没有找到该方案。"))
    board = forum_service.plan_board(plan)
    db.session.commit()
    return redirect(url_for("forums.board", board_id=board.id))


@bp.get("/boards/<int:board_id>")
def board(board_id: int) -> str:
    board = _board_or_404(board_id)
    sort = request.args.get("sort", "new")
    sort = sort if sort in forum_service.SORTS else "new"
    moderator = forum_service.can_moderate(current_user, board)
    page = forum_service.threads(board, sort=sort, page=query_page(), size=THREADS_PER_PAGE, include_hidden=moderator)
    return render_template(
        "forums/board.html", board=board, threads=page, sort=sort, form=_fresh(ThreadForm()),
        closed_reason=forum_service.closed_reason(board), moderator=moderator, action_form=ActionForm(),
    )


@bp.get("/threads/<int:thread_id>")
def thread(thread_id: int) -> str | Response:
    thread = _thread_or_404(thread_id)
    if thread.merged_into_id is not None:
        return redirect(url_for("forums.thread", thread_id=thread.merged_into_id))
    board = thread.board
    page, children = forum_service.replies(thread, page=query_page(), size=REPLIES_PER_PAGE)
    opener = forum_service.opener(thread)
    shown = ([opener] if opener else []) + page.items + [c for kids in children.values() for c in kids]
    return render_template(
        "forums/thread.html", board=board, thread=thread, opener=opener, replies=page, children=children,
        supported=forum_service.supported(_viewer(), [p.id for p in shown]),
        form=_fresh(ReplyForm()), flag_form=FlagForm(), action_form=ActionForm(), merge_form=MergeForm(),
        closed_reason=forum_service.closed_reason(board), moderator=forum_service.can_moderate(current_user, board),
    )


@bp.get("/search")
def search() -> str:
    q = (request.args.get("q") or "").strip()[:100]
    board_id = query_int("board")
    terms, posts = forum_service.search(q, board_id=board_id)
    return render_template("forums/search.html", q=q, terms=terms, posts=posts, board_id=board_id)


# --- posting ----------------------------------------------------------------------------------


def _held_message() -> str:
    return _("已收到。内容含有需要人工审核的词语，审核通过后公开显示。")


def _done(message: str, target: str, status: int = 201, **data: object) -> Response | tuple[Response, int]:
    if wants_json():
        return jsonify(message=message, **data), status
    flash(message, "success" if status < 300 else "info")
    return redirect(target)


@bp.post("/boards/<int:board_id>/threads")
@login_required
@forum_post_limit
def new_thread(board_id: int) -> Response | tuple[Response, int]:
    board = _board_or_404(board_id)
    form = ThreadForm()
    form.guard()
    thread, created = forum_service.start_thread(
        user=current_user, board=board, title=form.title.data or "", body=form.body.data or "", submission_id=form.submission_id.data
    )
    opener = forum_service.opener(thread)
    db.session.commit()
    target = url_for("forums.thread", thread_id=thread.id)
    if not created:
        return _done(_("这个主题已经发表过了，不会重复保存。"), target, 409, id=thread.id, duplicate=True)
    if opener is not None and opener.hidden:
        return _done(_held_message(), url_for("forums.board", board_id=board.id), id=thread.id, held=True)
    return _done(_("主题已发表。"), target, id=thread.id)


@bp.post("/threads/<int:thread_id>/replies")
@login_required
@forum_post_limit
def new_reply(thread_id: int) -> Response | tuple[Response, int]:
    thread = _thread_or_404(thread_id)
    form = ReplyForm()
    form.guard()
    post, created = forum_service.reply(
        user=current_user, thread=thread, body=form.body.data or "",
        parent_id=_int(form.parent_id.data, field=_("回复对象")), quote_id=_int(form.quote_id.data, field=_("引用")),
        submission_id=form.submission_id.data,
    )
    db.session.commit()
    target = _post_url(post)
    if not created:
        return _done(_("这条回复已经提交过了，不会重复保存。"), target, 409, id=post.id, duplicate=True)
    if post.hidden:
        return _done(_held_message(), target, id=post.id, held=True)
    return _done(_("回复已发表。"), target, id=post.id)


def _post_url(post: Post) -> str:
    """The page of the thread where the post is shown (its top-level reply decides the page)."""
    top_id = post.parent_id or post.id
    page = 1
    if not post.is_opener:
        top = db.session.get(Post, top_id)
        before = db.session.scalar(
            select(func.count(Post.id)).where(
                Post.thread_id == post.thread_id, Post.is_opener.is_(False), Post.parent_id.is_(None),
                (Post.created_at < top.created_at) | ((Post.created_at == top.created_at) & (Post.id < top.id)),
            )
        ) or 0
        page = before // REPLIES_PER_PAGE + 1
    return url_for("forums.thread", thread_id=post.thread_id, page=page if page > 1 else None, _anchor=f"post-{post.id}")


@bp.post("/posts/<int:post_id>/support")
@login_required
@limiter.limit("60 per minute", key_func=_user_key)
def support(post_id: int) -> Response | tuple[Response, int]:
    post = _post_or_404(post_id)
    ActionForm()  # CSRF is checked by CSRFProtect for every POST
    forum_service.support(current_user, post)
    db.session.commit()
    if wants_json():
        return jsonify(support=post.support_count), 200
    return redirect(_post_url(post), 303)


@bp.post("/posts/<int:post_id>/flag")
@login_required
@limiter.limit("20 per minute", key_func=_user_key)
def flag(post_id: int) -> Response | tuple[Response, int]:
    post = _post_or_404(post_id)
    form = FlagForm()
    hidden = forum_moderation.flag(current_user, post, form.reason.data or "")
    db.session.commit()
    message = _("感谢举报，工作人员会尽快处理。") + (_("该帖已暂时隐藏，等待审核。") if hidden else "")
    if wants_json():
        return jsonify(message=message, hidden=hidden), 201
    flash(message, "success")
    return redirect(url_for("forums.thread", thread_id=post.thread_id), 303)


# --- staff ------------------------------------------------------------------------------------


def _on(form: ActionForm) -> bool:
    value = (form.value.data or "").strip()
    if value not in ("0", "1"):
        raise ServiceError(_("无效的操作。"), 400)
    return value == "1"


@bp.post("/threads/<int:thread_id>/<any(pin, lock, hide):action>")
@staff_required
def thread_action(thread_id: int, action: str) -> Response:
    thread = _thread_or_404(thread_id)
    field = {"pin": "pinned", "lock": "locked", "hide": "hidden"}[action]
    forum_moderation.set_thread_flag(current_user, thread, field, _on(ActionForm()))
    db.session.commit()
    flash(_("已更新主题状态。"), "success")
    return redirect(url_for("forums.thread", thread_id=thread.id), 303)


@bp.post("/threads/<int:thread_id>/merge")
@staff_required
def merge(thread_id: int) -> Response:
    source = _thread_or_404(thread_id)
    target_id = _int(MergeForm().target.data, field=_("目标主题编号"))
    target = db.session.get(Thread, target_id) if target_id else None
    if target is None:
        raise ServiceError(_("没有找到要合并到的主题。"), 404)
    target = forum_moderation.merge_threads(current_user, source, target)
    db.session.commit()
    flash(_("主题已合并。"), "success")
    return redirect(url_for("forums.thread", thread_id=target.id), 303)


@bp.post("/posts/<int:post_id>/hide")
@staff_required
def hide_post(post_id: int) -> Response:
    post = _post_or_404(post_id)
    forum_moderation.hide_post(current_user, post, _on(ActionForm()))
    db.session.commit()
    flash(_("已更新帖子状态。"), "success")
    return redirect(safe_target(request.referrer, _post_url(post)), 303)


@bp.post("/posts/<int:post_id>/resolve")
@staff_required
def resolve(post_id: int) -> Response:
    post = _post_or_404(post_id)
    forum_moderation.resolve_flags(current_user, post, keep=_on(ActionForm()))
    db.session.commit()
    flash(_("举报已处理。"), "success")
    return redirect(url_for("forums.moderation"), 303)


@bp.post("/boards/<int:board_id>/close")
@staff_required
def close_board(board_id: int) -> Response:
    board = _board_or_404(board_id)
    forum_moderation.close_board(current_user, board, _on(ActionForm()))
    db.session.commit()
    flash(_("已更新讨论区状态。"), "success")
    return redirect(url_for("forums.board", board_id=board.id), 303)


@bp.get("/moderation")
@staff_required
def moderation() -> str:
    items = forum_moderation.open_flags(current_user)
    reasons = forum_moderation.open_reasons([post.id for post, _count in items])
    return render_template("forums/moderation.html", items=items, reasons=reasons, action_form=ActionForm())
