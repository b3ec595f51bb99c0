"""`consult run` on the embedded default: web and a real Celery worker over the filesystem broker."""

from __future__ import annotations

import json
import os
import signal
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from tests.support.processes import free_port, start_process, stop_process, wait_for, wait_for_http

ROOT = Path(__file__).resolve().parents[2]


def test_consult_run_serves_and_its_worker_segments_comments(tmp_path: Path) -> None:
    env = {"CONSULT_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": None, "REDIS_URL": None, "SECRET_KEY": "embedded"}
    consult = str(Path(sys.executable).parent / "consult")
    for command in (["db", "upgrade"], ["demo"]):
        done = start_process([consult, *command], env=env, cwd=str(ROOT), log_path=str(tmp_path / "setup.log"))
        assert done.wait(timeout=300) == 0, (tmp_path / "setup.log").read_text()
    port = free_port()
    server = start_process([consult, "run", "--port", str(port)], env=env, cwd=str(ROOT), log_path=str(tmp_path / "run.log"))
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60, proc=server)
        home = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()  # noqa: S310
        assert "正在征求意见" in home and "还剩" in home

        os.environ["CONSULT_INSTANCE_PATH"] = str(tmp_path)
        try:
            from consult import create_app

            app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'consult.sqlite'}", "SECRET_KEY": "embedded"})
        finally:
            os.environ.pop("CONSULT_INSTANCE_PATH", None)
        from consult.extensions import db
        from consult.plans.models import Comment

        def all_segmented() -> bool:
            with app.app_context():
                db.session.remove()
                return db.session.scalar(select(func.count()).select_from(Comment).where(Comment.segmented_at.is_(None))) == 0

        wait_for(all_segmented, timeout=180, interval=1)  # 450 demo comments, by the embedded worker
        with app.app_context():
            # 450 demo comments, plus the demo hearing's statements and minutes mirrored for the digest.
            assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.origin_type.is_(None))) == 450
            assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.source == "hearing")) == 11
            assert all(c.segmented_at <= datetime.now(UTC) for c in db.session.scalars(select(Comment).limit(5)))
            db.engine.dispose()
        log = (tmp_path / "run.log").read_text()
        # Quiet by default (issue 15 item 12): 450 segmented comments do not log 900 task lines.
        assert "succeeded in" not in log and len(log.splitlines()) < 150, log[-3000:]
        worker_pid = int(log.split("Celery worker started (pid ")[1].split(")")[0])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        stop_process(server)
    wait_for(lambda: not Path(f"/proc/{worker_pid}").exists() or "zombie" in Path(f"/proc/{worker_pid}/status").read_text().lower(), timeout=30, interval=0.5)


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _group_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp
            members.append(int(stat.parent.name))
    return members


def test_consult_run_restarts_a_killed_worker_and_healthz_reports_the_gap(tmp_path: Path) -> None:
    env = {"CONSULT_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": None, "REDIS_URL": None, "SECRET_KEY": "embedded",
           "CONSULT_WORKER_HEARTBEAT_SECONDS": "1"}
    consult = str(Path(sys.executable).parent / "consult")
    done = start_process([consult, "db", "upgrade"], env=env, cwd=str(ROOT), log_path=str(tmp_path / "setup.log"))
    assert done.wait(timeout=300) == 0, (tmp_path / "setup.log").read_text()
    port = free_port()
    server = start_process([consult, "run", "--port", str(port)], env=env, cwd=str(ROOT), log_path=str(tmp_path / "run.log"))
    log_path = tmp_path / "run.log"

    def worker_pids() -> list[int]:
        return [int(part.split(")")[0]) for part in log_path.read_text().split("Celery worker started (pid ")[1:]]

    try:
        wait_for(lambda: _health(port)[0] == 200 if server.poll() is None else True, timeout=90, interval=0.5)
        assert server.poll() is None, log_path.read_text()
        first = worker_pids()[-1]
        os.kill(first, signal.SIGKILL)  # as the unrecoverable broker error did: the worker is gone
        wait_for(lambda: _health(port)[0] == 503, timeout=30, interval=0.1)
        status, body = _health(port)
        assert status == 503 and any("worker" in p for p in body.get("problems", [])), body
        wait_for(lambda: len(worker_pids()) == 2, timeout=30, interval=0.2)
        wait_for(lambda: _health(port)[0] == 200, timeout=90, interval=0.5)
        assert worker_pids()[-1] != first
        assert f"Celery worker (pid {first}) exited" in log_path.read_text() and "restart #1" in log_path.read_text()
        # The killed worker's pool child and beat went with it: nothing is left in its process group.
        wait_for(lambda: not _group_members(first), timeout=30, interval=0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        stop_process(server)
