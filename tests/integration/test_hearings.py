"""Hearings: scheduling, applying (and refusals), the public lottery, waiting-list promotion, minutes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import csrf_from, login


def _schedule(app, plan_id: int, **overrides) -> int:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.hearings import operations as hearings
    from consult.plans.models import Plan
    from worker.analysis.lottery import Quota

    now = datetime.now(UTC)
    values = {
        "title": "出租车价格调整听证会",
        "starts_at": now + timedelta(days=20),
        "registration_opens_at": now - timedelta(hours=1),
        "registration_closes_at": now + timedelta(days=2),
        "capacity": 3,
        "place": "市政府第一会议室",
        "groups": ("司机", "乘客"),
        "quotas": (Quota(seats=1, stance="oppose"),),
    }
    values.update(overrides)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        author = db.session.scalar(select(User).where(User.id == plan.created_by_id))
        hearing = hearings.schedule(author, plan, hearings.ScheduleInput(**values))
        db.session.commit()
        return hearing.id


def _apply(app, client, hearing_id: int, stance: str = "support", group: str = "乘客", statement: str = "建议起步价不变，夜间加价透明公示。"):  # type: ignore[no-untyped-def]
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    return client.post(f"/hearings/{hearing_id}/apply", data={"csrf_token": csrf_from(page), "stance": stance, "group": group, "statement": statement})


def _citizen(app, make_user, **kwargs):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user_id, login_name, password = make_user(**kwargs)
    login(client, login_name, password)
    return user_id, client


def _close_registration(app, hearing_id: int) -> None:
    from consult.extensions import db
    from consult.hearings.models import Hearing

    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        hearing.registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()


def test_apply_then_refusals_are_clear_and_lose_nothing(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.hearings.models import HearingApplication

    plan_id = make_plan(department="市交通局")
    hearing_id = _schedule(app, plan_id)
    user_id, client = _citizen(app, make_user)
    response = _apply(app, client, hearing_id)
    assert response.status_code == 302
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert "报名成功" in page and "已报名，待抽签" in page

    again = _apply(app, client, hearing_id, statement="换个说法再报一次")
    assert again.status_code == 409 and "不能重复报名" in again.get_data(as_text=True)

    plan_page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f"/hearings/{hearing_id}" in plan_page and "出租车价格调整听证会" in plan_page  # found from the plan

    bad = _apply(app, _citizen(app, make_user)[1], hearing_id, stance="maybe")
    assert bad.status_code == 400
    huge = _apply(app, _citizen(app, make_user)[1], hearing_id, statement="长" * 501)
    assert huge.status_code == 400 and "500" in huge.get_data(as_text=True)

    _, unverified = _citizen(app, make_user, verified=False)
    assert _apply(app, unverified, hearing_id).status_code == 403

    # Staff of the issuing department are excluded (make_plan made the department "市交通局").
    with app.app_context():
        from consult.core.models import Department, User

        dept = db.session.scalar(select(Department).where(Department.name == "市交通局"))
        insider_id, insider = _citizen(app, make_user)
        db.session.get(User, insider_id).department_id = dept.id
        db.session.commit()
    excluded = _apply(app, insider, hearing_id)
    assert excluded.status_code == 403 and "起草部门的工作人员" in excluded.get_data(as_text=True)

    _close_registration(app, hearing_id)
    late = _apply(app, _citizen(app, make_user)[1], hearing_id)
    assert late.status_code == 400 and "报名已经截止" in late.get_data(as_text=True)

    with app.app_context():
        rows = db.session.scalars(select(HearingApplication)).all()
        assert [(r.user_id, r.statement) for r in rows] == [(user_id, "建议起步价不变，夜间加价透明公示。")]


def _run_documented_snippet(data: dict, tmp_path) -> dict:  # type: ignore[no-untyped-def]
    """The reproduction snippet of docs/hearings.md, run as a stranger would: a separate Python."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "hearings.md").read_text(encoding="utf-8")
    snippet = doc.split("### Reproducing a draw yourself", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    saved = tmp_path / "draw.json"
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", snippet, str(saved)], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_public_lottery_fills_quotas_notifies_and_publishes_a_reproducible_result(app, make_user, make_plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry, Notification
    from consult.extensions import db
    from consult.hearings.models import Hearing, HearingApplication
    from consult.plans.models import Comment
    from worker.analysis import lottery

    plan_id = make_plan()
    hearing_id = _schedule(app, plan_id)
    people = []
    for i in range(7):
        user_id, client = _citizen(app, make_user)
        stance = "oppose" if i == 6 else "support"  # one opponent, applying last
        assert _apply(app, client, hearing_id, stance=stance, statement=f"第{i}位的发言要点").status_code == 302
        people.append(user_id)

    _, staff_login, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, staff_login, password)
    manage = staff.get(f"/staff/hearings/{hearing_id}").get_data(as_text=True)
    early = staff.post(f"/staff/hearings/{hearing_id}/draw", data={"csrf_token": csrf_from(manage), "public_value": "2026321"})
    assert early.status_code == 409 and "报名尚未截止" in early.get_data(as_text=True)

    _close_registration(app, hearing_id)
    done = staff.post(f"/staff/hearings/{hearing_id}/draw", data={"csrf_token": csrf_from(manage), "public_value": "福彩3D 2026321期 718"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/hearings/{hearing_id}/draw")
    twice = staff.post(f"/staff/hearings/{hearing_id}/draw", data={"csrf_token": csrf_from(manage), "public_value": "另一个数"})
    assert twice.status_code == 409

    data = app.test_client().get(f"/hearings/{hearing_id}/draw.json").get_json()
    import hashlib

    assert hashlib.sha256(data["seed_secret"].encode()).hexdigest() == data["seed_commitment"]
    assert data["seed"] == f"{data['seed_secret']}:福彩3D 2026321期 718"
    applicants = [lottery.Applicant(a["public_id"], a["stance"], a["group"], a["order"]) for a in data["applicants"]]
    quotas = [lottery.Quota(**q) for q in data["quotas"]]
    replay = lottery.draw(data["seed"], applicants, quotas, data["capacity"])
    assert replay.selected == data["selected"] == data["draw"]["selected"] and replay.waiting == data["waiting"] == data["draw"]["waiting"]
    assert _run_documented_snippet(data, tmp_path) == data["draw"]
    opponent = next(a["public_id"] for a in data["applicants"] if a["stance"] == "oppose")
    assert opponent in data["selected"]  # the reserved seat for opposing views
    assert len(data["selected"]) == 3 and len(data["waiting"]) == 4

    page = app.test_client().get(f"/hearings/{hearing_id}/draw").get_data(as_text=True)
    assert data["seed"] in page and all(pid in page for pid in data["selected"])

    with app.app_context():
        notes = db.session.scalars(select(Notification).where(Notification.kind == "hearing")).all()
        assert sorted(n.user_id for n in notes) == sorted(people)
        assert sum("入选" in n.title for n in notes) == 3 and sum("候补" in n.title for n in notes) == 4
        mirrored = db.session.scalars(select(Comment).where(Comment.origin_type == "hearing_statement")).all()
        assert len(mirrored) == 3 and {c.source for c in mirrored} == {"hearing"}
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hearing.draw")) is not None
        seats = [a.seat_number for a in db.session.scalars(select(HearingApplication).where(HearingApplication.status == "selected"))]
        assert sorted(seats) == [1, 2, 3]
        assert db.session.get(Hearing, hearing_id).drawn_at is not None
        first = db.session.scalar(select(HearingApplication).where(HearingApplication.seat_number == 1))

    # Staff cancel a seat: the next on the waiting list moves up; the published draw stays re-runnable.
    cancel = staff.post(f"/staff/hearings/{hearing_id}/applications/{first.id}/cancel", data={"csrf_token": csrf_from(manage)})
    assert cancel.status_code == 302
    after = app.test_client().get(f"/hearings/{hearing_id}/draw.json").get_json()
    assert after["draw"] == data["draw"] and after["applicants"] == data["applicants"]
    assert first.public_id not in after["selected"] and len(after["selected"]) == 3 and len(after["waiting"]) == 3
    assert _run_documented_snippet(after, tmp_path) == after["draw"]


def test_a_freed_seat_goes_to_the_next_on_the_waiting_list(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import Notification
    from consult.extensions import db
    from consult.hearings.models import HearingApplication
    from consult.plans.models import Comment

    hearing_id = _schedule(app, make_plan(), selection="fcfs", quotas=(), capacity=2)
    clients = [_citizen(app, make_user) for _ in range(4)]
    for _, client in clients:
        assert _apply(app, client, hearing_id).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(HearingApplication).order_by(HearingApplication.id)).all()
        assert [(r.status, r.seat_number, r.waiting_position) for r in rows] == [("selected", 1, None), ("selected", 2, None), ("waiting", None, 1), ("waiting", None, 2)]
    first_client = clients[0][1]
    page = first_client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert first_client.post(f"/hearings/{hearing_id}/withdraw", data={"csrf_token": csrf_from(page)}).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(HearingApplication).order_by(HearingApplication.id)).all()
        assert [(r.status, r.seat_number) for r in rows] == [("cancelled", None), ("selected", 2), ("selected", 1), ("waiting", None)]
        promoted = db.session.scalars(select(Notification).where(Notification.user_id == clients[2][0]).order_by(Notification.id)).all()
        assert "入选" in promoted[-1].title
        withdrawn = db.session.scalar(select(Comment).where(Comment.origin_type == "hearing_statement", Comment.origin_id == rows[0].id))
        assert withdrawn.status == "rejected"  # a cancelled participant's statement leaves the analysis


def test_first_come_keeps_reserved_seats_for_opposing_views(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.hearings.models import HearingApplication

    hearing_id = _schedule(app, make_plan(), selection="fcfs", capacity=2)  # one seat reserved for "oppose"
    for stance in ("support", "support", "oppose", "oppose"):
        assert _apply(app, _citizen(app, make_user)[1], hearing_id, stance=stance).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(HearingApplication).order_by(HearingApplication.id)).all()
        assert [r.status for r in rows] == ["selected", "waiting", "selected", "waiting"]
        assert rows[2].seat_reason == "quota:1"


def test_participant_list_is_public_only_from_the_set_day_and_never_shows_identity(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import User
    from consult.extensions import db
    from consult.hearings.models import Hearing

    hearing_id = _schedule(app, make_plan(), selection="fcfs", quotas=())
    user_id, client = _citizen(app, make_user)
    with app.app_context():
        user = db.session.get(User, user_id)
        user.real_name, user.phone = "王真名", "13912345678"
        db.session.commit()
        pseudonym = user.pseudonym
    _apply(app, client, hearing_id)
    anonymous = app.test_client()
    assert pseudonym not in anonymous.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    with app.app_context():
        db.session.get(Hearing, hearing_id).starts_at = datetime.now(UTC) + timedelta(days=14)
        db.session.commit()
    page = anonymous.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert pseudonym in page and "王真名" not in page and "13912345678" not in page


def test_minutes_are_split_into_turns_and_mirrored_for_the_digest(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.hearings.models import Hearing, HearingMinutesPart
    from consult.plans.models import Comment

    plan_id = make_plan()
    hearing_id = _schedule(app, plan_id)
    _, staff_login, password = make_user(role="staff")
    staff = app.test_client()
    login(staff, staff_login, password)
    page = staff.get(f"/staff/hearings/{hearing_id}").get_data(as_text=True)
    minutes = "主持人：现在开始听证。\n司机代表：起步价应当上调，油价涨了。\n\n乘客代表：反对上调，夜间加价已经很高。"
    early = staff.post(f"/staff/hearings/{hearing_id}/minutes", data={"csrf_token": csrf_from(page), "minutes": minutes, "summary": "两方意见分歧。"})
    assert early.status_code == 409  # not held yet
    with app.app_context():
        db.session.get(Hearing, hearing_id).starts_at = datetime.now(UTC) - timedelta(hours=2)
        db.session.commit()
    assert staff.post(f"/staff/hearings/{hearing_id}/minutes", data={"csrf_token": csrf_from(page), "minutes": minutes, "summary": "两方意见分歧。"}).status_code == 302
    with app.app_context():
        parts = db.session.scalars(select(HearingMinutesPart).order_by(HearingMinutesPart.position)).all()
        assert [(p.speaker, p.text) for p in parts][1:] == [("司机代表", "起步价应当上调，油价涨了。"), ("乘客代表", "反对上调，夜间加价已经很高。")]
        copies = db.session.scalars(select(Comment).where(Comment.origin_type == "hearing_minutes")).all()
        assert len(copies) == 3 and {c.source for c in copies} == {"hearing"} and {c.plan_id for c in copies} == {plan_id}
    public = app.test_client().get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert "两方意见分歧" in public and "反对上调" in public
    with app.app_context():  # the plan digest, filtered to the hearing source, is built from the turns
        from consult.digests import operations as digests
        from consult.plans.models import Plan

        digest, _created = digests.request_digest(db.session.get(Plan, plan_id), sources=["hearing"])
        db.session.commit()
        assert digests.build(digest.id) == "done"
        digest = db.session.get(type(digest), digest.id)
        assert digest.comment_count == 3 and digest.sources_key == "hearing"
    # Publishing a corrected, shorter text takes the dropped turn out of the analysis.
    assert staff.post(f"/staff/hearings/{hearing_id}/minutes", data={"csrf_token": csrf_from(page), "minutes": "司机代表：起步价应当上调。", "summary": "更正"}).status_code == 302
    with app.app_context():
        statuses = sorted(c.status for c in db.session.scalars(select(Comment).where(Comment.origin_type == "hearing_minutes")))
        assert statuses == ["internal", "rejected", "rejected"]


def test_department_staff_cannot_manage_another_departments_hearing(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    hearing_id = _schedule(app, make_plan(department="市交通局"))
    _, login_name, password = make_user(role="department", department="市教育局")
    client = app.test_client()
    login(client, login_name, password)
    assert client.get(f"/staff/hearings/{hearing_id}").status_code == 403
    page = client.get("/hearings/").get_data(as_text=True)
    assert f"/staff/hearings/{hearing_id}" not in page  # no "manage" link on another department's hearing
    response = client.post(f"/staff/hearings/{hearing_id}/draw", data={"csrf_token": csrf_from(page), "public_value": "1"})
    assert response.status_code == 403


def test_staff_schedule_a_hearing_from_the_form(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import AuditEntry
    from consult.extensions import db
    from consult.hearings.models import Hearing

    plan_id = make_plan()
    _, login_name, password = make_user(role="staff")
    client = app.test_client()
    login(client, login_name, password)
    page = client.get(f"/staff/plans/{plan_id}/hearings/new").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "title": "听证会", "starts_at": "2030-06-30T09:00", "place": "会议室", "capacity": "12", "registration_opens_at": "2030-05-01T09:00", "registration_closes_at": "2030-06-10T17:00", "eligibility": "anyone", "exclude_department_staff": "y", "groups": "企业、居民", "oppose_seats": "3", "support_seats": "2", "other_seats": "0", "group_seats": "企业：2", "selection": "lottery", "publish_days_before": "15"}
    too_late = client.post(f"/staff/plans/{plan_id}/hearings/new", data={**form, "registration_closes_at": "2030-06-20T17:00"})
    assert too_late.status_code == 400 and "15 天" in too_late.get_data(as_text=True)
    bad_group = client.post(f"/staff/plans/{plan_id}/hearings/new", data={**form, "group_seats": "专家：2"})
    assert bad_group.status_code == 400
    created = client.post(f"/staff/plans/{plan_id}/hearings/new", data=form)
    assert created.status_code == 302, created.get_data(as_text=True)
    with app.app_context():
        hearing = db.session.scalar(select(Hearing))
        assert hearing.quotas == [{"seats": 2, "group": "企业", "stance": ""}, {"seats": 3, "group": "", "stance": "oppose"}, {"seats": 2, "group": "", "stance": "support"}]
        assert hearing.starts_at == datetime(2030, 6, 30, 1, 0, tzinfo=UTC)  # 09:00 Beijing time
        assert re.fullmatch(r"[0-9a-f]{64}", hearing.seed_commitment)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hearing.schedule")) is not None
    result = app.test_client().get(f"/hearings/{hearing.id}/draw").get_data(as_text=True)
    assert hearing.seed_commitment in result and hearing.seed_secret not in result


def test_a_recipients_only_hearing_asks_applicants_to_say_how_they_are_served(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.hearings.models import HearingApplication

    hearing_id = _schedule(app, make_plan(), eligibility="recipients", groups=(), quotas=())
    _, client = _citizen(app, make_user)
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    assert "服务对象说明" in page
    missing = client.post(f"/hearings/{hearing_id}/apply", data={"csrf_token": csrf_from(page), "stance": "other", "statement": "我想谈谈办事体验。"})
    assert missing.status_code == 400 and "服务对象说明不能为空" in missing.get_data(as_text=True)
    done = client.post(f"/hearings/{hearing_id}/apply", data={"csrf_token": csrf_from(page), "stance": "other", "statement": "我想谈谈办事体验。", "recipient_note": "2025 年在该局办理过出租车营运证"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(HearingApplication.recipient_note)) == "2025 年在该局办理过出租车营运证"
    assert app.test_client().get("/hearings/999999").status_code == 404
