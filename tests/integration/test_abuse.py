"""Abuse: a flood from one client, bots that fill the honeypot or submit inhumanly fast,
and per-IP, per-account and per-phone limits on public writes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import _make_app, csrf_from, seed_open_plan


@pytest.fixture
def guarded_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return _make_app(tmp_path, f"sqlite:///{tmp_path / 'abuse.sqlite'}", RATELIMIT_ENABLED=True, FORM_MIN_FILL_SECONDS=3.0)


def _signed_in(app, login_name: str = "c@example.com", password: str = "password123"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    rendered = _field(page, "rendered_at")
    with _clock(+5):
        response = client.post("/account/login", data={"csrf_token": csrf_from(page), "rendered_at": rendered, "login": login_name, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _field(html: str, name: str) -> str:
    import re

    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"|name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1) or match.group(2)


class _clock:
    """Move consult.core.security.abuse's clock forward, as if the person had spent `seconds` on the form."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        import consult.core.security.abuse

        self.saved = consult.core.security.abuse.time
        shifted = self.seconds

        class Shifted:
            @staticmethod
            def time() -> float:
                return time.time() + shifted

        consult.core.security.abuse.time = Shifted  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        import consult.core.security.abuse

        consult.core.security.abuse.time = self.saved


def test_thousand_comments_in_a_minute_from_one_client(guarded_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    _, plan_id = seed_open_plan(guarded_app)
    client = _signed_in(guarded_app)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    token, rendered = csrf_from(page), _field(page, "rendered_at")
    statuses: list[int] = []
    refused_text = ""
    with _clock(+10):
        for i in range(1000):
            # Every submission twice, as a double click would send it.
            data = {"csrf_token": token, "rendered_at": rendered, "body": f"第{i // 2}条意见：停车难", "submission_id": f"sub-{i // 2}"}
            response = client.post(f"/plans/{plan_id}/comments", data=data)
            statuses.append(response.status_code)
            if response.status_code == 429 and not refused_text:
                refused_text = response.get_data(as_text=True)
                retry_after = int(response.headers["Retry-After"])
    assert statuses[:10] == [302] * 10  # the account's 10 per minute, duplicates included
    assert statuses[10:] == [429] * 990
    assert "操作过于频繁，请稍后再试（每分钟最多 10 次）" in refused_text and 0 < retry_after <= 60
    with guarded_app.app_context():
        bodies = list(db.session.scalars(select(Comment.body)))
        assert len(bodies) == len(set(bodies)) == 5  # five submissions, each stored once


def test_honeypot_and_inhumanly_fast_submissions_are_refused(guarded_app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    _, plan_id = seed_open_plan(guarded_app)
    client = _signed_in(guarded_app)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert 'class="bot-trap"' in page and 'name="website"' in page
    token, rendered = csrf_from(page), _field(page, "rendered_at")
    base = {"csrf_token": token, "body": "建议增加公交线路"}

    fast = client.post(f"/plans/{plan_id}/comments", data={**base, "rendered_at": rendered})
    assert fast.status_code == 400 and "提交速度过快" in fast.get_data(as_text=True)
    forged = client.post(f"/plans/{plan_id}/comments", data={**base, "rendered_at": "1700000000.0"})
    assert forged.status_code == 400 and "页面已过期" in forged.get_data(as_text=True)
    with _clock(+5):
        bot = client.post(f"/plans/{plan_id}/comments", data={**base, "rendered_at": rendered, "website": "http://spam.example"})
        assert bot.status_code == 400 and "提交未通过校验" in bot.get_data(as_text=True)
        person = client.post(f"/plans/{plan_id}/comments", data={**base, "rendered_at": rendered})
        assert person.status_code == 302
    with guarded_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 1

    # The same trap guards registration.
    anonymous = guarded_app.test_client()
    page = anonymous.get("/account/register").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "rendered_at": _field(page, "rendered_at"), "login": "13700001111", "password": "s3cret-pass-9", "confirm": "s3cret-pass-9"}
    assert anonymous.post("/account/register", data=data).status_code == 400
    with _clock(+5):
        assert anonymous.post("/account/register", data={**data, "website": "x"}).status_code == 400
        assert anonymous.post("/account/register", data=data).status_code == 302


def test_codes_are_limited_per_phone_number_and_registrations_per_address(guarded_app, caplog) -> None:  # type: ignore[no-untyped-def]
    guarded_app.config["CODE_RATE_LIMIT"] = "2 per hour"
    guarded_app.config["REGISTER_IP_RATE_LIMIT"] = "3 per hour"
    try:
        statuses = []
        for n in range(4):
            client = guarded_app.test_client()
            page = client.get("/account/register").get_data(as_text=True)
            with _clock(+5):
                statuses.append(client.post("/account/register", data={"csrf_token": csrf_from(page), "rendered_at": _field(page, "rendered_at"), "login": f"1370000{n:04d}", "password": "s3cret-pass-9", "confirm": "s3cret-pass-9"}).status_code)
        assert statuses == [302, 302, 302, 429]

        from consult.core.models import VerificationCode
        from consult.extensions import db

        # Resending to one number: the per-phone limit holds whatever the code cooldown says.
        client = _signed_in(guarded_app, "13700000000", "s3cret-pass-9")
        token = csrf_from(client.get("/account/verify").get_data(as_text=True))
        codes = []
        for _ in range(3):
            with guarded_app.app_context():
                for code in db.session.scalars(select(VerificationCode)):
                    code.created_at = datetime.now(UTC) - timedelta(hours=2)  # past the 60 s cooldown
                db.session.commit()
            codes.append(client.post("/account/verify/resend", data={"csrf_token": token}).status_code)
        assert codes == [302, 302, 429]
    finally:
        guarded_app.config["CODE_RATE_LIMIT"] = "5 per hour"
        guarded_app.config["REGISTER_IP_RATE_LIMIT"] = "10 per hour"


def test_a_render_token_is_bound_to_its_session_and_cannot_be_replayed_without_end(guarded_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from consult.core.security import abuse

    _, plan_id = seed_open_plan(guarded_app)
    client = _signed_in(guarded_app)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    token, rendered = csrf_from(page), _field(page, "rendered_at")
    # Lifted into another signed-in browser, the token is refused.
    other = _signed_in(guarded_app)
    other_page = other.get(f"/plans/{plan_id}").get_data(as_text=True)
    with _clock(+5):
        lifted = other.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(other_page), "rendered_at": rendered, "body": "搬来的令牌"})
    assert lifted.status_code == 400 and "页面已过期" in lifted.get_data(as_text=True)
    monkeypatch.setattr(abuse, "TOKEN_MAX_USES", 2)
    with _clock(+5):
        statuses = [
            client.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "rendered_at": rendered, "body": f"第{i}条：公交线路", "submission_id": f"replay-{i}"}).status_code
            for i in range(3)
        ]
    assert statuses == [302, 302, 400]
    fresh = _field(client.get(f"/plans/{plan_id}").get_data(as_text=True), "rendered_at")
    with _clock(+abuse.TOKEN_WINDOW_SECONDS + 60):  # a day later the page has to be loaded again
        stale = client.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "rendered_at": fresh, "body": "隔天再交"})
    assert stale.status_code == 400 and "页面已过期" in stale.get_data(as_text=True)
