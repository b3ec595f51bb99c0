"""A plan digest of N stored comments on PostgreSQL, timed by step the way the worker runs it
(consult.digests.engine.build): loading the comments, the pipeline, storing the result. Prints JSON.

    python benchmarks/digest_scale_benchmark.py --url postgresql+psycopg://postgres@127.0.0.1/perf_bench100k

The plan is the one benchmarks/scale_plan.py built there. ``--again`` builds a new digest even if
one is done (the figures of a fresh build). ``--profile N`` runs the build under cProfile and prints
the N top functions by own time (``tottime``) after the JSON, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed(steps: dict[str, float], name: str, fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            steps[name] = round(steps.get(name, 0.0) + time.perf_counter() - t0, 2)

    return wrapper


def build_timed(plan_id: int, again: bool = False) -> dict[str, Any]:
    """In an app context: enqueue a digest of the plan and build it; seconds per step."""
    from consult.digests import engine, scopes
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment
    from worker.analysis import pipeline

    last = db.session.scalar(db.select(db.func.max(Comment.id)).where(Comment.plan_id == plan_id))
    if again:
        db.session.execute(db.delete(Digest).where(Digest.plan_id == plan_id))
    digest, _ = engine.enqueue("plan", last=last, plan_id=plan_id)
    db.session.commit()
    steps: dict[str, float] = {}
    scope = scopes.get("plan")
    originals = (type(scope).load, pipeline.build_digest, engine._finish)
    type(scope).load = _timed(steps, "load_s", originals[0])
    pipeline.build_digest = _timed(steps, "pipeline_s", originals[1])
    engine._finish = _timed(steps, "store_s", originals[2])
    t0 = time.perf_counter()
    try:
        status = engine.build(digest.id)
    finally:
        type(scope).load, pipeline.build_digest, engine._finish = originals
    total = time.perf_counter() - t0
    size = db.session.execute(db.text("SELECT pg_column_size(result) FROM digest WHERE id = :i"), {"i": digest.id}).scalar()
    return {"status": status, "digest_id": digest.id, "total_s": round(total, 2), **steps, "result_bytes": size,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def ensure_digest(plan_id: int) -> dict[str, Any]:
    from consult.digests import operations as digests

    latest = digests.latest(plan_id)
    if latest is not None and latest.is_done:
        return {"digest_id": latest.id, "reused": True}
    return build_timed(plan_id)


def main() -> None:
    from benchmarks import scale_plan
    from consult.extensions import db
    from consult.plans.models import Plan

    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--again", action="store_true")
    parser.add_argument("--profile", type=int, default=0, help="print this many top functions by own time")
    args = parser.parse_args()
    app = scale_plan.make_app(args.url)
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.title.like("基准方案%")))
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()
        figures = build_timed(plan.id, again=args.again)
        if profiler is not None:
            profiler.disable()
        print(json.dumps(figures))
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
            print("\n".join(ln for ln in out.getvalue().splitlines() if ln.strip() and ("/" in ln or "{" in ln or "ncalls" in ln)))


if __name__ == "__main__":
    main()
