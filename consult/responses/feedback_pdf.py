"""The published adoption feedback (采纳情况反馈) as an A4 PDF: what the public report page shows, in
the office layout (标题, 一、二、 sections, tables), personal data masked, times in Beijing time."""

from __future__ import annotations

from typing import Any

from consult.core.files import pdf
from consult.core.web.templating import local_time as local
from consult.digests.reports import CN_NUMBERS
from consult.plans.models import Plan
from consult.responses import feedback
from worker.analysis.privacy import mask_text

MAX_OPINIONS = 200  # the web page's first page (fpdf2 lays out ~250 table rows a second); the rest are on the web page
Block = tuple[Any, ...]


def title(plan: Plan) -> str:
    return f"关于《{plan.title}》征求意见采纳情况的反馈"


def _reply(status: str, text: str, reason: str, labels: dict[str, str]) -> str:
    line = f"【{labels.get(status, status)}】{mask_text(text)}"
    return line + (f"（理由：{mask_text(reason)}）" if reason else "")


def _overview(data: feedback.FeedbackView) -> list[Block]:
    answered = sum(data.totals.values())
    parts = "、".join(f"{label} {data.totals.get(code, 0)} 条" for code, label in data.labels.items())
    blocks: list[Block] = [("heading", "一、总体情况", 1)]
    if data.report is not None and data.report.summary:
        blocks.append(("paragraph", mask_text(data.report.summary)))
    blocks.append(("paragraph", f"共收到意见 {data.total} 条，已答复 {answered} 条，其中{parts}。"))
    return blocks


def _by_clause(data: feedback.FeedbackView) -> list[Block]:
    codes = list(data.labels)
    header = ["条款", "意见数", *data.labels.values(), "未答复"]
    rows = [[row.label, row.total, *[row.statuses.get(c, 0) for c in codes], row.total - row.answered] for row in data.clauses]
    blocks: list[Block] = [("heading", "二、分条款采纳情况", 1), ("table", header, rows)]
    for k, row in enumerate(r for r in data.clauses if r.replies):
        blocks.append(("heading", f"（{CN_NUMBERS[k] if k < 10 else k + 1}）{row.label}", 2))
        blocks += [("bullet", _reply(r.status, r.text, r.reason, data.labels)) for r in row.replies]
    return blocks


def _by_cluster(data: feedback.FeedbackView) -> list[Block]:
    if not data.clusters:
        return []
    rows = [[row.label, row.total, "、".join(f"{data.labels.get(c, c)} {n}" for c, n in row.statuses.items()) or "未答复",
             "；".join(_reply(r.status, r.text, r.reason, data.labels) for r in row.replies)] for row in data.clusters]
    return [("heading", "三、分问题采纳情况", 1), ("table", ["问题", "意见数", "处理情况", "答复"], rows)]


def _diff(data: feedback.FeedbackView, number: str) -> list[Block]:
    blocks: list[Block] = [("heading", f"{number}、修订前后对照", 1)]
    if data.revised is None:
        return blocks + [("paragraph", "尚未发布修订版本。")]
    changed = [row for row in data.diff if row.kind != "same"]
    blocks.append(("paragraph", f"第 {data.base.number} 版（征求意见稿）与第 {data.revised.number} 版（修订稿）相比，修改 {len(changed)} 条，其余未修改。"))
    marks = {"changed": "修改", "added": "新增", "removed": "删除"}
    rows = [[row.label, marks[row.kind], "".join(t for _op, t in row.old), "".join(t for _op, t in row.new)] for row in changed]
    if rows:
        blocks.append(("table", ["条款", "变化", "征求意见稿", "修订稿"], rows))
    return blocks


def _opinions(data: feedback.FeedbackView, number: str) -> list[Block]:
    """The first page of public opinions (the web page's first page) with their answers."""
    blocks: list[Block] = [("heading", f"附件：公开意见及答复（{number}）", 1)]
    rows = []
    for row, comment in data.opinions[:MAX_OPINIONS]:
        reply = data.responses.get(comment.id)
        rows.append([row.label, mask_text(comment.author_label) or "匿名网友", local(comment.created_at), mask_text(comment.body),
                     _reply(reply.status, reply.text, reply.reason, data.labels) if reply else "尚未答复"])
    if not rows:
        return blocks + [("paragraph", "没有公开的意见。")]
    if data.public_count > len(rows):
        blocks.append(("paragraph", f"公开意见共 {data.public_count} 条，此处列出前 {len(rows)} 条，全部意见见网站上的采纳情况反馈页面。"))
    return blocks + [("table", ["条款", "昵称", "时间", "意见", "答复"], rows)]


def render(data: feedback.FeedbackView) -> bytes:
    """The PDF of a report view: a stored publication for the public (rendered once and kept), the
    live preview for staff before publishing."""
    plan = data.plan
    if data.publication is not None:
        published = f"第 {data.publication.version} 版，公布时间：{local(data.publication.published_at)}（北京时间）"
    else:
        published = "预览：尚未公布"
    blocks: list[Block] = [("title", title(plan)), ("paragraph", published), *_overview(data), *_by_clause(data), *_by_cluster(data)]
    blocks += _diff(data, "四" if data.clusters else "三")
    blocks += _opinions(data, "按条款排列")
    return pdf.render(title(plan), blocks)


def report_pdf(plan: Plan) -> bytes:
    """The staff preview's PDF (nothing published yet)."""
    return render(feedback.live_view(plan))
