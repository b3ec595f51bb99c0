"""Demo content for surveys: a 好差评 survey of the 一网通办 service with four months of answers,
a few service tickets (one overdue) and unused invitation links. Loading twice changes nothing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from consult.extensions import db
from consult.plans.models import Plan
from consult.plans.operations import department_named
from consult.surveys.answering import _store
from consult.surveys.invitations import issue
from consult.surveys.models import (
    ServiceTicket,
    Survey,
    SurveyInvitation,
    SurveyQuestion,
    SurveyVersion,
)
from consult.surveys.spec import answerable, parse
from consult.surveys.validation import validate

DEMO_KEY = "demo-haochaping"
SPEC = {
    "questions": [
        {"type": "section", "title": "本次办事"},
        {"key": "channel", "type": "single", "title": "您这次通过什么渠道办理？", "options": ["网上办", "掌上办", "窗口办"]},
        {"key": "done", "type": "single", "title": "事情办成了吗？", "options": ["一次办成", "跑了两次以上才办成", "没有办成"]},
        {"key": "why", "type": "multiple", "title": "没有一次办成的原因（可多选）", "options": ["材料要求没有一次告知", "系统故障", "需要重复提交材料", "窗口推诿"], "min": 1, "max": 4,
         "show_if": {"q": "done", "any_of": ["跑了两次以上才办成", "没有办成"]}},
        {"type": "section", "title": "评价"},
        {"key": "overall", "type": "satisfaction", "title": "您对本次服务的总体评价", "reason": True},
        {"key": "speed", "type": "rating", "title": "办理速度（1-5 分）"},
        {"key": "nps", "type": "nps", "title": "您有多大可能向亲友推荐“一网通办”？", "required": False},
        {"key": "aspects", "type": "matrix", "title": "您是否同意以下说法", "rows": ["材料清单清楚", "不用重复填写信息", "工作人员态度好"], "required": False},
        {"key": "advice", "type": "textarea", "title": "您对改进服务有什么建议？", "required": False},
    ]
}
REASONS = ["系统老是卡住，上传材料失败三次", "窗口让我回去开证明，网上却说不需要", "电话一直没人接", "排队时间太长"]
ADVICE = ["希望周末也能办理", "材料清单能不能一次说清楚", "掌上办的界面字太小，老人看不清", "希望电子证照能在更多事项里使用", "办得很快，点赞"]


def _form(rng: random.Random, month_index: int) -> dict[str, list[str]]:
    # Later months are a little better: the trend the scorecard should show after reforms.
    good = rng.random() < 0.55 + 0.08 * month_index
    form = {"q_channel": [str(rng.randint(1, 3))], "q_done": ["1" if good else str(rng.choice([2, 2, 3]))]}
    if form["q_done"] != ["1"]:
        form["q_why"] = [str(i) for i in sorted(rng.sample(range(1, 5), rng.randint(1, 2)))]
    overall = rng.choice([5, 5, 4, 4, 3]) if good else rng.choice([4, 3, 2, 2, 1])
    form["q_overall"] = [str(overall)]
    if overall <= 2 and rng.random() < 0.3:
        form["q_overall_reason"] = [rng.choice(REASONS)]
    form["q_speed"] = [str(max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))))]
    if rng.random() < 0.8:
        form["q_nps"] = [str(max(0, min(10, overall * 2 + rng.randint(-2, 1))))]
    if rng.random() < 0.7:
        for r in (1, 2, 3):
            form[f"q_aspects_{r}"] = [str(max(1, min(5, overall + rng.choice([-1, 0, 1]))))]
    if rng.random() < 0.25:
        form["q_advice"] = [rng.choice(ADVICE)]
    return form


def load(now: datetime | None = None) -> int:
    """Create the demo survey once; returns the number of responses created (0 when already there)."""
    if db.session.scalar(select(Survey.id).where(Survey.demo_key == DEMO_KEY)) is not None:
        return 0
    now = now or datetime.now(UTC)
    plan = db.session.scalar(select(Plan).where(Plan.demo_key == "yiwangtongban"))
    survey = Survey(
        title="“一网通办”政务服务好差评", description="感谢您办理业务。请花 2 分钟评价本次服务，匿名填写，结果用于考核改革实效。",
        department=department_named("市政务服务数据管理局"), service="一网通办", plan_id=plan.id if plan else None,
        anonymous=True, mode="invite", draft_spec=parse(SPEC), opens_at=now - timedelta(days=120), demo_key=DEMO_KEY,
    )
    db.session.add(survey)
    db.session.flush()
    version = SurveyVersion(survey_id=survey.id, number=1, spec=survey.draft_spec, published_at=survey.opens_at)

    for position, q in enumerate(answerable(version.spec)):
        version.questions.append(SurveyQuestion(key=q["key"], position=position, kind=q["type"], title=q["title"], spec=q))
    db.session.add(version)
    db.session.flush()
    db.session.expire(survey, ["versions"])
    rng = random.Random(5)  # nosec B311  # reproducible demo answers, nothing secret
    count = 0
    for month_index in range(4):
        months_back = now.year * 12 + now.month - 1 - (3 - month_index)
        first = date(months_back // 12, months_back % 12 + 1, 1)
        for _ in range(60 + 15 * month_index):
            day = min(first + timedelta(days=rng.randint(0, 27)), now.date())
            _store(survey, validate(survey.current_version.spec, _form(rng, month_index)), invitation=None, visitor_hash=None, today=day)
            count += 1
    issue(survey, [("", "")] * (count + 80), actor=None, batch="demo")
    # Links the demo "sent" and that were answered: mark as many used as there are responses.

    for invitation in db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id).limit(count)):
        invitation.used_on = date.today()
    oldest = db.session.scalars(select(ServiceTicket).where(ServiceTicket.survey_id == survey.id).order_by(ServiceTicket.id).limit(2)).all()
    for ticket in oldest:  # the demo office dashboard shows an overdue ticket
        ticket.opened_on = now.date() - timedelta(days=30)
        ticket.due_on = now.date() - timedelta(days=9)
    db.session.flush()
    return count
