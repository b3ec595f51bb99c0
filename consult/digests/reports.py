"""Digest reports for people: DOCX (what offices circulate), XLSX (a row per opinion), HTML, JSON.

Every text that leaves the system here has personal data masked.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_app_context, render_template

from consult.core import channels, clock
from consult.core.files import pdf
from consult.core.files.spreadsheets import TableError, decimal, percent, read_table, write_xlsx
from consult.core.web.languages import N_
from consult.digests import readable
from worker.analysis.normalise import mask_personal
from worker.analysis.phrasing import clip
from worker.analysis.pipeline import DigestDoc, DigestResult, build_digest

STANCE_LABELS = {"support": N_("支持"), "oppose": N_("反对"), "suggestion": N_("建议"), "question": N_("疑问"), "neutral": N_("未判定")}  # N_: translated where shown


@dataclass
class Opinion:
    """What a report shows of one opinion."""

    id: int
    text: str
    created_at: datetime
    source: str
    clause: str


def analyze_table(filename: str, data: bytes, *, text_col: str, date_col: str | None = None) -> tuple[DigestResult, dict[int, Opinion]]:
    from worker.analysis.segment import Segmenter

    rows = read_table(filename, data)
    if rows and text_col not in rows[0]:
        raise TableError(f"文件中没有名为“{text_col}”的列。")
    texts = [(r.get(text_col) or "").strip() for r in rows]
    now = datetime.now(UTC)
    dates = []
    for r in rows:
        try:
            dates.append(datetime.fromisoformat((r.get(date_col or "") or "")[:10]).replace(tzinfo=UTC) if date_col else now)
        except ValueError:
            dates.append(now)
    keep = [i for i, t in enumerate(texts) if t]
    if not keep:
        raise TableError("文件中没有可分析的文字。")
    tokens = Segmenter().tokens_many([texts[i] for i in keep])
    docs = [DigestDoc(id=i + 1, tokens=tok, text=texts[i], created_at=dates[i], source=channels.FILE_IMPORT) for i, tok in zip(keep, tokens, strict=True)]
    opinions = {d.id: Opinion(d.id, mask_personal(d.text), d.created_at, d.source, "") for d in docs}
    return build_digest(docs), opinions


def masked_dict(result: DigestResult) -> dict[str, Any]:
    data = result.to_dict()
    for theme in data["themes"]:
        theme["representative_texts"] = [mask_personal(t) for t in theme["representative_texts"]]
        for issue in theme["issues"]:
            issue["representative_texts"] = [mask_personal(t) for t in issue["representative_texts"]]
    for campaign in data["campaigns"]:
        campaign["representative_text"] = mask_personal(campaign["representative_text"])
    return data


def stance_text(counts: dict[str, int]) -> str:
    return "，".join(f"{STANCE_LABELS.get(k, k)} {v}" for k, v in counts.items() if v)


def campaign_of(result: DigestResult) -> dict[int, int]:
    """Opinion id → campaign number (1-based) for opinions that belong to a campaign."""
    return {m: n for n, c in enumerate(result.campaigns, start=1) for m in c.member_ids}


def local_zone() -> ZoneInfo:
    """The office's time zone: reports never print UTC."""
    return clock.zone()


def local(value: datetime, fmt: str = clock.MINUTE) -> str:
    return clock.local(value, fmt)


def readable_parts(result: DigestResult, opinions: dict[int, Opinion], number: int, clause_order: list[int] | None = None) -> tuple[list[readable.ThemeView], readable.Overview]:
    threshold = readable.min_confidence() if has_app_context() else readable.DEFAULT_MIN_CONFIDENCE
    themes = readable.describe(result, number, {i: o.text for i, o in opinions.items()}, threshold)
    order = clause_order if clause_order is not None else sorted({c for c, _conf in result.clause_links.values()})
    return themes, readable.overview(result, opinions, order, threshold, daily_counts(opinions))


CN_NUMBERS = "一二三四五六七八九十"


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)


def _a4(document: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    # Body in 仿宋, headings in 黑体, as offices print them (Word falls back if a font is missing).
    for name, font in (("Normal", "仿宋"), ("Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "楷体"), ("Heading 3", "仿宋")):
        style = document.styles[name]
        style.font.name = font
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    document.styles["Normal"].font.size = Pt(14)

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        # GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = section.footer_distance = Cm(1.5)


Block = tuple[Any, ...]  # ("title", text) ("heading", text, level) ("paragraph", text) ("bullet", text) ("table", header, rows)


def _issue_blocks(t: int, tv: readable.ThemeView, clause_labels: dict[int, str]) -> list[Block]:
    blocks: list[Block] = [
        ("heading", f"（{CN_NUMBERS[t] if t < 10 else t + 1}）{tv.label}（{tv.size} 条，占 {tv.share:.0%}）", 2),
        ("paragraph", f"立场：{stance_text(tv.stance_counts)}。"),
    ]
    for k, iv in enumerate(tv.issues, start=1):
        blocks.append(("heading", f"{k}. {iv.label}（{iv.size} 条，问题编号 {iv.ref}）", 3))
        facts = [f"立场：{stance_text(iv.stance_counts)}"]
        if iv.clauses:
            facts.append("涉及条款：" + "、".join(f"{clause_labels.get(c, c)}（{n}）" for c, n in iv.clauses[:4]))
        if iv.campaigns:
            facts.append("雷同意见：" + "、".join(f"附件第{n}组" for n in iv.campaigns))
        if iv.summary:
            blocks.append(("paragraph", f"主要意见：{iv.summary}"))
        blocks.append(("paragraph", "；".join(facts) + "。"))
        blocks += [("bullet", f"“{q.text}”（意见 #{q.comment_id}）") for q in iv.quotes]
    return blocks


def report_blocks(title: str, result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None, *, number: int = 1, clause_order: list[int] | None = None) -> list[Block]:
    """The report's content in reading order, written once for the DOCX and the PDF: 标题, 一、二、 sections, tables, 附件."""
    clause_labels = clause_labels or {}
    themes, ov = readable_parts(result, opinions, number, clause_order)
    span = f"，时间为 {ov.per_day[0][0]} 至 {ov.per_day[-1][0]}" if ov.per_day else ""
    per_channel = "、".join(f"{channels.label(s)} {n} 条" for s, n in ov.per_channel)
    blocks: list[Block] = [
        ("title", title),
        ("paragraph", f"生成时间：{local(datetime.now(UTC))}（北京时间）"),
        ("heading", "一、总体情况", 1),
        ("paragraph", f"共收到意见 {ov.total} 条{span}；其中{per_channel or '无'}。归纳为 {len(themes)} 个主题、"
                      f"{sum(len(t.issues) for t in themes)} 个具体问题；识别出批量（雷同）意见 {len(result.campaigns)} 组（见附件）。"),
        ("table", ["序号", "主题", "意见数", "占比", "立场"], [[str(k), tv.label, str(tv.size), f"{tv.share:.0%}", stance_text(tv.stance_counts)] for k, tv in enumerate(themes, start=1)]),
        ("heading", "二、主要意见", 1),
    ]
    for t, tv in enumerate(themes):
        blocks += _issue_blocks(t, tv, clause_labels)
    blocks += [
        ("heading", "三、分条款意见", 1),
        ("paragraph", f"自动匹配的条款在置信度不低于 {ov.threshold:.2f} 时计入该条款，其余计入“整个方案”。"),
        ("table", ["条款", "意见数"], [[clause_labels.get(c, str(c)), str(n)] for c, n in ov.per_clause] + [["整个方案（未能确定条款）", str(ov.whole_plan)]]),
        ("heading", "四、每日意见数", 1),
        ("table", ["日期", "意见数"], [[day, str(n)] for day, n in ov.per_day]),
        ("heading", "附件：批量（雷同）意见", 1),
    ]
    if not result.campaigns:
        blocks.append(("paragraph", "未发现批量（雷同）意见。"))
    rows = [
        [str(n), str(c.size), local(c.first_at), local(c.last_at), clip(mask_personal(c.representative_text), 120)]
        for n, c in enumerate(result.campaigns, start=1)
    ]
    if rows:
        blocks.append(("table", ["组别", "份数", "首次", "最近", "代表文本（节选）"], rows))
    return blocks


def docx_report(title: str, result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None, *, number: int = 1, clause_order: list[int] | None = None) -> bytes:
    """A4, 标题 then 一、二、 sections, a per-clause table and 附件 with the campaign list; local times."""
    from docx import Document

    document = Document()
    _a4(document)
    for kind, *args in report_blocks(title, result, opinions, clause_labels, number=number, clause_order=clause_order):
        if kind == "title":
            document.add_heading(args[0], level=0)
        elif kind == "heading":
            document.add_heading(args[0], level=args[1])
        elif kind == "bullet":
            document.add_paragraph(args[0], style="List Bullet")
        elif kind == "table":
            _table(document, *args)
        else:
            document.add_paragraph(args[0])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_report(title: str, result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None, *, number: int = 1, clause_order: list[int] | None = None) -> bytes:
    """The same report as the DOCX, as an A4 PDF with the CJK font embedded (consult.core.files.pdf)."""
    return pdf.render(title, report_blocks(title, result, opinions, clause_labels, number=number, clause_order=clause_order))


def xlsx_report(result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None, digest_number: int | None = None) -> bytes:
    clause_labels = clause_labels or {}

    def ref(t: int, i: int) -> str:
        # The cluster reference staff use to answer a whole issue (see consult.responses.operations).
        return f"D{digest_number}-T{t + 1}-I{i + 1}" if digest_number else f"{t + 1}.{i + 1}"

    campaigns = campaign_of(result)
    rows = []
    for doc_id, (t, i) in sorted(result.assignments.items()):
        opinion = opinions.get(doc_id)
        if opinion is None:
            continue
        theme = result.themes[t]
        link = result.clause_links.get(doc_id)
        rows.append([
            doc_id,
            channels.label(opinion.source),
            local(opinion.created_at),
            opinion.clause or (clause_labels.get(link[0], "") if link else ""),
            decimal(link[1], 2) if link and not opinion.clause else "",
            theme.label,
            theme.issues[i].label,
            ref(t, i),
            campaigns.get(doc_id, ""),
            opinion.text,
        ])
    summary = [
        [ref(t, i), theme.label, issue.label, issue.size, percent(issue.share), "、".join(issue.keywords), stance_text(issue.stance_counts)]
        for t, theme in enumerate(result.themes)
        for i, issue in enumerate(theme.issues)
    ]
    return write_xlsx([
        ("意见", ["编号", "来源", "时间", "条款", "条款匹配置信度", "主题", "问题", "问题编号", "雷同组", "内容（已脱敏）"], rows),
        ("问题汇总", ["问题编号", "主题", "问题", "条数", "占比", "关键词", "立场"], summary),
    ])


def html_report(title: str, result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None, *, number: int = 1, clause_order: list[int] | None = None) -> str:
    themes, ov = readable_parts(result, opinions, number, clause_order)
    return render_template(
        "digests/report.html", title=title, result=result, themes_view=themes, overview=ov, clause_labels=clause_labels or {},
        stance_text=stance_text, source_labels=channels.labels(), generated=datetime.now(UTC),
    )


def daily_counts(opinions: dict[int, Opinion]) -> list[tuple[str, int]]:
    counts = Counter(local(o.created_at, "%Y-%m-%d") for o in opinions.values())
    return sorted(counts.items())
