"""A department account edits its own survey (issue 15 item 1): the save works and a refused save
keeps what was typed; the builder page's title holds no markup (issue 15 item 8)."""

from __future__ import annotations

import json
import re

from tests.conftest import csrf_from, login
from tests.integration.survey_helpers import SPEC, make_survey


def _department_client(client, make_user):  # type: ignore[no-untyped-def]
    _, email, password = make_user(role="department", department="市公安局")
    login(client, email, password)
    return client


def _edit(client, survey_id: int, **fields):  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/surveys/{survey_id}/edit")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "title": "户籍窗口评价", "description": "",
            "service": "户籍办理", "anonymous": "y", "mode": "invite", "spec": json.dumps(SPEC, ensure_ascii=False), **fields}
    # No "department" field: the form hides it from department accounts.
    return client.post(f"/staff/surveys/{survey_id}/edit", data=data)


def test_department_account_saves_an_edit(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import Survey

    _department_client(client, make_user)
    survey_id = make_survey(app, department="市公安局")
    saved = _edit(client, survey_id, title="户籍窗口评价（修订）")
    assert saved.status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.title == "户籍窗口评价（修订）" and survey.department.name == "市公安局"


def test_department_account_refused_edit_keeps_the_input(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _department_client(client, make_user)
    survey_id = make_survey(app, department="市公安局")
    refused = _edit(client, survey_id, title="我改过的标题", spec='{"questions": [{"type": "nosuch", "title": "新题目XYZ"}]}')
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "我改过的标题" in html and "新题目XYZ" in html and "nosuch" in html


def test_builder_page_title_holds_no_markup(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _department_client(client, make_user)
    html = client.get("/staff/surveys/new").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "script" not in title
    assert html.count("js/survey_builder.js") == 1
