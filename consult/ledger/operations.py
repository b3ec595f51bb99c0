"""Changes to the ledger: tasks, milestones, progress reports and their review, supervision records.
Each flushes and audits; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit, notifications
from consult.core.errors import ServiceError
from consult.core.models import Department, Role, User, utcnow
from consult.extensions import db
from consult.ledger.models import (
    Milestone,
    ProgressReport,
    ReformTask,
    ReportAttachment,
    ReportReview,
    SupervisionRecord,
    TaskPartner,
    TaskStatus,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
}
MAX_ATTACHMENTS = 5
AUDITED_FIELDS = ("title", "code", "status", "progress", "deadline", "lead_department_id", "responsible_leader", "is_major", "public")


@dataclass
class TaskInput:
    title: str
    code: str | None
    year: int
    description: str = ""
    target: str = ""
    lead_department: str = ""
    partners: tuple[str, ...] = ()
    responsible_leader: str = ""
    starts_on: date | None = None
    deadline: date | None = None
    report_every_days: int = 30
    is_major: bool = False
    public: bool = True
    status: str = TaskStatus.PLANNED
    parent_id: int | None = None
    plan_id: int | None = None


def department_named(name: str) -> Department | None:
    name = name.strip()
    if not name:
        return None
    found = db.session.scalar(select(Department).where(Department.name == name))
    if found is None:
        found = Department(name=name[:120])
        db.session.add(found)
        db.session.flush()
    return found


def _check(data: TaskInput, task: ReformTask | None) -> None:
    if not data.title.strip():
        raise ServiceError(_("请填写任务名称。"), 400, field="title")
    if data.starts_on and data.deadline and data.deadline < data.starts_on:
        raise ServiceError(_("完成时限不能早于开始时间。"), 400, field="deadline")
    if data.code:
        clash = db.session.scalar(select(ReformTask).where(ReformTask.code == data.code))
        if clash is not None and clash is not task:
            raise ServiceError(_("编号 %(c)s 已被任务“%(t)s”使用。", c=data.code, t=clash.title), 409, field="code")
    if data.parent_id is not None:
        parent = db.session.get(ReformTask, data.parent_id)
        if parent is None:
            raise ServiceError(_("上级任务不存在。"), 400, field="parent_id")
        node = parent
        while node is not None:  # a task may not sit under itself or its own descendants
            if task is not None and node.id == task.id:
                raise ServiceError(_("上级任务不能是本任务或其下级任务。"), 400, field="parent_id")
            node = node.parent


def _snapshot(task: ReformTask) -> dict[str, str]:
    values = {name: str(getattr(task, name)) for name in AUDITED_FIELDS}
    values["partners"] = ",".join(str(p.department_id) for p in sorted(task.partners, key=lambda p: p.department_id))
    return values


def save_task(actor: User, data: TaskInput, task: ReformTask | None = None) -> ReformTask:
    """Create (task None) or update a task; the audit entry lists the fields that changed."""
    _check(data, task)
    creating = task is None
    before = {} if task is None else _snapshot(task)
    # Departments first: looking them up autoflushes, and a half-filled new task must not be flushed.
    lead = department_named(data.lead_department)
    partner_ids = {d.id for d in (department_named(n) for n in data.partners) if d is not None}
    if task is None:
        task = ReformTask(created_by_id=actor.id)
        db.session.add(task)
    task.title, task.code, task.year = data.title.strip()[:200], (data.code or None), data.year
    task.description, task.target = data.description, data.target
    task.lead_department_id = lead.id if lead else None
    task.responsible_leader = data.responsible_leader.strip()[:80]
    task.starts_on, task.deadline = data.starts_on, data.deadline
    task.report_every_days = data.report_every_days
    task.is_major, task.public, task.parent_id, task.plan_id = data.is_major, data.public, data.parent_id, data.plan_id
    if data.status != task.status:
        task.status = data.status
        task.completed_on = date.today() if data.status == TaskStatus.COMPLETED else None
    wanted = partner_ids - {task.lead_department_id}
    task.partners = [p for p in task.partners if p.department_id in wanted]
    task.partners += [TaskPartner(department_id=d) for d in sorted(wanted - {p.department_id for p in task.partners})]
    db.session.flush()
    after = _snapshot(task)
    changed = {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k) != v}
    if creating or changed:  # an unchanged re-import leaves no entry
        audit.record(actor, "ledger.task_created" if creating else "ledger.task_updated", "reform_task", task.id, changed=changed)
    return task


def add_milestone(actor: User, task: ReformTask, title: str, due_on: date) -> Milestone:
    if not title.strip():
        raise ServiceError(_("请填写节点名称。"), 400, field="title")
    milestone = Milestone(task_id=task.id, title=title.strip()[:200], due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    audit.record(actor, "ledger.milestone_added", "reform_task", task.id, milestone=milestone.title, due_on=str(due_on))
    return milestone


def complete_milestone(actor: User, milestone: Milestone, done_on: date | None = None) -> None:
    milestone.done_on = done_on or date.today()
    audit.record(actor, "ledger.milestone_done", "reform_task", milestone.task_id, milestone=milestone.title)


def can_report(user: User, task: ReformTask) -> bool:
    if user.role in (Role.STAFF, Role.ADMIN):
        return True
    return user.department_id is not None and user.department_id in task_departments(task)


def task_departments(task: ReformTask) -> set[int]:
    ids = {p.department_id for p in task.partners}
    if task.lead_department_id:
        ids.add(task.lead_department_id)
    return ids


def _attachments(files: list[tuple[str, str, bytes]]) -> list[ReportAttachment]:
    if len(files) > MAX_ATTACHMENTS:
        raise ServiceError(_("附件最多 %(n)s 个。", n=MAX_ATTACHMENTS), 400, field="attachments")
    out = []
    for filename, _mime, data in files:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if suffix not in ATTACHMENT_TYPES:
            raise ServiceError(_("附件“%(f)s”的类型不支持，仅限 PDF、DOCX、XLSX、JPG、PNG。", f=filename[:60]), 415, field="attachments")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ServiceError(_("附件“%(f)s”超过 10 MB。", f=filename[:60]), 413, field="attachments")
        if not data:
            raise ServiceError(_("附件“%(f)s”是空文件。", f=filename[:60]), 400, field="attachments")
        out.append(ReportAttachment(filename=filename[:200], content_type=ATTACHMENT_TYPES[suffix], size=len(data), data=data))
    return out


def office_users() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role.in_([Role.STAFF, Role.ADMIN]))))


def department_users(department_id: int | None) -> list[int]:
    if department_id is None:
        return []
    return list(db.session.scalars(select(User.id).where(User.role == Role.DEPARTMENT, User.department_id == department_id)))


def submit_report(actor: User, task: ReformTask, *, period: str, body: str, progress: int,
                  files: list[tuple[str, str, bytes]], link: str) -> ProgressReport:
    if not can_report(actor, task):
        raise ServiceError(_("您的单位不是该任务的牵头或配合单位。"), 403)
    if not body.strip():
        raise ServiceError(_("请填写进展情况。"), 400, field="body")
    if not 0 <= progress <= 100:
        raise ServiceError(_("进度应在 0 到 100 之间。"), 400, field="progress")
    report = ProgressReport(task_id=task.id, department_id=actor.department_id, author_id=actor.id, period=period.strip()[:40],
                            body=body.strip(), progress=progress, attachments=_attachments(files))
    db.session.add(report)
    db.session.flush()
    audit.record(actor, "ledger.report_submitted", "reform_task", task.id, report=report.id, progress=progress)
    notifications.notify_many(office_users(), "ledger", _("新的进展报送：%(t)s", t=task.title[:80]), period, link)
    return report


def review_report(actor: User, report: ProgressReport, *, accept: bool, note: str, link: str) -> None:
    if report.review != ReportReview.PENDING:
        raise ServiceError(_("该报送已审核。"), 409)
    if not accept and not note.strip():
        raise ServiceError(_("退回时请写明退回理由。"), 400, field="note")
    task = report.task
    report.review = ReportReview.ACCEPTED if accept else ReportReview.RETURNED
    report.review_note, report.reviewer_id, report.reviewed_at = note.strip(), actor.id, utcnow()
    if accept:
        task.progress = report.progress
        if report.progress >= 100:
            task.status, task.completed_on = TaskStatus.COMPLETED, date.today()
        elif task.status == TaskStatus.PLANNED:
            task.status = TaskStatus.IN_PROGRESS
    audit.record(actor, "ledger.report_accepted" if accept else "ledger.report_returned", "reform_task", task.id,
                 report=report.id, note=note[:200])
    title = _("进展报送已采用：%(t)s", t=task.title[:80]) if accept else _("进展报送被退回：%(t)s", t=task.title[:80])
    author = [report.author_id] if report.author_id else []
    notifications.notify_many(set(author) | set(department_users(report.department_id)), "ledger", title, note, link)


def add_supervision(actor: User, task: ReformTask, *, kind: str, visited_on: date, findings: str, rectify_by: date | None,
                    link: str) -> SupervisionRecord:
    if not findings.strip():
        raise ServiceError(_("请填写督察发现的问题。"), 400, field="findings")
    if rectify_by and rectify_by < visited_on:
        raise ServiceError(_("整改时限不能早于督察日期。"), 400, field="rectify_by")
    record = SupervisionRecord(task_id=task.id, kind=kind, visited_on=visited_on, findings=findings.strip(), rectify_by=rectify_by,
                               created_by_id=actor.id)
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "ledger.supervision_added", "reform_task", task.id, record=record.id, kind=kind)
    notifications.notify_many(department_users(task.lead_department_id), "ledger", _("督察意见：%(t)s", t=task.title[:80]),
                              findings[:200], link)
    return record


def close_supervision(actor: User, record: SupervisionRecord, note: str) -> None:
    if record.closed_on is not None:
        raise ServiceError(_("该督察记录已销号。"), 409)
    if not note.strip():
        raise ServiceError(_("请填写整改情况。"), 400, field="note")
    record.closed_on, record.closing_note = date.today(), note.strip()
    audit.record(actor, "ledger.supervision_closed", "reform_task", record.task_id, record=record.id)
