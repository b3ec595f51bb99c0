"""Celery tasks: thin shells that load by id, call the services or the analysis, and store."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from consult.core import audit, notifications, outbox
from consult.digests import engine
from consult.digests import operations as digests
from consult.extensions import db
from consult.plans import intake
from consult.suggestions import digest_scope as _suggestion_scope  # noqa: F401 - registers its scope
from consult.surveys import digest_scope as _survey_scope  # noqa: F401 - registers its scope

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(name="consult.segment_comment", acks_late=True, **RETRY)
def segment_comment(comment_id: int) -> None:
    intake.segment_comment(comment_id)


@shared_task(name="consult.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    return intake.sweep()


@shared_task(name="consult.resegment_all", acks_late=True, **RETRY)
def resegment_all(dictionary_version: int) -> int:
    return intake.resegment_all(dictionary_version)


@shared_task(
    name="consult.build_digest",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def build_digest(digest_id: int) -> str:
    """Every scope's digest (plan, suggestions, survey) is built by the one engine."""
    return engine.build(digest_id)


@shared_task(name="consult.scheduled_digests", acks_late=True)
def scheduled_digests() -> int:
    return digests.schedule_open_plans()


@shared_task(name="consult.send_notification_email", acks_late=True, **RETRY)
def send_notification_email(notification_id: int) -> bool:
    return notifications.send_email(notification_id)


@shared_task(name=engine.LEGACY_SURVEY_TASK, acks_late=True)
def build_survey_digest(old_id: int) -> str:
    """A message queued before survey digests moved onto the digest table carries an id of the
    dropped survey_text_digest table, which may now be another digest's id: never build by it.
    The migration repointed the owed outbox row to `consult.build_digest` with the new id (not yet
    enqueued, so the sweep publishes it); this only settles the old row if one is left."""
    outbox.mark_done(engine.LEGACY_SURVEY_TASK, old_id)
    db.session.commit()
    return "moved"


@shared_task(name="consult.prune_audit", acks_late=True)
def prune_audit() -> int:
    deleted = audit.prune(current_app.config["AUDIT_RETENTION_DAYS"])
    db.session.commit()
    return deleted
