"""Clause-mapping accuracy on the demo plans (``python -m benchmarks.clause_benchmark``).

Two sets, both made from the clauses of ``consult/demo/plans/*.txt``:

* ``benchmarks/data/clause_refs.jsonl``: 50 hand-written comments (hierarchical and
  single references in the ways people type them, comments naming no clause but
  clearly about one, and off-topic comments whose right answer is no clause);
* generated references: for every numbered clause, its path written in two styles
  ("第二部分（三）第3条" / "二（三）3", "第三章第十二条" / "第十二条") plus a
  neutral sentence; the answer is that clause.

Prints one JSON line: accuracy (a null answer is right when the expected clause is null),
and, at the documented threshold ``CLAUSE_CONFIDENCE_MIN``, the share of comments linked
above it (coverage) and the accuracy of those links (precision), plus the accuracy of
the links below it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from worker.analysis.clauses import Clause, flatten, map_to_clauses, split_clauses  # noqa: E402
from worker.analysis.results import CLAUSE_CONFIDENCE_MIN  # noqa: E402
from worker.analysis.segment import Segmenter  # noqa: E402

PLANS = ROOT / "consult" / "demo" / "plans"
HAND = ROOT / "benchmarks" / "data" / "clause_refs.jsonl"
CN = "零一二三四五六七八九十"


@dataclass
class Ref:
    id: int
    label: str
    tokens: list[str]
    key: str


def _cn(n: int) -> str:
    if n <= 10:
        return CN[n]
    return ("" if n < 20 else CN[n // 10]) + "十" + (CN[n % 10] if n % 10 else "")


def _styles(path: list[Clause]) -> list[str]:
    """Two ways a commenter cites the clause at the end of ``path``."""
    full, short = [], []
    for c in path:
        o = c.ordinal or 0
        if c.kind == "cn_item":
            full.append(f"第{_cn(o)}部分")
            short.append(_cn(o) + "、")
        elif c.kind == "paren_cn":
            full.append(f"（{_cn(o)}）")
            short.append(f"（{_cn(o)}）")
        elif c.kind in ("arabic", "paren_arabic"):
            full.append(f"第{o}条")
            short.append(str(o))
        elif c.kind == "enum_shi":
            full.append(f"第{_cn(o)}点")
            short.append(f"第{_cn(o)}项")
        elif c.kind in ("chapter", "article"):
            full.append(c.number)
            if c.kind == "article":
                short.append(c.number)
        else:
            return []
    # A lone "三、" is not a reference anyone can rely on; "第三部分" is.
    return ["".join(full), "".join(short)] if len(short) > 1 else ["".join(full)]


def plan_clauses(seg: Segmenter) -> dict[str, tuple[list[Ref], dict[str, list[Clause]]]]:
    out = {}
    for txt in sorted(PLANS.glob("*.txt")):
        flat = flatten(split_clauses(txt.read_text("utf-8")))
        refs = [
            Ref(i, c.label, seg.tokens(f"{c.number} {c.title} {c.text}"), c.key)
            for i, c in enumerate(flat)
        ]
        by_key = {c.key: c for c in flat}
        paths = {
            c.key: [by_key[".".join(c.key.split(".")[:j])] for j in range(1, c.key.count(".") + 2)]
            for c in flat
        }
        out[txt.stem] = (refs, paths)
    return out


def items(plans: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    hand = [json.loads(line) for line in HAND.read_text("utf-8").splitlines() if line.strip()]
    generated = []
    for plan, (_, paths) in plans.items():
        for key, path in paths.items():
            if key == "0":
                continue
            for style in _styles(path):
                generated.append(
                    {"plan": plan, "key": key, "text": f"对{style}的意见：建议再研究一下。"}
                )
    return hand, generated


def score(rows: list[dict[str, Any]], plans: dict[str, Any], seg: Segmenter) -> dict[str, Any]:
    right = above = above_right = below = below_right = 0
    for plan, (refs, _) in plans.items():
        mine = [r for r in rows if r["plan"] == plan]
        got = map_to_clauses(
            [seg.tokens(r["text"]) for r in mine], refs, texts=[r["text"] for r in mine]
        )
        for r, (cid, conf) in zip(mine, got, strict=True):
            key = refs[cid].key if cid is not None else None
            ok = key == r["key"]
            right += ok
            if cid is not None and conf >= CLAUSE_CONFIDENCE_MIN:
                above += 1
                above_right += ok
            elif cid is not None:
                below += 1
                below_right += ok
    n = len(rows)
    return {
        "n": n,
        "accuracy": round(right / n, 3),
        "linked_above_threshold": round(above / n, 3),
        "precision_above_threshold": round(above_right / max(above, 1), 3),
        "linked_below_threshold": below,
        "accuracy_below_threshold": round(below_right / max(below, 1), 3),
    }


def run() -> dict[str, Any]:
    seg = Segmenter()
    plans = plan_clauses(seg)
    hand, generated = items(plans)
    return {
        "threshold": CLAUSE_CONFIDENCE_MIN,
        "hand_written": score(hand, plans, seg),
        "generated_references": score(generated, plans, seg),
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False))
