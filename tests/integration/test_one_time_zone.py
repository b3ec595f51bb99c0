"""One time zone everywhere (CONSULT_TIMEZONE, Asia/Shanghai by default): notifications, their e-mails,
exports and the dashboard count in the office's local time like the pages, never in UTC."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import csrf_from, login


def test_a_hearing_seat_notification_and_its_email_give_beijing_time(app, make_user, make_plan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from consult.core import notifications
    from consult.core.models import Notification, User
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.plans.models import Plan

    plan_id = make_plan()
    now = datetime.now(UTC)
    # 13:03 UTC is 21:03 in Beijing.
    starts = (now + timedelta(days=20)).replace(hour=13, minute=3, second=0, microsecond=0)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        author = db.session.get(User, plan.created_by_id)
        hearing = hearings.schedule(author, plan, hearings.ScheduleInput(
            title="出租车价格调整听证会", starts_at=starts, registration_opens_at=now - timedelta(hours=1),
            registration_closes_at=now + timedelta(days=2), capacity=2, place="第一会议室", groups=("乘客",), quotas=(), selection="fcfs",
        ))
        db.session.commit()
        hearing_id = hearing.id
    user_id, login_name, password = make_user()
    client = app.test_client()
    login(client, login_name, password)
    with app.app_context():
        user = db.session.get(User, user_id)
        user.email = user.email or "tz-citizen@example.com"
        db.session.commit()
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    r = client.post(f"/hearings/{hearing_id}/apply", data={"csrf_token": csrf_from(page), "stance": "support", "group": "乘客", "statement": "建议夜间加价透明公示。"})
    assert r.status_code == 302
    sent: list[str] = []
    monkeypatch.setattr(notifications, "send_mail", lambda to, subject, body: sent.append(body))  # the mail server is the outside world
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.user_id == user_id, Notification.kind == "hearing"))
        local = starts.strftime("%Y-%m-%d") + " 21:03"
        assert local in note.body and "UTC" not in note.body
        notifications.send_email(note.id)
    assert sent and local in sent[0] and "UTC" not in sent[0]
    # The inbox page prints the same time as the hearing page.
    assert local in client.get(f"/hearings/{hearing_id}").get_data(as_text=True)


def test_exports_print_local_time(app) -> None:  # type: ignore[no-untyped-def]
    from consult.core.files.spreadsheets import write_csv, write_xlsx

    instant = datetime(2026, 12, 3, 21, 3, tzinfo=UTC)  # 05:03 the next morning in Beijing
    with app.app_context():
        text = write_csv(["时间"], [[instant]]).decode("utf-8-sig")
        book = load_workbook(io.BytesIO(write_xlsx([("表", ["时间"], [[instant]])])))
    assert list(csv.reader(io.StringIO(text)))[1] == ["2026-12-04 05:03:00"]
    assert book.active.cell(row=2, column=1).value == "2026-12-04 05:03:00"


def test_the_audit_log_page_and_export_agree_on_local_time(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core import audit
    from consult.core.models import AuditEntry
    from consult.extensions import db

    _admin_id, login_name, password = make_user(role="admin")
    with app.app_context():
        entry = audit.record(None, "plan.publish", "plan", 1)
        db.session.flush()
        entry.created_at = datetime(2026, 12, 3, 21, 3, tzinfo=UTC)
        db.session.commit()
        assert db.session.scalar(select(AuditEntry.id))
    client = app.test_client()
    login(client, login_name, password)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "2026-12-04 05:03" in html
    body = client.get("/admin/audit/export.csv").get_data(as_text=True)
    assert "2026-12-04 05:03:00" in body and "21:03" not in body


def test_the_dashboard_counts_comments_on_the_local_day(any_app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core import clock
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans.models import Comment, Plan
    from consult.staff import dashboard

    plan_id = make_plan()
    user_id, _login, _password = make_user()
    with any_app.app_context():
        today = clock.today()
        # 17:30 UTC the day before is 01:30 today in Beijing: counted today, not yesterday.
        before = datetime(today.year, today.month, today.day, 1, 30, tzinfo=clock.zone()).astimezone(UTC)
        comment, _created = comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id), body="建议延长办理时间到晚上八点。")
        db.session.flush()
        db.session.get(Comment, comment.id).created_at = before
        db.session.commit()
        days = dict(dashboard.comments_per_day([plan_id], days=3, today=today))
    assert days[today.isoformat()] == 1
    assert days[(today - timedelta(days=1)).isoformat()] == 0
