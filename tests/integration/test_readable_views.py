"""Issue 15 item 10 (part): readable labels instead of raw codes in the audit log, exact CSV content types,
and a revised version that says where the plan's comments are instead of "还没有意见"."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login


def test_the_audit_log_reads_in_words(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core import audit
    from consult.core.models import User
    from consult.extensions import db

    admin_id, login_name, password = make_user(role="admin")
    with app.app_context():
        actor = db.session.get(User, admin_id)
        audit.record(actor, "response.cluster", "plan", 7, status="partly", count=3, cluster=None, comment_ids=[11, 12, 13])
        audit.record(actor, "sensitive_word.add", "sensitive_word", None, words=["某词"], count=1)
        db.session.commit()
    client = app.test_client()
    login(client, login_name, password)
    html = client.get("/admin/audit").get_data(as_text=True)
    table = html[html.index('class="table audit'):]
    assert "按问题答复意见" in table and "处理结果：部分采纳" in table and "意见编号：11、12、13" in table
    assert "response.cluster" not in table and "cluster=None" not in table and "None" not in table
    # The action filter lists labels and finds codes with an underscore.
    assert '<option value="sensitive_word.add"' in html and ">添加敏感词<" in html
    filtered = client.get("/admin/audit?action=sensitive_word.add").get_data(as_text=True)
    assert "共 1 条。" in filtered


def test_csv_downloads_say_utf_8_once(app, make_user) -> None:  # type: ignore[no-untyped-def]
    _admin_id, login_name, password = make_user(role="admin")
    client = app.test_client()
    login(client, login_name, password)
    r = client.get("/admin/audit/export.csv")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_revised_version_points_to_the_comments_of_the_first(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans import comments
    from consult.plans import operations as plans
    from consult.plans.models import Plan

    plan_id = make_plan()
    user_id, _login, _password = make_user()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        for text in ("建议延长公示期。", "建议公开审批进度。"):
            comments.post_comment(user=db.session.get(User, user_id), plan=plan, body=text)
        plans.new_version(plan, "第一条 修订后的总则。\n第二条 附则。", "根据意见修订")
        db.session.commit()
    html = app.test_client().get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "还没有意见" not in html
    assert "本版本下没有意见" in html and f'href="/plans/{plan_id}?version=1#comments"' in html and "第 1 版（2 条意见）" in html
    first = app.test_client().get(f"/plans/{plan_id}?version=1").get_data(as_text=True)
    assert "建议延长公示期" in first
    with app.app_context():
        assert db.session.scalar(select(Plan.id).where(Plan.id == plan_id))


def test_the_lottery_check_is_a_public_page_with_the_method(app) -> None:  # type: ignore[no-untyped-def]
    html = app.test_client().get("/hearings/lottery-check").get_data(as_text=True)
    assert "如何复核抽签结果" in html and "承诺值" in html and "seed_commitment" in html
    assert "docs/hearings.md" not in html
