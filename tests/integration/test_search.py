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


def _results(client, q: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


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
