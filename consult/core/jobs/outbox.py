"""Owed work for Celery: a row committed with the data (the truth), published by one after-commit hook."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import event as sa_event
from sqlalchemy import func, inspect, or_, select, update
from sqlalchemy.orm import Session

from consult.core.models import OutboxEvent
from consult.extensions import db

log = logging.getLogger(__name__)

# After a failed publish, skip the broker for a while: the sweep will deliver, and requests
# must not each wait on a broker that is down.
_BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0
_OWED = "outbox_owed"  # session.info key: events added in the current transaction
_SENT = "outbox_sent"  # session.info key: unstamped events handed to the broker, to stamp once the connection is back
_UNSENT = "outbox_unsent"  # session.info key: stamped events the broker refused, to unstamp once the connection is back

# A row of the hook's hand-over list: (event id, task, ref_id, stamped by its INSERT).
Row = tuple[int, str, int, bool]


def add(task: str, ref_id: int) -> OutboxEvent:
    """Owe `task(ref_id)`: the row commits with the caller's data, and the after-commit hook publishes it.

    The INSERT already stamps the row as handed over (enqueued_at, attempts 1), so a hand-over that
    succeeds writes nothing more (it used to cost an UPDATE per comment). A send that fails clears the
    stamp again (the sweep re-sends the row after 5 s); a process that dies between the commit and the
    send leaves a stamped row that the sweep re-sends once it is OUTBOX_REDELIVER_AFTER_SECONDS old.
    While the broker is known to be down rows go in unstamped: the sweep owns them."""
    stamped = time.monotonic() >= _broker_down_until
    row = OutboxEvent(task=task, ref_id=ref_id, enqueued_at=datetime.now(UTC) if stamped else None, attempts=int(stamped))
    db.session.add(row)
    db.session.info.setdefault(_OWED, []).append(row)
    return row


def init_app(app: Flask) -> None:
    """The one place owed work leaves for the broker: after the commit that made it.

    Inside a request the publishing waits until the response has gone out (a broker that is down
    costs its connect timeout, never a person's time); elsewhere (worker, CLI) it follows the commit.
    """
    if not sa_event.contains(db.session, "after_commit", _after_commit):
        sa_event.listen(db.session, "after_commit", _after_commit)
        sa_event.listen(db.session, "after_rollback", _after_rollback)
        sa_event.listen(db.session, "after_transaction_end", _after_transaction_end)

    @app.after_request
    def _hand_over(response: Response) -> Response:
        owed = g.pop("outbox_owed", None)
        if owed:
            flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: _publish_rows(flask_app, owed))
        return response


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction has not committed yet
    owed = session.info.pop(_OWED, None)
    if not owed:
        return
    rows = []
    for item in owed:
        state = inspect(item)
        # Rows added inside a savepoint that rolled back are transient again: nothing was committed.
        if state.persistent and state.identity:
            rows.append((state.identity[0], state.dict["task"], state.dict["ref_id"], state.dict["attempts"] > 0))
    if not rows:
        return
    if has_request_context() and current_app.config.get("OUTBOX_PUBLISH_AFTER_RESPONSE", True):
        g.setdefault("outbox_owed", []).extend(rows)
        return
    sent = set(_send(rows))
    # Unstamped once the transaction has handed its connection back: a second checkout while the
    # committing one is still held can wait for ever on a small pool (threads, a worker's pool).
    session.info.setdefault(_SENT, []).extend(row[0] for row in rows if row[0] in sent and not row[3])
    session.info.setdefault(_UNSENT, []).extend(row[0] for row in rows if row[0] not in sent and row[3])


def _after_transaction_end(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:
        _stamp(session.info.pop(_SENT, []))
        _unstamp(session.info.pop(_UNSENT, []))


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_OWED, None)


def publish(events: Iterable[OutboxEvent]) -> int:
    """Send already committed events to the broker now (the sweep); failures are left to the next sweep."""
    events = list(events)
    if not events:
        return 0
    if has_request_context() and current_app.config.get("OUTBOX_PUBLISH_AFTER_RESPONSE", True):
        g.setdefault("outbox_owed", []).extend((e.id, e.task, e.ref_id, False) for e in events)
        return 0
    return _publish_now(events)


def _publish_rows(app: Flask, rows: list[Row]) -> None:
    """After the response: send the rows the commit made (no re-read of them). Rows stamped by their
    INSERT need no SQL when sent; the sweep's rows are stamped in one UPDATE, refused stamped rows
    unstamped in one. Celery keeps one broker connection per process (its producer pool)."""
    with app.app_context():
        try:
            sent = set(_send(rows))
            _stamp([row[0] for row in rows if row[0] in sent and not row[3]])
            _unstamp([row[0] for row in rows if row[0] not in sent and row[3]])
        except Exception as error:  # noqa: BLE001 - the sweep delivers whatever this missed
            log.warning("deferred publish failed, left to the outbox sweep: %s", type(error).__name__)
        finally:
            db.session.remove()


def _send(rows: list[Row]) -> list[int]:
    """Hand rows to the broker; returns the ids sent. Never raises."""
    global _broker_down_until
    now = time.monotonic()
    if not rows or now < _broker_down_until:
        return []
    if _broker_down_until:
        # The broker was down: this call probes it, the others keep skipping meanwhile.
        _broker_down_until = now + _BROKER_BACKOFF_SECONDS
    celery = current_app.extensions["celery"]
    sent: list[int] = []
    try:
        for event_id, task, ref_id, _stamped in rows:
            celery.send_task(task, args=[ref_id], retry=False)
            sent.append(event_id)
        _broker_down_until = 0.0
    except Exception as error:  # noqa: BLE001 - any broker failure means "later", never a 500
        _broker_down_until = time.monotonic() + _BROKER_BACKOFF_SECONDS
        log.warning("broker unavailable, %d event(s) left to the outbox sweep: %s", len(rows) - len(sent), type(error).__name__)
    return sent


def _stamp(event_ids: list[int]) -> None:
    """Note the hand-over on its own connection (the session has just committed and may not emit SQL)."""
    _restamp(event_ids, sent=True)


def _unstamp(event_ids: list[int]) -> None:
    """Stamped rows the broker did not take: due for the next sweep (5 s), not only after the redelivery delay."""
    _restamp(event_ids, sent=False)


def _restamp(event_ids: list[int], *, sent: bool) -> None:
    if not event_ids:
        return
    query = update(OutboxEvent).where(OutboxEvent.id.in_(event_ids))
    if sent:
        query = query.values(enqueued_at=datetime.now(UTC), attempts=OutboxEvent.attempts + 1)
    else:
        query = query.where(OutboxEvent.processed_at.is_(None)).values(enqueued_at=None, attempts=OutboxEvent.attempts - 1)
    try:
        with db.engine.begin() as connection:
            connection.execute(query)
    except Exception as error:  # noqa: BLE001 - an optimisation only: the sweep re-sends after the redelivery delay
        log.warning("could not %s %d event(s): %s", "stamp" if sent else "unstamp", len(event_ids), type(error).__name__)


def _publish_now(events: Iterable[OutboxEvent]) -> int:
    events = list(events)
    sent = set(_send([(e.id, e.task, e.ref_id, False) for e in events]))
    if not sent:
        return 0
    for event in events:
        if event.id in sent:
            event.enqueued_at = datetime.now(UTC)
            event.attempts += 1
    try:
        db.session.commit()
    except Exception:  # noqa: BLE001 - the timestamps are an optimisation only
        db.session.rollback()
    return len(sent)


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
    return db.session.scalar(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
    ) or 0
