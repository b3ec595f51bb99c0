"""Issue 15 item 8 on the server: the builder form chooses plans and follow-up surveys by title from
what the staff member may manage; a bad JSON import is a 400 with the message beside the JSON and
the input kept; the live preview answers with the same spec check; every refused answer is shown
beside its question; titles never reach the page as markup."""

from __future__ import annotations

import json
import re

from markupsafe import escape

from tests.conftest import csrf_from, login
from tests.integration.survey_helpers import SPEC, make_links, make_survey


def _plan(app, title: str, department: str) -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.plans import operations as plans

    with app.app_context():
        author = accounts.register(f"p{abs(hash(title)) % 10**8}@example.gov.cn", "password123", "改革办", role="staff")
        plan = plans.create_plan(author=author, title=title, department=department, summary="摘要。", body="第一条 内容。", window_days=30)
        db.session.commit()
        return plan.id


def _survey(app, title: str, department: str, mode: str = "invite") -> int:  # type: ignore[no-untyped-def]
    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.surveys import building

    with app.app_context():
        author = accounts.register(f"s{abs(hash(title)) % 10**8}@example.gov.cn", "password123", "改革办", role="staff")
        survey = building.create(author, title=title, description="", department=department, service="", plan_id=None, anonymous=False,
                                 mode=mode, opens_at=None, closes_at=None, spec=SPEC)
        db.session.commit()
        return survey.id


def _select(page: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select named {name}"
    return match.group(1)


def _field_block(page: str, name: str) -> str:
    """The .field div holding the control `name` (where its message is shown)."""
    start = page.index(f'name="{name}"')
    return page[page.rindex('<div class="field', 0, start):page.index("</div>", start)]


def _post_new(client, **fields):  # type: ignore[no-untyped-def]
    page = client.get("/staff/surveys/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "title": "户籍窗口评价", "description": "", "service": "", "anonymous": "y",
            "mode": "invite", "spec": json.dumps(SPEC, ensure_ascii=False), **fields}
    return client.post("/staff/surveys/new", data=data)


def test_department_selects_show_titles_of_its_own_plans_and_surveys(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="department", department="市公安局")
    own_plan, other_plan = _plan(app, "户籍制度改革方案", "市公安局"), _plan(app, "医保支付改革方案", "市医保局")
    own_survey, other_survey = _survey(app, "户籍回访问卷", "市公安局"), _survey(app, "医保回访问卷", "市医保局")
    _survey(app, "户籍公开问卷", "市公安局", mode="open")  # open surveys send no follow-up links
    login(client, email, password)
    page = client.get("/staff/surveys/new").get_data(as_text=True)

    plans = _select(page, "plan_id")
    assert f'<option value="{own_plan}">户籍制度改革方案</option>' in plans and "医保支付改革方案" not in plans
    assert "不关联方案" in plans
    followups = _select(page, "followup_survey_id")
    assert f'value="{own_survey}"' in followups and "户籍回访问卷" in followups
    assert "医保回访问卷" not in followups and "户籍公开问卷" not in followups
    assert 'type="number"' not in page  # no numeric id boxes left

    saved = _post_new(client, plan_id=str(own_plan), followup_survey_id=str(own_survey))
    assert saved.status_code == 302
    refused = _post_new(client, title="我填的标题", plan_id=str(other_plan))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "您只能关联本部门的方案" in _field_block(body, "plan_id") and "我填的标题" in body
    refused = _post_new(client, followup_survey_id=str(other_survey))
    assert refused.status_code == 403 and "您只能选择本部门的问卷" in _field_block(refused.get_data(as_text=True), "followup_survey_id")


def test_office_staff_choose_any_plan_and_see_the_department_of_each_survey(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="staff")
    _plan(app, "户籍制度改革方案", "市公安局")
    _plan(app, "医保支付改革方案", "市医保局")
    _survey(app, "医保回访问卷", "市医保局")
    login(client, email, password)
    page = client.get("/staff/surveys/new").get_data(as_text=True)
    assert "户籍制度改革方案" in _select(page, "plan_id") and "医保支付改革方案" in _select(page, "plan_id")
    assert "医保回访问卷（市医保局）" in _select(page, "followup_survey_id")


def test_edit_keeps_a_saved_plan_set_by_the_office(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    """A department account editing a survey the office tied to another department's plan sees
    that plan selected and may save without being refused."""
    _, email, password = make_user(role="department", department="市公安局")
    other_plan = _plan(app, "医保支付改革方案", "市医保局")
    survey_id = make_survey(app, department="市公安局", plan_id=other_plan)
    login(client, email, password)
    page = client.get(f"/staff/surveys/{survey_id}/edit").get_data(as_text=True)
    assert f'<option selected value="{other_plan}">医保支付改革方案</option>' in _select(page, "plan_id")
    saved = client.post(f"/staff/surveys/{survey_id}/edit", data={
        "csrf_token": csrf_from(page), "title": "改过", "service": "", "anonymous": "y", "mode": "invite",
        "plan_id": str(other_plan), "spec": json.dumps(SPEC, ensure_ascii=False)})
    assert saved.status_code == 302


def test_bad_json_import_is_refused_beside_the_json_and_kept(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="staff")
    login(client, email, password)
    typed = '{"questions": [{"type": "single", "title": "我粘贴的题目", "options": ["甲", "乙"]},'
    refused = _post_new(client, title="导入的问卷", spec=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    block = _field_block(page, "spec")
    assert "不是有效的 JSON（第 1 行" in block
    assert str(escape(typed)) in page and "导入的问卷" in page
    assert re.search(r'<details class="spec-json" open>', page)  # the JSON is open where the message is

    wrong = json.dumps({"questions": [{"type": "section", "title": "一"}, {"type": "single", "title": "重复", "options": ["甲", "甲"]}]}, ensure_ascii=False)
    refused = _post_new(client, spec=wrong)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "第 2 项：选项不能重复" in _field_block(page, "spec")
    assert 'data-error-item="1"' in page  # the builder marks the second item


def test_live_preview_checks_with_the_spec_parser(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="department", department="市公安局")
    login(client, email, password)
    token = csrf_from(client.get("/staff/surveys/new").get_data(as_text=True))
    spec = {"questions": [{"key": "a", "type": "single", "title": "办成了吗", "help": "只选一项", "options": ["是", "否"]},
                          {"key": "b", "type": "text", "title": "原因", "show_if": {"q": "a", "any_of": ["否"]}}]}
    shown = client.post("/staff/surveys/builder/preview", data={"csrf_token": token, "spec": json.dumps(spec, ensure_ascii=False)})
    assert shown.status_code == 200
    fragment = shown.get_json()["html"]
    assert "办成了吗" in fragment and "只选一项" in fragment and 'data-show-q="a"' in fragment
    spec["questions"][1]["show_if"] = {"q": "a", "any_of": ["也许"]}
    refused = client.post("/staff/surveys/builder/preview", data={"csrf_token": token, "spec": json.dumps(spec, ensure_ascii=False)})
    assert refused.status_code == 400
    assert refused.get_json() == {"error": "第 2 项：显示条件中的选项必须是所引用题目的选项。", "item": 1}
    broken = client.post("/staff/surveys/builder/preview", data={"csrf_token": token, "spec": "{"})
    assert broken.status_code == 400 and "不是有效的 JSON" in broken.get_json()["error"]


def test_preview_is_for_staff_only(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="citizen")
    login(client, email, password)
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/staff/surveys/builder/preview", data={"csrf_token": token, "spec": json.dumps(SPEC)}).status_code == 403


def test_every_missing_answer_is_shown_beside_its_question(app, client) -> None:  # type: ignore[no-untyped-def]
    survey_id = make_survey(app)
    [token] = make_links(app, survey_id)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    refused = client.post(f"/s/{token}", data={"csrf_token": csrf_from(page), "action": "submit", "q_nps": ["7"]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "还有 4 道必答题没有回答" in body
    for key in ("done", "overall", "speed", "aspects"):
        assert f'id="problem-{key}"' in body and f'aria-describedby=" problem-{key}"' in body
    assert 'id="problem-why"' not in body and 'id="problem-nps"' not in body  # hidden, optional
    assert 'name="q_nps" value="7" checked' in body  # what was answered stays


def test_a_wrong_answer_and_missing_ones_are_shown_together(app, client) -> None:  # type: ignore[no-untyped-def]
    survey_id = make_survey(app)
    [token] = make_links(app, survey_id)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    refused = client.post(f"/s/{token}", data={"csrf_token": csrf_from(page), "action": "submit", "q_done": ["1"], "q_speed": ["9"]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert re.search(r'id="problem-speed">[^<]*超出范围', body)
    assert 'id="problem-overall"' in body and 'id="problem-aspects"' in body


def test_a_title_with_markup_never_reaches_the_page_as_a_tag(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import Survey

    survey_id = make_survey(app, mode="open")
    with app.app_context():
        db.session.get(Survey, survey_id).title = "<script>alert(1)</script>窗口评价"
        db.session.commit()
    page = client.get(f"/surveys/{survey_id}/answer")
    body = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert "<" not in title and "&lt;script&gt;alert(1)&lt;/script&gt;窗口评价" in title
    assert "<script>alert" not in body
    _, email, password = make_user(role="staff")
    login(client, email, password)
    for path in (f"/staff/surveys/{survey_id}", f"/staff/surveys/{survey_id}/preview", f"/staff/surveys/{survey_id}/edit", "/staff/surveys/"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in body, path
        assert "<" not in re.search(r"<title>(.*?)</title>", body, re.S).group(1), path


def test_without_javascript_the_json_is_the_builder(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    """The editor and preview are hidden until the script shows them; the JSON text area is open and submitted."""
    _, email, password = make_user(role="staff")
    login(client, email, password)
    page = client.get("/staff/surveys/new").get_data(as_text=True)
    assert '<section class="builder" hidden' in page and '<aside class="builder-preview card" hidden' in page
    assert '<details class="spec-json" open>' in page and 'name="spec"' in page
    assert "<script>" not in page  # external scripts only (CSP: script-src 'self' + nonce)
