"""Demo expert review: a small expert pool, invitations on two demo plans with clause-by-clause opinions,
answers and conclusions, decision steps on every demo plan, and expert scores of ledger tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from consult.core.jobs import outbox, tasks
from consult.core.models import Role, User
from consult.core.security.hashing import hash_secret
from consult.core.text import search_terms
from consult.experts.channel import EXPERT, ORIGIN
from consult.experts.fields import weighted_total
from consult.experts.models import (
    Expert,
    ExpertConflict,
    ExpertInvitation,
    ExpertScore,
    InvitationStatus,
)
from consult.experts.opinions import author_label, sync_review_step
from consult.extensions import db
from consult.ledger.models import ReformTask
from consult.plans.models import Clause, Comment, CommentStatus, DecisionKind, DecisionStep, Plan
from consult.responses.models import Response

# (e-mail, name, organisation, title, fields)
EXPERTS = [
    ("wang.lixin@demo.invalid", "王立新", "省社会科学院经济研究所", "研究员", ["economy", "finance"]),
    ("chen.jing@demo.invalid", "陈静", "市律师协会行政法专业委员会", "主任、律师", ["law", "politics"]),
    ("liu.yang@demo.invalid", "刘洋", "某大学公共管理学院", "教授", ["society", "public_admin"]),
    ("zhao.min@demo.invalid", "赵敏", "市生态环境科学研究院", "高级工程师", ["ecology"]),
    ("sun.hong@demo.invalid", "孙红", "市委党校党建教研部", "副教授", ["party", "culture"]),
]

# plan key → [(expert e-mail, keyword that finds the clause or "" for the whole plan, opinion, answer or None)]
OPINIONS: dict[str, list[tuple[str, str, str, tuple[str, str, str] | None]]] = {
    "yiwangtongban": [
        ("chen.jing@demo.invalid", "个人信息", "个人信息保护部分应明确数据共享的法律依据和最小必要原则，建议写明部门间共享须经数据主管部门审核并留痕。",
         ("adopted", "已采纳，修订稿增加共享审核和留痕要求。", "")),
        ("chen.jing@demo.invalid", "免证办", "“免证办”涉及证明事项取消，应与证明事项告知承诺制衔接，避免与上位法规定的材料要求冲突。",
         ("partly", "部分采纳，修订稿增加与告知承诺制衔接的表述。", "")),
        ("liu.yang@demo.invalid", "线下", "保留线下兜底窗口的表述很重要，建议进一步明确老年人、残疾人等群体的帮办代办服务标准。",
         ("adopted", "已采纳，增加帮办代办服务要求。", "")),
        ("wang.lixin@demo.invalid", "", "全程网办率 85% 的目标建议分年度设定并说明测算口径，便于后续绩效评估。",
         ("not_adopted", "暂不采纳。", "年度目标已在配套工作方案中分解，本意见不再重复。")),
    ],
    "fangguanfu": [
        ("wang.lixin@demo.invalid", "压缩企业开办时间", "企业开办 1 个工作日的目标可行，建议同步明确银行开户和社保登记的衔接时限，否则“一日办结”难以闭环。", None),
        ("chen.jing@demo.invalid", "证照分离", "“证照分离”改革中的告知承诺事项，应同时明确事后核查比例和失信惩戒程序，保障公平竞争。",
         ("adopted", "已采纳，将在修订稿中补充事后核查要求。", "")),
        ("liu.yang@demo.invalid", "", "建议在保障措施中增加第三方评估和企业满意度调查，作为督查考核的依据。", None),
    ],
}
CONCLUSIONS = {
    ("yiwangtongban", "chen.jing@demo.invalid"): "方案总体符合法律法规规定，建议按论证意见完善个人信息保护和证明事项衔接的表述后提交审议。",
    ("yiwangtongban", "liu.yang@demo.invalid"): "方案目标明确、措施可行，兼顾线上线下，建议同意。",
    ("yiwangtongban", "wang.lixin@demo.invalid"): "目标设定积极稳妥，建议补充分年度指标的测算口径。",
}
# plan key → [(kind, days before today, outcome)]
STEPS: dict[str, list[tuple[str, int, str]]] = {
    "yiwangtongban": [
        (DecisionKind.RISK_ASSESSMENT, 12, "社会稳定风险评估结论：低风险。主要关注老年人等群体使用线上服务的困难，已提出保留线下窗口的应对措施。"),
        (DecisionKind.LEGALITY_REVIEW, 6, "经市司法局合法性审查，未发现与法律法规相抵触的内容，建议完善个人信息保护条款。"),
        (DecisionKind.COLLECTIVE_DECISION, 2, "经市政府常务会议集体讨论，原则通过修订稿，由市政务服务数据管理局按会议意见修改后印发。"),
    ],
    "fangguanfu": [
        (DecisionKind.RISK_ASSESSMENT, 3, "正在开展社会稳定风险评估，已完成企业座谈 3 场。"),
    ],
}
SCORES = [  # per expert e-mail: the five criteria and a comment
    ("wang.lixin@demo.invalid", {"goal": 85, "effect": 80, "benefit": 78, "innovation": 70, "replicable": 75}, "目标基本达成，企业开办时间明显压缩。"),
    ("liu.yang@demo.invalid", {"goal": 78, "effect": 74, "benefit": 82, "innovation": 65, "replicable": 70}, "群众获得感较强，制度创新仍有提升空间。"),
    ("sun.hong@demo.invalid", {"goal": 72, "effect": 70, "benefit": 75, "innovation": 60, "replicable": 68}, "建议总结经验形成可推广的工作规范。"),
]


def _experts(now: datetime) -> dict[str, Expert]:
    pool: dict[str, Expert] = {}
    password = hash_secret("demo-password-not-for-login")
    for email, name, organisation, title, fields in EXPERTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, password_hash=password, pseudonym=name, real_name=name, role=Role.EXPERT, verified_at=now)
            db.session.add(user)
            db.session.flush()
        expert = db.session.scalar(select(Expert).where(Expert.user_id == user.id))
        if expert is None:
            expert = Expert(user_id=user.id, name=name, organisation=organisation, title=title, fields=fields, created_at=now)
            db.session.add(expert)
            db.session.flush()
        pool[email] = expert
    return pool


def _clause(plan: Plan, keyword: str) -> Clause | None:
    version = plan.versions[0]
    return next((c for c in version.clauses if keyword in c.title or keyword in c.text), None) if keyword else None


def _review(plan: Plan, pool: dict[str, Expert], now: datetime) -> int:
    created = 0
    invited = {email for email, *_rest in OPINIONS[plan.demo_key or ""]} | ({"sun.hong@demo.invalid"} if plan.demo_key == "fangguanfu" else set())
    invitations: dict[str, ExpertInvitation] = {}
    for email in sorted(invited):
        expert = pool[email]
        accepted = email != "sun.hong@demo.invalid"
        invitation = ExpertInvitation(
            expert_id=expert.id, plan_id=plan.id, message="请重点论证方案的合法性、可行性和可评估性。",
            deadline=(plan.closes_at or now).date() + timedelta(days=3), status=InvitationStatus.ACCEPTED if accepted else InvitationStatus.PENDING,
            conclusion=CONCLUSIONS.get((plan.demo_key or "", email), ""), created_at=(plan.opens_at or now), responded_at=(plan.opens_at or now) if accepted else None,
        )
        db.session.add(invitation)
        invitations[email] = invitation
    db.session.flush()
    for k, (email, keyword, text, answer) in enumerate(OPINIONS[plan.demo_key or ""]):
        clause = _clause(plan, keyword)
        comment = Comment(
            plan_id=plan.id, version_id=plan.versions[0].id, clause_id=clause.id if clause else None, user_id=pool[email].user_id,
            source=EXPERT.source, body=text, author_label=author_label(pool[email])[:80], status=CommentStatus.INTERNAL, show_pseudonym=False,
            origin_type=ORIGIN, origin_id=invitations[email].id, search_terms=search_terms(text),
            created_at=min(now, (plan.opens_at or now) + timedelta(days=2 + k)),
        )
        db.session.add(comment)
        db.session.flush()
        outbox.add(tasks.SEGMENT_COMMENT, comment.id)
        if answer is not None:
            status, reply, reason = answer
            db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status=status, text=reply, reason=reason, created_at=now, updated_at=now))
        created += 1
    db.session.flush()
    sync_review_step(plan)
    return created


def _steps(plan: Plan, today: date) -> None:
    for kind, days, outcome in STEPS.get(plan.demo_key or "", []):
        if db.session.scalar(select(DecisionStep.id).where(DecisionStep.plan_id == plan.id, DecisionStep.kind == kind)) is None:
            db.session.add(DecisionStep(plan_id=plan.id, kind=kind, held_on=today - timedelta(days=days), outcome=outcome, filled_by="staff"))
    db.session.flush()


def _scores(pool: dict[str, Expert], now: datetime) -> int:
    """Expert scores on up to two ledger tasks (the ledger's demo tasks, else one made here)."""
    demo_tasks = list(db.session.scalars(select(ReformTask).order_by(ReformTask.id).limit(2)))
    if not demo_tasks:
        task = ReformTask(code="DEMO-EXPERT-1", title="企业开办“一日办结”改革", year=now.year, target="企业开办全流程 1 个工作日内办结", progress=90,
                          description="演示任务：用于展示专家会诊评估。")
        db.session.add(task)
        db.session.flush()
        demo_tasks = [task]
    created = 0
    for t, task in enumerate(demo_tasks):
        for email, scores, comment in SCORES[: 3 - t]:
            expert = pool[email]
            if db.session.scalar(select(ExpertScore.id).where(ExpertScore.task_id == task.id, ExpertScore.expert_id == expert.id)):
                continue
            invitation = ExpertInvitation(expert_id=expert.id, task_id=task.id, message="请对改革成效进行会诊评估。", deadline=now.date() + timedelta(days=10),
                                          status=InvitationStatus.ACCEPTED, created_at=now - timedelta(days=5), responded_at=now - timedelta(days=4))
            db.session.add(invitation)
            db.session.flush()
            shifted = {code: max(0, min(100, value - 4 * t)) for code, value in scores.items()}
            db.session.add(ExpertScore(invitation_id=invitation.id, task_id=task.id, expert_id=expert.id, scores=shifted,
                                       total=weighted_total(shifted), comment=comment, submitted_at=now - timedelta(days=1)))
            created += 1
    db.session.flush()
    return created


def load(now: datetime | None = None) -> dict[str, int]:
    """Idempotent: a plan already reviewed by demo experts, or a task already scored, is left as it is."""
    now = now or datetime.now(UTC)
    pool = _experts(now)
    plans = {p.demo_key: p for p in db.session.scalars(select(Plan).where(Plan.demo_key.is_not(None)))}
    planning = plans.get("fangguanfu")
    if planning is not None and planning.department_id is not None and not pool["zhao.min@demo.invalid"].conflicts:
        # The ecology expert works part-time for the planning department: declared, so never invited there.
        db.session.add(ExpertConflict(expert_id=pool["zhao.min@demo.invalid"].id, department_id=planning.department_id, note="在该委兼任咨询顾问"))
    opinions = 0
    for key in OPINIONS:
        plan = plans.get(key)
        if plan is None or db.session.scalar(select(ExpertInvitation.id).where(ExpertInvitation.plan_id == plan.id)):
            continue
        opinions += _review(plan, pool, now)
    today = now.date()
    for plan in plans.values():
        _steps(plan, today)
    return {"experts": len(pool), "expert_opinions_created": opinions, "expert_scores_created": _scores(pool, now)}
