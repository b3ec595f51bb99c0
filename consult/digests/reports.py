"""Digest reports for people: DOCX (what offices circulate), XLSX (a row per opinion), HTML, JSON.

Every text that leaves the system here has personal data masked.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import render_template

from consult.core import channels
from consult.core.spreadsheets import TableError, read_table, write_xlsx
from worker.analysis.normalise import mask_personal
from worker.analysis.pipeline import DigestDoc, DigestResult, build_digest

STANCE_LABELS = {"support": "支持", "oppose": "反对", "suggestion": "建议", "question": "疑问", "neutral": "其他"}


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
    docs = [DigestDoc(id=i + 1, tokens=tok, text=texts[i], created_at=dates[i], source="import") for i, tok in zip(keep, tokens, strict=True)]
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


def docx_report(title: str, result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None) -> bytes:
    from docx import Document

    clause_labels = clause_labels or {}
    document = Document()
    document.add_heading(title, level=0)
    total = sum(t.size for t in result.themes)
    document.add_paragraph(
        f"共分析意见 {total} 条，归纳为 {len(result.themes)} 个主题、{sum(len(t.issues) for t in result.themes)} 个具体问题；"
        f"识别出批量（雷同）意见 {len(result.campaigns)} 组。生成时间：{datetime.now(UTC).astimezone().strftime('%Y-%m-%d %H:%M')}。"
    )
    for t_index, theme in enumerate(result.themes, start=1):
        document.add_heading(f"主题{t_index}：{theme.label}（{theme.size} 条，{theme.share:.0%}）", level=1)
        document.add_paragraph(f"关键词：{'、'.join(theme.keywords)}；立场：{stance_text(theme.stance_counts)}")
        for i_index, issue in enumerate(theme.issues, start=1):
            document.add_heading(f"{t_index}.{i_index} {issue.label}（{issue.size} 条）", level=2)
            clauses = "、".join(clause_labels.get(int(c), str(c)) for c in list(issue.clause_counts)[:5])
            document.add_paragraph(f"关键词：{'、'.join(issue.keywords)}；立场：{stance_text(issue.stance_counts)}" + (f"；涉及条款：{clauses}" if clauses else ""))
            for text in issue.representative_texts:
                document.add_paragraph(mask_personal(text), style="List Bullet")
    if result.campaigns:
        document.add_heading("批量（雷同）意见", level=1)
        for n, campaign in enumerate(result.campaigns, start=1):
            document.add_paragraph(
                f"第{n}组：{campaign.size} 份，{campaign.first_at:%Y-%m-%d} 至 {campaign.last_at:%Y-%m-%d}。代表文本：{mask_personal(campaign.representative_text)[:300]}"
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
            opinion.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            opinion.clause or (clause_labels.get(link[0], "") if link else ""),
            round(link[1], 2) if link and not opinion.clause else "",
            theme.label,
            theme.issues[i].label,
            ref(t, i),
            campaigns.get(doc_id, ""),
            opinion.text,
        ])
    summary = [
        [ref(t, i), theme.label, issue.label, issue.size, f"{issue.share:.1%}", "、".join(issue.keywords), stance_text(issue.stance_counts)]
        for t, theme in enumerate(result.themes)
        for i, issue in enumerate(theme.issues)
    ]
    return write_xlsx([
        ("意见", ["编号", "来源", "时间", "条款", "条款匹配置信度", "主题", "问题", "问题编号", "雷同组", "内容（已脱敏）"], rows),
        ("问题汇总", ["问题编号", "主题", "问题", "条数", "占比", "关键词", "立场"], summary),
    ])


def html_report(title: str, result: DigestResult, opinions: dict[int, Opinion], clause_labels: dict[int, str] | None = None) -> str:
    return render_template("digests/report.html", title=title, result=result, opinions=opinions, clause_labels=clause_labels or {}, stance_text=stance_text, generated=datetime.now(UTC))


def daily_counts(opinions: dict[int, Opinion]) -> list[tuple[str, int]]:
    counts = Counter(o.created_at.astimezone().strftime("%Y-%m-%d") for o in opinions.values())
    return sorted(counts.items())
