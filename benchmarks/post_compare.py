"""The comment POST row of issue 18, before and after side by side: two checkouts (e.g. main and a
branch, as git worktrees) serve the same database in turn, alternating, with the bare Flask +
INSERT/COMMIT app measured between them; prints one JSON object (every round, then medians).

    python benchmarks/post_compare.py --url postgresql+psycopg://postgres@127.0.0.1/bench100k \\
        --tree before=/work/wt-main --tree after=. [--rounds 3] [--seconds 8]

Each round of a checkout starts its own gunicorn (2 sync workers) and Celery worker (as
web_benchmark.py does), logs the benchmark citizen in and POSTs comments on 8 connections with
CSRF and relaxed rate limits. The order alternates (A B, then B A, ...) so that a drift of the
machine's load hits both alike; the load average is printed with every round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scale_plan, web_benchmark  # noqa: E402


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _redis_connections(url: str) -> int:
    """Connections Redis has accepted so far: a broker connection per publish would show here."""
    import redis

    return int(redis.Redis.from_url(url).info("stats")["total_connections_received"])


def comment_round(root: Path, env: dict[str, str], plan: int, seconds: float) -> dict[str, Any]:
    with web_benchmark.celery_worker(env, root), web_benchmark.serve("consult.wsgi:app", env, root=root) as port:
        citizen = web_benchmark.login(port, scale_plan.CITIZEN_EMAIL)
        token = web_benchmark.csrf(port, f"/plans/{plan}", citizen)  # as web_benchmark.py takes it
        before = _redis_connections(env["REDIS_URL"])
        row = web_benchmark.post_row(port, f"/plans/{plan}/comments", token, citizen, seconds, f"{root.name}{time.time()}")
        row["redis_connections_opened"] = _redis_connections(env["REDIS_URL"]) - before
    return {**row, "load_after": _load()}


def bare_round(env: dict[str, str], url: str, seconds: float) -> dict[str, Any]:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with web_benchmark.serve("benchmarks.bare_apps:insert_app()", {**env, "BARE_DSN": dsn}, "/nothing") as port:
        row = web_benchmark.post_row(port, "/post", "", {}, seconds, "bare")
    return {**row, "load_after": _load()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--tree", action="append", required=True, help="name=path of a checkout; give two")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    trees = [(name, Path(path).resolve()) for name, _, path in (t.partition("=") for t in args.tree)]
    info = web_benchmark.ensure_built(args.url, 100_000)
    env = {**web_benchmark.RELAXED, "DATABASE_URL": args.url, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")}
    out: dict[str, Any] = {"comments": info["comments"], "load_start": _load(), "rounds": []}
    for n in range(args.rounds):
        order = trees if n % 2 == 0 else trees[::-1]
        out["rounds"].append({"round": n, "what": "bare_insert", **bare_round(env, args.url, args.seconds)})
        for name, root in order:
            row = comment_round(root, env, info["plan_id"], args.seconds)
            out["rounds"].append({"round": n, "what": name, **row})
            print(json.dumps(out["rounds"][-1]), file=sys.stderr, flush=True)
    out["rounds"].append({"round": args.rounds, "what": "bare_insert", **bare_round(env, args.url, args.seconds)})
    summary: dict[str, Any] = {}
    bare = statistics.median(r["rate_per_s"] for r in out["rounds"] if r["what"] == "bare_insert")
    for name, _root in [("bare_insert", None), *trees]:
        rows = [r for r in out["rounds"] if r["what"] == name]
        rate = statistics.median(r["rate_per_s"] for r in rows)
        summary[name] = {"rate_per_s": rate, "p50_ms": statistics.median(r["p50_ms"] for r in rows),
                         "p95_ms": statistics.median(r["p95_ms"] for r in rows), "x_bare_insert": round(rate / max(bare, 1.0), 3)}
    out["median"] = summary
    out["load_end"] = _load()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
