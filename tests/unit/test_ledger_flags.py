"""The supervision flag rules of docs/ledger.md, on plain facts."""

from __future__ import annotations

from datetime import date

from consult.ledger.flags import TaskFacts, flags, level

TODAY = date(2026, 12, 2)


def facts(**kw) -> TaskFacts:  # type: ignore[no-untyped-def]
    base = {"status": "in_progress", "deadline": date(2027, 6, 30), "progress": 50, "report_every_days": 30,
            "started": date(2026, 11, 20), "last_accepted_report": None, "milestones": ()}
    return TaskFacts(**{**base, **kw})


def test_a_task_on_track_has_no_flag() -> None:
    assert flags(facts(), TODAY) == [] and level([]) == ""


def test_past_its_deadline_and_not_completed_is_overdue() -> None:
    found = flags(facts(deadline=date(2026, 12, 1), last_accepted_report=date(2026, 11, 30)), TODAY)
    assert found == ["overdue"] and level(found) == "overdue"
    assert flags(facts(deadline=date(2026, 12, 1), status="completed"), TODAY) == []


def test_a_report_older_than_the_cadence_or_a_late_milestone_is_a_risk() -> None:
    assert flags(facts(started=date(2026, 9, 1)), TODAY) == ["no_report"]
    assert flags(facts(started=date(2026, 9, 1), last_accepted_report=date(2026, 11, 15)), TODAY) == []
    assert flags(facts(report_every_days=0, started=date(2020, 1, 1)), TODAY) == []  # no cadence asked
    late = flags(facts(milestones=((date(2026, 11, 30), None), (date(2026, 10, 1), date(2026, 9, 30)))), TODAY)
    assert late == ["milestone_late"] and level(late) == "at_risk"


def test_near_the_deadline_with_little_progress_is_behind() -> None:
    assert flags(facts(deadline=date(2026, 12, 30), progress=69), TODAY) == ["behind"]
    assert flags(facts(deadline=date(2026, 12, 30), progress=70), TODAY) == []
    assert flags(facts(deadline=date(2027, 1, 2), progress=10), TODAY) == []  # 31 days away
