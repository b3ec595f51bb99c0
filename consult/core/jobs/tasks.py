"""Every Celery task name, in one place: the outbox, beat, routing and worker/tasks.py spell them from here."""

from __future__ import annotations

SEGMENT_COMMENT = "consult.segment_comment"
RESEGMENT_ALL = "consult.resegment_all"
SWEEP_OUTBOX = "consult.sweep_outbox"
BUILD_DIGEST = "consult.build_digest"
BUILD_SURVEY_DIGEST = "consult.build_survey_digest"
BUILD_FEEDBACK = "consult.build_feedback_publication"
SCHEDULED_DIGESTS = "consult.scheduled_digests"
SEND_NOTIFICATION_EMAIL = "consult.send_notification_email"
PRUNE_AUDIT = "consult.prune_audit"
LEDGER_FLAGS = "consult.ledger_flags"

ALL = (
    SEGMENT_COMMENT, RESEGMENT_ALL, SWEEP_OUTBOX, BUILD_DIGEST, BUILD_SURVEY_DIGEST,
    SCHEDULED_DIGESTS, SEND_NOTIFICATION_EMAIL, PRUNE_AUDIT, LEDGER_FLAGS, BUILD_FEEDBACK,
)
