"""Shared helpers for the survey tests: a published survey with every question type and skip logic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SPEC = {
    "questions": [
        {"type": "section", "title": "办事体验"},
        {"key": "done", "type": "single", "title": "事情办成了吗", "options": ["办成了", "没有办成"]},
        {"key": "why", "type": "multiple", "title": "没办成的原因", "options": ["材料不全", "系统故障", "推诿"], "min": 1, "max": 2, "show_if": {"q": "done", "any_of": ["没有办成"]}},
        {"key": "overall", "type": "satisfaction", "title": "总体评价", "reason": True},
        {"key": "speed", "type": "rating", "title": "办理速度"},
        {"key": "nps", "type": "nps", "title": "推荐度", "required": False},
        {"key": "aspects", "type": "matrix", "title": "是否同意", "rows": ["一次告知", "无需重复提交"]},
        {"key": "advice", "type": "textarea", "title": "建议", "required": False},
    ]
}

GOOD = {"q_done": ["1"], "q_overall": ["4"], "q_speed": ["5"], "q_nps": ["9"], "q_aspects_1": ["4"], "q_aspects_2": ["5"], "q_advice": ["窗口很好"]}


def make_survey(app, *, anonymous: bool = True, mode: str = "invite", spec: dict | None = None, department: str = "市政务服务局",
                closes_in_days: int | None = 30, plan_id: int | None = None, service: str = "不动产登记"):  # type: ignore[no-untyped-def]
    """A published survey; returns its id."""
    import uuid

    from consult.accounts import operations as accounts
    from consult.extensions import db
    from consult.surveys import building

    with app.app_context():
        author = accounts.register(f"office{uuid.uuid4().hex[:8]}@example.gov.cn", "password123", "改革办", role="staff")
        survey = building.create(
            author, title="不动产登记服务满意度调查", description="请如实评价。", department=department, service=service, plan_id=plan_id,
            anonymous=anonymous, mode=mode, opens_at=None,
            closes_at=datetime.now(UTC) + timedelta(days=closes_in_days) if closes_in_days else None, spec=spec or SPEC,
        )
        building.publish(author, survey)
        db.session.commit()
        return survey.id


def make_links(app, survey_id: int, n: int = 1, recipients: list[tuple[str, str]] | None = None) -> list[str]:
    from consult.extensions import db
    from consult.surveys import invitations as invites
    from consult.surveys.models import Survey

    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        links = invites.issue(survey, recipients or [("", "")] * n, actor=None)
        db.session.commit()
        return [link.token for link in links]
