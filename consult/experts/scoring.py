"""Expert evaluation results of reform tasks, for scorecards (the `evaluation` feature reads these).

The scoring sheet (consult.experts.fields.CRITERIA): 目标达成度 30 %, 改革实效 25 %, 群众获得感 20 %,
制度创新 15 %, 可复制推广 10 %; each criterion is scored 0-100 by one expert, and that expert's
total is Σ weight × score (0-100, one decimal). A task's summary is over the experts who submitted
a sheet for it: the plain mean of their totals and of each criterion, plus every total so a
distribution can be drawn. Withdrawn invitations' sheets are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from consult.experts.fields import CRITERIA, CRITERION_CODES, WEIGHTS
from consult.experts.models import ExpertInvitation, ExpertScore, InvitationStatus
from consult.extensions import db


@dataclass(frozen=True)
class ExpertScoreSummary:
    """The expert scores of one reform task.

    count: how many experts submitted a sheet; mean_total: mean of their weighted totals (0-100,
    one decimal), None when count is 0; criteria: criterion code → mean score (one decimal);
    totals: every expert's total, ascending (for a distribution or a box plot)."""

    task_id: int
    count: int
    mean_total: float | None
    criteria: dict[str, float] = field(default_factory=dict)
    totals: list[float] = field(default_factory=list)


def criteria() -> list[tuple[str, str, float]]:
    """(code, label, weight) of the scoring sheet, in order: to document a scorecard's formula."""
    return [(code, str(label), weight) for code, label, weight in CRITERIA]


def weights() -> dict[str, float]:
    return dict(WEIGHTS)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1)


def task_expert_scores(task_ids: list[int]) -> dict[int, ExpertScoreSummary]:
    """Summaries for the given reform task ids; every id asked for is in the answer (count 0 if unscored)."""
    ids = sorted(set(task_ids))
    rows: dict[int, list[ExpertScore]] = {task_id: [] for task_id in ids}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        query = (
            select(ExpertScore)
            .join(ExpertInvitation, ExpertInvitation.id == ExpertScore.invitation_id)
            .where(ExpertScore.task_id.in_(chunk), ExpertInvitation.status != InvitationStatus.WITHDRAWN)
        )
        for score in db.session.scalars(query):
            rows[score.task_id].append(score)
    result: dict[int, ExpertScoreSummary] = {}
    for task_id, sheets in rows.items():
        if not sheets:
            result[task_id] = ExpertScoreSummary(task_id=task_id, count=0, mean_total=None)
            continue
        result[task_id] = ExpertScoreSummary(
            task_id=task_id,
            count=len(sheets),
            mean_total=_mean([s.total for s in sheets]),
            criteria={code: _mean([float(s.scores.get(code, 0)) for s in sheets]) for code in CRITERION_CODES},
            totals=sorted(s.total for s in sheets),
        )
    return result
