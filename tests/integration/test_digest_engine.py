"""One engine for every digest scope: a digest of any scope whose worker died is claimed again by
the same path once its heartbeat is stale, a live one is left alone, and a failure is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.integration.survey_helpers import GOOD, make_links, make_survey

TEXTS = ["窗口太少排队太久", "排队时间太长窗口太少", "网上办系统经常卡顿", "系统卡顿上传材料失败", "周末能不能也开放窗口", "窗口排队要一个小时"]


def _plan_digest(app, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    user_id = make_user()[0]
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        for text in TEXTS:
            comments.post_comment(user=db.session.get(User, user_id), plan=plan, body=text)
        digest_id = digests.request_digest(plan)[0].id
        db.session.commit()
        return digest_id


def _suggestion_digest(app, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.suggestions import digest_scope as suggestion_digests
    from consult.suggestions import operations as suggestions

    today = datetime.now(UTC).date()
    with app.app_context():
        for text in TEXTS:
            suggestions.submit(None, domain="经济", title="办事窗口", body=text)
        digest_id = suggestion_digests.request_digest("经济", today - timedelta(days=1), today + timedelta(days=1))[0].id
        db.session.commit()
        return digest_id


def _survey_digest(app, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering
    from consult.surveys import digest_scope as surveys_digest
    from consult.surveys.models import Survey

    survey_id = make_survey(app)
    tokens = make_links(app, survey_id, len(TEXTS))
    with app.app_context():
        for token, text in zip(tokens, TEXTS, strict=True):
            answering.submit_with_token(token, {**GOOD, "q_advice": [text]})
        digest_id = surveys_digest.request(db.session.get(Survey, survey_id), None)[0].id
        db.session.commit()
        return digest_id


REQUESTS = {"plan": _plan_digest, "suggestions": _suggestion_digest, "survey": _survey_digest}


@pytest.mark.parametrize("scope", sorted(REQUESTS))
def test_a_stale_running_digest_of_every_scope_is_claimed_again(any_app, make_user, make_plan, scope) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import OutboxEvent
    from consult.digests import engine, scopes
    from consult.digests.models import Digest, DigestStatus
    from consult.extensions import db

    digest_id = REQUESTS[scope](any_app, make_user, make_plan)
    with any_app.app_context():
        digest = db.session.get(Digest, digest_id)
        assert digest.scope == scope and digest.status == DigestStatus.QUEUED
        owed = lambda: db.session.scalar(select(OutboxEvent.processed_at).where(OutboxEvent.task == engine.BUILD_TASK, OutboxEvent.ref_id == digest_id))  # noqa: E731

        # A worker took it and is still beating: a second delivery leaves it, the build stays owed.
        assert engine.claim(digest_id)
        assert not engine.claim(digest_id)
        assert engine.build(digest_id) == DigestStatus.RUNNING and owed() is None

        # That worker died: once its heartbeat is stale, the same path claims and finishes it.
        stale = any_app.config["DIGEST_STALE_SECONDS"] + 60
        db.session.get(Digest, digest_id).heartbeat_at = datetime.now(UTC) - timedelta(seconds=stale)
        db.session.commit()
        assert engine.build(digest_id) == DigestStatus.DONE
        db.session.expire_all()
        built = db.session.get(Digest, digest_id)
        assert built.is_done and built.progress == 1.0 and built.comment_count == len(TEXTS) and owed() is not None
        assert sum(theme["size"] for theme in built.result["themes"]) == len(TEXTS)
        # Pages name and link it through its scope.
        with any_app.test_request_context():
            assert scopes.get(scope).label(built) and scopes.get(scope).url(built).startswith("/staff/")


def test_a_failed_build_is_recorded_and_requesting_again_requeues_it(app, make_user, make_plan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import engine, scopes
    from consult.digests.models import Digest, DigestStatus
    from consult.extensions import db
    from consult.surveys import digest_scope as surveys_digest
    from consult.surveys.models import Survey

    digest_id = _survey_digest(app, make_user, make_plan)
    with app.app_context():

        def broken(self, digest, segmenter):  # type: ignore[no-untyped-def]
            raise RuntimeError("磁盘已满")

        monkeypatch.setattr(type(scopes.get("survey")), "load", broken)
        with pytest.raises(RuntimeError):
            engine.build(digest_id)
        failed = db.session.get(Digest, digest_id)
        assert failed.is_failed and "磁盘已满" in failed.error
        monkeypatch.undo()
        again, created = surveys_digest.request(db.session.get(Survey, int(failed.scope_key)), None)
        assert again.id == digest_id and created and again.status == DigestStatus.QUEUED
        db.session.commit()
        assert engine.build(digest_id) == DigestStatus.DONE


def test_an_unknown_scope_is_refused_before_anything_is_written(app) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import engine
    from consult.digests.models import Digest
    from consult.extensions import db

    with app.app_context():
        with pytest.raises(LookupError):
            engine.enqueue("hearing", last=1, scope_key="1")
        assert db.session.scalars(select(Digest)).all() == []


def test_an_old_survey_digest_message_builds_nothing_by_its_stale_id(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    """A `consult.build_survey_digest` message from before the move names a survey_text_digest id,
    now possibly another digest's: it is settled, and that digest is left to its own build."""
    from consult.core.jobs import outbox
    from consult.core.models import OutboxEvent
    from consult.digests import engine
    from consult.digests.models import Digest, DigestStatus
    from consult.extensions import db
    from worker.tasks import build_survey_digest

    digest_id = _plan_digest(app, make_user, make_plan)
    with app.app_context():
        outbox.add(engine.LEGACY_SURVEY_TASK, digest_id)  # a leftover row whose old digest is gone
        db.session.commit()
        assert build_survey_digest.run(digest_id) == "moved"  # run(): in this app, not the one Celery was made with
        db.session.expire_all()
        assert db.session.get(Digest, digest_id).status == DigestStatus.QUEUED
        rows = {e.task: e.processed_at for e in db.session.scalars(select(OutboxEvent).where(OutboxEvent.ref_id == digest_id))}
        assert rows[engine.LEGACY_SURVEY_TASK] is not None and rows[engine.BUILD_TASK] is None


@pytest.mark.parametrize("sources", [None, ["web"], ["letter"]])
def test_a_plan_digest_reads_the_analysed_comments_of_its_sources(any_app, make_user, make_plan, sources) -> None:  # type: ignore[no-untyped-def]
    # PostgreSQL reads the driver's cursor directly, SQLite through SQLAlchemy: the same documents
    # (ids in order, texts, tokens, aware UTC times, own clauses) for every choice of sources.
    from consult.core import channels
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.digests import scopes
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.intake import current_segmenter
    from consult.plans.models import Comment, CommentStatus, Plan

    if sources and sources[0] not in channels.sources():
        pytest.skip("no letter channel registered")
    plan_id = make_plan()
    user_id = make_user()[0]
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        posted = [comments.post_comment(user=db.session.get(User, user_id), plan=plan, body=t)[0] for t in TEXTS]
        ids = [c.id for c in posted]
        db.session.get(Comment, ids[1]).source = "letter"
        db.session.get(Comment, ids[2]).status = CommentStatus.REJECTED
        db.session.commit()
        digest = digests.request_digest(plan, sources=sources)[0]
        db.session.commit()
        docs, _clauses = scopes.get("plan").load(digest, current_segmenter()[0])
        expected = [c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)).order_by(Comment.id))
                    if c.status != CommentStatus.REJECTED and (not sources or c.source in sources)]
        assert [d.id for d in docs] == [c.id for c in expected]
        assert [(d.text, d.source, d.clause_id, d.created_at) for d in docs] == [
            (c.body, c.source, c.clause_id or c.clause_override_id, c.created_at) for c in expected]
        assert all(d.created_at.utcoffset() == timedelta(0) for d in docs)
        assert [d.tokens for d in docs] == [current_segmenter()[0].tokens(c.body) for c in expected]
