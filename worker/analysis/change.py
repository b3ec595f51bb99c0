"""Issue identity between digest versions: which issue of the previous digest each
current issue continues, and whether it is new, grown, merged, shrunk or stable.

Pure Python (only ``results``): the web side can call it on stored digests.

* The previous issue holding the largest share (>= ``MATCH_MIN``) of a previous issue's
  documents that now sit in the current issue is its predecessor (comments persist
  between digests); issues made only of new comments match on keyword Jaccard
  >= ``KEYWORD_MATCH_MIN``. Matching is one-to-one, best score first.
* A current issue that also holds >= ``MATCH_MIN`` of another previous issue's comments,
  one not matched to any other current issue, is **merged**: ``Change.merged_labels``
  names the absorbed issues.
* Otherwise grown / shrunk when the size changed by more than 10 % (and at least 2
  comments), else stable; unmatched issues are new; unmatched previous issues are gone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .results import Change, DigestResult, Issue

GROWTH_MIN = 0.1  # relative change in size that counts as grown/shrunk
MATCH_MIN = 0.3  # share of a previous issue's documents needed to call it the same issue
KEYWORD_MATCH_MIN = 0.25  # keyword Jaccard needed when no documents are shared


def match_issues(
    cur: Sequence[Issue], prev: Sequence[Issue]
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """(current -> previous predecessor, current -> further previous issues it absorbed)."""
    prev_of_doc = {doc: j for j, iss in enumerate(prev) for doc in iss.member_ids}
    candidates: list[tuple[float, int, int]] = []
    overlap: dict[int, dict[int, float]] = {}
    for i, iss in enumerate(cur):
        shared = Counter(prev_of_doc[d] for d in iss.member_ids if d in prev_of_doc)
        overlap[i] = {}
        for j, count in shared.items():
            score = count / max(len(prev[j].member_ids), 1)
            if score >= MATCH_MIN:
                candidates.append((1.0 + score, i, j))
                overlap[i][j] = score
        kw = set(iss.keywords)
        for j, p in enumerate(prev):
            pk = set(p.keywords)
            if kw and pk and j not in shared:
                jac = len(kw & pk) / len(kw | pk)
                if jac >= KEYWORD_MATCH_MIN:
                    candidates.append((jac, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    match: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in candidates:
        if i not in match and j not in used:
            match[i] = j
            used.add(j)
    absorbed: dict[int, list[int]] = {}
    for i, j0 in match.items():
        extra = sorted(
            (j for j, s in overlap[i].items() if j != j0 and j not in used),
            key=lambda j: -overlap[i][j],
        )
        if extra:
            absorbed[i] = extra
            used.update(extra)
    return match, absorbed


def compare(result: DigestResult, previous: DigestResult) -> dict[str, int]:
    """Set every issue's ``change`` against ``previous``; counts per status plus ``gone``."""
    prev = [iss for _, _, iss in previous.issues()]
    cur = [iss for _, _, iss in result.issues()]
    match, absorbed = match_issues(cur, prev)
    counts: Counter[str] = Counter()
    for i, iss in enumerate(cur):
        if i not in match:
            iss.change = Change(status="new")
        else:
            p = prev[match[i]]
            merged = [prev[j].label for j in absorbed.get(i, [])]
            base = p.size + sum(prev[j].size for j in absorbed.get(i, []))
            delta = iss.size - p.size
            margin = max(2, GROWTH_MIN * p.size)
            if merged:
                status = "merged"
            else:
                status = "grown" if delta > margin else "shrunk" if delta < -margin else "stable"
            iss.change = Change(
                status=status,
                previous_size=base if merged else p.size,
                delta=iss.size - base if merged else delta,
                previous_label=p.label,
                merged_labels=merged,
            )
        counts[iss.change.status] += 1
    matched = set(match.values()) | {j for js in absorbed.values() for j in js}
    return {
        "new": counts["new"],
        "grown": counts["grown"],
        "merged": counts["merged"],
        "shrunk": counts["shrunk"],
        "stable": counts["stable"],
        "gone": len(prev) - len(matched),
    }
