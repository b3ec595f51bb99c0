"""A survey free-text digest whose worker died mid-build is built again, not stuck "running"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select


def test_an_orphaned_build_is_claimed_again_and_a_live_one_is_left_alone(app) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import OutboxEvent
    from consult.demo import surveys as surveys_demo
    from consult.digests import engine
    from consult.digests.models import Digest, DigestStatus
    from consult.extensions import db
    from consult.surveys import digest_scope as surveys_digest
    from consult.surveys.models import Survey

    with app.app_context():
        assert surveys_demo.load(datetime.now(UTC)) > 0
        db.session.commit()
        survey = db.session.scalar(select(Survey))
        digest, created = surveys_digest.request(survey, None)
        db.session.commit()
        assert created and digest.scope == "survey" and digest.scope_key == str(survey.id)
        owed = lambda: db.session.scalar(select(OutboxEvent.processed_at).where(OutboxEvent.task == surveys_digest.TASK, OutboxEvent.ref_id == digest.id))  # noqa: E731

        # Another worker claimed it a moment ago: this delivery leaves it be, and the work stays owed.
        digest.status, digest.heartbeat_at = DigestStatus.RUNNING, datetime.now(UTC)
        db.session.commit()
        assert engine.build(digest.id) == "running"
        assert owed() is None

        # That worker was killed: once the heartbeat is stale the redelivered task builds it.
        stale = app.config["DIGEST_STALE_SECONDS"] + 60
        db.session.get(Digest, digest.id).heartbeat_at = datetime.now(UTC) - timedelta(seconds=stale)
        db.session.commit()
        assert engine.build(digest.id) == "done"
        db.session.expire_all()
        built = db.session.get(Digest, digest.id)
        assert built.is_done and built.result and owed() is not None
        finished = built.finished_at
        assert engine.build(digest.id) == "done"  # a late duplicate delivery changes nothing
        assert db.session.get(Digest, digest.id).finished_at == finished
