"""What a reader sees of a stored digest: per-issue label, summary, quotes, clauses, lineage; the overview.

A stored ``DigestResult`` holds sizes, keywords and whole representative comments (and, when the
build stored them, a summary and quotes per issue: those are used as they are); this module
post-processes it at render time with ``worker.analysis.phrasing`` (short extractive texts) and
``worker.analysis.lineage`` (marks against the previous version), so digests built before this
existed read the same way. Clause links below ``CLAUSE_MAP_MIN_CONFIDENCE`` are guesses: they
are not counted under a clause anywhere here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from worker.analysis.lineage import Lineage, match_issues
from worker.analysis.normalise import mask_personal
from worker.analysis.phrasing import Quote, distinct_quotes, phrase_label, quotes, summary_sentence
from worker.analysis.pipeline import DigestResult, Issue

RELIABILITY_FILE = Path(__file__).resolve().parent / "reliability.json"
QUOTES_MIN = 3  # an issue card shows 3-5 different quotes when it holds that many opinions
SAMPLE = 80  # member texts read per issue (representatives first): enough for a central sentence
DEFAULT_MIN_CONFIDENCE = 0.5
ISSUE_PAGE = 50  # comments per page of the staff issue page (views.issue)


def min_confidence() -> float:
    """The clause-mapping confidence from which a guess counts as the opinion's clause (docs/feedback.md)."""
    return float(current_app.config.get("CLAUSE_MAP_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE))


def cluster_ref(number: int, theme: int, issue: int) -> str:
    # Same format as consult.responses.operations.cluster_ref (kept here: digests import no responses).
    return f"D{number}-T{theme + 1}-I{issue + 1}"


@dataclass
class IssueView:
    ref: str
    theme: int
    index: int
    label: str
    summary: str
    quotes: list[Quote]
    size: int
    share: float
    stance_counts: dict[str, int]
    clauses: list[tuple[int, int]]  # (clause id, opinions) above the threshold, largest first
    campaigns: list[int]  # campaign numbers, 1-based
    keywords: list[str]
    lineage: Lineage | None = None
    answered: int = 0
    quote_pages: dict[int, int] = field(default_factory=dict)  # comment id → page of the issue page showing it


@dataclass
class ThemeView:
    index: int
    label: str
    size: int
    share: float
    stance_counts: dict[str, int]
    keywords: list[str]
    issues: list[IssueView] = field(default_factory=list)


def confident_links(result: DigestResult, threshold: float) -> dict[int, int]:
    """Opinion id → clause id for links at or above ``threshold`` (explicit clauses have 1.0)."""
    return {doc: cid for doc, (cid, conf) in result.clause_links.items() if conf >= threshold}


def _texts(issue: Issue, texts: dict[int, str]) -> list[tuple[int, str]]:
    ids = list(dict.fromkeys([*issue.representative_ids, *issue.member_ids[:SAMPLE]]))
    return [(i, texts[i]) for i in ids if i in texts]


def _stored(issue: Issue) -> tuple[str, list[Quote]]:
    """Summary and quotes the build already stored (digests built with them), else nothing."""
    stored = [Quote(int(getattr(q, "id", 0)), str(getattr(q, "text", ""))) for q in getattr(issue, "quotes", None) or []]
    return str(getattr(issue, "summary", "") or ""), [q for q in stored if q.text]


def _is_other(label: str) -> bool:
    return label.startswith("其他")


def _issue_view(result: DigestResult, number: int, t: int, i: int, texts: dict[int, str], links: dict[int, int], campaign_of: dict[int, int]) -> IssueView:
    issue = result.themes[t].issues[i]
    sample = _texts(issue, texts)
    bodies = [x for _id, x in sample]
    clauses = Counter(links[m] for m in issue.member_ids if m in links)
    summary, stored = _stored(issue)
    summary = summary or summary_sentence(bodies)
    # The build stores its representatives' quotes; near-copies among them (the same point
    # in traditional characters, or behind "第二，") are dropped and the set topped up from
    # the other members, so an issue of three or more opinions shows 3-5 different quotes.
    picked = distinct_quotes(stored)
    if len(picked) < QUOTES_MIN:
        more = [Quote(q.comment_id, mask_personal(q.text)) for q in quotes(sample, k=10, taken=picked)]
        picked = distinct_quotes([*picked, *more])
    position = {m: k for k, m in enumerate(issue.member_ids)}
    return IssueView(
        quote_pages={q.comment_id: position.get(q.comment_id, 0) // ISSUE_PAGE + 1 for q in picked},
        ref=cluster_ref(number, t, i), theme=t, index=i,
        label=issue.label if _is_other(issue.label) else phrase_label(bodies, issue.keywords, fallback=issue.label),
        summary=summary, quotes=picked, size=issue.size, share=issue.share,
        stance_counts=issue.stance_counts, clauses=clauses.most_common(), keywords=issue.keywords,
        campaigns=sorted({campaign_of[m] for m in issue.member_ids if m in campaign_of}),
    )


def describe(result: DigestResult, number: int, texts: dict[int, str], threshold: float) -> list[ThemeView]:
    """Themes with readable issues; ``texts`` are the masked comment bodies by id."""
    links = confident_links(result, threshold)
    campaign_of = {m: n for n, c in enumerate(result.campaigns, start=1) for m in c.member_ids}
    views = []
    for t, theme in enumerate(result.themes):
        issues = [_issue_view(result, number, t, i, texts, links, campaign_of) for i in range(len(theme.issues))]
        sample = [texts[m] for m in theme.representative_ids if m in texts] + [texts[m] for m in theme.member_ids[:SAMPLE] if m in texts]
        label = theme.label if _is_other(theme.label) else phrase_label(sample, theme.keywords, fallback=theme.label)
        views.append(ThemeView(t, label, theme.size, theme.share, theme.stance_counts, theme.keywords, issues))
    return views


def add_lineage(themes: list[ThemeView], result: DigestResult, previous: DigestResult | None, previous_number: int | None) -> None:
    """Mark every issue new/grown/merged/same/split against the previous version (no previous: no marks)."""
    if previous is None or previous_number is None:
        return
    current = [(iv.ref, result.themes[iv.theme].issues[iv.index].member_ids) for tv in themes for iv in tv.issues]
    before = [(cluster_ref(previous_number, t, i), iss.member_ids) for t, i, iss in previous.issues()]
    marks = {x.ref: x for x in match_issues(current, before)}
    for tv in themes:
        for iv in tv.issues:
            iv.lineage = marks.get(iv.ref)


def add_answers(themes: list[ThemeView], result: DigestResult, answered_ids: set[int]) -> None:
    """How many of each issue's opinions are answered (answers live on comments, so they survive a rebuild)."""
    for tv in themes:
        for iv in tv.issues:
            iv.answered = sum(1 for m in result.themes[iv.theme].issues[iv.index].member_ids if m in answered_ids)


@dataclass
class Overview:
    total: int
    per_day: list[tuple[str, int]]
    per_clause: list[tuple[int, int]]  # (clause id, opinions at or above the threshold), document order
    whole_plan: int  # opinions without a confident clause
    per_channel: list[tuple[str, int]]
    threshold: float


def overview(result: DigestResult, opinions: dict[int, Any], clause_order: list[int], threshold: float, per_day: list[tuple[str, int]],
             channels: Counter[str] | None = None) -> Overview:
    """``channels`` counted in SQL by the page; else from ``opinions`` (exports hold them all)."""
    links = confident_links(result, threshold)
    counts = Counter(links[i] for i in result.assignments if i in links)
    channels = channels if channels is not None else Counter(o.source for o in opinions.values())
    return Overview(
        total=len(result.assignments), per_day=per_day,
        per_clause=[(c, counts[c]) for c in clause_order if counts.get(c)],
        whole_plan=sum(1 for i in result.assignments if i not in links),
        per_channel=channels.most_common(), threshold=threshold,
    )


def reliability() -> dict[str, Any]:
    """The evaluation figures shown in the "how reliable" note (docs/clustering.md has their commands)."""
    try:
        return json.loads(RELIABILITY_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
