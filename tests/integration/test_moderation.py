"""Moderation: sensitive words hold comments, the queue decides in bulk with reasons, flags hide posts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_from, login


def _client(app, make_user, role="citizen", department=""):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user_id, email, password = make_user(role=role, department=department)
    login(client, email, password)
    return client, user_id


def _post_comment(client, plan_id, body):  # type: ignore[no-untyped-def]
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    return client.post(f"/plans/{plan_id}/comments", data={"csrf_token": csrf_from(page), "body": body, "clause_id": "", "show_pseudonym": "y"})


def _comment(app, **where):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    with app.app_context():
        query = select(Comment)
        for key, value in where.items():
            query = query.where(getattr(Comment, key) == value)
        comment = db.session.scalar(query.order_by(Comment.id.desc()))
        db.session.expunge_all()
        return comment


def _decide(client, ids, action, reason=""):  # type: ignore[no-untyped-def]
    page = client.get("/staff/moderation/").get_data(as_text=True)
    return client.post("/staff/moderation/decide", data={"csrf_token": csrf_from(page), "ids": [str(i) for i in ids], "action": action, "reason": reason})


def _add_words(client, words):  # type: ignore[no-untyped-def]
    page = client.get("/staff/moderation/words").get_data(as_text=True)
    return client.post("/staff/moderation/words", data={"csrf_token": csrf_from(page), "words": words})


def test_sensitive_word_holds_comment_for_review_whatever_the_evasion(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    staff, _ = _client(any_app, make_user, role="staff")
    assert _add_words(staff, "违禁词\n敏感詞彙，another").status_code == 302
    plan_id = make_plan(moderation="post")
    author, author_id = _client(any_app, make_user)
    reader, _ = _client(any_app, make_user)

    # Full-width, zero-width and a space do not evade "违禁词"; the comment is stored, not dropped.
    assert _post_comment(author, plan_id, "这里有违\u200b禁 詞和其他内容").status_code == 302
    held = _comment(any_app, user_id=author_id)
    assert (held.status, held.held_kind, held.held_reason) == ("pending", "word", "违禁词")
    assert "内容含需人工复核的词语" in author.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "这里有违" not in reader.get(f"/plans/{plan_id}").get_data(as_text=True)
    mine = author.get("/account/comments").get_data(as_text=True)
    assert "待审核：内容含需人工复核的词语" in mine and "违禁词" not in mine  # the category, not the list

    # A clean comment on a post-moderated plan is public at once.
    assert _post_comment(author, plan_id, "建议增加公示环节。").status_code == 302
    assert _comment(any_app, user_id=author_id).status == "published"

    queue = staff.get("/staff/moderation/?status=word").get_data(as_text=True)
    assert "这里有违" in queue and "命中敏感词：违禁词" in queue and "建议增加公示环节" not in queue


def test_bulk_reject_needs_a_reason_that_the_author_then_sees_and_is_told(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Notification
    from consult.extensions import db

    plan_id = make_plan(moderation="pre")
    author, author_id = _client(any_app, make_user)
    _post_comment(author, plan_id, "第一条意见：先审后发。")
    first = _comment(any_app, user_id=author_id).id
    _post_comment(author, plan_id, "第二条意见：也要审核。")
    second = _comment(any_app, user_id=author_id).id
    assert _comment(any_app, id=first).status == "pending"
    staff, staff_id = _client(any_app, make_user, role="staff")

    response = _decide(staff, [first, second], "reject", "")
    assert response.status_code == 400 and "必须填写理由" in response.get_data(as_text=True)
    assert _comment(any_app, id=first).status == "pending"

    assert _decide(staff, [first], "reject", "含有人身攻击内容").status_code == 303
    assert _decide(staff, [second], "approve").status_code == 303
    assert (_comment(any_app, id=first).status, _comment(any_app, id=second).status) == ("rejected", "published")

    mine = author.get("/account/comments").get_data(as_text=True)
    assert "未通过审核" in mine and "含有人身攻击内容" in mine and "已公开" in mine
    assert "含有人身攻击内容" in author.get(f"/plans/{plan_id}").get_data(as_text=True)  # own comment, with reason
    with any_app.app_context():
        kinds = db.session.scalars(select(Notification.title).where(Notification.user_id == author_id, Notification.kind == "moderation")).all()
        assert len(kinds) == 2
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == staff_id).order_by(AuditEntry.id)).all()
        assert actions == ["comment.reject", "comment.approve"]
    inbox = author.get("/account/notifications").get_data(as_text=True)
    assert "未通过审核" in inbox and "理由：含有人身攻击内容" in inbox


def test_department_staff_see_and_decide_only_their_department(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    edu, _ = _client(any_app, make_user, role="department", department="市教育局")
    own_plan = make_plan(moderation="pre", department="市教育局", title="教育方案")
    other_plan = make_plan(moderation="pre", department="市卫健委", title="卫生方案")
    author, author_id = _client(any_app, make_user)
    _post_comment(author, own_plan, "关于教育的意见")
    own = _comment(any_app, user_id=author_id).id
    _post_comment(author, other_plan, "关于卫生的意见")
    foreign = _comment(any_app, user_id=author_id).id

    queue = edu.get("/staff/moderation/").get_data(as_text=True)
    assert "关于教育的意见" in queue and "关于卫生的意见" not in queue
    assert "关于卫生的意见" not in edu.get(f"/staff/moderation/?plan={other_plan}").get_data(as_text=True)

    # A batch smuggling another department's id is refused as a whole, not partly applied.
    response = _decide(edu, [own, foreign], "approve")
    assert response.status_code == 403 and "本次操作未执行" in response.get_data(as_text=True)
    assert (_comment(any_app, id=own).status, _comment(any_app, id=foreign).status) == ("pending", "pending")
    assert _decide(edu, [own], "approve").status_code == 303
    assert _comment(any_app, id=own).status == "published"
    # The sensitive-word list is for the reform office, not departments.
    assert edu.get("/staff/moderation/words").status_code == 403


def test_three_flags_hide_a_comment_until_staff_keep_it(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.moderation.models import Flag

    plan_id = make_plan()
    author, author_id = _client(any_app, make_user)
    _post_comment(author, plan_id, "一条有争议的意见")
    comment_id = _comment(any_app, user_id=author_id).id
    page = author.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f"/comments/{comment_id}/flag" not in page  # no flag button on one's own comment

    for n, reason in enumerate(["广告", "", "人身攻击"], start=1):
        reporter, _ = _client(any_app, make_user)
        page = reporter.get(f"/plans/{plan_id}").get_data(as_text=True)
        assert f"/comments/{comment_id}/flag" in page
        response = reporter.post(f"/comments/{comment_id}/flag", data={"csrf_token": csrf_from(page), "reason": reason})
        assert response.status_code == 303
        if n == 1:  # a repeat report by the same person is not counted twice
            reporter.post(f"/comments/{comment_id}/flag", data={"csrf_token": csrf_from(page), "reason": "再次"})
            assert _comment(any_app, id=comment_id).status == "published"
    held = _comment(any_app, id=comment_id)
    assert (held.status, held.held_kind) == ("pending", "flags")
    assert "一条有争议的意见" not in reporter.get(f"/plans/{plan_id}").get_data(as_text=True)

    staff, _ = _client(any_app, make_user, role="staff")
    queue = staff.get("/staff/moderation/?status=flagged").get_data(as_text=True)
    assert "一条有争议的意见" in queue and '<span class="flag-count">3</span>' in queue and "人身攻击" in queue and "（未填理由）" in queue
    assert _decide(staff, [comment_id], "approve").status_code == 303
    assert _comment(any_app, id=comment_id).status == "published"
    with any_app.app_context():
        assert set(db.session.scalars(select(Flag.resolution).where(Flag.target_id == comment_id))) == {"kept"}
    assert "一条有争议的意见" not in staff.get("/staff/moderation/?status=flagged").get_data(as_text=True)


@pytest.mark.parametrize(
    ("ids", "action", "reason", "status", "message"),
    [
        ([], "approve", "", 400, "请先选择"),
        (["abc"], "approve", "", 400, "编号无效"),
        ([987654], "approve", "", 404, "不存在"),
        (["ME"], "delete", "", 400, ""),
        (["ME"], "reject", "长" * 501, 400, "500"),
        (["ME"], "reject", "<script>alert(1)</script>", 400, ""),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_4xx(app, make_user, make_plan, ids, action, reason, status, message) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(moderation="pre")
    author, author_id = _client(app, make_user)
    _post_comment(author, plan_id, "待审核的意见")
    comment_id = _comment(app, user_id=author_id).id
    staff, _ = _client(app, make_user, role="staff")
    response = _decide(staff, [comment_id if i == "ME" else i for i in ids], action, reason)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _comment(app, id=comment_id).status == "pending"


@pytest.mark.parametrize("query", ["status=bogus", "plan=abc", "since=2024-13-45", "source=fax", "page=-1"])
def test_bad_queue_filters_are_a_400(app, make_user, query) -> None:  # type: ignore[no-untyped-def]
    staff, _ = _client(app, make_user, role="staff")
    assert staff.get(f"/staff/moderation/?{query}").status_code == 400


def test_word_list_input_is_checked_and_duplicates_skipped(app, make_user) -> None:  # type: ignore[no-untyped-def]
    staff, _ = _client(app, make_user, role="staff")
    assert _add_words(staff, "   ").status_code == 400
    assert _add_words(staff, "长" * 51).status_code == 400
    assert _add_words(staff, "字").status_code == 400  # too short once folded
    assert _add_words(staff, "违禁词").status_code == 302
    response = _add_words(staff, "标签、<b>加粗</b>")
    assert response.status_code == 400  # HTML is refused; nothing of the paste is added
    assert _add_words(staff, "違禁詞、标签").status_code == 302
    page = staff.get("/staff/moderation/words").get_data(as_text=True)
    assert "1 个已在词表中" in page and "加粗" not in page
    token = csrf_from(page)
    assert staff.post("/staff/moderation/words/999999/delete", data={"csrf_token": token}).status_code == 404

    from consult.moderation import operations as moderation

    with app.app_context():
        assert moderation.screen("含有 違 禁 詞 和标签的文字") == ["违禁词", "标签"]
        word_id = next(w.id for w in moderation.words() if w.word == "违禁词")
    assert staff.post(f"/staff/moderation/words/{word_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert moderation.screen("含有违禁词和标签的文字") == ["标签"]  # the cached automaton was rebuilt


def test_flagging_needs_login_and_a_public_comment(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(moderation="pre")
    author, author_id = _client(app, make_user)
    _post_comment(author, plan_id, "还没公开")
    comment_id = _comment(app, user_id=author_id).id
    anonymous = app.test_client()
    assert anonymous.post(f"/comments/{comment_id}/flag").status_code in (302, 400)
    reporter, _ = _client(app, make_user)
    page = reporter.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert reporter.post(f"/comments/{comment_id}/flag", data={"csrf_token": csrf_from(page)}).status_code == 404
    assert reporter.post("/comments/99999/flag", data={"csrf_token": csrf_from(page)}).status_code == 404


def test_queue_filters_by_plan_source_and_date_and_paginates(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    first = make_plan(moderation="pre", title="方案一")
    second = make_plan(moderation="pre", title="方案二")
    with app.app_context():
        plan = db.session.get(Plan, first)
        other = db.session.get(Plan, second)
        old = datetime.now(UTC) - timedelta(days=10)
        for i in range(55):
            db.session.add(Comment(plan_id=plan.id, version_id=plan.current_version.id, body=f"方案一意见{i:02d}", status="pending"))
        db.session.add(Comment(plan_id=other.id, version_id=other.current_version.id, body="方案二的旧意见", status="pending", created_at=old))
        db.session.add(Comment(plan_id=other.id, version_id=other.current_version.id, body="内部来信不进队列", status="internal", source="letter"))
        db.session.commit()
    staff, _ = _client(app, make_user, role="staff")
    page_one = staff.get("/staff/moderation/").get_data(as_text=True)
    assert page_one.count('name="ids"') == 50 and "第 1 / 2 页" in page_one
    page_two = staff.get("/staff/moderation/?page=2").get_data(as_text=True)
    assert page_two.count('name="ids"') == 6 and "内部来信不进队列" not in page_two
    only_second = staff.get(f"/staff/moderation/?plan={second}").get_data(as_text=True)
    assert "方案二的旧意见" in only_second and "方案一意见" not in only_second
    recent = staff.get(f"/staff/moderation/?since={(datetime.now(UTC) - timedelta(days=2)).date()}").get_data(as_text=True)
    assert "方案二的旧意见" not in recent
    assert staff.get("/staff/moderation/?source=letter").get_data(as_text=True).count('name="ids"') == 0
