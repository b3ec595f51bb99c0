"""Light character edits that turn one text into a near-copy, for benchmark corpora."""

from __future__ import annotations

import random

FILLERS = "的了是在很也都"


def char_edits(rng: random.Random, text: str, edits: tuple[int, int], inserted: str = FILLERS) -> str:
    """``text`` with between ``edits[0]`` and ``edits[1]`` single-character edits: an insertion
    (from ``inserted``), a deletion (only in texts over 20 characters) or a replacement by a
    filler character. The same ``rng`` state gives the same text."""
    chars = list(text)
    for _ in range(rng.randint(*edits)):
        pos = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.33:
            chars.insert(pos, rng.choice(inserted))
        elif op < 0.66 and len(chars) > 20:
            del chars[pos]
        else:
            chars[pos] = rng.choice(FILLERS)
    return "".join(chars)
