"""Scorecards at ledger scale: time to build the office ranking (every department's and task's card)
and the 年报 XLSX and DOCX for N tasks over 20 departments, each task with 3 milestones, 2 accepted
reports, 20 answered opinions on its plan and an accepted third-party evaluation (SQLite, one
process). Prints one JSON line.

    python benchmarks/evaluation_benchmark.py --tasks 500
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _seed(n: int) -> None:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.core.models import Department
    from consult.evaluation.models import Indicator, ThirdPartyEvaluation
    from consult.extensions import db
    from consult.ledger.models import Milestone, ProgressReport, ReformTask
    from consult.plans import operations as plans
    from consult.plans.models import Comment
    from consult.responses.models import Response

    author = accounts.register("bench@example.com", "password123", "改革办", role="staff")
    departments = [Department(name=f"部门{i}") for i in range(20)]
    db.session.add_all(departments)
    db.session.flush()
    year, today = date.today().year, date.today()
    for kind, weight in (("task_progress", 25), ("timeliness", 20), ("satisfaction", 15), ("ticket_handling", 10), ("adoption", 10), ("expert", 10), ("third_party", 10)):
        db.session.add(Indicator(year=year, name=kind, kind=kind, weight=weight, direction="higher", description=""))
    for i in range(n):
        plan = plans.create_plan(author=author, title=f"方案{i}", department=departments[i % 20].name, summary="", body="第一条 总则。", window_days=30)
        task = ReformTask(code=f"B-{i}", title=f"任务{i}", year=year, plan_id=plan.id, lead_department_id=departments[i % 20].id,
                          status="in_progress", progress=i % 100, deadline=today + timedelta(days=i % 60 - 30))
        db.session.add(task)
        db.session.flush()
        db.session.add_all([Milestone(task_id=task.id, title="节点", due_on=today - timedelta(days=k * 20), done_on=today - timedelta(days=k * 20 - k)) for k in range(3)])
        db.session.add_all([ProgressReport(task_id=task.id, body="报送", progress=i % 100, review="accepted") for _ in range(2)])
        for k in range(20):
            comment = Comment(plan_id=plan.id, version_id=plan.versions[0].id, body=f"意见{k}", created_at=datetime.now(UTC))
            db.session.add(comment)
            db.session.flush()
            db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status=("adopted", "partly", "not_adopted", "covered")[k % 4]))
        db.session.add(ThirdPartyEvaluation(year=year, organisation="机构", scope="task", task_id=task.id, status="accepted", score=70 + i % 30,
                                            sample_size=100, distribution={"满意": 70, "不满意": 30}, source="bench"))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=500)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="evaluation-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
    from flask_migrate import upgrade

    from consult import create_app
    from consult.evaluation import annual, scorecard

    app = create_app({"INSTANCE_PATH": tmp, "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        _seed(args.tasks)
        year = date.today().year
        started = time.perf_counter()
        departments, tasks = scorecard.ranking(year)
        ranking_s = time.perf_counter() - started
        started = time.perf_counter()
        data = annual.build(year)
        xlsx = annual.xlsx(data)
        docx = annual.docx(data)
        annual_s = time.perf_counter() - started
    print(json.dumps({"tasks": args.tasks, "departments": len(departments), "cards": len(tasks), "ranking_s": round(ranking_s, 2),
                      "annual_build_xlsx_docx_s": round(annual_s, 2), "xlsx_kb": len(xlsx) // 1024, "docx_kb": len(docx) // 1024}, ensure_ascii=False))


if __name__ == "__main__":
    main()
