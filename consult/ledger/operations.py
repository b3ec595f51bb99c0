"""Changes to the ledger: tasks, milestones, progress reports and their review, supervision records,
opinions carried out. Operations flush; the request commits. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit, notifications
from consult.core.models import Department, Role, User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.ledger.models import (
    Milestone,
    ProgressReport,
    ReformTask,
    ReportAttachment,
    ReportReview,
    SupervisionRecord,
    TaskOpinion,
    TaskPartner,
    TaskStatus,
)
from consult.ledger.queries import can_report, department_ids
from consult.responses.models import Response

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_MAX_FILES = 5
ATTACHMENT_TYPES = {".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".jpg": "image/jpeg",
                    ".jpeg": "image/jpeg", ".png": "image/png", ".txt": "text/plain"}


@dataclass
class TaskFields:
    title: str
    year: int
    code: str = ""
    description: str = ""
    parent_id: int | None = None
    plan_id: int | None = None
    is_major: bool = False
    lead_department_id: int | None = None
    partner_ids: tuple[int, ...] = ()
    responsible_leader: str = ""
    target: str = ""
    starts_on: date | None = None
    deadline: date | None = None
    status: str = TaskStatus.PLANNED
    report_every_days: int = 30
    public: bool = True
    milestones: str = ""  # one per line: "2026-12-31 完成试点"


def _check(fields: TaskFields, task: ReformTask | None) -> None:
    if not 2000 <= fields.year <= 2100:
        raise ServiceError(_("年度应在 2000 到 2100 之间。"), 400, field="year")
    if fields.starts_on and fields.deadline and fields.deadline < fields.starts_on:
        raise ServiceError(_("完成时限不能早于开始时间。"), 400, field="deadline")
    if fields.status not in {s.value for s in TaskStatus}:
        raise ServiceError(_("未知的任务状态。"), 400, field="status")
    if not 0 <= fields.report_every_days <= 366:
        raise ServiceError(_("报送周期应在 0 到 366 天之间。"), 400, field="report_every_days")
    if fields.code:
        other = db.session.scalar(select(ReformTask.id).where(ReformTask.code == fields.code))
        if other is not None and (task is None or other != task.id):
            raise ServiceError(_("编号“%(c)s”已被另一项任务使用。", c=fields.code), 409, field="code")
    if fields.parent_id is not None:
        parent = db.session.get(ReformTask, fields.parent_id)
        if parent is None:
            raise ServiceError(_("上级任务不存在。"), 400, field="parent_id")
        while task is not None and parent is not None:
            if parent.id == task.id:
                raise ServiceError(_("上级任务不能是本任务或其下级任务。"), 400, field="parent_id")
            parent = parent.parent
    wanted = {d for d in (fields.lead_department_id, *fields.partner_ids) if d}
    known = set(db.session.scalars(select(Department.id).where(Department.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise ServiceError(_("所选部门不存在。"), 400, field="lead_department_id")


def parse_milestones(text: str) -> list[tuple[date, str]]:
    found = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        day, _sep, title = line.partition(" ")
        try:
            due = date.fromisoformat(day.strip())
        except ValueError:
            raise ServiceError(_("第 %(n)s 行节点应以日期开头，如“2026-12-31 完成试点”。", n=number), 400, field="milestones") from None
        if not title.strip():
            raise ServiceError(_("第 %(n)s 行节点缺少内容。", n=number), 400, field="milestones")
        found.append((due, title.strip()[:200]))
    return found


def _apply(task: ReformTask, fields: TaskFields) -> None:
    task.title = clean_text(fields.title, field=_("任务名称"), max_chars=200, key="title")
    task.code = (fields.code or "").strip()[:40] or None
    task.description = (fields.description or "").strip()[:5000]
    task.parent_id, task.plan_id, task.year, task.is_major = fields.parent_id, fields.plan_id, fields.year, fields.is_major
    task.lead_department_id = fields.lead_department_id
    task.responsible_leader = (fields.responsible_leader or "").strip()[:80]
    task.target = (fields.target or "").strip()[:5000]
    task.starts_on, task.deadline, task.status = fields.starts_on, fields.deadline, fields.status
    task.report_every_days, task.public = fields.report_every_days, fields.public
    if task.status == TaskStatus.COMPLETED and task.completed_on is None:
        task.completed_on = datetime.now(UTC).date()
    partners = {d for d in fields.partner_ids if d and d != fields.lead_department_id}
    task.partners = [p for p in task.partners if p.department_id in partners]
    have = {p.department_id for p in task.partners}
    task.partners.extend(TaskPartner(department_id=d) for d in sorted(partners - have))


def _set_milestones(task: ReformTask, text: str) -> None:
    wanted = parse_milestones(text)
    done = {(m.due_on, m.title): m.done_on for m in task.milestones}
    task.milestones = [Milestone(title=title, due_on=due, done_on=done.get((due, title))) for due, title in wanted]


def create_task(actor: User, fields: TaskFields) -> ReformTask:
    _check(fields, None)
    task = ReformTask(created_by_id=actor.id, progress=0)
    db.session.add(task)
    _apply(task, fields)
    _set_milestones(task, fields.milestones)
    db.session.flush()
    audit.record(actor, "ledger.task_create", "reform_task", task.id, title=task.title)
    return task


def update_task(actor: User, task: ReformTask, fields: TaskFields) -> ReformTask:
    _check(fields, task)
    before = {"status": task.status, "deadline": str(task.deadline or ""), "lead": task.lead_department_id}
    _apply(task, fields)
    _set_milestones(task, fields.milestones)
    db.session.flush()
    audit.record(actor, "ledger.task_update", "reform_task", task.id, before=before,
                 after={"status": task.status, "deadline": str(task.deadline or ""), "lead": task.lead_department_id})
    return task


def mark_milestone(actor: User, milestone: Milestone, done: bool) -> None:
    milestone.done_on = datetime.now(UTC).date() if done else None
    audit.record(actor, "ledger.milestone", "reform_task", milestone.task_id, milestone=milestone.title, done=done)


def _department_users(department_ids_: set[int]) -> list[int]:
    if not department_ids_:
        return []
    return list(db.session.scalars(select(User.id).where(User.department_id.in_(department_ids_), User.role == Role.DEPARTMENT)))


def _office_users() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role.in_((Role.STAFF, Role.ADMIN)))))


def submit_report(actor: User, task: ReformTask, *, period: str, body: str, progress: int,
                  files: list[tuple[str, str, bytes]]) -> ProgressReport:
    if not can_report(actor, task):
        raise ServiceError(_("只有牵头或配合单位可以报送该任务的进展。"), 403)
    text = clean_text(body, field=_("进展情况"), max_chars=10000, key="body")
    if not 0 <= progress <= 100:
        raise ServiceError(_("完成进度应在 0 到 100 之间。"), 400, field="progress")
    if len(files) > ATTACHMENT_MAX_FILES:
        raise ServiceError(_("附件最多 %(n)s 个。", n=ATTACHMENT_MAX_FILES), 400, field="attachments")
    report = ProgressReport(task=task, department_id=actor.department_id, author_id=actor.id, period=(period or "").strip()[:40],
                            body=text, progress=progress)
    for name, _type, data in files:
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise ServiceError(_("附件“%(f)s”的类型不支持（可上传 PDF、Word、Excel、图片或文本）。", f=name[:80]), 415, field="attachments")
        if len(data) > ATTACHMENT_MAX_BYTES:
            raise ServiceError(_("附件“%(f)s”超过 5 MB。", f=name[:80]), 413, field="attachments")
        report.attachments.append(ReportAttachment(filename=name[-200:], content_type=ATTACHMENT_TYPES[suffix], size=len(data), data=data))
    db.session.add(report)
    db.session.flush()
    audit.record(actor, "ledger.report_submit", "reform_task", task.id, report=report.id, progress=progress)
    notifications.notify_many(_office_users(), "ledger", _("任务进展待审核：%(t)s", t=task.title[:60]), report.period,
                              f"/staff/ledger/{task.id}#report-{report.id}")
    return report


def review_report(actor: User, report: ProgressReport, *, accept: bool, note: str) -> None:
    if report.review != ReportReview.PENDING:
        raise ServiceError(_("这份进展报告已审核过。"), 409)
    note = (note or "").strip()[:2000]
    if not accept and not note:
        raise ServiceError(_("退回时请写明原因。"), 400, field="note")
    report.review = ReportReview.ACCEPTED if accept else ReportReview.RETURNED
    report.review_note, report.reviewer_id, report.reviewed_at = note, actor.id, datetime.now(UTC)
    task = report.task
    if accept:
        task.progress = report.progress
        if task.status == TaskStatus.PLANNED:
            task.status = TaskStatus.IN_PROGRESS
    audit.record(actor, "ledger.report_review", "reform_task", task.id, report=report.id, accepted=accept)
    title = _("进展报告已通过：%(t)s", t=task.title[:60]) if accept else _("进展报告被退回：%(t)s", t=task.title[:60])
    notifications.notify_many(_department_users(department_ids(task)), "ledger", title, note, f"/staff/ledger/{task.id}#report-{report.id}")


def add_supervision(actor: User, task: ReformTask, *, visited_on: date, kind: str, findings: str, rectify_by: date | None) -> SupervisionRecord:
    if kind not in ("visit", "review", "escalation"):
        raise ServiceError(_("未知的督察方式。"), 400, field="kind")
    text = clean_text(findings, field=_("督察发现"), max_chars=10000, key="findings")
    if rectify_by is not None and rectify_by < visited_on:
        raise ServiceError(_("整改时限不能早于督察日期。"), 400, field="rectify_by")
    record = SupervisionRecord(task_id=task.id, visited_on=visited_on, kind=kind, findings=text, rectify_by=rectify_by, created_by_id=actor.id)
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "ledger.supervision", "reform_task", task.id, record=record.id, kind=kind)
    notifications.notify_many(_department_users(department_ids(task)), "ledger", _("督察意见：%(t)s", t=task.title[:60]),
                              _("整改时限：%(d)s", d=str(rectify_by or "—")), f"/staff/ledger/{task.id}#supervision-{record.id}")
    return record


def close_supervision(actor: User, record: SupervisionRecord, note: str) -> None:
    if record.closed_on is not None:
        raise ServiceError(_("该督察事项已办结。"), 409)
    record.closed_on, record.closing_note = datetime.now(UTC).date(), (note or "").strip()[:2000]
    audit.record(actor, "ledger.supervision_close", "reform_task", record.task_id, record=record.id)


def carried_members(member_ids: list[int]) -> list[int]:
    """Of an issue's members, those answered 采纳 or 部分采纳 when there are any; else all of them
    (the office acts on an issue before answering it)."""
    adopted = set(db.session.scalars(select(Response.comment_id).where(Response.comment_id.in_(member_ids),
                                                                       Response.status.in_(("adopted", "partly")))))
    return [m for m in member_ids if m in adopted] if adopted else list(member_ids)


def link_opinions(actor: User, task: ReformTask, comment_ids: list[int], cluster_ref: str = "") -> int:
    """Record that the task carries out these opinions; already linked ones are kept once."""
    have = set(db.session.scalars(select(TaskOpinion.comment_id).where(TaskOpinion.task_id == task.id)))
    new = [c for c in dict.fromkeys(comment_ids) if c not in have]
    db.session.add_all(TaskOpinion(task_id=task.id, comment_id=c, cluster_ref=cluster_ref[:40], linked_by_id=actor.id) for c in new)
    db.session.flush()
    audit.record(actor, "ledger.link_opinions", "reform_task", task.id, cluster=cluster_ref, count=len(new))
    return len(new)
