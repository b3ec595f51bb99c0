"""What /healthz checks, cheaply: the database answers, owed work is not piling up in the
outbox, and a worker is alive (the embedded supervisor's child, or a recent heartbeat)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text

from consult.core.jobs.celery import last_heartbeat
from consult.core.models import OutboxEvent
from consult.extensions import db


def outbox_problem() -> str | None:
    """A message when unprocessed outbox events are too old or too many (settings)."""
    config = current_app.config
    count, oldest = db.session.execute(
        select(func.count(OutboxEvent.id), func.min(OutboxEvent.created_at)).where(OutboxEvent.processed_at.is_(None))
    ).one()
    if count and count > config["HEALTH_OUTBOX_MAX_PENDING"]:
        return f"outbox backlog: {count} events pending"
    if oldest is not None:
        if oldest.tzinfo is None:  # SQLite through an aggregate loses the column type
            oldest = oldest.replace(tzinfo=UTC)
        age = datetime.now(UTC) - oldest
        if age > timedelta(seconds=config["HEALTH_OUTBOX_MAX_AGE_SECONDS"]):
            return f"outbox stale: oldest pending event is {int(age.total_seconds())} s old"
    return None


def worker_problem() -> str | None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    supervisor = app.extensions.get("worker_supervisor")
    beat = last_heartbeat(app)
    if supervisor is not None:
        if not supervisor.running():
            return "worker down (restarting)"
        if not supervisor.healthy(beat):
            return "worker starting"
        return None
    silence = app.config["HEALTH_WORKER_SILENCE_SECONDS"]
    if silence <= 0:
        return None
    if beat is None:
        # No worker has run against this installation yet (a fresh deployment starts its
        # web before its workers); work owed meanwhile shows in the outbox check.
        return None
    if time.time() - beat > silence:
        return f"worker silent for {int(time.time() - beat)} s"
    return None


def check() -> tuple[dict[str, object], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - health reports, never raises
        db.session.rollback()
        return {"status": "database unavailable"}, 503
    problems = [p for p in (outbox_problem(), worker_problem()) if p]
    if problems:
        return {"status": "degraded", "problems": problems}, 503
    return {"status": "ok"}, 200
