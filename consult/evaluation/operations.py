"""State changes of evaluation: indicators, hand-entered scores, third-party evaluations (assigned by
the office, filled in by the evaluator, reviewed by the office) and publishing a year. They flush;
the view commits. Every change is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from consult.core import audit
from consult.core.models import Department, Role, User
from consult.core.web.errors import ServiceError
from consult.evaluation.imports import parse_distribution
from consult.evaluation.models import (
    KIND_LABELS,
    EvaluationStatus,
    Indicator,
    ManualScore,
    PublishedYear,
    ThirdPartyEvaluation,
)
from consult.extensions import db
from consult.ledger.models import ReformTask

MAX_REPORT_BYTES = 10 * 1024 * 1024
REPORT_TYPES = {".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EDITABLE = (EvaluationStatus.ASSIGNED, EvaluationStatus.RETURNED)


def _check_indicator(name: str, kind: str, weight: float | None, direction: str) -> None:
    if not (name or "").strip() or len(name) > 80:
        raise ServiceError("请填写指标名称（不超过 80 字）。", field="name")
    if kind not in KIND_LABELS:
        raise ServiceError("请选择指标类型。", field="kind")
    if weight is None or not 0 < weight <= 100:
        raise ServiceError("权重应为大于 0、不超过 100 的数字。", field="weight")
    if direction not in ("higher", "lower"):
        raise ServiceError("请选择指标方向。", field="direction")


def save_indicator(actor: User, indicator: Indicator | None, *, year: int, name: str, kind: str, weight: float | None,
                   direction: str = "higher", description: str = "") -> Indicator:
    _check_indicator(name, kind, weight, direction)
    if not 2000 <= year <= 2100:
        raise ServiceError("年度应在 2000-2100 之间。", field="year")
    clash = db.session.scalar(select(Indicator.id).where(Indicator.year == year, Indicator.name == name.strip()))
    if clash is not None and (indicator is None or clash != indicator.id):
        raise ServiceError("该年度已有同名指标。", 409, field="name")
    if indicator is None:
        indicator = Indicator(year=year)
        db.session.add(indicator)
    indicator.year, indicator.name, indicator.kind, indicator.weight = year, name.strip(), kind, float(weight)  # type: ignore[arg-type]
    indicator.direction, indicator.description = direction, (description or "").strip()[:2000]
    db.session.flush()
    audit.record(actor, "evaluation.indicator", "indicator", indicator.id, year=year, kind=kind, weight=float(weight))  # type: ignore[arg-type]
    return indicator


def delete_indicator(actor: User, indicator: Indicator) -> None:
    audit.record(actor, "evaluation.indicator_delete", "indicator", indicator.id, name=indicator.name)
    db.session.delete(indicator)
    db.session.flush()


def add_manual_score(actor: User, indicator: Indicator, *, task_code: str, department: str, value: float | None, note: str) -> ManualScore:
    if indicator.kind != "manual":
        raise ServiceError("只有“人工评分”类指标可以录入分数。", 409)
    if value is None or not 0 <= value <= 100:
        raise ServiceError("分数应为 0-100 的数字。", field="value")
    task_id = department_id = None
    if (task_code or "").strip():
        task_id = db.session.scalar(select(ReformTask.id).where(ReformTask.code == task_code.strip()))
        if task_id is None:
            raise ServiceError(f"没有编号为“{task_code.strip()}”的改革任务。", 404, field="task_code")
    elif (department or "").strip():
        department_id = db.session.scalar(select(Department.id).where(Department.name == department.strip()))
        if department_id is None:
            raise ServiceError(f"没有名为“{department.strip()}”的部门。", 404, field="department")
    else:
        raise ServiceError("请填写任务编号或部门。", field="task_code")
    score = ManualScore(indicator_id=indicator.id, task_id=task_id, department_id=department_id, value=float(value),
                        note=(note or "").strip()[:2000], entered_by_id=actor.id)
    db.session.add(score)
    db.session.flush()
    audit.record(actor, "evaluation.manual_score", "indicator", indicator.id, value=float(value), task_id=task_id, department_id=department_id)
    return score


def assign(actor: User, *, organisation: str, evaluator_id: int | None, year: int, scope: str, task_id: int | None,
           department_id: int | None) -> ThirdPartyEvaluation:
    """The office names an outside organisation (and its account) to evaluate one task or department."""
    if not (organisation or "").strip():
        raise ServiceError("请填写评估机构。", field="organisation")
    evaluator = db.session.get(User, evaluator_id) if evaluator_id else None
    if evaluator is None or evaluator.role != Role.EVALUATOR:
        raise ServiceError("请选择一个第三方评估账号。", field="evaluator_id")
    if scope == "task" and (task_id is None or db.session.get(ReformTask, task_id) is None):
        raise ServiceError("请选择要评估的改革任务。", field="task_id")
    if scope == "department" and (department_id is None or db.session.get(Department, department_id) is None):
        raise ServiceError("请选择要评估的部门。", field="department_id")
    if scope not in ("task", "department"):
        raise ServiceError("请选择评估对象类型。", field="scope")
    evaluation = ThirdPartyEvaluation(
        organisation=organisation.strip()[:120], evaluator_id=evaluator.id, year=year, scope=scope,
        task_id=task_id if scope == "task" else None, department_id=department_id if scope == "department" else None,
        status=EvaluationStatus.ASSIGNED, source="办公室委托", distribution={},
    )
    db.session.add(evaluation)
    db.session.flush()
    audit.record(actor, "evaluation.assign", "third_party_evaluation", evaluation.id, evaluator_id=evaluator.id, scope=scope)
    return evaluation


def evaluator_save(evaluator: User, evaluation: ThirdPartyEvaluation, *, method: str, sample_size: int | None, score: float | None,
                   distribution: str, summary: str, starts_on: date | None, ends_on: date | None, submit: bool) -> None:
    """The evaluator fills in its own evaluation; submitting sends it to the office for review."""
    if evaluation.evaluator_id != evaluator.id:
        raise ServiceError("这不是委托给您的评估。", 403)
    if evaluation.status not in EDITABLE:
        raise ServiceError("评估已提交，等待办公室审核，暂不能修改。", 409)
    if score is not None and not 0 <= score <= 100:
        raise ServiceError("得分应为 0-100 的数字。", field="score")
    if sample_size is not None and sample_size < 0:
        raise ServiceError("样本量不能为负数。", field="sample_size")
    try:
        parsed = parse_distribution(distribution)
    except ValueError:
        raise ServiceError("评价分布应写成“满意:120；基本满意:60；不满意:20”。", field="distribution") from None
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError("结束日期早于开始日期。", field="ends_on")
    if submit and score is None:
        raise ServiceError("提交前请填写得分。", field="score")
    evaluation.method, evaluation.sample_size, evaluation.score = (method or "").strip()[:200], sample_size or 0, score
    evaluation.distribution, evaluation.summary = parsed, (summary or "").strip()[:5000]
    evaluation.starts_on, evaluation.ends_on = starts_on, ends_on
    if submit:
        evaluation.status, evaluation.source = EvaluationStatus.SUBMITTED, "评估方录入"
    db.session.flush()
    audit.record(evaluator, "evaluation.submit" if submit else "evaluation.save", "third_party_evaluation", evaluation.id)


def attach_report(user: User, evaluation: ThirdPartyEvaluation, filename: str, data: bytes) -> None:
    if user.role == Role.EVALUATOR and (evaluation.evaluator_id != user.id or evaluation.status not in EDITABLE):
        raise ServiceError("只能在评估提交前上传本机构的评估报告。", 409)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if suffix not in REPORT_TYPES:
        raise ServiceError("评估报告只支持 PDF、DOCX、XLSX 文件。", field="report")
    if not data or len(data) > MAX_REPORT_BYTES:
        raise ServiceError("评估报告不能为空，且不超过 10 MB。", 413 if data else 400, field="report")
    evaluation.report_filename, evaluation.report_content_type, evaluation.report_data = filename[-200:], REPORT_TYPES[suffix], data
    db.session.flush()
    audit.record(user, "evaluation.report", "third_party_evaluation", evaluation.id, filename=filename[-200:], size=len(data))


def review(actor: User, evaluation: ThirdPartyEvaluation, *, accept: bool, note: str) -> None:
    if evaluation.status != EvaluationStatus.SUBMITTED:
        raise ServiceError("只有已提交的评估可以审核。", 409)
    if not accept and not (note or "").strip():
        raise ServiceError("退回时请写明原因。", field="note")
    evaluation.status = EvaluationStatus.ACCEPTED if accept else EvaluationStatus.RETURNED
    evaluation.review_note, evaluation.reviewer_id, evaluation.reviewed_at = (note or "").strip()[:2000], actor.id, datetime.now(UTC)
    db.session.flush()
    audit.record(actor, "evaluation.accept" if accept else "evaluation.return", "third_party_evaluation", evaluation.id)


def publish_year(actor: User, year: int, publish: bool) -> None:
    row = db.session.get(PublishedYear, year)
    if publish and row is None:
        db.session.add(PublishedYear(year=year, published_by_id=actor.id))
    elif not publish and row is not None:
        db.session.delete(row)
    db.session.flush()
    audit.record(actor, "evaluation.publish" if publish else "evaluation.unpublish", "published_year", year)
