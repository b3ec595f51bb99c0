"""Reading a labelled evaluation file and tokenising it like intake does."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable

# Fallback tokeniser only: production tokens come from worker.analysis.segment.
_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")


def read_table(path: str, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    """Texts and labels from a CSV (UTF-8, header row) or XLSX (first sheet) file."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(path)
    else:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    if rows and (text_col not in rows[0] or label_col not in rows[0]):
        raise KeyError(f"columns {text_col!r} / {label_col!r} not in {sorted(rows[0])}")
    kept = [r for r in rows if str(r[label_col] or "").strip()]
    return [str(r[text_col] or "") for r in kept], [str(r[label_col]).strip() for r in kept]


def _xlsx_rows(path: str) -> list[dict[str, object]]:
    from openpyxl import load_workbook  # only needed for spreadsheets

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(it, ())]
        return [dict(zip(header, row, strict=False)) for row in it]
    finally:
        wb.close()


def tokeniser() -> Callable[[str], list[str]]:
    """The intake segmenter if present, else jieba with punctuation dropped."""
    try:
        from worker.analysis.segment import Segmenter  # type: ignore[import-not-found]

        return Segmenter().tokens
    except ImportError:
        import jieba

        jieba.setLogLevel(60)
        return lambda text: [
            t for t in jieba.lcut(text) if t.strip() and not _PUNCT_OR_SPACE.match(t)
        ]
