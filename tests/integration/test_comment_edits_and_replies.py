"""Issue 15 item 6: authors edit or withdraw their comments while the window is open (the earlier text kept
for staff), reply to comments (one level, moderated, the parent's author notified), and "my comments"
shows plan, clause, moderation state and the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import csrf_from, login


def _client(app, make_user):  # type: ignore[no-untyped-def]
    user_id, login_name, password = make_user()
    client = app.test_client()
    login(client, login_name, password)
    return user_id, client


def _comment(app, user_id, plan_id, body, clause=None):  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        clause_id = plan.current_version.clauses[clause].id if clause is not None else None
        comment, _created = comments.post_comment(user=db.session.get(User, user_id), plan=plan, body=body, clause_id=clause_id)
        db.session.commit()
        return comment.id, clause_id


def _page(client, plan_id, clause_id=None):  # type: ignore[no-untyped-def]
    url = f"/plans/{plan_id}/clauses/{clause_id}" if clause_id else f"/plans/{plan_id}"
    return client.get(url).get_data(as_text=True)


def test_an_author_edits_their_comment_and_staff_see_the_earlier_text(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import OutboxEvent
    from consult.extensions import db
    from consult.plans.models import Comment, CommentRevision

    plan_id = make_plan()
    author_id, author = _client(app, make_user)
    comment_id, clause_id = _comment(app, author_id, plan_id, "建议把办理时限压缩到三天。", clause=1)
    page = _page(author, plan_id, clause_id)
    assert f'action="/plans/comments/{comment_id}/edit"' in page
    # An empty text is refused beside the field, with the page shown again.
    r = author.post(f"/plans/comments/{comment_id}/edit", data={"csrf_token": csrf_from(page), "body": "  "})
    assert r.status_code == 400 and f'id="edit-{comment_id}-error"' in r.get_data(as_text=True)
    r = author.post(f"/plans/comments/{comment_id}/edit", data={"csrf_token": csrf_from(page), "body": "建议把办理时限压缩到两天，并公开进度。"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#comment-{comment_id}")
    public = _page(app.test_client(), plan_id, clause_id)
    assert "压缩到两天" in public and "压缩到三天" not in public and "修改）" in public
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.edited_at is not None and comment.tokens is None  # segmented again by the worker
        assert [r.body for r in db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment_id))] == ["建议把办理时限压缩到三天。"]
        assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.task == "consult.segment_comment", OutboxEvent.ref_id == comment_id, OutboxEvent.processed_at.is_(None))) is not None
    # Staff see the earlier text in the answer workbench.
    _staff_id, staff_login, staff_password = make_user(role="staff")
    staff = app.test_client()
    login(staff, staff_login, staff_password)
    bench = staff.get(f"/staff/plans/{plan_id}/responses").get_data(as_text=True)
    assert "作者修改过 1 次" in bench and "压缩到三天" in bench


def test_only_the_author_edits_and_only_while_the_window_is_open(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    plan_id = make_plan()
    author_id, author = _client(app, make_user)
    comment_id, _clause = _comment(app, author_id, plan_id, "建议延长窗口服务时间。")
    _other_id, other = _client(app, make_user)
    page = _page(other, plan_id)
    assert f'action="/plans/comments/{comment_id}/edit"' not in page
    assert other.post(f"/plans/comments/{comment_id}/edit", data={"csrf_token": csrf_from(page), "body": "篡改"}).status_code == 404
    assert other.post(f"/plans/comments/{comment_id}/withdraw", data={"csrf_token": csrf_from(page)}).status_code == 404
    with app.app_context():
        db.session.get(Plan, plan_id).closes_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    page = _page(author, plan_id)
    assert f'action="/plans/comments/{comment_id}/edit"' not in page
    r = author.post(f"/plans/comments/{comment_id}/edit", data={"csrf_token": csrf_from(page), "body": "期满后修改"})
    assert r.status_code == 403 and "征求意见期已结束" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Comment, comment_id).body == "建议延长窗口服务时间。"


def test_a_withdrawn_comment_shows_as_withdrawn_and_leaves_the_workbench(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    author_id, author = _client(app, make_user)
    comment_id, _clause = _comment(app, author_id, plan_id, "建议取消纸质材料复印件。")
    page = _page(author, plan_id)
    assert author.post(f"/plans/comments/{comment_id}/withdraw", data={"csrf_token": csrf_from(page)}).status_code == 302
    public = _page(app.test_client(), plan_id)
    assert "已撤回" in public and "纸质材料复印件" not in public
    mine = author.get("/account/comments").get_data(as_text=True)
    assert "已撤回" in mine
    _staff_id, staff_login, staff_password = make_user(role="staff")
    staff = app.test_client()
    login(staff, staff_login, staff_password)
    assert f'id="row-{comment_id}"' not in staff.get(f"/staff/plans/{plan_id}/responses?filter=all").get_data(as_text=True)


def test_replies_thread_under_their_comment_are_moderated_and_notify_the_parent_author(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Notification
    from consult.extensions import db
    from consult.plans.models import Comment

    plan_id = make_plan(moderation="pre")
    author_id, _author = _client(app, make_user)
    parent_id, _clause = _comment(app, author_id, plan_id, "建议公开审批时限。")
    with app.app_context():
        db.session.get(Comment, parent_id).status = "published"
        db.session.commit()
    replier_id, replier = _client(app, make_user)
    page = _page(replier, plan_id)
    assert f'name="parent_id" value="{parent_id}"' in page
    r = replier.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "parent_id": str(parent_id), "body": "同意，还应公开每一步的经办人。"})
    assert r.status_code == 302
    with app.app_context():
        reply = db.session.scalar(select(Comment).where(Comment.parent_id == parent_id))
        assert reply.status == "pending" and reply.user_id == replier_id
        reply_id = reply.id
        # Pending: nobody is told yet.
        assert db.session.scalar(select(Notification).where(Notification.user_id == author_id, Notification.kind == "reply")) is None
    assert "经办人" not in _page(app.test_client(), plan_id)
    _staff_id, staff_login, staff_password = make_user(role="staff")
    staff = app.test_client()
    login(staff, staff_login, staff_password)
    queue = staff.get("/staff/moderation/").get_data(as_text=True)
    assert f"comment-{reply_id}" in queue
    r = staff.post("/staff/moderation/decide", data={"csrf_token": csrf_from(queue), "ids": [str(reply_id)], "action": "approve"})
    assert r.status_code in (200, 302, 303)
    public = _page(app.test_client(), plan_id)
    assert 'class="replies"' in public and "经办人" in public
    assert public.index("建议公开审批时限") < public.index("经办人")
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.user_id == author_id, Notification.kind == "reply"))
        assert note is not None and note.link.endswith(f"#comment-{reply_id}")
    # A reply to a reply (or to another plan's comment) is refused with the text kept.
    page = _page(replier, plan_id)
    r = replier.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "parent_id": str(reply_id), "body": "第二层回复"})
    assert r.status_code == 400 and "第二层回复" in r.get_data(as_text=True)


def test_my_comments_show_plan_clause_status_and_answer(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans.models import Plan
    from consult.responses import operations as responses

    plan_id = make_plan(title="优化营商环境若干措施")
    author_id, author = _client(app, make_user)
    comment_id, _clause = _comment(app, author_id, plan_id, "建议企业开办一网通办。", clause=1)
    staff_id, _login, _password = make_user(role="staff")
    with app.app_context():
        responses.respond(db.session.get(User, staff_id), db.session.get(Plan, plan_id), [comment_id], status="adopted", text="已在修订稿中增加。")
        db.session.commit()
        label = db.session.get(Plan, plan_id).current_version.clauses[1].label
    html = author.get("/account/comments").get_data(as_text=True)
    assert "优化营商环境若干措施" in html and label in html and "已公开" in html
    assert "官方答复" in html and "已在修订稿中增加。" in html and "采纳" in html
