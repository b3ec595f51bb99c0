"""Supervision flags (督察预警) of a reform task, by documented rules (docs/ledger.md).

- overdue (逾期): the deadline has passed and the task is not completed;
- no_report (未按期报送): no accepted progress report within the task's reporting cadence
  (`report_every_days`, counted from the task's start or creation when it never had one);
- milestone_late (节点滞后): a milestone's date has passed and it is not done;
- behind (进度滞后): the deadline is within AT_RISK_DAYS days and progress is below AT_RISK_PROGRESS.
Completed, suspended and cancelled tasks carry no flag. A task with `overdue` is 逾期; one with
any other flag is 有风险.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from consult.core.web.languages import N_

AT_RISK_DAYS = 30
AT_RISK_PROGRESS = 70
ACTIVE = ("planned", "in_progress")

LABELS = {
    "overdue": N_("已逾期"),
    "no_report": N_("未按期报送进展"),
    "milestone_late": N_("节点滞后"),
    "behind": N_("临近时限进度不足"),
}


class _Milestone(Protocol):
    due_on: date
    done_on: date | None


@dataclass(frozen=True)
class TaskFacts:
    """What the rules read of a task (plain values, so the rules are tested without a database)."""

    status: str
    deadline: date | None
    progress: int
    report_every_days: int
    started: date  # starts_on, else the day the task was created
    last_accepted_report: date | None
    milestones: tuple[tuple[date, date | None], ...] = ()


def flags(facts: TaskFacts, today: date) -> list[str]:
    if facts.status not in ACTIVE:
        return []
    found: list[str] = []
    if facts.deadline is not None and facts.deadline < today:
        found.append("overdue")
    since = facts.last_accepted_report or facts.started
    if facts.report_every_days > 0 and since + timedelta(days=facts.report_every_days) < today:
        found.append("no_report")
    if any(due < today and done is None for due, done in facts.milestones):
        found.append("milestone_late")
    if (
        "overdue" not in found
        and facts.deadline is not None
        and facts.deadline - today <= timedelta(days=AT_RISK_DAYS)
        and facts.progress < AT_RISK_PROGRESS
    ):
        found.append("behind")
    return found


def level(found: list[str]) -> str:
    """"overdue", "at_risk" or "" for a task's flags."""
    if "overdue" in found:
        return "overdue"
    return "at_risk" if found else ""


def facts_of(task: object, last_accepted: datetime | None, local_day: date | None = None) -> TaskFacts:
    """TaskFacts of a ReformTask row (duck-typed: analysis-style code stays free of the ORM)."""
    created = getattr(task, "created_at", None)
    started = getattr(task, "starts_on", None) or (created.date() if created else local_day or date.today())
    milestones: list[_Milestone] = list(getattr(task, "milestones", []) or [])
    return TaskFacts(
        status=str(getattr(task, "status", "")),
        deadline=getattr(task, "deadline", None),
        progress=int(getattr(task, "progress", 0) or 0),
        report_every_days=int(getattr(task, "report_every_days", 0) or 0),
        started=started,
        last_accepted_report=last_accepted.date() if last_accepted else None,
        milestones=tuple((m.due_on, m.done_on) for m in milestones),
    )
