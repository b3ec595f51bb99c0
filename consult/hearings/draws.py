"""A hearing's draw as published (draw.json and the API): everything needed to re-run it, and the seats now."""

from __future__ import annotations

from typing import Any

from consult.hearings import operations as service
from consult.hearings.models import Hearing
from worker.analysis import lottery


def draw_result(hearing: Hearing) -> dict[str, Any]:
    """What anyone needs to re-run the draw (see docs/hearings.md), plus the seats as they are now."""
    record = hearing.draw_record or {}
    applicants = record.get("applicants") or [{"public_id": a.public_id, "stance": a.stance, "group": a.group, "order": a.order} for a in service.lottery_input(hearing)]
    return {
        "hearing_id": hearing.id,
        "method": hearing.selection,
        "seed_commitment": hearing.seed_commitment,
        "committed_at": hearing.created_at.isoformat(),
        "seed_secret": hearing.seed_secret if hearing.drawn_at else None,
        "public_value": hearing.public_value or None,
        "seed": hearing.seed or None,
        "drawn_at": hearing.drawn_at.isoformat() if hearing.drawn_at else None,
        "capacity": hearing.capacity,
        "quotas": hearing.quotas or [],
        "applicants": applicants,
        "draw": {"selected": record["selected"], "waiting": record["waiting"]} if record else None,
        "selected": [a.public_id for a in service.seated(hearing)] if hearing.drawn_at or hearing.selection == lottery.FIRST_COME else [],
        "waiting": [a.public_id for a in service.waiting(hearing)],
    }
