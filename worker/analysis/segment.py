"""Chinese word segmentation, done once per comment at intake and stored.

``Segmenter.tokens`` gives the content tokens used by clustering and digests (jieba
accurate mode with HMM, policy vocabulary as user dictionary, stop words dropped);
``Segmenter.search_terms`` gives index/query terms for search. The engine is rjieba
(jieba-rs) when available: tests check its output is identical to ``jieba.lcut`` with the
user dictionary loaded; set ``CONSULT_SEGMENTER=jieba`` to force the Python engine.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib import resources
from itertools import chain
from typing import Any, Protocol

from .normalise import canonical_text, normalise


class _Engine(Protocol):
    def cut(self, text: str) -> list[str]: ...
    def has_word(self, word: str) -> bool: ...
    def cut_for_search(self, text: str) -> list[str]: ...


def _choose_engine() -> str:
    forced = os.environ.get("CONSULT_SEGMENTER", "").strip().lower()
    if forced in ("jieba", "rjieba"):
        return forced
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


ENGINE: str = _choose_engine()


def _read_resource(name: str) -> Iterator[str]:
    text = resources.files(__package__).joinpath("resources", name).read_text("utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        yield from line.split()


@cache
def default_user_words() -> tuple[str, ...]:
    """The bundled policy vocabulary, normalised, in file order without repeats."""
    return tuple(dict.fromkeys(_both_spellings(_read_resource("policy_words.txt"))))


def _both_spellings(words: Iterable[str]) -> Iterator[str]:
    # Content tokens are cut from ``canonical_text``, search terms from ``normalise``: a
    # word must be known in both spellings (they differ for a few, e.g. 想象 / 想像).
    for w in words:
        yield normalise(w)
        yield canonical_text(w)


@cache
def default_stopwords() -> frozenset[str]:
    """The bundled stop-word list, normalised (both spellings, see ``_both_spellings``)."""
    return frozenset(_both_spellings(_read_resource("stopwords.txt")))


_HAS_HAN = re.compile(r"[\u4e00-\u9fd5]")
# Only these characters join letters and digits into one block in either engine, so a
# text without such a pair cannot hold a token that needs re-splitting.
_MAYBE_MERGED = re.compile(r"[a-zA-Z0-9+#&._%-][+#&._%-]|[+#&._%-][a-zA-Z0-9+#&._%-]")
# Same pattern as jieba.finalseg.re_skip.
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


class _RJiebaEngine:
    def __init__(self, words: Sequence[str]) -> None:
        import rjieba

        self._j = rjieba.Jieba()
        for w in words:
            # Words the base dictionary already has keep their frequency: jieba adds a
            # re-added word's frequency to the total again, jieba-rs does not, so
            # re-adding would make the two engines drift apart.
            if not self._j.has_word(w):
                self._j.add_word(w, None, None)

    def has_word(self, word: str) -> bool:
        return bool(self._j.has_word(word))

    def cut(self, text: str) -> list[str]:
        tokens = self._j.cut(text, hmm=True)
        return self._resplit(tokens) if _MAYBE_MERGED.search(text) else tokens

    def cut_for_search(self, text: str) -> list[str]:
        # jieba-rs's own search mode also splits inside the runs _resplit fixes, so
        # rebuild search mode from the accurate cut exactly as jieba.cut_for_search does.
        has = self._j.has_word
        out: list[str] = []
        for w in self.cut(text):
            n = len(w)
            if n > 2:
                out.extend(g for i in range(n - 1) if has(g := w[i : i + 2]))
            if n > 3:
                out.extend(g for i in range(n - 2) if has(g := w[i : i + 3]))
            out.append(w)
        return out

    def _resplit(self, tokens: list[str]) -> list[str]:
        # jieba-rs keeps runs such as "2017.04.24", "0571-8765" or "baidu.com" whole;
        # jieba's HMM step splits them into alphanumeric pieces and the punctuation
        # between (finalseg.re_skip). Redo that split so both engines agree.
        out: list[str] = []
        for t in tokens:
            if (
                len(t) > 1
                and not _HAS_HAN.search(t)
                and not t.isalnum()
                and not self._j.has_word(t)
            ):
                out.extend(p for p in _JIEBA_SKIP.split(t) if p)
            else:
                out.append(t)
        return out


_jieba_base: Any = None
_jieba_lock = threading.Lock()


def _jieba_base_tokenizer() -> Any:
    global _jieba_base
    with _jieba_lock:
        if _jieba_base is None:
            import jieba

            jieba.setLogLevel(60)
            tok = jieba.Tokenizer()
            tok.initialize()
            _jieba_base = tok
    return _jieba_base


class _JiebaEngine:
    def __init__(self, words: Sequence[str]) -> None:
        import jieba

        base = _jieba_base_tokenizer()
        # A copy of the loaded prefix dictionary is far cheaper than re-reading it,
        # and keeps user words of one Segmenter out of the others.
        tok = jieba.Tokenizer()
        tok.FREQ = dict(base.FREQ)
        tok.total = base.total
        tok.initialized = True
        for w in words:
            if not tok.FREQ.get(w):
                tok.add_word(w)
        self._t = tok

    def has_word(self, word: str) -> bool:
        return bool(self._t.FREQ.get(word))

    def cut(self, text: str) -> list[str]:
        return self._t.lcut(text, HMM=True)

    def cut_for_search(self, text: str) -> list[str]:
        return self._t.lcut_for_search(text, HMM=True)


_ENGINE_CACHE: OrderedDict[tuple[str, tuple[str, ...]], _Engine] = OrderedDict()
_ENGINE_CACHE_SIZE = 8
_cache_lock = threading.Lock()


def _engine_for(engine: str, words: tuple[str, ...]) -> _Engine:
    key = (engine, words)
    with _cache_lock:
        hit = _ENGINE_CACHE.get(key)
        if hit is not None:
            _ENGINE_CACHE.move_to_end(key)
            return hit
    built: _Engine = _RJiebaEngine(words) if engine == "rjieba" else _JiebaEngine(words)
    with _cache_lock:
        _ENGINE_CACHE[key] = built
        while len(_ENGINE_CACHE) > _ENGINE_CACHE_SIZE:
            _ENGINE_CACHE.popitem(last=False)
    return built


_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,:/]\d+)*%?")


def _is_noise(token: str) -> bool:
    if not token or token.isspace():
        return True
    if _NUMBER_RE.fullmatch(token):
        return True
    if len(token) == 1 and token.isascii() and token.isalpha():
        return True
    # Punctuation and symbols only (no letter, digit or CJK character).
    return not any(unicodedata.category(c)[0] in "LN" for c in token)


class Segmenter:
    """Segments comments the same way everywhere (intake, digests, search).

    ``user_words`` are added to the bundled policy vocabulary; ``stopwords`` replaces the
    bundled stop-word list when given. Building a second Segmenter with the same words
    reuses the loaded dictionary.
    """

    def __init__(
        self,
        user_words: Iterable[str] = (),
        stopwords: Iterable[str] | None = None,
        *,
        engine: str | None = None,
    ) -> None:
        extra = list(_both_spellings(user_words))
        words = tuple(dict.fromkeys([*default_user_words(), *(w for w in extra if w)]))
        self.engine_name = engine or ENGINE
        self._engine = _engine_for(self.engine_name, words)
        self.stopwords = (
            default_stopwords() if stopwords is None else frozenset(_both_spellings(stopwords))
        )
        self._seen: set[str] = set(self.stopwords)
        self._drop: set[str] = set(self.stopwords)
        # One shared string per distinct token: a million comments hold ~15 million token
        # occurrences of ~10^5 distinct tokens, and unshared copies cost GBs.
        self._canon: dict[str, str] = {}
        # Search terms of each distinct raw token (its dictionary parts, then itself), computed
        # once: search terms are then one dict lookup per token.
        self._terms: dict[str, tuple[str, ...]] = self._stop_terms()

    def _stop_terms(self) -> dict[str, tuple[str, ...]]:
        return {w: self._terms_of(w) for w in self.stopwords}

    def raw_tokens(self, text: str) -> list[str]:
        """Normalised jieba accurate-mode segmentation, nothing dropped."""
        return self._engine.cut(normalise(text))

    def tokens(self, text: str) -> list[str]:
        """Content tokens: stop words, punctuation, numbers, single latin letters dropped.

        Cut from ``canonical_text``, so a comment gives the same tokens in simplified or
        traditional characters (these are the tokens intake stores and digests cluster).
        """
        toks = self._engine.cut(canonical_text(text))
        drop = self._drop
        fresh = set(toks).difference(self._seen)
        if fresh:
            self._learn(fresh)
        canon = self._canon
        return [canon[t] for t in toks if t not in drop]

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """``(tokens(text), search_terms(text))`` from one segmentation of ``canonical_text``."""
        toks = self._engine.cut(canonical_text(text))
        fresh = set(toks).difference(self._seen)
        if fresh:
            self._learn(fresh)
        drop, canon, terms = self._drop, self._canon, self._terms
        found = dict.fromkeys(chain.from_iterable(map(terms.__getitem__, toks)))
        return [canon[t] for t in toks if t not in drop], list(found)

    def _terms_of(self, w: str) -> tuple[str, ...]:
        stop = self.stopwords
        has = self._engine.has_word
        out: dict[str, None] = {}
        n = len(w)
        if n > 2:
            for size in range(2, n):
                for i in range(n - size + 1):
                    part = w[i : i + size]
                    if part not in stop and has(part) and not _is_noise(part):
                        out.setdefault(part, None)
        if w not in stop and not _is_noise(w):
            out.setdefault(w, None)
        return tuple(out)

    def _learn(self, fresh: set[str]) -> None:
        # Set operations in C are much cheaper than a Python test per token, so tokens
        # are classified once and remembered; the memory is bounded by the vocabulary.
        if len(self._seen) > 2_000_000:
            self._seen = set(self.stopwords)
            self._drop = set(self.stopwords)
            self._canon = {}
            self._terms = self._stop_terms()
        self._seen |= fresh
        terms = self._terms
        for t in fresh:
            terms[t] = tuple(self._canon.get(p, p) for p in self._terms_of(t))
        self._canon.update((t, t) for t in fresh)
        self._drop.update(t for t in fresh if _is_noise(t))

    def tokens_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``tokens`` for every text, in order."""
        return [self.tokens(t) for t in texts]

    def search_terms(self, text: str) -> list[str]:
        """Distinct index/query terms in first-occurrence order.

        Every dictionary word inside a longer token is emitted before the token itself
        (优化营商环境 → 优化, 营商, 环境, 营商环境, 优化营商环境), so a query for part of
        a term finds documents holding the whole term. jieba's search mode only adds
        2- and 3-character parts, which misses 营商环境 inside 优化营商环境. Use the
        same call on documents and on queries. Cut from ``canonical_text`` like ``tokens``
        (one segmentation gives both: ``analyse``), so 想像 and 想象 find each other.
        """
        return self.analyse(text)[1]


_default: Segmenter | None = None


def default_segmenter() -> Segmenter:
    """A shared Segmenter with the bundled vocabulary and stop words."""
    global _default
    if _default is None:
        _default = Segmenter()
    return _default
