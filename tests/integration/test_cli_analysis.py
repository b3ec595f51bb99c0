"""The offline commands: `consult analyze` on a spreadsheet, `consult evaluate` on labelled data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from docx import Document

from consult.cli import main

TOPICS = {
    "交通": ["公交线路太少，早晚高峰挤不上车", "建议增开地铁接驳公交", "路口红绿灯时间太短，行人过马路危险"],
    "教育": ["学校周边交通拥堵，接送孩子困难", "希望增加公办幼儿园学位", "课后服务收费要公开透明"],
    "环境": ["小区旁边工地夜间施工噪音扰民", "河道污水直排，气味难闻", "垃圾分类设施不足，建议增加回收点"],
}


def _csv(path: Path, n: int = 90) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "date"])
        for i in range(n):
            label = list(TOPICS)[i % 3]
            writer.writerow([f"{TOPICS[label][(i // 3) % 3]}，联系人手机13900001234，第{i}条", label, f"2026-11-{1 + i % 28:02d}"])
    return path


def test_analyze_writes_json_docx_and_html(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = _csv(tmp_path / "opinions.csv")
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["analyze", str(source), "--text-col", "text", "--date-col", "date", "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sum(t["size"] for t in data["themes"]) == 90
    assert "13900001234" not in (tmp_path / "r.json").read_text(encoding="utf-8")

    result = runner.invoke(main, ["analyze", str(source), "--text-col", "text", "--out", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(str(tmp_path / "r.docx")).paragraphs)
    assert "共收到意见 90 条" in text and "13900001234" not in text
    assert "其中导入文件 90 条" in text  # a channel name, never the code "import"

    result = runner.invoke(main, ["analyze", str(source), "--text-col", "text", "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0 and "<h1>" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_analyze_refuses_bad_input_clearly(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = _csv(tmp_path / "opinions.csv")
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["analyze", str(source), "--text-col", "nope"])
    assert result.exit_code != 0 and "nope" in result.output
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    result = runner.invoke(main, ["analyze", str(tmp_path / "x.pdf"), "--text-col", "text"])
    assert result.exit_code != 0 and "只支持" in result.output


def test_evaluate_prints_one_json_line(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = _csv(tmp_path / "labelled.csv", n=150)
    runner = app.test_cli_runner()
    for extra in ([], ["--baseline"]):
        result = runner.invoke(main, ["evaluate", str(source), "--text-col", "text", "--label-col", "label", *extra])
        assert result.exit_code == 0, result.output
        line = json.loads(result.output.strip().splitlines()[-1])
        assert {"n", "n_themes", "n_issues", "nmi", "ari", "v_measure", "purity", "seconds"} <= set(line)
        assert line["n"] == 150 and 0.0 <= line["nmi"] <= 1.0
