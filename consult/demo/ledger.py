"""Demo reform ledger: for each demo plan a task carrying its adopted opinions, a child task per
department, progress reports (one accepted, one pending), an overdue task and a supervision record.
Codes start with DEMO-, so loading twice adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from consult.core.models import Department
from consult.demo.channels import _office
from consult.extensions import db
from consult.ledger.models import Milestone, ProgressReport, ReformTask, SupervisionRecord, TaskOpinion, TaskPartner
from consult.plans.models import Comment, Plan
from consult.plans.operations import department_named
from consult.responses.models import Response

CHILD_DEPARTMENTS = ("市数据局", "市政务服务中心", "市司法局")


def _department(name: str) -> Department:
    department = department_named(name)
    assert department is not None
    return department


def _task(plan: Plan, code: str, title: str, lead: str, now: datetime, *, parent: ReformTask | None = None,
          deadline_days: int = 180, progress: int = 0, status: str = "in_progress") -> ReformTask:
    today = now.date()
    task = ReformTask(code=code, title=title, plan_id=plan.id, year=today.year, is_major=parent is None, parent=parent,
                      lead_department_id=_department(lead).id, responsible_leader="分管副市长" if parent is None else "",
                      target="形成可复制的制度成果，群众办事时间明显缩短", starts_on=today - timedelta(days=60),
                      deadline=today + timedelta(days=deadline_days), status=status, progress=progress, report_every_days=30)
    db.session.add(task)
    db.session.flush()
    return task


def _plan_ledger(plan: Plan, now: datetime, index: int) -> None:
    office = _office()
    root = _task(plan, f"DEMO-{plan.demo_key}", f"落实《{plan.title[:60]}》", plan.department.name if plan.department else "市委改革办", now,
                 progress=40)
    root.partners = [TaskPartner(department_id=_department(name).id) for name in CHILD_DEPARTMENTS[:2]]
    adopted = db.session.scalars(select(Response.comment_id).where(Response.plan_id == plan.id, Response.status.in_(("adopted", "partly")))
                                 .order_by(Response.comment_id).limit(12))
    for comment_id in adopted:
        db.session.add(TaskOpinion(task_id=root.id, comment_id=comment_id, cluster_ref="", linked_by_id=office.id))
    for k, name in enumerate(CHILD_DEPARTMENTS):
        overdue = index == 0 and k == 2
        child = _task(plan, f"DEMO-{plan.demo_key}-{k + 1}", f"{name}承担的配套措施", name, now, parent=root,
                      deadline_days=-10 if overdue else 120, progress=30 if overdue else 50)
        db.session.add(Milestone(task_id=child.id, title="制定实施细则", due_on=now.date() - timedelta(days=20), done_on=now.date() - timedelta(days=25)))
        db.session.add(Milestone(task_id=child.id, title="全面推开", due_on=child.deadline))
        if k == 0:
            db.session.add(ProgressReport(task_id=child.id, department_id=child.lead_department_id, period="上月", body="已完成实施细则起草并征求意见。",
                                          progress=50, submitted_at=now - timedelta(days=12), review="accepted", review_note="同意，按计划推进。",
                                          reviewer_id=office.id, reviewed_at=now - timedelta(days=10)))
            db.session.add(ProgressReport(task_id=child.id, department_id=child.lead_department_id, period="本月", body="系统改造进入联调测试。",
                                          progress=65, submitted_at=now - timedelta(days=1)))
        if overdue:
            db.session.add(SupervisionRecord(task_id=child.id, visited_on=now.date() - timedelta(days=5), kind="visit",
                                             findings="配套系统未按期上线，部门间数据共享协议尚未签订。", rectify_by=now.date() + timedelta(days=20),
                                             created_by_id=office.id))


def load(now: datetime) -> int:
    created = 0
    plans = db.session.scalars(select(Plan).where(Plan.demo_key.is_not(None), Plan.published.is_(True)).order_by(Plan.id))
    for index, plan in enumerate(plans):
        if db.session.scalar(select(ReformTask.id).where(ReformTask.code == f"DEMO-{plan.demo_key}")) is not None:
            continue
        if db.session.scalar(select(Comment.id).where(Comment.plan_id == plan.id).limit(1)) is None:
            continue
        _plan_ledger(plan, now, index)
        created += 1
    db.session.flush()
    return created
