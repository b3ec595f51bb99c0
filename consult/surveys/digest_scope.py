"""The survey scope: a digest of one survey's free text (open answers and reasons given with
ratings, every version of the survey), built by the digest engine like plan digests.

A survey digest is a `Digest` with scope "survey", no plan, and scope_key the survey id;
last_comment_id is the newest answer covered, so asking twice with no new answer queues one."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core import audit
from consult.core.models import User
from consult.core.web.errors import ServiceError
from consult.digests import engine
from consult.digests.models import Digest
from consult.digests.scopes import Scope, register
from consult.extensions import db
from consult.surveys.models import Survey, SurveyAnswer, SurveyResponse
from worker.analysis.results import DigestDoc

SCOPE = "survey"
TASK = engine.BUILD_TASK


def _texts(survey_id: int):  # type: ignore[no-untyped-def]
    return (
        select(SurveyAnswer.id, SurveyAnswer.text, SurveyResponse.submitted_on)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id, SurveyAnswer.text.is_not(None))
    )


def request(survey: Survey, actor: User | None) -> tuple[Digest, bool]:
    """Queue a digest of the survey's free text up to the newest answer (audited when queued)."""
    last = db.session.scalar(select(func.max(_texts(survey.id).subquery().c.id))) or 0
    if not last:
        raise ServiceError(_("这份问卷还没有文字回答。"), 409)
    digest, created = engine.enqueue(SCOPE, scope_key=str(survey.id), last=last)
    if created:
        audit.record(actor, "survey.digest", "survey", survey.id, department_id=survey.department_id)
    return digest, created


def latest(survey_id: int) -> Digest | None:
    """The survey's newest digest whatever its state (the results page shows progress or result)."""
    return db.session.scalar(select(Digest).where(Digest.scope == SCOPE, Digest.scope_key == str(survey_id)).order_by(Digest.id.desc()))


class SurveyScope(Scope):
    name = SCOPE

    def load(self, digest: Digest, segmenter: Any) -> tuple[list[Any], list[Any]]:
        """Each free-text answer is a document; anonymous responses keep only their day, so noon."""
        query = _texts(int(digest.scope_key)).where(SurveyAnswer.id <= digest.last_comment_id).order_by(SurveyAnswer.id)
        rows = db.session.execute(query).all()
        tokens = segmenter.tokens_many([text for _, text, _ in rows])
        docs = [
            DigestDoc(id=answer_id, tokens=tok, text=text, created_at=datetime.combine(day, time(12), tzinfo=UTC), source="survey")
            for (answer_id, text, day), tok in zip(rows, tokens, strict=True)
        ]
        return docs, []

    def label(self, digest: Digest) -> str:
        survey = db.session.get(Survey, int(digest.scope_key))
        return f"《{survey.title}》" if survey else digest.scope_key

    def url(self, digest: Digest) -> str:
        return url_for("surveys.results", survey_id=int(digest.scope_key), _anchor="text-digest")


register(SurveyScope())
