"""A real Celery worker on a real Redis builds a survey's free-text digest and segments the survey
answers mirrored into the plan, from answers submitted through one-time links."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import seed_open_plan
from tests.integration.survey_helpers import GOOD, make_links, make_survey
from tests.integration.test_worker_outbox import stack  # noqa: F401 - the fixture
from tests.support.processes import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

TEXTS = ["窗口太少排队太久", "排队时间太长窗口太少", "网上办系统经常卡顿", "系统卡顿上传材料失败", "周末能不能也开放窗口"]


def test_survey_digest_and_mirror_by_a_real_worker(stack) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.plans.models import Comment
    from consult.surveys import answering
    from consult.surveys import digest_scope as surveys_digest
    from consult.surveys.models import Survey

    app, _redis, _worker = stack
    _user, plan_id = seed_open_plan(app)
    survey_id = make_survey(app, plan_id=plan_id)
    tokens = make_links(app, survey_id, len(TEXTS))
    with app.app_context():
        for token, text in zip(tokens, TEXTS, strict=True):
            answering.submit_with_token(token, {**GOOD, "q_advice": [text]})
        db.session.commit()  # the after-commit hook hands the segmentation to the worker
        digest, created = surveys_digest.request(db.session.get(Survey, survey_id), None)
        db.session.commit()
        assert created
        digest_id = digest.id

    def done() -> bool:
        with app.app_context():
            db.session.remove()
            copies = db.session.scalars(select(Comment).where(Comment.source == "survey")).all()
            built = db.session.get(Digest, digest_id)
            return len(copies) == len(TEXTS) and all(c.segmented_at for c in copies) and built.is_done

    wait_for(done, timeout=180, interval=1)
    with app.app_context():
        result = db.session.get(Digest, digest_id).result
        assert sum(theme["size"] for theme in result["themes"]) == len(TEXTS)
        assert {c.plan_id for c in db.session.scalars(select(Comment).where(Comment.source == "survey"))} == {plan_id}
