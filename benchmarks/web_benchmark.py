"""The web rows of issue 18 at N comments on one plan, PostgreSQL, gunicorn 2 sync workers,
Redis broker and rate limits, a real Celery worker beside it. Prints one JSON line per row and
a summary; compare the ratios within one run (the machine is shared).

    python benchmarks/web_benchmark.py --comments 100000 [--url postgresql+psycopg://...] [--seconds 10]

Without --url a private database is built (benchmarks/scale_plan.py) and dropped after; with
--url an already built one is reused (built there first if empty). Needs Redis (REDIS_URL,
default redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess  # nosec B404  # starts gunicorn and celery for the benchmark
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import loadgen, scale_plan  # noqa: E402

RELAXED = {
    "CONSULT_FORM_MIN_FILL_SECONDS": "0", "CONSULT_COMMENT_RATE_LIMIT": "1000000 per minute",
    "CONSULT_COMMENT_IP_RATE_LIMIT": "1000000 per minute", "CONSULT_LOGIN_RATE_LIMIT": "1000 per minute",
    "CONSULT_LOGIN_IP_RATE_LIMIT": "1000 per minute", "SECRET_KEY": "bench", "OMP_NUM_THREADS": "1", "CONSULT_SECURE_COOKIES": "0",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, path: str = "/healthz", timeout: float = 180) -> None:
    """Until the server answers at all (health may say 503 while the worker warms up)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        time.sleep(0.3)
    raise RuntimeError(f"server on {port} did not start")


@contextlib.contextmanager
def serve(app: str, env: dict[str, str], path: str = "/healthz", root: Path = ROOT) -> Iterator[int]:
    """gunicorn (2 sync workers) serving `app` from the checkout at `root` (another worktree: a before/after run)."""
    port = _free_port()
    proc = subprocess.Popen(  # nosec B603  # fixed arguments
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--timeout", "120", app],
        env={**os.environ, **env, "PYTHONPATH": str(root)}, cwd=root,
    )
    try:
        _wait(port, path)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


@contextlib.contextmanager
def celery_worker(env: dict[str, str], root: Path = ROOT) -> Iterator[None]:
    proc = subprocess.Popen(  # nosec B603  # fixed arguments
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-Q", "celery,digests", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env={**os.environ, **env, "PYTHONPATH": str(root)}, cwd=root, stdout=sys.stderr,
    )
    try:
        yield
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for key, value in response.getheaders():
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]


def _header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def csrf(port: int, path: str, jar: dict[str, str]) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=_header(jar))
    response = conn.getresponse()
    _cookies(response, jar)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode())
    if not match:
        raise RuntimeError(f"no CSRF token on {path}")
    return match.group(1)


def login(port: int, email: str) -> dict[str, str]:
    jar: dict[str, str] = {}
    token = csrf(port, "/account/login", jar)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urlencode({"csrf_token": token, "login": email, "password": scale_plan.PASSWORD})
    conn.request("POST", "/account/login", body=body, headers={**_header(jar), "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    _cookies(response, jar)
    if response.status not in (302, 303):
        raise RuntimeError(f"login of {email} failed: {response.status}")
    return jar


def get_row(port: int, path: str, jar: dict[str, str] | None, seconds: float, connections: int = 2) -> dict[str, Any]:
    """Cold first: 4 requests on 2 connections (each worker process builds what it keeps), then the timed run."""
    headers = _header(jar or {})
    cold = loadgen.run("127.0.0.1", port, lambda i: ("GET", path, None, headers), connections=2, seconds=600, requests=4)
    warm = loadgen.run("127.0.0.1", port, lambda i: ("GET", path, None, headers), connections=connections, seconds=seconds)
    return {"path": path, **warm, "cold_p50_ms": cold["p50_ms"], "cold_max_ms": cold["p99_ms"]}


def post_row(port: int, path: str, token: str, jar: dict[str, str], seconds: float, tag: str) -> dict[str, Any]:
    headers = {**_header(jar), "Content-Type": "application/x-www-form-urlencoded"}

    def make(i: int) -> loadgen.Request:
        body = f"基准意见{tag}{i}：建议进一步优化一网通办流程，减少群众跑腿次数，第{i % 97}项。"
        return "POST", path, urlencode({"csrf_token": token, "body": body, "show_pseudonym": "y"}).encode(), headers

    return {"path": path, **loadgen.run("127.0.0.1", port, make, connections=8, seconds=seconds)}


def _set_closes_at(url: str, plan_id: int, closes_at: Any) -> Any:
    """Set the plan's closing time (None: an hour ago); returns the one it had."""
    from datetime import UTC, datetime, timedelta

    from consult.extensions import db
    from consult.plans.models import Plan

    app = scale_plan.make_app(url)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        before = plan.closes_at
        plan.closes_at = closes_at or datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
        db.engine.dispose()
    return before


def _timed_get(port: int, path: str, jar: dict[str, str] | None = None) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", path, headers=_header(jar or {}))
    response = conn.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, body


def published_feedback_rows(port: int, url: str, plan: int, staff: dict[str, str], seconds: float) -> dict[str, Any]:
    """Close the window, publish the next version through the staff form (the worker builds it:
    100k opinions are over FEEDBACK_INLINE_MAX), then the public report, a deep page and the PDF."""
    token = csrf(port, "/staff/", staff)
    before = _set_closes_at(url, plan, None)
    out: dict[str, Any] = {}
    try:
        body = urlencode({"csrf_token": token, "summary": f"基准第 {time.time():.0f} 次发布"})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        started = time.perf_counter()
        conn.request("POST", f"/staff/plans/{plan}/feedback", body=body, headers={**_header(staff), "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        out["publish_request_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if response.status not in (302, 303):
            raise RuntimeError(f"publish refused: {response.status}")
        while True:  # until the worker has stored the new version and the page shows it
            _ms, status, page = _timed_get(port, f"/staff/plans/{plan}/responses?filter=answered", staff)
            if status == 200 and "正在生成".encode() not in page:
                break
            if time.perf_counter() - started > 600:
                raise RuntimeError("the publication was not built within 10 minutes")
            time.sleep(0.5)
        out["publish_to_ready_s"] = round(time.perf_counter() - started, 2)
        version = re.search(r"第 (\d+) 版，公布于", _timed_get(port, f"/plans/{plan}/feedback")[2].decode())
        out["version"] = int(version.group(1)) if version else None
        out["public_feedback_report"] = get_row(port, f"/plans/{plan}/feedback", None, seconds)
        out["public_feedback_page_250"] = get_row(port, f"/plans/{plan}/feedback?page=250", None, seconds)
        first_ms, status, pdf = _timed_get(port, f"/plans/{plan}/feedback.pdf")
        out["feedback_pdf_first_ms"], out["feedback_pdf_kb"] = round(first_ms, 1), len(pdf) // 1024
        out["feedback_pdf_stored"] = get_row(port, f"/plans/{plan}/feedback.pdf", None, seconds)
    finally:
        _set_closes_at(url, plan, before)  # the other rows post comments: open again
    return out


def ensure_built(url: str, n: int) -> dict[str, Any]:
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    app = scale_plan.make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        plan = db.session.scalar(db.select(Plan).where(Plan.title.like("基准方案%")))
        if plan is None:
            info = scale_plan.fill(n)
        else:
            clause = plan.current_version.clauses[3].id
            info = {"plan_id": plan.id, "clause_id": clause, "comments": db.session.scalar(db.select(db.func.count(Comment.id)))}
        from benchmarks.digest_scale_benchmark import ensure_digest

        info["digest"] = ensure_digest(info["plan_id"])
        return info


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--url")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rows", default="bare,post,plan,clause,digest,feedback,workbench,search,published")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.url
        if not url:
            from tests.support.services import fresh_postgres_database, require_postgres_url

            url = stack.enter_context(fresh_postgres_database(require_postgres_url()))
        print(json.dumps(run(url, args.comments, args.seconds, set(args.rows.split(",")))))


def run(url: str, n: int, seconds: float, rows: set[str]) -> dict[str, Any]:
    info = ensure_built(url, n)
    env = {**RELAXED, "DATABASE_URL": url, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")}
    out: dict[str, Any] = {"comments": info["comments"], "plan_id": info["plan_id"]}
    plan, clause = info["plan_id"], info["clause_id"]
    if "bare" in rows:
        with serve("benchmarks.bare_apps:form_app()", env, "/nothing") as port:
            out["bare_form_post"] = post_row(port, "/post", "", {}, seconds, "bare")
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with serve("benchmarks.bare_apps:insert_app()", {**env, "BARE_DSN": dsn}, "/nothing") as port:
            out["bare_insert_post"] = post_row(port, "/post", "", {}, seconds, "bare")
    with celery_worker(env), serve("consult.wsgi:app", env) as port:
        citizen, staff = login(port, scale_plan.CITIZEN_EMAIL), login(port, scale_plan.STAFF_EMAIL)
        if "post" in rows:
            token = csrf(port, f"/plans/{plan}", citizen)
            out["comment_post"] = post_row(port, f"/plans/{plan}/comments", token, citizen, seconds, str(time.time()))
            if "bare_insert_post" in out:
                out["comment_post"]["x_bare_insert"] = round(out["comment_post"]["rate_per_s"] / max(1.0, out["bare_insert_post"]["rate_per_s"]), 3)
        pages = {
            "plan": ("plan_page", f"/plans/{plan}", None), "clause": ("clause_page", f"/plans/{plan}/clauses/{clause}", None),
            "digest": ("staff_digest_page", f"/staff/plans/{plan}/digest", staff),
            "feedback": ("feedback_report", f"/plans/{plan}/feedback", staff),
            "workbench": ("answer_workbench", f"/staff/plans/{plan}/responses", staff),
        }
        for key, (name, path, jar) in pages.items():
            if key in rows:
                out[name] = get_row(port, path, jar, seconds)
        if "search" in rows:
            out["search_rare"] = get_row(port, "/search?" + urlencode({"q": "校车安全 第三中学"}), None, seconds)
            out["search_common"] = get_row(port, "/search?" + urlencode({"q": "一网通办"}), None, seconds)
        if "published" in rows:  # last: it closes the window while it runs
            out["published_feedback"] = published_feedback_rows(port, url, plan, staff, seconds)
    return out


if __name__ == "__main__":
    main()
