"""The 专家论证 report of a plan (DOCX, A4, the office layout of the digest reports): who was consulted,
their opinions clause by clause with the answers and adoption, and their conclusions."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime

from consult.digests.reports import _a4, _table, local
from consult.experts.fields import field_labels
from consult.experts.invitations import for_plan
from consult.experts.models import ExpertInvitation, InvitationStatus
from consult.experts.opinions import by_clause, plan_opinions
from consult.plans.models import Comment, Plan
from consult.responses.models import Response
from consult.responses.operations import for_comments, status_labels
from worker.analysis.normalise import mask_personal

STATUS_NAMES = {
    InvitationStatus.PENDING: "未答复",
    InvitationStatus.ACCEPTED: "已接受",
    InvitationStatus.DECLINED: "已谢绝",
    InvitationStatus.WITHDRAWN: "已撤回",
}


def _experts_section(document: object, invitations: list[ExpertInvitation], counts: Counter[int]) -> None:
    document.add_heading("一、参加论证的专家", level=1)  # type: ignore[attr-defined]
    accepted = [i for i in invitations if i.status == InvitationStatus.ACCEPTED]
    fields = field_labels(sorted({f for i in accepted for f in i.expert.fields or []}))
    document.add_paragraph(  # type: ignore[attr-defined]
        f"共邀请专家 {len(invitations)} 位，其中接受邀请 {len(accepted)} 位，涉及领域：{fields or '无'}。"
        f"专家意见单独成为“专家意见”渠道，不计入公众意见的统计。"
    )
    rows = [
        [i.expert.name, i.expert.organisation, i.expert.title, field_labels(i.expert.fields), STATUS_NAMES.get(i.status, i.status),
         str(counts.get(i.id, 0))]
        for i in invitations if i.status != InvitationStatus.WITHDRAWN
    ]
    _table(document, ["姓名", "工作单位", "职称职务", "专业领域", "邀请状态", "意见数"], rows)
    overridden = [i for i in invitations if i.conflict_override]
    for i in overridden:
        document.add_paragraph(f"回避例外：{i.expert.name}已申报利益冲突，经改革办同意仍参加论证，理由：{mask_personal(i.conflict_override)}")  # type: ignore[attr-defined]


def _answer_text(response: Response | None, labels: dict[str, str]) -> tuple[str, str]:
    if response is None:
        return "尚未答复", ""
    reply = "；".join(p for p in (response.text, response.reason) if p)
    return labels.get(response.status, response.status), mask_personal(reply)


def _clauses_section(document: object, plan: Plan, opinions: list[Comment], responses: dict[int, Response]) -> None:
    document.add_heading("二、分条款专家意见及采纳情况", level=1)  # type: ignore[attr-defined]
    labels = status_labels()
    grouped = by_clause(opinions)
    clauses = [c for v in plan.versions for c in v.clauses if c.id in grouped]
    if not opinions:
        document.add_paragraph("专家尚未提出意见。")  # type: ignore[attr-defined]
    sections: list[tuple[str, list[Comment]]] = [(c.label, grouped[c.id]) for c in clauses]
    if grouped.get(None):
        sections.append(("整个方案", grouped[None]))
    for number, (label, comments) in enumerate(sections, start=1):
        document.add_heading(f"{number}. {label}", level=2)  # type: ignore[attr-defined]
        rows = []
        for comment in comments:
            status, reply = _answer_text(responses.get(comment.id), labels)
            rows.append([comment.author_label, mask_personal(comment.body), status, reply])
        _table(document, ["专家", "意见", "处理情况", "答复"], rows)


def _adoption_section(document: object, opinions: list[Comment], responses: dict[int, Response]) -> None:
    document.add_heading("三、采纳情况汇总", level=1)  # type: ignore[attr-defined]
    labels = status_labels()
    counts = Counter(responses[c.id].status for c in opinions if c.id in responses)
    answered = sum(counts.values())
    parts = "、".join(f"{labels.get(s, s)} {n} 条" for s, n in counts.most_common())
    document.add_paragraph(f"专家意见共 {len(opinions)} 条，已答复 {answered} 条（{parts or '无'}），未答复 {len(opinions) - answered} 条。")  # type: ignore[attr-defined]
    adopted = counts.get("adopted", 0) + counts.get("partly", 0)
    if answered:
        document.add_paragraph(f"采纳（含部分采纳）率：{adopted / answered:.0%}（以已答复意见为分母）。")  # type: ignore[attr-defined]


def _conclusions_section(document: object, invitations: list[ExpertInvitation]) -> None:
    document.add_heading("四、专家论证结论", level=1)  # type: ignore[attr-defined]
    written = [i for i in invitations if i.status == InvitationStatus.ACCEPTED and i.conclusion]
    if not written:
        document.add_paragraph("专家尚未提交总体论证结论。")  # type: ignore[attr-defined]
    for i in written:
        document.add_paragraph(f"{i.expert.name}（{field_labels(i.expert.fields)}）：{mask_personal(i.conclusion)}")  # type: ignore[attr-defined]


def docx(plan: Plan) -> bytes:
    """The report as .docx bytes; personal data in the opinions and answers is masked."""
    from docx import Document

    invitations = for_plan(plan.id)
    opinions = plan_opinions(plan.id)
    responses = for_comments([c.id for c in opinions])
    counts: Counter[int] = Counter(c.origin_id for c in opinions if c.origin_id is not None)
    document = Document()
    _a4(document)
    document.add_heading(f"《{plan.title}》专家论证报告", level=0)
    document.add_paragraph(f"生成时间：{local(datetime.now(UTC))}（北京时间）")
    if plan.department is not None:
        document.add_paragraph(f"起草部门：{plan.department.name}")
    _experts_section(document, invitations, counts)
    _clauses_section(document, plan, opinions, responses)
    _adoption_section(document, opinions, responses)
    _conclusions_section(document, invitations)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
