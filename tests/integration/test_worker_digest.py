"""A worker killed mid-digest leaves the previous digest visible, and the next run completes."""

from __future__ import annotations

import os
import random
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from tests.support.processes import start_process, stop_process, wait_for
from tests.support.services import fresh_postgres_database, private_redis, require_postgres_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
WORDS = ["营商环境", "审批", "停车", "学校", "医保", "养老", "公交", "垃圾分类", "物业", "社保", "公积金", "噪音", "绿化", "菜市场", "充电桩"]
VERBS = ["建议", "希望", "反对", "支持", "担心", "请问"]


def _env(tmp: Path, db_url: str, redis_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CONSULT_INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "digest-test",
        "CONSULT_OUTBOX_SWEEP_SECONDS": "2",
        "CONSULT_OUTBOX_REDELIVER_SECONDS": "3",
        "CONSULT_DIGEST_STALE_SECONDS": "4",
    }


def _app(env: dict[str, str]):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from consult import create_app

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = create_app({"TESTING": True})
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    with app.app_context():
        upgrade()
    return app


def _worker(env: dict[str, str], tmp: Path, name: str):  # type: ignore[no-untyped-def]
    return start_process(
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-B", "--concurrency", "1",
         "-Q", "celery,digests", "--loglevel", "INFO", "--schedule", str(tmp / f"beat-{name}")],
        env=env, cwd=str(ROOT), log_path=str(tmp / f"{name}.log"),
    )


def _add_comments(app, plan_id: int, n: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Bulk rows, already segmented, so the digest has real work and no intake tasks."""
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    rng = random.Random(seed)
    now = datetime.now(UTC)
    with app.app_context():
        version_id = db.session.get(Plan, plan_id).current_version.id
        rows = []
        for i in range(n):
            picked = rng.sample(WORDS, 3)
            verb = rng.choice(VERBS)
            rows.append({
                "plan_id": plan_id, "version_id": version_id, "body": f"{verb}{'、'.join(picked)}的问题尽快解决{i}",
                "tokens": [verb, *picked, "问题", "解决"], "segmented_at": now, "status": "published", "source": "web",
                "created_at": now - timedelta(minutes=i), "author_label": "网友", "search_terms": "", "show_pseudonym": True,
                "reject_reason": "", "support_count": 0, "oppose_count": 0, "dictionary_version": 0,
            })
        db.session.execute(insert(Comment), rows)
        db.session.commit()


def test_killed_worker_mid_digest(tmp_path: Path) -> None:
    from consult.accounts import operations as accounts
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans import operations as plans
    from consult.plans.models import Plan

    with fresh_postgres_database(require_postgres_url()) as db_url, private_redis() as redis:
        env = _env(tmp_path, db_url, redis.url)
        app = _app(env)
        with app.app_context():
            staff = accounts.register("s@example.com", "password123", "工作人员", role="staff")
            plan = plans.create_plan(author=staff, title="方案", department="", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
            plans.publish(plan)
            db.session.commit()
            plan_id = plan.id
        _add_comments(app, plan_id, 300, seed=1)
        with app.app_context():
            first, _ = digests.request_digest(db.session.get(Plan, plan_id))
            db.session.commit()
            first_id = first.id
            assert digests.build(first_id) == "done"
        _add_comments(app, plan_id, 40_000, seed=2)

        worker = _worker(env, tmp_path, "first")
        try:
            with app.app_context():
                second, _ = digests.request_digest(db.session.get(Plan, plan_id))
                db.session.commit()
                second_id = second.id

            def running() -> bool:
                with app.app_context():
                    db.session.remove()
                    return db.session.get(Digest, second_id).status == "running"

            wait_for(running, timeout=90, interval=0.2)
            os.killpg(worker.pid, signal.SIGKILL)  # the whole worker: main process and its child
            worker.wait(timeout=10)
        finally:
            stop_process(worker)

        with app.app_context():
            db.session.remove()
            assert db.session.get(Digest, second_id).status == "running"  # orphaned mid-build
            assert digests.latest(plan_id).id == first_id  # staff still see the previous digest

        worker = _worker(env, tmp_path, "second")
        try:
            def done() -> bool:
                with app.app_context():
                    db.session.remove()
                    return db.session.get(Digest, second_id).status == "done"

            wait_for(done, timeout=300, interval=1)
        finally:
            stop_process(worker)
        with app.app_context():
            db.session.remove()
            latest = digests.latest(plan_id)
            assert latest.id == second_id and latest.comment_count == 40_300
            assert len(latest.result["assignments"]) == 40_300
            assert db.session.scalars(select(Digest.status).where(Digest.plan_id == plan_id)).all().count("done") == 2
            db.engine.dispose()
