"""Importing a ledger kept in a spreadsheet (XLSX or CSV), the way reform offices keep it.

Columns (header row, any order; docs/ledger.md lists them): 编号*, 任务名称*, 年度*, 上级编号,
牵头单位, 配合单位 (separated by 、，, ; or spaces), 责任领导, 改革目标, 开始时间, 完成时限,
是否重大任务 (是/否), 报送周期（天）. A row whose 编号 is already in the ledger updates that task,
so importing the same file twice changes nothing. Every row is checked before anything is
written: one bad row refuses the whole file, with each row's errors listed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.errors import ServiceError
from consult.core.models import User
from consult.core.spreadsheets import TableError, read_table
from consult.extensions import db
from consult.ledger.models import ReformTask
from consult.ledger.operations import TaskInput, save_task

MAX_IMPORT_ROWS = 2000
REQUIRED = ("编号", "任务名称", "年度")
COLUMNS = ("编号", "任务名称", "上级编号", "牵头单位", "配合单位", "责任领导", "改革目标", "开始时间", "完成时限", "年度", "是否重大任务", "报送周期（天）")
SPLIT = re.compile(r"[、，,;；\s]+")
DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?\s*$")
YES = {"是", "y", "yes", "1", "√", "true", "重大"}
NO = {"", "否", "n", "no", "0", "false"}


@dataclass
class Row:
    number: int  # the spreadsheet's row number (header is row 1)
    data: TaskInput | None
    parent_code: str = ""
    errors: list[str] = field(default_factory=list)
    action: str = ""  # 新增 | 更新


def _date(value: str, label: str, errors: list[str]) -> date | None:
    if not value.strip():
        return None
    match = DATE.match(value)
    try:
        if match:
            return date(*(int(g) for g in match.groups()))
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        errors.append(_("%(c)s“%(v)s”不是有效日期（如 2026-12-31）。", c=label, v=value[:20]))
        return None


def _row(number: int, raw: dict[str, str]) -> Row:
    cell = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    errors = [_("缺少%(c)s。", c=name) for name in REQUIRED if not cell[name]]
    year = int(cell["年度"]) if cell["年度"].isdigit() and 2000 <= int(cell["年度"]) <= 2100 else None
    if cell["年度"] and year is None:
        errors.append(_("年度“%(v)s”应为 2000 到 2100 之间的年份。", v=cell["年度"][:10]))
    major = cell["是否重大任务"].lower()
    if major not in YES | NO:
        errors.append(_("是否重大任务应填“是”或“否”。"))
    every = cell["报送周期（天）"]
    if every and not (every.isdigit() and 1 <= int(every) <= 366):
        errors.append(_("报送周期应为 1 到 366 天。"))
    starts, deadline = _date(cell["开始时间"], "开始时间", errors), _date(cell["完成时限"], "完成时限", errors)
    if starts and deadline and deadline < starts:
        errors.append(_("完成时限早于开始时间。"))
    if len(cell["编号"]) > 40 or len(cell["任务名称"]) > 200:
        errors.append(_("编号不超过 40 字，任务名称不超过 200 字。"))
    if cell["上级编号"] and cell["上级编号"] == cell["编号"]:
        errors.append(_("上级编号不能是本任务的编号。"))
    data = TaskInput(title=cell["任务名称"], code=cell["编号"], year=year or 0, target=cell["改革目标"], lead_department=cell["牵头单位"],
                     partners=tuple(n for n in SPLIT.split(cell["配合单位"]) if n), responsible_leader=cell["责任领导"],
                     starts_on=starts, deadline=deadline, report_every_days=int(every) if every.isdigit() else 30,
                     is_major=major in YES)
    return Row(number, None if errors else data, cell["上级编号"], errors)


def parse(filename: str, blob: bytes) -> list[Row]:
    """Every row checked, with 新增/更新 decided; raises ServiceError only for a file we cannot read at all."""
    try:
        raw = read_table(filename, blob)
    except TableError as error:
        raise ServiceError(error.message, 413 if "20 MB" in error.message else 400, field="file") from None
    if not raw:
        raise ServiceError(_("文件中没有数据行。"), 400, field="file")
    if len(raw) > MAX_IMPORT_ROWS:
        raise ServiceError(_("一次最多导入 %(n)s 行。", n=MAX_IMPORT_ROWS), 400, field="file")
    missing = [c for c in REQUIRED if c not in raw[0]]
    if missing:
        raise ServiceError(_("缺少必需的列：%(c)s。", c="、".join(missing)), 400, field="file")
    rows = [_row(n, r) for n, r in enumerate(raw, start=2)]
    codes = [r.data.code for r in rows if r.data]
    existing = set(db.session.scalars(select(ReformTask.code).where(ReformTask.code.in_(codes)))) if codes else set()
    seen: set[str] = set()
    for row in rows:
        code = row.data.code if row.data else ""
        if code and code in seen:
            row.errors.append(_("编号 %(c)s 在文件中重复。", c=code))
        if row.parent_code and row.parent_code not in set(codes) and not _known(row.parent_code):
            row.errors.append(_("上级编号 %(c)s 既不在文件中，也不在台账中。", c=row.parent_code[:40]))
        seen.add(code or "")
        row.action = _("更新") if code in existing else _("新增")
    return rows


def _known(code: str) -> bool:
    return db.session.scalar(select(ReformTask.id).where(ReformTask.code == code)) is not None


def apply(actor: User, rows: list[Row]) -> tuple[int, int]:
    """Write every row (all checked first); returns (created, updated). The caller commits."""
    if any(r.errors for r in rows):
        raise ServiceError(_("有 %(n)s 行存在错误，未导入任何数据。", n=sum(1 for r in rows if r.errors)), 400, field="file")
    created = updated = 0
    for row in rows:  # first pass without parents: a parent may come later in the file
        assert row.data is not None
        task = db.session.scalar(select(ReformTask).where(ReformTask.code == row.data.code))
        created, updated = created + (task is None), updated + (task is not None)
        if task is not None:
            row.data.parent_id, row.data.plan_id, row.data.status = task.parent_id, task.plan_id, task.status
            row.data.description, row.data.public = task.description, task.public
        save_task(actor, row.data, task)
    for row in rows:
        assert row.data is not None
        if row.parent_code:
            task = db.session.scalar(select(ReformTask).where(ReformTask.code == row.data.code))
            parent_id = db.session.scalar(select(ReformTask.id).where(ReformTask.code == row.parent_code))
            if task is not None and task.parent_id != parent_id:
                row.data.parent_id, row.data.status = parent_id, task.status
                save_task(actor, row.data, task)
    return created, updated
