"""The staff dashboard: open plans with counts, comments per day, backlog, digest freshness, unanswered."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import login


@pytest.fixture(autouse=True)
def _fresh_login_limits():  # type: ignore[no-untyped-def]
    """These tests log in often; an app built with limits on (test_rate_limits) enables the shared limiter
    for every app, so clear its in-memory counters before and after each test (never a shared Redis)."""
    from consult.extensions import limiter

    def reset() -> None:
        if type(getattr(limiter, "_storage", None)).__name__ == "MemoryStorage":
            limiter.reset()

    reset()
    yield
    reset()


def _seed(app, make_user, make_plan):  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.digests import operations as digests
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Plan
    from consult.responses import operations as responses

    open_id = make_plan(department="市发改委", title="开放中的方案")
    pre_id = make_plan(department="市教育局", title="先审后发的方案", moderation="pre")
    citizen = make_user()
    staff_id = make_user(role="staff")[0]
    with app.app_context():
        user = db.session.get(User, citizen[0])
        plan = db.session.get(Plan, open_id)
        made = [comments.post_comment(user=user, plan=plan, body=f"关于企业开办的第{k}条意见", submission_id=f"s{k}")[0] for k in range(5)]
        now = datetime.now(UTC)
        made[0].created_at = now - timedelta(days=2)
        made[1].created_at = now - timedelta(days=2)
        made[2].created_at = now - timedelta(days=40)  # outside the 30-day chart
        for k in range(3):
            comments.post_comment(user=user, plan=db.session.get(Plan, pre_id), body=f"待审核的意见{k}", submission_id=f"p{k}")
        db.session.commit()
        digest, _ = digests.request_digest(plan)
        db.session.commit()
        digests.build(digest.id)
        comments.post_comment(user=user, plan=plan, body="摘要之后的新意见", submission_id="late")
        staff = db.session.get(User, staff_id)
        responses.respond(staff, plan, [made[0].id], status="adopted", text="采纳")
        db.session.commit()
    return open_id, pre_id


def _row(html: str, plan_id: int) -> str:
    match = re.search(rf'<tr data-plan-id="{plan_id}">(.*?)</tr>', html, re.S)
    assert match, f"plan {plan_id} not on the dashboard"
    return match.group(1)


def test_dashboard_figures(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    open_id, pre_id = _seed(any_app, make_user, make_plan)
    client = any_app.test_client()
    _id, name, password = make_user(role="staff")
    login(client, name, password)
    html = client.get("/staff/").get_data(as_text=True)
    row = _row(html, open_id)
    assert '<td class="dash-comments">6</td>' in row
    assert '<td class="dash-unanswered">5</td>' in row  # 6 comments, one answered
    assert "第 1 版" in row and "之后新增 1 条" in row
    assert '<td class="dash-pending">3</td>' in _row(html, pre_id)
    assert re.search(r'id="dash-backlog">.*?<p class="figure">3</p>', html, re.S)
    assert "还剩 30 天" in row
    # Comments per day: 30 zero-filled days; the 40-day-old comment is not in the chart.
    days = re.findall(r"<title>(\d{4}-\d\d-\d\d)：(\d+)</title>", html)
    assert len(days) == 30
    # The chart has axes: a title on each (with the unit), ticks on the count axis, dates below.
    chart = html[html.index('id="chart-dash-daily"'):html.index("</svg>", html.index('id="chart-dash-daily"'))]
    assert ">日期<" in chart and ">意见数（条）<" in chart
    assert re.search(r'text-anchor="end"[^>]*>0<', chart) and chart.count("<line") >= 4
    # The chart counts office-local days: after 16:00 UTC Shanghai is already on the next date.
    local = ZoneInfo(any_app.config["BABEL_DEFAULT_TIMEZONE"])
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).astimezone(local).date().isoformat()
    assert dict(days)[two_days_ago] == "2"
    # Today: 2 + 1 late on the open plan and 3 pending on the other; two days ago: 2.
    assert sum(int(n) for _d, n in days) == 3 + 3 + 2
    assert "还没有满意度调查" in html


def test_department_staff_see_only_their_plans(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans.models import Plan

    open_id, pre_id = _seed(app, make_user, make_plan)
    user_id, name, password = make_user(role="department")
    with app.app_context():
        db.session.get(User, user_id).department_id = db.session.get(Plan, pre_id).department_id
        db.session.commit()
    client = app.test_client()
    login(client, name, password)
    html = client.get("/staff/").get_data(as_text=True)
    assert f'data-plan-id="{pre_id}"' in html and f'data-plan-id="{open_id}"' not in html
    assert "开放中的方案" not in html
    days = re.findall(r"<title>(\d{4}-\d\d-\d\d)：(\d+)</title>", html)
    assert sum(int(n) for _d, n in days) == 3  # only the 3 comments on their own plan


def test_satisfaction_per_department_once_surveys_exist(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]

    from consult.core.models import User
    from consult.extensions import db
    from tests.integration.test_staff_permissions import _survey_with_ticket

    staff_id, name, password = make_user(role="staff")
    client = app.test_client()
    login(client, name, password)
    assert "还没有满意度调查" in client.get("/staff/").get_data(as_text=True)
    with app.app_context():
        _survey_with_ticket(db.session.get(User, staff_id), "市政务服务局")
    html = client.get("/staff/").get_data(as_text=True)
    row = re.search(r'<tr class="satisfaction-row">(.*?)</tr>', html, re.S)
    assert row and "市政务服务局" in row.group(1) and "窗口" in row.group(1)
    assert "<td>0.0</td>" in row.group(1)  # one answer of 1 out of 5 → index 0
    # Department staff of another department do not see it.
    other_id, other_name, other_password = make_user(role="department", department="市教育局")
    other = app.test_client()
    login(other, other_name, other_password)
    assert "市政务服务局" not in other.get("/staff/").get_data(as_text=True)


def test_overdue_service_tickets_are_flagged_for_the_office_and_their_department(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from sqlalchemy import select

    from consult.core.models import User
    from consult.extensions import db
    from consult.surveys.models import ServiceTicket
    from tests.integration.test_staff_permissions import _survey_with_ticket

    make_plan(department="市政务服务局")
    with app.app_context():
        author = db.session.scalar(select(User).where(User.role == "staff"))
        _survey_id, ticket_id = _survey_with_ticket(author, "市政务服务局")
        ticket = db.session.get(ServiceTicket, ticket_id)
        ticket.opened_on, ticket.due_on = date.today() - timedelta(days=30), date.today() - timedelta(days=2)
        db.session.commit()
    seen = {}
    for who, kwargs in (("office", {"role": "staff"}), ("own", {"role": "department"}), ("other", {"role": "department", "department": "市教育局"})):
        client = app.test_client()
        _id, name, password = make_user(**kwargs)
        if who == "own":  # a member of the ticket's department
            with app.app_context():
                user = db.session.get(User, _id)
                user.department_id = db.session.get(ServiceTicket, ticket_id).department_id
                db.session.commit()
        login(client, name, password)
        html = client.get("/staff/").get_data(as_text=True)
        seen[who] = f'href="/staff/surveys/tickets/{ticket_id}"' in html
    assert seen == {"office": True, "own": True, "other": False}
