"""The survey form's plan and follow-up selects, limited to what the staff member may manage."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.models import User
from consult.extensions import db
from consult.plans.models import Plan
from consult.surveys.models import Survey


def link_choices(survey: Survey | None, user: User) -> tuple[list[tuple[object, str]], list[tuple[object, str]]]:
    """The plan and follow-up selects: titles of what this staff member may manage (a department
    account: its department's plans and surveys), plus the value already saved, whoever set it."""
    department = user.department_id if user.role == "department" else None
    plans = select(Plan).order_by(Plan.created_at.desc()).limit(500)
    followups = select(Survey).where(Survey.mode == "invite").order_by(Survey.created_at.desc()).limit(500)
    if user.role == "department":
        plans = plans.where(Plan.department_id == department)
        followups = followups.where(Survey.department_id == department)
    plan_rows = list(db.session.scalars(plans))
    survey_rows = [s for s in db.session.scalars(followups) if survey is None or s.id != survey.id]
    if survey is not None and survey.plan is not None and survey.plan not in plan_rows:
        plan_rows.append(survey.plan)
    saved = db.session.get(Survey, survey.followup_survey_id) if survey is not None and survey.followup_survey_id else None
    if saved is not None and saved not in survey_rows:
        survey_rows.append(saved)
    plan_choices = [("", _("不关联方案")), *((p.id, p.title) for p in plan_rows)]

    def label(item: Survey) -> str:
        owner = f"（{item.department.name}）" if item.department and user.role != "department" else ""
        return f"{item.title}{owner}"

    return plan_choices, [("", _("本问卷")), *((s.id, label(s)) for s in survey_rows)]
