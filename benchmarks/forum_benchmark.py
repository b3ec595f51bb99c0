"""Response time of a long forum thread and of a busy board; prints one JSON line.

Builds a scratch SQLite database (or, with ``--postgres``, a private PostgreSQL database) with one thread of ``--replies`` top-level replies (every fifth answered once)
and a board of ``--threads`` threads, then times the first and the last page of the
thread and the board sorted three ways through the Flask test client. Usage::

    python benchmarks/forum_benchmark.py --replies 2000 --threads 2000 [--postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _seed(app, replies: int, threads: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.forums.models import Board, Post, Thread

    with app.app_context():
        users = [User(email=f"bench{i}@example.invalid", password_hash="x", pseudonym=f"网友{i}", verified_at=datetime.now(UTC)) for i in range(50)]
        db.session.add_all(users)
        board = Board(domain="society", title="社会改革论坛")
        db.session.add(board)
        db.session.flush()
        start = datetime.now(UTC) - timedelta(days=30)
        long = Thread(board_id=board.id, user_id=users[0].id, title="长主题", author_label="网友0", created_at=start, last_post_at=start)
        db.session.add(long)
        db.session.flush()
        db.session.add(Post(thread_id=long.id, user_id=users[0].id, is_opener=True, body="主楼内容", author_label="网友0", created_at=start))
        for i in range(replies):
            top = Post(thread_id=long.id, user_id=users[i % 50].id, body=f"第{i}楼：关于社区养老服务的看法，" * 3, author_label=f"网友{i % 50}", created_at=start + timedelta(seconds=i * 10))
            db.session.add(top)
            if i % 5 == 0:
                db.session.flush()
                db.session.add(Post(thread_id=long.id, user_id=users[(i + 1) % 50].id, parent_id=top.id, body="同意楼上。", author_label="网友", created_at=top.created_at + timedelta(seconds=5)))
        long.reply_count = replies + replies // 5 + (1 if replies % 5 else 0)
        for i in range(threads):
            when = start + timedelta(minutes=i)
            db.session.add(Thread(board_id=board.id, user_id=users[i % 50].id, title=f"主题{i}", author_label="网友", created_at=when, last_post_at=when, reply_count=i % 97, support_count=i % 89))
        db.session.commit()
        return board.id, long.id


def _time(client, url: str, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="a private database on the local PostgreSQL, dropped after")
    args = parser.parse_args()
    from contextlib import nullcontext

    from tests.conftest import _make_app
    from tests.support.services import fresh_postgres_database, require_postgres_url

    with tempfile.TemporaryDirectory() as tmp, (fresh_postgres_database(require_postgres_url()) if args.postgres else nullcontext(None)) as pg_url:
        url = pg_url or f"sqlite:///{tmp}/bench.sqlite"
        app = _make_app(Path(tmp), url)
        board_id, thread_id = _seed(app, args.replies, args.threads)
        client = app.test_client()
        last = -(-args.replies // 30)
        result = {
            "replies": args.replies,
            "threads": args.threads,
            "backend": url.split(":", 1)[0],
            "thread_first_page_ms": _time(client, f"/forums/threads/{thread_id}", args.repeat),
            "thread_last_page_ms": _time(client, f"/forums/threads/{thread_id}?page={last}", args.repeat),
            **{f"board_{sort}_ms": _time(client, f"/forums/boards/{board_id}?sort={sort}&page=50", args.repeat) for sort in ("new", "support", "replies")},
        }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
