"""The channel registry: one registration makes a channel known to imports, digests, moderation and labels."""

from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_from, login


@pytest.fixture
def wechat(app):  # type: ignore[no-untyped-def]
    from consult.core import channels

    channel = channels.register(channels.Channel("wechat", "微信公众号留言", order=45, public=False, hiding=channels.Hiding.MODERATION, imported=True))
    yield channel
    channels._REGISTRY.pop("wechat")


def test_every_feature_registers_its_channel(app) -> None:  # type: ignore[no-untyped-def]
    from consult.core import channels

    assert channels.sources() == ("web", "letter", "email", "hotline", "forum", "hearing", "survey", "expert")
    assert channels.for_origin("hearing_minutes").source == "hearing"
    assert channels.for_origin("forum_post").hiding is channels.Hiding.ORIGIN
    assert [c.source for c in channels.moderated()] == ["web", "letter", "email", "hotline"]


def test_a_new_channel_is_one_registration(app, make_user, make_plan, wechat) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    plan_id = make_plan()
    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    page = staff.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True)
    assert 'value="wechat"' in page and "微信公众号留言" in page
    upload = (io.BytesIO("内容\n建议公众号也能提交意见\n".encode()), "wechat.csv")
    response = staff.post(f"/staff/plans/{plan_id}/import", data={"csrf_token": csrf_from(page), "channel": "wechat", "upload": upload}, content_type="multipart/form-data")
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.query(Comment).filter_by(source="wechat").one()
        assert stored.author_label == "微信公众号留言"
    digest_page = staff.get(f"/staff/plans/{plan_id}/digest").get_data(as_text=True)
    assert 'value="wechat"' in digest_page
    queue = staff.get("/staff/moderation/").get_data(as_text=True)
    assert "微信公众号留言" in queue


def test_mirroring_an_unregistered_origin_is_a_programming_error(app, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans import mirror
    from consult.plans.models import Plan

    plan_id = make_plan()
    with app.app_context(), pytest.raises(ValueError, match="registered"):
        mirror.mirror(plan=db.session.get(Plan, plan_id), source="forum", body="x", origin_type="hearing_minutes", origin_id=1)
