"""Versioned feedback publications: the public report is what staff published (answers given later
wait for the next version), every version keeps its own page and PDF, a large plan's version is
built by the worker, and a database from before versions upgrades with its report as version 1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event, func, select

from tests.integration.test_responses import _close, _fresh_login_limits, _post, _staff  # noqa: F401 - an autouse fixture
from tests.integration.test_responses import (
    seeded as seeded,  # the plan with 12 opinions and a digest
)
from tests.support.own_database import app_on_own_database

NEW_ANSWER = "第二版新增的答复：已纳入修订稿第三条。"


def _publish(staff, plan_id: int, summary: str = ""):  # type: ignore[no-untyped-def]
    return _post(staff, f"/staff/plans/{plan_id}/feedback", {"summary": summary}, f"/staff/plans/{plan_id}/responses")


def _answer(staff, plan_id: int, comment_id: int, text: str):  # type: ignore[no-untyped-def]
    page = f"/staff/plans/{plan_id}/responses"
    return _post(staff, page, {"comment_ids": [str(comment_id)], "status": "adopted", "text": text}, page)


def test_answers_after_publishing_wait_for_the_next_version_and_each_version_keeps_its_page(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses.models import FeedbackPublication

    app, plan_id, ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    assert _answer(staff, plan_id, ids[1], "第一版的答复：已采纳。").status_code == 302
    _close(app, plan_id)
    assert _publish(staff, plan_id, "感谢参与").status_code == 302
    public = app.test_client()
    first = public.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert "第 1 版，公布于" in first and "第一版的答复：已采纳。" in first and "已答复 1 条" in first

    # An answer given after publishing: the public report does not change, the staff page says so.
    assert _answer(staff, plan_id, ids[3], NEW_ANSWER).status_code == 302
    again = public.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert NEW_ANSWER not in again and "已答复 1 条" in again and "第 1 版" in again
    workbench = staff.get(f"/staff/plans/{plan_id}/responses").get_data(as_text=True)
    assert "自第 1 版以来有 1 条答复变化、0 条新意见 — 发布第 2 版" in workbench

    # Version 2: the new answer, what changed since version 1, the list of versions.
    assert _publish(staff, plan_id).status_code == 302
    second = public.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert "第 2 版，公布于" in second and NEW_ANSWER in second and "已答复 2 条" in second
    assert "与第 1 版相比" in second and "新给出或修改的答复 1 条" in second and "+1" in second
    assert f'href="/plans/{plan_id}/feedback/v1"' in second and f'href="/plans/{plan_id}/feedback/v2"' in second
    old = public.get(f"/plans/{plan_id}/feedback/v1").get_data(as_text=True)
    assert "第 1 版，公布于" in old and NEW_ANSWER not in old and "查看最新的第 2 版" in old
    assert public.get(f"/plans/{plan_id}/feedback/v9").status_code == 404
    assert "此后答复没有变化" in staff.get(f"/staff/plans/{plan_id}/responses").get_data(as_text=True)

    # The PDF of each version is rendered from that version, once, and kept.
    pdf = public.get(f"/plans/{plan_id}/feedback/v1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.app_context():
        stored = db.session.scalar(select(FeedbackPublication.pdf).where(FeedbackPublication.plan_id == plan_id, FeedbackPublication.version == 1))
        assert stored == pdf.data
        assert db.session.scalar(select(FeedbackPublication.pdf).where(FeedbackPublication.version == 2)) is None
    assert public.get(f"/plans/{plan_id}/feedback/v1.pdf").data == pdf.data
    assert public.get(f"/plans/{plan_id}/feedback.pdf").headers["Content-Disposition"].endswith(f"feedback-{plan_id}-v2.pdf")


def test_the_public_report_reads_the_stored_publication_not_the_answers(seeded, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.responses import feedback

    app, plan_id, ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    _answer(staff, plan_id, ids[0], "答复甲。")
    _close(app, plan_id)
    assert _publish(staff, plan_id).status_code == 302
    monkeypatch.setattr(feedback, "PAGE_SIZE", 2)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = app.test_client().get(f"/plans/{plan_id}/feedback?page=3").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert "第 3 / 6 页" in page
    assert page.count('class="comment" id="c') == 2  # only this page's two opinions
    assert not [s for s in statements if " response" in s or "from response" in s], "the page must not read the answers"


def test_a_large_plans_version_is_built_by_the_worker_task(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.jobs.tasks import BUILD_FEEDBACK
    from consult.core.models import OutboxEvent
    from consult.extensions import db
    from consult.responses.models import FeedbackPublication
    from worker import tasks as worker_tasks

    app, plan_id, ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    _answer(staff, plan_id, ids[0], "答复乙。")
    _close(app, plan_id)
    app.config["FEEDBACK_INLINE_MAX"] = 5  # 12 opinions count as large here
    try:
        assert _publish(staff, plan_id).status_code == 302
        public = app.test_client()
        waiting = public.get(f"/plans/{plan_id}/feedback")
        assert waiting.status_code == 200 and "正在生成报告" in waiting.get_data(as_text=True)
        assert "第 1 版正在生成" in staff.get(f"/staff/plans/{plan_id}/responses").get_data(as_text=True)
        with app.app_context():
            publication_id = db.session.scalar(select(FeedbackPublication.id).where(FeedbackPublication.plan_id == plan_id))
            assert db.session.scalar(select(OutboxEvent.id).where(OutboxEvent.task == BUILD_FEEDBACK, OutboxEvent.ref_id == publication_id)) is not None
            assert worker_tasks.build_feedback_publication.run(publication_id) == "ready"  # what the worker runs
            assert db.session.scalar(select(OutboxEvent.processed_at).where(OutboxEvent.task == BUILD_FEEDBACK)) is not None
        html = public.get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
        assert "第 1 版，公布于" in html and "答复乙。" in html
    finally:
        app.config["FEEDBACK_INLINE_MAX"] = 3000


def test_a_build_that_loses_the_database_is_retried_and_a_real_fault_is_shown_failed(seeded, make_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    from consult.core.jobs.tasks import BUILD_FEEDBACK
    from consult.extensions import db
    from consult.responses import publications
    from consult.responses.models import FeedbackPublication, PublicationStatus

    app, plan_id, _ids, _citizens = seeded
    staff, _ = _staff(app, make_user)
    _close(app, plan_id)
    app.config["FEEDBACK_INLINE_MAX"] = 5
    real_build, calls = publications.build, []

    def flaky(publication_id: int) -> str:
        calls.append(publication_id)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
        return real_build(publication_id)

    try:
        assert _publish(staff, plan_id).status_code == 302
        with app.app_context():
            publication_id = db.session.scalar(select(FeedbackPublication.id).where(FeedbackPublication.plan_id == plan_id))
        monkeypatch.setattr(publications, "build", flaky)
        task = app.extensions["celery"].tasks[BUILD_FEEDBACK]  # bound to this app (the suite has one per database)
        with app.app_context():
            # apply() runs the task as the worker would, retries included (eagerly, without the countdown).
            assert task.apply(args=[publication_id]).get() == "ready"
            assert len(calls) == 2
            assert db.session.get(FeedbackPublication, publication_id).status == PublicationStatus.READY

        def broken(publication_id: int) -> str:
            raise ValueError("a bug, not an outage")

        monkeypatch.setattr(publications, "build", broken)
        with app.app_context():
            publication = db.session.get(FeedbackPublication, publication_id)
            publication.status = PublicationStatus.BUILDING
            db.session.commit()
            result = task.apply(args=[publication_id])
            assert result.failed()
            db.session.expire_all()
            assert db.session.get(FeedbackPublication, publication_id).status == PublicationStatus.FAILED
    finally:
        app.config["FEEDBACK_INLINE_MAX"] = 3000


# --- upgrading a database that has a published report --------------------------------------------

BEFORE = "6c3e8f5a0d32"


@pytest.fixture(params=["sqlite", "postgres"])
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    yield from app_on_own_database(request, tmp_path)


def test_a_report_published_before_versions_is_version_1_after_the_upgrade(empty_app: Flask) -> None:
    from flask_migrate import upgrade

    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans
    from consult.plans.models import Plan
    from consult.responses.models import FeedbackPublication, Response

    with empty_app.app_context():
        upgrade(revision=BEFORE)
        # What the previous release held: a closed plan with an answered opinion and its published report.
        staff = accounts.register("staff@example.gov.cn", "password123", "改革办", role="staff")
        citizen = accounts.register("citizen@example.com", "password123", "市民甲")
        citizen.verified_at = datetime.now(UTC)
        db.session.commit()
        plan = plans.create_plan(author=staff, title="老方案", department="", summary="", body="第一条 总则。\n第二条 附则。", window_days=30)
        plans.publish(plan)
        comment, _ = comments.post_comment(user=citizen, plan=plan, body="建议把附则写清楚一些", clause_id=None)
        plan.closes_at = datetime.now(UTC) - timedelta(days=1)
        db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status="adopted", text="已采纳老答复。"))
        db.session.commit()
        plan_id = plan.id
        db.session.execute(sa.text("INSERT INTO feedback_report (plan_id, summary, published_at, notified) VALUES (:p, '旧的说明', :t, 1)"),
                           {"p": plan_id, "t": datetime.now(UTC) - timedelta(hours=2)})
        db.session.commit()
        upgrade()
        row = db.session.execute(select(FeedbackPublication.version, FeedbackPublication.status, FeedbackPublication.summary)).one()
        assert tuple(row) == (1, "pending", "旧的说明")
    html = empty_app.test_client().get(f"/plans/{plan_id}/feedback").get_data(as_text=True)
    assert "第 1 版，公布于" in html and "已采纳老答复。" in html and "旧的说明" in html
    with empty_app.app_context():
        assert db.session.scalar(select(FeedbackPublication.status)) == "ready"
        assert db.session.scalar(select(func.count()).select_from(FeedbackPublication)) == 1
        assert db.session.get(Plan, plan_id) is not None
