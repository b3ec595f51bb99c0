"""The opinion digest: ``build_digest`` and the result it stores as JSON.

Steps: (1) form letters and copy-paste campaigns are found and each collapsed to one
weighted unit, so 500 copies count once for clustering but 500 times in sizes;
(2) two-level clustering of the units into themes and issues (``cluster``);
(3) every theme and issue is described (``describe``) and its stance mix counted
(``stance``); (4) comments are linked to clauses (``clauses``), unless the comment was
made on a clause already; (5) issues are matched to the previous digest's issues to
report what is new, grown or shrunk. Every comment lands in exactly one issue; comments
without usable words end up in a last theme labelled 其他. Deterministic for a seed.
Anything the result keeps as text is masked with ``mask_personal``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from . import cluster as cluster_mod
from .campaigns import group_documents
from .describe import OTHER_LABEL, describe_groups, stance_mix
from .normalise import mask_personal
from .stance import stance_of

CAMPAIGN_MIN_SIZE = 5
GROWTH_MIN = 0.1  # relative change in size that counts as grown/shrunk
MATCH_MIN = 0.3  # share of a previous issue's documents needed to call it the same issue
KEYWORD_MATCH_MIN = 0.25  # keyword Jaccard needed when no documents are shared

Progress = Callable[[float, str], None]


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


@dataclass
class Change:
    """How an issue compares with its match in the previous digest."""

    status: str  # "new", "grown", "shrunk" or "stable"
    previous_size: int = 0
    delta: int = 0
    previous_label: str | None = None


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
        """JSON-ready dict (datetimes as ISO strings, int keys as strings)."""
        d = asdict(self)
        for c in d["campaigns"]:
            c["first_at"] = c["first_at"].isoformat()
            c["last_at"] = c["last_at"].isoformat()
        d["assignments"] = {str(k): list(v) for k, v in self.assignments.items()}
        d["clause_links"] = {str(k): list(v) for k, v in self.clause_links.items()}
        for th in d["themes"]:
            th["clause_counts"] = {str(k): v for k, v in th["clause_counts"].items()}
            for iss in th["issues"]:
                iss["clause_counts"] = {str(k): v for k, v in iss["clause_counts"].items()}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DigestResult:
        """Inverse of ``to_dict``."""

        def issue(x: dict[str, Any]) -> Issue:
            x = dict(x)
            x["clause_counts"] = {int(k): v for k, v in x["clause_counts"].items()}
            x["change"] = Change(**x["change"]) if x.get("change") else None
            return Issue(**x)

        themes = []
        for t in d.get("themes", []):
            t = dict(t)
            t["clause_counts"] = {int(k): v for k, v in t["clause_counts"].items()}
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


def _clause_mapper() -> Callable[..., list[tuple[int | None, float]]] | None:
    try:
        from .clauses import map_to_clauses
    except ImportError:
        return None
    return map_to_clauses


def intern_all(tokens: Sequence[str]) -> list[str]:
    """Tokens read back from storage, sharing one string object per distinct token.

    A million comments hold ~15 million token occurrences but only ~10^5 distinct tokens;
    unshared they cost several GB of string objects.
    """
    return [sys.intern(t) for t in tokens]


def build_digest(
    docs: Sequence[DigestDoc],
    *,
    clauses: Sequence[ClauseRef] = (),
    previous: DigestResult | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> DigestResult:
    """Themes, issues, campaigns, clause links and change since ``previous``."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def step(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    n = len(docs)
    if n == 0:
        return DigestResult(stats={"documents": 0, "units": 0, "themes": 0, "issues": 0})

    # 1. Campaigns -> units.
    step(0.0, "campaigns")
    t = time.perf_counter()
    groups = group_documents([d.tokens for d in docs], min_size=CAMPAIGN_MIN_SIZE)
    unit_of = np.empty(n, dtype=np.int64)
    unit_docs: list[int] = []  # the document standing for each unit
    unit_size: list[int] = []
    camp_unit: dict[int, int] = {}
    for i in range(n):
        c = int(groups.campaign_of[i])
        if c >= 0:
            if c not in camp_unit:
                camp_unit[c] = len(unit_docs)
                unit_docs.append(groups.campaigns[c].representative)
                unit_size.append(groups.campaigns[c].size)
            unit_of[i] = camp_unit[c]
        else:
            unit_of[i] = len(unit_docs)
            unit_docs.append(i)
            unit_size.append(1)
    sizes = np.asarray(unit_size, dtype=np.float64)
    unit_tokens = [docs[i].tokens for i in unit_docs]
    t = lap("campaigns", t)

    # 2. Clustering of units.
    step(0.15, "clustering")
    clustering = cluster_mod.cluster_two_level(unit_tokens, seed=seed, weights=sizes)
    weights = cluster_mod.damp_weights(sizes, len(unit_docs))
    t = lap("clustering", t)

    # 3. Stance of every unit (a campaign takes its representative's stance).
    step(0.6, "stance")
    unit_stance = [str(stance_of(docs[i].text)) for i in unit_docs]
    t = lap("stance", t)

    # 4. Clause links.
    step(0.65, "clauses")
    clause_links: dict[int, tuple[int, float]] = {}
    unit_clause: list[tuple[int | None, float]] = [(None, 0.0)] * len(unit_docs)
    mapper = _clause_mapper()
    if clauses and mapper is not None:
        unit_clause = mapper(unit_tokens, clauses, texts=[docs[i].text for i in unit_docs])
    for i, d in enumerate(docs):
        cid, conf = (d.clause_id, 1.0) if d.clause_id is not None else unit_clause[unit_of[i]]
        if cid is not None:
            clause_links[d.id] = (int(cid), round(float(conf), 4))
    t = lap("clauses", t)

    # 5. Describe issues and themes.
    step(0.7, "describing")
    issue_units = _members(clustering.issue_of, len(clustering.issue_theme))
    theme_units = _members(clustering.theme_of, clustering.n_themes)
    common = {
        "token_lists": unit_tokens,
        "tfidf": clustering.tfidf,
        "vocabulary": clustering.vocabulary,
        "vectors": clustering.doc_vectors,
        "weights": weights,
    }
    issue_desc = describe_groups(issue_units, **common)
    theme_desc = describe_groups(theme_units, **common)
    t = lap("describe", t)

    # 6. Assemble.
    step(0.85, "assembling")
    docs_of_unit = _members(unit_of, len(unit_docs))
    unit_campaign = {u: c for c, u in camp_unit.items()}

    def facts(units: np.ndarray, reps: list[int]) -> dict[str, Any]:
        member_idx = np.sort(np.concatenate([docs_of_unit[u] for u in units]))
        rep_docs = [unit_docs[u] for u in reps]
        clause_counts = Counter(
            clause_links[docs[i].id][0] for i in member_idx if docs[i].id in clause_links
        )
        return {
            "size": int(member_idx.size),
            "share": round(member_idx.size / n, 4),
            "representative_ids": [docs[i].id for i in rep_docs],
            "representative_texts": [mask_personal(docs[i].text) for i in rep_docs],
            "stance_counts": stance_mix(
                [unit_stance[u] for u in units], [unit_size[u] for u in units]
            ),
            "clause_counts": dict(sorted(clause_counts.items())),
            "member_ids": [docs[i].id for i in member_idx],
        }

    themes: list[Theme] = []
    for th, units in enumerate(theme_units):
        desc = theme_desc[th]
        issues = []
        for iss in (i for i, it in enumerate(clustering.issue_theme) if it == th):
            idesc = issue_desc[iss]
            issues.append(
                (
                    iss,
                    Issue(
                        label=mask_personal(idesc.label),
                        keywords=idesc.keywords,
                        campaign_count=sum(1 for u in issue_units[iss] if u in unit_campaign),
                        **facts(issue_units[iss], idesc.representatives),
                    ),
                )
            )
        issues.sort(key=lambda p: (-p[1].size, p[0]))
        themes.append(
            Theme(
                label=mask_personal(desc.label),
                keywords=desc.keywords,
                issues=[p[1] for p in issues],
                **facts(units, desc.representatives),
            )
        )
    # Largest themes first; the catch-all of comments without usable words stays last.
    order = sorted(
        range(len(themes)),
        key=lambda k: (
            themes[k].label == OTHER_LABEL and not themes[k].keywords,
            -themes[k].size,
            k,
        ),
    )
    themes = [themes[k] for k in order]

    assignments: dict[int, tuple[int, int]] = {}
    for ti, theme in enumerate(themes):
        for ii, issue in enumerate(theme.issues):
            for doc_id in issue.member_ids:
                assignments[doc_id] = (ti, ii)

    campaigns = []
    for camp in groups.campaigns:
        dates = [docs[m].created_at for m in camp.members]
        rep = docs[camp.representative]
        ti, ii = assignments[rep.id]
        campaigns.append(
            CampaignSummary(
                size=camp.size,
                first_at=min(dates),
                last_at=max(dates),
                representative_id=rep.id,
                representative_text=mask_personal(rep.text),
                member_ids=sorted(docs[m].id for m in camp.members),
                theme=ti,
                issue=ii,
            )
        )
    result = DigestResult(
        themes=themes, campaigns=campaigns, assignments=assignments, clause_links=clause_links
    )
    change = _compare(result, previous) if previous is not None else None
    lap("assemble", t)
    result.stats = {
        "documents": n,
        "units": len(unit_docs),
        "campaigns": len(campaigns),
        "campaign_documents": sum(c.size for c in campaigns),
        "themes": len(themes),
        "issues": sum(len(th.issues) for th in themes),
        "clause_linked": len(clause_links),
        "stance_counts": stance_mix(unit_stance, unit_size),
        "seed": seed,
        "seconds": timings,
        "total_seconds": round(time.perf_counter() - t0, 3),
    }
    if change is not None:
        result.stats["change"] = change
    step(1.0, "done")
    return result


def _members(labels: np.ndarray, k: int) -> list[np.ndarray]:
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(k)]


def _compare(result: DigestResult, previous: DigestResult) -> dict[str, int]:
    """Match issues to the previous digest's; set each issue's ``change``.

    The previous issue that holds the largest share of an issue's documents is its
    predecessor (comments persist between digests); issues made only of new comments
    are matched on keyword overlap. Matching is one-to-one, best score first.
    """
    prev = [iss for _, _, iss in previous.issues()]
    cur = [iss for _, _, iss in result.issues()]
    prev_of_doc = {doc: j for j, iss in enumerate(prev) for doc in iss.member_ids}
    candidates: list[tuple[float, int, int]] = []
    for i, iss in enumerate(cur):
        shared = Counter(prev_of_doc[d] for d in iss.member_ids if d in prev_of_doc)
        for j, count in shared.items():
            score = count / max(len(prev[j].member_ids), 1)
            if score >= MATCH_MIN:
                candidates.append((1.0 + score, i, j))
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
    counts = Counter()
    for i, iss in enumerate(cur):
        if i not in match:
            iss.change = Change(status="new")
        else:
            p = prev[match[i]]
            delta = iss.size - p.size
            margin = max(2, GROWTH_MIN * p.size)
            status = "grown" if delta > margin else "shrunk" if delta < -margin else "stable"
            iss.change = Change(
                status=status, previous_size=p.size, delta=delta, previous_label=p.label
            )
        counts[iss.change.status] += 1
    return {
        "new": counts["new"],
        "grown": counts["grown"],
        "shrunk": counts["shrunk"],
        "stable": counts["stable"],
        "gone": len(prev) - len(used),
    }
