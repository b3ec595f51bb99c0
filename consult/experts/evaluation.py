"""Expert evaluation of a reform task's results (会诊评估): one scoring sheet per invited expert."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.experts.fields import CRITERION_CODES, criterion_label, weighted_total
from consult.experts.invitations import is_past_deadline
from consult.experts.models import ExpertInvitation, ExpertScore, InvitationStatus
from consult.experts.pool import optional_text
from consult.extensions import db


def parse_scores(raw: dict[str, str | None]) -> dict[str, int]:
    """Every criterion a whole number 0-100; the message names the criterion that is wrong."""
    scores: dict[str, int] = {}
    for code in CRITERION_CODES:
        value = (raw.get(code) or "").strip()
        if not value:
            raise ServiceError(_("请为“%(c)s”打分（0-100）。", c=criterion_label(code)), field=code)
        if not value.isdigit() or int(value) > 100:
            raise ServiceError(_("“%(c)s”的分数应为 0 到 100 的整数。", c=criterion_label(code)), field=code)
        scores[code] = int(value)
    return scores


def sheet_of(invitation: ExpertInvitation) -> ExpertScore | None:
    return db.session.scalar(select(ExpertScore).where(ExpertScore.invitation_id == invitation.id))


def submit(user: User, invitation: ExpertInvitation, raw: dict[str, str | None], comment: str) -> ExpertScore:
    """Write (or revise, until the deadline) the expert's sheet for the invited task."""
    if invitation.task_id is None:
        raise ServiceError(_("该邀请是方案论证，请逐条提出意见。"), 409)
    if invitation.status != InvitationStatus.ACCEPTED:
        raise ServiceError(_("请先接受邀请，再填写评分表。"), 409)
    if is_past_deadline(invitation):
        raise ServiceError(_("评估截止日期（%(d)s）已过，不能再提交评分。", d=invitation.deadline.isoformat()), 409)
    scores = parse_scores(raw)
    text = optional_text(comment, _("评估意见"), 5000, "comment")
    sheet = sheet_of(invitation)
    if sheet is None:
        sheet = ExpertScore(invitation_id=invitation.id, task_id=invitation.task_id, expert_id=invitation.expert_id, scores=scores, total=0.0)
        db.session.add(sheet)
    sheet.scores, sheet.total, sheet.comment = scores, weighted_total(scores), text
    sheet.submitted_at = datetime.now(UTC)
    db.session.flush()
    audit.record(user, "expert.score", "reform_task", invitation.task_id, invitation_id=invitation.id, total=sheet.total)
    return sheet


def sheets_for_task(task_id: int) -> list[ExpertScore]:
    return list(db.session.scalars(select(ExpertScore).where(ExpertScore.task_id == task_id).order_by(ExpertScore.id)))
