"""Which clause an opinion is filed under when it is answered and reported.

In order: the clause the person commented on; the clause staff set (``clause_override_id``,
corrected on the digest issue page or the workbench); the latest digest's automatic mapping
when its confidence is at least ``CLAUSE_MAP_MIN_CONFIDENCE`` (docs/feedback.md). Anything
else, guesses below the threshold included, stays under 整个方案.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from consult.digests import operations as digests
from consult.digests import page_data, readable, store
from consult.extensions import db
from consult.plans.models import Comment, Plan

EXPLICIT, STAFF, MAPPED, WHOLE = "explicit", "staff", "mapped", "whole"
PAGE_LOOKUP = 1000  # up to this many comments: their links from the membership rows, not the parsed result


@dataclass(frozen=True)
class Placement:
    clause_id: int | None
    how: str  # EXPLICIT, STAFF, MAPPED or WHOLE
    confidence: float = 1.0


def mapped_links(plan: Plan, comment_ids: list[int] | None = None) -> dict[int, tuple[int, float]]:
    """Comment id → (clause id, confidence) of the latest digest's automatic mapping at or above the
    threshold; with ``comment_ids`` (a page of them) only theirs, read from the digest's membership rows."""
    digest = digests.latest(plan.id)
    if digest is None:
        return {}
    threshold = readable.min_confidence()
    if comment_ids is not None and len(comment_ids) <= PAGE_LOOKUP and store.has_rows(db.session, digest):
        return store.links(db.session, digest, comment_ids, threshold)
    result = page_data.parsed(digest)  # parsed once per process, not on every view
    links = result.clause_links if result is not None else {}
    wanted = None if comment_ids is None else set(comment_ids)
    return {doc: (cid, conf) for doc, (cid, conf) in links.items() if conf >= threshold and (wanted is None or doc in wanted)}


def place(comment: Comment, links: dict[int, tuple[int, float]]) -> Placement:
    return place_ids(comment.id, comment.clause_id, comment.clause_override_id, links)


def place_ids(comment_id: int, clause_id: int | None, override_id: int | None, links: dict[int, tuple[int, float]]) -> Placement:
    """``place`` from the columns alone (reports count 100k opinions without loading them)."""
    if clause_id:
        return Placement(clause_id, EXPLICIT)
    if override_id:
        return Placement(override_id, STAFF)
    link = links.get(comment_id)
    if link is not None:
        return Placement(link[0], MAPPED, link[1])
    return Placement(None, WHOLE, 0.0)


def placements(plan: Plan, comments: Iterable[Comment]) -> dict[int, Placement]:
    comments = list(comments)
    links = mapped_links(plan, [c.id for c in comments])
    return {c.id: place(c, links) for c in comments}
