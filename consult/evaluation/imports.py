"""Third-party evaluations from a spreadsheet (the columns are listed in docs/evaluation.md).

Every row is checked first and every error is reported with its row number; a file with any error
adds nothing, so a file is never half imported. Size, inflation and shape limits are those of
consult.core.files.spreadsheets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from consult.core import audit
from consult.core.files.spreadsheets import TableError, read_table
from consult.core.models import Department, Role, User
from consult.core.security.logins import parse_login
from consult.core.web.errors import ServiceError
from consult.evaluation.models import EvaluationStatus, ThirdPartyEvaluation
from consult.extensions import db
from consult.ledger.models import ReformTask

COLUMNS = ("评估机构", "评估方账号", "年度", "对象类型", "任务编号", "部门", "评估方法", "样本量", "得分", "评价分布", "开始日期", "结束日期", "结论摘要")
REQUIRED = ("评估机构", "年度", "对象类型", "得分")
SCOPES = {"任务": "task", "改革任务": "task", "部门": "department", "单位": "department"}
PAIR = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(\d+)\s*$")
MAX_ERRORS_SHOWN = 50


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    message: str


def parse_distribution(text: str) -> dict[str, int]:
    """"满意:120；基本满意:60；不满意:20" → {"满意": 120, …}; raises ValueError on a malformed pair."""
    result: dict[str, int] = {}
    for part in re.split(r"[;；,，\n]", text or ""):
        if not part.strip():
            continue
        m = PAIR.match(part)
        if not m:
            raise ValueError(part.strip())
        result[m.group(1)] = result.get(m.group(1), 0) + int(m.group(2))
    return result


def _date(text: str) -> date | None:
    text = (text or "").strip()[:10]
    return date.fromisoformat(text) if text else None


def _number(text: str) -> float:
    value = float((text or "").strip())
    if value != value:  # NaN
        raise ValueError(text)
    return value


class _Lookups:
    """Task codes, department names and evaluator accounts, read once per file."""

    def __init__(self) -> None:
        self.tasks = {code: tid for tid, code in db.session.execute(select(ReformTask.id, ReformTask.code).where(ReformTask.code.is_not(None)))}
        self.departments = {name: did for did, name in db.session.execute(select(Department.id, Department.name))}

    def evaluator(self, login: str) -> User:
        try:
            kind, value = parse_login(login)
        except ServiceError:  # an account made outside the registration rules (e.g. a reserved domain) still matches as stored
            kind, value = "email", login.strip().lower()
        user = db.session.scalar(select(User).where((User.phone if kind == "phone" else User.email) == value))
        if user is None or user.role != Role.EVALUATOR:
            raise ValueError("评估方账号不存在或不是第三方评估账号")
        return user


def _row(raw: dict[str, str], lookups: _Lookups) -> dict[str, Any]:
    """One row's fields, or ValueError with every problem of the row joined."""
    problems = [f"缺少“{c}”" for c in REQUIRED if not (raw.get(c) or "").strip()]
    if problems:
        raise ValueError("；".join(problems))
    out: dict[str, Any] = {"organisation": raw["评估机构"].strip()[:120], "method": (raw.get("评估方法") or "").strip()[:200],
                           "summary": (raw.get("结论摘要") or "").strip()[:5000]}
    checks = [
        ("year", lambda: _year(raw["年度"])),
        ("scope", lambda: _scope(raw, lookups, out)),
        ("score", lambda: _score(raw["得分"])),
        ("sample_size", lambda: _sample(raw.get("样本量") or "")),
        ("distribution", lambda: _distribution(raw.get("评价分布") or "")),
        ("starts_on", lambda: _dated(raw, "开始日期")),
        ("ends_on", lambda: _dated(raw, "结束日期")),
        ("evaluator", lambda: lookups.evaluator(raw["评估方账号"]) if (raw.get("评估方账号") or "").strip() else None),
    ]
    for key, check in checks:
        try:
            out[key] = check()
        except (ValueError, ServiceError) as error:
            problems.append(getattr(error, "message", None) or str(error))
    if not problems and out["starts_on"] and out["ends_on"] and out["ends_on"] < out["starts_on"]:
        problems.append("结束日期早于开始日期")
    if problems:
        raise ValueError("；".join(problems))
    return out


def _year(text: str) -> int:
    try:
        year = int(float(text))
    except ValueError:
        raise ValueError("年度应为四位数字") from None
    if not 2000 <= year <= 2100:
        raise ValueError("年度应在 2000-2100 之间")
    return year


def _scope(raw: dict[str, str], lookups: _Lookups, out: dict[str, Any]) -> str:
    scope = SCOPES.get((raw.get("对象类型") or "").strip())
    if scope is None:
        raise ValueError("对象类型应为“任务”或“部门”")
    if scope == "task":
        code = (raw.get("任务编号") or "").strip()
        if code not in lookups.tasks:
            raise ValueError(f"没有编号为“{code}”的改革任务")
        out["task_id"] = lookups.tasks[code]
    else:
        name = (raw.get("部门") or "").strip()
        if name not in lookups.departments:
            raise ValueError(f"没有名为“{name}”的部门")
        out["department_id"] = lookups.departments[name]
    return scope


def _score(text: str) -> float:
    try:
        score = _number(text)
    except ValueError:
        raise ValueError("得分应为 0-100 的数字") from None
    if not 0 <= score <= 100:
        raise ValueError("得分应为 0-100 的数字")
    return score


def _sample(text: str) -> int:
    try:
        n = int(_number(text)) if text.strip() else 0
    except ValueError:
        raise ValueError("样本量应为整数") from None
    if n < 0 or n > 10_000_000:
        raise ValueError("样本量应为 0 到 10000000 之间的整数")
    return n


def _distribution(text: str) -> dict[str, int]:
    try:
        return parse_distribution(text)
    except ValueError as error:
        raise ValueError(f"评价分布“{str(error)[:30]}”应写成“满意:120；不满意:20”") from None


def _dated(raw: dict[str, str], column: str) -> date | None:
    try:
        return _date(raw.get(column) or "")
    except ValueError:
        raise ValueError(f"{column}应为 YYYY-MM-DD") from None


def import_file(actor: User, filename: str, data: bytes) -> tuple[list[ThirdPartyEvaluation], list[RowError]]:
    """Parse and check every row; add all of them only when no row has an error."""
    try:
        rows = read_table(filename, data)
    except TableError as error:
        raise ServiceError(error.message, 400, field="file") from None
    if "评估机构" not in rows[0] or "得分" not in rows[0]:
        raise ServiceError("文件缺少“评估机构”“得分”等列，请使用说明中的列名。", 400, field="file")
    lookups, parsed, errors = _Lookups(), [], []
    for number, raw in enumerate(rows, start=2):
        try:
            parsed.append((number, _row(raw, lookups)))
        except ValueError as error:
            errors.append(RowError(number, str(error)))
    if errors:
        return [], errors
    added = []
    for number, fields in parsed:
        evaluator = fields.pop("evaluator")
        evaluation = ThirdPartyEvaluation(**fields, evaluator_id=evaluator.id if evaluator else None,
                                          status=EvaluationStatus.SUBMITTED, source=f"导入：{filename[:150]} 第 {number} 行")
        db.session.add(evaluation)
        added.append(evaluation)
    db.session.flush()
    audit.record(actor, "evaluation.import", "third_party_evaluation", None, filename=filename[:200], rows=len(added))
    return added, []
