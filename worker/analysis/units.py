"""Distinct documents and content-hash samples for the clustering (plain numpy).

Clustering works on **distinct** cleaned documents: copies of one text are one unit whose
weight is the copies' summed weight. Copies are indistinguishable to the model anyway; what
collapsing changes is sampling. A sample drawn by content hash takes all copies of a text
or none, so before this a corpus with many copies (the 20x replicated set, a board where
people re-post) was fitted on far fewer distinct texts than its sample size said.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np


def distinct_units(token_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """``(unit_of, first)``: the unit of every document and each unit's first document.

    Units are numbered in order of first occurrence; equal token lists share a unit.
    """
    seen: dict[str, int] = {}
    unit_of = np.empty(len(token_lists), dtype=np.int64)
    first: list[int] = []
    for i, toks in enumerate(token_lists):
        key = "\x1f".join(toks)
        u = seen.get(key)
        if u is None:
            u = seen[key] = len(first)
            first.append(i)
        unit_of[i] = u
    return unit_of, np.asarray(first, dtype=np.int64)


def content_order(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Indices of the documents sorted by their content (hash, then tokens; copies by position),
    so that a computation over them in this order cannot depend on the order they came in."""
    joined = ["\x1f".join(t) for t in token_lists]
    keys = [zlib.crc32(j.encode("utf-8")) for j in joined]
    return np.asarray(sorted(range(len(joined)), key=lambda i: (keys[i], joined[i], i)), dtype=np.int64)


def document_keys(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """A stable 64-bit hash of each document's tokens (equal documents, equal keys)."""
    return np.fromiter(
        (zlib.crc32("\x1f".join(t).encode("utf-8")) for t in token_lists),
        dtype=np.uint64,
        count=len(token_lists),
    )


def mix(keys: np.ndarray, stream: int) -> np.ndarray:
    """splitmix64 of ``keys`` xor a stream constant: one pseudo-random order per stream."""
    with np.errstate(over="ignore"):
        x = keys ^ np.uint64((stream * 0x9E3779B97F4A7C15) % 2**64)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def hash_sample(keys: np.ndarray, size: int, stream: int) -> np.ndarray | None:
    """Indices of ``size`` documents chosen by their content hash (None: take all)."""
    if len(keys) <= size:
        return None
    order = np.lexsort((np.arange(len(keys)), mix(keys, stream)))
    return np.sort(order[:size])
