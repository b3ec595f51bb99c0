"""The public hearing lottery (and first come, first served): a pure, reproducible selection.

Anyone can re-run a draw from what the result page publishes: the seed, the applicant list
(public ids with group, stance and order of application), the quotas and the capacity.

Construction (documented in docs/hearings.md):
1. Rank every applicant by SHA-256(seed + ":" + public_id) as a hex string, lowest first
   (first come, first served ranks by the order of application instead).
2. Fill the quotas in the order given: each quota takes, by rank, the applicants not yet
   chosen whose group and stance match ("" matches any), up to its seats.
3. The seats left (capacity minus those chosen) go to everyone still unchosen, by rank.
4. The waiting list is everyone else, by rank.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

LOTTERY = "lottery"
FIRST_COME = "fcfs"


@dataclass(frozen=True)
class Applicant:
    public_id: str
    stance: str = ""
    group: str = ""
    order: int = 0  # 1-based order of application


@dataclass(frozen=True)
class Quota:
    seats: int
    group: str = ""  # "" = any group
    stance: str = ""  # "" = any stance

    def matches(self, applicant: Applicant) -> bool:
        return (not self.group or applicant.group == self.group) and (
            not self.stance or applicant.stance == self.stance
        )


@dataclass
class Draw:
    selected: list[str] = field(default_factory=list)  # public ids in seat order (seat 1 first)
    waiting: list[str] = field(default_factory=list)  # public ids in waiting-list order
    reason: dict[str, str] = field(default_factory=dict)  # public id -> "quota:<n>" or "open"


def rank_key(seed: str, public_id: str) -> str:
    return hashlib.sha256(f"{seed}:{public_id}".encode()).hexdigest()


def rank(seed: str, applicants: Sequence[Applicant], method: str = LOTTERY) -> list[Applicant]:
    if method == FIRST_COME:
        return sorted(applicants, key=lambda a: (a.order, a.public_id))
    if method != LOTTERY:
        raise ValueError(f"unknown selection method {method!r}")
    # The id breaks ties only in the (astronomically unlikely) case of equal hashes.
    return sorted(applicants, key=lambda a: (rank_key(seed, a.public_id), a.public_id))


def draw(
    seed: str,
    applicants: Sequence[Applicant],
    quotas: Sequence[Quota],
    capacity: int,
    method: str = LOTTERY,
) -> Draw:
    if capacity < 0 or any(q.seats < 0 for q in quotas):
        raise ValueError("seats cannot be negative")
    if sum(q.seats for q in quotas) > capacity:
        raise ValueError("quotas exceed capacity")
    if len({a.public_id for a in applicants}) != len(applicants):
        raise ValueError("duplicate public id")
    ranked = rank(seed, applicants, method)
    result = Draw()
    chosen: set[str] = set()
    for number, quota in enumerate(quotas, start=1):
        taken = 0
        for applicant in ranked:
            if taken >= quota.seats:
                break
            if applicant.public_id not in chosen and quota.matches(applicant):
                chosen.add(applicant.public_id)
                result.selected.append(applicant.public_id)
                result.reason[applicant.public_id] = f"quota:{number}"
                taken += 1
    for applicant in ranked:
        if len(result.selected) >= capacity:
            break
        if applicant.public_id not in chosen:
            chosen.add(applicant.public_id)
            result.selected.append(applicant.public_id)
            result.reason[applicant.public_id] = "open"
    result.waiting = [a.public_id for a in ranked if a.public_id not in chosen]
    return result
