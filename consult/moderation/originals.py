"""The unmasked original of a citizen's text, for staff who need it (a phone number to call back).

Pages show citizen text masked everywhere; this looks the original up for one object after the same
department check the object's own staff pages make. The view records an audit entry each time.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.forums import operations as forums
from consult.forums.models import Post, Thread
from consult.hearings.models import HearingApplication
from consult.plans.access import can_manage_plan
from consult.plans.models import Comment, Plan
from consult.suggestions import operations as suggestions
from consult.suggestions.models import Suggestion

KINDS = ("comment", "post", "suggestion", "application")


@dataclass(frozen=True)
class Original:
    kind: str
    object_id: int
    department_id: int | None
    parts: list[tuple[str, str]]  # (label, original text)


def _comment(user: User, object_id: int) -> Original | None:
    comment = db.session.get(Comment, object_id)
    if comment is None:
        return None
    plan = db.session.get(Plan, comment.plan_id)
    if not can_manage_plan(user, plan):
        raise ServiceError(_("您只能查看本部门方案的意见原文。"), 403)
    return Original("comment", comment.id, plan.department_id, [(_("意见"), comment.body)])


def _post(user: User, object_id: int) -> Original | None:
    post = db.session.get(Post, object_id)
    if post is None:
        return None
    thread = db.session.get(Thread, post.thread_id)
    if not forums.can_moderate(user, thread.board):
        raise ServiceError(_("您不能管理这个讨论区。"), 403)
    parts = [(_("标题"), thread.title)] if post.is_opener else []
    plan = db.session.get(Plan, thread.board.plan_id) if thread.board.plan_id else None
    department = plan.department_id if plan else None
    return Original("post", post.id, department, parts + [(_("帖子"), post.body)])


def _suggestion(user: User, object_id: int) -> Original | None:
    suggestion = db.session.get(Suggestion, object_id)
    if suggestion is None or not suggestions.staff_may_see(user, suggestion):
        return None  # as the suggestion's own staff page: another department's is not found
    parts = [(_("标题"), suggestion.title), (_("建议"), suggestion.body), (_("联系方式"), suggestion.contact or "")]
    return Original("suggestion", suggestion.id, suggestion.department_id, parts)


def _application(user: User, object_id: int) -> Original | None:
    application = db.session.get(HearingApplication, object_id)
    if application is None:
        return None
    if not can_manage_plan(user, db.session.get(Plan, application.hearing.plan_id)):
        raise ServiceError(_("您只能查看本部门听证会的报名原文。"), 403)
    parts = [(_("发言要点"), application.statement), (_("服务对象说明"), application.recipient_note or "")]
    return Original("application", application.id, application.hearing.department_id, parts)


_LOOKUPS = {"comment": _comment, "post": _post, "suggestion": _suggestion, "application": _application}


def original_of(user: User, kind: str, object_id: int) -> Original:
    """The original texts of one object, if ``user`` may manage it: ServiceError 404/403 otherwise."""
    lookup = _LOOKUPS.get(kind)
    found = lookup(user, object_id) if lookup else None
    if found is None:
        raise ServiceError(_("没有找到该内容。"), 404)
    return found
