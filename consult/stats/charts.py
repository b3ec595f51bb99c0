"""Server-rendered SVG charts of a figure (consult.stats.figures): no script, no CDN, styles as SVG attributes (CSP).

Each chart is ``role="img"`` with a <title> and a <desc> naming the largest values, labelled axes,
colours from the Okabe-Ito palette (told apart with colour-vision deficiencies) plus grey for "none".
Category labels sit above their bar, so a 375 px screen keeps the whole width for the bars; the
SVG scales with its box (viewBox, width 100%).
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

WIDTH = 340  # viewBox units: at 375 px a 14-unit font is still ~11 px, at 1366 px the card caps the size
PAD = 12  # room for the first and last tick label of an axis
FONT = 14
INK, MUTED, GRID = "#222222", "#555555", "#d0d0d0"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
COLOURS = {
    "adopted": "#009E73", "partly": "#56B4E9", "not_adopted": "#D55E00", "covered": "#CC79A7", "unanswered": "#BDBDBD",
    "v1": "#D55E00", "v2": "#E69F00", "v3": "#BDBDBD", "v4": "#56B4E9", "v5": "#0072B2",
    "seats": "#BDBDBD", "applications": "#0072B2", "selected": "#009E73",
}


def colour(key: str, k: int) -> str:
    return COLOURS.get(key, PALETTE[k % len(PALETTE)])


def nice_ticks(peak: float, count: int = 4, whole: bool = True) -> list[float]:
    """0 … a round number at or above ``peak``, in ``count`` equal steps of 1, 2 or 5 × 10^n (whole numbers for counts)."""
    if peak <= 0:
        return [0, 1]
    raw = max(peak / count, 1) if whole else peak / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * k for k in range(int(math.ceil(peak / step)) + 1)]


def _number(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:.3g}"


def _clip(text: str, units: int = 44) -> str:
    out, used = "", 0
    for ch in text:
        used += 2 if ord(ch) > 0x2E7F else 1
        if used > units:
            return out + "…"
        out += ch
    return out


def _text(x: float, y: float, body: str, *, size: int = FONT, anchor: str = "start", fill: str = INK, turn: bool = False) -> Markup:
    rotate = Markup(' transform="rotate(-90 {:.1f} {:.1f})"').format(x, y) if turn else Markup("")
    return Markup('<text x="{:.1f}" y="{:.1f}" font-size="{}" text-anchor="{}" fill="{}"{}>{}</text>').format(x, y, size, anchor, fill, rotate, body)


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str = "") -> Markup:
    title = Markup("<title>{}</title>").format(tip) if tip else Markup("")
    return Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">{}</rect>').format(x, y, width, height, fill, title)


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> Markup:
    return Markup('<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}"/>').format(x1, y1, x2, y2, stroke)


def _label(full: str, shown: str, y: float) -> Markup:
    # The whole label as a tooltip when the drawn one is shortened.
    return Markup("<g><title>{}</title>{}</g>").format(full, _text(PAD, y, shown))


def _frame(figure: dict[str, Any], uid: str, height: float, body: list[Markup]) -> Markup:
    desc = figure["description"] + " " + _highlights(figure)
    return Markup(
        '<svg class="stats-chart" id="chart-{0}" viewBox="0 0 {1} {2:.0f}" width="100%" role="img" '
        'aria-labelledby="chart-{0}-title chart-{0}-desc" font-family="sans-serif">'
        '<title id="chart-{0}-title">{3}</title><desc id="chart-{0}-desc">{4}</desc>{5}</svg>'
    ).format(uid, WIDTH, height, figure["title"], desc, Markup("").join(body))


def _highlights(figure: dict[str, Any]) -> str:
    label, series = figure["chart"]["label"], figure["chart"]["series"]
    key = "total" if figure["chart"]["type"] == "stacked" and figure["rows"] and "total" in figure["rows"][0] else series[0]
    top = sorted((r for r in figure["rows"] if isinstance(r.get(key), int | float)), key=lambda r: -r[key])[:3]
    return _("最多：%(items)s。", items=_("；").join(f"{r[label]} {_number(r[key])}" for r in top)) if top else ""


def _legend(figure: dict[str, Any], y: float) -> tuple[list[Markup], float]:
    labels = {c["key"]: c["label"] for c in figure["columns"]}
    parts, x = [], float(PAD)
    for k, key in enumerate(figure["chart"]["series"]):
        width = 18 + len(labels[key]) * (FONT - 1) + 10
        if x + width > WIDTH:
            x, y = float(PAD), y + 18
        parts += [_rect(x, y - 10, 12, 12, colour(key, k)), _text(x + 16, y, labels[key], size=FONT - 1)]
        x += width
    return parts, y + 14


def _x_axis(y: float, ticks: list[float], left: float, span: float, title: str, percent: bool = False) -> list[Markup]:
    parts = [_line(left, y, left + span, y, MUTED)]
    for t in ticks:
        x = left + span * t / ticks[-1]
        parts.append(_line(x, y, x, y + 4, MUTED))
        parts.append(_text(x, y + 17, f"{t:.0%}" if percent else _number(t), size=FONT - 2, anchor="middle", fill=MUTED))
    parts.append(_text(left + span / 2, y + 34, title, size=FONT - 1, anchor="middle", fill=MUTED))
    return parts


def bars(figure: dict[str, Any], uid: str) -> Markup:
    """Horizontal bars, one or several series per row (label above, value at the end of each bar)."""
    label_key, series = figure["chart"]["label"], figure["chart"]["series"]
    labels = {c["key"]: c["label"] for c in figure["columns"]}
    body: list[Markup] = []
    y = 4.0
    if len(series) > 1:
        legend, y = _legend(figure, 14)
        body += legend
    peak = max((r.get(s) or 0 for r in figure["rows"] for s in series), default=0)
    ticks = nice_ticks(peak)
    span = WIDTH - 2 * PAD - 16  # the value printed after the longest bar
    thick = 14 if len(series) == 1 else 9
    for row in figure["rows"]:
        body.append(_label(str(row[label_key]), _clip(str(row[label_key])), y + FONT))
        y += FONT + 4
        for k, key in enumerate(series):
            value = row.get(key) or 0
            width = span * value / ticks[-1]
            body.append(_rect(PAD, y, max(width, 0.5), thick, colour(key, k), f"{labels[key]} {_number(value)}"))
            shown = "—" if row.get(key) is None else _number(value)
            body.append(_text(PAD + width + 4, y + thick - 1, shown, size=FONT - 2, fill=MUTED))
            y += thick + 2
        y += 8
    body += _x_axis(y, ticks, PAD, span, labels[series[0]] if len(series) == 1 else _("人数"))
    return _frame(figure, uid, y + 40, body)


def stacked(figure: dict[str, Any], uid: str) -> Markup:
    """One 100 % bar per row, split by series (shares of the row's sum)."""
    label_key, series = figure["chart"]["label"], figure["chart"]["series"]
    labels = {c["key"]: c["label"] for c in figure["columns"]}
    body, y = _legend(figure, 14)
    y += 4
    for row in figure["rows"]:
        total = sum(row.get(s) or 0 for s in series)
        body.append(_label(str(row[label_key]), _clip(_("%(label)s（%(n)s）", label=row[label_key], n=total)), y + FONT))
        y += FONT + 4
        x = float(PAD)
        for k, key in enumerate(series):
            share = (row.get(key) or 0) / total if total else 0
            width = (WIDTH - 3 * PAD) * share
            if width > 0:
                body.append(_rect(x, y, width, 16, colour(key, k), _("%(label)s %(n)s（%(share)s）", label=labels[key], n=row.get(key) or 0, share=format(share, ".0%"))))
            x += width
        y += 26
    body += _x_axis(y, [0, 0.25, 0.5, 0.75, 1], PAD, WIDTH - 3 * PAD, _("占比"), percent=True)
    return _frame(figure, uid, y + 40, body)


def timeline(figure: dict[str, Any], uid: str) -> Markup:
    """Columns over time, with a labelled value axis and a few dates on the time axis."""
    label_key, key = figure["chart"]["label"], figure["chart"]["series"][0]
    labels = {c["key"]: c["label"] for c in figure["columns"]}
    rows = figure["rows"]
    left, top, plot_h = 44.0, 10.0, 140.0
    span = WIDTH - left - 6
    ticks = nice_ticks(max((r[key] for r in rows), default=0))
    body: list[Markup] = []
    for t in ticks:
        y = top + plot_h - plot_h * t / ticks[-1]
        body.append(_line(left, y, WIDTH - 6, y, GRID))
        body.append(_text(left - 6, y + 4, _number(t), size=FONT - 2, anchor="end", fill=MUTED))
    step = span / max(len(rows), 1)
    for k, row in enumerate(rows):
        height = plot_h * row[key] / ticks[-1]
        body.append(_rect(left + k * step + step * 0.1, top + plot_h - height, max(step * 0.8, 0.5), height, PALETTE[0], _("%(label)s：%(n)s", label=row[label_key], n=row[key])))
    base = top + plot_h
    body.append(_line(left, base, WIDTH - 6, base, MUTED))
    every = max(1, math.ceil(len(rows) / 4))
    for k in range(0, len(rows), every):
        body.append(_text(left + k * step + step / 2, base + 16, str(rows[k][label_key])[5:] or str(rows[k][label_key]), size=FONT - 2, anchor="middle", fill=MUTED))
    body.append(_text(left + span / 2, base + 34, labels[label_key], size=FONT - 1, anchor="middle", fill=MUTED))
    body.append(_text(12, top + plot_h / 2, labels[key], size=FONT - 1, anchor="middle", fill=MUTED, turn=True))
    return _frame(figure, uid, base + 42, body)


def svg(figure: dict[str, Any], uid: str) -> Markup:
    """The chart of a figure; empty Markup when it has no rows (the page says so in words)."""
    if not figure["rows"]:
        return Markup("")
    kind = figure["chart"]["type"]
    if kind == "timeline":
        return timeline(figure, uid)
    if kind == "stacked":
        return stacked(figure, uid)
    return bars(figure, uid)
