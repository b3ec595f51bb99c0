"""Search segments Chinese with jieba, and traditional and simplified characters find each other."""

from __future__ import annotations

import pytest


@pytest.fixture
def corpus(any_app, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan(title="关于优化营商环境的实施方案")
    user_id, _, _ = make_user()
    with any_app.app_context():
        user, plan = db.session.get(User, user_id), db.session.get(Plan, plan_id)
        for body in ["建议进一步简化企业开办流程", "希望加強對中小企業的扶持力度", "停车难问题应该纳入规划"]:
            comments.post_comment(user=user, plan=plan, body=body)
        db.session.commit()
    return any_app.test_client()


def _raw(client, q: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _results(client, q: str) -> str:  # type: ignore[no-untyped-def]
    """The page as read: the highlighting of the terms left out."""
    return _raw(client, q).replace("<mark>", "").replace("</mark>", "")


def test_words_inside_unspaced_chinese_are_found(corpus) -> None:  # type: ignore[no-untyped-def]
    page = _results(corpus, "开办流程")
    assert "建议进一步简化企业开办流程" in page
    assert "停车难" not in page


def test_traditional_query_finds_simplified_text_and_back(corpus) -> None:  # type: ignore[no-untyped-def]
    assert "建议进一步简化企业开办流程" in _results(corpus, "企業開辦")
    assert "希望加強對中小企業的扶持力度" in _results(corpus, "中小企业 扶持")
    assert "关于优化营商环境的实施方案" in _results(corpus, "營商環境")


@pytest.mark.parametrize("q", ["%", "_", "%%__", "' OR 1=1 --", "<script>", "\\"])
def test_wildcards_and_hostile_queries_match_nothing_and_never_fail(corpus, q) -> None:  # type: ignore[no-untyped-def]
    page = _results(corpus, q)
    assert "建议进一步简化企业开办流程" not in page
    assert "<script>" not in page.split("<main")[1]


def test_results_show_plan_clause_author_and_the_passage_with_terms_marked(corpus) -> None:  # type: ignore[no-untyped-def]
    page = _raw(corpus, "开办流程")
    assert "关于优化营商环境的实施方案" in page.split("意见（")[1]  # the comment's plan is named beside it
    assert "整个方案" in page
    assert "<mark>开办</mark>" in page and "<mark>流程</mark>" in page


def test_a_passage_is_escaped_and_masked(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    user_id, _, _ = make_user()
    with any_app.app_context():
        comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id),
                              body="停车收费 3 < 5 元太贵，请联系 13912345678 解决停车收费问题")
        db.session.commit()
    page = _raw(any_app.test_client(), "停车收费")
    assert "13912345678" not in page
    assert "3 &lt; 5" in page
    assert "<mark>停车</mark>" in page or "<mark>停车收费</mark>" in page


def test_many_results_are_paginated_best_first(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan

    plan_id = make_plan()
    user_id, _, _ = make_user()
    with any_app.app_context():
        user, plan = db.session.get(User, user_id), db.session.get(Plan, plan_id)
        for k in range(25):
            comments.post_comment(user=user, plan=plan, body=f"第{k}号意见：建议增加公交线路")
        db.session.commit()
    client = any_app.test_client()
    first, second = _results(client, "公交线路"), client.get("/search", query_string={"q": "公交线路", "page": 2}).get_data(as_text=True)
    assert "意见（25）" in first and "第 1 / 2 页" in first
    shown = [f"第{k}号意见" for k in range(25)]
    on_first = {s for s in shown if s + "：" in first}
    on_second = {s for s in shown if s + "：" in second}
    assert len(on_first) == 20 and len(on_second) == 5 and not on_first & on_second


def test_forum_posts_suggestions_and_published_answers_are_found(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.forums.models import Board, Post, Thread
    from consult.suggestions.models import Suggestion

    with any_app.app_context():
        board = Board(title="综合讨论", slug="general") if hasattr(Board, "slug") else Board(title="综合讨论")
        db.session.add(board)
        db.session.flush()
        thread = Thread(board_id=board.id, title="垃圾分类怎么做", author_label="居民甲")
        db.session.add(thread)
        db.session.flush()
        db.session.add(Post(thread_id=thread.id, is_opener=True, body="垃圾分类需要更多回收站", author_label="居民甲",
                            search_terms=" 垃圾 分类 垃圾分类 需要 更多 回收站 "))
        db.session.add(Suggestion(tracking_number="JY-2026-000001", lookup_hash="x" * 64, domain="环境", title="垃圾分类建议",
                                  body="建议垃圾分类设置督导员", allow_public=True, status="replied", reply="已采纳"))
        db.session.commit()
    page = _results(any_app.test_client(), "垃圾分类")
    assert "垃圾分类需要更多回收站" in page
    assert "建议垃圾分类设置督导员" in page


@pytest.mark.postgres
def test_postgres_answers_a_term_query_from_the_full_text_index(postgres_app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from consult.extensions import db
    from consult.search import index

    with postgres_app.app_context():
        query = index.matching("postgresql", ["营商环境"])
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table: make the planner show its choice
        plan = "\n".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
        db.session.rollback()
    assert index.PG_INDEX in plan, plan


def test_reindex_brings_rows_stored_with_old_terms_back_into_search(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    """Rows indexed by an older release (terms cut from the raw traditional text) are found
    again after `consult reindex`, and a second run changes nothing."""
    from sqlalchemy import update

    from consult.core.models import User
    from consult.extensions import db
    from consult.forums.models import Board, Post, Thread
    from consult.plans import comments
    from consult.plans.models import Comment, Plan

    plan_id = make_plan(title="關於停車收費的方案")
    user_id, _, _ = make_user()
    with any_app.app_context():
        comment, _ = comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id), body="建議夜間停車費減半")
        board = Board(title="综合讨论")
        db.session.add(board)
        db.session.flush()
        thread = Thread(board_id=board.id, title="小區綠化", author_label="居民甲")
        db.session.add(thread)
        db.session.flush()
        db.session.add(Post(thread_id=thread.id, is_opener=True, body="綠化帶被佔用", author_label="居民甲"))
        db.session.flush()
        # What an older release stored: the traditional words themselves, not their canonical form.
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(search_terms=" 建議 夜間 停車費 減半 "))
        db.session.execute(update(Plan).where(Plan.id == plan_id).values(search_terms=" 關於 停車 收費 "))
        db.session.execute(update(Post).values(search_terms=""))
        db.session.commit()
    client = any_app.test_client()
    assert "建議夜間停車費減半" not in _results(client, "夜间停车")
    assert "綠化帶被佔用" not in _results(client, "绿化")

    from consult.cli import main

    runner = any_app.test_cli_runner()
    result = runner.invoke(main, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "1 comments" in result.output and "1 posts" in result.output and "1 plans" in result.output
    page = _results(client, "夜间停车")
    assert "建議夜間停車費減半" in page
    assert "綠化帶被佔用" in _results(client, "小区绿化")  # the opener is indexed with its thread's title
    assert "關於停車收費的方案" in _results(client, "停车收费")
    again = runner.invoke(main, ["reindex"])
    assert "0 comments, 0 posts, 0 plans" in again.output


def test_the_demo_is_indexed_as_the_app_indexes_text(app) -> None:  # type: ignore[no-untyped-def]
    """Every demo comment, post and plan carries the terms the app would store for it now (a
    revised plan is found by its current text): `consult reindex` has nothing to change."""
    from consult.demo import loader as demo
    from consult.extensions import db
    from consult.search.reindex import reindex

    with app.app_context():
        demo.load()
        db.session.commit()
        assert reindex() == {"comments": 0, "posts": 0, "plans": 0}
