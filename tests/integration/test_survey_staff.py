"""Staff side of surveys: build, preview, publish and version, invite, results, exports,
scorecard, tickets; department staff confined to their department."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.conftest import csrf_from, login
from tests.integration.survey_helpers import GOOD, SPEC, make_links, make_survey


def _staff(client, make_user, role="staff", department=""):  # type: ignore[no-untyped-def]
    _, email, password = make_user(role=role, department=department)
    login(client, email, password)


def _form(client, url: str, data: dict, page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data}, **kwargs)


def _survey_fields(**extra) -> dict:  # type: ignore[no-untyped-def]
    return {"title": "窗口服务评价", "description": "", "department": "市政务服务局", "service": "户籍办理", "anonymous": "y",
            "mode": "invite", "spec": json.dumps(SPEC, ensure_ascii=False), **extra}


def test_build_preview_publish_and_freeze(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.surveys.models import Survey, SurveyVersion

    _staff(client, make_user)
    bad = _form(client, "/staff/surveys/new", _survey_fields(spec="{not json"))
    assert bad.status_code == 400 and "不是有效的 JSON" in bad.get_data(as_text=True)
    created = _form(client, "/staff/surveys/new", _survey_fields())
    assert created.status_code == 302
    with app.app_context():
        survey_id = db.session.scalar(select(Survey.id))
    preview = client.get(f"/staff/surveys/{survey_id}/preview").get_data(as_text=True)
    assert "预览" in preview and "事情办成了吗" in preview and "提交答卷" not in preview
    detail = f"/staff/surveys/{survey_id}"
    assert _form(client, f"{detail}/publish", {}, page=detail).status_code == 302
    again = _form(client, f"{detail}/publish", {}, page=detail)
    assert again.status_code == 302 and "问卷内容没有变化" in client.get(detail).get_data(as_text=True)
    # Editing a published survey changes the draft only; publishing makes version 2.
    changed = json.loads(json.dumps(SPEC))
    changed["questions"][1]["title"] = "您的事情办成了吗"
    assert _form(client, f"{detail}/edit", _survey_fields(spec=json.dumps(changed, ensure_ascii=False))).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.current_version.number == 1 and survey.current_version.questions[0].title == "事情办成了吗"
    assert _form(client, f"{detail}/publish", {}, page=detail).status_code == 302
    with app.app_context():
        versions = db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].questions[0].title == "事情办成了吗"  # the old version is frozen
        assert versions[1].questions[0].title == "您的事情办成了吗"
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"survey.create", "survey.publish", "survey.edit"} <= actions
    anon_change = _form(client, f"{detail}/edit", _survey_fields(anonymous=""))
    assert anon_change.status_code == 409 and "匿名" in anon_change.get_data(as_text=True)


def test_invitations_from_a_recipient_list(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import SurveyInvitation

    _staff(client, make_user)
    survey_id = make_survey(app)
    detail = f"/staff/surveys/{survey_id}"
    csv = "姓名,联系方式\n张三,13812345678\n李四,lisi@example.com\n,\n".encode()
    page = _form(client, f"{detail}/invitations", {"expires_days": "10", "upload": (io.BytesIO(csv), "名单.csv")}, page=detail, content_type="multipart/form-data")
    text = page.data.decode("utf-8-sig")
    assert page.status_code == 200 and page.mimetype == "text/csv" and text.count("/s/") == 2 and "张三" in text
    with app.app_context():
        rows = db.session.scalars(select(SurveyInvitation)).all()
        assert len(rows) == 2 and all(len(r.token_hash) == 64 for r in rows)
        assert all(r.token_hash not in text for r in rows)  # only hashes stored, never shown
    token = re.search(r"/s/([A-Za-z0-9_-]+)", text).group(1)
    assert client.get(f"/s/{token}").status_code == 200
    by_count = _form(client, f"{detail}/invitations", {"count": "3", "expires_days": "30"}, page=detail)
    assert by_count.status_code == 200 and by_count.data.decode("utf-8-sig").count("/s/") == 3
    bad_file = _form(client, f"{detail}/invitations", {"expires_days": "10", "upload": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")}, page=detail, content_type="multipart/form-data")
    assert bad_file.status_code == 302
    assert "联系方式" in client.get(detail).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(SurveyInvitation.id))) == 5


def _answer(app, survey_id, forms):  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import answering

    tokens = make_links(app, survey_id, len(forms), recipients=[(f"对象{i}", f"1380000{i:04d}") for i in range(len(forms))])
    with app.app_context():
        for token, form in zip(tokens, forms, strict=True):
            answering.submit_with_token(token, form)
        db.session.commit()


def test_results_page_shows_distribution_rate_and_crosstab(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _staff(client, make_user)
    survey_id = make_survey(app)
    make_links(app, survey_id, 2)  # sent but never answered: the response rate is 3/5
    _answer(app, survey_id, [GOOD, {**GOOD, "q_overall": ["1"], "q_advice": ["我的电话13812345678，请回电"]}, {**GOOD, "q_done": ["2"], "q_why": ["2"]}])
    page = client.get(f"/staff/surveys/{survey_id}/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="response-count">3<' in html and "60.0%" in html  # 3 of 5 links
    assert "低分占比" in html and "33.3%" in html  # one of three rated 非常不满意
    assert "13812345678" not in html and "138****5678" in html  # masked free text
    assert "<svg" in html
    cross = client.get(f"/staff/surveys/{survey_id}/results?x=done&y=overall").get_data(as_text=True)
    assert "交叉分析" in cross
    assert client.get(f"/staff/surveys/{survey_id}/results?x=done&y=advice").status_code == 400
    assert client.get(f"/staff/surveys/{survey_id}/results?from=2026-13").status_code == 400
    with app.app_context():
        from consult.surveys.building import local_day

        month = local_day().strftime("%Y-%m")
    empty = client.get(f"/staff/surveys/{survey_id}/results?to=2000-01").get_data(as_text=True)
    assert 'id="response-count">0<' in empty
    assert 'id="response-count">3<' in client.get(f"/staff/surveys/{survey_id}/results?from={month}&to={month}").get_data(as_text=True)


def test_exports_are_masked_neutralised_and_audited(any_app, make_user) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from consult.core.models import AuditEntry
    from consult.extensions import db

    app, client = any_app, any_app.test_client()
    _staff(client, make_user)
    survey_id = make_survey(app)
    _answer(app, survey_id, [{**GOOD, "q_advice": ["=HYPERLINK(\"http://x\") 身份证110101199003071234"]}, GOOD])
    raw = client.get(f"/staff/surveys/{survey_id}/export?kind=raw&fmt=csv")
    text = raw.data.decode("utf-8-sig")
    assert raw.status_code == 200 and "110101199003071234" not in text
    assert "'=HYPERLINK" in text and "满意" in text and "办成了" in text
    xlsx = client.get(f"/staff/surveys/{survey_id}/export?kind=aggregate&fmt=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:4] == ["题号", "题目", "选项/分值", "人数"]
    assert cells[1][:4] == ["done", "事情办成了吗", "办成了", 2]
    # Shares and scores are numbers with a number format (Excel sums and sorts them), not text.
    share = sheet.cell(row=2, column=5)
    assert share.value == 1 and share.number_format == "0.0%"
    scored = [c for row in sheet.iter_rows(min_row=2) for c in row[5:9] if isinstance(c.value, int | float)]
    assert scored and all(c.number_format in ("0.00", "0.0", "0.0%") for c in scored), [[c.value for c in r] for r in sheet.iter_rows()]
    assert not [c.value for row in sheet.iter_rows(min_row=2) for c in row[4:9] if isinstance(c.value, str) and c.value.endswith("%")]
    csv_text = client.get(f"/staff/surveys/{survey_id}/export?kind=aggregate&fmt=csv").data.decode("utf-8-sig")
    assert ",100.0%," in csv_text  # the CSV keeps the readable display
    assert client.get(f"/staff/surveys/{survey_id}/export?kind=evil&fmt=csv").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "survey.export")) == 3


def test_department_staff_see_only_their_department(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Department
    from consult.extensions import db

    _staff(client, make_user, role="department", department="市公安局")  # creates the department
    ours = make_survey(app, department="市公安局")
    theirs = make_survey(app, department="市税务局")
    _answer(app, ours, [GOOD])
    _answer(app, theirs, [GOOD])
    assert client.get(f"/staff/surveys/{theirs}/results").status_code == 403
    assert client.get(f"/staff/surveys/{theirs}/export?kind=raw&fmt=csv").status_code == 403
    assert client.get(f"/staff/surveys/{ours}/results").status_code == 200
    listing = client.get("/staff/surveys/").get_data(as_text=True)
    assert listing.count("不动产登记服务满意度调查") == 1
    card = client.get("/staff/surveys/scorecard").get_data(as_text=True)
    assert "市公安局" in card and "市税务局" not in card
    with app.app_context():
        other = db.session.scalar(select(Department.id).where(Department.name == "市税务局"))
    assert client.get(f"/staff/surveys/scorecard?department={other}").status_code == 403
    anonymous_client = app.test_client()
    assert anonymous_client.get("/staff/surveys/scorecard").status_code == 302
    citizen = app.test_client()
    _staff(citizen, make_user, role="citizen")
    assert citizen.get("/staff/surveys/").status_code == 403


def test_scorecard_shows_index_count_and_distribution(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    _staff(client, make_user)
    survey_id = make_survey(app)
    # overall (satisfaction) 满意, 非常不满意 and speed (rating) 5, 5: scores 75, 0, 100, 100 -> 68.75
    _answer(app, survey_id, [GOOD, {**GOOD, "q_overall": ["1"], "q_speed": ["5"]}])
    html = client.get("/staff/surveys/scorecard").get_data(as_text=True)
    assert "市政务服务局 · 不动产登记" in html
    assert '<b class="index">68.8</b>' in html
    assert "1 / 1 / 0 / 0 / 0" not in html and "2 / 1 / 0 / 0 / 1" in html  # distribution 5→1 of all four answers
    assert "回答数" in html and "低分占比" in html


def test_low_rating_with_reason_opens_a_ticket_and_follow_up(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Notification
    from consult.extensions import db
    from consult.surveys import tickets
    from consult.surveys.models import ServiceTicket, SurveyInvitation

    dept_user, email, password = make_user(role="department", department="市政务服务局")
    survey_id = make_survey(app, anonymous=False, department="市政务服务局")
    _answer(app, survey_id, [{**GOOD, "q_overall": ["2"], "q_overall_reason": ["排队两个小时"]}, {**GOOD, "q_overall": ["1"]}, {**GOOD, "q_overall_reason": ["还行"]}])
    with app.app_context():
        ticket = db.session.scalars(select(ServiceTicket)).one()  # only the low rating that gave a reason
        assert ticket.rating == "不满意" and ticket.reason == "排队两个小时" and ticket.contact.startswith("1380000")
        assert ticket.due_on == tickets.add_working_days(ticket.opened_on, 15)
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == dept_user)) == 1
        ticket_id = ticket.id
    login(client, email, password)
    url = f"/staff/surveys/tickets/{ticket_id}"
    early = _form(client, f"{url}/close", {}, page=url)
    assert early.status_code == 302 and "请先填写回访记录" in client.get(url).get_data(as_text=True)
    assert _form(client, f"{url}/callback", {"notes": ""}, page=url).status_code == 302
    assert _form(client, f"{url}/callback", {"notes": "已电话联系，增开窗口"}, page=url).status_code == 302
    closed = _form(client, f"{url}/close", {}, page=url)
    html = closed.get_data(as_text=True)
    assert closed.status_code == 200 and 'id="followup-link"' in html
    link = html.split('id="followup-link">')[1].split("<")[0]
    assert client.get(link.split("localhost")[1]).status_code == 200  # a fresh one-time link works
    with app.app_context():
        ticket = db.session.get(ServiceTicket, ticket_id)
        assert ticket.status == "closed" and "增开窗口" in ticket.callback_notes
        # The note's stamp is the office's local time, as the page shows it, never "UTC".
        from consult.core import clock

        assert "UTC" not in ticket.callback_notes and f"[{clock.local(ticket.called_at)}]" in ticket.callback_notes
        assert db.session.scalar(select(SurveyInvitation.ticket_id).where(SurveyInvitation.id == ticket.followup_invitation_id)) == ticket_id


def test_working_days_and_overdue(app) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys import tickets
    from consult.surveys.models import ServiceTicket

    assert tickets.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday -> Monday
    assert tickets.add_working_days(date(2026, 11, 24), 15) == date(2026, 12, 15)
    survey_id = make_survey(app)
    _answer(app, survey_id, [{**GOOD, "q_overall": ["1"], "q_overall_reason": ["态度差"]}])
    with app.app_context():
        ticket = db.session.scalars(select(ServiceTicket)).one()
        assert tickets.overdue_tickets() == []
        ticket.due_on = date.today() - timedelta(days=1)
        db.session.commit()
        assert [t.id for t in tickets.overdue_tickets()] == [ticket.id]


def test_office_page_flags_overdue(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.surveys.models import ServiceTicket

    survey_id = make_survey(app)
    _answer(app, survey_id, [{**GOOD, "q_overall": ["1"], "q_overall_reason": ["态度差"]}])
    with app.app_context():
        db.session.scalars(select(ServiceTicket)).one().due_on = date.today() - timedelta(days=2)
        db.session.commit()
    _staff(client, make_user)
    html = client.get("/staff/surveys/").get_data(as_text=True)
    assert 'id="overdue-tickets"' in html and "逾期未办结" in html


def test_plan_survey_free_text_is_mirrored_into_the_plan(app, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment

    plan_id = make_plan()
    survey_id = make_survey(app, plan_id=plan_id)
    _answer(app, survey_id, [{**GOOD, "q_advice": ["希望延长窗口办公时间"]}])
    with app.app_context():
        copy = db.session.scalars(select(Comment).where(Comment.source == "survey")).one()
        assert copy.plan_id == plan_id and copy.user_id is None and copy.body == "希望延长窗口办公时间" and copy.status == "internal"


def test_free_text_digest_is_queued_once_and_built(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import OutboxEvent
    from consult.digests import engine
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.surveys import digest_scope as surveys_digest

    _staff(client, make_user)
    survey_id = make_survey(app)
    results = f"/staff/surveys/{survey_id}/results"
    refused = _form(client, f"/staff/surveys/{survey_id}/digest", {}, page=results)
    assert refused.status_code == 302 and "还没有文字回答" in client.get(results).get_data(as_text=True)
    texts = ["窗口太少排队太久", "排队时间太长窗口太少", "网上办系统经常卡顿", "系统卡顿上传失败", "电话13812345678打不通"]
    _answer(app, survey_id, [{**GOOD, "q_advice": [t]} for t in texts])
    assert _form(client, f"/staff/surveys/{survey_id}/digest", {}, page=results).status_code == 302
    assert _form(client, f"/staff/surveys/{survey_id}/digest", {}, page=results).status_code == 302  # same answers: same digest
    with app.app_context():
        digest = db.session.scalars(select(Digest)).one()
        assert (digest.scope, digest.scope_key) == ("survey", str(survey_id))
        assert db.session.scalar(select(func.count(OutboxEvent.id)).where(OutboxEvent.task == surveys_digest.TASK)) == 1
        assert engine.build(digest.id) == "done"
    html = client.get(results).get_data(as_text=True)
    assert "文字回答摘要" in html and "基于截至" in html and "13812345678" not in html


def test_demo_survey_loads_once_and_renders(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.demo import surveys as surveys_demo
    from consult.extensions import db
    from consult.surveys.models import Survey

    with app.app_context():
        assert surveys_demo.load() > 200
        db.session.commit()
        assert surveys_demo.load() == 0
        survey_id = db.session.scalar(select(Survey.id))
    _staff(client, make_user)
    assert client.get(f"/staff/surveys/{survey_id}/results").status_code == 200
    assert "一网通办" in client.get("/staff/surveys/scorecard").get_data(as_text=True)
    assert 'id="overdue-tickets"' in client.get("/staff/surveys/").get_data(as_text=True)


def test_recipient_list_from_xlsx_and_plan_scorecard(app, client, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    from consult.extensions import db
    from consult.surveys.models import SurveyInvitation

    _staff(client, make_user)
    plan_id = make_plan(title="窗口服务改革方案")
    survey_id = make_survey(app, plan_id=plan_id, anonymous=False)  # a named survey keeps its recipient list
    other = make_survey(app, service="其他服务")
    _answer(app, survey_id, [GOOD])
    _answer(app, other, [{**GOOD, "q_overall": ["1"]}])
    book = Workbook()
    book.active.append(["姓名", "手机号"])
    book.active.append(["王五", "13900001111"])
    buffer = io.BytesIO()
    book.save(buffer)
    detail = f"/staff/surveys/{survey_id}"
    page = _form(client, f"{detail}/invitations", {"expires_days": "7", "upload": (io.BytesIO(buffer.getvalue()), "名单.xlsx")}, page=detail, content_type="multipart/form-data")
    assert page.status_code == 200 and "王五" in page.data.decode("utf-8-sig")
    with app.app_context():
        assert db.session.scalar(select(SurveyInvitation.contact).where(SurveyInvitation.recipient == "王五")) == "13900001111"
    assert "关联方案“窗口服务改革方案”的满意度" in client.get(detail).get_data(as_text=True)
    card = client.get(f"/staff/surveys/scorecard?plan={plan_id}").get_data(as_text=True)
    assert "窗口服务改革方案" in card and "不动产登记" in card and "其他服务" not in card
