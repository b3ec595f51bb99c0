"""Answering in bulk: time to answer a whole cluster of N opinions, to import an N-row XLSX of answers,
and to render the public feedback page of N answered opinions (SQLite, one process). Prints one JSON line.

    python benchmarks/answer_benchmark.py --n 10000
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="answer-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
    from flask_migrate import upgrade
    from openpyxl import Workbook

    from consult import create_app
    from consult.accounts import operations as accounts
    from consult.core.models import User
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.models import Comment, Plan
    from consult.responses import operations as responses
    from consult.responses import publications
    from worker.analysis.pipeline import DigestResult, Issue, Theme

    app = create_app({"INSTANCE_PATH": tmp, "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SECRET_KEY": "bench", "TESTING": True,
                      "FEEDBACK_INLINE_MAX": 10**9})  # no worker here: build the publication in process
    with app.app_context():
        upgrade()
        staff = accounts.register("bench@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="基准方案", department="", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
        plans.publish(plan, now=datetime.now(UTC) - timedelta(days=31))
        citizen = User(email="c@example.com", password_hash="x", pseudonym="市民", verified_at=datetime.now(UTC))
        db.session.add(citizen)
        db.session.flush()
        db.session.execute(
            Comment.__table__.insert(),
            [{"plan_id": plan.id, "version_id": plan.current_version.id, "user_id": citizen.id, "body": f"第{k}条意见：建议一网通办", "source": "web", "status": "published",
              "show_pseudonym": True, "author_label": "市民", "reject_reason": "", "created_at": datetime.now(UTC), "support_count": 0, "oppose_count": 0, "search_terms": "", "dictionary_version": 0} for k in range(args.n)],
        )
        ids = list(db.session.scalars(db.select(Comment.id).order_by(Comment.id)))
        group = {"label": "一网通办", "keywords": [], "size": len(ids), "share": 1.0, "representative_ids": [], "representative_texts": [], "stance_counts": {}, "clause_counts": {}, "member_ids": ids}
        result = DigestResult(themes=[Theme(**group, issues=[Issue(**group)])], assignments={i: (0, 0) for i in ids}).to_dict()
        db.session.add(Digest(plan_id=plan.id, number=1, status="done", last_comment_id=ids[-1], comment_count=len(ids), result=result, finished_at=datetime.now(UTC)))
        db.session.commit()
        plan_id, staff_id = plan.id, staff.id

        started = time.perf_counter()
        count = responses.respond_cluster(db.session.get(User, staff_id), db.session.get(Plan, plan_id), "D1-T1-I1", status="covered", text="现行规定已有。")
        db.session.commit()
        cluster_seconds = time.perf_counter() - started

        book = Workbook()
        sheet = book.active
        sheet.append(["意见编号", "处理结果", "答复", "理由"])
        for i in ids:
            sheet.append([i, "采纳", "已采纳。", ""])
        buffer = io.BytesIO()
        book.save(buffer)
        started = time.perf_counter()
        imported = responses.import_answers(db.session.get(User, staff_id), db.session.get(Plan, plan_id), "a.xlsx", buffer.getvalue())
        db.session.commit()
        import_seconds = time.perf_counter() - started

        publications.publish(db.session.get(User, staff_id), db.session.get(Plan, plan_id))
        db.session.commit()
    client = app.test_client()
    started = time.perf_counter()
    page = client.get(f"/plans/{plan_id}/feedback")
    page_seconds = time.perf_counter() - started
    assert page.status_code == 200 and count == imported == args.n
    print(json.dumps({
        "n": args.n, "cluster_answer_s": round(cluster_seconds, 2), "xlsx_import_s": round(import_seconds, 2),
        "feedback_page_s": round(page_seconds, 2), "feedback_page_kb": len(page.data) // 1024,
    }))


if __name__ == "__main__":
    main()
