"""The SVG charts: accessible frame, labelled axes, escaped labels, round ticks."""

from __future__ import annotations

from consult.stats import charts


def _figure(kind: str, rows: list[dict]) -> dict:
    series = ["count"] if kind != "stacked" else ["a", "b"]
    return {
        "key": "k", "title": "标题<b>", "description": "说明", "source": "", "available": True, "note": "",
        "chart": {"type": kind, "label": "label", "series": series},
        "columns": [{"key": "label", "label": "名称"}, {"key": "count", "label": "意见数"}, {"key": "a", "label": "甲"}, {"key": "b", "label": "乙"}],
        "rows": rows,
    }


def test_a_chart_is_an_accessible_image_with_escaped_text() -> None:
    rows = [{"label": '<script>alert("x")</script>', "count": 7, "a": 1, "b": 3}, {"label": "第二条", "count": 3, "a": 2, "b": 0}]
    for kind in ("bar", "stacked", "timeline", "grouped"):
        svg = str(charts.svg(_figure(kind, rows), "k"))
        assert svg.startswith('<svg class="stats-chart"') and 'role="img"' in svg and 'aria-labelledby="chart-k-title chart-k-desc"' in svg
        assert "<title id=\"chart-k-title\">标题&lt;b&gt;</title>" in svg and "<desc id=\"chart-k-desc\">说明" in svg
        assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_axes_are_labelled_and_ticks_are_round() -> None:
    svg = str(charts.svg(_figure("bar", [{"label": "网站留言", "count": 37}]), "k"))
    assert ">意见数</text>" in svg and ">40</text>" in svg and ">0</text>" in svg
    assert charts.nice_ticks(37) == [0, 10, 20, 30, 40]
    assert charts.nice_ticks(2) == [0, 1, 2]  # counts get whole-number ticks
    assert charts.nice_ticks(0) == [0, 1]
    assert str(charts.svg(_figure("bar", []), "k")) == ""  # no rows: no chart (the page says 暂无数据)
