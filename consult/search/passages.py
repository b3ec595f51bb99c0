"""The passage of a found text that holds the query terms, terms highlighted; escaped and masked."""

from __future__ import annotations

from markupsafe import Markup, escape

from worker.analysis.normalise import mask_personal, normalise

WIDTH = 120  # characters shown around the first match


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    # Found in the normalised text (繁体 → 简体, full-width → half-width), which keeps one character
    # per character for ordinary text; when it does not, the raw text is searched instead.
    folded = normalise(text)
    haystack = folded if len(folded) == len(text) else text.lower()
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        start = haystack.find(term)
        while term and start >= 0:
            end = start + len(term)
            if not any(a < end and start < b for a, b in spans):
                spans.append((start, end))
            start = haystack.find(term, end)
    return sorted(spans)


def passage(text: str, terms: list[str], width: int = WIDTH) -> Markup:
    """About ``width`` characters of ``text`` around its first matching term, each match in <mark>.

    Masked before anything is searched or cut, so a phone or ID number never shows, and a cut
    never leaves part of one readable."""
    masked = mask_personal(text or "")
    spans = _spans(masked, terms)
    start = max(0, spans[0][0] - width // 4) if spans else 0
    end = min(len(masked), start + width)
    out = [Markup("…")] if start > 0 else []
    cursor = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, cursor), min(b, end)
        out.append(escape(masked[cursor:a]))
        out.append(Markup("<mark>%s</mark>") % masked[a:b])
        cursor = b
    out.append(escape(masked[cursor:end]))
    if end < len(masked):
        out.append(Markup("…"))
    return Markup("").join(out)
