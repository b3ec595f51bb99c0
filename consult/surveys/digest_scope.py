"""A digest of one survey's free text (open answers and reasons given with ratings), built by the
worker with the same pure pipeline as plan digests. Request is idempotent per newest answer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from consult.core import audit, outbox, tasks
from consult.core.errors import ServiceError
from consult.core.models import User
from consult.digests.reports import masked_dict
from consult.extensions import db
from consult.plans.intake import current_segmenter
from consult.surveys.models import Survey, SurveyAnswer, SurveyResponse, SurveyTextDigest

log = logging.getLogger(__name__)
TASK = tasks.BUILD_SURVEY_DIGEST  # the name lives in consult.core.tasks


def _texts(survey_id: int):  # type: ignore[no-untyped-def]
    return (
        select(SurveyAnswer.id, SurveyAnswer.text, SurveyResponse.submitted_on)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id, SurveyAnswer.text.is_not(None))
    )


def request(survey: Survey, actor: User | None) -> tuple[SurveyTextDigest, bool]:
    last = db.session.scalar(select(func.max(_texts(survey.id).subquery().c.id))) or 0
    if not last:
        raise ServiceError(_("这份问卷还没有文字回答。"), 409)
    existing = db.session.scalar(select(SurveyTextDigest).where(SurveyTextDigest.survey_id == survey.id, SurveyTextDigest.last_answer_id == last))
    if existing is not None and existing.status != "failed":
        return existing, False
    digest = existing or SurveyTextDigest(survey_id=survey.id, last_answer_id=last)
    digest.status, digest.error = "queued", ""
    db.session.add(digest)
    db.session.flush()
    outbox.add(TASK, digest.id)
    audit.record(actor, "survey.digest", "survey", survey.id, department_id=survey.department_id)
    return digest, True


def build(digest_id: int) -> str:
    """Worker side: claim, segment, run the pipeline, store the masked result."""
    from worker.analysis.pipeline import DigestDoc, build_digest

    now = datetime.now(UTC)
    stale = now - timedelta(seconds=current_app.config["DIGEST_STALE_SECONDS"])
    claimed = db.session.execute(
        update(SurveyTextDigest)
        .where(
            SurveyTextDigest.id == digest_id,
            or_(
                SurveyTextDigest.status.in_(("queued", "failed")),
                (SurveyTextDigest.status == "running") & (or_(SurveyTextDigest.started_at.is_(None), SurveyTextDigest.started_at < stale)),
            ),
        )
        .values(status="running", started_at=now)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        current = db.session.get(SurveyTextDigest, digest_id)
        if current is None or current.status == "done":
            outbox.mark_done(TASK, digest_id)
            db.session.commit()
            return "skipped"
        # Another worker is building it now; the outbox stays owed, so if that worker dies the
        # sweep brings the task back and it is claimed again once the claim is stale.
        return current.status
    digest = db.session.get(SurveyTextDigest, digest_id)
    try:
        rows = db.session.execute(_texts(digest.survey_id).where(SurveyAnswer.id <= digest.last_answer_id).order_by(SurveyAnswer.id)).all()
        segmenter, _version = current_segmenter()
        tokens = segmenter.tokens_many([text for _, text, _ in rows])
        docs = [
            DigestDoc(id=answer_id, tokens=tok, text=text, created_at=datetime.combine(day, time(12), tzinfo=UTC), source="survey")
            for (answer_id, text, day), tok in zip(rows, tokens, strict=True)
        ]
        digest.result = masked_dict(build_digest(docs, seed=0))
        digest.status = "done"
        outbox.mark_done(TASK, digest_id)
        db.session.commit()
        return "done"
    except Exception as error:
        db.session.rollback()
        log.exception("survey digest %s failed", digest_id)
        db.session.execute(update(SurveyTextDigest).where(SurveyTextDigest.id == digest_id).values(status="failed", error=f"{type(error).__name__}: {error}"[:2000]))
        db.session.commit()
        raise


def latest(survey_id: int) -> SurveyTextDigest | None:
    return db.session.scalar(select(SurveyTextDigest).where(SurveyTextDigest.survey_id == survey_id).order_by(SurveyTextDigest.id.desc()))
