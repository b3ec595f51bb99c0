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
from typing import Any, Protocol

from .normalise import normalise


class _Engine(Protocol):
    def cut(self, text: str) -> list[str]: ...
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
    return tuple(dict.fromkeys(normalise(w) for w in _read_resource("policy_words.txt")))


@cache
def default_stopwords() -> frozenset[str]:
    """The bundled stop-word list, normalised."""
    return frozenset(normalise(w) for w in _read_resource("stopwords.txt"))


_HAS_HAN = re.compile(r"[\u4e00-\u9fd5]")
_ALNUM_ONLY = re.compile(r"[a-zA-Z0-9]*|[^a-zA-Z0-9]")
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

    def cut(self, text: str) -> list[str]:
        return self._resplit(self._j.cut(text, hmm=True))

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
        if all(_HAS_HAN.search(t) or _ALNUM_ONLY.fullmatch(t) for t in tokens):
            return tokens
        out: list[str] = []
        for t in tokens:
            if _HAS_HAN.search(t) or _ALNUM_ONLY.fullmatch(t) or self._j.has_word(t):
                out.append(t)
            else:
                out.extend(p for p in _JIEBA_SKIP.split(t) if p)
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


@cache
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
        extra = [normalise(w) for w in user_words]
        words = tuple(dict.fromkeys([*default_user_words(), *(w for w in extra if w)]))
        self.engine_name = engine or ENGINE
        self._engine = _engine_for(self.engine_name, words)
        self.stopwords = (
            default_stopwords() if stopwords is None else frozenset(normalise(w) for w in stopwords)
        )

    def raw_tokens(self, text: str) -> list[str]:
        """Normalised jieba accurate-mode segmentation, nothing dropped."""
        return self._engine.cut(normalise(text))

    def tokens(self, text: str) -> list[str]:
        """Content tokens: stop words, punctuation, numbers, single latin letters dropped."""
        stop = self.stopwords
        return [t for t in self._engine.cut(normalise(text)) if t not in stop and not _is_noise(t)]

    def tokens_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``tokens`` for every text, in order."""
        return [self.tokens(t) for t in texts]

    def search_terms(self, text: str) -> list[str]:
        """Distinct index/query terms in first-occurrence order.

        Search mode also emits the dictionary words inside long words (营商环境 → 营商,
        环境, 营商环境), so a query for a part of a term finds documents that contain
        the whole term; use the same call on documents and on queries.
        """
        stop = self.stopwords
        out: dict[str, None] = {}
        for t in self._engine.cut_for_search(normalise(text)):
            if t not in stop and not _is_noise(t):
                out.setdefault(t, None)
        return list(out)


_default: Segmenter | None = None


def default_segmenter() -> Segmenter:
    """A shared Segmenter with the bundled vocabulary and stop words."""
    global _default
    if _default is None:
        _default = Segmenter()
    return _default
