"""Wall and CPU milliseconds per comment POST in process (Flask test client; real PostgreSQL and
Redis; CSRF off, limits relaxed), for comparing two checkouts without HTTP, gunicorn or Celery.
Run it from each checkout in turn (PYTHONPATH and cwd = the checkout), alternating:

    REDIS_URL=redis://127.0.0.1:6379/7 python benchmarks/post_inprocess.py --url postgresql+psycopg://postgres@127.0.0.1/bench100k -n 150
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("-n", type=int, default=150)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    from benchmarks import scale_plan
    from consult import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "FORM_MIN_FILL_SECONDS": 0.0,
                      "COMMENT_RATE_LIMIT": "100000 per minute", "COMMENT_IP_RATE_LIMIT": "100000 per minute"})
    client = app.test_client()
    login = client.post("/account/login", data={"login": scale_plan.CITIZEN_EMAIL, "password": scale_plan.PASSWORD})
    if login.status_code != 302:
        raise SystemExit(f"login failed: {login.status_code}")

    def post(i: int) -> None:
        response = client.post("/plans/1/comments", data={"body": f"计时意见{time.time()}{i}：建议优化一网通办流程。", "show_pseudonym": "y"})
        response.close()  # runs the after-response publish
        if response.status_code != 302:
            raise SystemExit(f"POST answered {response.status_code}")

    for i in range(10):  # warm: automaton, prepared statements, pools
        post(i)
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(args.n):
        post(i)
    print(json.dumps({"checkout": str(Path.cwd()), "wall_ms": round((time.perf_counter() - wall) * 1000 / args.n, 2),
                      "cpu_ms": round((time.process_time() - cpu) * 1000 / args.n, 2), "load": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
