"""The decision procedure of a plan: staff record steps with documents; the public page shows the timeline."""

from __future__ import annotations

import io

from tests.conftest import login
from tests.support.experts import post_form

PDF = b"%PDF-1.4\n% legality review\n"


def _staff(app, make_user, **kwargs):  # type: ignore[no-untyped-def]
    _, email, password = make_user(**kwargs)
    client = app.test_client()
    login(client, email, password)
    return client


def _save(client, plan_id: int, kind: str, data: dict):  # type: ignore[no-untyped-def]
    page = f"/staff/plans/{plan_id}/decisions"
    return post_form(client, page, f"{page}/{kind}", data, content_type="multipart/form-data")


def test_recorded_steps_and_their_documents_show_on_the_public_page(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(app, make_user, role="staff")
    plan_id = make_plan()
    public = app.test_client()
    before = public.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "决策程序" in before and "公开征求意见，收到意见 0 条" in before and "正在征求意见" in before
    assert before.count('class="decision-step ongoing"') == 1 and before.count('class="decision-step pending"') == 4
    response = _save(staff, plan_id, "legality_review", {"held_on": "2026-11-20", "outcome": "经司法局审查，未发现违法情形。",
                                                         "document": (io.BytesIO(PDF), "合法性审查意见书.pdf")})
    assert response.status_code == 302
    assert _save(staff, plan_id, "collective_decision", {"held_on": "2026-11-28", "outcome": "市政府常务会议审议通过。"}).status_code == 302
    page = public.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "合法性审查" in page and "2026-11-20" in page and "未发现违法情形" in page and "市政府常务会议审议通过" in page
    assert page.count('class="decision-step done"') == 2
    link = page.split(f'href="/plans/{plan_id}/decisions/documents/')[1].split('"')[0]
    document = public.get(f"/plans/{plan_id}/decisions/documents/{link}")
    assert document.status_code == 200 and document.data == PDF and document.mimetype == "application/pdf"
    # The staff page of the plan shows the same timeline with a way to edit it.
    assert "未发现违法情形" in staff.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    # A document of another plan is not reachable through this plan's URL.
    other = make_plan(title="另一方案")
    assert public.get(f"/plans/{other}/decisions/documents/{link}").status_code == 404
    # Deleting it takes it off the public page.
    assert post_form(staff, f"/staff/plans/{plan_id}/decisions", f"/staff/plans/{plan_id}/decisions/documents/{link}/delete", {}).status_code == 302
    assert "合法性审查意见书.pdf" not in public.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_bad_step_input_is_refused_with_what_was_typed_kept(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(app, make_user, role="staff")
    plan_id = make_plan()
    cases = (
        ({"held_on": "11月20日", "outcome": "评估结论甲"}, 400, "日期格式应为 YYYY-MM-DD"),
        ({"held_on": "", "outcome": ""}, 400, "请至少填写日期、结果或上传一份文件"),
        ({"held_on": "2026-11-20", "outcome": "评估结论甲", "document": (io.BytesIO(b"MZ\x90"), "run.exe")}, 415, "附件只能是"),
        ({"held_on": "2026-11-20", "outcome": "评估结论甲", "document": (io.BytesIO(b"not a pdf"), "fake.pdf")}, 415, "附件内容与扩展名 .pdf 不符"),
        ({"held_on": "2026-11-20", "outcome": "评估结论甲", "document": (io.BytesIO(b"%PDF" + b"0" * (5 * 1024 * 1024)), "big.pdf")}, 413, "附件不能超过 5 MB"),
        ({"held_on": "2026-11-20", "outcome": "<b>评估结论甲</b>"}, 400, "HTML"),
    )
    for data, status, message in cases:
        response = _save(staff, plan_id, "risk_assessment", data)
        html = response.get_data(as_text=True)
        assert response.status_code == status and message in html, (data, response.status_code)
        if data["held_on"]:
            assert data["held_on"] in html  # the typed date is kept
    assert _save(staff, plan_id, "no_such_step", {"held_on": "2026-11-20"}).status_code == 404


def test_expert_review_step_is_filled_until_staff_write_it(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import DecisionStep

    staff = _staff(app, make_user, role="staff")
    plan_id = make_plan()
    with app.app_context():
        db.session.add(DecisionStep(plan_id=plan_id, kind="expert_review", outcome="邀请 2 位专家论证", filled_by="experts"))
        db.session.commit()
    page = staff.get(f"/staff/plans/{plan_id}/decisions").get_data(as_text=True)
    assert "当前内容由专家论证自动生成" in page
    assert _save(staff, plan_id, "expert_review", {"held_on": "2026-11-25", "outcome": "专家论证会一致同意。"}).status_code == 302
    with app.app_context():
        step = db.session.query(DecisionStep).filter_by(plan_id=plan_id, kind="expert_review").one()
        assert step.filled_by == "staff" and step.outcome == "专家论证会一致同意。"


def test_department_staff_edit_only_their_own_plans_steps(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan_id = make_plan(department="交通局")
    from consult.core.models import User
    from consult.extensions import db
    from consult.plans.models import Plan

    user_id, email, password = make_user(role="department")
    with app.app_context():  # a member of the plan's own department
        db.session.get(User, user_id).department_id = db.session.get(Plan, plan_id).department_id
        db.session.commit()
    own = app.test_client()
    login(own, email, password)
    assert own.get(f"/staff/plans/{plan_id}/decisions").status_code == 200
    assert _save(own, plan_id, "risk_assessment", {"held_on": "2026-11-10", "outcome": "社会稳定风险低。"}).status_code == 302
    other = _staff(app, make_user, role="department", department="教育局")
    assert other.get(f"/staff/plans/{plan_id}/decisions").status_code == 403
