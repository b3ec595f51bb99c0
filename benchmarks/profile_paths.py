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
    parser.add_argument("--filter", default=r"consult|worker|sqlalchemy/orm/loading|psycopg/cursor|json/decoder|jinja2/environment",
                        help="regular expression over the profile's file:function names")
    parser.add_argument("--repeat", type=int, default=1, help="profile this many requests together (times are their sum)")
    parser.add_argument("--sql", action="store_true", help="also list the SQL statements of the last request (all connections)")
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
    statements: list[str] = []
    if args.sql:
        from sqlalchemy import event

        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            statements.append(" ".join(statement.split())[:110])

        @event.listens_for(engine, "commit")
        def _commit(conn):  # type: ignore[no-untyped-def]
            statements.append("COMMIT")

        @event.listens_for(engine, "engine_connect")
        def _checkout(conn):  # type: ignore[no-untyped-def]
            statements.append("(connection checkout)")
    for name in args.paths.split(","):
        client, method, path = paths[name]
        client = client or app.test_client()
        data = {"body": f"剖析用意见{time.time()}：建议优化一网通办流程。", "show_pseudonym": "y"} if method == "POST" else None
        client.open(path, method=method, data=data).close()  # warm caches first
        profiler = cProfile.Profile()
        elapsed = 0.0
        for i in range(args.repeat):
            if data:
                data["body"] += f"再来一条{i}"
            statements.clear()
            t0 = time.perf_counter()
            profiler.enable()
            response = client.open(path, method=method, data=data)
            response.close()  # runs the after-response work (the broker publish) inside the profile
            profiler.disable()
            elapsed += time.perf_counter() - t0
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.filter, args.lines)
        lines = [ln for ln in out.getvalue().splitlines() if ln.strip() and ("/" in ln or "ncalls" in ln)]
        print(f"## {name} {method} {path}: {response.status_code}, {elapsed * 1000 / args.repeat:.1f} ms per request"
              f" ({args.repeat} request(s) profiled, times below are their sum)")
        print("\n".join(lines[: args.lines + 1]))
        if args.sql:
            print(f"-- {len(statements)} SQL events in the last request:")
            print("\n".join(f"   {s}" for s in statements))


if __name__ == "__main__":
    main()
