"""Where one machine ends: two digest workers (queue `digests`) build two plans' digests at the
same time, each on its own worker, while a third worker serves the intake queue (`celery`) only.
Real PostgreSQL, real Redis, real Celery workers; the builder's hostname is on each digest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.integration.test_worker_digest import _add_comments, _app, _env
from tests.support.processes import start_process, stop_process, wait_for
from tests.support.services import fresh_postgres_database, private_redis, require_postgres_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def _worker(env: dict[str, str], tmp: Path, name: str, queues: str, beat: bool = False):  # type: ignore[no-untyped-def]
    extra = ["-B", "--schedule", str(tmp / f"beat-{name}")] if beat else []
    return start_process(
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "--concurrency", "1", "-Q", queues,
         "-n", f"{name}@%h", "--loglevel", "INFO", *extra],
        env=env, cwd=str(ROOT), log_path=str(tmp / f"{name}.log"),
    )


def _plan(app, title: str) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register(f"{title}@example.com", "password123", "工作人员", role="staff")
        plan = plans.create_plan(author=staff, title=title, department="", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
        plans.publish(plan)
        db.session.commit()
        return plan.id


def test_two_plans_digests_build_at_once_on_two_workers(tmp_path: Path) -> None:
    from consult.core.jobs import outbox, tasks
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    with fresh_postgres_database(require_postgres_url()) as db_url, private_redis() as redis:
        # No redelivery or stale-heartbeat takeover within the test: each build stays with the
        # worker that took it (the killed-worker test covers takeover).
        env = {**_env(tmp_path, db_url, redis.url), "CONSULT_OUTBOX_REDELIVER_SECONDS": "600", "CONSULT_DIGEST_STALE_SECONDS": "600"}
        app = _app(env)
        plan_ids = [_plan(app, "甲方案"), _plan(app, "乙方案")]
        for seed, plan_id in enumerate(plan_ids):
            _add_comments(app, plan_id, 3_000, seed=seed)  # a few seconds of work each
        workers = [_worker(env, tmp_path, "intake", "celery", beat=True),
                   _worker(env, tmp_path, "digest1", "digests"), _worker(env, tmp_path, "digest2", "digests")]
        try:
            for w in workers:
                wait_for(lambda w=w: "ready" in Path(w.log_path).read_text(errors="replace"), timeout=120)
            with app.app_context():
                ids = []
                for plan_id in plan_ids:
                    digest, _ = digests.request_digest(db.session.get(Plan, plan_id))
                    ids.append(digest.id)
                # A citizen's comment in the meantime goes to the intake worker, not behind the digests.
                version_id = db.session.get(Plan, plan_ids[0]).current_version.id
                comment = Comment(plan_id=plan_ids[0], version_id=version_id, body="建议增加公交线路，方便老人出行。",
                                  status="published", source="web", author_label="网友")
                db.session.add(comment)
                db.session.flush()
                outbox.add(tasks.SEGMENT_COMMENT, comment.id)  # what accepting a comment owes
                db.session.commit()  # publishes both builds (and the intake task) after the commit
                comment_id = comment.id

            def all_done() -> bool:
                with app.app_context():
                    db.session.remove()
                    segmented = db.session.get(Comment, comment_id).tokens is not None
                    return segmented and all(db.session.get(Digest, i).status == "done" for i in ids)

            wait_for(all_done, timeout=300, interval=0.5)
        finally:
            for w in workers:
                stop_process(w)
        with app.app_context():
            db.session.remove()
            built = [db.session.get(Digest, i) for i in ids]
            hosts = [d.result["stats"]["worker"] for d in built]
            assert sorted(h.split("@")[0] for h in hosts) == ["digest1", "digest2"]  # one plan each, intake took none
            first, second = built
            # Both were running at once: each started before the other finished.
            assert first.started_at < second.finished_at and second.started_at < first.finished_at
            assert [d.comment_count for d in built] == [3_000, 3_000]
            assert db.session.get(Comment, comment_id).tokens  # segmented by the intake worker meanwhile
            db.engine.dispose()
