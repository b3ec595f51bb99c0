"""Intake segmentation on real messages: jieba.lcut against our tokens + search terms.

    python benchmarks/segment_benchmark.py --n 100000

Builds ``n`` texts from the shared data set's real messages (all of them once, then lightly
edited copies: a few characters inserted, deleted or replaced), then times in one run:
single-process ``jieba.lcut`` on every text, and ``Segmenter.analyse`` (tokens and search
terms from one segmentation of ``canonical_text``). Prints JSON with both times, the ratio, and
how many texts' tokens differ from ``jieba.lcut`` with the same user dictionary on the same
canonical text (``differing``, with a few examples' differing spans).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.typos import FILLERS, char_edits  # noqa: E402

SHARED = Path(os.environ.get("CONSULT_SHARED_DIR", Path(__file__).resolve().parents[1].parent / "shared"))


def real_messages() -> list[str]:
    data = SHARED / "data"
    texts: list[str] = []
    for name in ("gov_messages_labeled.csv", "gov_message_subjects_labeled.csv"):
        with (data / name).open(encoding="utf-8") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    with (data / "replies.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts += [row["message"], row["reply"]]
    return [t for t in dict.fromkeys(texts) if t]


def build(n: int, seed: int = 1) -> list[str]:
    real = real_messages()
    rng = random.Random(seed)
    out = real[:n]
    while len(out) < n:
        out.append(char_edits(rng, rng.choice(real), (1, 4), FILLERS + "，。"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    import jieba

    from worker.analysis.normalise import canonical_text
    from worker.analysis.segment import Segmenter, default_user_words

    texts = build(args.n, args.seed)
    jieba.setLogLevel(60)
    jieba.initialize()
    seg = Segmenter()
    seg.analyse("预热")
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    jieba_s = time.perf_counter() - t
    t = time.perf_counter()
    for text in texts:
        seg.analyse(text)
    ours_s = time.perf_counter() - t

    reference = jieba.Tokenizer()
    reference.initialize()
    for w in default_user_words():
        if not reference.FREQ.get(w):
            reference.add_word(w)
    differing, examples = 0, []
    for text in texts:
        c = canonical_text(text)
        a, b = seg._engine.cut(c), reference.lcut(c, HMM=True)
        if a != b:
            differing += 1
            ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
            examples += [[a[i1:i2], b[j1:j2]] for tag, i1, i2, j1, j2 in ops if tag != "equal"][:1]
    print(json.dumps({
        "n": len(texts), "characters": sum(map(len, texts)), "engine": seg.engine_name,
        "jieba_lcut_s": round(jieba_s, 2), "tokens_and_search_terms_s": round(ours_s, 2),
        "ratio": round(jieba_s / ours_s, 2), "differing": differing,
        "examples_ours_vs_jieba": examples[:5], "load_average": os.getloadavg()[0],
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
