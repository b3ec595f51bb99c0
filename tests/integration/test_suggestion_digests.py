"""Digests across suggestions of a domain and period, with the plan digests' pipeline."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import csrf_from, login
from tests.support.processes import start_process, stop_process, wait_for
from tests.support.services import fresh_postgres_database, private_redis, require_postgres_url

ROOT = Path(__file__).resolve().parents[2]
TOPICS = [
    ("企业开办", ["营业执照", "审批时限", "一网通办", "电子签章", "窗口排队", "材料清单", "企业开办"]),
    ("小微企业负担", ["小微企业", "税费减免", "社保缴费", "融资贷款", "资金压力", "担保费率", "房租补贴"]),
    ("涉企检查", ["涉企检查", "联合执法", "重复检查", "行政处罚", "包容审慎", "检查清单", "执法人员"]),
]
VERBS = ["建议", "希望", "呼吁", "恳请", "提议"]


def _fill(app, n: int = 36, domain: str = "经济") -> None:  # type: ignore[no-untyped-def]
    import random

    from consult.extensions import db
    from consult.suggestions import operations as suggestions

    rng = random.Random(7)
    with app.app_context():
        for i in range(n):
            title, words = TOPICS[i % len(TOPICS)]
            picked = rng.sample(words, 3)
            body = f"{rng.choice(VERBS)}关注{picked[0]}问题，{picked[1]}和{picked[2]}方面需要改进。"
            suggestions.submit(None, domain=domain, title=title, body=body)
        suggestions.submit(None, domain="生态", title="河道治理", body="建议加强河道治理。")
        db.session.commit()


def test_a_suggestion_digest_groups_the_domain_and_leaves_plan_digests_alone(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.suggestions import digest_scope as suggestion_digests
    from consult.suggestions.models import Suggestion

    _fill(app)
    today = datetime.now(UTC).date()
    with app.app_context():
        digest, created = suggestion_digests.request_digest("经济", today - timedelta(days=1), today + timedelta(days=1))
        db.session.commit()
        again, created_again = suggestion_digests.request_digest("经济", today - timedelta(days=1), today + timedelta(days=1))
        assert created and not created_again and again.id == digest.id  # idempotent
        assert digests.build(digest.id) == "done"
        digest = db.session.get(Digest, digest.id)
        assert digest.plan_id is None and digest.comment_count == 36  # the 生态 suggestion is not in scope
        from worker.analysis.pipeline import DigestResult

        result = DigestResult.from_dict(digest.result)
        assert sum(t.size for t in result.themes) == 36
        assert len(result.issues()) >= 3  # the three topics are told apart
        assert all(s.tokens for s in db.session.scalars(select(Suggestion).where(Suggestion.domain == "经济")))
        # A plan's digest history never shows suggestion digests.
        plan_id = make_plan()
        assert digests.latest(plan_id) is None
        try:
            suggestion_digests.request_digest("经济", today, today - timedelta(days=2))
        except Exception as error:  # noqa: BLE001
            assert getattr(error, "status", None) == 400
        else:
            raise AssertionError("an inverted period must be refused")

    # Department staff cannot build digests across departments; office staff can read them.
    _, login_name, password = make_user(role="department", department="市商务局")
    client = app.test_client()
    login(client, login_name, password)
    assert client.get("/staff/suggestions/digests").status_code == 403
    assert client.get(f"/staff/suggestions/digests/{digest.id}").status_code == 403
    _, login_name, password = make_user(role="staff")
    office = app.test_client()
    login(office, login_name, password)
    page = office.get(f"/staff/suggestions/digests/{digest.id}").get_data(as_text=True)
    assert "经济领域改革建议摘要" in page and "覆盖 36 条建议" in page
    form = office.get("/staff/suggestions/digests").get_data(as_text=True)
    empty = office.post("/staff/suggestions/digests", data={"csrf_token": csrf_from(form), "domain": "党建", "start": "2026-01-01", "end": "2026-06-30"})
    assert empty.status_code == 409 and "还没有建议" in empty.get_data(as_text=True)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from consult import create_app

    with fresh_postgres_database(require_postgres_url()) as db_url, private_redis() as redis:
        env = {"DATABASE_URL": db_url, "REDIS_URL": redis.url, "CONSULT_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "worker-test", "CONSULT_OUTBOX_SWEEP_SECONDS": "2"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False})
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        with app.app_context():
            upgrade()
        worker = start_process(
            [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "--concurrency", "1", "-Q", "celery,digests", "--loglevel", "INFO"],
            env=env, cwd=str(ROOT), log_path=str(tmp_path / "worker.log"),
        )
        try:
            yield app
        finally:
            stop_process(worker)
            from consult.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_builds_a_suggestion_digest_requested_from_the_staff_page(stack: Flask) -> None:
    from consult.accounts import operations as accounts
    from consult.digests.models import Digest
    from consult.extensions import db

    _fill(stack)
    with stack.app_context():
        accounts.register("office@example.gov.cn", "password123", "改革办", role="staff")
        db.session.commit()
    client = stack.test_client()
    login(client, "office@example.gov.cn", "password123")
    form = client.get("/staff/suggestions/digests").get_data(as_text=True)
    today = date.today()
    response = client.post("/staff/suggestions/digests", data={"csrf_token": csrf_from(form), "domain": "经济", "start": (today - timedelta(days=7)).isoformat(), "end": (today + timedelta(days=1)).isoformat()})
    assert response.status_code == 302
    digest_url = response.headers["Location"]
    # The outbox hands work to the broker once the response is closed, which every WSGI server
    # does (the test client only when asked): the build must not wait for the sweep.
    response.close()

    def done() -> bool:
        with stack.app_context():
            return db.session.scalar(select(Digest.status).where(Digest.scope == "suggestions")) == "done"

    wait_for(done, timeout=120, interval=0.5, message="suggestion digest built by the worker")
    page = client.get(digest_url).get_data(as_text=True)
    assert "覆盖 36 条建议" in page and "主题1" in page
    status = client.get(digest_url + "/status").get_json()
    assert status["status"] == "done" and status["progress"] == 1.0
