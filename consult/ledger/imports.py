"""Import a ledger the way offices keep it: an XLSX or CSV sheet, one task per row, matched on 编号.

All rows are checked first; one bad row imports nothing and every row's problem is listed. A row
whose 编号 exists updates that task (its progress and reports stay); 上级编号 may name a task of the
same file or one already in the ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from consult.core import audit
from consult.core.files.spreadsheets import TableError, read_table
from consult.core.models import Department, User
from consult.extensions import db
from consult.ledger.models import ReformTask, TaskPartner

COLUMNS = ("编号", "任务名称", "上级编号", "牵头单位", "配合单位", "责任领导", "改革目标", "开始时间", "完成时限", "年度", "是否重大任务")
REQUIRED = ("编号", "任务名称", "年度")
DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?\s*$")
SPLIT = re.compile(r"[、，,；;\s]+")


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    checked_only: bool = False


def _date(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    match = DATE.match(text)
    if match is None:
        raise ValueError(text)
    return date(*(int(g) for g in match.groups()))


def _row(number: int, row: dict[str, str], departments: dict[str, int], problems: list[str]) -> dict | None:  # type: ignore[type-arg]
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        problems.append(f"第 {number} 行：缺少{'、'.join(missing)}。")
        return None
    values = {c: (row.get(c) or "").strip() for c in COLUMNS}
    try:
        starts, deadline = _date(values["开始时间"]), _date(values["完成时限"])
    except ValueError as bad:
        problems.append(f"第 {number} 行：日期“{str(bad)[:20]}”看不懂，请写成 2026-12-31。")
        return None
    if not values["年度"].isdigit() or not 2000 <= int(values["年度"]) <= 2100:
        problems.append(f"第 {number} 行：年度应为 2000 到 2100 之间的数字。")
        return None
    names = [values["牵头单位"], *filter(None, SPLIT.split(values["配合单位"]))]
    unknown = [n for n in names if n and n not in departments]
    if unknown:
        problems.append(f"第 {number} 行：单位“{'、'.join(unknown)[:60]}”不在部门名单中，请先在管理后台添加。")
        return None
    if starts and deadline and deadline < starts:
        problems.append(f"第 {number} 行：完成时限早于开始时间。")
        return None
    return {"code": values["编号"][:40], "title": values["任务名称"][:200], "parent": values["上级编号"][:40],
            "lead": departments.get(values["牵头单位"]), "partners": [departments[n] for n in names[1:]],
            "leader": values["责任领导"][:80], "target": values["改革目标"][:5000], "starts": starts, "deadline": deadline,
            "year": int(values["年度"]), "major": values["是否重大任务"] in ("是", "Y", "y", "1", "重大")}


def _parse(filename: str, data: bytes) -> tuple[list[dict], list[str]]:  # type: ignore[type-arg]
    try:
        rows = read_table(filename, data)
    except TableError as error:
        return [], [error.message]
    if rows and not {"编号", "任务名称"} <= set(rows[0]):
        return [], [f"第一行应为列名：{'、'.join(COLUMNS)}。"]
    departments = {name: id_ for id_, name in db.session.execute(select(Department.id, Department.name))}
    problems: list[str] = []
    parsed = [p for n, row in enumerate(rows, 2) if (p := _row(n, row, departments, problems)) is not None]
    codes = [p["code"] for p in parsed]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        problems.append(f"编号重复：{'、'.join(repeated)[:200]}。")
    known = set(codes) | set(db.session.scalars(select(ReformTask.code).where(ReformTask.code.in_([p["parent"] for p in parsed if p["parent"]]))))
    problems += [f"编号 {p['code']}：上级编号“{p['parent']}”不存在。" for p in parsed if p["parent"] and p["parent"] not in known]
    problems += [f"编号 {code}：上级关系形成了循环。" for code in _loops({p["code"]: p["parent"] for p in parsed})]
    return parsed, problems


def _loops(parents: dict[str, str]) -> list[str]:
    """Codes whose chain of 上级编号 inside the file comes back to themselves."""
    found = []
    for code in parents:
        seen, current = set(), parents.get(code)
        while current and current in parents and current not in seen:
            if current == code:
                found.append(code)
                break
            seen.add(current)
            current = parents.get(current)
        else:
            if current == code:
                found.append(code)
    return found


def import_ledger(actor: User, filename: str, data: bytes, *, check_only: bool = False) -> Outcome:
    parsed, problems = _parse(filename, data)
    outcome = Outcome(errors=problems, checked_only=check_only)
    if problems or not parsed:
        outcome.errors = problems or ["文件中没有任务。"]
        return outcome
    existing = {t.code: t for t in db.session.scalars(select(ReformTask).where(ReformTask.code.in_([p["code"] for p in parsed])))}
    outcome.created, outcome.updated = len(parsed) - len(existing), len(existing)
    if check_only:
        return outcome
    tasks = {}
    for p in parsed:
        task = existing.get(p["code"]) or ReformTask(code=p["code"], created_by_id=actor.id)
        task.title, task.year, task.is_major, task.lead_department_id = p["title"], p["year"], p["major"], p["lead"]
        task.responsible_leader, task.target, task.starts_on, task.deadline = p["leader"], p["target"], p["starts"], p["deadline"]
        task.partners = [TaskPartner(department_id=d) for d in dict.fromkeys(p["partners"]) if d != p["lead"]]
        db.session.add(task)
        tasks[p["code"]] = task
    db.session.flush()
    parents = {p["parent"] for p in parsed if p["parent"]} - set(tasks)
    outside = {t.code: t for t in db.session.scalars(select(ReformTask).where(ReformTask.code.in_(parents)))} if parents else {}
    for p in parsed:
        if p["parent"]:
            tasks[p["code"]].parent_id = (tasks.get(p["parent"]) or outside[p["parent"]]).id
    db.session.flush()
    audit.record(actor, "ledger.import", "reform_task", None, file=filename[-80:], created=outcome.created, updated=outcome.updated)
    return outcome
