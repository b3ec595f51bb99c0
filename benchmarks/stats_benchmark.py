"""Public statistics at scale: time to render /stats, a plan's /plans/<id>/stats and one CSV, and the
feedback report PDF, for a plan of N opinions (SQLite, one process). Prints one JSON line.

    python benchmarks/stats_benchmark.py --n 100000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SOURCES = ("web", "web", "letter", "hotline", "forum")
STATUSES = ("adopted", "partly", "not_adopted", "covered", None)


def _seed(n: int) -> int:
    from consult.accounts import operations as accounts
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.models import Comment
    from consult.responses.models import FeedbackReport, Response
    from worker.analysis.pipeline import DigestResult, Issue, Theme

    staff = accounts.register("bench@example.gov.cn", "password123", "改革办", role="staff")
    plan = plans.create_plan(author=staff, title="基准方案", department="市发改委", summary="", body="第一条 总则。\n第二条 适用范围。\n第三条 附则。", window_days=30)
    plans.publish(plan, now=datetime.now(UTC) - timedelta(days=31))
    db.session.flush()
    clauses = [c.id for c in plan.current_version.clauses] + [None]
    start = datetime.now(UTC) - timedelta(days=30)
    db.session.execute(Comment.__table__.insert(), [
        {"plan_id": plan.id, "version_id": plan.current_version.id, "clause_id": clauses[k % 4], "body": f"第{k}条意见：建议一网通办",
         "source": SOURCES[k % 5], "status": "published" if SOURCES[k % 5] == "web" else "internal", "show_pseudonym": True, "author_label": "市民",
         "reject_reason": "", "held_kind": "", "held_reason": "", "created_at": start + timedelta(seconds=k * 25), "support_count": 0, "oppose_count": 0,
         "search_terms": "", "dictionary_version": 0} for k in range(n)
    ])
    ids = list(db.session.scalars(db.select(Comment.id).where(Comment.plan_id == plan.id).order_by(Comment.id)))
    db.session.execute(Response.__table__.insert(), [
        {"comment_id": i, "plan_id": plan.id, "status": STATUSES[k % 5], "text": "已研究。", "reason": "", "cluster_ref": "", "created_at": start, "updated_at": start}
        for k, i in enumerate(ids) if STATUSES[k % 5]
    ])
    group = {"label": "一网通办", "keywords": [], "size": len(ids), "share": 1.0, "representative_ids": [], "representative_texts": [],
             "stance_counts": {"suggestion": len(ids)}, "clause_counts": {}, "member_ids": ids}
    links = {i: (clauses[0], 0.9) for k, i in enumerate(ids) if k % 4 == 3 and k % 8 == 3}  # half the whole-plan opinions mapped
    result = DigestResult(themes=[Theme(**group, issues=[Issue(**group)])], assignments={i: (0, 0) for i in ids}, clause_links=links).to_dict()
    db.session.add(Digest(plan_id=plan.id, number=1, status="done", last_comment_id=ids[-1], comment_count=len(ids), result=result, finished_at=datetime.now(UTC)))
    db.session.add(FeedbackReport(plan_id=plan.id, summary="", published_by_id=staff.id))
    db.session.commit()
    return plan.id


def _time(client, url: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return round(time.perf_counter() - started, 2), len(response.data) // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="stats-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
    from flask_migrate import upgrade

    from consult import create_app

    app = create_app({"INSTANCE_PATH": tmp, "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        plan_id = _seed(args.n)
    client = app.test_client()
    client.get("/stats")  # warm the templates
    figures = {}
    for name, url in (("site_page", "/stats"), ("plan_page", f"/plans/{plan_id}/stats"), ("plan_csv", f"/plans/{plan_id}/stats/adoption_per_clause.csv"),
                      ("feedback_pdf", f"/plans/{plan_id}/feedback.pdf")):
        seconds, kb = _time(client, url)
        figures[f"{name}_s"], figures[f"{name}_kb"] = seconds, kb
    print(json.dumps({"n": args.n, **figures}))


if __name__ == "__main__":
    main()
