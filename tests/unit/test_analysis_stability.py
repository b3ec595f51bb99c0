"""`consult evaluate --stability` figures on a small synthetic labelled file."""

from __future__ import annotations

import random
from pathlib import Path

from test_evaluate import write_csv

from worker.analysis import evaluate as ev
from worker.analysis.stability import _s2t, light_edit


def test_stability_report_has_seed_traditional_perturbed_and_replicated_figures(tmp_path: Path) -> None:
    out = ev.stability_figures(
        str(write_csv(tmp_path / "m.csv", per_label=30)), "text", "label", replicate=2
    )
    seeds = out["seeds"]
    assert len(seeds["nmi"]) == 5 and seeds["nmi_std"] >= 0
    assert seeds["ari_between_seeds"] > 0.9 and seeds["nmi_mean"] > 0.9
    assert out["traditional"]["n_themes"] == seeds["n_themes"][0]
    assert out["traditional"]["ari_vs_simplified"] > 0.9
    assert out["replicated"]["n"] == 2 * out["n"] and out["replicated"]["nmi"] > 0.9
    for change in ("removed_5pct", "added_5pct"):
        assert out["perturbed"][change]["ari_vs_full"] > 0.9


def test_light_edits_are_light() -> None:
    rng = random.Random(0)
    text = "老旧小区加装电梯的补贴标准太低，希望提高补贴。"
    converter = _s2t()
    edited = [light_edit(text, rng, converter) for _ in range(200)]
    assert sum(e == text for e in edited) > 60  # about half untouched
    assert all(abs(len(e) - len(text)) <= 8 for e in edited)
