"""The whole loop in a browser: a citizen comments on a pre-moderated plan → staff approve in the queue →
digest → staff answer the citizen's cluster and publish the feedback → the citizen finds the outcome in
their inbox and on the plan page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in as _login
from tests.support.browser import screenshots

pytestmark = pytest.mark.e2e
OPINION = "企业开办要跑好几个窗口，建议一网通办，当天领取营业执照。"
OTHERS = ["建议企业开办全程网上办理，一网通办", "刻章收费太高，建议免费刻章", "监管不要多头检查，建议联合检查"]


def _seed(app, prefix: str = "loop", phones: str = "1380000") -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans

    with app.app_context():
        staff = accounts.register(f"{prefix}-staff@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=staff, title="优化营商环境若干措施（征求意见稿）", department="市发改委", summary="", body="第一条 企业开办压缩至三个工作日。\n第二条 加强事中事后监管。", window_days=30, moderation="pre")
        plans.publish(plan)
        citizen = accounts.register(f"{prefix}-citizen@example.com", "password123", "小王")
        citizen.verified_at = datetime.now(UTC)
        for i in range(9):
            person = accounts.register(f"{phones}{i:04d}", "password123", f"市民{i}")
            person.verified_at = datetime.now(UTC)
            comments.post_comment(user=person, plan=plan, body=f"{OTHERS[i % 3]}（{i}）")
        db.session.commit()
        return plan.id




def _approve(page: Page, url: str, comment_id: int) -> None:
    """Pre-moderation plan: staff approve every pending opinion (the citizen's among them) in the queue."""
    page.goto(f"{url}/staff/moderation/")
    expect(page.locator(f"#comment-{comment_id}")).to_contain_text(OPINION)
    page.get_by_label("全选本页").check()
    page.get_by_role("radio", name="通过", exact=True).check()
    page.get_by_role("button", name="对所选意见执行").click()
    expect(page.get_by_text(re.compile(r"已审核 \d+ 条意见"))).to_be_visible()  # the shared live server may queue other tests' opinions too


def _build_digests(app) -> None:  # type: ignore[no-untyped-def]
    """Act as the worker for the queued digest (the worker process itself is covered by test_staff_digest_flow)."""
    from sqlalchemy import select

    from consult.digests import operations as digests
    from consult.digests.models import Digest
    from consult.extensions import db

    with app.app_context():
        for digest_id in db.session.scalars(select(Digest.id).where(Digest.status == "queued")).all():
            assert digests.build(digest_id) == "done"


def test_citizen_comment_to_published_feedback(live_server, browser_page: Page, chromium_browser) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.core.models import Notification
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    app, url = live_server.app, live_server.url
    plan_id = _seed(app)

    # 1. The citizen comments on the whole plan.
    citizen = browser_page
    _login(citizen, url, "loop-citizen@example.com")
    citizen.goto(f"{url}/plans/{plan_id}")
    citizen.get_by_label("您的意见").fill(OPINION)
    citizen.get_by_role("button", name="提交意见").click()
    expect(citizen.get_by_text("审核通过后公开显示")).to_be_visible()
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id).where(Comment.body == OPINION))

    # 2-3. Staff (in their own browser context) approve and build a digest.
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    staff = context.new_page()
    try:
        _login(staff, url, "loop-staff@example.gov.cn")
        _approve(staff, url, comment_id)
        staff.goto(f"{url}/staff/plans/{plan_id}/digest")
        staff.get_by_role("button", name="生成最新摘要").click()
        expect(staff.get_by_text("已开始生成意见摘要")).to_be_visible()
        _build_digests(app)
        # The page polls the digest state and reloads itself once it is done.
        expect(staff.get_by_role("heading", name=re.compile("主题1"))).to_be_visible(timeout=30_000)

        # 4. Staff open the citizen's cluster from the digest and answer the whole cluster.
        from consult.digests import operations as digests
        from worker.analysis.pipeline import DigestResult

        with app.app_context():
            digest = digests.latest(plan_id)
            t, i = DigestResult.from_dict(digest.result).assignments[comment_id]
            ref = f"D{digest.number}-T{t + 1}-I{i + 1}"
        staff.locator(".issue", has=staff.locator(".cluster-ref", has_text=ref)).get_by_role("link", name="答复").click()
        expect(staff.get_by_text(f"问题 {ref} 的全部意见")).to_be_visible()
        expect(staff.locator(f"#row-{comment_id}")).to_be_visible()
        # The select-all box (static/js/responses.js) ticks every opinion on the page; cleared again so the
        # answer below goes to the whole cluster, including comments not on this page.
        staff.get_by_label("全选本页").check()
        expect(staff.locator(f'#row-{comment_id} input[name="comment_ids"]')).to_be_checked()
        staff.get_by_label("全选本页").uncheck()
        staff.get_by_label("处理结果").select_option("adopted")
        staff.get_by_label("答复内容").fill("已采纳：修订稿将企业开办压缩至一个工作日，并实行一网通办。")
        staff.get_by_role("button", name="提交答复").click()
        expect(staff.get_by_text(re.compile(r"已答复 \d+ 条意见"))).to_be_visible()

        # 5. The window closes, staff publish a revised version and the feedback report.
        from consult.plans import operations as plans

        with app.app_context():
            plan = db.session.get(Plan, plan_id)
            plan.closes_at = datetime.now(UTC) - timedelta(minutes=1)
            plans.new_version(plan, "第一条 企业开办压缩至一个工作日，实行一网通办。\n第二条 加强事中事后监管。", "根据公众意见修订")
            db.session.commit()
        staff.goto(f"{url}/staff/plans/{plan_id}/responses")
        staff.get_by_label("总体说明（可选，公开）").fill("感谢各位市民的意见。")
        staff.get_by_role("button", name="公布并通知提出意见的公众").click()
        expect(staff.get_by_text(re.compile("采纳情况反馈已公布，已通知 10 位"))).to_be_visible()
    finally:
        context.close()

    # 6. The citizen is notified with a link to their own opinion, and sees the outcome there and on the plan page.
    with app.app_context():
        user_id = db.session.scalar(select(Comment.user_id).where(Comment.id == comment_id))
        note = db.session.scalar(select(Notification).where(Notification.user_id == user_id, Notification.kind == "feedback"))
        assert note is not None and note.link == f"/plans/{plan_id}/feedback?c={comment_id}#c{comment_id}"
        link = note.link
    citizen.goto(f"{url}/plans/{plan_id}")
    expect(citizen.locator(".inbox-link .unread-count")).to_be_visible()
    citizen.locator(".inbox-link").click()
    citizen.get_by_role("link", name=re.compile("意见采纳情况已公布")).click()
    expect(citizen).to_have_url(re.compile(re.escape(link.split("#")[0]) + "#c" + str(comment_id) + "$"))
    mine = citizen.locator(f"#c{comment_id}")
    expect(mine).to_contain_text(OPINION)
    expect(mine.locator(".official-answer")).to_contain_text("修订稿将企业开办压缩至一个工作日")
    expect(mine.locator(".badge")).to_have_text("采纳")
    expect(citizen.locator("#diff ins").first).to_be_visible()
    citizen.goto(f"{url}/plans/{plan_id}")
    box = citizen.locator("#my-opinions")
    expect(box).to_contain_text("我的意见的处理情况")
    expect(box).to_contain_text("已采纳")
    expect(citizen.get_by_role("link", name=re.compile("采纳情况反馈已公布"))).to_be_visible()


def test_feedback_versions_list_and_earlier_version(live_server, browser_page: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Publish version 1, answer one more opinion, publish version 2: the public page lists both
    versions, says what changed, and version 1 still shows the report as it was."""
    from sqlalchemy import select

    from consult.core.models import User
    from consult.extensions import db
    from consult.plans.models import Comment, Plan
    from consult.responses import operations as answers

    app, url = live_server.app, live_server.url
    plan_id = _seed(app, "versions", "1370071")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        for comment in db.session.scalars(select(Comment).where(Comment.plan_id == plan_id)):
            comment.status = "published"
        staff_user = db.session.scalar(select(User).where(User.role == "staff").order_by(User.id.desc()).limit(1))  # _seed's
        first, second = db.session.scalars(select(Comment.id).where(Comment.plan_id == plan_id).order_by(Comment.id).limit(2)).all()
        answers.answer_opinions(staff_user, plan, [first], status="adopted", text="第一版答复：已采纳。")
        plan.closes_at = datetime.now(UTC) - timedelta(minutes=1)
        staff_id = staff_user.id
        db.session.commit()
    staff = browser_page
    _login(staff, url, "versions-staff@example.gov.cn")
    staff.goto(f"{url}/staff/plans/{plan_id}/responses")
    staff.get_by_role("button", name="公布并通知提出意见的公众").click()
    expect(staff.locator("#version")).to_contain_text("第 1 版，公布于")
    with app.app_context():
        answers.answer_opinions(db.session.get(User, staff_id), db.session.get(Plan, plan_id), [second], status="partly", text="第二版答复：部分采纳。")
        db.session.commit()
    staff.goto(f"{url}/staff/plans/{plan_id}/responses")
    expect(staff.locator("#publication-changes")).to_contain_text("自第 1 版以来有 1 条答复变化")
    staff.get_by_role("button", name="发布第 2 版").click()
    expect(staff.locator("#version")).to_contain_text("第 2 版，公布于")
    expect(staff.locator("#changes")).to_contain_text("新给出或修改的答复 1 条")
    versions = staff.locator("#versions")
    expect(versions.get_by_role("link")).to_have_count(2)
    expect(staff.locator(f"#c{second}")).to_contain_text("第二版答复：部分采纳。")
    screenshots(staff, str(tmp_path), "feedback-v2")
    versions.get_by_role("link", name="第 1 版").click()
    expect(staff).to_have_url(re.compile(rf"/plans/{plan_id}/feedback/v1$"))
    expect(staff.locator("#version")).to_contain_text("这是较早的版本")
    expect(staff.locator(f"#c{second}")).to_contain_text("尚未答复")
    screenshots(staff, str(tmp_path), "feedback-v1")
    print("screenshots in", tmp_path)
