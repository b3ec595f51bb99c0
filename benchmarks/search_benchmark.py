"""Rare-term and common-term search at N comments (default 1,000,000) on PostgreSQL, through the
full-text index, in process (consult.search.site.comments: count + one ranked page). Prints JSON.

The database is a copy of one benchmarks/scale_plan.py built (100k generated comments), grown by
copying its comments in SQL (the GIN index is kept up as rows go in); five rows get a term no
other row has.

    python benchmarks/search_benchmark.py --source perf_bench100k --target perf_bench1m --comments 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scale_plan  # noqa: E402

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
RARE = "罕见词汇测试"


def grow(source: str, target: str, n: int) -> float:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target,)).fetchone()
        if exists is None:
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{target}") as conn:
        have = conn.execute("SELECT count(*) FROM comment").fetchone()[0]
        if have < n:
            cols = ("plan_id, version_id, clause_id, user_id, source, body, show_pseudonym, author_label, status, reject_reason, "
                    "held_kind, held_reason, created_at, support_count, oppose_count, search_terms, dictionary_version")
            conn.execute(f"INSERT INTO comment ({cols}) SELECT {cols} FROM comment CROSS JOIN generate_series(1, %s) g "
                         "ORDER BY random() LIMIT %s", ((n - have) // have + 1, n - have))
            conn.execute("UPDATE comment SET search_terms = search_terms || %s WHERE id IN (SELECT id FROM comment ORDER BY id DESC LIMIT 5)",
                         (f"{RARE} ",))
            conn.commit()
            conn.execute("ANALYZE comment")
            conn.commit()
    return time.perf_counter() - t0


def timed(terms: list[str], repeat: int) -> dict[str, float]:
    from consult.search.site import comments

    times, total = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        _found, total = comments(terms)
        times.append(1000 * (time.perf_counter() - t0))
    times.sort()
    return {"matches": total, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default="perf_bench100k")
    parser.add_argument("--target", default="perf_bench1m")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    grow_s = grow(args.source, args.target, args.comments)
    app = scale_plan.make_app(BASE + args.target)
    with app.app_context():
        from flask_migrate import upgrade

        from consult.extensions import db

        t0 = time.perf_counter()
        upgrade()  # a database built before the search index gets it here (the migration's backfill)
        upgrade_s = time.perf_counter() - t0

        count = db.session.scalar(db.text("SELECT count(*) FROM comment"))
        print(json.dumps({"comments": count, "grow_s": round(grow_s, 1), "upgrade_s": round(upgrade_s, 1), "rare": timed([RARE], args.repeat),
                          "rare_two_terms": timed([RARE, "建议"], args.repeat), "common": timed(["一网通办"], max(5, args.repeat // 4))}))


if __name__ == "__main__":
    main()
