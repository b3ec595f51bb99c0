"""Issue identity across digest versions: which earlier issues each new issue continues.

Staff answer whole issues by their reference (D3-T1-I2); a rebuild renumbers everything, so a
new digest's issues are matched to the previous digest's by the comments they share:

* previous issue P *flows into* current issue C when C holds at least ``CONTAIN_MIN`` of P's
  comments (containment, not Jaccard: a small issue absorbed by a big one still flows into it);
* C is **merged** when two or more previous issues flow into it;
* C is **grown** when exactly one does and C is at least ``GROWTH_MIN`` larger than it;
* C is **same** when exactly one does and it did not grow (it may have shrunk);
* C is **split** when none flows into it but at least ``CONTAIN_MIN`` of C comes from one
  previous issue (it broke away from a bigger one);
* otherwise C is **new**.

``match_issues`` is the one rule: the pipeline stores its outcome on every issue
(``compare`` -> ``Issue.change``) and the digest page calls it with the cluster references
(D3-T1-I2) at render time, so digests stored before a change of rule still get marks.

Pure: plain ids in, plain values out (only ``results`` besides the standard library).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .results import Change, DigestResult

CONTAIN_MIN = 0.5
GROWTH_MIN = 0.1

MARKS = ("new", "grown", "merged", "same", "split")


@dataclass
class Lineage:
    """How one current issue relates to the previous digest's issues (``previous``: refs, largest share first)."""

    ref: str
    mark: str
    previous: list[str] = field(default_factory=list)
    previous_size: int = 0
    size: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"ref": self.ref, "mark": self.mark, "previous": self.previous, "previous_size": self.previous_size, "size": self.size}


def match_issues(current: Sequence[tuple[str, Sequence[int]]], previous: Sequence[tuple[str, Sequence[int]]]) -> list[Lineage]:
    """One ``Lineage`` per current issue, in the given order; each issue is (ref, member comment ids)."""
    prev_sets = [(ref, set(ids)) for ref, ids in previous if ids]
    owner: dict[int, int] = {}
    for k, (_ref, ids) in enumerate(prev_sets):
        for i in ids:
            owner.setdefault(i, k)
    out = []
    for ref, ids in current:
        members = set(ids)
        shared: dict[int, int] = {}
        for i in members:
            k = owner.get(i)
            if k is not None:
                shared[k] = shared.get(k, 0) + 1
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
        flows = [k for k, n in ranked if n >= CONTAIN_MIN * len(prev_sets[k][1])]
        size = len(members)
        if len(flows) >= 2:
            mark = "merged"
        elif flows:
            before = len(prev_sets[flows[0]][1])
            mark = "grown" if size >= before * (1 + GROWTH_MIN) and size > before else "same"
        elif ranked and ranked[0][1] >= CONTAIN_MIN * size:
            mark, flows = "split", [ranked[0][0]]
        else:
            mark = "new"
        out.append(Lineage(
            ref=ref, mark=mark, previous=[prev_sets[k][0] for k in flows],
            previous_size=sum(len(prev_sets[k][1]) for k in flows), size=size,
        ))
    return out


def compare(result: DigestResult, previous: DigestResult) -> dict[str, int]:
    """Set every issue's stored ``change`` from ``match_issues``; counts per status plus ``gone``.

    The stored statuses follow the marks: merged, grown, split and new as they are; a
    continued issue ("same") is stable, or shrunk when it lost more than ``GROWTH_MIN``
    (and at least 2 comments).
    """
    prev = [iss for _, _, iss in previous.issues()]
    cur = [iss for _, _, iss in result.issues()]
    marks = match_issues(
        [(str(i), iss.member_ids) for i, iss in enumerate(cur)],
        [(str(j), iss.member_ids) for j, iss in enumerate(prev)],
    )
    counts: Counter[str] = Counter()
    reached: set[int] = set()
    for iss, mark in zip(cur, marks, strict=True):
        before = [prev[int(r)] for r in mark.previous]
        reached.update(int(r) for r in mark.previous)
        status = mark.mark
        if status == "same":
            shrunk = iss.size < mark.previous_size - max(2, GROWTH_MIN * mark.previous_size)
            status = "shrunk" if shrunk else "stable"
        iss.change = Change(
            status=status,
            previous_size=mark.previous_size,
            delta=iss.size - mark.previous_size if before else 0,
            previous_label=before[0].label if before else None,
            merged_labels=[p.label for p in before[1:]] if status == "merged" else [],
        )
        counts[status] += 1
    out = {s: counts[s] for s in ("new", "grown", "merged", "split", "shrunk", "stable")}
    out["gone"] = len(prev) - len(reached)
    return out
