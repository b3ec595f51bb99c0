"""PDF reports in the office layout of the DOCX reports: A4, GB/T 9704 margins, 标题, 一、二、 sections, tables.

fpdf2 embeds a subset of the configured CJK font (``PDF_FONT``, Debian's fonts-noto-cjk by default:
CFF outlines in a TrueType collection, embedded as CIDFontType0C), so Chinese text renders and
extracts as text anywhere, offline. A missing font file is a clear 503, never a PDF with empty boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

from consult.core.web.errors import ServiceError

FAMILY = "cjk"
# GB/T 9704 margins in mm: top 37, bottom 35, left 28, right 26 (as consult.digests.reports._a4).
TOP, BOTTOM, LEFT, RIGHT = 37, 35, 28, 26
SIZES = {0: 20, 1: 15, 2: 13, 3: 12}  # title and heading levels, in pt
BODY, SMALL = 11.5, 9.5


class PdfFontMissing(ServiceError):
    pass


def font_files() -> tuple[Path, Path]:
    """The regular and bold font files from the config; refuses (503) when the regular one is missing."""
    regular = Path(current_app.config.get("PDF_FONT") or "")
    if not regular.is_file():
        raise PdfFontMissing(
            f"无法生成 PDF：找不到中文字体文件 {regular}。请安装 fonts-noto-cjk，或用 CONSULT_PDF_FONT 指定字体文件（.ttc/.otf/.ttf）。",
            503,
        )
    bold = Path(current_app.config.get("PDF_BOLD_FONT") or str(regular).replace("Regular", "Bold"))
    return regular, bold if bold.is_file() else regular


@lru_cache(maxsize=8)
def face_index(path: str) -> int:
    """In a collection (.ttc) the Simplified Chinese face (its family name ends in " SC"), else the first."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    finally:
        collection.close()
    return next((k for k, name in enumerate(names) if name.endswith(" SC") and "Mono" not in name), 0)


class OfficePdf:
    """A report being written: call the parts in reading order, then ``output()``."""

    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        regular, bold = font_files()
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(LEFT, TOP, RIGHT)
        pdf.set_auto_page_break(True, margin=BOTTOM)
        pdf.add_font(FAMILY, "", str(regular), collection_font_number=face_index(str(regular)))
        pdf.add_font(FAMILY, "B", str(bold), collection_font_number=face_index(str(bold)))
        pdf.set_title(title)
        pdf.set_lang("zh-CN")
        pdf.set_creator("Consult")
        pdf.footer = self._footer  # type: ignore[method-assign]
        pdf.add_page()
        self.pdf = pdf

    def _footer(self) -> None:
        # Page numbers as printed documents carry them: "- 3 -", centred below the text block.
        self.pdf.set_y(-BOTTOM + 10)
        self.pdf.set_font(FAMILY, "", SMALL)
        self.pdf.cell(0, 6, f"- {self.pdf.page_no()} -", align="C")

    def title(self, text: str) -> None:
        self.pdf.set_font(FAMILY, "B", SIZES[0])
        self.pdf.multi_cell(0, 11, text, align="C", wrapmode=_char_wrap(), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def heading(self, text: str, level: int = 1) -> None:
        if self.pdf.will_page_break(30):  # never a heading alone at the foot of a page
            self.pdf.add_page()
        self.pdf.ln(2)
        self.pdf.set_font(FAMILY, "B", SIZES.get(level, BODY))
        self.pdf.multi_cell(0, 8, text, align="L", wrapmode=_char_wrap(), new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, *, size: float = BODY, indent: bool = True) -> None:
        self.pdf.set_font(FAMILY, "", size)
        # Two full-width spaces open a paragraph, as in printed Chinese documents.
        body = ("\u3000\u3000" if indent else "") + text
        self.pdf.multi_cell(0, size * 0.6, body, align="J", wrapmode=_char_wrap(), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def bullet(self, text: str) -> None:
        self.paragraph(f"· {text}", size=BODY - 1, indent=False)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> None:
        """A ruled table with a bold header row repeated on every page; numbers right-aligned."""
        self.pdf.set_font(FAMILY, "", SMALL)
        with self.pdf.table(col_widths=tuple(widths) if widths else None, line_height=5.5, text_align="LEFT",
                            wrapmode=_char_wrap(), padding=1.2, repeat_headings=1) as table:
            head = table.row()
            for text in header:
                head.cell(str(text))
            for values in rows:
                row = table.row()
                for value in values:
                    text = "" if value is None else str(value)
                    row.cell(text, align="RIGHT" if _numeric(text) else "LEFT")
        self.pdf.ln(3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render(title: str, blocks: Sequence[tuple[Any, ...]]) -> bytes:
    """A whole report from blocks: ("title", text) ("heading", text, level) ("paragraph", text) ("bullet", text) ("table", header, rows)."""
    document = OfficePdf(title)
    for kind, *args in blocks:
        if kind == "title":
            document.title(args[0])
        elif kind == "heading":
            document.heading(args[0], args[1] if len(args) > 1 else 1)
        elif kind == "bullet":
            document.bullet(args[0])
        elif kind == "table":
            document.table(args[0], args[1], widths(args[0], args[1]))
        else:
            document.paragraph(args[0])
    return document.output()


def widths(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths in proportion to what they hold (long texts get room, counts stay narrow)."""
    sample = rows[:200]
    weights = []
    for k, name in enumerate(header):
        lengths = [_width(str(r[k])) for r in sample if k < len(r) and r[k] is not None]
        typical = sum(lengths) / len(lengths) if lengths else 0
        weights.append(max(_width(str(name)), min(typical, 80), 6))
    return weights


def _width(text: str) -> int:
    # A Chinese character is as wide as two Latin letters or digits.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _char_wrap() -> Any:
    from fpdf.enums import WrapMode

    # Chinese has no spaces between words: lines may break between any two characters.
    return WrapMode.CHAR


def _numeric(text: str) -> bool:
    return bool(text) and text.replace(".", "", 1).replace("%", "").replace(",", "").isdigit()


def pdf_response_headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={filename}"}
