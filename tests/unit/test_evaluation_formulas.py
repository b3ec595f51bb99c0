"""The indicator formulas of docs/evaluation.md on known inputs."""

from __future__ import annotations

from datetime import date

import pytest

from consult.evaluation import formulas as f
from consult.evaluation.imports import parse_distribution

TODAY = date(2026, 12, 2)


def test_progress_is_the_accepted_percent_and_a_completed_task_is_100() -> None:
    assert f.progress(40, 2, completed=False).value == 40
    assert f.progress(40, 2, completed=False).evidence == 2
    assert f.progress(0, 0, completed=True).value == 100
    assert f.progress(70, 0, completed=False) == f.NO_DATA  # nothing accepted yet: 无数据, not 70 nor 0


def test_item_timeliness_loses_ten_points_per_started_week() -> None:
    due = date(2026, 11, 1)
    assert f.item_timeliness(due, date(2026, 10, 30), TODAY) == 100
    assert f.item_timeliness(due, due, TODAY) == 100
    assert f.item_timeliness(due, date(2026, 11, 2), TODAY) == 90  # one day late: a started week
    assert f.item_timeliness(due, date(2026, 11, 15), TODAY) == 80  # 14 days: two weeks
    assert f.item_timeliness(due, date(2027, 6, 1), TODAY) == 0  # floor
    assert f.item_timeliness(due, None, date(2026, 11, 9)) == 80  # still open: judged against today (8 days)
    assert f.item_timeliness(date(2026, 12, 31), None, TODAY) is None  # open and not due: no score


def test_timeliness_averages_deadline_and_milestones_that_can_be_judged() -> None:
    value = f.timeliness(date(2026, 12, 31), None, [(date(2026, 6, 1), date(2026, 5, 30)), (date(2026, 9, 1), date(2026, 9, 10))], TODAY)
    assert value.value == pytest.approx((100 + 80) / 2)
    assert value.evidence == 2
    assert dict(value.distribution) == {"按期": 1, "逾期": 1}
    assert f.timeliness(date(2027, 3, 1), None, [], TODAY).value is None


def test_satisfaction_index_maps_five_to_100_and_one_to_0() -> None:
    value = f.satisfaction({5: 2, 1: 2})
    assert value.value == 50 and value.evidence == 4
    assert f.satisfaction({4: 3}).value == 75
    assert f.satisfaction({}) == f.NO_DATA


def test_ticket_handling_counts_only_tickets_that_can_be_judged() -> None:
    due = date(2026, 11, 20)
    tickets = [(due, date(2026, 11, 19)), (due, date(2026, 11, 25)), (due, None), (date(2026, 12, 20), None)]
    value = f.ticket_handling(tickets, TODAY)
    assert value.evidence == 3  # the open ticket still within its deadline is left out
    assert value.value == pytest.approx(100 / 3)
    assert dict(value.distribution) == {"按期办结": 1, "逾期办结": 1, "逾期未办结": 1}
    assert f.ticket_handling([(date(2026, 12, 20), None)], TODAY) == f.NO_DATA


def test_adoption_counts_adopted_and_partly_adopted() -> None:
    value = f.adoption({"adopted": 3, "partly": 1, "not_adopted": 4, "covered": 2})
    assert value.value == 40 and value.evidence == 10
    assert f.adoption({}).value is None


def test_expert_and_third_party_and_manual() -> None:
    assert f.expert([80, 90], 100).value == 85
    assert f.expert([4, 5], 5).value == 90  # rescaled from a 0-5 sheet
    assert f.expert([]) == f.NO_DATA
    # Weighted by sample size: (90 × 300 + 60 × 100) / 400 = 82.5
    tp = f.third_party([(90, 300, {"满意": 250}), (60, 100, {"满意": 50, "不满意": 50})])
    assert tp.value == pytest.approx(82.5) and tp.evidence == 400
    assert dict(tp.distribution) == {"满意": 300, "不满意": 50}
    assert f.manual([70, 90]).value == 80 and f.manual([]).value is None


def test_lower_is_better_counts_as_100_minus_value() -> None:
    assert f.oriented(f.Value(30.0, 5), "lower").value == 70
    assert f.oriented(f.NO_DATA, "lower") == f.NO_DATA


def test_total_redistributes_the_weight_of_indicators_without_data() -> None:
    parts = [(1, 40, f.Value(80.0, 3)), (2, 40, f.Value(60.0, 2)), (3, 20, f.NO_DATA)]
    total = f.total(parts)
    assert total.value == pytest.approx(70)  # (40×80 + 40×60) / 80, never (… + 20×0) / 100
    assert total.coverage == pytest.approx(0.8)
    assert total.weights == {1: pytest.approx(50), 2: pytest.approx(50)}


def test_no_total_below_half_of_the_weights() -> None:
    total = f.total([(1, 30, f.Value(90.0, 1)), (2, 70, f.NO_DATA)])
    assert total.value is None and total.coverage == pytest.approx(0.3)
    assert f.total([]).value is None


def test_pooled_is_the_plain_mean_over_tasks_with_data() -> None:
    value = f.pooled([f.Value(100.0, 1, distribution=[("按期", 1)]), f.Value(50.0, 4, distribution=[("按期", 2)]), f.NO_DATA])
    assert value.value == 75 and value.evidence == 5
    assert dict(value.distribution) == {"按期": 3}


def test_distribution_text() -> None:
    assert parse_distribution("满意:120；基本满意：60; 不满意:20") == {"满意": 120, "基本满意": 60, "不满意": 20}
    assert parse_distribution("") == {}
    with pytest.raises(ValueError):
        parse_distribution("满意 很多")
