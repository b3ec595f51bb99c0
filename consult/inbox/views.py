"""The inbox (with mark read / mark all read) and "my comments" with moderation status and reasons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from consult.core import notifications
from consult.core.models import Notification
from consult.core.security.permissions import safe_target
from consult.core.web.buttons import EmptyForm
from consult.extensions import db
from consult.ledger import queries as ledger_queries
from consult.moderation import operations as moderation
from consult.plans.models import Plan
from consult.responses import operations as responses

bp = Blueprint("inbox", __name__, template_folder="templates", url_prefix="/account")

PAGE_SIZE = 20


def _page() -> int:
    value = (request.args.get("page") or "1").strip()
    if not value.isdigit() or len(value) > 9:
        abort(400, description=_("页码应为正整数。"))
    return max(1, int(value))


@bp.get("/notifications")
@login_required
def notifications_page() -> str:
    total = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == current_user.id)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(_page(), pages)
    return render_template(
        "inbox/notifications.html",
        items=notifications.inbox(current_user.id, page=page, per_page=PAGE_SIZE),
        page=page,
        pages=pages,
        unread=notifications.unread_count(current_user.id),
        form=EmptyForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_read() -> Response:
    """Mark the given entries (``ids``) read, or all of them (``all=1``); other users' ids are ignored."""
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("页面已过期，请刷新后重试。"))
    raw = request.form.getlist("ids")
    if request.form.get("all") == "1":
        count = notifications.mark_read(current_user.id)
    else:
        if not raw or any(not v.isdigit() or len(v) > 12 for v in raw):
            abort(400, description=_("请选择要标记为已读的通知。"))
        count = notifications.mark_read(current_user.id, [int(v) for v in raw])
    db.session.commit()
    flash(_("已将 %(n)s 条通知标记为已读。", n=count), "success")
    return redirect(safe_target(request.form.get("next"), url_for("inbox.notifications_page")), 303)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int) -> Response:
    """Opening an entry marks it read and follows its (same-site) link."""
    entry = db.session.get(Notification, notification_id)
    if entry is None or entry.user_id != current_user.id:
        abort(404, description=_("没有找到该通知。"))
    notifications.mark_read(current_user.id, [entry.id])
    db.session.commit()
    return redirect(safe_target(entry.link, url_for("inbox.notifications_page")))


@bp.get("/comments")
@login_required
def my_comments() -> str:
    """Each of the viewer's comments with its plan, clause, moderation state and the official answer."""
    items, page, pages = moderation.my_comments(current_user, _page())
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_({c.plan_id for c in items})))} if items else {}
    tasks = ledger_queries.tasks_for_comments([c.id for c in items])
    return render_template(
        "inbox/comments.html", items=items, page=page, pages=pages, plans=plans, status_text=moderation.author_status, tasks=tasks,
        answers=responses.for_comments([c.id for c in items]), answer_labels=responses.status_labels(),
    )


@bp.app_context_processor
def _unread_badge() -> dict[str, object]:
    """The unread count for the nav badge: computed only when a template asks for it."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(current_user.id)

    return {"unread_notifications": unread_notifications}
