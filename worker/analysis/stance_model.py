"""Stance with a confidence: a small logistic model over the rules' cue features.

The rules of ``stance.py`` find cues; how much each kind of cue, its place (the first
sentence or title, the end) and the question marks should count was guessed by hand.
Here a multinomial logistic regression weighs them, trained on hand-labelled messages
(``benchmarks/stance_train.py``, labels in ``benchmarks/data/stance_train_labels.csv``;
how they were labelled is in docs/clustering.md). Only about 30 numeric weights over
*kinds* of cues are shipped (``resources/stance_model.json``): no text, n-gram or word of
the training messages, so the model carries nothing of the (non-redistributable) data
and no topic word can make a comment look opposed.

Decision (``classify``):

1. Support comes from the rules: the training messages hold almost no approval, so the
   model cannot learn it. A rule call of ``support`` is kept (confidence from its margin).
2. A text with no stance cue and no question mark is not judged (``neutral``, shown as
   未判定): the model would only repeat the training set's share of complaints.
3. Otherwise the model's most probable class among oppose / question / suggestion, if its
   probability is at least ``threshold`` (stored with the weights, chosen by
   cross-validation on the training labels, never on the evaluation set); below it the
   call is ``neutral`` too, with the would-be stance kept in ``guess`` for staff.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .normalise import normalise
from .stance import CueHit, Stance, analyse_normalised, scan_cues

# General forms of complaint, not of any topic: persistence (至今, 迟迟, 多次), intensity
# (严重, 太), harm (影响, 危害) and denial (没有, 未, 无). A grievance is mostly told, not
# named: "至今未解决", "严重影响". Counted per 100 characters so long letters do not win.
PERSISTENCE = ("至今", "迟迟", "一直", "多次", "长期", "仍然", "始终", "屡次", "反复", "依然")
INTENSITY = ("严重", "非常", "极其", "极为", "太", "十分", "特别", "根本")
# Forms of a real question (an interrogative word, a final 吗/呢 before the mark): what the
# rules' list of question phrases misses ("怎么操作？", "会公开反馈吗？").
ASKING = ("吗?", "呢?", "怎么", "哪里", "哪些", "哪个", "哪家", "谁", "多少", "几时")
HARM = ("影响", "危害", "损害", "受害", "威胁", "损失", "隐患", "困扰")
DENIAL = ("不", "没", "未", "无")
FORMS = {"persistence": PERSISTENCE, "intensity": INTENSITY, "harm": HARM, "denial": DENIAL,
         "asking": ASKING}  # fmt: skip
# 不太 is a hedge ("不太明白"), not intensity; the lookbehind keeps it out.
_FORM_RE = {k: re.compile("|".join(map(re.escape, v))) for k, v in FORMS.items()}
_FORM_RE["intensity"] = re.compile(
    "(?<!不)太|" + "|".join(map(re.escape, INTENSITY[:4] + INTENSITY[5:]))
)

KINDS = ("support", "oppose", "grievance", "suggestion", "question", "polite")
# The opening of a comment (a message's title, a comment's first sentence) says what it
# is for more often than its body; 40 characters bound it when there is no stop.
_HEAD = re.compile(r"[^。!?;\s]{1,40}[?]?")
_SENTENCE_END = re.compile(r"[。!?;]+")


def feature_names() -> list[str]:
    """Names of ``features``'s values, in order."""
    names = [f"n_{k}" for k in KINDS] + [f"head_{k}" for k in KINDS]
    names += [f"first_{k}" for k in KINDS] + [f"last_{k}" for k in KINDS]
    names += [f"form_{k}" for k in FORMS] + [f"head_form_{k}" for k in FORMS]
    return names + ["q_marks", "head_q", "last_q", "exclaim", "length"]


def features(text: str) -> list[float]:
    """Numeric description of a text's cues (see ``feature_names``); no words."""
    norm = normalise(text)
    return _features(norm, scan_cues(norm))


def _features(norm: str, hits: list[CueHit]) -> list[float]:
    head = _HEAD.match(norm.lstrip())
    head_end = (len(norm) - len(norm.lstrip())) + (head.end() if head else 0)
    counts = {k: 0 for k in KINDS}
    in_head = dict.fromkeys(KINDS, 0.0)
    for h in hits:
        counts[h.kind] += 1
        if h.start < head_end:
            in_head[h.kind] = 1.0
    first = hits[0].kind if hits else ""
    last = hits[-1].kind if hits else ""
    sentences = [s for s in _SENTENCE_END.split(norm) if s.strip()]
    tail = norm.rstrip()
    values = [math.log1p(counts[k]) for k in KINDS] + [in_head[k] for k in KINDS]
    values += [float(first == k) for k in KINDS] + [float(last == k) for k in KINDS]
    per100 = 100 / max(len(norm), 50)
    values += [min(len(r.findall(norm)) * per100, 5) / 5 for r in _FORM_RE.values()]
    values += [float(bool(r.search(norm[:head_end]))) for r in _FORM_RE.values()]
    values += [
        min(norm.count("?"), 3) / 3,
        float(head is not None and head.group(0).endswith("?")),
        float(tail.endswith("?")),
        min(norm.count("!"), 3) / 3,
        math.log1p(len(norm)) / 7 if sentences else 0.0,
    ]
    return values


def has_complaint_form(norm: str) -> bool:
    """Persistence, intensity or harm in normalised text (denial alone is too common)."""
    return any(_FORM_RE[k].search(norm) for k in ("persistence", "intensity", "harm"))


@dataclass(frozen=True)
class StanceCall:
    """A stance call: ``stance`` (neutral when not judged), its confidence, the guess."""

    stance: Stance
    confidence: float
    guess: Stance


@cache
def _model() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath("resources", "stance_model.json")
    model: dict[str, Any] = json.loads(raw.read_text("utf-8"))
    if model["features"] != feature_names():
        raise ValueError("stance_model.json was built for other features; rebuild it")
    return model


def probabilities(text: str, model: dict[str, Any] | None = None) -> dict[str, float]:
    """The model's probability of each of its classes for ``text``."""
    return _probabilities(features(text), model or _model())


def _probabilities(x: list[float], model: dict[str, Any]) -> dict[str, float]:
    logits = {
        c: b + sum(w * v for w, v in zip(ws, x, strict=True))
        for c, b, ws in zip(model["classes"], model["intercept"], model["coef"], strict=True)
    }
    top = max(logits.values())
    exp = {c: math.exp(v - top) for c, v in logits.items()}
    total = sum(exp.values())
    return {c: v / total for c, v in exp.items()}


def classify(
    text: str, threshold: float | None = None, model: dict[str, Any] | None = None
) -> StanceCall:
    """Stance of one comment with a confidence (module docstring for the rules)."""
    norm = normalise(text)
    hits = scan_cues(norm)
    rules = analyse_normalised(norm, hits)
    if rules.stance == Stance.NEUTRAL and not has_complaint_form(norm):
        return StanceCall(Stance.NEUTRAL, 0.0, Stance.NEUTRAL)
    if rules.stance == Stance.SUPPORT:
        top = sorted(rules.scores.values(), reverse=True)
        margin = top[0] - top[1]
        return StanceCall(Stance.SUPPORT, round(min(1.0, 0.5 + margin / 3), 3), Stance.SUPPORT)
    model = model or _model()
    probs = _probabilities(_features(norm, hits), model)
    best = max(probs, key=lambda c: probs[c])
    cut = model["threshold"] if threshold is None else threshold
    stance = Stance(best) if probs[best] >= cut else Stance.NEUTRAL
    return StanceCall(stance, round(probs[best], 3), Stance(best))


def stance_of(text: str) -> Stance:
    """The stance digests count: ``classify``'s call, ``neutral`` (未判定) when unsure (a digest
    decides all its comments at once with ``stance_corpus.stances_of``, the same calls)."""
    return classify(text).stance
