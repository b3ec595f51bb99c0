"""A real Celery worker on a real Redis segments every accepted comment, even across a Redis outage."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import seed_open_plan
from tests.support.processes import start_process, stop_process, wait_for
from tests.support.services import fresh_postgres_database, private_redis, require_postgres_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Flask, object, object]]:
    import os

    from flask_migrate import upgrade

    from consult import create_app

    with fresh_postgres_database(require_postgres_url()) as db_url, private_redis() as redis:
        env = {
            "DATABASE_URL": db_url,
            "REDIS_URL": redis.url,
            "CONSULT_INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "worker-test",
            "CONSULT_OUTBOX_SWEEP_SECONDS": "2",
            "CONSULT_OUTBOX_REDELIVER_SECONDS": "20",
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False})
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        with app.app_context():
            upgrade()
        worker = start_process(
            [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-B", "--concurrency", "1",
             "-Q", "celery,digests", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat")],
            env=env, cwd=str(ROOT), log_path=str(tmp_path / "worker.log"),
        )
        try:
            yield app, redis, worker
        finally:
            stop_process(worker)
            from consult.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _post(app: Flask, user_id: int, plan_id: int, body: str) -> float:
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    started = time.monotonic()
    with app.app_context():
        comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id), body=body)
        db.session.commit()  # publishes through the after-commit hook
    return time.monotonic() - started


def _state(app: Flask) -> tuple[int, int, int]:
    from consult.core.jobs import outbox
    from consult.extensions import db
    from consult.plans.models import Comment

    with app.app_context():
        db.session.remove()
        total = db.session.scalar(select(func.count()).select_from(Comment))
        segmented = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.segmented_at.is_not(None)))
        return total, segmented, outbox.pending_count()


def test_comments_are_segmented_by_the_worker_and_survive_a_redis_outage(stack) -> None:  # type: ignore[no-untyped-def]
    app, redis, worker = stack
    user_id, plan_id = seed_open_plan(app)

    _post(app, user_id, plan_id, "建议优化营商环境，简化审批流程")
    wait_for(lambda: _state(app)[1] == 1, timeout=60, interval=0.5)
    from consult.extensions import db
    from consult.plans.models import Comment

    with app.app_context():
        tokens = db.session.scalars(select(Comment.tokens)).one()
        assert "营商环境" in tokens or "优化营商环境" in tokens

    redis.stop()
    durations = [_post(app, user_id, plan_id, f"Redis 停机期间提交的第{i}条意见：停车难问题") for i in range(10)]
    assert max(durations) < 2.0, durations  # accepted quickly while the broker is down
    total, segmented, pending = _state(app)
    assert (total, segmented, pending) == (11, 1, 10)

    redis.start()
    wait_for(lambda: _state(app) == (11, 11, 0), timeout=120, interval=1)
