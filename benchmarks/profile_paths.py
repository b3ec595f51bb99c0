"""cProfile of one request to each slow path, in process (Flask test client) on a database
benchmarks/scale_plan.py built; prints the top lines by cumulative time, for docs/performance.md.

    python benchmarks/profile_paths.py --url postgresql+psycopg://postgres@127.0.0.1/perf_bench100k [--paths plan,feedback]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scale_plan  # noqa: E402


def _client(app, email: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    response = client.post("/account/login", data={"login": email, "password": scale_plan.PASSWORD})
    assert response.status_code in (302, 303), response.status_code  # nosec B101  # a benchmark
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--paths", default="post,plan,digest,feedback,workbench,search")
    parser.add_argument("--lines", type=int, default=14)
    args = parser.parse_args()
    import os

    os.environ["DATABASE_URL"] = args.url
    from consult import create_app
    from consult.extensions import db
    from consult.plans.models import Plan

    # As served: Redis broker and rate limits (REDIS_URL), CSRF and the bot checks off for the client.
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "FORM_MIN_FILL_SECONDS": 0.0, "COMMENT_RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.title.like("基准方案%")))
        plan_id = plan.id
    staff, citizen = _client(app, scale_plan.STAFF_EMAIL), _client(app, scale_plan.CITIZEN_EMAIL)
    paths = {
        "post": (citizen, "POST", f"/plans/{plan_id}/comments"), "plan": (None, "GET", f"/plans/{plan_id}"),
        "digest": (staff, "GET", f"/staff/plans/{plan_id}/digest"), "feedback": (staff, "GET", f"/plans/{plan_id}/feedback"),
        "workbench": (staff, "GET", f"/staff/plans/{plan_id}/responses"), "search": (None, "GET", "/search?q=校车安全+第三中学"),
    }
    for name in args.paths.split(","):
        client, method, path = paths[name]
        client = client or app.test_client()
        data = {"body": f"剖析用意见{time.time()}：建议优化一网通办流程。", "show_pseudonym": "y"} if method == "POST" else None
        client.open(path, method=method, data=data).close()  # warm caches first
        if data:
            data["body"] += "再来一条"
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.enable()
        response = client.open(path, method=method, data=data)
        response.close()  # runs the after-response work (the broker publish) inside the profile
        profiler.disable()
        elapsed = time.perf_counter() - t0
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"consult|worker|sqlalchemy/orm/loading|psycopg/cursor|json/decoder|jinja2/environment", args.lines)
        lines = [ln for ln in out.getvalue().splitlines() if ln.strip() and ("/" in ln or "ncalls" in ln)]
        print(f"## {name} {method} {path}: {response.status_code}, {elapsed * 1000:.0f} ms (one request, profiled)")
        print("\n".join(lines[: args.lines + 1]))


if __name__ == "__main__":
    main()
