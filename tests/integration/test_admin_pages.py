"""Admin pages: departments, roles (audited, never one's own admin role), the audit log and its export."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import _truncate, csrf_from, login


def _admin(app, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user_id, email, password = make_user(role="admin")
    login(client, email, password)
    return client, user_id


def _post(client, url, data, page="/admin/departments"):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_departments_are_created_and_renamed_with_clear_refusals(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Department
    from consult.extensions import db

    admin, _ = _admin(app, make_user)
    assert _post(admin, "/admin/departments", {"name": "市教育局"}).status_code == 302
    assert _post(admin, "/admin/departments", {"name": "市教育局"}).status_code == 409
    assert _post(admin, "/admin/departments", {"name": ""}).status_code == 400
    assert _post(admin, "/admin/departments", {"name": "局" * 121}).status_code == 400
    assert _post(admin, "/admin/departments", {"name": "<script>x</script>"}).status_code == 400
    with app.app_context():
        dept_id = db.session.scalar(select(Department.id).where(Department.name == "市教育局"))
    assert _post(admin, f"/admin/departments/{dept_id}", {"name": "市教育委员会"}).status_code == 302
    assert _post(admin, "/admin/departments/99999", {"name": "不存在"}).status_code == 404
    assert "市教育委员会" in admin.get("/admin/departments").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["department.create", "department.rename"]


def test_roles_are_set_with_audit_and_an_admin_cannot_demote_themselves(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Department, User
    from consult.extensions import db

    admin, admin_id = _admin(app, make_user)
    target_id, target_login, target_password = make_user()
    with app.app_context():
        phone_user = User(phone="13812345678", password_hash="x", pseudonym="电话用户")
        dept = Department(name="市卫健委")
        db.session.add_all([phone_user, dept])
        db.session.commit()
        dept_id = dept.id
    # The target is logged in before the change: their session ends with it.
    target = app.test_client()
    login(target, target_login, target_password)

    users_page = admin.get("/admin/users").get_data(as_text=True)
    assert "138****5678" in users_page and "13812345678" not in users_page
    assert "138****5678" in admin.get("/admin/users?q=1381234").get_data(as_text=True)

    url = f"/admin/users/{target_id}/role"
    assert _post(admin, url, {"role": "department", "department": ""}, "/admin/users").status_code == 400  # needs a department
    assert _post(admin, url, {"role": "emperor", "department": ""}, "/admin/users").status_code == 400
    assert _post(admin, url, {"role": "department", "department": "99999"}, "/admin/users").status_code == 404
    assert _post(admin, url, {"role": "department", "department": "abc"}, "/admin/users").status_code == 400
    assert _post(admin, "/admin/users/99999/role", {"role": "staff", "department": ""}, "/admin/users").status_code == 404
    assert _post(admin, url, {"role": "department", "department": str(dept_id)}, "/admin/users").status_code == 302
    assert target.get("/staff/").status_code == 302  # logged out by the role change

    refused = _post(admin, f"/admin/users/{admin_id}/role", {"role": "staff", "department": ""}, "/admin/users")
    assert refused.status_code == 403 and "不能取消自己的管理员权限" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).role == "admin"
        user = db.session.get(User, target_id)
        assert (user.role, user.department_id) == ("department", dept_id)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role"))
        assert entry.target_id == target_id and entry.detail["old_role"] == "citizen" and entry.detail["new_role"] == "department"


def test_audit_page_filters_and_exports_masked_formula_safe_rows(app, make_user) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from consult.core import audit
    from consult.core.models import Department, User
    from consult.extensions import db

    admin, _ = _admin(app, make_user)
    with app.app_context():
        dept = Department(name="市发改委")
        actor = User(phone="13900001111", password_hash="x", pseudonym="甲", role="staff")
        db.session.add_all([dept, actor])
        db.session.flush()
        audit.record(actor, "plan.publish", "plan", 7, department_id=dept.id, title="=HYPERLINK(\"http://evil\")")
        audit.record(actor, "comment.reject", "comment", 9, reason="联系 13900001111")
        old = audit.record(actor, "plan.create", "plan", 7)
        old.created_at = datetime.now(UTC) - timedelta(days=10)
        db.session.commit()
        dept_id = dept.id

    def rows(url: str) -> str:  # the log table (the filter form lists every action's label)
        html = admin.get(url).get_data(as_text=True)
        return html[html.index('class="table audit'):]

    page = rows("/admin/audit")
    # Actions read in words (发布方案, not plan.publish); personal numbers masked.
    assert "发布方案" in page and "审核不通过意见" in page and "139****1111" in page and "13900001111" not in page
    assert "plan.publish" not in page
    assert "审核不通过意见" not in rows("/admin/audit?action=plan")
    filtered = rows(f"/admin/audit?department={dept_id}")
    assert "发布方案" in filtered and "新建方案" not in filtered
    assert "新建方案" not in rows(f"/admin/audit?since={(datetime.now(UTC) - timedelta(days=2)).date()}")
    assert "发布方案" not in rows("/admin/audit?target_type=comment&target_id=9")
    for bad in ("target_id=x", "since=2024-02-30", "department=-1", "page=abc", "actor=" + "a" * 61):
        assert admin.get(f"/admin/audit?{bad}").status_code == 400, bad

    csv_text = admin.get("/admin/audit/export.csv?action=comment").get_data().decode("utf-8-sig")
    assert "comment.reject" in csv_text and "plan.publish" not in csv_text
    assert "13900001111" not in csv_text and "139****1111" in csv_text
    workbook = load_workbook(io.BytesIO(admin.get("/admin/audit/export.xlsx").get_data()))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert not any(c.startswith("=") for c in cells)
    assert any("HYPERLINK" in c for c in cells)
    assert admin.get("/admin/audit/export.pdf").status_code == 404
    # The export is itself recorded.
    assert "audit.export" in admin.get("/admin/audit?action=audit").get_data(as_text=True)


def test_audit_log_has_no_route_that_changes_entries(app) -> None:  # type: ignore[no-untyped-def]
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


@pytest.mark.postgres
def test_postgres_refuses_changing_or_deleting_recent_audit_entries(postgres_app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import DBAPIError

    from consult.core import audit
    from consult.core.models import AuditEntry, User
    from consult.extensions import db

    with postgres_app.app_context():
        recent = audit.record(None, "plan.publish", "plan", 1)
        db.session.commit()
        recent_id = recent.id
        for statement in ("UPDATE audit_entry SET action = 'x' WHERE id = :id", "DELETE FROM audit_entry WHERE id = :id"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement), {"id": recent_id})
            db.session.rollback()
        # Older than the 30-day window: a retention prune may delete it.
        db.session.execute(text("SET LOCAL consult.audit_maintenance = 'on'"))
        db.session.execute(text("UPDATE audit_entry SET created_at = now() - interval '40 days' WHERE id = :id"), {"id": recent_id})
        db.session.commit()
        db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": recent_id})
        db.session.commit()
        assert db.session.get(AuditEntry, recent_id) is None

        # Deleting an account only blanks the actor (ON DELETE SET NULL); the label stays.
        staff = User(email="leaver@example.com", password_hash="x", pseudonym="离职", role="staff")
        db.session.add(staff)
        db.session.flush()
        entry = audit.record(staff, "plan.publish", "plan", 2)
        db.session.commit()
        entry_id, user_id = entry.id, staff.id
        db.session.expunge_all()
        db.session.execute(text("DELETE FROM \"user\" WHERE id = :id"), {"id": user_id})
        db.session.commit()
        kept = db.session.get(AuditEntry, entry_id)
        assert kept.actor_id is None and kept.actor_label == "l***@example.com"
    _truncate(postgres_app)


def test_an_administrator_can_make_an_account_a_third_party_evaluator(app, make_user) -> None:  # type: ignore[no-untyped-def]
    admin, _ = _admin(app, make_user)
    target_id, target_login, target_password = make_user()
    assert "第三方评估机构" in admin.get("/admin/users").get_data(as_text=True)
    assert _post(admin, f"/admin/users/{target_id}/role", {"role": "evaluator", "department": ""}, "/admin/users").status_code == 302
    evaluator = app.test_client()
    login(evaluator, target_login, target_password)
    assert evaluator.get("/evaluator/").status_code == 200
    assert evaluator.get("/staff/").status_code == 403


def test_the_command_line_creates_an_evaluator_account(app) -> None:  # type: ignore[no-untyped-def]
    from consult.cli import main
    from consult.core.models import User
    from consult.extensions import db

    result = app.test_cli_runner().invoke(main, ["create-user", "--login", "pingu@survey.org.cn", "--password", "survey-centre-9", "--role", "evaluator", "--name", "某调查中心"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "pingu@survey.org.cn")) == "evaluator"
