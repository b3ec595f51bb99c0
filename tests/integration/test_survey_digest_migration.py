"""Survey free-text digests made before the move onto the digest table are readable as digests
afterwards (and claimable again by the one engine), on SQLite and PostgreSQL; downgrade moves
them back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.support.own_database import app_on_own_database

BEFORE, MOVED = "4c4a66c84c3a", "b7d3e91f4a20"
RESULT = {
    "themes": [{"label": "窗口排队", "size": 2, "keywords": ["窗口", "排队"], "representative_texts": ["窗口太少排队太久"], "issues": []}],
    "assignments": {"11": [0, 0], "12": [0, 0]},
}


@pytest.fixture(params=["sqlite", "postgres"])
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database that has not been migrated yet."""
    yield from app_on_own_database(request, tmp_path)


def _old_release_data(connection: sa.Connection, now: datetime) -> dict[str, int]:
    """What the previous release wrote: two surveys, three survey digests, one suggestion digest
    (so the survey digests' old ids are taken in the digest table), outbox rows of the old task."""
    meta = sa.MetaData()
    meta.reflect(connection, only=["survey", "survey_text_digest", "digest", "outbox_event"])
    survey, old, digest, outbox = (meta.tables[n] for n in ("survey", "survey_text_digest", "digest", "outbox_event"))
    common = {"description": "", "service": "不动产登记", "anonymous": True, "mode": "open", "draft_spec": {"questions": []}, "created_at": now}
    connection.execute(survey.insert(), [{"id": 1, "title": "窗口服务评价", **common}, {"id": 2, "title": "热线评价", **common}])
    suggestion_digest = connection.execute(digest.insert().values(
        plan_id=None, scope="suggestions", scope_key="经济:2026-01-01:2026-06-30", number=1, status="done", progress=1.0,
        stage="", trigger="manual", sources_key="all", last_comment_id=9, comment_count=3, result={"themes": []}, error="", created_at=now,
    ).returning(digest.c.id)).scalar_one()
    assert suggestion_digest == 1  # so old survey digest 1 cannot keep its id in the digest table
    stale = now - timedelta(hours=1)
    connection.execute(old.insert(), [
        {"id": 1, "survey_id": 1, "status": "done", "last_answer_id": 12, "result": RESULT, "error": "", "created_at": now - timedelta(days=2), "started_at": now - timedelta(days=2)},
        {"id": 2, "survey_id": 1, "status": "running", "last_answer_id": 15, "result": None, "error": "", "created_at": stale, "started_at": stale},
        {"id": 3, "survey_id": 2, "status": "failed", "last_answer_id": 4, "result": None, "error": "RuntimeError: boom", "created_at": now, "started_at": now},
    ])
    connection.execute(outbox.insert(), [
        {"task": "consult.build_survey_digest", "ref_id": 1, "created_at": now, "enqueued_at": now, "processed_at": now, "attempts": 1, "last_error": ""},
        {"task": "consult.build_survey_digest", "ref_id": 2, "created_at": stale, "enqueued_at": stale, "processed_at": None, "attempts": 1, "last_error": ""},
    ])
    return {"survey": 1, "other": 2}


def test_survey_digests_of_the_previous_release_are_digests_after_the_upgrade(empty_app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    from consult.core.models import OutboxEvent
    from consult.digests import engine
    from consult.digests.models import Digest, DigestStatus
    from consult.extensions import db
    from consult.surveys import digest_scope as surveys_digest

    now = datetime.now(UTC).replace(microsecond=0)
    with empty_app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            ids = _old_release_data(connection, now)
        upgrade(revision=MOVED)
        assert "survey_text_digest" not in sa.inspect(db.engine).get_table_names()

        moved = db.session.scalars(select_survey_digests(Digest)).all()
        assert [(d.scope_key, d.number, d.status, d.last_comment_id) for d in moved] == [
            ("1", 1, DigestStatus.DONE, 12), ("1", 2, DigestStatus.RUNNING, 15), ("2", 1, DigestStatus.FAILED, 4)]
        done, running, failed = moved
        assert done.result == RESULT and done.is_done and done.comment_count == 2 and done.plan_id is None
        assert done.created_at == now - timedelta(days=2) and running.heartbeat_at == now - timedelta(hours=1)
        assert failed.error == "RuntimeError: boom" and failed.is_failed
        assert db.session.get(Digest, 1).scope == "suggestions"  # the digest already holding id 1 is untouched
        # The results page reads them through the survey scope.
        assert surveys_digest.latest(ids["survey"]).id == running.id and surveys_digest.latest(ids["other"]).id == failed.id

        # The owed build follows its digest to the new id and is published again by the sweep.
        owed = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.processed_at.is_(None))).one()
        assert (owed.task, owed.ref_id, owed.enqueued_at) == (engine.BUILD_TASK, running.id, None)
        assert db.session.scalar(sa.select(sa.func.count()).where(OutboxEvent.task == engine.LEGACY_SURVEY_TASK)) == 0
        # Its worker died an hour ago: the engine's claim takes it again.
        assert engine.claim(running.id)
        db.session.remove()

        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT survey_id, status, last_answer_id, error FROM survey_text_digest ORDER BY id")).all()
            tasks = connection.execute(sa.text("SELECT task FROM outbox_event ORDER BY id")).scalars().all()
            scopes = connection.execute(sa.text("SELECT scope FROM digest")).scalars().all()
        assert [tuple(r) for r in rows] == [(1, "done", 12, ""), (1, "running", 15, ""), (2, "failed", 4, "RuntimeError: boom")]
        assert tasks == ["consult.build_survey_digest"] * 2 and scopes == ["suggestions"]


def select_survey_digests(digest):  # type: ignore[no-untyped-def]
    return sa.select(digest).where(digest.scope == "survey").order_by(digest.id)
