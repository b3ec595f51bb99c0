"""The demo shows an expert review with a report, decision steps on the plans and expert scores on a task."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.conftest import login


def test_demo_loader_adds_an_expert_review_decision_steps_and_scores(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    from consult.demo import loader as demo
    from consult.experts.models import Expert, ExpertInvitation, ExpertScore
    from consult.experts.scoring import task_expert_scores
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    with app.app_context():
        first = demo.load()
        db.session.commit()
        assert first["experts"] == 5 and first["expert_opinions_created"] == 7 and first["expert_scores_created"] >= 3
        again = demo.load()  # idempotent
        db.session.commit()
        assert again["expert_opinions_created"] == 0 and again["expert_scores_created"] == 0
        assert db.session.scalar(select(func.count(Expert.id))) == 5
        closed = db.session.scalar(select(Plan).where(Plan.demo_key == "yiwangtongban"))
        plan_id = closed.id
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.plan_id == plan_id, Comment.source == "expert")) == 4
        task_id = db.session.scalar(select(ExpertScore.task_id))
        summary = task_expert_scores([task_id])[task_id]
        assert summary.count >= 2 and summary.mean_total is not None
        # The ecology expert declared a conflict with the planning department and was not invited there.
        assert db.session.scalar(select(func.count(ExpertInvitation.id)).join(Expert).where(Expert.name == "赵敏")) == 0
    public = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    for step in ("公众参与", "专家论证", "风险评估", "合法性审查", "集体讨论决定"):
        assert step in public
    assert public.count('class="decision-step done"') == 5
    assert "个人信息保护部分应明确" not in public
    _, email, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, email, password)
    report = Document(io.BytesIO(staff.get(f"/staff/plans/{plan_id}/experts/report.docx").data))
    cells = "\n".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert "陈静" in cells and "个人信息保护部分应明确" in cells and "已采纳，修订稿增加共享审核和留痕要求。" in cells
    assert "提交审议" in "\n".join(p.text for p in report.paragraphs)
