"""Throughput of the sensitive-word screen (Aho-Corasick over normalised text); prints one JSON line.

Words are 2-5 random common hanzi; comments are 20-200 random hanzi with punctuation, some
written in traditional characters or full-width letters, and about 1 in 20 contains a listed
word split by a zero-width space. Usage::

    python benchmarks/sensitive_benchmark.py --words 2000 --comments 100000 [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.analysis.sensitive import Automaton  # noqa: E402

# Common simplified characters plus a few traditional ones (they fold to simplified).
HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)] + list("們說國會這點開關時實義經與為")


def corpus(words: int, comments: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    listed = ["".join(rng.choices(HANZI, k=rng.randint(2, 5))) for _ in range(words)]
    texts = []
    for i in range(comments):
        body = "".join(rng.choices(HANZI, k=rng.randint(20, 200)))
        cut = rng.randint(0, len(body))
        body = body[:cut] + rng.choice(["，", "。", "ＡＢＣ", " ", "！"]) + body[cut:]
        if i % 20 == 0:
            word = rng.choice(listed)
            body = body[:cut] + word[0] + "\u200b" + word[1:] + body[cut:]
        texts.append(body)
    return listed, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    listed, texts = corpus(args.words, args.comments, args.seed)
    started = time.perf_counter()
    automaton = Automaton(listed)
    built = time.perf_counter() - started
    started = time.perf_counter()
    held = sum(1 for text in texts if automaton.find(text))
    elapsed = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    print(json.dumps({
        "words": len(automaton),
        "comments": len(texts),
        "chars": chars,
        "build_s": round(built, 3),
        "match_s": round(elapsed, 2),
        "comments_per_s": round(len(texts) / elapsed),
        "chars_per_s": round(chars / elapsed),
        "held": held,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
