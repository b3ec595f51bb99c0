"""/healthz answers 503 when owed work piles up in the outbox or the worker falls silent."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from consult.core.jobs import celery as worker_heartbeat
from consult.core.models import OutboxEvent
from consult.extensions import db


def _owed(app, age_seconds: float, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for n in range(count):
            db.session.add(OutboxEvent(task="consult.segment_comment", ref_id=n + 1, created_at=datetime.now(UTC) - timedelta(seconds=age_seconds)))
        db.session.commit()


def test_healthz_is_ok_with_a_fresh_outbox(app, client) -> None:  # type: ignore[no-untyped-def]
    _owed(app, age_seconds=5)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_healthz_is_503_when_the_oldest_owed_event_is_older_than_the_threshold(app, client) -> None:  # type: ignore[no-untyped-def]
    _owed(app, age_seconds=app.config["HEALTH_OUTBOX_MAX_AGE_SECONDS"] + 60)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert any("outbox stale" in p for p in response.get_json()["problems"])
    with app.app_context():  # processed work no longer counts
        for event in db.session.query(OutboxEvent):
            event.processed_at = datetime.now(UTC)
        db.session.commit()
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_when_too_many_events_are_owed(app, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "HEALTH_OUTBOX_MAX_PENDING", 3)
    _owed(app, age_seconds=1, count=4)
    response = client.get("/healthz")
    assert response.status_code == 503 and "outbox backlog: 4" in response.get_json()["problems"][0]


def test_healthz_is_503_when_the_worker_heartbeat_goes_silent(app, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "HEALTH_WORKER_SILENCE_SECONDS", 60)
    path = worker_heartbeat.heartbeat_path(app)
    path.unlink(missing_ok=True)
    assert client.get("/healthz").status_code == 200  # no worker has run yet: nothing to report
    path.write_text(repr(time.time()))
    assert client.get("/healthz").status_code == 200
    path.write_text(repr(time.time() - 300))
    response = client.get("/healthz")
    assert response.status_code == 503 and "worker silent" in response.get_json()["problems"][0]
    path.unlink()
