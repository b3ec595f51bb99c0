"""A small ledger to evaluate, shared by the evaluation tests: two departments, three tasks, answered
opinions, an accepted progress report, expert scores, a satisfaction survey's ratings and indicators."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask


def build(app: Flask, make_user, make_plan) -> dict:  # type: ignore[no-untyped-def]
    from consult.core.models import Department
    from consult.evaluation.models import Indicator
    from consult.experts.models import Expert, ExpertInvitation, ExpertScore
    from consult.extensions import db
    from consult.ledger.models import Milestone, ProgressReport, ReformTask
    from consult.plans.models import Comment
    from consult.responses.models import Response
    from consult.surveys.building import local_day

    dept_a_user = make_user(role="department", department="发改委")
    dept_b_user = make_user(role="department", department="市场监管局")
    office = make_user(role="staff")
    evaluator = make_user(role="evaluator")
    other_evaluator = make_user(role="evaluator")
    expert_users = [make_user(role="expert"), make_user(role="expert")]
    plan_id = make_plan(department="发改委", title="营商环境改革方案")
    with app.app_context():
        today = local_day()
        year = today.year
        a = db.session.query(Department).filter_by(name="发改委").one()
        b = db.session.query(Department).filter_by(name="市场监管局").one()
        done = ReformTask(code="T-1", title="一网通办全覆盖", year=year, lead_department_id=a.id, plan_id=plan_id, status="completed",
                          progress=100, deadline=today - timedelta(days=20), completed_on=today - timedelta(days=25))
        late = ReformTask(code="T-2", title="证照分离改革", year=year, lead_department_id=a.id, plan_id=plan_id, status="in_progress",
                          progress=60, deadline=today - timedelta(days=10))
        other = ReformTask(code="T-3", title="双随机一公开", year=year, lead_department_id=b.id, status="in_progress", progress=30,
                           deadline=today + timedelta(days=60))
        db.session.add_all([done, late, other])
        db.session.flush()
        db.session.add(ProgressReport(task_id=late.id, department_id=a.id, body="已完成六成", progress=60, review="accepted"))
        db.session.add(Milestone(task_id=late.id, title="出台细则", due_on=today - timedelta(days=40), done_on=today - timedelta(days=41)))
        version = db.session.get(ReformTask, done.id).plan.current_version
        for i, status in enumerate(["adopted", "adopted", "partly", "not_adopted"]):
            comment = Comment(plan_id=plan_id, version_id=version.id, body=f"意见{i}", created_at=datetime.now(UTC))
            db.session.add(comment)
            db.session.flush()
            db.session.add(Response(comment_id=comment.id, plan_id=plan_id, status=status, text="答复"))
        for user, total in zip(expert_users, (80.0, 90.0), strict=True):
            expert = Expert(user_id=user[0], name=f"专家{total:.0f}")
            db.session.add(expert)
            db.session.flush()
            invitation = ExpertInvitation(expert_id=expert.id, task_id=done.id, deadline=today, status="accepted")
            db.session.add(invitation)
            db.session.flush()
            db.session.add(ExpertScore(invitation_id=invitation.id, task_id=done.id, expert_id=expert.id, scores={}, total=total))
        weights = [("任务进度", "task_progress", 30), ("按期完成", "timeliness", 20), ("意见采纳", "adoption", 20),
                   ("专家评估", "expert", 10), ("第三方评估", "third_party", 10), ("群众满意度", "satisfaction", 10)]
        for name, kind, weight in weights:
            db.session.add(Indicator(year=year, name=name, kind=kind, weight=weight, direction="higher", description=""))
        db.session.commit()
        return {"year": year, "dept_a": a.id, "dept_b": b.id, "done": done.id, "late": late.id, "other": other.id, "plan": plan_id,
                "dept_a_user": dept_a_user, "dept_b_user": dept_b_user, "office": office, "evaluator": evaluator,
                "other_evaluator": other_evaluator, "today": today}


def evaluation(app: Flask, world: dict, *, evaluator: int | None = None, status: str = "assigned", task: str = "done", score: float | None = None) -> int:
    from consult.evaluation.models import ThirdPartyEvaluation
    from consult.extensions import db

    with app.app_context():
        e = ThirdPartyEvaluation(year=world["year"], organisation="某大学社会调查中心", evaluator_id=evaluator or world["evaluator"][0],
                                 scope="task", task_id=world[task], status=status, score=score, sample_size=200 if score else 0,
                                 distribution={"满意": 150, "基本满意": 40, "不满意": 10} if score else {}, source="测试")
        db.session.add(e)
        db.session.commit()
        return e.id


def in_year(world: dict, month: int = 1) -> date:
    return date(world["year"], month, 1)
