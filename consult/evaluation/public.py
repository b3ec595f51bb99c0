"""What the public sunshine-reform pages show of evaluation: only years the office has published,
only public tasks, only accepted third-party evaluations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from consult.evaluation import scorecard
from consult.evaluation.models import EvaluationStatus, PublishedYear, ThirdPartyEvaluation
from consult.extensions import db
from consult.ledger.models import ReformTask


@dataclass
class PublicResult:
    task: ReformTask
    card: scorecard.Card
    evaluations: list[ThirdPartyEvaluation]


def published_years() -> set[int]:
    return set(db.session.scalars(select(PublishedYear.year)))


def results(task: ReformTask | None = None, plan: object | None = None) -> list[PublicResult]:
    """The published results of one task, or of every public task of a plan."""
    if task is not None:
        tasks = [task] if task.public else []
    elif plan is not None:
        tasks = list(db.session.scalars(select(ReformTask).where(ReformTask.plan_id == plan.id, ReformTask.public.is_(True)).order_by(ReformTask.code, ReformTask.id)))  # type: ignore[attr-defined]
    else:
        return []
    years = published_years()
    tasks = [t for t in tasks if t.year in years]
    if not tasks:
        return []
    accepted = list(db.session.scalars(select(ThirdPartyEvaluation).where(
        ThirdPartyEvaluation.task_id.in_([t.id for t in tasks]), ThirdPartyEvaluation.status == EvaluationStatus.ACCEPTED)))
    return [PublicResult(t, scorecard.task_card(t), [e for e in accepted if e.task_id == t.id]) for t in tasks]
