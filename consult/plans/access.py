"""Who may manage a plan: department staff their own department's plans, office staff and admins all."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_login import current_user

from consult.core.models import User
from consult.extensions import db
from consult.plans.models import Plan


def can_manage_plan(user: User, plan: Plan) -> bool:
    """Department staff manage only their own department's plans; office staff and admins all."""
    if user.role in ("staff", "admin"):
        return True
    return user.role == "department" and user.department_id is not None and user.department_id == plan.department_id


def managed_plan(plan_id: int) -> Plan:
    """The plan, if the current staff user may manage it: 404 when missing, 403 when not theirs."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404, description=gettext("没有找到该方案。"))
    if not can_manage_plan(current_user, plan):
        abort(403, description=gettext("您只能管理本部门的方案。"))
    return plan
