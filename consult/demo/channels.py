"""Demo hearings and suggestions, added by `consult demo` beside the demo plans (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from consult.core.models import User
from consult.extensions import db
from consult.hearings import operations as hearings
from consult.hearings.models import Hearing
from consult.plans.models import Plan
from consult.plans.operations import department_named
from consult.suggestions import operations as suggestions
from consult.suggestions.models import Suggestion
from worker.analysis.lottery import Quota

STATEMENTS = {  # per hearing: each hearing's statements are about its own plan
    "support": ["支持限定督查检查次数，基层干部能把更多时间用在群众身上。", "赞成治理工作群打卡晒图，建议明确违规通报的渠道。", "支持建立容错纠错机制，让敢干事的干部放下包袱。"],
    "oppose": ["反对把容错范围定得过宽，担心成为不作为的挡箭牌。", "年度计划管理可能让突击检查变成走过场，建议保留必要的暗访。"],
    "other": ["建议先在两个街道试点一年，再总结推广。", "希望规定权责清单的动态调整程序，避免清单一定多年不变。"],
}
HELD_STATEMENTS = {
    "support": ["支持一网通办，企业开办少跑腿，材料一次提交就够了。", "赞成推行电子证照共享，办事不再反复提交复印件。"],
    "oppose": ["反对把所有事项都强制网上办理，有些老年人没有智能手机。", "担心数据共享后个人信息被滥用，建议先把保护条款写清楚。"],
    "other": ["建议保留线下综合窗口，并安排帮办代办人员。", "希望统一各部门的申报材料标准，减少重复填报。"],
}
MINUTES = """主持人：听证会现在开始，请各位参加人围绕方案发言，每人不超过五分钟。
居民代表：一网通办要照顾老年人，线下窗口不能撤，网上办不了的要有人帮办。
企业代表：建议统一各部门的申报材料，同一份营业执照不要反复上传。
专家代表：数据共享要明确责任边界，个人信息保护的条款应当写得更具体。
居民代表：反对把所有事项都强制网上办理，有些群众没有智能手机。
主持人：感谢各位发言，笔录将在网站公布，意见将纳入方案修改的考虑。"""
SUGGESTIONS = [
    ("经济", "企业开办一天办结", "建议把企业开办压缩到一个工作日，推行电子营业执照全程网办。"),
    ("经济", "小微企业融资难", "建议设立小微企业应急转贷资金，降低担保费率。"),
    ("经济", "涉企检查合并", "建议同一企业一年内的多部门检查合并为一次联合检查。"),
    ("社会", "社区养老食堂", "建议每个社区建设老年助餐点，对高龄老人给予补贴。"),
    ("社会", "学校课后服务", "建议延长小学课后服务到下午六点，解决双职工家庭接送难。"),
    ("社会", "公交线路优化", "建议增开早晚高峰社区微循环公交，方便居民到地铁站。"),
    ("生态", "河道黑臭治理", "建议公开河道水质监测数据，设立河长公示牌和举报电话。"),
    ("生态", "垃圾分类积分", "建议推广垃圾分类积分兑换，提高居民参与积极性。"),
    ("文化", "图书馆延时开放", "建议市图书馆晚上开放到九点，周末增加亲子阅读活动。"),
    ("政治", "政务公开", "建议重大决策的征求意见稿和采纳情况统一在一个网站公开。"),
    ("党建", "基层党组织活动", "建议减少形式化的党建台账，把精力放在为群众办实事上。"),
    ("经济", "工程项目审批", "建议推行工程建设项目联合审图和联合验收，压缩审批时间。"),
]


def _office() -> User:
    user = db.session.scalar(select(User).where(User.email == "office@demo.invalid"))
    if user is None:
        user = User(email="office@demo.invalid", password_hash=generate_password_hash("demo-password-not-for-login"), pseudonym="改革办（演示）", role="staff")
        db.session.add(user)
        db.session.flush()
    return user


def _plan(key: str) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.demo_key == key))


def _open_hearing(now: datetime, office: User, users: list[User]) -> int:
    plan = _plan("jiceng_jianfu")
    if plan is None or db.session.scalar(select(Hearing.id).where(Hearing.demo_key == "open")) is not None:
        return 0
    data = hearings.ScheduleInput(
        title="基层减负与容错纠错机制听证会", description="听取基层干部、群众和专家对督查检查考核年度计划、容错认定程序的意见。",
        starts_at=now + timedelta(days=30), registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=10),
        capacity=8, place="市委党校报告厅", online_room="线上同步直播（会议号 880 2026 0315）", groups=("基层干部", "居民", "专家"),
        quotas=(Quota(seats=2, stance="oppose"), Quota(seats=2, group="基层干部")),
    )
    hearing = hearings.schedule(office, plan, data, demo_key="open")
    for i, user in enumerate(users[:12]):
        stance = ("support", "oppose", "other")[i % 3]
        hearings.apply(hearing, user, stance=stance, group=data.groups[i % 3], statement=STATEMENTS[stance][i % len(STATEMENTS[stance])], now=now)
    return 1


def _held_hearing(now: datetime, office: User, users: list[User]) -> int:
    plan = _plan("yiwangtongban")
    if plan is None or db.session.scalar(select(Hearing.id).where(Hearing.demo_key == "held")) is not None:
        return 0
    data = hearings.ScheduleInput(
        title="“一网通办”政务服务改革听证会", starts_at=now - timedelta(days=2), registration_opens_at=now - timedelta(days=35),
        registration_closes_at=now - timedelta(days=20), capacity=5, place="市政务服务中心三楼会议室", groups=("居民", "企业", "专家"),
        quotas=(Quota(seats=1, stance="oppose"),),
    )
    hearing = hearings.schedule(office, plan, data, demo_key="held")
    for i, user in enumerate(users[20:29]):
        stance = ("support", "other", "oppose")[i % 3]
        hearings.apply(hearing, user, stance=stance, group=data.groups[i % 3], statement=HELD_STATEMENTS[stance][i % len(HELD_STATEMENTS[stance])], now=now - timedelta(days=30))
    hearings.run_draw(hearing, office, "福彩3D 演示期 361", now=now - timedelta(days=19))
    hearings.publish_minutes(hearing, office, minutes=MINUTES, summary="参加人普遍支持一网通办，同时要求保留线下窗口和帮办服务，加强个人信息保护。", now=now - timedelta(days=1))
    return 1


def _suggestions(now: datetime, office: User, users: list[User]) -> int:
    created = 0
    for i, (domain, title, body) in enumerate(SUGGESTIONS):
        key = f"suggestion-{i}"
        if db.session.scalar(select(Suggestion.id).where(Suggestion.demo_key == key)) is not None:
            continue
        suggestion, _code = suggestions.submit(users[40 + i % 20], domain=domain, title=title, body=body, allow_public=i % 3 != 2, now=now - timedelta(days=20 - i), demo_key=key)
        if i % 2 == 0:
            department = department_named({"经济": "市发展改革委", "社会": "市民政局", "生态": "市生态环境局"}.get(domain, "市委改革办"))
            suggestions.assign(office, suggestion, department.id)
            if i % 4 != 2:
                suggestions.reply(office, suggestion, f"感谢您的建议。我们已将“{title}”纳入年度改革任务研究，将在下半年提出具体措施。")
        created += 1
    return created


def load(now: datetime, users: list[User]) -> dict[str, int]:
    office = _office()
    return {
        "hearings_created": _open_hearing(now, office, users) + _held_hearing(now, office, users),
        "suggestions_created": _suggestions(now, office, users),
    }
