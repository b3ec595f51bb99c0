"""Sensitive-word screening: an Aho-Corasick automaton over normalised text.

Both the word list and the text are folded character by character the same way
(NFKC full-width → half-width, zero-width/format characters dropped, traditional →
simplified, lower case, whitespace and punctuation dropped), so "關 鍵 詞", "ＡＢＣ",
"关\u200b键词" or "关.键.词" all match the listed word "关键词". Each folded character
remembers the original position it came from, so matches can be highlighted in the text
as written. One pass over the text finds every listed word (Aho-Corasick), whatever the
size of the list. Pure Python: imports neither Flask, Celery nor SQLAlchemy.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from worker.analysis.normalise import _is_invisible, to_simplified


def _fold_char(ch: str) -> str:
    """What one character becomes in the matching copy ("" when it is dropped)."""
    if ch.isascii():
        if ch.isalnum():
            return ch.lower()
        return ""  # ASCII space, punctuation, symbols, controls: separators used to evade
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if _is_invisible(c) or c.isspace():
            continue
        category = unicodedata.category(c)
        if category[0] in "PSZ":  # punctuation, symbols, separators
            continue
        out.append(to_simplified(c).lower())
    return "".join(out)


class _FoldTable(dict):
    """Character → folded piece, filled on first sight (a dict lookup is the hot path)."""

    def __missing__(self, ch: str) -> str:
        if len(self) > 200_000:  # bounded: hostile input cannot grow it without end
            self.clear()
        piece = self[ch] = _fold_char(ch)
        return piece


_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """The matching copy of ``text`` (no positions: the fast path for yes/no screening)."""
    table = _TABLE
    return "".join([table[ch] for ch in text])


def fold(text: str) -> tuple[str, list[int]]:
    """The matching copy of ``text`` and, for each of its characters, the index it came from."""
    table = _TABLE
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        piece = table[ch]
        if piece:
            chars.append(piece)
            origin.extend([index] * len(piece))
    return "".join(chars), origin


def fold_word(word: str) -> str:
    return fold_text(word)


@dataclass(frozen=True)
class Match:
    word: str  # the listed word as staff wrote it
    start: int  # span in the original text
    end: int


class Automaton:
    """Aho-Corasick over folded words: goto trie, failure links, merged outputs."""

    def __init__(self, words: Iterable[str]) -> None:
        self._goto: list[dict[str, int]] = [{}]
        self._fail: list[int] = [0]
        self._out: list[tuple[int, ...]] = [()]  # indexes into self.words
        self.words: list[str] = []
        lengths: list[int] = []
        seen: set[str] = set()
        for word in words:
            folded = fold_word(word)
            if not folded or folded in seen:
                continue
            seen.add(folded)
            self.words.append(word)
            lengths.append(len(folded))
            node = 0
            for ch in folded:
                nxt = self._goto[node].get(ch)
                if nxt is None:
                    nxt = len(self._goto)
                    self._goto[node][ch] = nxt
                    self._goto.append({})
                    self._fail.append(0)
                    self._out.append(())
                node = nxt
            self._out[node] = self._out[node] + (len(self.words) - 1,)
        self._lengths = lengths
        # Breadth-first: a node's failure link points to its longest proper suffix in the trie.
        queue: deque[int] = deque(self._goto[0].values())
        while queue:
            node = queue.popleft()
            for ch, child in self._goto[node].items():
                queue.append(child)
                fail = self._fail[node]
                while fail and ch not in self._goto[fail]:
                    fail = self._fail[fail]
                target = self._goto[fail].get(ch, 0)
                self._fail[child] = target if target != child else 0
                self._out[child] = self._out[child] + self._out[self._fail[child]]

    def __len__(self) -> int:
        return len(self.words)

    def _scan(self, folded: str) -> Iterable[tuple[int, int]]:
        """(word index, end position in the folded text) for every occurrence."""
        goto, fail, out = self._goto, self._fail, self._out
        node = 0
        for position, ch in enumerate(folded):
            while node and ch not in goto[node]:
                node = fail[node]
            node = goto[node].get(ch, 0)
            if out[node]:
                for index in out[node]:
                    yield index, position

    def find(self, text: str) -> list[str]:
        """The distinct listed words found in ``text``, in order of first appearance."""
        if not self.words or not text:
            return []
        # The scan of _scan, inlined without a generator: this is the per-comment hot loop.
        goto, fail, out = self._goto, self._fail, self._out
        root = goto[0]
        found: dict[int, None] = {}
        node = 0
        for ch in fold_text(text):
            while True:
                nxt = goto[node].get(ch)
                if nxt is not None:
                    node = nxt
                    break
                if node == 0:
                    break
                node = fail[node]
                if node == 0:
                    node = root.get(ch, 0)
                    break
            if out[node]:
                for index in out[node]:
                    found.setdefault(index, None)
        return [self.words[i] for i in found]

    def matches(self, text: str) -> list[Match]:
        """Every occurrence with its span in the original text (for highlighting)."""
        if not self.words or not text:
            return []
        folded, origin = fold(text)
        return [
            Match(self.words[index], origin[end - self._lengths[index] + 1], origin[end] + 1)
            for index, end in self._scan(folded)
        ]
