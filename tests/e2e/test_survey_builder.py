"""Issue 15 item 8: staff build a survey with the visual builder (add questions and options, rename,
reorder with the keyboard, a skip condition), see it live in the preview, save, preview and publish;
a respondent then sees the questions numbered without gaps, the condition at work, and every missing
answer named beside its question at once."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in
from tests.support.browser import screenshots as _shots

pytestmark = pytest.mark.e2e


def _card(page: Page, n: int):  # type: ignore[no-untyped-def]
    return page.locator(".builder-list > li.bq").nth(n - 1)


def test_build_with_the_visual_builder_then_answer(live_server, browser_page: Page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db

    with live_server.app.app_context():
        accounts.register("builder@example.gov.cn", "password123", "改革办", role="staff")
        db.session.commit()
    page, shots = browser_page, os.environ.get("CONSULT_SHOTS") or str(tmp_path)
    log_in(page, live_server.url, "builder@example.gov.cn")
    page.goto(live_server.url + "/staff/surveys/new")
    page.get_by_label("问卷标题").fill("社保窗口服务评价")
    page.get_by_label("被评价部门").fill("市人社局")
    page.get_by_label("公开链接（每位访客一次）").check()
    preview = page.locator(".builder-preview")
    expect(preview.locator("fieldset.question").first).to_be_visible()  # the example, previewed live

    # Start from nothing: delete the example's questions with the builder's own buttons.
    while page.locator(".builder-list > li.bq").count():
        page.get_by_role("button", name="删除：第 1 项").click()
    expect(page.get_by_text("还没有题目")).to_be_visible()

    # A single choice: rename its two options, add a third, move it up with the keyboard.
    page.get_by_role("button", name="单选", exact=True).click()
    one = _card(page, 1)
    expect(one.get_by_label("题目文字")).to_be_focused()
    one.get_by_label("题目文字").fill("您的事情办成了吗？")
    one.get_by_role("textbox", name="选项 1", exact=True).fill("办成了")
    one.get_by_role("textbox", name="选项 2", exact=True).fill("没办成")
    one.get_by_role("button", name="添加选项").click()
    one.get_by_role("textbox", name="选项 3", exact=True).fill("部分办成")
    one.get_by_role("button", name="上移：选项 3").focus()
    page.keyboard.press("Enter")
    assert [one.get_by_role("textbox", name=f"选项 {k}", exact=True).input_value() for k in (1, 2, 3)] == ["办成了", "部分办成", "没办成"]
    expect(one.get_by_role("button", name="上移：选项 2")).to_be_focused()  # focus follows the option

    # A short answer shown only when the first answer is 没办成, made required.
    page.get_by_role("button", name="简答", exact=True).click()
    two = _card(page, 2)
    two.get_by_label("题目文字").fill("没有办成的原因")
    two.get_by_label("补充说明（可选）").fill("请写明卡在哪一步")
    two.get_by_label("必答").check()
    two.get_by_label("显示条件：第 2 项").select_option(label="当第 1 项“您的事情办成了吗？”的回答")
    two.get_by_label("办成了", exact=True).uncheck()
    two.get_by_label("没办成", exact=True).check()

    page.get_by_role("button", name="评分 1-5", exact=True).click()
    _card(page, 3).get_by_label("题目文字").fill("办理速度")

    # A heading added last and moved to the top with the keyboard; the condition still holds.
    page.get_by_role("button", name="分节标题", exact=True).click()
    _card(page, 4).get_by_label("标题").fill("窗口办事")
    for n in (4, 3, 2):
        page.get_by_role("button", name=f"上移：第 {n} 项").focus()
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="下移：第 1 项")).to_be_focused()
    expect(_card(page, 1).get_by_label("标题")).to_have_value("窗口办事")

    spec = json.loads(page.locator("textarea[name=spec]").input_value())
    assert [q["type"] for q in spec["questions"]] == ["section", "single", "text", "rating"]
    assert spec["questions"][1]["options"] == ["办成了", "部分办成", "没办成"]
    assert spec["questions"][2]["show_if"] == {"q": spec["questions"][1]["key"], "any_of": ["没办成"]}

    # The live preview: numbered without gaps while the reason is hidden, the condition works.
    expect(preview.get_by_text("窗口办事")).to_be_visible()
    reason = preview.locator("fieldset.question", has_text="没有办成的原因")
    expect(reason).to_be_hidden()
    expect(preview.locator("fieldset.question", has_text="办理速度").locator(".qnum")).to_have_text("2.")
    preview.get_by_label("没办成").check()
    expect(reason).to_be_visible()
    expect(reason.get_by_text("请写明卡在哪一步")).to_be_visible()
    expect(preview.locator("fieldset.question", has_text="办理速度").locator(".qnum")).to_have_text("3.")
    _shots(page, shots, "survey-builder")

    # A mistake is shown at its question, from the server's own check, before saving.
    _card(page, 2).get_by_role("textbox", name="选项 2", exact=True).fill("办成了")
    expect(_card(page, 2).locator(".bq-error")).to_contain_text("选项不能重复")
    _card(page, 2).get_by_role("textbox", name="选项 2", exact=True).fill("部分办成")
    expect(_card(page, 2).locator(".bq-error")).to_be_hidden()

    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("问卷草稿已保存")).to_be_visible()
    survey_id = int(re.search(r"/staff/surveys/(\d+)", page.url).group(1))
    page.get_by_role("link", name="预览").click()
    expect(page.get_by_text("预览：这是受访者看到的样子")).to_be_visible()
    expect(page.locator("fieldset.question", has_text="没有办成的原因")).to_be_hidden()
    page.go_back()
    page.get_by_role("button", name="发布问卷").click()
    expect(page.get_by_text("已发布第 1 版")).to_be_visible()

    # The respondent: nothing answered, submit: both required questions named beside themselves.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/surveys/{survey_id}/answer")
    speed = page.locator("fieldset.question", has_text="办理速度")
    expect(speed.locator(".qnum")).to_have_text("2.")
    page.get_by_role("button", name="提交答卷").click()
    expect(page.get_by_role("alert").first).to_contain_text("还有 2 道必答题没有回答")
    expect(page.locator("fieldset.question", has_text="您的事情办成了吗").locator(".question-problem")).to_have_text("这是必答题，请回答。")
    expect(speed.locator(".question-problem")).to_have_text("这是必答题，请回答。")
    # 没办成 opens the reason, numbered 2; speed becomes 3; submitting names the two still missing.
    page.get_by_label("没办成").check()
    reason = page.locator("fieldset.question", has_text="没有办成的原因")
    expect(reason.locator(".qnum")).to_have_text("2.")
    expect(speed.locator(".qnum")).to_have_text("3.")
    page.get_by_role("button", name="提交答卷").click()
    expect(page.get_by_role("alert").first).to_contain_text("还有 2 道必答题没有回答")
    expect(reason.locator(".question-problem")).to_be_visible()
    expect(speed.locator(".question-problem")).to_be_visible()
    expect(page.get_by_label("没办成")).to_be_checked()  # what was chosen is kept
    _shots(page, shots, "survey-missing-answers")
    reason.get_by_label("没有办成的原因").fill("材料清单和窗口说法不一致")
    speed.get_by_label("4").check()
    page.get_by_role("button", name="提交答卷").click()
    expect(page.get_by_text("您的答卷已提交")).to_be_visible()
