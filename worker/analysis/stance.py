"""Stance of a comment: support, oppose, suggestion, question (or neutral).

Rules, applied to the normalised text (simplified, half-width punctuation):

1. Cue words are matched longest first, without overlaps, so 不同意 is one oppose cue and
   never also the support cue 同意.
2. Negation: a support cue preceded within three characters by a negator (不, 没, 没有,
   无法, 难以, 并不, 并非, 绝不, 决不) counts as oppose (不太支持, 无法认同); an oppose
   cue after a negator counts as support (并不反对). 不但/不仅/不光 are not negators.
3. Scores: each oppose cue 2, each support cue 1.5, each suggestion cue (建议, 希望,
   应该, 应当, 要求, 呼吁, 恳请 ...) 1, each question cue (是否, 为什么, 为何, 何时,
   怎么办, 请问 ...) 1, plus 1 for every sentence ending in "?" (at most 3). Polite
   requests phrased as questions (能否, 可否, 可不可以, 是否可以) add 0.5 to both
   question and suggestion.
4. The highest score wins; ties go to oppose > support > suggestion > question. With no
   cue at all the stance is ``neutral``.

These rules find and score cues (``analyse_stance``); what digests count is
``stance_model.stance_of``, which weighs the same cues with trained weights and says
未判定 when unsure.

The lexicon is deliberately small and readable; stance words are kept as tokens by the
segmenter, but this module works on the raw text, not on tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .normalise import normalise


class Stance(StrEnum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    SUGGESTION = "suggestion"
    QUESTION = "question"
    NEUTRAL = "neutral"


STANCES: tuple[Stance, ...] = (
    Stance.SUPPORT,
    Stance.OPPOSE,
    Stance.SUGGESTION,
    Stance.QUESTION,
    Stance.NEUTRAL,
)

SUPPORT_CUES = (
    "支持", "赞成", "同意", "赞同", "拥护", "认同", "点赞", "叫好", "欢迎", "好政策",
    "利国利民", "惠民", "得民心", "及时雨", "非常好", "很好", "大好事",
)  # fmt: skip
OPPOSE_CUES = (
    "反对", "不同意", "不赞成", "不赞同", "不认可", "不接受", "不能接受", "无法接受",
    "难以接受", "抵制", "拒绝", "叫停", "撤销", "废止", "收回成命", "坚决不", "不合理",
    "不公平", "不妥", "欠妥", "不可取", "荒唐", "荒谬", "劳民伤财", "一刀切", "乱收费",
)  # fmt: skip
# Grievances: a message that complains about how something is done objects to it, even
# when it ends "希望尽快解决" or asks "为什么". Words of complaint, not of any topic.
GRIEVANCE_CUES = (
    "投诉", "举报", "不作为", "乱作为", "违规", "违法", "拖欠", "欺诈", "欺骗", "扰民",
    "刁难", "侵害", "侵吞", "克扣", "坑害", "苦不堪言", "谁来管", "无人管", "置之不理",
    "推诿", "敷衍", "霸王", "强行", "强制", "私自", "擅自", "变相", "太贵", "太高",
)  # fmt: skip
SUGGESTION_CUES = (
    "建议", "希望", "应该", "应当", "要求", "呼吁", "恳请", "请求", "提议", "倡议",
    "最好", "不妨", "可以考虑", "尽快", "务必", "期望", "盼望",
)  # fmt: skip
QUESTION_CUES = (
    "是否", "为什么", "为何", "何时", "什么时候", "怎么办", "怎么回事", "如何", "请问",
    "有没有", "是不是", "多久", "凭什么", "咨询",
)  # fmt: skip
POLITE_REQUEST_CUES = ("能否", "可否", "可不可以", "能不能", "是否可以", "是否能")
NEGATORS = ("不", "没", "没有", "无法", "难以", "并不", "并非", "绝不", "决不")
NOT_NEGATORS = ("不但", "不仅", "不光")

_WEIGHTS = {
    Stance.OPPOSE: 2.0,
    Stance.SUPPORT: 1.5,
    Stance.SUGGESTION: 1.0,
    Stance.QUESTION: 1.0,
}
_TIE_ORDER = (Stance.OPPOSE, Stance.SUPPORT, Stance.SUGGESTION, Stance.QUESTION)

_CUE_KIND: dict[str, str] = {}
for _kind, _cues in (
    ("support", SUPPORT_CUES),
    ("oppose", OPPOSE_CUES),
    ("oppose", GRIEVANCE_CUES),
    ("suggestion", SUGGESTION_CUES),
    ("question", QUESTION_CUES),
    ("polite", POLITE_REQUEST_CUES),
):
    for _c in _cues:
        _CUE_KIND.setdefault(_c, _kind)
# The lookahead on first characters lets the scanner skip most positions cheaply.
_CUE_RE = re.compile(
    "(?=["
    + "".join(sorted({re.escape(c[0]) for c in _CUE_KIND}))
    + "])(?:"
    + "|".join(re.escape(c) for c in sorted(_CUE_KIND, key=len, reverse=True))
    + ")"
)
_QUESTION_END = re.compile(r"\?+")
_GRIEVANCE = frozenset(GRIEVANCE_CUES) - frozenset(OPPOSE_CUES)


@dataclass
class StanceResult:
    """The winning stance, the score of each stance, and the cues that fired."""

    stance: Stance
    scores: dict[str, float] = field(default_factory=dict)
    cues: list[str] = field(default_factory=list)


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    if any(n in before for n in NOT_NEGATORS):
        return False
    return any(n in before for n in NEGATORS)


@dataclass(frozen=True)
class CueHit:
    """One cue found in the normalised text: its kind after negation, where, and what."""

    kind: str  # support, oppose, grievance, suggestion, question or polite
    start: int
    cue: str


def scan_cues(norm: str) -> list[CueHit]:
    """Cues of normalised text, longest first, no overlaps, negation applied (rule 2)."""
    hits: list[CueHit] = []
    for m in _CUE_RE.finditer(norm):
        cue = m.group(0)
        kind = "grievance" if cue in _GRIEVANCE else _CUE_KIND[cue]
        if kind == "support" and _negated(norm, m.start()):
            kind = "oppose"
            cue = norm[max(0, m.start() - 3) : m.start()] + cue
        elif kind == "oppose" and cue == "反对" and _negated(norm, m.start()):
            kind = "support"
            cue = norm[max(0, m.start() - 3) : m.start()] + cue
        hits.append(CueHit(kind, m.start(), cue))
    return hits


def analyse_stance(text: str) -> StanceResult:
    """Score ``text`` against the rules of the module docstring."""
    return analyse_normalised(normalise(text))


def analyse_normalised(norm: str, hits: list[CueHit] | None = None) -> StanceResult:
    """``analyse_stance`` of text already normalised (and its cues, if already scanned)."""
    scores = {s.value: 0.0 for s in _TIE_ORDER}
    cues: list[str] = []
    for hit in scan_cues(norm) if hits is None else hits:
        cues.append(hit.cue)
        if hit.kind == "polite":
            scores[Stance.QUESTION] += 0.5
            scores[Stance.SUGGESTION] += 0.5
        else:
            kind = "oppose" if hit.kind == "grievance" else hit.kind
            scores[kind] += _WEIGHTS[Stance(kind)]
    questions = len(_QUESTION_END.findall(norm))
    if questions:
        scores[Stance.QUESTION] += min(questions, 3)
        cues.append("?")
    best = max(_TIE_ORDER, key=lambda s: (scores[s], -_TIE_ORDER.index(s)))
    stance = best if scores[best] > 0 else Stance.NEUTRAL
    return StanceResult(stance=stance, scores=scores, cues=cues)


def stance_of(text: str) -> Stance:
    """The rules' stance of one comment (digests count ``stance_model.stance_of``)."""
    return analyse_stance(text).stance
