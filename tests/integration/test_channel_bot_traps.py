"""The forum, hearing and suggestion forms carry the same bot traps as comments (consult.core.security.abuse)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, login


def _fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`, as a browser would send them."""
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)) | dict(re.findall(r'<input id="\w+" name="(\w+)" type="hidden" value="([^"]*)"', form))


@pytest.fixture
def slow_forms(app):  # type: ignore[no-untyped-def]
    """The app; the test turns the minimum fill time on once its users have logged in."""
    yield app
    app.config["FORM_MIN_FILL_SECONDS"] = 0.0


def test_forum_thread_and_nested_reply_forms_refuse_bots_and_instant_posts(slow_forms, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.forums.models import Post

    app = slow_forms
    plan_id = make_plan()
    client = app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    app.config["FORM_MIN_FILL_SECONDS"] = 2.0
    board = client.get(f"/forums/plans/{plan_id}").headers["Location"]
    html = client.get(board).get_data(as_text=True)
    action = board + "/threads"
    fields = _fields(html, action)
    assert "rendered_at" in fields and 'name="website"' in html
    data = {**fields, "title": "公示期", "body": "建议延长公示期"}
    too_fast = client.post(action, data=data)
    assert too_fast.status_code == 400 and "过快" in too_fast.get_data(as_text=True)
    trapped = client.post(action, data={**data, "website": "http://spam.example"})
    assert trapped.status_code == 400
    app.config["FORM_MIN_FILL_SECONDS"] = 0.0  # a person who took their time
    assert client.post(action, data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 1
        thread_id = db.session.scalar(select(Post.thread_id))
    # The "reply to this floor" form of each reply carries the trap and the render time too.
    other = app.test_client()
    _, email2, password2 = make_user()
    login(other, email2, password2)
    page = other.get(f"/forums/threads/{thread_id}").get_data(as_text=True)
    reply_action = f"/forums/threads/{thread_id}/replies"
    assert other.post(reply_action, data={**_fields(page, reply_action), "body": "同意"}).status_code == 302
    page = client.get(f"/forums/threads/{thread_id}").get_data(as_text=True)
    nested = page[page.index('class="reply-form"') - 200 :]
    assert 'name="rendered_at"' in nested[: nested.index("</form>")] and 'name="website"' in nested[: nested.index("</form>")]


def test_suggestion_form_refuses_the_honeypot(app, client) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.suggestions.models import Suggestion

    page = client.get("/suggestions/new").get_data(as_text=True)
    assert 'name="website"' in page
    response = client.post("/suggestions/new", data={"csrf_token": csrf_from(page), "domain": "经济", "title": "建议", "body": "减少审批环节", "website": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Suggestion.id))) == 0
