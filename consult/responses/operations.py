"""Answering opinions: one comment, many comments or a whole digest cluster at once, templates, XLSX import.

An answer is always stored per comment (see ``consult.responses.models.Response``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core import audit
from consult.core.files.spreadsheets import TableError, read_table
from consult.core.models import User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.digests import store
from consult.digests.models import Digest, DigestStatus
from consult.extensions import db
from consult.plans.models import Comment, CommentStatus, Plan
from consult.responses.models import AnswerTemplate, Response, ResponseStatus
from worker.analysis.results import DigestResult

# Opinions that can be answered: public ones and imported (internal) letters; not pending or rejected.
ANSWERABLE = (CommentStatus.PUBLISHED, CommentStatus.INTERNAL)
MAX_TEXT = 2000
MAX_BULK = 5000  # ticked comments in one request
MAX_CLUSTER = 100_000  # a whole cluster (a form-letter campaign can be huge)
CHUNK = 500  # ids per IN (…) so SQLite's bound-parameter limit is never reached
MAX_IMPORT_ROWS = 20_000
CLUSTER_REF = re.compile(r"^D(\d{1,6})-T(\d{1,4})-I(\d{1,4})$")


def status_labels() -> dict[str, str]:
    return {
        ResponseStatus.ADOPTED: _("采纳"),
        ResponseStatus.PARTLY: _("部分采纳"),
        ResponseStatus.NOT_ADOPTED: _("未采纳"),
        ResponseStatus.COVERED: _("现行规定已有"),
    }


def _status(value: str) -> str:
    value = (value or "").strip()
    if value in {s.value for s in ResponseStatus}:
        return value
    # Imported sheets may carry the Chinese label instead of the code.
    by_label = {label: code for code, label in status_labels().items()}
    if value in by_label:
        return str(by_label[value])
    raise ServiceError(_("未知的处理结果“%(s)s”。", s=value[:20]), 400)


def _answer(status: str, text: str, reason: str) -> tuple[str, str, str]:
    status = _status(status)
    text = clean_text(text, field=_("答复内容"), max_chars=MAX_TEXT)
    reason = (reason or "").strip()
    if reason:
        reason = clean_text(reason, field=_("理由"), max_chars=MAX_TEXT)
    if status == ResponseStatus.NOT_ADOPTED and not reason:
        raise ServiceError(_("未采纳的意见必须说明理由。"), 400)
    return status, text, reason


def cluster_ref(digest_number: int, theme: int, issue: int) -> str:
    """The stable name of a digest cluster, 1-based as staff read it: D3-T1-I2."""
    return f"D{digest_number}-T{theme + 1}-I{issue + 1}"


def cluster_members(plan: Plan, ref: str) -> list[int]:
    """Comment ids of a cluster reference of this plan's digests; ServiceError if it names nothing."""

    match = CLUSTER_REF.match((ref or "").strip())
    if match is None:
        raise ServiceError(_("问题编号“%(r)s”格式不对，应为 D1-T1-I1 这样的形式。", r=(ref or "")[:40]), 400)
    number, theme, issue = (int(g) for g in match.groups())
    digest = db.session.scalar(
        select(Digest).where(Digest.plan_id == plan.id, Digest.number == number, Digest.status == DigestStatus.DONE)
    )
    if digest is not None and store.has_rows(db.session, digest):  # membership rows: the result is not read
        members = store.member_ids(db.session, digest, theme - 1, issue - 1)
        if members is None:
            raise ServiceError(_("第 %(n)s 版摘要中没有问题 %(r)s。", n=number, r=ref), 404)
        return members
    if digest is None or not digest.result:
        raise ServiceError(_("没有找到第 %(n)s 版摘要。", n=number), 404)
    result = DigestResult.from_dict(digest.result)
    if not (1 <= theme <= len(result.themes) and 1 <= issue <= len(result.themes[theme - 1].issues)):
        raise ServiceError(_("第 %(n)s 版摘要中没有问题 %(r)s。", n=number, r=ref), 404)
    return list(result.themes[theme - 1].issues[issue - 1].member_ids)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[k : k + CHUNK] for k in range(0, len(ids), CHUNK)]


def _answerable(plan: Plan, comment_ids: Sequence[int], limit: int = MAX_BULK) -> list[Comment]:
    ids = list(dict.fromkeys(int(i) for i in comment_ids))
    if not ids:
        raise ServiceError(_("请至少选择一条意见。"), 400)
    if len(ids) > limit:
        raise ServiceError(_("一次最多答复 %(n)s 条意见。", n=limit), 400)
    found = [
        c
        for chunk in _chunks(ids)
        for c in db.session.scalars(
            select(Comment).where(Comment.id.in_(chunk), Comment.plan_id == plan.id, Comment.status.in_(ANSWERABLE))
        )
    ]
    missing = sorted(set(ids) - {c.id for c in found})
    if missing:
        # A foreign or unknown id in a bulk action refuses the whole action: nothing half applied.
        shown = "、".join(str(i) for i in missing[:10])
        raise ServiceError(_("以下意见不属于该方案或不可答复：%(ids)s", ids=shown), 400)
    return found


def respond(
    actor: User,
    plan: Plan,
    comment_ids: Sequence[int],
    *,
    status: str,
    text: str,
    reason: str = "",
    cluster: str = "",
    audit_action: str = "response.reply",
    limit: int = MAX_BULK,
    skipped: int = 0,
) -> int:
    """Set (or replace) the answer of each comment. Returns how many comments were answered."""
    status, text, reason = _answer(status, text, reason)
    comments = _answerable(plan, comment_ids, limit)
    _store(actor, plan, [(c.id, status, text, reason, cluster) for c in comments])
    audit.record(
        actor, audit_action, "plan", plan.id, department_id=plan.department_id,
        status=status, count=len(comments), cluster=cluster or None, comment_ids=[c.id for c in comments][:50],
        **({"skipped": skipped} if skipped else {}),
    )
    return len(comments)


def _store(actor: User, plan: Plan, answers: list[tuple[int, str, str, str, str]]) -> None:
    ids = [a[0] for a in answers]
    existing = {r.comment_id: r for chunk in _chunks(ids) for r in db.session.scalars(select(Response).where(Response.comment_id.in_(chunk)))}
    now = datetime.now(UTC)
    for comment_id, status, text, reason, cluster in answers:
        response = existing.get(comment_id)
        if response is None:
            response = Response(comment_id=comment_id, plan_id=plan.id, created_at=now)
            db.session.add(response)
        response.status, response.text, response.reason = status, text, reason
        response.cluster_ref, response.responder_id, response.updated_at = cluster[:40], actor.id, now
    db.session.flush()


@dataclass(frozen=True)
class Outcome:
    """How many opinions got the answer and how many were left alone because they already had one."""

    answered: int
    skipped: int


def _live_members(plan: Plan, ref: str) -> list[int]:
    members = cluster_members(plan, ref)
    return [
        i
        for chunk in _chunks(members)
        for i in db.session.scalars(select(Comment.id).where(Comment.id.in_(chunk), Comment.plan_id == plan.id, Comment.status.in_(ANSWERABLE)))
    ]


def _answered(ids: Sequence[int]) -> set[int]:
    return {i for chunk in _chunks(list(ids)) for i in db.session.scalars(select(Response.comment_id).where(Response.comment_id.in_(chunk)))}


def cluster_counts(plan: Plan, ref: str) -> tuple[int, int]:
    """(not yet answered, already answered) opinions of a cluster, shown before a cluster answer is sent."""
    live = _live_members(plan, ref)
    done = len(_answered(live))
    return len(live) - done, done


def answer_opinions(
    actor: User, plan: Plan, picked: Sequence[int], *, overwrite: Sequence[int] = (), cluster: str = "",
    status: str, text: str, reason: str = "",
) -> Outcome:
    """Answer the picked opinions, or the whole cluster when none is picked.

    An opinion that already has an answer keeps it unless it is listed in ``overwrite`` (staff tick
    each one): a generic cluster or template answer must never replace a written one silently."""
    status, text, reason = _answer(status, text, reason)
    wanted = list(dict.fromkeys(int(i) for i in picked)) if picked or not cluster else _live_members(plan, cluster)
    if cluster and not picked and not wanted:
        raise ServiceError(_("该问题下没有可答复的意见。"), 409)
    done = _answered(wanted)
    confirmed = list(dict.fromkeys(int(i) for i in overwrite))
    targets = list(dict.fromkeys([i for i in wanted if i not in done] + confirmed))
    skipped = len(done - set(confirmed))
    if not targets and wanted:
        raise ServiceError(_("所选意见都已有答复，已全部跳过。如需改写某条答复，请逐条勾选“改写已有答复”。"), 409)
    action = "response.cluster" if cluster and not picked else "response.reply"
    count = respond(actor, plan, targets, status=status, text=text, reason=reason, cluster=cluster.strip() if not picked else "",
                    audit_action=action, limit=MAX_CLUSTER if cluster and not picked else MAX_BULK, skipped=skipped)
    return Outcome(count, skipped)


def respond_cluster(actor: User, plan: Plan, ref: str, *, status: str, text: str, reason: str = "") -> int:
    """Answer the cluster's opinions that have no answer yet (the ones answered before keep theirs)."""
    return answer_opinions(actor, plan, [], cluster=ref, status=status, text=text, reason=reason).answered


def for_comments(comment_ids: Sequence[int]) -> dict[int, Response]:
    return {r.comment_id: r for chunk in _chunks(list(comment_ids)) for r in db.session.scalars(select(Response).where(Response.comment_id.in_(chunk)))}


def unanswered_query(plan_id: int):  # type: ignore[no-untyped-def]
    return select(Comment).where(
        Comment.plan_id == plan_id,
        Comment.status.in_(ANSWERABLE),
        ~select(Response.id).where(Response.comment_id == Comment.id).exists(),
    )


def unanswered_counts(plan_ids: Sequence[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(Comment.plan_id, func.count(Comment.id))
        .outerjoin(Response, Response.comment_id == Comment.id)
        .where(Comment.plan_id.in_(list(plan_ids)), Comment.status.in_(ANSWERABLE), Response.id.is_(None))
        .group_by(Comment.plan_id)
    )
    return {plan_id: n for plan_id, n in rows}


# --- templates -----------------------------------------------------------------------------------


def templates_for(user: User) -> list[AnswerTemplate]:
    query = select(AnswerTemplate).order_by(AnswerTemplate.title)
    if user.role == "department":
        query = query.where((AnswerTemplate.department_id.is_(None)) | (AnswerTemplate.department_id == user.department_id))
    return list(db.session.scalars(query))


def usable_template(user: User, template_id: int) -> AnswerTemplate:
    template = db.session.get(AnswerTemplate, template_id)
    if template is None or template not in templates_for(user):
        raise ServiceError(_("没有找到该答复模板。"), 404)
    return template


def create_template(actor: User, *, title: str, status: str, text: str, reason: str = "") -> AnswerTemplate:
    title = clean_text(title, field=_("模板名称"), max_chars=100)
    status, text, reason = _answer(status, text, reason)
    template = AnswerTemplate(
        title=title, status=status, text=text, reason=reason, created_by_id=actor.id,
        # Department staff make templates for their department; office staff make shared ones.
        department_id=actor.department_id if actor.role == "department" else None,
    )
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "template.create", "answer_template", template.id, title=title)
    return template


def delete_template(actor: User, template_id: int) -> None:
    template = usable_template(actor, template_id)
    if actor.role == "department" and template.department_id is None:
        raise ServiceError(_("通用模板只能由改革办工作人员删除。"), 403)
    audit.record(actor, "template.delete", "answer_template", template.id, title=template.title)
    db.session.delete(template)
    db.session.flush()


# --- XLSX import ---------------------------------------------------------------------------------

COLUMNS = {
    "comment": ("意见编号", "comment id", "comment_id"),
    "cluster": ("问题编号", "cluster ref", "cluster"),
    "status": ("处理结果", "status"),
    "reply": ("答复", "reply"),
    "reason": ("理由", "reason"),
}


class ImportRefused(ServiceError):
    """The whole file was refused; ``rows`` says which rows are wrong and why."""

    def __init__(self, message: str, rows: list[tuple[int, str]]) -> None:
        super().__init__(message, 400)
        self.rows = rows


def _column(row: dict[str, str], key: str) -> str:
    lowered = {k.strip().lower(): v for k, v in row.items()}
    for name in COLUMNS[key]:
        if name.lower() in lowered:
            return (lowered[name.lower()] or "").strip()
    return ""


def _sheet_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """The answer sheet's rows, refused as a whole when it is not one we can read."""
    if not (filename or "").lower().endswith(".xlsx"):
        raise ServiceError(_("请上传 .xlsx 文件。"), 400)
    try:
        rows = read_table(filename, data)
    except TableError as error:
        raise ServiceError(error.message, 400) from None
    if not rows:
        raise ServiceError(_("文件中没有数据行。"), 400)
    if len(rows) > MAX_IMPORT_ROWS:
        raise ServiceError(_("一次最多导入 %(n)s 行。", n=MAX_IMPORT_ROWS), 400)
    header = {k.strip().lower() for k in rows[0]}
    if not any(n.lower() in header for n in COLUMNS["status"]) or not any(n.lower() in header for k in ("comment", "cluster") for n in COLUMNS[k]):
        raise ServiceError(_("缺少必需的列：意见编号（或问题编号）、处理结果、答复、理由。"), 400)
    return rows


def import_answers(actor: User, plan: Plan, filename: str, data: bytes) -> Outcome:
    """All or nothing: every row is checked first; one bad row refuses the file with a per-row list."""
    rows = _sheet_rows(filename, data)
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, int | None, str, str, str, str]] = []  # (row, comment id, cluster ref, status, text, reason)
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            values = [_column(row, k) for k in COLUMNS]
            if any(v.startswith(("=", "+", "@")) for v in values):
                raise ServiceError(_("单元格不能是公式。"))
            comment_value, ref, status_value, reply, reason = values
            status, text, reason = _answer(status_value, reply, reason)
            if comment_value and ref:
                raise ServiceError(_("意见编号和问题编号只能填一个。"))
            if comment_value and not comment_value.isdigit():
                raise ServiceError(_("意见编号“%(v)s”不是数字。", v=comment_value[:20]))
            if not comment_value and not ref:
                raise ServiceError(_("请填写意见编号或问题编号。"))
            parsed.append((number, int(comment_value) if comment_value else None, ref, status, text, reason))
        except ServiceError as error:
            errors.append((number, error.message))
    # One query per chunk of ids rather than per row: a 20 000-row sheet stays quick.
    wanted = [p[1] for p in parsed if p[1] is not None]
    answerable = {
        i
        for chunk in _chunks(list(dict.fromkeys(wanted)))
        for i in db.session.scalars(select(Comment.id).where(Comment.id.in_(chunk), Comment.plan_id == plan.id, Comment.status.in_(ANSWERABLE)))
    }
    answers: dict[int, tuple[int, str, str, str, str]] = {}
    clusters: dict[str, list[int]] = {}
    skipped: set[int] = set()
    # Cluster rows first, so a row naming one opinion wins over its cluster's row in the same file.
    for number, comment_id, ref, status, text, reason in sorted(parsed, key=lambda p: p[1] is not None):
        try:
            if comment_id is not None:
                if comment_id not in answerable:
                    raise ServiceError(_("以下意见不属于该方案或不可答复：%(ids)s", ids=comment_id))
                ids = [comment_id]
            else:
                if ref not in clusters:
                    live = [c.id for c in _answerable(plan, cluster_members(plan, ref), MAX_CLUSTER)]
                    done = _answered(live)
                    # A cluster row never replaces an opinion's own answer (only a row naming the opinion does).
                    skipped |= done
                    clusters[ref] = [i for i in live if i not in done]
                ids = clusters[ref]
        except ServiceError as error:
            errors.append((number, error.message))
            continue
        for i in ids:
            answers[i] = (i, status, text, reason, ref)
    errors.sort()
    if errors:
        raise ImportRefused(_("文件中有 %(n)s 行有误，整个文件未导入，请改正后重新上传。", n=len(errors)), errors[:200])
    skipped -= set(answers)
    if answers:
        _store(actor, plan, list(answers.values()))
    audit.record(actor, "response.import", "plan", plan.id, department_id=plan.department_id, filename=(filename or "")[:100], rows=len(rows), count=len(answers), skipped=len(skipped))
    return Outcome(len(answers), len(skipped))
