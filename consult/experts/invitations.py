"""Inviting experts to review a plan or a reform task: conflicts of interest, deadlines, accept or decline."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit, notifications
from consult.core.models import Role, User
from consult.core.web.errors import ServiceError
from consult.core.web.templating import local_today
from consult.experts.models import Expert, ExpertConflict, ExpertInvitation, InvitationStatus
from consult.experts.pool import optional_text
from consult.extensions import db
from consult.ledger.models import ReformTask
from consult.plans.models import Plan

MESSAGE_MAX = 2000


def _task_departments(task: ReformTask) -> set[int]:
    departments = {p.department_id for p in task.partners}
    if task.lead_department_id is not None:
        departments.add(task.lead_department_id)
    return departments


def conflicts_for(expert: Expert, *, plan: Plan | None = None, task: ReformTask | None = None) -> list[ExpertConflict]:
    """The expert's declared conflicts that concern this plan (its department) or task (lead, partners, plan)."""
    departments: set[int] = set()
    plans: set[int] = set()
    if plan is not None:
        plans.add(plan.id)
        if plan.department_id is not None:
            departments.add(plan.department_id)
    if task is not None:
        departments |= _task_departments(task)
        if task.plan_id is not None:
            plans.add(task.plan_id)
    return [c for c in expert.conflicts if c.plan_id in plans or c.department_id in departments]


def _conflict_text(conflicts: list[ExpertConflict]) -> str:
    names = [c.department.name if c.department is not None else f"《{c.plan.title}》" for c in conflicts]
    return "、".join(dict.fromkeys(names))


def _open_invitation(expert: Expert, plan: Plan | None, task: ReformTask | None) -> ExpertInvitation | None:
    query = select(ExpertInvitation).where(
        ExpertInvitation.expert_id == expert.id,
        ExpertInvitation.status.in_((InvitationStatus.PENDING, InvitationStatus.ACCEPTED)),
    )
    query = query.where(ExpertInvitation.plan_id == plan.id) if plan is not None else query.where(ExpertInvitation.task_id == task.id)  # type: ignore[union-attr]
    return db.session.scalar(query)


def invite(actor: User, expert: Expert, *, plan: Plan | None = None, task: ReformTask | None = None, message: str,
           deadline: date | None, override_reason: str = "") -> ExpertInvitation:
    """Invite one expert. A declared conflict refuses the invitation unless the office overrides it with a reason."""
    if (plan is None) == (task is None):
        raise ServiceError(_("请选择一个方案或一项改革任务。"))
    if not expert.active:
        raise ServiceError(_("%(n)s 已不在专家库中（已停用），不能邀请。", n=expert.name), 409, field="expert_id")
    if plan is not None and plan.current_version is None:
        raise ServiceError(_("该方案还没有正文，不能邀请专家论证。"), 409)
    if deadline is None:
        raise ServiceError(_("请填写论证截止日期。"), field="deadline")
    if deadline < local_today():
        raise ServiceError(_("截止日期不能早于今天。"), field="deadline")
    message = optional_text(message, _("邀请说明"), MESSAGE_MAX, "message")
    reason = optional_text(override_reason, _("回避例外理由"), 500, "override_reason")
    conflicts = conflicts_for(expert, plan=plan, task=task)
    if conflicts and not reason:
        raise ServiceError(
            _("%(n)s 已申报需回避：%(c)s。不能邀请其评审；确需邀请的，请填写回避例外理由。", n=expert.name, c=_conflict_text(conflicts)),
            409, field="override_reason",
        )
    if _open_invitation(expert, plan, task) is not None:
        raise ServiceError(_("已邀请过 %(n)s，邀请尚未结束。", n=expert.name), 409, field="expert_id")
    invitation = ExpertInvitation(
        expert_id=expert.id, plan_id=plan.id if plan else None, task_id=task.id if task else None, message=message,
        deadline=deadline, conflict_override=reason if conflicts else "", invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    subject = plan.title if plan is not None else task.title  # type: ignore[union-attr]
    kind = _("方案论证") if plan is not None else _("改革成效评估")
    notifications.notify(
        expert.user_id, "expert_invitation", _("邀请您参加%(k)s：%(t)s", k=kind, t=subject)[:200],
        _("请在 %(d)s 前完成。%(m)s", d=deadline.isoformat(), m=message), f"/expert/invitations/{invitation.id}",
    )
    audit.record(actor, "expert.invite", "expert_invitation", invitation.id,
                 department_id=plan.department_id if plan is not None else task.lead_department_id,  # type: ignore[union-attr]
                 expert_id=expert.id, plan_id=invitation.plan_id, task_id=invitation.task_id,
                 conflict_override=invitation.conflict_override or None)
    return invitation


def withdraw(actor: User, invitation: ExpertInvitation) -> None:
    if invitation.status == InvitationStatus.WITHDRAWN:
        raise ServiceError(_("该邀请已撤回。"), 409)
    invitation.status = InvitationStatus.WITHDRAWN
    db.session.flush()
    audit.record(actor, "expert.withdraw", "expert_invitation", invitation.id)


def respond(user: User, invitation: ExpertInvitation, *, accept: bool, note: str = "") -> None:
    """The expert accepts or declines (with an optional reason); only a pending invitation can be answered."""
    if invitation.status != InvitationStatus.PENDING:
        raise ServiceError(_("该邀请已经答复或已撤回。"), 409)
    invitation.response_note = optional_text(note, _("说明"), 500, "note")
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_at = datetime.now(UTC)
    db.session.flush()
    if invitation.invited_by_id is not None:  # the office hears at once, not at the deadline
        subject = invitation.plan.title if invitation.plan is not None else invitation.task.title
        verb = _("接受") if accept else _("谢绝")
        link = f"/staff/plans/{invitation.plan_id}/experts" if invitation.plan_id is not None else "/staff/experts/evaluations"
        notifications.notify(invitation.invited_by_id, "expert_response", _("%(n)s %(v)s了邀请：%(t)s", n=invitation.expert.name, v=verb, t=subject)[:200],
                             invitation.response_note, link)
    audit.record(user, "expert.accept" if accept else "expert.decline", "expert_invitation", invitation.id)


def own_invitation(user: User, invitation_id: int) -> ExpertInvitation | None:
    """The invitation if it was sent to this expert (withdrawn ones vanish from their space)."""
    if user.role != Role.EXPERT:
        return None
    invitation = db.session.get(ExpertInvitation, invitation_id)
    if invitation is None or invitation.expert.user_id != user.id or invitation.status == InvitationStatus.WITHDRAWN:
        return None
    return invitation


def invitations_of(expert: Expert) -> list[ExpertInvitation]:
    return list(db.session.scalars(
        select(ExpertInvitation)
        .where(ExpertInvitation.expert_id == expert.id, ExpertInvitation.status != InvitationStatus.WITHDRAWN)
        .order_by(ExpertInvitation.created_at.desc())
    ))


def for_plan(plan_id: int) -> list[ExpertInvitation]:
    return list(db.session.scalars(select(ExpertInvitation).where(ExpertInvitation.plan_id == plan_id).order_by(ExpertInvitation.id)))


def for_task(task_id: int) -> list[ExpertInvitation]:
    return list(db.session.scalars(select(ExpertInvitation).where(ExpertInvitation.task_id == task_id).order_by(ExpertInvitation.id)))


def is_past_deadline(invitation: ExpertInvitation) -> bool:
    return invitation.deadline < local_today()
