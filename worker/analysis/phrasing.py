"""Readable issue descriptions from member comments: a phrase label, a summary sentence, short quotes.

Everything is extractive (nothing is written that no commenter wrote) and works on the raw text:
sentences are compared by character bigrams weighted by IDF over the group's own sentences, so
no segmenter or model is needed and the same comments always give the same output.

* ``summary_sentence``: the sentence closest to the centroid of all the group's sentences,
  cut cleanly at a clause boundary to at most 60 characters.
* ``quotes``: for each representative comment, the sentence of it that carries the group's
  point (closest to the centroid), near-copies dropped, 3-5 of them.
* ``phrase_label``: the most central short clause fragment (4-16 characters) that holds one of
  the group's keywords, with leading filler ("我建议", "希望") and clause numbers removed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .normalise import normalise

SUMMARY_MAX = 60
QUOTE_MAX = 80
LABEL_MIN, LABEL_MAX = 4, 16

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|\n+")
_CLAUSE_BREAK = re.compile(r"[，,、：:（）()“”\"「」]")
# A bracketed character or two inside a word ("村（居）委会") is part of the word, not a break:
# splitting there labelled an issue "委会参照适用". Clause numbers "（三）" still break.
_WORD_BRACKETS = re.compile(r"(?<=[\u4e00-\u9fff])[（(](?![一二三四五六七八九十百零〇\d]+[)）])([\u4e00-\u9fff]{1,3})[)）](?=[\u4e00-\u9fff])")

# Clause references people type ("第二部分（三）第3条", "二（一）2") say where, not what.
_CLAUSE_REF = re.compile(
    r"第[一二三四五六七八九十百零〇\d]+[编章节条款部分项]+|[（(][一二三四五六七八九十\d]+[)）]|^[一二三四五六七八九十\d]+[、.．]"
)
_FILLER = re.compile(
    r"^(?:但是|但|可是|不过|而且|同时|另外|此外|比如|例如|譬如|关于|对于|针对|就|对|建议|希望|要求|认为|觉得|恳请|呼吁|请|应当|应该|应|要|能否|是否|可否|我们|我|本人|强烈|尽快|进一步|"
    r"并|和|且|也|还|将|把|在|的|了|是)+"
)
# "第二部分（三）第3条：" before a quote says where, and the clause column says it already.
_LEADING_REF = re.compile(
    r"^(?:关于)?(?:第[一二三四五六七八九十百零〇\d]+[编章节条款部分项]+|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．]?)+[：:，,]\s*"
)
_SALUTATION = re.compile(r"^(尊敬的|您好|你好|此致|敬礼|谢谢|感谢|以上|特此)")
# A sentence's lead-in that says where or to whom, not what: "我看了第十二条，", "对第十一条的意见：",
# "第二部分（一）2提到", "尊敬的领导：", "各位领导：". The clause column and the card say it already.
_N = r"一二三四五六七八九十百零〇\d"
_REF_LEAD = re.compile(
    rf"^(?:我看了|看了|对于|对|关于|针对|就)?(?:第[{_N}]+[编章节条款部分项点]+|[（(][{_N}]+[)）])"
    rf"(?:第[{_N}]+[编章节条款部分项点]+|[（(][{_N}]+[)）]|[{_N}]+[、.．]?)*"
    r"(?:的意见|的内容|的规定|中提到|提到的?|[：:，,]\s*)[：:，,]?\s*"
)
_GREETING = re.compile(r"^(?:(?:尊敬的|各位)[^：:，,！!。？?]{0,12}|您好|你好)[：:，,！!]\s*")


def strip_preamble(sentence: str) -> str:
    """``sentence`` without a leading salutation, clause reference ("第二部分（三）第3条：…") or
    enumeration ("第三，", "二是")."""
    out = sentence.strip()
    for _ in range(3):  # "尊敬的领导：关于第五条，…"
        stripped = _ENUMERATION.sub("", _REF_LEAD.sub("", _GREETING.sub("", out), count=1)).strip()
        if stripped == out:
            break
        out = stripped
    return out if len(out) >= 4 else sentence.strip()
_TRAILING = re.compile(r"[的了和与及或并而、，,。！？!?；;：:\s]+$")


# Words that place or point ("任务后面列明", "这个规定", "以上内容") and letter formulas: a
# heading made with one of them is a fragment of a sentence, not a topic. General Chinese
# (locatives, demonstratives, salutations), no topic words.
FILLER_WORDS = (
    "后面", "前面", "上面", "下面", "里面", "外面", "后边", "前边", "上边", "下边", "中间", "当中",
    "之前", "之后", "以前", "以后", "以上", "以下", "如下", "上述", "下述", "前述", "这个", "那个",
    "这些", "那些", "这样", "那样", "这里", "那里", "这种", "那种", "这项", "该项", "本条", "此条",
    "尊敬", "您好", "你好", "谢谢", "感谢", "此致", "敬礼", "盼复", "认真研究", "起草部门", "各位",
    # Sign-offs wishing the text well ("期待正式稿早日出台", "望采纳"): how a letter ends, not a topic.
    "正式稿", "早日出台", "早日实施", "尽快落地", "供参考", "望采纳",
)  # fmt: skip


def is_filler_label(label: str) -> bool:
    """True when ``label`` is no heading a person would write for a topic: it holds a clause
    reference (第二部分, （三）, 二、), a locative, demonstrative or letter formula, or is
    nothing but connectives and request verbs."""
    text = (label or "").strip()
    if not text or _CLAUSE_REF.search(text) or re.search(r"第[一二三四五六七八九十百零〇\d]", text):
        return True
    if any(w in text for w in FILLER_WORDS):
        return True
    return not _FILLER.sub("", text).strip("的了和与及或并而、，,。！？!?；;：: ")


@dataclass(frozen=True)
class Quote:
    """One short quote and the comment it comes from (for the link to the whole comment)."""

    comment_id: int
    text: str


def sentences(text: str) -> list[str]:
    """The sentences of a comment, salutations and sign-offs left out."""
    out = []
    for part in _SENTENCE_END.split(text or ""):
        part = strip_preamble(part.strip(" \t　"))
        if len(part) < 4 or _SALUTATION.match(part):
            continue
        out.append(part)
    return out


def clip(sentence: str, limit: int) -> str:
    """``sentence`` if short enough, else cut at the last clause boundary before ``limit`` with "…"."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    head = sentence[: limit - 1]
    cut = max(head.rfind(ch) for ch in "，,、；;：:")
    if cut >= limit // 2:
        head = head[:cut]
    return _TRAILING.sub("", head) + "…"


def _grams(text: str) -> Counter[str]:
    chars = [c for c in text if not c.isspace() and c not in "，,、。！？!?；;：:（）()“”\"'"]
    return Counter(a + b for a, b in zip(chars, chars[1:], strict=False))


class _Space:
    """IDF-weighted bigram vectors over a set of sentences, with their centroid."""

    def __init__(self, items: Sequence[str]) -> None:
        grams = [_grams(s) for s in items]
        df: Counter[str] = Counter(g for c in grams for g in c)
        n = max(1, len(items))
        self.idf = {g: math.log(1 + n / f) for g, f in df.items()}
        self.vectors = [self.vector(c) for c in grams]
        centroid: Counter[str] = Counter()
        for v in self.vectors:
            centroid.update(v)
        self.centroid = _normalise(dict(centroid))

    def vector(self, grams: Counter[str]) -> dict[str, float]:
        return _normalise({g: n * self.idf.get(g, 0.0) for g, n in grams.items()})

    def centrality(self, text: str) -> float:
        return _dot(self.vector(_grams(text)), self.centroid)


def _normalise(v: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {k: x / norm for k, x in v.items()}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


def _length_weight(sentence: str) -> float:
    # Very short sentences are central by accident ("同意。"); very long ones are paragraphs.
    n = len(sentence)
    return 0.6 if n < 8 else (0.85 if n > 120 else 1.0)


def summary_sentence(texts: Sequence[str], limit: int = SUMMARY_MAX) -> str:
    """The most central sentence of ``texts`` (ties: the earliest), at most ``limit`` characters."""
    pool = [s for t in texts for s in sentences(t)]
    if not pool:
        return ""
    space = _Space(pool)
    best = max(
        range(len(pool)),
        key=lambda i: (_dot(space.vectors[i], space.centroid) * _length_weight(pool[i]), -i),
    )
    return clip(_after_lead_in(pool[best]), limit)


def _after_lead_in(sentence: str) -> str:
    # "强烈要求在意见中明确：政务服务大厅必须保留人工窗口" says its point after the colon.
    head, sep, tail = sentence.partition("：")
    return tail.strip() if sep and len(tail.strip()) >= 8 and len(head) <= 30 else sentence


# An enumeration opening a point ("第二，", "三是", "其次") is how the writer counted, not
# what they said: two quotes differing only by it are the same quote.
_ENUMERATION = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+|[一二三四五六七八九十]是|首先|其次|再次|另外|此外|最后)[，,、：:]?\s*"
)


def _comparable(text: str) -> str:
    # Simplified characters, half-width marks, no leading clause reference or enumeration:
    # "第三，建議每項任務…" and "建议每项任务…" compare equal.
    return _ENUMERATION.sub("", _LEADING_REF.sub("", normalise(text)))


def _similar(a: str, b: str) -> bool:
    ga, gb = set(_grams(_comparable(a))), set(_grams(_comparable(b)))
    return bool(ga and gb) and len(ga & gb) / len(ga | gb) > 0.6


def distinct_quotes(candidates: Sequence[Quote], k: int = 5) -> list[Quote]:
    """Up to ``k`` of ``candidates`` in order, each from another comment and no near-copy of
    an earlier one (bigram Jaccard > 0.6 after simplifying and dropping enumerations)."""
    out: list[Quote] = []
    for q in candidates:
        if not q.text or any(q.comment_id == o.comment_id or _similar(q.text, o.text) for o in out):
            continue
        out.append(q)
        if len(out) >= k:
            break
    return out


def quotes(
    comments: Sequence[tuple[int, str]], k: int = 5, limit: int = QUOTE_MAX, taken: Sequence[Quote] = ()
) -> list[Quote]:
    """Up to ``k`` short quotes, one per comment in the given order (representatives first),
    none from a comment or near-copying a quote in ``taken`` (quotes already shown)."""
    space = _Space([s for _id, t in comments for s in sentences(t)])
    out: list[Quote] = []
    used = {q.comment_id for q in taken}
    for comment_id, text in comments:
        pool = sentences(text)
        if not pool or comment_id in used:
            continue
        # The comment's most central sentence that says something not quoted yet: many
        # commenters share a point and differ in what else they say.
        ranked = sorted(pool, key=lambda s: space.centrality(s) * _length_weight(s), reverse=True)
        fresh = [clip(_LEADING_REF.sub("", s) or s, limit) for s in ranked]
        fresh = [q for q in fresh if not any(_similar(q, o.text) for o in (*taken, *out))]
        if not fresh:
            continue
        out.append(Quote(comment_id, fresh[0]))
        if len(out) >= k:
            break
    return out


def _clauses(sentence: str) -> list[str]:
    kept = _WORD_BRACKETS.sub("\x01\\1\x02", sentence)
    return [part.replace("\x01", "（").replace("\x02", "）") for part in _CLAUSE_BREAK.split(kept)]


def _fragment(part: str) -> str:
    part = _ENUMERATION.sub("", _CLAUSE_REF.sub("", part).strip())
    part = _FILLER.sub("", part)
    return _TRAILING.sub("", part).strip()


def phrase_label(texts: Sequence[str], keywords: Sequence[str] = (), fallback: str = "") -> str:
    """The most central 4-16 character fragment that mentions a keyword (if any matches), else ``fallback``."""
    fragments = []
    for t in texts:
        for s in sentences(t):
            # What precedes a colon introduces the point ("强烈要求在意见中明确：…"); it is not the point.
            s = re.split(r"[：:]", s, maxsplit=1)[-1]  # noqa: PLW2901
            for part in _clauses(s):
                frag = _fragment(part)
                if LABEL_MIN <= len(frag) <= LABEL_MAX and not is_filler_label(frag):
                    fragments.append(frag)
    if not fragments:
        return fallback
    space = _Space(fragments)
    counts = Counter(fragments)
    keys = [w for w in keywords if len(w) >= 2][:6]

    def score(frag: str) -> float:
        hits = sum(1 for w in keys if w in frag)
        # Repeated fragments are what many people said in the same words.
        return space.centrality(frag) * (1 + hits) * (1 + 0.2 * math.log(counts[frag]))

    ranked = sorted(set(fragments), key=lambda f: (-score(f), f))
    if keys and not any(w in ranked[0] for w in keys):
        return ranked[0] if not fallback or is_filler_label(fallback) else fallback
    return ranked[0]
