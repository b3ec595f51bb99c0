"""The indicator formulas, as plain functions of plain inputs (no database): each returns a Value
normalised to 0-100 with the evidence behind it, or no value (无数据) when there is no evidence.
Every rule here is written out in docs/evaluation.md; change both together."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

# Timeliness: an item done (or still open) after its due date loses this much per started week late.
LATE_PENALTY_PER_WEEK = 10
# A total is shown only when indicators with data carry at least this share of the weights.
MIN_COVERAGE = 0.5


@dataclass
class Value:
    value: float | None  # 0-100; None means 无数据 (no evidence), never 0
    evidence: int  # how many answers, reports, tickets, opinions, scores … are behind it
    detail: str = ""
    distribution: list[tuple[str, int]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.value is not None


NO_DATA = Value(None, 0)


def clamp(x: float) -> float:
    return max(0.0, min(100.0, float(x)))


def oriented(value: Value, direction: str) -> Value:
    """A lower-is-better indicator (e.g. a complaint rate in %) counts as 100 − value."""
    if value.value is None or direction != "lower":
        return value
    return Value(clamp(100 - value.value), value.evidence, value.detail, value.distribution)


def progress(accepted_progress: int | None, accepted_reports: int, completed: bool) -> Value:
    """The progress % of the last progress report the office accepted; a completed task is 100."""
    if completed:
        return Value(100.0, max(accepted_reports, 1), "已完成")
    if accepted_reports == 0 or accepted_progress is None:
        return NO_DATA
    return Value(clamp(accepted_progress), accepted_reports, f"已采信 {accepted_reports} 次报送")


def item_timeliness(due: date, done: date | None, today: date) -> float | None:
    """100 when done by the due date; otherwise 100 − 10 per started week late (done date, or today
    while still open), floor 0. An open item not yet due has no score."""
    if done is not None and done <= due:
        return 100.0
    end = done if done is not None else today
    if end <= due:
        return None
    weeks = math.ceil((end - due).days / 7)
    return clamp(100 - LATE_PENALTY_PER_WEEK * weeks)


def timeliness(deadline: date | None, completed_on: date | None, milestones: Sequence[tuple[date, date | None]], today: date) -> Value:
    """The mean of item_timeliness over the task's deadline and its milestones that can be judged."""
    items = [(deadline, completed_on)] if deadline else []
    items += list(milestones)
    scores = [s for due, done in items if (s := item_timeliness(due, done, today)) is not None]
    if not scores:
        return Value(None, 0, "未到期")
    on_time = sum(1 for s in scores if s == 100)
    return Value(sum(scores) / len(scores), len(scores), f"按期 {on_time} / {len(scores)}",
                 [("按期", on_time), ("逾期", len(scores) - on_time)])


def satisfaction(distribution: dict[int, int]) -> Value:
    """The survey satisfaction index: the mean over every rating answer of (value − 1) / 4 × 100
    (5 = 100 … 1 = 0), as consult/surveys/satisfaction.py computes it."""
    answers = sum(distribution.values())
    if not answers:
        return NO_DATA
    total = sum((v - 1) / 4 * 100 * n for v, n in distribution.items())
    return Value(total / answers, answers, f"{answers} 个评分",
                 [(f"{v} 分", distribution.get(v, 0)) for v in (5, 4, 3, 2, 1)])


def ticket_handling(tickets: Iterable[tuple[date, date | None]], today: date) -> Value:
    """Share (%) of 差评 tickets closed by their deadline, among those that can be judged: closed,
    or open past their deadline. An open ticket still within its deadline is not counted yet."""
    on_time = late = open_late = 0
    for due, closed in tickets:
        if closed is not None:
            on_time, late = (on_time + 1, late) if closed <= due else (on_time, late + 1)
        elif today > due:
            open_late += 1
    judged = on_time + late + open_late
    if not judged:
        return NO_DATA
    return Value(on_time / judged * 100, judged, f"按期办结 {on_time} / {judged}",
                 [("按期办结", on_time), ("逾期办结", late), ("逾期未办结", open_late)])


ADOPTED = ("adopted", "partly")
STATUS_LABELS = {"adopted": "采纳", "partly": "部分采纳", "not_adopted": "未采纳", "covered": "现行规定已有"}


def adoption(status_counts: dict[str, int]) -> Value:
    """Share (%) of answered public opinions that were adopted or partly adopted (both count fully)."""
    answered = sum(status_counts.values())
    if not answered:
        return NO_DATA
    taken = sum(status_counts.get(s, 0) for s in ADOPTED)
    return Value(taken / answered * 100, answered, f"采纳或部分采纳 {taken} / {answered}",
                 [(label, status_counts.get(key, 0)) for key, label in STATUS_LABELS.items()])


def expert(scores: Sequence[float], scale_max: float = 100.0) -> Value:
    """The mean expert score, rescaled from 0-scale_max to 0-100."""
    if not scores or scale_max <= 0:
        return NO_DATA
    mean = sum(scores) / len(scores) / scale_max * 100
    return Value(clamp(mean), len(scores), f"{len(scores)} 位专家评分", _bands(s / scale_max * 100 for s in scores))


def third_party(evaluations: Sequence[tuple[float, int, dict[str, int]]]) -> Value:
    """Accepted third-party evaluations (score 0-100, sample size, rating distribution): the mean of
    their scores weighted by sample size (an evaluation without a sample size counts as 1)."""
    if not evaluations:
        return NO_DATA
    weights = [max(n, 1) for _s, n, _d in evaluations]
    mean = sum(s * w for (s, _n, _d), w in zip(evaluations, weights, strict=True)) / sum(weights)
    merged: dict[str, int] = {}
    for _s, _n, dist in evaluations:
        for label, count in dist.items():
            merged[label] = merged.get(label, 0) + count
    return Value(clamp(mean), sum(n for _s, n, _d in evaluations), f"{len(evaluations)} 项评估", list(merged.items()))


def manual(values: Sequence[float]) -> Value:
    """Scores the office enters by hand (0-100): their mean."""
    if not values:
        return NO_DATA
    return Value(clamp(sum(values) / len(values)), len(values), f"{len(values)} 条录入")


def pooled(values: Sequence[Value]) -> Value:
    """A department's value of a task-based indicator: the plain mean over its tasks with data
    (each task counts once); the evidence adds up; distributions are merged."""
    with_data = [v for v in values if v.value is not None]
    if not with_data:
        return NO_DATA
    merged: dict[str, int] = {}
    for v in with_data:
        for label, count in v.distribution:
            merged[label] = merged.get(label, 0) + count
    return Value(sum(v.value for v in with_data) / len(with_data), sum(v.evidence for v in with_data),  # type: ignore[misc]
                 f"{len(with_data)} 项任务", list(merged.items()))


@dataclass
class Total:
    value: float | None
    coverage: float  # share of the weights carried by indicators with data, 0-1
    weights: dict[int, float]  # indicator id → the weight it effectively carries (redistributed)


def total(parts: Sequence[tuple[int, float, Value]]) -> Total:
    """Weighted mean over the indicators with data: the weight of an indicator without data is
    spread over the others in proportion to their weights (w_i / Σ w_with_data). Below
    MIN_COVERAGE of the weights with data, no total is given."""
    all_weight = sum(w for _i, w, _v in parts if w > 0)
    live = [(i, w, v) for i, w, v in parts if w > 0 and v.value is not None]
    live_weight = sum(w for _i, w, _v in live)
    if not all_weight or not live_weight:
        return Total(None, 0.0, {})
    coverage = live_weight / all_weight
    effective = {i: w / live_weight * all_weight for i, w, _v in live}
    score = sum(w * v.value for _i, w, v in live) / live_weight  # type: ignore[operator]
    return Total(score if coverage >= MIN_COVERAGE else None, coverage, effective)


def _bands(scores: Iterable[float]) -> list[tuple[str, int]]:
    bands = [("90-100", 0), ("80-89", 0), ("60-79", 0), ("0-59", 0)]
    counts = dict(bands)
    for s in scores:
        key = "90-100" if s >= 90 else "80-89" if s >= 80 else "60-79" if s >= 60 else "0-59"
        counts[key] += 1
    return list(counts.items())
