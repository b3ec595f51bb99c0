"""Demo content for evaluation: the year's indicators with their weights, an evaluator account, and
third-party evaluations imported from consult/demo/data/third_party_evaluations.csv through the same
import the office uses ({year} in the file becomes the current year), accepted and published.
Loading twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

from sqlalchemy import select

from consult.core.models import Role, User
from consult.core.security.hashing import hash_secret
from consult.evaluation import imports, operations
from consult.evaluation.models import (
    EvaluationStatus,
    Indicator,
    PublishedYear,
    ThirdPartyEvaluation,
)
from consult.extensions import db
from consult.ledger.models import ReformTask
from consult.surveys.building import local_day

DEMO_FILE = "third_party_evaluations.csv"
SHOWN_AS = "第三方评估结果（示例）.csv"  # the name staff read as the import's source
EVALUATOR_LOGIN = "evaluator@demo.invalid"
INDICATORS = [
    ("任务进度", "task_progress", 25, "最近一次经办公室采信的进度报送；已完成为 100。"),
    ("按期完成", "timeliness", 20, "截止日期与里程碑：按期 100，每逾期一周（不足一周按一周）扣 10 分。"),
    ("群众满意度", "satisfaction", 15, "牵头部门本年度好差评满意度指数。"),
    ("差评整改", "ticket_handling", 10, "差评工单按期办结的比例。"),
    ("公众意见采纳率", "adoption", 10, "任务所属方案已答复的公众意见中采纳或部分采纳的比例。"),
    ("专家评估", "expert", 10, "专家评分表加权总分的平均值。"),
    ("第三方评估", "third_party", 10, "经办公室采信的第三方评估得分，按样本量加权。"),
]


def _evaluator() -> User:
    user = db.session.scalar(select(User).where(User.email == EVALUATOR_LOGIN))
    if user is None:
        user = User(email=EVALUATOR_LOGIN, password_hash=hash_secret("demo-password-not-for-login"), pseudonym="某大学社会调查中心",
                    real_name="某大学社会调查中心（示例）", role=Role.EVALUATOR, verified_at=datetime.now(UTC))
        db.session.add(user)
        db.session.flush()
    return user


def load(now: datetime | None = None) -> dict[str, int]:
    year = local_day(now).year
    created = 0
    if db.session.scalar(select(Indicator.id).where(Indicator.year == year)) is None:
        for name, kind, weight, description in INDICATORS:
            db.session.add(Indicator(year=year, name=name, kind=kind, weight=weight, direction="higher", description=description))
            created += 1
    evaluator = _evaluator()
    imported = 0
    loaded = ThirdPartyEvaluation.source.like(f"导入：{SHOWN_AS}%") | ThirdPartyEvaluation.source.like(f"导入：{DEMO_FILE}%")
    if db.session.scalar(select(ThirdPartyEvaluation.id).where(loaded)) is None:
        text = (resources.files("consult.demo") / "data" / DEMO_FILE).read_text(encoding="utf-8").replace("{year}", str(year))
        added, errors = imports.import_file(None, SHOWN_AS, text.encode("utf-8"))  # type: ignore[arg-type]
        if errors:  # the demo file is ours: a row that no longer imports is a bug to see at once
            raise RuntimeError(f"demo third-party file: {errors}")
        for evaluation in added:
            evaluation.status, evaluation.review_note = EvaluationStatus.ACCEPTED, "示例数据：已采信。"
        imported = len(added)
        _assign_first_task(evaluator, year)
    if db.session.get(PublishedYear, year) is None:
        db.session.add(PublishedYear(year=year))
    db.session.flush()
    return {"indicators_created": created, "third_party_imported": imported}


def _assign_first_task(evaluator: User, year: int) -> None:
    """With a ledger loaded, one task waits for the evaluator to fill it in (the evaluator's space)."""
    task = db.session.scalar(select(ReformTask).where(ReformTask.year == year).order_by(ReformTask.id))
    if task is not None:
        operations.assign(None, organisation="某大学社会调查中心", evaluator_id=evaluator.id, year=year, scope="task",  # type: ignore[arg-type]
                          task_id=task.id, department_id=None)
