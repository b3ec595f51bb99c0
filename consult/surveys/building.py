"""Building surveys: create and edit the draft, publish it as a frozen version, who may manage it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core import audit
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.core.web.languages import N_
from consult.extensions import db
from consult.plans.models import Plan
from consult.plans.operations import department_named
from consult.surveys.models import Survey, SurveyQuestion, SurveyVersion
from consult.surveys.spec import answerable, parse

MODES = ("invite", "open")


def can_manage(user: User, survey: Survey) -> bool:
    """Office staff and admins manage every survey; department staff only their department's."""
    if user.role in ("staff", "admin"):
        return True
    return user.role == "department" and user.department_id is not None and user.department_id == survey.department_id


def _apply(survey: Survey, *, title: str, description: str, department: str, service: str, plan_id: int | None,
           anonymous: bool, mode: str, opens_at: datetime | None, closes_at: datetime | None, spec: str | dict,
           followup_survey_id: int | None = None) -> None:
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ServiceError(_("请填写问卷标题（不超过 200 字）。"), field="title")
    if mode not in MODES:
        raise ServiceError(_("发放方式无效。"), field="mode")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError(_("截止时间应晚于开始时间。"), field="closes_on")
    if plan_id is not None and db.session.get(Plan, plan_id) is None:
        raise ServiceError(_("关联的方案不存在。"), field="plan_id")
    if followup_survey_id is not None:
        followup = db.session.get(Survey, followup_survey_id)
        if followup is None or followup.mode != "invite" or (survey.id is not None and followup.id == survey.id):
            raise ServiceError(_("回访问卷应为另一份使用邀请链接的问卷。"), field="followup_survey_id")
        owner = department_named(department)
        if followup.department_id != (owner.id if owner else None):
            raise ServiceError(_("回访问卷应属于同一部门。"), field="followup_survey_id")
    if survey.published and anonymous != survey.anonymous:
        # Answers already given were promised (or not promised) anonymity: that cannot change.
        raise ServiceError(_("问卷发布后不能更改是否匿名。"), 409, field="anonymous")
    survey.draft_spec = parse(spec)
    survey.title, survey.description = title, (description or "").strip()[:5000]
    survey.department = department_named(department)
    survey.service = (service or "").strip()[:120]
    survey.plan_id, survey.anonymous, survey.mode = plan_id, anonymous, mode
    survey.followup_survey_id = followup_survey_id
    survey.opens_at, survey.closes_at = opens_at, closes_at


def _check_links(author: User, survey: Survey, fields: dict[str, Any]) -> None:
    """A department account links only its department's plans and surveys (the selects offer just
    those); a link already saved, set by the office, may stay."""
    if author.role != "department":
        return
    plan_id, followup_id = fields.get("plan_id"), fields.get("followup_survey_id")
    if plan_id is not None and plan_id != survey.plan_id:
        plan = db.session.get(Plan, plan_id)
        if plan is not None and plan.department_id != author.department_id:
            raise ServiceError(_("您只能关联本部门的方案。"), 403, field="plan_id")
    if followup_id is not None and followup_id != survey.followup_survey_id:
        followup = db.session.get(Survey, followup_id)
        if followup is not None and not can_manage(author, followup):
            raise ServiceError(_("您只能选择本部门的问卷。"), 403, field="followup_survey_id")


def create(author: User, **fields: Any) -> Survey:
    if author.role == "department":
        fields["department"] = author.department.name if author.department else ""
    survey = Survey(created_by_id=author.id, draft_spec={})
    _check_links(author, survey, fields)
    _apply(survey, **fields)
    db.session.add(survey)
    db.session.flush()
    audit.record(author, "survey.create", "survey", survey.id, department_id=survey.department_id)
    return survey


def update(author: User, survey: Survey, **fields: Any) -> Survey:
    if author.role == "department":
        fields["department"] = author.department.name if author.department else ""
    _check_links(author, survey, fields)
    _apply(survey, **fields)
    db.session.flush()
    audit.record(author, "survey.edit", "survey", survey.id, department_id=survey.department_id)
    return survey


def draft_changed(survey: Survey) -> bool:
    return survey.current_version is None or survey.current_version.spec != survey.draft_spec


def publish(author: User, survey: Survey) -> SurveyVersion:
    """Freeze the draft as the next version. Answers keep pointing at the version they answered."""
    if not draft_changed(survey):
        raise ServiceError(_("问卷内容没有变化，无需发布新版本。"), 409)
    spec = parse(survey.draft_spec)
    number = (db.session.scalar(select(func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)) or 0) + 1
    version = SurveyVersion(survey_id=survey.id, number=number, spec=spec, published_at=datetime.now(UTC))
    for position, q in enumerate(answerable(spec)):
        version.questions.append(SurveyQuestion(key=q["key"], position=position, kind=q["type"], title=q["title"], spec=q))
    db.session.add(version)
    db.session.flush()
    db.session.expire(survey, ["versions"])
    if survey.opens_at is None:
        survey.opens_at = datetime.now(UTC)
    db.session.flush()
    audit.record(author, "survey.publish", "survey", survey.id, department_id=survey.department_id, version=number)
    return version


def status(survey: Survey, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    if not survey.published:
        return "draft"
    if survey.closes_at is not None and now >= survey.closes_at:
        return "closed"
    if survey.opens_at is not None and now < survey.opens_at:
        return "scheduled"
    return "open"


STATUS_LABELS = {"draft": N_("草稿"), "scheduled": N_("未开始"), "open": N_("进行中"), "closed": N_("已截止")}


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_day(now: datetime | None = None) -> date:
    """The office's calendar day (Asia/Shanghai by default): months and deadlines follow it, not UTC."""
    return (now or datetime.now(UTC)).astimezone(local_zone()).date()
