"""Build one published plan holding N comments (and answers to most of them) on PostgreSQL, fast.

Texts come from the digest benchmark's generator (comment-like Chinese, campaigns and 繁体 copies
included); their tokens and search terms are computed once per (N, seed) in two processes and
cached under /tmp, then every row goes in with COPY. Used by web_benchmark.py and
search_benchmark.py; on its own it prints the figures of the build as JSON:

    python benchmarks/scale_plan.py --comments 100000 [--url postgresql+psycopg://127.0.0.1/bench100k]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle  # nosec B403  # our own cache file under /tmp, written by this script
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CLAUSES = 20
ANSWERED = 0.63  # share of comments answered (the 62,789 of 100k)
STAFF_EMAIL, CITIZEN_EMAIL, PASSWORD = "staff@bench.gov.cn", "citizen@bench.example.com", "bench-password-123"
PLAN_BODY = "\n".join(f"第{n}条 第{n}项措施：推进一网通办、营商环境优化和基层减负，落实养老、医疗、教育等民生保障。" for n in range(1, CLAUSES + 1))


def _analyse(texts: list[str]) -> list[tuple[list[str], str]]:
    from consult.core.text import search_terms
    from worker.analysis.segment import default_segmenter

    seg = default_segmenter()
    return list(zip(seg.tokens_many(texts), (search_terms(t) for t in texts), strict=True))


def corpus(n: int, seed: int = 42) -> list[tuple[str, list[str], str]]:
    """(body, tokens, search terms) for n generated comments, cached per (n, seed)."""
    cache = Path(f"/tmp/consult-scale-{n}-{seed}.pickle")
    if cache.exists():
        return pickle.loads(cache.read_bytes())  # nosec B301  # our own cache
    from benchmarks.digest_benchmark import generate

    texts = generate(n, seed)
    chunks = [texts[i : i + 5000] for i in range(0, n, 5000)]
    with Pool(2) as pool:
        analysed = [row for part in pool.map(_analyse, chunks) for row in part]
    rows = [(t, tokens, terms) for t, (tokens, terms) in zip(texts, analysed, strict=True)]
    cache.write_bytes(pickle.dumps(rows))
    return rows


def _copy(connection: Any, table: str, columns: list[str], rows: Any) -> None:
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _people_and_plan() -> tuple[int, int, int, list[int]]:
    from consult.accounts import operations as accounts
    from consult.core.models import Role
    from consult.extensions import db
    from consult.plans import operations as plans

    staff = accounts.register(STAFF_EMAIL, PASSWORD, "改革办", role=Role.ADMIN)
    citizen = accounts.register(CITIZEN_EMAIL, PASSWORD, "基准市民")
    staff.verified_at = citizen.verified_at = datetime.now(UTC)
    plan = plans.create_plan(author=staff, title="基准方案：十万条意见", department="", summary="基准", body=PLAN_BODY, window_days=60)
    plans.publish(plan, now=datetime.now(UTC) - timedelta(days=25))
    db.session.commit()
    return plan.id, plan.current_version.id, citizen.id, [c.id for c in plan.current_version.clauses]


def fill(n: int, seed: int = 42) -> dict[str, Any]:
    """In an app context on an upgraded empty database: the plan, N comments, their answers, ids."""
    from consult.extensions import db

    started = time.perf_counter()
    rows = corpus(n, seed)
    analysed_s = time.perf_counter() - started
    plan_id, version_id, citizen_id, clause_ids = _people_and_plan()
    rng = random.Random(seed)  # nosec B311  # reproducible benchmark data
    now = datetime.now(UTC)
    first = (db.session.execute(db.text("SELECT COALESCE(MAX(id), 0) FROM comment")).scalar() or 0) + 1
    cols = ["id", "plan_id", "version_id", "clause_id", "user_id", "source", "body", "show_pseudonym", "author_label", "status",
            "reject_reason", "held_kind", "held_reason", "created_at", "support_count", "oppose_count", "search_terms", "tokens",
            "segmented_at", "dictionary_version"]

    def comments():  # type: ignore[no-untyped-def]
        for k, (body, tokens, terms) in enumerate(rows):
            clause = rng.choice(clause_ids) if rng.random() < 0.7 else None
            yield (first + k, plan_id, version_id, clause, citizen_id, "web", body, True, "基准市民", "published", "", "", "",
                   now - timedelta(days=20, seconds=-k * 17), 0, 0, terms, json.dumps(tokens, ensure_ascii=False), now, 0)

    connection = db.session.connection()
    _copy(connection, "comment", cols, comments())
    db.session.execute(db.text("SELECT setval(pg_get_serial_sequence('comment', 'id'), (SELECT MAX(id) FROM comment))"))
    answers = ((first + k, plan_id, rng.choice(["adopted", "partly", "not_adopted", "covered"]), "感谢您的意见，已研究采纳。", "", "", now, now)
               for k in range(n) if rng.random() < ANSWERED)
    _copy(connection, "response", ["comment_id", "plan_id", "status", "text", "reason", "cluster_ref", "created_at", "updated_at"], answers)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(db.text("VACUUM ANALYZE"))  # what autovacuum would have done by the time a plan holds 100k
    return {"plan_id": plan_id, "clause_id": clause_ids[3], "comments": n, "analyse_s": round(analysed_s, 1),
            "build_s": round(time.perf_counter() - started, 1), "first_comment_id": first, "last_comment_id": first + n - 1}


def make_app(url: str):  # type: ignore[no-untyped-def]
    from consult import create_app

    os.environ["DATABASE_URL"] = url
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})


def build(url: str, n: int, seed: int = 42) -> dict[str, Any]:
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
        return fill(n, seed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a fresh private one, dropped after)")
    args = parser.parse_args()
    if args.url:
        print(json.dumps(build(args.url, args.comments)))
        return
    from tests.support.services import fresh_postgres_database, require_postgres_url

    with fresh_postgres_database(require_postgres_url()) as url:
        print(json.dumps(build(url, args.comments)))


if __name__ == "__main__":
    main()
