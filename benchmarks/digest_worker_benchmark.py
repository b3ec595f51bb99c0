"""A plan digest of N comments, request → done, through a real Celery worker on PostgreSQL + Redis.

    python benchmarks/digest_worker_benchmark.py --comments 100000
    python benchmarks/digest_worker_benchmark.py --comments 1000000
    python benchmarks/digest_worker_benchmark.py --comments 100000 --database perf_x_100k --redis redis://127.0.0.1:6379/5

The plan is built on PostgreSQL by benchmarks/scale_plan.py in a database named
``digestspeed_100k`` / ``digestspeed_1m`` (kept and reused by later runs: the 1M build takes minutes; ``--rebuild``
drops it first). A worker is started with ``-Q digests --concurrency 1`` (prefork, as deployed),
the digest is requested the way the staff page does (``engine.enqueue`` + commit, published by
the outbox hook), and the database row is polled until it is done. Prints JSON: end-to-end
seconds, the queue wait, loading, each pipeline step, the rest (result to JSON + storing), the
worker's hostname, and the peak RSS of the worker's pool process (VmHWM from /proc: the process
that built the digest, measured from outside).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
ROOT = Path(__file__).resolve().parents[1]
SERVER = "postgresql+psycopg://postgres@127.0.0.1"
REDIS = "redis://127.0.0.1:6379/11"  # not db 0: shared machine


def _kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def ensure_plan(n: int, rebuild: bool, name: str = "") -> tuple[str, dict[str, Any]]:
    """The database holding the N-comment plan, built once (CREATE DATABASE + scale_plan)."""
    import sqlalchemy as sa

    size = f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)
    name = name or f"digestspeed_{size}"
    url = f"{SERVER}/{name}"
    admin = sa.create_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if exists and rebuild:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    probe = sa.create_engine(url)
    with probe.connect() as conn:
        try:
            count = conn.execute(sa.text("SELECT count(*) FROM comment")).scalar()
        except sa.exc.ProgrammingError:
            count = 0
    probe.dispose()
    if count >= n:
        return url, {"reused_database": name}
    from benchmarks import scale_plan

    t0 = time.perf_counter()
    built = scale_plan.build(url, n)
    return url, {"built_database": name, "build_s": round(time.perf_counter() - t0, 1), **built}


def run(url: str, timeout: float, redis: str = REDIS) -> dict[str, Any]:
    from benchmarks import scale_plan
    from tests.support.processes import start_process, stop_process, wait_for

    tmp = Path(tempfile.mkdtemp(prefix="digestspeed-"))
    env = {"DATABASE_URL": url, "REDIS_URL": redis, "CONSULT_INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench",
           "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    os.environ.update(env)
    app = scale_plan.make_app(url)
    log = tmp / "worker.log"
    worker = start_process(
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-Q", "digests", "--concurrency", "1",
         "-n", "digestbench@%h", "--loglevel", "INFO"],
        env=env, cwd=str(ROOT), log_path=str(log),
    )
    try:
        wait_for(lambda: "ready" in log.read_text(errors="replace"), timeout=120)
        pool = _children(worker.pid)
        base_kb = sum(_kb(p, "VmRSS") for p in pool)
        return _request_and_wait(app, worker.pid, base_kb, timeout)
    finally:
        stop_process(worker)


def _request_and_wait(app: Any, worker_pid: int, base_kb: int, timeout: float) -> dict[str, Any]:
    from consult.digests import engine
    from consult.digests.models import Digest, DigestStatus
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.title.like("基准方案%")))
        last = db.session.scalar(db.select(db.func.max(Comment.id)).where(Comment.plan_id == plan.id))
        db.session.execute(db.delete(Digest).where(Digest.plan_id == plan.id))
        db.session.commit()
        requested = time.time()
        digest, _ = engine.enqueue("plan", last=last, plan_id=plan.id)
        db.session.commit()  # the outbox hook publishes the build to the digests queue
        digest_id = digest.id
        peak_kb = 0
        status = ""
        while time.time() - requested < timeout:
            for pid in _children(worker_pid):
                peak_kb = max(peak_kb, _kb(pid, "VmHWM"))
            db.session.expire_all()
            row = db.session.get(Digest, digest_id)
            status = row.status
            if status in (DigestStatus.DONE, DigestStatus.FAILED):
                break
            time.sleep(0.2)
        done = time.time()
        row = db.session.get(Digest, digest_id)
        stats = (row.result or {}).get("stats", {})
        started = row.started_at.replace(tzinfo=row.started_at.tzinfo or UTC).timestamp() if row.started_at else requested
        pipeline_s = stats.get("total_seconds", 0.0)
        load_s = stats.get("load_seconds", 0.0)
        size = db.session.execute(db.text("SELECT pg_column_size(result) FROM digest WHERE id = :i"), {"i": digest_id}).scalar()
        return {
            "status": str(status.value if hasattr(status, "value") else status), "comments": row.comment_count,
            "end_to_end_s": round(done - requested, 2), "queue_wait_s": round(started - requested, 2),
            "load_s": load_s, "pipeline_s": pipeline_s, "pipeline_steps_s": stats.get("seconds", {}),
            "store_and_rest_s": round(done - started - load_s - pipeline_s, 2), "result_bytes": size,
            "worker": stats.get("worker"), "worker_pool_rss_before_mb": round(base_kb / 1024),
            "worker_pool_peak_rss_mb": round(peak_kb / 1024), "error": row.error[:300] if row.error else "",
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and build the plan's database again")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--database", default="", help="database name (default digestspeed_100k / _1m)")
    parser.add_argument("--redis", default=REDIS, help="broker URL (a Redis db of your own on a shared machine)")
    args = parser.parse_args()
    url, built = ensure_plan(args.comments, args.rebuild, args.database)
    load = os.getloadavg()
    figures = run(url, args.timeout, args.redis)
    print(json.dumps({**built, **figures, "load_average": [round(x, 1) for x in load],
                      "load_average_end": [round(x, 1) for x in os.getloadavg()]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
