"""Every staff action leaves an audit entry: plans, dictionary, digests, imports, moderation."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.conftest import csrf_from, login


def test_staff_actions_on_a_plan_are_audited_with_actor_and_department(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.plans.models import Plan

    client = app.test_client()
    staff_id, email, password = make_user(role="staff")
    login(client, email, password)
    page = client.get("/staff/plans/new").get_data(as_text=True)
    response = client.post(
        "/staff/plans/new",
        data={"csrf_token": csrf_from(page), "title": "审计测试方案", "department": "市司法局", "summary": "", "body": "第一条 总则。\n第二条 附则。\n第三条 施行。", "window_days": "30", "moderation": "post"},
        content_type="multipart/form-data",
    )
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    token = csrf_from(client.get(f"/staff/plans/{plan_id}").get_data(as_text=True))
    client.post(f"/staff/plans/{plan_id}/body", data={"csrf_token": token, "body": "第一条 总则。\n第二条 附则。"})
    client.post(f"/staff/plans/{plan_id}/publish", data={"csrf_token": token})
    client.post(f"/staff/plans/{plan_id}/versions", data={"csrf_token": token, "body": "第一条 修订后的总则。", "note": "修订"}, content_type="multipart/form-data")
    client.post(f"/staff/plans/{plan_id}/digest", data={"csrf_token": token})
    dictionary = client.get("/staff/dictionary").get_data(as_text=True)
    client.post("/staff/dictionary", data={"csrf_token": csrf_from(dictionary), "word": "容缺受理"})
    import_page = client.get(f"/staff/plans/{plan_id}/import").get_data(as_text=True)
    client.post(
        f"/staff/plans/{plan_id}/import",
        data={"csrf_token": csrf_from(import_page), "channel": "letter", "text_column": "", "upload": (io.BytesIO("内容\n一封来信\n".encode()), "letters.csv")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        department_id = db.session.get(Plan, plan_id).department_id
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == staff_id).order_by(AuditEntry.id)).all()
        actions = [e.action for e in entries]
        assert actions[:4] == ["plan.create", "plan.edit", "plan.publish", "plan.new_version"]
        assert "dictionary.add" in actions and "comments.import" in actions
        assert all(e.department_id == department_id for e in entries if e.target_type == "plan")
        assert all(e.target_id == plan_id for e in entries if e.target_type == "plan")
