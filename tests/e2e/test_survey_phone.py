"""A service recipient opens a one-time invitation link on a phone, answers with skip logic,
leaves and comes back to saved progress, submits; the link then refuses a second answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.integration.survey_helpers import make_links, make_survey

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_answer_on_a_phone_with_skip_logic(live_server, chromium_browser) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from consult.extensions import db
    from consult.surveys.models import SurveyAnswer, SurveyQuestion, SurveyResponse

    app = live_server.app
    survey_id = make_survey(app, anonymous=True)
    (token,) = make_links(app, survey_id)
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    page = context.new_page()
    try:
        link = f"{live_server.url}/s/{token}"
        page.goto(link)
        expect(page.get_by_role("heading", name="不动产登记服务满意度调查")).to_be_visible()
        why = page.locator("#question-why")
        expect(why).to_be_hidden()  # skip logic: only asked when the matter was not done
        overall_number = page.locator("#question-overall .qnum")
        expect(overall_number).to_have_text("2.")  # numbered without the hidden question's gap
        page.get_by_label("没有办成").check()
        expect(why).to_be_visible()
        expect(page.locator("#question-why .qnum")).to_have_text("2.")
        expect(overall_number).to_have_text("3.")
        why.get_by_label("系统故障").check()
        page.locator("#question-overall").get_by_label("不满意", exact=True).check()
        page.locator("#question-overall textarea").fill("系统故障，跑了两趟")
        page.wait_for_selector(".autosave-status:text('进度已自动保存')")

        page.reload()  # leave and come back through the same link: the progress is there
        expect(page.get_by_label("没有办成")).to_be_checked()
        expect(page.locator("#question-why").get_by_label("系统故障")).to_be_checked()
        expect(page.locator("#question-overall textarea")).to_have_value("系统故障，跑了两趟")

        page.locator("#question-speed").get_by_label("2", exact=True).check()
        page.locator("#question-nps").get_by_label("6", exact=True).check()
        page.get_by_label("一次告知：同意").check()
        page.get_by_label("无需重复提交：非常同意").check()
        page.get_by_label("建议").fill("希望系统稳定一些")
        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(app.instance_path) + "/survey-phone.png", full_page=True)

        # Changing the answer hides the follow-up question again; hidden inputs are not sent.
        page.get_by_label("办成了").check()
        expect(why).to_be_hidden()
        page.get_by_label("没有办成").check()
        page.get_by_role("button", name="提交答卷").click()
        expect(page.get_by_role("heading", name="提交成功")).to_be_visible()

        # The used link opens like a fresh one (nothing tells who answered); submitting is refused.
        again = page.goto(link)
        assert again is not None and again.status == 200
        page.get_by_label("办成了").check()
        page.locator("#question-overall").get_by_label("满意", exact=True).check()
        page.locator("#question-speed").get_by_label("4", exact=True).check()
        page.get_by_label("一次告知：同意").check()
        page.get_by_label("无需重复提交：同意").check()
        with page.expect_response(lambda r: r.request.method == "POST" and r.request.resource_type == "document") as refused:
            page.get_by_role("button", name="提交答卷").click()
        assert refused.value.status == 409
        expect(page.get_by_text("每个链接只能回答一次")).to_be_visible()
    finally:
        context.close()

    with app.app_context():
        response = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id)).one()
        stored = {
            (key, a.option, a.value, a.text)
            for a, key in db.session.execute(
                select(SurveyAnswer, SurveyQuestion.key).join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id).where(SurveyAnswer.response_id == response.id)
            )
        }
        assert ("why", "2", None, None) in stored
        assert ("overall", "", 2.0, "系统故障，跑了两趟") in stored
        assert {k for k, *_ in stored} == {"done", "why", "overall", "speed", "nps", "aspects", "advice"}
        assert response.invitation_id is None
    assert re.match(r"^[A-Za-z0-9_-]{32}$", token)
