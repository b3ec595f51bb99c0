"""Demo ledger: reform tasks for the demo plans, some carrying out adopted opinions of the closed plan,
a task broken down to two departments, progress reports (one accepted, one waiting), one overdue
task and a supervision visit. Loading twice changes nothing (tasks are found by their code)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from consult.core.models import Department
from consult.extensions import db
from consult.ledger.models import (
    Milestone,
    ProgressReport,
    ReformTask,
    ReportReview,
    SupervisionRecord,
    TaskOpinion,
    TaskPartner,
)
from consult.plans.models import Plan
from consult.plans.operations import department_named
from consult.responses.models import Response

ADOPTED = ("adopted", "partly")

# (code, plan key, title, lead, partners, target, months to deadline (negative: past), progress, status, major)
TASKS = [
    ("DEMO-L-1", "yiwangtongban", "市级政务服务事项全部网上可办", "市政务服务数据管理局", ("市发展改革委",),
     "年底前市级政务服务事项网上可办率 100%，全程网办率 85% 以上", 5, 60, "in_progress", True),
    ("DEMO-L-2", "yiwangtongban", "整合部门自建政务应用程序", "市政务服务数据管理局", (),
     "关停或整合重复建设的部门应用，统一入口", -1, 40, "in_progress", True),
    ("DEMO-L-3", "fangguanfu", "企业开办一个工作日办结", "市发展改革委", ("市市场监督管理局",),
     "企业开办全流程 1 个工作日内办结", 3, 80, "in_progress", True),
    ("DEMO-L-4", "jiceng_jianfu", "建立乡镇（街道）权责清单", "市委改革办", ("市民政局",),
     "全市乡镇（街道）权责清单年内公布", 8, 20, "in_progress", False),
]


def _department(name: str) -> Department | None:
    return department_named(name) if name else None


def _plan(key: str) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.demo_key == key))


def _task(row: tuple, today: date) -> ReformTask | None:  # type: ignore[type-arg]
    code, key, title, lead, partners, target, months, progress, status, major = row
    if db.session.scalar(select(ReformTask.id).where(ReformTask.code == code)) is not None:
        return None
    plan = _plan(key)
    lead_department = _department(lead)
    deadline = today + timedelta(days=30 * months)
    task = ReformTask(code=code, title=title, plan_id=plan.id if plan else None, year=today.year, is_major=major,
                      lead_department_id=lead_department.id if lead_department else None, responsible_leader="分管副市长",
                      target=target, starts_on=today - timedelta(days=120), deadline=deadline, status=status, progress=progress)
    for name in partners:
        partner = _department(name)
        if partner is not None and partner.id != task.lead_department_id:
            task.partners.append(TaskPartner(department_id=partner.id))
    task.milestones = [Milestone(title="制定工作方案", due_on=today - timedelta(days=90), done_on=today - timedelta(days=95)),
                       Milestone(title="试点运行", due_on=min(deadline, today + timedelta(days=20)))]
    db.session.add(task)
    db.session.flush()
    return task


def _carry_out_adopted(task: ReformTask) -> int:
    """The closed plan's adopted and partly adopted opinions: the ones this task carries out."""
    rows = db.session.execute(
        select(Response.comment_id, Response.cluster_ref).where(Response.plan_id == task.plan_id, Response.status.in_(ADOPTED)).order_by(Response.comment_id).limit(12)
    ).all()
    db.session.add_all(TaskOpinion(task_id=task.id, comment_id=comment_id, cluster_ref=ref or "") for comment_id, ref in rows)
    return len(rows)


def _reports(task: ReformTask, now: datetime, *, accepted: bool) -> None:
    lead = task.lead_department_id
    task.reports.append(ProgressReport(department_id=lead, period=f"{now.year}年{max(1, now.month - 1)}月", progress=task.progress,
                                       body="已完成事项梳理和系统对接，正在组织试点单位上线运行；下一步集中解决数据共享接口不稳定的问题。",
                                       submitted_at=now - timedelta(days=10), review=ReportReview.ACCEPTED if accepted else ReportReview.PENDING,
                                       reviewed_at=(now - timedelta(days=8)) if accepted else None))


def load(now: datetime | None = None) -> dict[str, int]:
    now = now or datetime.now(UTC)
    today = now.date()
    created = [task for row in TASKS if (task := _task(row, today)) is not None]
    by_code = {t.code: t for t in created}
    linked = 0
    for task in created:
        plan = db.session.get(Plan, task.plan_id) if task.plan_id else None
        if plan is not None and plan.closes_at and plan.closes_at <= now:
            linked += _carry_out_adopted(task)
    if "DEMO-L-1" in by_code:
        parent = by_code["DEMO-L-1"]
        _reports(parent, now, accepted=True)
        child = ReformTask(code="DEMO-L-1-1", title="政务服务事项标准化梳理", parent_id=parent.id, plan_id=parent.plan_id, year=today.year,
                           lead_department_id=parent.lead_department_id, target="事项名称、材料、时限统一标准", deadline=today + timedelta(days=60),
                           status="in_progress", progress=70, starts_on=today - timedelta(days=100))
        db.session.add(child)
    if "DEMO-L-3" in by_code:
        _reports(by_code["DEMO-L-3"], now, accepted=False)
    if "DEMO-L-2" in by_code:  # the overdue one, visited by the supervisors
        db.session.add(SupervisionRecord(task_id=by_code["DEMO-L-2"].id, visited_on=today - timedelta(days=5), kind="visit",
                                         findings="部分部门应用尚未迁移，统一入口推广不足；要求列出剩余应用清单并逐项明确迁移时间。",
                                         rectify_by=today + timedelta(days=25)))
    db.session.flush()
    return {"ledger_tasks_created": len(created), "ledger_opinions_linked": linked}
