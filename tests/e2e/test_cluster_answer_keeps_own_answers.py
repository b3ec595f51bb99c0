"""Issue 15 item 2 in a browser: an opinion answered on its own keeps its answer when staff answer its whole
cluster with a template text; the form says beforehand how many are new and how many are skipped, and an
answered opinion is only re-answered when its own "改写已有答复" box is ticked."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TEXTS = ["企业开办要跑好几个窗口，建议一网通办", "建议企业开办全程网上办理，一网通办", "企业开办一网通办，别让群众来回跑"]


def _seed(app):  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans
    from worker.analysis.results import DigestResult

    with app.app_context():
        staff = accounts.register("cluster-staff@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="企业开办便利化措施（征求意见稿）", department="市发改委", summary="", body="第一条 企业开办压缩至三个工作日。", window_days=30)
        plans.publish(plan)
        for i in range(9):
            person = accounts.register(f"1390000{i:04d}", "password123", f"市民{i}")
            person.verified_at = datetime.now(UTC)
            comments.post_comment(user=person, plan=plan, body=f"{TEXTS[i % 3]}（{i}）")
        db.session.commit()
        digest, _created = digests.request_digest(plan)
        db.session.commit()
        assert digests.build(digest.id) == "done"
        digest = digests.latest(plan.id)
        result = DigestResult.from_dict(digest.result)
        t, k, issue = max(((a, b, i) for a, th in enumerate(result.themes) for b, i in enumerate(th.issues)), key=lambda x: len(x[2].member_ids))
        return plan.id, f"D{digest.number}-T{t + 1}-I{k + 1}", list(issue.member_ids)


def _answers(app, plan_id):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.extensions import db
    from consult.responses.models import Response

    with app.app_context():
        return {r.comment_id: r.text for r in db.session.scalars(select(Response).where(Response.plan_id == plan_id))}


def test_cluster_answer_skips_and_confirms_one_by_one(live_server, browser_page: Page) -> None:  # type: ignore[no-untyped-def]
    app, url = live_server.app, live_server.url
    plan_id, ref, members = _seed(app)
    assert len(members) >= 3
    own, confirmed = members[0], members[1]
    page = browser_page
    page.goto(f"{url}/account/login")
    page.get_by_label("手机号或电子邮箱").fill("cluster-staff@example.gov.cn")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()

    # Two opinions get their own written answers first.
    page.goto(f"{url}/staff/plans/{plan_id}/responses")
    for member, text in ((own, "采纳：修订稿已写入一网通办。"), (confirmed, "采纳：当天领取执照。")):
        page.locator(f'#row-{member} input[name="comment_ids"]').check()
        page.get_by_label("处理结果").select_option("adopted")
        page.get_by_label("答复内容").fill(text)
        page.get_by_role("button", name="提交答复").click()
        expect(page.get_by_text("已答复 1 条意见。")).to_be_visible()

    # The cluster page counts new and answered opinions before anything is sent.
    page.goto(f"{url}/staff/plans/{plan_id}/responses?cluster={ref}")
    fresh = len(members) - 2
    expect(page.locator("#cluster-counts")).to_contain_text(f"{fresh} 条未答复，2 条已有答复")
    expect(page.locator("#answer-summary")).to_have_text(f"提交后将答复 {fresh} 条意见，跳过 2 条已有答复的意见。")
    # Select-all ticks only the unanswered ones; an answered row offers "改写已有答复" instead.
    page.get_by_label("全选本页").check()
    expect(page.locator(f'#row-{own} input[name="comment_ids"]')).to_have_count(0)
    page.get_by_label("全选本页").uncheck()
    page.get_by_label(f"改写意见 {confirmed} 的已有答复").check()
    expect(page.locator("#answer-summary")).to_contain_text(f"提交后将答复 {fresh + 1} 条意见（其中改写已有答复 1 条），跳过 1 条")
    page.get_by_label("处理结果").select_option("partly")
    page.get_by_label("答复内容").fill("部分采纳（通用答复）。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_text(f"已答复 {fresh + 1} 条意见，跳过 1 条已有答复的意见。")).to_be_visible()

    answers = _answers(app, plan_id)
    assert answers[own] == "采纳：修订稿已写入一网通办。"
    assert answers[confirmed] == "部分采纳（通用答复）。"
    # The public plan page shows the opinion's own answer.
    page.goto(f"{url}/plans/{plan_id}")
    expect(page.get_by_text(re.compile("修订稿已写入一网通办"))).to_be_visible()
