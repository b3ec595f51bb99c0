"""Staff extend the policy dictionary; stored comments are re-segmented with it."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_from, login


def test_new_word_resegments_stored_comments(app, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.core.models import OutboxEvent, User
    from consult.extensions import db
    from consult.plans import comments, intake
    from consult.plans.models import Comment, Plan
    from worker import tasks as worker_tasks

    plan_id = make_plan()
    user_id, _, _ = make_user()
    with app.app_context():
        comment, _ = comments.post_comment(user=db.session.get(User, user_id), plan=db.session.get(Plan, plan_id), body="建议推行秒批秒办，减少跑腿")
        db.session.commit()
        intake.segment_comment(comment.id)
        db.session.commit()
        comment_id = comment.id
        assert "秒批秒办" not in db.session.get(Comment, comment_id).tokens

    staff = app.test_client()
    _, email, password = make_user(role="staff")
    login(staff, email, password)
    token = csrf_from(staff.get("/staff/dictionary").get_data(as_text=True))
    assert staff.post("/staff/dictionary", data={"csrf_token": token, "word": "秒批秒辦"}).status_code == 302  # traditional input
    page = staff.get("/staff/dictionary").get_data(as_text=True)
    assert "秒批秒办" in page
    again = staff.post("/staff/dictionary", data={"csrf_token": token, "word": "秒批秒办"})
    assert again.status_code == 409 and "已在词典中" in again.get_data(as_text=True)
    bad = staff.post("/staff/dictionary", data={"csrf_token": token, "word": "<b>x</b>"})
    assert bad.status_code == 400

    with app.app_context():
        event = db.session.scalar(select(OutboxEvent).where(OutboxEvent.task == "consult.resegment_all"))
        assert event is not None and event.processed_at is None
        assert worker_tasks.resegment_all.run(event.ref_id) == 1
        assert "秒批秒办" in db.session.get(Comment, comment_id).tokens
        db.session.refresh(event)
        assert event.processed_at is not None


def test_dictionary_is_for_office_staff_only(app, make_user) -> None:  # type: ignore[no-untyped-def]
    for role in ("citizen", "department"):
        client = app.test_client()
        _, email, password = make_user(role=role, department="市教育局" if role == "department" else "")
        login(client, email, password)
        assert client.get("/staff/dictionary").status_code == 403
