"""Commenting on a plan or a clause, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, login


def _count(app, **where) -> int:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    with app.app_context():
        query = select(func.count()).select_from(Comment)
        for key, value in where.items():
            query = query.where(getattr(Comment, key) == value)
        return db.session.scalar(query)


def _clause_ids(app, plan_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Plan

    with app.app_context():
        return [c.id for c in db.session.get(Plan, plan_id).current_version.clauses]


@pytest.fixture
def citizen(any_app, make_user):  # type: ignore[no-untyped-def]
    return make_user()


@pytest.fixture
def setup(any_app, make_user, make_plan):  # type: ignore[no-untyped-def]
    client = any_app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    plan_id = make_plan()
    return any_app, client, plan_id


def _post(client, plan_id, body, clause_id="", submission_id=None, **extra):  # type: ignore[no-untyped-def]
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "body": body, "clause_id": str(clause_id), "show_pseudonym": "y"}
    if submission_id:
        data["submission_id"] = submission_id
    data.update(extra)
    return client.post(f"/plans/{plan_id}/comments", data=data)


def test_comment_on_clause_is_shown_with_counts(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    clause_id = _clause_ids(app, plan_id)[1]
    response = _post(client, plan_id, "建议把适用范围扩大到各区县。", clause_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "建议把适用范围扩大到各区县。" in page
    plan_page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f'data-clause-count="{clause_id}">1<' in plan_page


def test_whole_plan_comment_and_traditional_text_kept_as_written(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    assert _post(client, plan_id, "希望政府加強對營商環境的監督。").status_code == 302
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "希望政府加強對營商環境的監督。" in page
    assert _count(app, body="希望政府加強對營商環境的監督。") == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "意见内容不能为空"),
        ("   \n\t  ", "意见内容不能为空"),
        ("\u200b\u200b\ufeff", "意见内容不能为空"),
        ("长" * 20000, "不能超过 5000 字"),
        ("<script>alert(1)</script>好", "不能包含 HTML"),
        ('<img src=x onerror="alert(1)">', "不能包含 HTML"),
        ("控制字符\x07在这里", "控制字符"),
    ],
)
def test_bad_comment_bodies_are_refused_clearly(setup, body, message) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    response = _post(client, plan_id, body)
    assert 400 <= response.status_code < 500
    assert message in response.get_data(as_text=True)
    assert _count(app) == 0


def test_nul_and_invalid_utf8_in_raw_body_get_400(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    token = csrf_from(client.get(f"/plans/{plan_id}").get_data(as_text=True))
    for raw in (b"body=%E5%A5%BD%00x", b"body=%FF%FE%E5", b"body=\xff\xfe"):
        response = client.post(
            f"/plans/{plan_id}/comments",
            data=raw + b"&csrf_token=" + token.encode(),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 400
        assert "UTF-8" in response.get_data(as_text=True) or "控制字符" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_zero_width_characters_inside_text_are_removed(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    assert _post(client, plan_id, "营\u200b商\u200d环境").status_code == 302
    assert _count(app, body="营商环境") == 1


def test_double_submit_is_stored_once(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    first = _post(client, plan_id, "同一条意见", submission_id="abc123")
    second = _post(client, plan_id, "同一条意见", submission_id="abc123")
    assert first.status_code == 302
    assert second.status_code == 302  # redirected to the existing comment with a notice
    assert "不会重复保存" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert _count(app) == 1


def test_post_without_csrf_token_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    response = client.post(f"/plans/{plan_id}/comments", data={"body": "没有令牌"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_clause_of_another_plan_is_refused(setup, make_plan) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    other = make_plan(title="另一个方案")
    foreign_clause = _clause_ids(app, other)[0]
    response = _post(client, plan_id, "张冠李戴", foreign_clause)
    assert response.status_code == 400
    assert "不属于该方案" in response.get_data(as_text=True)
    response = _post(client, plan_id, "条款编号乱写", "abc")
    assert response.status_code == 400
    assert _count(app) == 0


def test_closed_plan_has_no_form_and_refuses_late_posts(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    client = any_app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    open_id = make_plan()
    closed_id = make_plan(closed=True)
    page = client.get(f"/plans/{closed_id}").get_data(as_text=True)
    assert "征求意见期已于" in page
    assert 'name="body"' not in page
    token = csrf_from(client.get(f"/plans/{open_id}").get_data(as_text=True))
    response = client.post(f"/plans/{closed_id}/comments", data={"csrf_token": token, "body": "迟到的意见"})
    assert response.status_code == 403
    assert "征求意见期已结束" in response.get_data(as_text=True)
    assert _count(any_app) == 0


def test_unverified_account_cannot_comment(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    client = any_app.test_client()
    _, email, password = make_user(verified=False)
    login(client, email, password)
    plan_id = make_plan()
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "完成验证" in page
    token = csrf_from(page)
    response = client.post(f"/plans/{plan_id}/comments", data={"csrf_token": token, "body": "未验证"})
    assert response.status_code == 403
    assert _count(any_app) == 0


def test_pre_moderated_comment_is_visible_only_to_its_author(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(moderation="pre")
    author = any_app.test_client()
    _, email, password = make_user()
    login(author, email, password)
    assert _post(author, plan_id, "先审后发的意见").status_code == 302
    own_page = author.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "先审后发的意见" in own_page and "待审核" in own_page
    assert "先审后发的意见" not in any_app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)


def test_comment_is_escaped_when_shown(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    assert _post(client, plan_id, "收入<3000元的家庭 & 低保户").status_code == 302
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "收入&lt;3000元的家庭 &amp; 低保户" in page


def test_pseudonym_shown_never_the_login(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    _post(client, plan_id, "匿名发表", show_pseudonym="")
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "匿名网友" in page
    assert "@example.com" not in page.split("<main")[1]


def test_oversized_body_is_refused_before_parsing(setup) -> None:  # type: ignore[no-untyped-def]
    app, client, plan_id = setup
    token = csrf_from(client.get(f"/plans/{plan_id}").get_data(as_text=True))
    response = client.post(
        f"/plans/{plan_id}/comments",
        data=b"csrf_token=" + token.encode() + b"&body=" + b"a" * (10 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "超过了允许的大小" in response.get_data(as_text=True)
    assert _count(app) == 0
