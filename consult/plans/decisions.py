"""The decision procedure of a plan (重大行政决策程序): steps with dates, outcomes and documents, and the
public timeline. Public participation is read from the plan's comment window; the expert review is
filled by the expert feature (consult.experts.opinions.sync_review_step) until staff write it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.core import audit, channels
from consult.core.models import User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.core.web.templating import local_time
from consult.extensions import db
from consult.plans.models import (
    Comment,
    CommentStatus,
    DecisionDocument,
    DecisionKind,
    DecisionStep,
    Plan,
)

KIND_LABELS = {
    DecisionKind.PUBLIC_PARTICIPATION: _l("公众参与"),
    DecisionKind.EXPERT_REVIEW: _l("专家论证"),
    DecisionKind.RISK_ASSESSMENT: _l("风险评估"),
    DecisionKind.LEGALITY_REVIEW: _l("合法性审查"),
    DecisionKind.COLLECTIVE_DECISION: _l("集体讨论决定"),
}
KINDS = tuple(KIND_LABELS)

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # below the request limit (MAX_CONTENT_LENGTH, 8 MB)
MAX_DOCUMENTS = 10  # per step
# Extension → (content type, what the first bytes must be); an upload whose bytes do not match is refused.
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
ANALYSED = (CommentStatus.PUBLISHED, CommentStatus.INTERNAL)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))  # type: ignore[call-overload]


def steps_of(plan: Plan) -> dict[str, DecisionStep]:
    return {s.kind: s for s in db.session.scalars(select(DecisionStep).where(DecisionStep.plan_id == plan.id))}


def check_document(filename: str, data: bytes) -> tuple[str, str]:
    """(safe file name, content type) or a ServiceError saying what is wrong."""
    name = os.path.basename((filename or "").replace("\\", "/")).strip()[:200]
    extension = os.path.splitext(name)[1].lower()
    if extension not in DOCUMENT_TYPES:
        raise ServiceError(_("附件只能是 PDF、Word（.docx）、Excel（.xlsx）、OFD 或图片（PNG、JPG）。"), 415, field="document")
    if not data:
        raise ServiceError(_("附件是空文件。"), field="document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ServiceError(_("附件不能超过 5 MB（当前 %(n).1f MB）。", n=len(data) / 1024 / 1024), 413, field="document")
    content_type, magic = DOCUMENT_TYPES[extension]
    if not data.startswith(magic):
        raise ServiceError(_("附件内容与扩展名 %(e)s 不符。", e=extension), 415, field="document")
    return name, content_type


def parse_day(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(_("日期格式应为 YYYY-MM-DD，例如 2026-12-31。"), field="held_on") from None


def save_step(actor: User, plan: Plan, kind: str, *, held_on: date | None, outcome: str,
              document: tuple[str, bytes] | None = None) -> DecisionStep:
    """Write one step (staff now own its text); an attached document is checked and added."""
    if kind not in KINDS:
        raise ServiceError(_("没有这个决策程序环节。"), 404)
    text = clean_text(outcome, field=_("结果"), max_chars=5000, key="outcome") if (outcome or "").strip() else ""
    if held_on is None and not text and document is None:
        raise ServiceError(_("请至少填写日期、结果或上传一份文件。"), field="outcome")
    step = steps_of(plan).get(kind)
    if step is None:
        step = DecisionStep(plan_id=plan.id, kind=kind, outcome="")
        db.session.add(step)
    if document is not None:
        if len(step.documents) >= MAX_DOCUMENTS:
            raise ServiceError(_("每个环节最多 %(n)s 份文件。", n=MAX_DOCUMENTS), 409, field="document")
        name, content_type = check_document(*document)
        step.documents.append(DecisionDocument(filename=name, content_type=content_type, size=len(document[1]), data=document[1]))
    step.held_on, step.outcome, step.filled_by, step.updated_by_id = held_on, text, "staff", actor.id
    db.session.flush()
    audit.record(actor, "decision.save", "plan", plan.id, department_id=plan.department_id, kind=kind,
                 document=document[0][:200] if document else None)
    return step


def delete_document(actor: User, plan: Plan, document_id: int) -> None:
    document = db.session.get(DecisionDocument, document_id)
    if document is None or document.step.plan_id != plan.id:
        raise ServiceError(_("没有找到该文件。"), 404)
    db.session.delete(document)
    db.session.flush()
    audit.record(actor, "decision.document_delete", "plan", plan.id, department_id=plan.department_id, filename=document.filename)


def public_document(plan: Plan, document_id: int) -> DecisionDocument | None:
    document = db.session.get(DecisionDocument, document_id)
    return document if document is not None and document.step.plan_id == plan.id else None


@dataclass
class Entry:
    """One step as the public timeline shows it."""

    kind: str
    label: str
    done: bool
    when: str = ""
    outcome: str = ""
    documents: list[DecisionDocument] = field(default_factory=list)
    ongoing: bool = False  # under way (the comment window is open)


def _participation(plan: Plan, step: DecisionStep | None) -> Entry:
    entry = Entry(DecisionKind.PUBLIC_PARTICIPATION, kind_label(DecisionKind.PUBLIC_PARTICIPATION), done=False)
    if plan.published and plan.opens_at is not None:
        # Opinions the public report counts: every channel except those kept out of public figures.
        conditions = [Comment.plan_id == plan.id, Comment.status.in_(ANALYSED)]
        if channels.untallied():
            conditions.append(Comment.source.not_in(channels.untallied()))
        count = db.session.scalar(select(func.count(Comment.id)).where(*conditions)) or 0
        entry.when = f"{local_time(plan.opens_at, '%Y-%m-%d')} 至 {local_time(plan.closes_at, '%Y-%m-%d')}"
        entry.done, entry.ongoing = not plan.is_open, plan.is_open
        entry.outcome = _("公开征求意见，收到意见 %(n)s 条。", n=count) + ("" if entry.done else _("（正在征求意见）"))
    if step is not None:
        entry.outcome = step.outcome or entry.outcome
        entry.documents = list(step.documents)
    return entry


def timeline(plan: Plan) -> list[Entry]:
    """Every kind in procedure order; a step not yet recorded shows as pending."""
    steps = steps_of(plan)
    entries = [_participation(plan, steps.get(DecisionKind.PUBLIC_PARTICIPATION))]
    for kind in KINDS[1:]:
        step = steps.get(kind)
        done = step is not None and (step.held_on is not None or bool(step.outcome))
        entries.append(Entry(
            kind, kind_label(kind), done=done, when=step.held_on.isoformat() if step is not None and step.held_on else "",
            outcome=step.outcome if step is not None else "", documents=list(step.documents) if step is not None else [],
        ))
    return entries
