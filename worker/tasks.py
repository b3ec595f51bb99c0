"""Celery tasks: thin shells that load by id, call the services or the analysis, and store."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import InterfaceError, OperationalError

from consult.core import audit, notifications
from consult.core.jobs import outbox, tasks
from consult.digests import engine
from consult.digests import operations as digests
from consult.extensions import db
from consult.ledger import supervision
from consult.plans import intake
from consult.responses import publications
from consult.suggestions import digest_scope as _suggestion_scope  # noqa: F401 - registers its scope
from consult.surveys import digest_scope as _survey_scope  # noqa: F401 - registers its scope

log = logging.getLogger(__name__)

TRANSIENT_DB = (OperationalError, InterfaceError)

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(name=tasks.SEGMENT_COMMENT, acks_late=True, **RETRY)
def segment_comment(comment_id: int) -> None:
    intake.segment_comment(comment_id)
    db.session.commit()


@shared_task(name=tasks.SWEEP_OUTBOX, acks_late=True)
def sweep_outbox() -> int:
    return intake.sweep()


@shared_task(name=tasks.RESEGMENT_ALL, acks_late=True, **RETRY)
def resegment_all(dictionary_version: int) -> int:
    done = last_id = 0
    while (step := intake.resegment_batch(last_id)) is not None:
        last_id, count = step
        done += count
        # Batch by batch: a long run keeps what it did and holds no lock over the whole table.
        db.session.commit()
    intake.resegmented(dictionary_version)
    db.session.commit()
    return done


@shared_task(
    bind=True,
    name=tasks.BUILD_DIGEST,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def build_digest(self, digest_id: int) -> str:  # type: ignore[no-untyped-def]
    """Every scope's digest (plan, suggestions, survey) is built by the one engine; the worker's
    hostname goes on the result, so staff (and the two-worker test) see where it was built."""
    return engine.build(digest_id, worker=self.request.hostname or "")


@shared_task(bind=True, name=tasks.BUILD_FEEDBACK, acks_late=True, max_retries=3, soft_time_limit=25 * 60, time_limit=30 * 60)
def build_feedback_publication(self, publication_id: int) -> str:  # type: ignore[no-untyped-def]
    """A large plan's feedback publication: stored once, then served as it is. A database that went
    away (failover, restart) is retried with backoff; anything else, or the last retry, marks the
    version failed so staff see it and publish again."""
    try:
        outcome = publications.build(publication_id)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        if isinstance(error, TRANSIENT_DB) and self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=15 * 2**self.request.retries) from error
        publications.fail(publication_id, error)
        outbox.mark_done(tasks.BUILD_FEEDBACK, publication_id)
        db.session.commit()
        raise
    outbox.mark_done(tasks.BUILD_FEEDBACK, publication_id)
    db.session.commit()
    return outcome


@shared_task(name=tasks.SCHEDULED_DIGESTS, acks_late=True)
def scheduled_digests() -> int:
    queued = digests.schedule_open_plans()
    db.session.commit()  # the task owns the transaction; the after-commit hook publishes the builds
    return queued


@shared_task(name=tasks.SEND_NOTIFICATION_EMAIL, acks_late=True, **RETRY)
def send_notification_email(notification_id: int) -> bool:
    try:
        sent = notifications.send_email(notification_id)
    except Exception as error:
        db.session.rollback()
        notifications.record_email_failure(notification_id, error)
        db.session.commit()  # kept for staff although this attempt fails and the task retries
        raise
    db.session.commit()
    return sent


@shared_task(name=engine.LEGACY_SURVEY_TASK, acks_late=True)
def build_survey_digest(old_id: int) -> str:
    """A message queued before survey digests moved onto the digest table carries an id of the
    dropped survey_text_digest table, which may now be another digest's id: never build by it.
    The migration repointed the owed outbox row to `consult.build_digest` with the new id (not yet
    enqueued, so the sweep publishes it); this only settles the old row if one is left."""
    outbox.mark_done(engine.LEGACY_SURVEY_TASK, old_id)
    db.session.commit()
    return "moved"


@shared_task(name=tasks.PRUNE_AUDIT, acks_late=True)
def prune_audit() -> int:
    deleted = audit.prune(current_app.config["AUDIT_RETENTION_DAYS"])
    db.session.commit()
    return deleted


@shared_task(name=tasks.LEDGER_FLAGS, acks_late=True)
def ledger_flags() -> int:
    """Daily: notify each new supervision flag of a reform task once (docs/ledger.md)."""
    notified = supervision.notify_new_flags()
    db.session.commit()
    return notified
