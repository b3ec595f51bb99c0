"""Supervision flags (督察预警), computed from a task as it stands on a given day.

The rules (docs/ledger.md repeats them for the office):
- overdue (逾期): the deadline has passed and the task is not completed or cancelled;
- at risk (风险), any of:
  - no accepted report within `report_every_days` of today (counting from the task's start, or
    its creation, when it has never had one accepted);
  - a milestone past its due date and not done;
  - the deadline is within DEADLINE_WINDOW_DAYS days and progress is below PROGRESS_FLOOR percent.
Completed, cancelled and suspended tasks carry no flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from consult.ledger.models import ReformTask, ReportReview, TaskStatus

DEADLINE_WINDOW_DAYS = 30
PROGRESS_FLOOR = 80  # percent: a task this close to its deadline should be nearly done
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED = {TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.SUSPENDED}


@dataclass(frozen=True)
class Flag:
    code: str  # overdue | no_report | milestone_late | deadline_near
    label: str

    @property
    def severe(self) -> bool:
        return self.code == "overdue"


LABELS = {
    "overdue": "逾期未完成",
    "no_report": "未按期报送进展",
    "milestone_late": "节点滞后",
    "deadline_near": "临近时限进度不足",
}


def _last_accepted(task: ReformTask) -> date | None:
    dates = [r.reviewed_at.date() for r in task.reports if r.review == ReportReview.ACCEPTED and r.reviewed_at]
    return max(dates) if dates else None


def flags_for(task: ReformTask, today: date) -> list[Flag]:
    if task.status in CLOSED:
        return []
    found: list[str] = []
    if task.deadline and task.deadline < today:
        found.append("overdue")
    since = _last_accepted(task) or task.starts_on or (task.created_at.date() if task.created_at else today)
    if since + timedelta(days=task.report_every_days or 30) < today:
        found.append("no_report")
    if any(m.done_on is None and m.due_on < today for m in task.milestones):
        found.append("milestone_late")
    if task.deadline and today <= task.deadline <= today + timedelta(days=DEADLINE_WINDOW_DAYS) and task.progress < PROGRESS_FLOOR:
        found.append("deadline_near")
    return [Flag(code, LABELS[code]) for code in found]


def is_at_risk(flags: list[Flag]) -> bool:
    return any(not f.severe for f in flags)


def today() -> date:
    """The office's calendar day (Asia/Shanghai), whatever the server's clock zone."""
    return datetime.now(SHANGHAI).date()
