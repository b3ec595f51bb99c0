"""Every table header cell in the templates says which cells it heads (WCAG 1.3.1): `scope="col"`
or `scope="row"`, and none is empty (an empty corner is a <td>, an actions column has hidden text)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "consult").rglob("*.html"))
TH = re.compile(r"<th(?=[\s>])[^>]*>")


def test_every_th_has_a_scope_and_content() -> None:
    missing, empty = [], []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in TH.finditer(text):
            where = f"{path.relative_to(path.parents[3])}:{text.count(chr(10), 0, match.start()) + 1}"
            if 'scope="' not in match.group(0):
                missing.append(where)
            if text.startswith("</th>", match.end()):
                empty.append(where)
    assert TEMPLATES and not missing, f"<th> without scope: {missing}"
    assert not empty, f"empty <th>: {empty}"
