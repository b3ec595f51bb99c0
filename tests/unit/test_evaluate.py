"""Quality evaluation on a small synthetic labelled CSV / XLSX."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from worker.analysis import evaluate as ev

KEYS = {"n", "method", "n_themes", "n_issues", "nmi", "ari", "v_measure", "purity", "seconds"}
TOPICS = {
    "教育": ["学校", "学生", "老师", "招生", "学位", "培训", "食堂", "作业"],
    "医疗": ["医院", "医生", "患者", "医保", "报销", "药品", "挂号", "门诊"],
    "交通": ["公交", "线路", "路口", "拥堵", "地铁", "站点", "出租车", "违章"],
}


def write_csv(path: Path, per_label: int = 40) -> Path:
    rng = np.random.default_rng(0)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "text", "label"])
        i = 0
        for label, words in TOPICS.items():
            for _ in range(per_label):
                text = "，".join(rng.choice(words, 6)) + "。希望尽快解决。"
                out.writerow([i, text, label])
                i += 1
    return path


def test_evaluate_recovers_labels(tmp_path: Path) -> None:
    out = ev.evaluate_file(str(write_csv(tmp_path / "m.csv")), "text", "label")
    assert set(out) == KEYS
    assert out["n"] == 120
    assert out["n_themes"] == 3
    assert out["nmi"] > 0.9 and out["ari"] > 0.9 and out["purity"] > 0.9


def test_baseline_uses_true_k(tmp_path: Path) -> None:
    out = ev.evaluate_file(str(write_csv(tmp_path / "m.csv")), "text", "label", baseline=True)
    assert set(out) == KEYS
    assert out["n_themes"] == 3
    assert out["method"].startswith("baseline")
    assert 0.0 <= out["nmi"] <= 1.0


def test_reads_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    src = write_csv(tmp_path / "m.csv", per_label=10)
    wb = openpyxl.Workbook()
    with open(src, encoding="utf-8") as fh:
        for row in csv.reader(fh):
            wb.active.append(row)
    wb.save(tmp_path / "m.xlsx")
    texts, labels = ev.read_table(str(tmp_path / "m.xlsx"), "text", "label")
    assert len(texts) == len(labels) == 30


def test_missing_column(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        ev.read_table(str(write_csv(tmp_path / "m.csv")), "body", "label")


def test_purity() -> None:
    assert ev.purity(["a", "a", "b", "b"], [0, 0, 1, 1]) == 1.0
    assert ev.purity(["a", "b", "a", "b"], [0, 0, 0, 0]) == 0.5


def test_main_prints_one_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "m.csv")
    assert ev.main([str(path), "--text-col", "text", "--label-col", "label", "--baseline"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert set(json.loads(lines[0])) == KEYS
