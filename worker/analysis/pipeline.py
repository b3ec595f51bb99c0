"""The opinion digest: ``build_digest``.

Steps: (1) form letters and copy-paste campaigns are found and each collapsed to one
weighted unit, so 500 copies count once for clustering but 500 times in sizes;
(2) two-level clustering of the units into themes and issues (``cluster``);
(3) every theme and issue is described (``describe``: phrase label, keywords,
representatives; ``summarise``: one-sentence summary and short quotes) and its stance
mix counted (``stance_model``); (4) comments are linked to clauses (``clauses``), unless the
comment was made on a clause already; (5) issues are matched to the previous digest's
issues (``change``) to report what is new, grown, merged or shrunk. Every comment lands
in exactly one issue; comments no theme fits end up in a last group labelled
其他/未归类. Deterministic for a seed. Anything the result keeps as text is masked with
``mask_personal``.

The result types live in ``results`` (no numpy needed to read a stored digest); they
are re-exported here for callers that import them from ``pipeline``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import cluster as cluster_mod
from .campaigns import DuplicateGroups, group_documents
from .clauses import map_to_clauses
from .describe import GroupDescription, describe_groups, stance_mix
from .lineage import compare
from .normalise import mask_personal
from .outliers import unassign_outliers
from .results import (
    CLAUSE_CONFIDENCE_MIN,
    UNASSIGNED_LABEL,
    CampaignSummary,
    Change,
    ClauseRef,
    DigestDoc,
    DigestResult,
    Issue,
    Quote,
    Theme,
    intern_all,
)
from .stance_corpus import stances_of
from .summarise import quotes_of, summary_of

__all__ = [
    "CampaignSummary",
    "Change",
    "ClauseRef",
    "DigestDoc",
    "DigestResult",
    "Issue",
    "Quote",
    "Theme",
    "build_digest",
    "intern_all",
]

CAMPAIGN_MIN_SIZE = 5

Progress = Callable[[float, str], None]


@dataclass
class _Units:
    """Campaigns collapsed: unit ``u`` stands for the documents ``docs_of[u]``."""

    groups: DuplicateGroups
    unit_of: np.ndarray  # document index -> unit
    rep: list[int]  # unit -> the document standing for it
    size: list[int]
    campaign_of_unit: dict[int, int]

    @property
    def sizes(self) -> np.ndarray:
        return np.asarray(self.size, dtype=np.float64)


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.start = self.last = time.perf_counter()

    def step(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(fraction, message)

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 3)
        self.last = now


def build_digest(
    docs: Sequence[DigestDoc],
    *,
    clauses: Sequence[ClauseRef] = (),
    previous: DigestResult | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> DigestResult:
    """Themes, issues, campaigns, clause links and change since ``previous``."""
    clock = _Clock(progress)
    if not docs:
        return DigestResult(stats={"documents": 0, "units": 0, "themes": 0, "issues": 0})
    # The same comments in another order (another install, a re-import) give the same digest:
    # campaigns, representatives and clustering see them in an order of their content.
    given = {d.id: k for k, d in enumerate(docs)}
    docs = sorted(docs, key=lambda d: (d.text, d.created_at, d.source, -1 if d.clause_id is None else d.clause_id, d.id))
    clock.step(0.0, "campaigns")
    units = _collapse_campaigns(docs)
    clock.lap("campaigns")
    clock.step(0.15, "clustering")
    unit_tokens = [docs[i].tokens for i in units.rep]
    clustering = cluster_mod.cluster_two_level(unit_tokens, seed=seed, weights=units.sizes)
    # Members that name nothing their issue or theme is about: 其他/未归类, not a wrong theme.
    clustering = unassign_outliers(clustering, cluster_mod.damp_weights(units.sizes, len(units.rep)))
    clock.lap("clustering")
    clock.step(0.6, "stance")
    unit_stance = [str(s) for s in stances_of([docs[i].text for i in units.rep])]
    clock.lap("stance")
    clock.step(0.65, "clauses")
    clause_links = _clause_links(docs, units, clauses)
    clock.lap("clauses")
    clock.step(0.7, "describing")
    themes = _themes(docs, units, clustering, unit_stance, clause_links)
    clock.lap("describe")
    clock.step(0.85, "assembling")
    result = _assemble(docs, units, themes, clause_links)
    for group in (g for th in result.themes for g in (th, *th.issues)):
        group.member_ids.sort(key=given.__getitem__)  # members listed as they came (oldest first)
    change = compare(result, previous) if previous is not None else None
    clock.lap("assemble")
    result.stats = {
        "documents": len(docs),
        "units": len(units.rep),
        "campaigns": len(result.campaigns),
        "campaign_documents": sum(c.size for c in result.campaigns),
        "themes": len(result.themes),
        "issues": sum(len(th.issues) for th in result.themes),
        "clause_linked": len(clause_links),
        "clause_confidence_min": CLAUSE_CONFIDENCE_MIN,
        "stance_counts": stance_mix(unit_stance, units.size),
        "seed": seed,
        "seconds": clock.timings,
        "total_seconds": round(time.perf_counter() - clock.start, 3),
    }
    if change is not None:
        result.stats["change"] = change
    clock.step(1.0, "done")
    return result


def _collapse_campaigns(docs: Sequence[DigestDoc]) -> _Units:
    """One weighted unit per campaign, one unit per other document."""
    groups = group_documents([d.tokens for d in docs], min_size=CAMPAIGN_MIN_SIZE)
    n = len(docs)
    camp = np.asarray(groups.campaign_of, dtype=np.int64)
    # Units in document order: each uncampaigned document, and each campaign at its first member.
    # Array operations, not a Python loop over every document (a million at scale).
    in_camp = np.flatnonzero(camp >= 0)
    first = np.ones(n, dtype=bool)
    if in_camp.size:
        _, first_at = np.unique(camp[in_camp], return_index=True)
        first[in_camp] = False
        first[in_camp[first_at]] = True
    starts = np.flatnonzero(first)  # document index -> a unit starts here, in order
    unit_of = np.cumsum(first) - 1  # right for uncampaigned documents and first members
    unit_of_camp = np.full(len(groups.campaigns), -1, dtype=np.int64)
    unit_of_camp[camp[starts][camp[starts] >= 0]] = unit_of[starts][camp[starts] >= 0]
    if in_camp.size:
        unit_of[in_camp] = unit_of_camp[camp[in_camp]]
    rep = starts.tolist()
    size = [1] * len(rep)
    camp_unit: dict[int, int] = {}
    for c, u in enumerate(unit_of_camp.tolist()):  # one step per campaign, not per document
        if u >= 0:
            camp_unit[c] = u
            rep[u] = groups.campaigns[c].representative
            size[u] = groups.campaigns[c].size
    return _Units(groups, unit_of, rep, size, {u: c for c, u in camp_unit.items()})


def _clause_links(
    docs: Sequence[DigestDoc], units: _Units, clauses: Sequence[ClauseRef]
) -> dict[int, tuple[int, float]]:
    """Document id -> (clause id, confidence): the comment's own clause, else the mapping."""
    unit_clause: list[tuple[int | None, float]] = [(None, 0.0)] * len(units.rep)
    if clauses:
        unit_clause = map_to_clauses(
            [docs[i].tokens for i in units.rep], clauses, texts=[docs[i].text for i in units.rep]
        )
    links: dict[int, tuple[int, float]] = {}
    for i, d in enumerate(docs):
        cid, conf = (d.clause_id, 1.0) if d.clause_id is not None else unit_clause[units.unit_of[i]]
        if cid is not None:
            links[d.id] = (int(cid), round(float(conf), 4))
    return links


def _themes(
    docs: Sequence[DigestDoc],
    units: _Units,
    clustering: cluster_mod.TwoLevelClustering,
    unit_stance: list[str],
    clause_links: dict[int, tuple[int, float]],
) -> list[Theme]:
    """Described themes with their issues, largest first, the unassigned group last."""
    issue_units = _members(clustering.issue_of, clustering.n_issues)
    theme_units = _members(clustering.theme_of, clustering.n_themes)
    common: dict[str, Any] = {
        "token_lists": [docs[i].tokens for i in units.rep],
        "tfidf": clustering.tfidf,
        "vocabulary": clustering.vocabulary,
        "vectors": clustering.doc_vectors,
        "weights": cluster_mod.damp_weights(units.sizes, len(units.rep)),
        "texts": [docs[i].text for i in units.rep],
    }
    issue_desc = describe_groups(issue_units, **common)
    theme_desc = describe_groups(theme_units, **common)
    facts = _Facts(docs, units, unit_stance, clause_links)
    themes: list[Theme] = []
    for th, members in enumerate(theme_units):
        unassigned = th in clustering.unassigned_themes
        issues = [
            (iss, facts.issue(issue_units[iss], issue_desc[iss], unassigned))
            for iss, it in enumerate(clustering.issue_theme)
            if it == th
        ]
        issues.sort(key=lambda p: (-p[1].size, p[0]))
        theme = Theme(issues=[p[1] for p in issues], **facts.group(members, theme_desc[th]))
        theme.unassigned = unassigned
        if unassigned:
            theme.label = UNASSIGNED_LABEL
        themes.append(theme)
    order = sorted(range(len(themes)), key=lambda k: (themes[k].unassigned, -themes[k].size, k))
    return [themes[k] for k in order]


class _Facts:
    """Sizes, shares, stance, clauses and texts of a group of units."""

    def __init__(
        self,
        docs: Sequence[DigestDoc],
        units: _Units,
        unit_stance: list[str],
        clause_links: dict[int, tuple[int, float]],
    ) -> None:
        self.docs, self.units, self.stance, self.links = docs, units, unit_stance, clause_links
        self.docs_of_unit = _members(units.unit_of, len(units.rep))

    def group(self, units: np.ndarray, desc: GroupDescription) -> dict[str, Any]:
        docs, u = self.docs, self.units
        member_idx = np.sort(np.concatenate([self.docs_of_unit[x] for x in units]))
        rep_docs = [u.rep[x] for x in desc.representatives]
        clause_counts = Counter(
            self.links[docs[i].id][0]
            for i in member_idx
            if docs[i].id in self.links and self.links[docs[i].id][1] >= CLAUSE_CONFIDENCE_MIN
        )
        quotes = quotes_of([docs[i].text for i in rep_docs], desc.term_scores)
        seen: set[str] = set()
        quotes = [(k, q) for k, q in quotes if not (q in seen or seen.add(q))]  # distinct
        return {
            "label": mask_personal(desc.label),
            "keywords": desc.keywords,
            "size": int(member_idx.size),
            "share": round(member_idx.size / len(docs), 4),
            "representative_ids": [docs[i].id for i in rep_docs],
            "representative_texts": [mask_personal(docs[i].text) for i in rep_docs],
            "stance_counts": stance_mix(
                [self.stance[x] for x in units], [u.size[x] for x in units]
            ),
            "clause_counts": dict(sorted(clause_counts.items())),
            "member_ids": [docs[i].id for i in member_idx],
            "summary": mask_personal(
                summary_of([docs[u.rep[x]].text for x in desc.central], desc.term_scores)
            ),
            "quotes": [Quote(id=docs[rep_docs[k]].id, text=mask_personal(q)) for k, q in quotes],
        }

    def issue(self, units: np.ndarray, desc: GroupDescription, unassigned: bool) -> Issue:
        issue = Issue(
            campaign_count=sum(1 for x in units if x in self.units.campaign_of_unit),
            **self.group(units, desc),
        )
        issue.unassigned = unassigned
        if unassigned:
            issue.label = UNASSIGNED_LABEL
        return issue


def _assemble(
    docs: Sequence[DigestDoc],
    units: _Units,
    themes: list[Theme],
    clause_links: dict[int, tuple[int, float]],
) -> DigestResult:
    assignments: dict[int, tuple[int, int]] = {}
    for ti, theme in enumerate(themes):
        for ii, issue in enumerate(theme.issues):
            for doc_id in issue.member_ids:
                assignments[doc_id] = (ti, ii)
    campaigns = []
    for camp in units.groups.campaigns:
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
    return DigestResult(
        themes=themes, campaigns=campaigns, assignments=assignments, clause_links=clause_links
    )


def _members(labels: np.ndarray, k: int) -> list[np.ndarray]:
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(k)]
