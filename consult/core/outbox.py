"""Best-effort hand-off of owed work to Celery. The outbox row, committed with the data, is the truth."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, after_this_request, current_app, g, has_request_context
from sqlalchemy import or_, select

from consult.core.models import OutboxEvent
from consult.extensions import db

log = logging.getLogger(__name__)

# After a failed publish, skip the broker for a while: the sweep will deliver, and requests
# must not each wait on a broker that is down.
_BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0


def add(task: str, ref_id: int) -> OutboxEvent:
    event = OutboxEvent(task=task, ref_id=ref_id)
    db.session.add(event)
    return event


def publish(events: Iterable[OutboxEvent]) -> int:
    """Send committed events to the broker; failures are logged and left to the sweep.

    Inside a request the sending happens after the response has gone out, so a person never
    waits on the broker (a Redis that is down costs its connect timeout, not their time).
    Returns how many were sent now (0 when deferred).
    """
    events = list(events)
    if not events:
        return 0
    if has_request_context() and current_app.config.get("OUTBOX_PUBLISH_AFTER_RESPONSE", True):
        _after_response([e.id for e in events])
        return 0
    return _publish_now(events)


def _after_response(event_ids: list[int]) -> None:
    owed = g.get("outbox_owed")
    if owed is None:
        owed = g.outbox_owed = []
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        @after_this_request
        def _hand_over(response: Response) -> Response:
            response.call_on_close(lambda: _publish_ids(app, owed))
            return response

    owed.extend(event_ids)


def _publish_ids(app: Flask, event_ids: list[int]) -> None:
    """After the response: a fresh app context, the events re-read by id."""
    with app.app_context():
        try:
            _publish_now(db.session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(event_ids), OutboxEvent.processed_at.is_(None))))
        except Exception as error:  # noqa: BLE001 - the sweep delivers whatever this missed
            log.warning("deferred publish failed, left to the outbox sweep: %s", type(error).__name__)
        finally:
            db.session.remove()


def _publish_now(events: Iterable[OutboxEvent]) -> int:
    global _broker_down_until
    events = list(events)
    now = time.monotonic()
    if not events or now < _broker_down_until:
        return 0
    if _broker_down_until:
        # The broker was down: this call probes it, the others keep skipping meanwhile.
        _broker_down_until = now + _BROKER_BACKOFF_SECONDS
    celery = current_app.extensions["celery"]
    sent = 0
    try:
        for event in events:
            celery.send_task(event.task, args=[event.ref_id], retry=False)
            event.enqueued_at = datetime.now(UTC)
            event.attempts += 1
            sent += 1
        _broker_down_until = 0.0
    except Exception as error:  # noqa: BLE001 - any broker failure means "later", never a 500
        _broker_down_until = time.monotonic() + _BROKER_BACKOFF_SECONDS
        log.warning("broker unavailable, %d event(s) left to the outbox sweep: %s", len(events) - sent, type(error).__name__)
    if sent:
        try:
            db.session.commit()
        except Exception:  # noqa: BLE001 - the timestamps are an optimisation only
            db.session.rollback()
    return sent


def due(now: datetime | None = None, limit: int = 500) -> list[OutboxEvent]:
    now = now or datetime.now(UTC)
    redeliver = timedelta(seconds=current_app.config["OUTBOX_REDELIVER_AFTER_SECONDS"])
    return list(
        db.session.scalars(
            select(OutboxEvent)
            .where(
                OutboxEvent.processed_at.is_(None),
                or_(
                    OutboxEvent.enqueued_at.is_(None) & (OutboxEvent.created_at < now - timedelta(seconds=5)),
                    OutboxEvent.enqueued_at < now - redeliver,
                ),
            )
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
    )


def due_for(task: str, ref_id: int | None = None) -> list[OutboxEvent]:
    """Fresh, never-enqueued events of one kind: published right after the commit that made them."""
    query = select(OutboxEvent).where(OutboxEvent.task == task, OutboxEvent.processed_at.is_(None), OutboxEvent.enqueued_at.is_(None))
    if ref_id is not None:
        query = query.where(OutboxEvent.ref_id == ref_id)
    return list(db.session.scalars(query.order_by(OutboxEvent.id).limit(5000)))


def sweep() -> int:
    """Re-enqueue owed work that never reached (or never left) the broker."""
    global _broker_down_until
    _broker_down_until = 0.0
    return publish(due())


def mark_done(task: str, ref_id: int) -> None:
    for event in db.session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.task == task, OutboxEvent.ref_id == ref_id, OutboxEvent.processed_at.is_(None)
        )
    ):
        event.processed_at = datetime.now(UTC)


def pending_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
    ) or 0
