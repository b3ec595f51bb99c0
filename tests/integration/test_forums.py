"""Forums: threads and one-level replies, votes, flags, staff moderation, search, and the plan digest feed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, login


def _client(app, make_user, **kw):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user_id, email, password = make_user(**kw)
    login(client, email, password)
    return client, user_id


def _token(client, url: str = "/forums/") -> str:  # type: ignore[no-untyped-def]
    return csrf_from(client.get(url).get_data(as_text=True))


def _post(client, url: str, **data):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": _token(client), **data})


def _board_of(client, plan_id: int) -> int:  # type: ignore[no-untyped-def]
    response = client.get(f"/forums/plans/{plan_id}")
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _thread(client, board_id: int, title: str = "公示期应当延长", body: str = "三十日太短，建议延长到四十五日。", **extra):  # type: ignore[no-untyped-def]
    response = _post(client, f"/forums/boards/{board_id}/threads", title=title, body=body, **extra)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/forums/threads/(\d+)", response.headers["Location"]).group(1))


def _reply(client, thread_id: int, body: str, **extra):  # type: ignore[no-untyped-def]
    return _post(client, f"/forums/threads/{thread_id}/replies", body=body, **extra)


def _count(app, model, **where) -> int:  # type: ignore[no-untyped-def]
    from consult.extensions import db

    with app.app_context():
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def _last_post_id(app) -> int:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.forums.models import Post

    with app.app_context():
        return db.session.scalar(select(func.max(Post.id)))


@pytest.fixture
def forum(any_app, make_user, make_plan):  # type: ignore[no-untyped-def]
    plan_id = make_plan(department="市发展改革委")
    alice, alice_id = _client(any_app, make_user)
    bob, bob_id = _client(any_app, make_user)
    board_id = _board_of(alice, plan_id)
    return any_app, plan_id, board_id, (alice, alice_id), (bob, bob_id)


def test_thread_with_reply_nested_reply_and_quote_is_shown_to_everyone(forum) -> None:  # type: ignore[no-untyped-def]
    app, plan_id, board_id, (alice, _), (bob, _) = forum
    assert "进入本方案讨论区" in alice.get(f"/plans/{plan_id}").get_data(as_text=True)
    thread_id = _thread(alice, board_id)
    assert _reply(bob, thread_id, "同意，另外应当公布收到的意见。").status_code == 302
    first = _last_post_id(app)
    assert _reply(alice, thread_id, "谢谢，我也这样认为。", parent_id=str(first)).status_code == 302
    nested = _last_post_id(app)
    assert _reply(bob, thread_id, "补充一点。", quote_id=str(nested)).status_code == 302
    page = app.test_client().get(f"/forums/threads/{thread_id}").get_data(as_text=True)  # anonymous reader
    for text in ("公示期应当延长", "三十日太短", "同意，另外应当公布收到的意见。", "谢谢，我也这样认为。", "补充一点。"):
        assert text in page
    assert f'class="post nested" id="post-{nested}"' in page
    assert re.search(r'<blockquote class="quote">.*谢谢，我也这样认为', page)
    board = app.test_client().get(f"/forums/boards/{board_id}").get_data(as_text=True)
    assert re.search(rf'data-thread-id="{thread_id}".*?class="reply-count">3<', board, re.S)

    # Only one level: answering the nested reply is refused and nothing is stored.
    response = _reply(bob, thread_id, "楼中楼中楼", parent_id=str(nested))
    assert response.status_code == 400 and "楼中楼" in response.get_data(as_text=True)
    assert _count(app, __import__("consult.forums.models", fromlist=["Post"]).Post) == 4


def test_bad_bodies_titles_and_ids_are_refused_with_a_clear_message(forum, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.forums.models import Post

    app, plan_id, board_id, (alice, _), (bob, _) = forum
    thread_id = _thread(alice, board_id)
    cases = [
        (f"/forums/boards/{board_id}/threads", {"title": "", "body": "内容"}, 400, "标题不能为空"),
        (f"/forums/boards/{board_id}/threads", {"title": "标题", "body": "   "}, 400, "内容不能为空"),
        (f"/forums/boards/{board_id}/threads", {"title": "长" * 81, "body": "内容"}, 400, "标题不能超过 80 字"),
        (f"/forums/boards/{board_id}/threads", {"title": "标题", "body": "<script>alert(1)</script>"}, 400, "HTML"),
        (f"/forums/threads/{thread_id}/replies", {"body": "字" * 5001}, 400, "不能超过 5000 字"),
        (f"/forums/threads/{thread_id}/replies", {"body": '<a href="x">点我</a>'}, 400, "HTML"),
        (f"/forums/threads/{thread_id}/replies", {"body": "好", "parent_id": "abc"}, 400, "回复对象无效"),
        (f"/forums/threads/{thread_id}/replies", {"body": "好", "parent_id": "999999"}, 400, "不在这个主题中"),
        (f"/forums/threads/{thread_id}/replies", {"body": "好", "quote_id": "999999"}, 400, "不在这个主题中"),
        ("/forums/threads/999999/replies", {"body": "好"}, 404, "没有找到该主题"),
        ("/forums/posts/999999/support", {}, 404, "没有找到该帖子"),
        (f"/forums/threads/{thread_id}/replies", {"body": "好", "parent_id": "99999999999"}, 400, "回复对象无效"),
        ("/forums/threads/99999999999/replies", {"body": "好"}, 404, "没有找到"),
    ]
    for url, data, status, message in cases:
        response = _post(bob, url, **data)
        assert response.status_code == status, (url, data, response.status_code)
        assert message in response.get_data(as_text=True), (url, data)
    assert _count(app, Post) == 1  # only the opener
    assert bob.get("/forums/threads/99999999999").status_code == 404
    assert bob.get(f"/forums/boards/{board_id}?page=-3&sort=nonsense").status_code == 200
    assert bob.get("/forums/search?q=" + "长" * 500 + "&board=abc").status_code == 200

    # A reply may not hang under a post of another thread (someone else's ids).
    other_thread = _thread(bob, board_id, title="另一个主题", body="另一个内容")
    other_post = _last_post_id(app)
    response = _reply(alice, thread_id, "挂到别处", parent_id=str(other_post))
    assert response.status_code == 400
    assert _count(app, Post, thread_id=thread_id) == 1 and _count(app, Post, thread_id=other_thread) == 1

    # The same form sent twice is stored once.
    assert _reply(bob, thread_id, "只应保存一次", submission_id="sub-1").status_code == 302
    again = _reply(bob, thread_id, "只应保存一次", submission_id="sub-1")
    assert again.status_code == 302 and _count(app, Post, thread_id=thread_id) == 2


def test_unverified_and_anonymous_cannot_post(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan()
    client, _ = _client(any_app, make_user, verified=False)
    board_id = _board_of(client, plan_id)
    response = _post(client, f"/forums/boards/{board_id}/threads", title="标题", body="内容")
    assert response.status_code == 403 and "验证" in response.get_data(as_text=True)
    anonymous = any_app.test_client()
    response = anonymous.post(f"/forums/boards/{board_id}/threads", data={"csrf_token": _token(anonymous, "/account/login"), "title": "t", "body": "b"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_locked_thread_closed_board_and_closed_plan_refuse_posts(forum, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.forums.models import Post

    app, plan_id, board_id, (alice, _), (bob, _) = forum
    staff, _ = _client(app, make_user, role="staff")
    thread_id = _thread(alice, board_id)
    assert _reply(bob, thread_id, "锁定前的回复").status_code == 302

    assert _post(staff, f"/forums/threads/{thread_id}/lock", value="1").status_code == 303
    response = _reply(bob, thread_id, "锁定后的回复")
    assert response.status_code == 403 and "该主题已被锁定" in response.get_data(as_text=True)
    assert "该主题已被锁定" in bob.get(f"/forums/threads/{thread_id}").get_data(as_text=True)
    assert "锁定前的回复" in bob.get(f"/forums/threads/{thread_id}").get_data(as_text=True)  # nothing lost

    assert _post(staff, f"/forums/boards/{board_id}/close", value="1").status_code == 303
    response = _post(bob, f"/forums/boards/{board_id}/threads", title="关闭后", body="关闭后的主题")
    assert response.status_code == 403 and "讨论区已被管理员关闭" in response.get_data(as_text=True)
    assert "讨论区已被管理员关闭" in bob.get(f"/forums/boards/{board_id}").get_data(as_text=True)
    assert _count(app, Post) == 2

    closed_plan = make_plan(closed=True)
    closed_board = _board_of(bob, closed_plan)
    response = _post(bob, f"/forums/boards/{closed_board}/threads", title="期满后", body="期满后的主题")
    assert response.status_code == 403 and "征求意见期已结束" in response.get_data(as_text=True)
    assert _count(app, Post) == 2


def test_support_once_flag_once_and_not_ones_own(forum) -> None:  # type: ignore[no-untyped-def]
    from consult.forums.models import PostVote, Thread
    from consult.moderation.models import Flag

    app, plan_id, board_id, (alice, _), (bob, _) = forum
    thread_id = _thread(alice, board_id)
    opener = _last_post_id(app)
    assert _post(bob, f"/forums/posts/{opener}/support").status_code == 303
    twice = _post(bob, f"/forums/posts/{opener}/support")
    assert twice.status_code == 409 and "已经支持过" in twice.get_data(as_text=True)
    own = _post(alice, f"/forums/posts/{opener}/support")
    assert own.status_code == 400
    assert _count(app, PostVote) == 1
    from consult.extensions import db

    with app.app_context():
        assert db.session.get(Thread, thread_id).support_count == 1

    assert _post(bob, f"/forums/posts/{opener}/flag", reason="广告").status_code == 303
    again = _post(bob, f"/forums/posts/{opener}/flag", reason="广告")
    assert again.status_code == 409 and "已经举报过" in again.get_data(as_text=True)
    assert _post(alice, f"/forums/posts/{opener}/flag").status_code == 400
    assert _count(app, Flag) == 1


def test_sorting_and_pagination_of_threads_and_replies(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.forums.models import Board, Post
    from consult.plans.models import Plan

    plan_id = make_plan()
    ids = [make_user()[0] for _ in range(3)]
    with app.app_context():
        users = [db.session.get(User, i) for i in ids]
        board = forums.plan_board(db.session.get(Plan, plan_id))
        quiet, _ = forums.start_thread(user=users[0], board=board, title="安静的主题", body="内容一")
        liked, _ = forums.start_thread(user=users[0], board=board, title="受支持的主题", body="内容二")
        busy, _ = forums.start_thread(user=users[0], board=board, title="热闹的主题", body="内容三")
        forums.support(users[1], forums.opener(liked))
        forums.support(users[2], forums.opener(liked))
        for k in range(65):
            forums.reply(user=users[1 + k % 2], thread=busy, body=f"第{k}楼的看法")
        db.session.commit()
        board_id = db.session.scalar(select(Board.id))
        quiet_id, busy_id = quiet.id, busy.id
        first_reply = db.session.scalar(select(Post.id).where(Post.thread_id == busy.id, Post.is_opener.is_(False)).order_by(Post.id))
    client = app.test_client()

    def order(sort: str) -> list[str]:
        page = client.get(f"/forums/boards/{board_id}?sort={sort}").get_data(as_text=True)
        return re.findall(r'<a href="/forums/threads/\d+">([^<]+)</a>', page)

    assert order("support")[0] == "受支持的主题"
    assert order("replies")[0] == "热闹的主题"
    assert order("new")[0] == "热闹的主题" and order("new")[-1] == "安静的主题"

    page1 = client.get(f"/forums/threads/{busy_id}").get_data(as_text=True)
    page3 = client.get(f"/forums/threads/{busy_id}?page=3").get_data(as_text=True)
    assert "第0楼的看法" in page1 and "第29楼的看法" in page1 and "第30楼的看法" not in page1
    assert "第64楼的看法" in page3 and "第0楼的看法" not in page3 and "内容三" not in page3
    assert "第 3 / 3 页" in page3
    # A nested answer to the first reply is shown on page 1, where its parent is.
    with app.app_context():
        thread = db.session.get(forums.Thread, busy_id)
        forums.reply(user=db.session.get(User, ids[0]), thread=thread, body="对一楼的楼中楼", parent_id=first_reply)
        db.session.commit()
    assert "对一楼的楼中楼" in client.get(f"/forums/threads/{busy_id}").get_data(as_text=True)
    # Pinning puts a thread first whatever the sort.
    staff, _ = _client(app, make_user, role="staff")
    assert _post(staff, f"/forums/threads/{quiet_id}/pin", value="1").status_code == 303
    assert order("support")[0] == "安静的主题"


def test_traditional_and_simplified_find_each_other(any_app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.forums import operations as forums

    user_id = make_user()[0]
    with any_app.app_context():
        boards = forums.domain_boards()
        user = db.session.get(User, user_id)
        forums.start_thread(user=user, board=boards[0], title="营商环境的改革", body="建议简化企业开办流程。")
        forums.start_thread(user=user, board=boards[3], title="養老服務", body="社區養老機構應當增加護理人員。")
        db.session.commit()
    client = any_app.test_client()
    found = client.get("/forums/search?q=營商環境").get_data(as_text=True)
    assert "营商环境的改革" in found and "養老服務" not in found
    found = client.get("/forums/search?q=养老护理人员").get_data(as_text=True)
    assert "社區養老機構應當增加護理人員" in found and "营商环境" not in found
    assert "没有找到相关帖子" in client.get("/forums/search?q=无关词语").get_data(as_text=True)


def test_staff_actions_need_the_right_role_and_department_and_are_audited(forum, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.forums import operations as forums
    from consult.forums.models import Board, Post, Thread

    app, plan_id, board_id, (alice, _), (bob, _) = forum
    thread_id = _thread(alice, board_id)
    other_id = _thread(bob, board_id, title="重复的主题", body="同样是公示期的问题")
    post_id = _last_post_id(app)
    outsider, _ = _client(app, make_user, role="department", department="市教育局")
    with app.app_context():
        from consult.core.models import Department, User
        from consult.plans.models import Plan

        own_dept = db.session.get(Plan, plan_id).department_id
    insider, insider_id = _client(app, make_user, role="department")
    with app.app_context():
        db.session.get(User, insider_id).department_id = own_dept
        db.session.commit()
        assert db.session.get(Department, own_dept).name == "市发展改革委"

    actions = [
        (f"/forums/threads/{thread_id}/pin", {"value": "1"}),
        (f"/forums/threads/{thread_id}/lock", {"value": "1"}),
        (f"/forums/threads/{thread_id}/hide", {"value": "1"}),
        (f"/forums/threads/{other_id}/merge", {"target": str(thread_id)}),
        (f"/forums/posts/{post_id}/hide", {"value": "1"}),
        (f"/forums/posts/{post_id}/resolve", {"value": "1"}),
        (f"/forums/boards/{board_id}/close", {"value": "1"}),
    ]
    for client in (alice, outsider):
        for url, data in actions:
            response = _post(client, url, **data)
            assert response.status_code == 403, (url, response.status_code)
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert not (thread.pinned or thread.locked or thread.hidden) and not db.session.get(Board, board_id).closed
        assert db.session.get(Thread, other_id).merged_into_id is None and not db.session.get(Post, post_id).hidden
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0
    assert "论坛举报处理" in insider.get("/forums/moderation").get_data(as_text=True)
    assert alice.get("/forums/moderation").status_code == 403

    # The department's own staff may; each action is in the audit log.
    assert _post(insider, f"/forums/threads/{thread_id}/pin", value="1").status_code == 303
    assert _post(insider, f"/forums/threads/{other_id}/merge", target=str(thread_id)).status_code == 303
    assert _post(insider, f"/forums/posts/{post_id}/hide", value="1").status_code == 303
    bad = _post(insider, f"/forums/threads/{thread_id}/lock", value="maybe")
    assert bad.status_code == 400
    with app.app_context():
        actions_logged = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions_logged == ["forum.thread.pin", "forum.thread.merge", "forum.post.hide"]
        assert db.session.get(Thread, thread_id).reply_count == 0  # the merged opener is hidden now
        assert db.session.get(Thread, other_id).merged_into_id == thread_id
        domain = forums.domain_boards()[0]
        db.session.commit()
        domain_id = domain.id
    # The standing boards belong to the reform office: department staff may not close them.
    assert _post(insider, f"/forums/boards/{domain_id}/close", value="1").status_code == 403
    staff, _ = _client(app, make_user, role="staff")
    assert _post(staff, f"/forums/boards/{domain_id}/close", value="1").status_code == 303
    # A merged thread's old address leads to where its posts went.
    response = alice.get(f"/forums/threads/{other_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/forums/threads/{thread_id}")


def _established(app) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from consult.core.models import User
    from consult.extensions import db

    with app.app_context():
        db.session.execute(update(User).values(created_at=datetime.now(UTC) - timedelta(days=30)))
        db.session.commit()


def test_three_flags_hide_a_post_until_staff_keep_it(forum, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.forums.models import Post

    app, plan_id, board_id, (alice, _), (bob, _) = forum
    thread_id = _thread(alice, board_id)
    assert _reply(alice, thread_id, "这条回复被人举报").status_code == 302
    post_id = _last_post_id(app)
    carol, _ = _client(app, make_user)
    dave, _ = _client(app, make_user)
    _established(app)  # reports from accounts a week old or more count fully (test_report_weighing.py)
    for client in (bob, carol):
        assert _post(client, f"/forums/posts/{post_id}/flag", reason="人身攻击").status_code == 303
    with app.app_context():
        assert not db.session.get(Post, post_id).hidden
    assert _post(dave, f"/forums/posts/{post_id}/flag").status_code == 303
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.hidden and post.hidden_reason == "flags"
        assert len(db.session.scalars(digests._analysed(plan_id, digests.ALL_SOURCES)).all()) == 1  # withdrawn
    page = bob.get(f"/forums/threads/{thread_id}").get_data(as_text=True)
    assert "这条回复被人举报" not in page and "该帖已被隐藏" in page

    staff, _ = _client(app, make_user, role="staff")
    queue = staff.get("/forums/moderation").get_data(as_text=True)
    assert re.search(rf'data-post-id="{post_id}".*?class="flag-count">3<', queue, re.S)
    assert _post(staff, f"/forums/posts/{post_id}/resolve", value="1").status_code == 303
    with app.app_context():
        assert not db.session.get(Post, post_id).hidden  # kept: shown again, never deleted
        assert len(db.session.scalars(digests._analysed(plan_id, digests.ALL_SOURCES)).all()) == 2
    assert "这条回复被人举报" in bob.get(f"/forums/threads/{thread_id}").get_data(as_text=True)
    assert "没有待处理的举报" in staff.get("/forums/moderation").get_data(as_text=True)


def test_plan_board_posts_feed_the_plan_digest_as_forum_source(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.forums import moderation as forum_moderation
    from consult.forums import operations as forums
    from consult.plans import comments
    from consult.plans.models import Comment, Plan

    plan_id = make_plan()
    a, b, staff_id = make_user()[0], make_user()[0], make_user(role="staff")[0]
    with any_app.app_context():
        plan = db.session.get(Plan, plan_id)
        alice, bob, staff = (db.session.get(User, i) for i in (a, b, staff_id))
        board = forums.plan_board(plan)
        thread, _ = forums.start_thread(user=alice, board=board, title="公示期", body="公示期应当延长到四十五日。")
        reply, _ = forums.reply(user=bob, thread=thread, body="同意延长公示期，并公开采纳情况。")
        other, _ = forums.start_thread(user=bob, board=board, title="公示方式", body="公示应当在政府网站首页。")
        comments.post_comment(user=alice, plan=plan, body="网上留言：建议增加听证环节。")
        # Standing domain boards are not about one plan: nothing mirrored.
        forums.start_thread(user=alice, board=forums.domain_boards()[0], title="营商环境", body="与方案无关的讨论。")
        db.session.commit()

        forum_only = db.session.scalars(digests._analysed(plan_id, digests.sources_key(["forum"]))).all()
        assert sorted(c.body for c in forum_only) == sorted(["公示期\n公示期应当延长到四十五日。", "同意延长公示期，并公开采纳情况。", "公示方式\n公示应当在政府网站首页。"])
        assert {c.source for c in forum_only} == {"forum"} and {c.origin_type for c in forum_only} == {"forum_post"}

        forum_moderation.hide_post(staff, reply, True)
        db.session.commit()
        assert len(db.session.scalars(digests._analysed(plan_id, digests.sources_key(["forum"]))).all()) == 2
        forum_moderation.hide_post(staff, reply, False)
        forum_moderation.set_thread_flag(staff, other, "hidden", True)  # a hidden thread takes its posts along
        db.session.commit()
        assert len(db.session.scalars(digests._analysed(plan_id, digests.sources_key(["forum"]))).all()) == 2
        forum_moderation.set_thread_flag(staff, other, "hidden", False)
        forum_moderation.merge_threads(staff, other, thread)  # merging keeps the mirrored copies
        db.session.commit()
        assert len(db.session.scalars(digests._analysed(plan_id, digests.sources_key(["forum"]))).all()) == 3

        digest, created = digests.request_digest(plan, sources=["forum"])
        db.session.commit()
        assert created and digests.build(digest.id) == "done"
        digest = db.session.get(Digest, digest.id)
        assert digest.comment_count == 3
        everything, _ = digests.request_digest(plan)
        db.session.commit()
        assert digests.build(everything.id) == "done"
        assert db.session.get(Digest, everything.id).comment_count == 4
        assert db.session.scalar(select(func.count(Comment.id)).where(Comment.source == "forum")) == 3


def test_demo_fills_the_forum_once(app) -> None:  # type: ignore[no-untyped-def]
    from consult.demo import loader as demo
    from consult.extensions import db
    from consult.forums.models import Post, Thread
    from consult.plans.models import Comment

    with app.app_context():
        first = demo.load()
        db.session.commit()
        assert first["forum_posts_created"] > 20
        assert demo.load()["forum_posts_created"] == 0  # safe to run twice
        db.session.commit()
        assert db.session.scalar(select(func.count(Post.id))) == first["forum_posts_created"]
        mirrored = db.session.scalar(select(func.count(Comment.id)).where(Comment.source == "forum"))
        assert 0 < mirrored < first["forum_posts_created"]  # only the plans' boards feed digests
        thread = db.session.scalar(select(Thread).where(Thread.title == "老年人不会用手机怎么办？"))
        assert thread.reply_count == 3
    page = app.test_client().get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "我们小区已经有了，确实方便。" in page
    index = app.test_client().get("/forums/").get_data(as_text=True)
    assert "社会改革论坛" in index and "一网通办" in index


def test_reply_reaches_the_starters_inbox_not_the_replier_s(forum) -> None:  # type: ignore[no-untyped-def]
    from consult.core import notifications

    app, plan_id, board_id, (alice, alice_id), (bob, bob_id) = forum
    thread_id = _thread(alice, board_id)
    assert _reply(bob, thread_id, "回复给楼主").status_code == 302
    top = _last_post_id(app)
    assert _reply(alice, thread_id, "楼主回复二楼", parent_id=str(top)).status_code == 302
    with app.app_context():
        mine = notifications.inbox(alice_id)
        assert [n.body for n in mine] == ["回复给楼主"] and mine[0].link.startswith(f"/forums/threads/{thread_id}#post-")
        assert [n.body for n in notifications.inbox(bob_id)] == ["楼主回复二楼"]


def test_new_threads_and_replies_share_one_rate_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.forums.models import Post
    from tests.conftest import _make_app, seed_open_plan

    limited = _make_app(tmp_path, f"sqlite:///{tmp_path / 'limits.sqlite'}", RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="4 per minute")
    _, plan_id = seed_open_plan(limited)
    client = limited.test_client()
    login(client, "c@example.com", "password123")
    board_id = _board_of(client, plan_id)
    thread_id = _thread(client, board_id, title="第一个主题", body="内容")
    statuses = [_reply(client, thread_id, f"第{i}条回复").status_code for i in range(3)]
    refused = _post(client, f"/forums/boards/{board_id}/threads", title="第二个主题", body="内容")
    assert statuses == [302, 302, 302] and refused.status_code == 429
    assert "操作过于频繁" in refused.get_data(as_text=True)
    with limited.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 4  # what was accepted is kept
