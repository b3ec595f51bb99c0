"""`consult run` on the embedded default: web and a real Celery worker over the filesystem broker."""

from __future__ import annotations

import os
import signal
import sys
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
        worker_pid = int(log.split("Celery worker started (pid ")[1].split(")")[0])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        stop_process(server)
    wait_for(lambda: not Path(f"/proc/{worker_pid}").exists() or "zombie" in Path(f"/proc/{worker_pid}/status").read_text().lower(), timeout=30, interval=0.5)
