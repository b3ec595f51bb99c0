"""Experts' opinions on a plan, clause by clause: comments of the 专家意见 channel, and their conclusions."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core import audit
from consult.core.jobs import outbox, tasks
from consult.core.models import User
from consult.core.text import clean_text, search_terms
from consult.core.web.errors import ServiceError
from consult.core.web.templating import local_time, local_today
from consult.experts.channel import EXPERT, ORIGIN
from consult.experts.fields import field_labels
from consult.experts.invitations import is_past_deadline
from consult.experts.models import Expert, ExpertInvitation, InvitationStatus
from consult.extensions import db
from consult.plans.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    DecisionKind,
    DecisionStep,
    Plan,
)
from consult.responses.models import Response

OPINION_MAX = 5000


def _writable(invitation: ExpertInvitation) -> Plan:
    if invitation.plan is None:
        raise ServiceError(_("该邀请是改革成效评估，请填写评分表。"), 409)
    if invitation.status != InvitationStatus.ACCEPTED:
        raise ServiceError(_("请先接受邀请，再提出论证意见。"), 409)
    if is_past_deadline(invitation):
        raise ServiceError(_("论证截止日期（%(d)s）已过，不能再提交意见。如需延期请联系改革办。", d=invitation.deadline.isoformat()), 409)
    return invitation.plan


def author_label(expert: Expert) -> str:
    return f"{expert.name}（{expert.organisation}）" if expert.organisation else expert.name


def add_opinion(user: User, invitation: ExpertInvitation, *, clause_id: int | None, body: str) -> Comment:
    """One opinion on a clause (or on the whole plan when clause_id is None), stored in the expert channel."""
    plan = _writable(invitation)
    version = plan.current_version
    assert version is not None  # an invitation needs a plan with a text
    if clause_id is not None and clause_id not in {c.id for c in version.clauses}:
        raise ServiceError(_("该条款不属于本方案的当前版本。"), 404, field="clause_id")
    if not (body or "").strip():
        raise ServiceError(_("请填写论证意见。"), field="body")
    text = clean_text(body, field=_("论证意见"), max_chars=OPINION_MAX, key="body")
    comment = Comment(
        plan_id=plan.id, version_id=version.id, clause_id=clause_id, user_id=user.id, source=EXPERT.source, body=text,
        author_label=author_label(invitation.expert)[:80], status=CommentStatus.INTERNAL, show_pseudonym=False,
        origin_type=ORIGIN, origin_id=invitation.id, search_terms=search_terms(text),
    )
    db.session.add(comment)
    db.session.flush()
    outbox.add(tasks.SEGMENT_COMMENT, comment.id)  # segmented like any comment, for the digest
    sync_review_step(plan)
    audit.record(user, "expert.opinion", "comment", comment.id, department_id=plan.department_id, invitation_id=invitation.id)
    return comment


def _own_editable(user: User, invitation: ExpertInvitation, comment_id: int) -> Comment:
    """One of this invitation's opinions that its expert may still change: before the deadline, not yet answered."""
    _writable(invitation)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.origin_type != ORIGIN or comment.origin_id != invitation.id or comment.status != CommentStatus.INTERNAL:
        raise ServiceError(_("没有找到这条论证意见。"), 404)
    # An answered opinion is what the office replied to: changing it afterwards would change the record.
    if db.session.scalar(select(Response.id).where(Response.comment_id == comment.id)) is not None:
        raise ServiceError(_("改革办已答复这条意见，不能再修改或撤回；如有补充，请另提一条意见。"), 409)
    return comment


def edit_opinion(user: User, invitation: ExpertInvitation, comment_id: int, body: str) -> Comment:
    """The expert's new text; the previous one is kept as a revision for the office."""
    comment = _own_editable(user, invitation, comment_id)
    if not (body or "").strip():
        raise ServiceError(_("请填写论证意见。"), field="body")
    text = clean_text(body, field=_("论证意见"), max_chars=OPINION_MAX, key="body")
    if text == comment.body:
        raise ServiceError(_("内容没有变化。"), field="body")
    now = datetime.now(UTC)
    db.session.add(CommentRevision(comment_id=comment.id, body=comment.body, created_at=now))
    comment.body, comment.search_terms, comment.edited_at = text, search_terms(text), now
    comment.tokens, comment.segmented_at = None, None  # the next digest reads the new text
    db.session.flush()
    outbox.add(tasks.SEGMENT_COMMENT, comment.id)
    audit.record(user, "expert.opinion_edit", "comment", comment.id, department_id=invitation.plan.department_id, invitation_id=invitation.id)
    return comment


def withdraw_opinion(user: User, invitation: ExpertInvitation, comment_id: int) -> Comment:
    comment = _own_editable(user, invitation, comment_id)
    comment.status, comment.withdrawn_at = CommentStatus.WITHDRAWN, datetime.now(UTC)
    db.session.flush()
    sync_review_step(invitation.plan)
    audit.record(user, "expert.opinion_withdraw", "comment", comment.id, department_id=invitation.plan.department_id, invitation_id=invitation.id)
    return comment


def set_conclusion(user: User, invitation: ExpertInvitation, text: str) -> None:
    _writable(invitation)
    if not (text or "").strip():
        raise ServiceError(_("请填写总体论证结论。"), field="conclusion")
    invitation.conclusion = clean_text(text, field=_("论证结论"), max_chars=OPINION_MAX, key="conclusion")
    db.session.flush()
    sync_review_step(invitation.plan)
    audit.record(user, "expert.conclusion", "expert_invitation", invitation.id)


def opinions_of(invitation: ExpertInvitation) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment).where(Comment.origin_type == ORIGIN, Comment.origin_id == invitation.id, Comment.status == CommentStatus.INTERNAL)
        .order_by(Comment.id)
    ))


def by_clause(comments: list[Comment]) -> dict[int | None, list[Comment]]:
    grouped: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        grouped[comment.clause_id].append(comment)
    return grouped


def plan_opinions(plan_id: int) -> list[Comment]:
    """Every expert opinion on the plan still in the analysis, in order."""
    return list(db.session.scalars(
        select(Comment).where(Comment.plan_id == plan_id, Comment.source == EXPERT.source, Comment.status == CommentStatus.INTERNAL)
        .order_by(Comment.id)
    ))


def review_summary(plan: Plan) -> tuple[int, int, list[Expert], datetime | None]:
    """(experts who accepted, opinions, those experts, the latest opinion's time) for the decision step."""
    accepted = list(db.session.scalars(
        select(ExpertInvitation).where(ExpertInvitation.plan_id == plan.id, ExpertInvitation.status == InvitationStatus.ACCEPTED)
    ))
    count, latest = db.session.execute(
        select(func.count(Comment.id), func.max(Comment.created_at))
        .where(Comment.plan_id == plan.id, Comment.source == EXPERT.source, Comment.status == CommentStatus.INTERNAL)
    ).one()
    experts = [i.expert for i in accepted]
    return len(experts), count or 0, experts, latest


def sync_review_step(plan: Plan) -> DecisionStep:
    """Fill the plan's 专家论证 step from the invitations, unless staff have written it themselves."""
    step = db.session.scalar(select(DecisionStep).where(DecisionStep.plan_id == plan.id, DecisionStep.kind == DecisionKind.EXPERT_REVIEW))
    if step is None:
        step = DecisionStep(plan_id=plan.id, kind=DecisionKind.EXPERT_REVIEW, filled_by="experts", outcome="")
        db.session.add(step)
    if step.filled_by != "experts":
        return step
    n, opinions, experts, latest = review_summary(plan)
    fields = field_labels(sorted({f for e in experts for f in e.fields or []}))
    step.outcome = _("邀请 %(n)s 位专家（%(f)s）论证，提出论证意见 %(m)s 条。", n=n, f=fields or _("未注明领域"), m=opinions)
    step.held_on = date.fromisoformat(local_time(latest, "%Y-%m-%d")) if latest is not None else local_today()
    db.session.flush()
    return step
