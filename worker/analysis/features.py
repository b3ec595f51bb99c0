"""Clean clustering features: what is never a theme word.

Applied to the tokens the clustering and the labels see; the stored tokens, search,
stance and clause mapping keep everything (a clause reference still maps a comment to
its clause). Removed, for any corpus:

* **clause references**: "第二部分（三）第3条" arrives as 第二 / 部分 (the other pieces
  are stop words or digits); a token 第 + numeral (+ 条/章/节/款/项/部分…), a bare
  Chinese numeral, and a unit word (部分, 条款, 章节 …) right after such a token;
* **letter formulas and narration** (``resources/theme_stopwords.txt``): salutations
  and sign-offs (尊敬的, 谢谢, 请起草部门认真研究), stance and request verbs, generic
  narration (多次, 至今, 为什么), office words (部门, 政府, 工作人员);
* **masked personal data and links**: tokens with digits or ``*`` (138****1234,
  z***@…), URL and e-mail parts (https, com, baidu);
* **corpus boilerplate**: a run of ``BOILERPLATE_GRAM`` (6) consecutive tokens that
  occurs in at least ``BOILERPLATE_SHARE`` (5 %) of the distinct documents (and in 10 of
  them): a shared header, signature or template sentence. Its tokens are dropped where
  the run occurs. Identical documents count once (copies are a campaign, handled by
  ``campaigns``), and six tokens is longer than a topic phrase ("老旧 小区 加装 电梯").

Tokens are also **canonicalised**: intake converts traditional to simplified (OpenCC
``t2s``), but t2s keeps variants that are valid simplified words (想像, 家俱, 揹负), so the
same comment typed in traditional characters gave other tokens than its simplified form.
Each distinct token is mapped through s2t then t2s (one batched conversion per corpus), so
both spellings become one feature and a conversion cannot change the themes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

from .normalise import normalise, to_simplified

_NUMERAL = "零〇一二两兩三四五六七八九十百千万"
_CLAUSE_REF = re.compile(rf"^第[{_NUMERAL}0-9]+[编編章节節条條款项項部分点點段]*$")
_BARE_NUMERAL = re.compile(rf"^[{_NUMERAL}]+[是]?$")
_UNIT_AFTER_REF = frozenset(
    ["部分", "条款", "章节", "大项", "小项", "款项", "条", "款", "项", "章", "节"]
)
_MASKED = re.compile(r"[0-9*＊]")

BOILERPLATE_GRAM = 6
BOILERPLATE_SHARE = 0.05
BOILERPLATE_MIN_DOCS = 10
BOILERPLATE_SAMPLE = 20_000


@cache
def theme_stopwords() -> frozenset[str]:
    """The bundled list of words that are never theme words (normalised)."""
    text = resources.files(__package__).joinpath("resources", "theme_stopwords.txt")
    words: set[str] = set()
    for line in text.read_text("utf-8").splitlines():
        words.update(normalise(w) for w in line.split("#", 1)[0].split())
    return frozenset(words)


def is_clause_reference(token: str) -> bool:
    """True for 第三条, 第二, 第十二条, 三, 一是 … (a numbering, not a topic)."""
    return bool(_CLAUSE_REF.match(token) or _BARE_NUMERAL.match(token))


def clean_tokens(tokens: Sequence[str], drop: frozenset[str] | None = None) -> list[str]:
    """One document's tokens without clause references, formulas and masked data."""
    drop = theme_stopwords() if drop is None else drop
    out: list[str] = []
    after_ref = False
    for t in tokens:
        if is_clause_reference(t):
            after_ref = True
            continue
        if after_ref and t in _UNIT_AFTER_REF:
            continue
        after_ref = False
        if t in drop or _MASKED.search(t):
            continue
        out.append(t)
    return out


def boilerplate_grams(
    token_lists: Sequence[Sequence[str]],
    *,
    gram: int = BOILERPLATE_GRAM,
    share: float = BOILERPLATE_SHARE,
    min_docs: int = BOILERPLATE_MIN_DOCS,
) -> set[tuple[str, ...]]:
    """Runs of ``gram`` tokens found in at least ``share`` of the documents."""
    # Counted on an evenly spaced sample: a share, so 20,000 documents are plenty.
    # Copies of one text are a campaign, not boilerplate: count distinct documents only.
    distinct = list({tuple(t): None for t in token_lists})
    step = max(1, len(distinct) // BOILERPLATE_SAMPLE)
    sample = distinct[::step]
    need = max(min_docs, int(share * len(sample)))
    if len(sample) < need:
        return set()
    df: Counter[tuple[str, ...]] = Counter()
    for toks in sample:
        df.update({tuple(toks[i : i + gram]) for i in range(len(toks) - gram + 1)})
    return {g for g, c in df.items() if c >= need}


def strip_boilerplate(
    tokens: Sequence[str], grams: set[tuple[str, ...]], gram: int = BOILERPLATE_GRAM
) -> list[str]:
    """``tokens`` without the positions covered by a boilerplate run."""
    if not grams or len(tokens) < gram:
        return list(tokens)
    first = {g[0] for g in grams}
    covered = [False] * len(tokens)
    for i in range(len(tokens) - gram + 1):
        if tokens[i] in first and tuple(tokens[i : i + gram]) in grams:
            covered[i : i + gram] = [True] * gram
    return [t for t, c in zip(tokens, covered, strict=True) if not c]


_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def canonical_forms(tokens: Iterable[str]) -> dict[str, str]:
    """Distinct token -> its canonical simplified spelling (only those that change)."""
    cjk = sorted({t for t in set(tokens) if "\n" not in t and _CJK.search(t)})
    if not cjk:
        return {}
    back = to_simplified(_s2t().convert("\n".join(cjk))).split("\n")
    if len(back) != len(cjk):  # a converter that joined lines: keep the tokens as they are
        return {}
    return {a: b for a, b in zip(cjk, back, strict=True) if a != b}


def canonicalise(
    token_lists: Sequence[Sequence[str]], distinct: Iterable[str] | None = None
) -> list[list[str]]:
    """Every document's tokens in canonical simplified spelling (see module doc).

    ``distinct``: the corpus' distinct tokens when the caller has them already.
    """
    if distinct is None:
        distinct = {t for toks in token_lists for t in toks}
    forms = canonical_forms(distinct)
    if not forms:
        return [list(t) for t in token_lists]
    # Only the few documents holding a variant are rebuilt (isdisjoint runs in C).
    return [
        list(toks) if forms.keys().isdisjoint(toks) else [forms.get(t, t) for t in toks]
        for toks in token_lists
    ]


def clean_documents(token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
    """``clean_tokens`` on every document, canonical spellings, then corpus boilerplate removed."""
    drop = theme_stopwords()
    # Decide once per distinct token: 0 keep, 1 drop, 2 clause reference; then a document
    # holding none to drop or check (most) is copied as it is, decided by one set test in C.
    kind: dict[str, int] = {}
    for toks in token_lists:
        for t in toks:
            if t not in kind:
                kind[t] = 2 if is_clause_reference(t) else 1 if (t in drop or _MASKED.search(t)) else 0
    dropped = {t for t, k in kind.items() if k == 1}
    references = {t for t, k in kind.items() if k == 2}
    cleaned = []
    for toks in token_lists:
        if references.isdisjoint(toks):
            cleaned.append(list(toks) if dropped.isdisjoint(toks) else [t for t in toks if t not in dropped])
        else:
            cleaned.append(clean_tokens(toks, drop))
    cleaned = canonicalise(cleaned, [t for t, k in kind.items() if not k])
    grams = boilerplate_grams(cleaned)
    if grams:
        cleaned = [strip_boilerplate(t, grams) for t in cleaned]
    return cleaned
