"""Another department's unpublished draft is invisible on every route that takes it, public or staff.

Walks every rule in ``app.url_map`` whose variables name a draft plan of department A or something
hanging off it (clause, comment, forum board/thread/post, hearing, digest), plus a draft survey of
department A, as a department user of department B: every method answers 403 or 404 and no page
shows the draft's title. The plan's own department still opens it (the walk is not vacuous).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask
from werkzeug.routing import MapAdapter

from tests.conftest import csrf_from, login

DRAFT_TITLE = "甲部门未公开草案"
# URL variable → key in the objects made below; other fixed values for non-object variables.
DRAFT_OBJECTS = {
    "plan_id": "plan", "clause_id": "clause", "comment_id": "comment", "board_id": "board", "thread_id": "thread",
    "post_id": "post", "hearing_id": "hearing", "digest_id": "digest", "survey_id": "survey",
}
FIXED = {"theme": 0, "issue": 0, "kind": "xlsx", "action": "pin", "number": 1}


def _draft_objects(app: Flask, make_plan) -> dict:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.forums.models import Post, Thread
    from consult.hearings.models import Hearing
    from consult.plans.models import Comment, Plan
    from consult.surveys import building as surveys_build

    plan_id = make_plan(department="部门甲", published=False, title=DRAFT_TITLE)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        version = plan.current_version
        comment = Comment(plan_id=plan.id, version_id=version.id, body="草案意见", status="pending", created_at=datetime.now(UTC))
        board = forums.plan_board(plan)
        db.session.flush()
        thread = Thread(board_id=board.id, title="草案讨论", author_label="网友")
        db.session.add(thread)
        db.session.flush()
        post = Post(thread_id=thread.id, is_opener=True, body="草案帖子", author_label="网友")
        now = datetime.now(UTC)
        secret = secrets.token_hex(16)
        hearing = Hearing(plan_id=plan.id, department_id=plan.department_id, title="草案听证", starts_at=now + timedelta(days=20),
                          registration_opens_at=now, registration_closes_at=now + timedelta(days=10), seed_secret=secret, seed_commitment=secret)
        digest = Digest(plan_id=plan.id)
        db.session.add_all([comment, post, hearing, digest])
        author = accounts.register(f"a{secrets.token_hex(4)}@example.com", "password123", "甲部门", role="staff")
        spec = {"questions": [{"key": "q1", "type": "rating", "title": "满意吗", "required": True}]}
        survey = surveys_build.create(author, title="甲部门草稿问卷", description="", department="部门甲", service="窗口",
                                      plan_id=None, anonymous=False, mode="open", opens_at=None, closes_at=None, spec=spec)
        db.session.commit()
        return {"plan": plan.id, "clause": version.clauses[0].id, "comment": comment.id, "board": board.id, "thread": thread.id,
                "post": post.id, "hearing": hearing.id, "digest": digest.id, "survey": survey.id}


def _draft_requests(app: Flask, objects: dict):  # type: ignore[no-untyped-def]
    adapter: MapAdapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        names = set(rule.arguments)
        if not names & set(DRAFT_OBJECTS) or not names <= set(DRAFT_OBJECTS) | set(FIXED):
            continue
        values = {n: objects[DRAFT_OBJECTS[n]] if n in DRAFT_OBJECTS else FIXED[n] for n in names}
        url = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def _send(client, method: str, url: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/account/login").get_data(as_text=True))
    return client.open(url, method=method, data={"csrf_token": token, "body": "试图评论草案", "title": "标题"})


def test_another_departments_draft_is_refused_on_every_route(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    objects = _draft_objects(app, make_plan)
    client = app.test_client()
    _, email, password = make_user(role="department", department="部门乙")
    login(client, email, password)
    failures, walked = [], set()
    for rule, method, url in _draft_requests(app, objects):
        walked.add(rule.endpoint)
        response = _send(client, method, url)
        # A refused vote goes back with a flash (303); whether anything changed is checked below.
        allowed = (403, 404, 303) if method == "POST" and rule.endpoint == "plans.vote" else (403, 404)
        if rule.endpoint.startswith("api_staff."):
            allowed = (401,)  # a browser session never authenticates the token API (walked with a token below)
        if response.status_code not in allowed or DRAFT_TITLE in response.get_data(as_text=True):
            failures.append(f"{method} {url} ({rule.endpoint}) → {response.status_code}")
    assert not failures, failures
    _assert_draft_untouched(app, objects)
    # The two routes of the review, and the public readers of plan, forum and hearing, are in the walk.
    assert {"plans.detail", "plans.clause", "forums.plan", "forums.board", "forums.thread", "hearings.detail", "staff.plan", "surveys.detail"} <= walked
    assert len(walked) >= 40
    assert {"api.plan", "api.version", "api.plan_comments", "api.thread", "api.hearing", "api_data.open_data_csv", "api.plan_statistics"} <= walked


def test_another_departments_token_is_refused_on_every_api_route_of_the_draft(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.integration.api_helpers import token_for

    objects = _draft_objects(app, make_plan)
    user_id, _email, _password = make_user(role="department", department="部门乙")
    headers = {"Authorization": f"Bearer {token_for(app, user_id, ['imports:write', 'digests:read', 'answers:read', 'answers:write'])}"}
    client = app.test_client()
    failures, walked = [], set()
    for rule, method, url in _draft_requests(app, objects):
        if not rule.rule.startswith("/api"):
            continue
        walked.add(rule.endpoint)
        body = {"external_id": "x", "channel": "letter", "records": [{"text": "试图导入"}], "comment_ids": [objects["comment"]], "status": "adopted", "text": "x"}
        response = client.open(url, method=method, headers=headers, data=json.dumps(body), content_type="application/json")
        if response.status_code not in (403, 404) or DRAFT_TITLE in response.get_data(as_text=True):
            failures.append(f"{method} {url} ({rule.endpoint}) → {response.status_code}")
    assert not failures, failures
    assert {"api_staff.imports", "api_staff.digests", "api_staff.digest", "api_staff.answers", "api_staff.write_answers", "api.plan"} <= walked
    _assert_draft_untouched(app, objects)


def _assert_draft_untouched(app: Flask, objects: dict) -> None:
    from sqlalchemy import func, select

    from consult.extensions import db
    from consult.forums.models import Post, Thread
    from consult.plans.models import Comment, CommentVote, Plan

    with app.app_context():
        plan = db.session.get(Plan, objects["plan"])
        assert not plan.published and plan.current_version.number == 1
        assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.plan_id == plan.id)) == 1
        assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 0
        assert db.session.scalar(select(func.count()).select_from(Thread).where(Thread.board_id == objects["board"])) == 1
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_the_drafts_own_department_still_reads_it(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="department", department="部门甲")
    objects = _draft_objects(app, make_plan)
    client = app.test_client()
    login(client, email, password)
    for url in (f"/plans/{objects['plan']}", f"/staff/plans/{objects['plan']}"):
        response = client.get(url)
        assert response.status_code == 200 and DRAFT_TITLE in response.get_data(as_text=True)
    assert client.get(f"/forums/plans/{objects['plan']}").status_code == 302
    anonymous = app.test_client()
    assert anonymous.get(f"/plans/{objects['plan']}").status_code == 404
