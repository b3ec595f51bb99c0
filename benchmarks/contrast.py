"""Print the WCAG 2.1 contrast ratios quoted in docs/accessibility.md, read from the site's stylesheet.

    python -m benchmarks.contrast
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[1] / "consult" / "static" / "css" / "site.css"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return round((light + 0.05) / (dark + 0.05), 1)


def main() -> None:
    css = CSS.read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z]+):(#[0-9a-fA-F]{6})", css))
    focus = re.search(r":focus-visible\s*\{[^}]*outline:[^;]*?(#[0-9a-fA-F]{6})", css)
    pairs = {
        "focus outline on white": (focus.group(1) if focus else "#0b3d91", "#ffffff"),
        "white focus outline on the red header": ("#ffffff", var["accent"]),
        "muted text on white": (var["muted"], "#ffffff"),
        "red text on white": (var["accent"], "#ffffff"),
        "body text on white": (var["ink"], "#ffffff"),
    }
    print(json.dumps({name: {"colours": pair, "ratio": ratio(*pair)} for name, pair in pairs.items()}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
