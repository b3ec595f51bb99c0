"""转为改革任务: link the opinions of a digest cluster, or one opinion, to a reform task.

From a cluster, the members answered 采纳 or 部分采纳 are linked; when none of them has such an
answer yet, every published (or imported) member is linked (the office decided to act on the issue as a whole).
Each author is told once, in their inbox, which task carries their opinion."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit, notifications
from consult.core.errors import ServiceError
from consult.core.models import User
from consult.extensions import db
from consult.ledger.models import ReformTask, TaskOpinion
from consult.plans.models import Comment, CommentStatus, Plan
from consult.responses.models import Response

ADOPTING = ("adopted", "partly")
# Published opinions and imported letters can be carried out; pending or rejected ones cannot.
CARRIABLE = (CommentStatus.PUBLISHED, CommentStatus.INTERNAL)


def cluster_comments(plan: Plan, member_ids: Sequence[int]) -> list[Comment]:
    members = list(db.session.scalars(select(Comment).where(Comment.id.in_(list(member_ids)), Comment.plan_id == plan.id,
                                                            Comment.status.in_(CARRIABLE))))
    adopted = set(db.session.scalars(select(Response.comment_id).where(Response.comment_id.in_([c.id for c in members]),
                                                                       Response.status.in_(ADOPTING))))
    return [c for c in members if c.id in adopted] if adopted else members


def link(actor: User, task: ReformTask, comments: Sequence[Comment], cluster_ref: str, link_url: str) -> int:
    """Add the TaskOpinion rows not there yet; returns how many were added."""
    if not comments:
        raise ServiceError(_("没有可关联的意见（须为已公开或导入的意见）。"), 400)
    have = set(db.session.scalars(select(TaskOpinion.comment_id).where(TaskOpinion.task_id == task.id)))
    new = [c for c in comments if c.id not in have]
    for comment in new:
        db.session.add(TaskOpinion(task_id=task.id, comment_id=comment.id, cluster_ref=cluster_ref[:40], linked_by_id=actor.id))
    db.session.flush()
    audit.record(actor, "ledger.opinions_linked", "reform_task", task.id, count=len(new), cluster_ref=cluster_ref[:40])
    authors = {c.user_id for c in new if c.user_id}
    notifications.notify_many(authors, "ledger", _("您的意见已转为改革任务：%(t)s", t=task.title[:80]),
                              _("可在“我的意见”中查看任务进展。"), link_url)
    return len(new)


def tasks_for_comments(comment_ids: Sequence[int]) -> dict[int, list[ReformTask]]:
    """Public tasks carrying each comment, for the author's "my comments"."""
    rows = db.session.execute(select(TaskOpinion.comment_id, ReformTask).join(ReformTask, ReformTask.id == TaskOpinion.task_id)
                              .where(TaskOpinion.comment_id.in_(list(comment_ids)), ReformTask.public.is_(True))).all()
    out: dict[int, list[ReformTask]] = {}
    for comment_id, task in rows:
        out.setdefault(comment_id, []).append(task)
    return out
