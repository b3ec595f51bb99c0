"""Result types of the opinion digest, importable without numpy or scikit-learn.

The web process reads stored digests (``DigestResult.from_dict``) and builds the inputs
of a digest (``DigestDoc``, ``ClauseRef``, ``intern_all``) with this module alone;
``pipeline.build_digest`` is what needs the numeric stack.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class DigestDoc:
    """A comment as the digest sees it: cached tokens plus the display text."""

    id: int
    tokens: list[str]
    text: str
    created_at: datetime
    source: str = "web"
    clause_id: int | None = None


@dataclass
class ClauseRef:
    """A clause of the consulted document (``tokens`` from the same Segmenter)."""

    id: int
    label: str
    tokens: list[str]
    key: str = ""  # dotted position ("2.3.1"): lets hierarchical references resolve


@dataclass
class Change:
    """How an issue compares with its match in the previous digest."""

    status: str  # "new", "grown", "merged", "split", "shrunk" or "stable" (lineage.compare)
    previous_size: int = 0
    delta: int = 0
    previous_label: str | None = None
    # Labels of further previous issues whose comments now mostly sit in this one.
    merged_labels: list[str] = field(default_factory=list)


CLAUSE_CONFIDENCE_MIN = 0.5
"""Clause links below this confidence are kept for staff but not counted or shown under
their clause (the comment stays under 整个方案). See docs/clustering.md for the measured
precision above and below it."""

UNASSIGNED_LABEL = "其他/未归类"


@dataclass
class Quote:
    """A short extract of one comment (the sentence carrying the point)."""

    id: int
    text: str


@dataclass
class Group:
    """What a theme and an issue both report about their comments."""

    label: str
    keywords: list[str]
    size: int
    share: float
    representative_ids: list[int]
    representative_texts: list[str]
    stance_counts: dict[str, int]
    clause_counts: dict[int, int]
    member_ids: list[int]
    # The most central sentence (<= 60 characters) and 3-5 short quotes: the sentence of a
    # representative comment that carries the group's point, with the comment's id.
    summary: str = ""
    quotes: list[Quote] = field(default_factory=list)
    # True for the explicit 其他/未归类 group: comments no theme fits; not a topic.
    unassigned: bool = False


@dataclass
class Issue(Group):
    campaign_count: int = 0
    change: Change | None = None


@dataclass
class Theme(Group):
    issues: list[Issue] = field(default_factory=list)


@dataclass
class CampaignSummary:
    size: int
    first_at: datetime
    last_at: datetime
    representative_id: int
    representative_text: str
    member_ids: list[int]
    theme: int = -1
    issue: int = -1


@dataclass
class DigestResult:
    themes: list[Theme] = field(default_factory=list)
    campaigns: list[CampaignSummary] = field(default_factory=list)
    assignments: dict[int, tuple[int, int]] = field(default_factory=dict)
    clause_links: dict[int, tuple[int, float]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def issues(self) -> list[tuple[int, int, Issue]]:
        """(theme index, issue index, issue) for every issue."""
        return [(t, i, iss) for t, th in enumerate(self.themes) for i, iss in enumerate(th.issues)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (datetimes as ISO strings, int keys as strings).

        Written out field by field: ``dataclasses.asdict`` deep-copies every member id list
        (about a million objects at 100,000 comments, seconds of the build)."""
        return {
            "themes": [_group_dict(th, issues=[_group_dict(i) for i in th.issues]) for th in self.themes],
            "campaigns": [
                {"size": c.size, "first_at": c.first_at.isoformat(), "last_at": c.last_at.isoformat(),
                 "representative_id": c.representative_id, "representative_text": c.representative_text,
                 "member_ids": list(c.member_ids), "theme": c.theme, "issue": c.issue}
                for c in self.campaigns
            ],
            "assignments": {str(k): list(v) for k, v in self.assignments.items()},
            "clause_links": {str(k): list(v) for k, v in self.clause_links.items()},
            "stats": copy.deepcopy(self.stats),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DigestResult:
        """Inverse of ``to_dict``."""

        def group(x: dict[str, Any]) -> dict[str, Any]:
            x = dict(x)
            x["clause_counts"] = {int(k): v for k, v in x["clause_counts"].items()}
            x["quotes"] = [Quote(**q) for q in x.get("quotes", [])]
            return x

        def issue(x: dict[str, Any]) -> Issue:
            x = group(x)
            x["change"] = Change(**x["change"]) if x.get("change") else None
            return Issue(**x)

        themes = []
        for t in d.get("themes", []):
            t = group(t)
            t["issues"] = [issue(i) for i in t["issues"]]
            themes.append(Theme(**t))
        campaigns = []
        for c in d.get("campaigns", []):
            c = dict(c)
            c["first_at"] = datetime.fromisoformat(c["first_at"])
            c["last_at"] = datetime.fromisoformat(c["last_at"])
            campaigns.append(CampaignSummary(**c))
        return cls(
            themes=themes,
            campaigns=campaigns,
            assignments={
                int(k): (int(v[0]), int(v[1])) for k, v in d.get("assignments", {}).items()
            },
            clause_links={
                int(k): (int(v[0]), float(v[1])) for k, v in d.get("clause_links", {}).items()
            },
            stats=dict(d.get("stats", {})),
        )


def _group_dict(g: Group, **extra: Any) -> dict[str, Any]:
    """``asdict`` of a theme or issue (its fields in declaration order, issues given)."""
    d: dict[str, Any] = {
        "label": g.label, "keywords": list(g.keywords), "size": g.size, "share": g.share,
        "representative_ids": list(g.representative_ids), "representative_texts": list(g.representative_texts),
        "stance_counts": dict(g.stance_counts), "clause_counts": {str(k): v for k, v in g.clause_counts.items()},
        "member_ids": list(g.member_ids), "summary": g.summary,
        "quotes": [{"id": q.id, "text": q.text} for q in g.quotes], "unassigned": g.unassigned,
    }
    if isinstance(g, Issue):
        d["campaign_count"] = g.campaign_count
        d["change"] = None if g.change is None else {
            "status": g.change.status, "previous_size": g.change.previous_size, "delta": g.change.delta,
            "previous_label": g.change.previous_label, "merged_labels": list(g.change.merged_labels)}
    d.update(extra)
    return d


def intern_all(tokens: Sequence[str]) -> list[str]:
    """Tokens read back from storage, sharing one string object per distinct token.

    A million comments hold ~15 million token occurrences but only ~10^5 distinct tokens;
    unshared they cost several GB of string objects.
    """
    return [sys.intern(t) for t in tokens]
