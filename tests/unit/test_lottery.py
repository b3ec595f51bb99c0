"""The hearing lottery: reproducible from the published seed and list, quotas first, fair within a stance."""

from __future__ import annotations

import hashlib
import math
from collections import Counter

import pytest

from worker.analysis.lottery import FIRST_COME, Applicant, Quota, draw


def _applicants(support: int, oppose: int, other: int = 0) -> list[Applicant]:
    people = [("support", support), ("oppose", oppose), ("other", other)]
    out, order = [], 0
    for stance, count in people:
        for i in range(count):
            order += 1
            out.append(Applicant(public_id=f"{stance[:2].upper()}{i:03d}", stance=stance, group="企业" if i % 3 == 0 else "居民", order=order))
    return out


def test_same_seed_and_list_give_the_same_draw_whatever_the_list_order() -> None:
    people = _applicants(8, 5, 2)
    quotas = [Quota(seats=2, stance="oppose"), Quota(seats=2, stance="support")]
    first = draw("2026-福彩-123456", people, quotas, capacity=6)
    again = draw("2026-福彩-123456", list(reversed(people)), quotas, capacity=6)
    assert first == again
    other_seed = draw("2026-福彩-123457", people, quotas, capacity=6)
    assert other_seed.selected != first.selected  # the seed matters


def test_the_documented_construction_is_what_runs() -> None:
    """The ~15-line snippet in docs/hearings.md, inlined: anyone re-running it gets the same seats."""
    people = _applicants(6, 4)
    quotas = [Quota(seats=2, stance="oppose")]
    seed = "abc:福彩3D 2026321期 718"

    def key(a: Applicant) -> str:
        return hashlib.sha256(f"{seed}:{a.public_id}".encode()).hexdigest()

    ranked = sorted(people, key=key)
    chosen = [a.public_id for a in ranked if a.stance == "oppose"][:2]
    chosen += [a.public_id for a in ranked if a.public_id not in chosen][: 5 - len(chosen)]
    waiting = [a.public_id for a in ranked if a.public_id not in chosen]
    result = draw(seed, people, quotas, capacity=5)
    assert result.selected == chosen and result.waiting == waiting


def test_quotas_are_filled_first_even_when_their_applicants_rank_last() -> None:
    people = _applicants(20, 2, 1)
    quotas = [Quota(seats=2, stance="oppose"), Quota(seats=1, stance="other"), Quota(seats=1, group="企业", stance="support")]
    for n in range(50):
        result = draw(f"seed-{n}", people, quotas, capacity=5)
        stance = {a.public_id: a.stance for a in people}
        group = {a.public_id: a.group for a in people}
        chosen = [stance[p] for p in result.selected]
        assert chosen.count("oppose") == 2 and chosen.count("other") == 1  # every opponent is heard
        assert any(stance[p] == "support" and group[p] == "企业" for p in result.selected)
        assert len(result.selected) == 5 and len(result.waiting) == len(people) - 5
        assert not set(result.selected) & set(result.waiting)


def test_a_short_quota_leaves_its_seats_to_everyone_else() -> None:
    people = _applicants(6, 1)
    result = draw("s", people, [Quota(seats=3, stance="oppose")], capacity=4)
    assert len(result.selected) == 4  # one opponent only: the other two seats are not left empty
    assert result.reason["OP000"] == "quota:1"


def test_first_come_first_served_follows_the_order_of_application() -> None:
    people = _applicants(4, 3)
    result = draw("", people, [Quota(seats=1, stance="oppose")], capacity=3, method=FIRST_COME)
    assert result.selected == ["OP000", "SU000", "SU001"]
    assert result.waiting == ["SU002", "SU003", "OP001", "OP002"]


def test_bad_quotas_are_refused() -> None:
    with pytest.raises(ValueError):
        draw("s", _applicants(2, 2), [Quota(seats=3), Quota(seats=3)], capacity=5)
    with pytest.raises(ValueError):
        draw("s", [Applicant("A"), Applicant("A")], [], capacity=1)


@pytest.mark.parametrize("capacity", [5, 8])
def test_every_applicant_of_a_stance_is_chosen_equally_often(capacity: int) -> None:
    """2,000 fixed seeds (deterministic). With quotas of 3 supporters out of 10 and 2 opponents
    out of 6, each applicant's count is Binomial(n, p) with the same p inside its stance; every
    count must lie within 4 standard deviations of the stance's mean count."""
    people = _applicants(10, 6)
    quotas = [Quota(seats=2, stance="oppose"), Quota(seats=3, stance="support")]
    draws = 2000
    counts: Counter[str] = Counter()
    for n in range(draws):
        counts.update(draw(f"fairness-{n}", people, quotas, capacity=capacity).selected)
    for stance in ("support", "oppose"):
        ids = [a.public_id for a in people if a.stance == stance]
        p = sum(counts[i] for i in ids) / (draws * len(ids))
        sd = math.sqrt(draws * p * (1 - p))
        for public_id in ids:
            assert abs(counts[public_id] - draws * p) <= 4 * sd, (stance, public_id, counts[public_id], draws * p, sd)
        if capacity == 5:
            assert p == pytest.approx(3 / 10 if stance == "support" else 2 / 6)
