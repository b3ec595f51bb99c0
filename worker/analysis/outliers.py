"""Members that share nothing with their group go to 其他/未归类 instead of a wrong theme.

Clustering places every comment somewhere. A comment of generic approval ("为基层干部说话的
规定，支持。") or about a point too rare to form an issue lands in the theme its few words
lean to, and the theme reads as a bucket. After clustering, each issue and each theme gets
its **core terms**: terms held by at least ``CORE_SHARE`` of its (weighted) members and at
least ``CORE_LIFT`` times as often as by the comments outside it. A member that holds no
core term of its issue *and* none of its theme is not recognisably about either: it moves
to the explicit unassigned group. A group under ``MIN_GROUP`` members, or without any core
term, is not judged (it vouches for none of its members, a small one for all of them).

Lexical, not geometric: the rule needs no threshold on cosine similarities, whose scale
changes with the corpus, and it says in words what a reader checks ("does this quote name
what the issue is about?"). It never splits or merges groups and never moves a comment
into another topic. See docs/clustering.md ("Unassigned members").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from .cluster import TwoLevelClustering

CORE_SHARE = 0.1  # 0.25 moved 20 % of the dev messages (NMI 0.49); see docs/clustering.md
CORE_LIFT = 2.0
MIN_GROUP = 5


def core_terms(
    incidence: sp.csr_matrix, members: np.ndarray, w: np.ndarray, totals: np.ndarray
) -> np.ndarray:
    """Column indices of the group's core terms (see the module doc)."""
    counts = np.asarray(incidence[members].T @ w[members]).ravel()
    inside = float(w[members].sum())
    outside = max(float(w.sum()) - inside, 1e-12)
    share = counts / max(inside, 1e-12)
    return np.flatnonzero(
        (share >= CORE_SHARE) & (share >= CORE_LIFT * (totals - counts) / outside)
    )


def outlier_units(clustering: TwoLevelClustering, weights: np.ndarray) -> np.ndarray:
    """Indices of the units that hold no core term of their issue nor of their theme."""
    n = len(clustering.theme_of)
    if n == 0 or clustering.tfidf.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    incidence = sp.csr_matrix(clustering.tfidf, copy=True)
    incidence.data[:] = 1.0
    w = np.asarray(weights, dtype=np.float64)
    totals = np.asarray(incidence.T @ w).ravel()
    vouched = np.isin(clustering.theme_of, sorted(clustering.unassigned_themes))
    levels = (
        (clustering.issue_of, clustering.n_issues),
        (clustering.theme_of, clustering.n_themes),
    )
    for labels, k in levels:
        order = np.argsort(labels, kind="stable")
        bounds = np.searchsorted(labels[order], np.arange(k + 1))
        for g in range(k):
            members = order[bounds[g] : bounds[g + 1]]
            if len(members) < MIN_GROUP:
                vouched[members] = True
                continue
            core = core_terms(incidence, members, w, totals)
            if len(core):
                vouched[members] |= np.asarray(incidence[members][:, core].sum(axis=1)).ravel() > 0
    return np.flatnonzero(~vouched)


def unassign_outliers(clustering: TwoLevelClustering, weights: np.ndarray) -> TwoLevelClustering:
    """``clustering`` with its outlier units moved to the unassigned theme (one issue)."""
    out = outlier_units(clustering, weights)
    if len(out) == 0:
        return clustering
    theme_of, issue_of = clustering.theme_of.copy(), clustering.issue_of.copy()
    issue_theme = list(clustering.issue_theme)
    if clustering.unassigned_themes:
        theme = min(clustering.unassigned_themes)
        issue = issue_theme.index(theme)
    else:
        theme, issue = clustering.n_themes, len(issue_theme)
        issue_theme.append(theme)
    theme_of[out], issue_of[out] = theme, issue
    # A group whose every member left (no core term anywhere) disappears: renumber densely.
    used_themes, theme_of = np.unique(theme_of, return_inverse=True)
    used_issues, issue_of = np.unique(issue_of, return_inverse=True)
    new_theme = {int(t): k for k, t in enumerate(used_themes)}
    return replace(
        clustering,
        theme_of=theme_of.ravel().astype(np.int64),
        issue_of=issue_of.ravel().astype(np.int64),
        issue_theme=[new_theme[issue_theme[int(i)]] for i in used_issues],
        unassigned_themes={new_theme[t] for t in {*clustering.unassigned_themes, theme}},
    )
