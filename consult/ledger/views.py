"""The ledger's pages: the office's task list, task pages, departments' progress reports, supervision,
"转为改革任务" from a digest issue; and the public sunshine-reform (阳光改革) pages."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.core.models import AuditEntry, Department, Role
from consult.core.security.permissions import roles_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.converters import query_int
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.core.web.templating import local_today
from consult.extensions import db
from consult.ledger import flags as rules
from consult.ledger import imports as ledger_imports
from consult.ledger import operations as ledger
from consult.ledger import queries
from consult.ledger.forms import (
    STATUS_CHOICES,
    CloseForm,
    ImportForm,
    LinkForm,
    ReportForm,
    ReviewForm,
    SupervisionForm,
    TaskForm,
)
from consult.ledger.models import (
    Milestone,
    ProgressReport,
    ReformTask,
    ReportAttachment,
    SupervisionRecord,
)
from consult.plans.models import Comment, CommentStatus, Plan
from consult.responses import operations as responses

bp = Blueprint("ledger", __name__, template_folder="templates")
OFFICE = (Role.STAFF, Role.ADMIN)
LEDGER_ROLES = (Role.STAFF, Role.ADMIN, Role.DEPARTMENT)


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"task_status": {k: _(str(v)) for k, v in STATUS_CHOICES}, "flag_labels": {k: _(v) for k, v in rules.LABELS.items()}}


def _task(task_id: int) -> ReformTask:
    """404 (not 403) for a task the account may not see: its existence is not revealed."""
    task = db.session.get(ReformTask, task_id)
    if task is None or not queries.can_see(current_user, task):
        abort(404, description=_("没有找到该任务。"))
    return task


def _department_choices() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]


def _task_form(task: ReformTask | None = None) -> TaskForm:
    form = TaskForm(obj=task) if task is not None and request.method == "GET" else TaskForm()
    departments = _department_choices()
    form.lead_department_id.choices = [(0, _("（未指定）")), *departments]
    form.partner_ids.choices = departments
    form.plan_id.choices = [(0, _("（无）")), *((p.id, p.title) for p in db.session.scalars(select(Plan).order_by(Plan.id.desc())))]
    others = db.session.scalars(select(ReformTask).where(ReformTask.id != (task.id if task else 0)).order_by(ReformTask.code, ReformTask.id))
    form.parent_id.choices = [(0, _("（无，顶层任务）")), *((t.id, f"{t.code or t.id} {t.title}") for t in others)]
    if task is not None and request.method == "GET":
        form.partner_ids.data = [p.department_id for p in task.partners]
        form.milestones.data = "\n".join(f"{m.due_on.isoformat()} {m.title}" for m in task.milestones)
        form.plan_id.data, form.parent_id.data = task.plan_id or 0, task.parent_id or 0
        form.lead_department_id.data = task.lead_department_id or 0
    elif task is None and request.method == "GET":
        form.year.data = local_today().year
    return form


def _fields(form: TaskForm) -> ledger.TaskFields:
    return ledger.TaskFields(
        title=form.title.data or "", year=form.year.data or 0, code=form.code.data or "", description=form.description.data or "",
        parent_id=form.parent_id.data or None, plan_id=form.plan_id.data or None, is_major=bool(form.is_major.data),
        lead_department_id=form.lead_department_id.data or None, partner_ids=tuple(form.partner_ids.data or ()),
        responsible_leader=form.responsible_leader.data or "", target=form.target.data or "", starts_on=form.starts_on.data,
        deadline=form.deadline.data, status=form.status.data or "planned", report_every_days=form.report_every_days.data or 0,
        public=bool(form.public.data), milestones=form.milestones.data or "",
    )


@bp.get("/staff/ledger/")
@roles_required(*LEDGER_ROLES)
def index() -> str:
    year = query_int("year", 0, low=0, high=2100) or None
    department_id = query_int("department", 0) or None
    status = request.args.get("status", "")
    status = status if status in dict(STATUS_CHOICES) else ""
    flag = request.args.get("flag", "")
    flag = flag if flag in ("overdue", "at_risk", "flagged") else ""
    major = request.args.get("major") == "1"
    rows = queries.task_list(current_user, local_today(), year=year, department_id=department_id, status=status, major=major, flag=flag)
    return render_template("ledger/index.html", rows=rows, years=queries.years(), departments=_department_choices(),
                           filters={"year": year, "department": department_id, "status": status, "flag": flag, "major": major},
                           office=queries.is_office(current_user))


@bp.get("/staff/ledger/major")
@roles_required(*LEDGER_ROLES)
def major() -> str:
    year = query_int("year", local_today().year, low=2000, high=2100) or local_today().year
    rows = queries.task_list(current_user, local_today(), year=year, major=True)
    return render_template("ledger/major.html", rows=rows, year=year, years=queries.years())


@bp.route("/staff/ledger/new", methods=["GET", "POST"])
@roles_required(*OFFICE)
def new() -> str | Response | tuple[str, int]:
    form = _task_form()
    if not form.validate_on_submit():
        return render_template("ledger/edit.html", form=form, task=None), (400 if form.is_submitted() else 200)
    try:
        task = ledger.create_task(current_user, _fields(form))
        db.session.commit()
    except ServiceError as error:
        return rerender("ledger/edit.html", form, error, default="title", task=None)
    flash(_("任务已建立。"), "success")
    return redirect(url_for("ledger.task", task_id=task.id))


@bp.route("/staff/ledger/import", methods=["GET", "POST"])
@roles_required(*OFFICE)
def import_sheet() -> str | tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("ledger/import.html", form=form, outcome=None, columns=ledger_imports.COLUMNS), (400 if form.is_submitted() else 200)
    upload = form.upload.data
    outcome = ledger_imports.import_ledger(current_user, upload.filename or "", upload.read(), check_only=bool(form.check_only.data))
    if outcome.errors:
        db.session.rollback()
        return render_template("ledger/import.html", form=form, outcome=outcome, columns=ledger_imports.COLUMNS), 400
    db.session.commit()
    return render_template("ledger/import.html", form=ImportForm(), outcome=outcome, columns=ledger_imports.COLUMNS)


@bp.route("/staff/ledger/<int:task_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE)
def edit(task_id: int) -> str | Response | tuple[str, int]:
    task = _task(task_id)
    form = _task_form(task)
    if not form.validate_on_submit():
        return render_template("ledger/edit.html", form=form, task=task), (400 if form.is_submitted() else 200)
    try:
        ledger.update_task(current_user, task, _fields(form))
        db.session.commit()
    except ServiceError as error:
        return rerender("ledger/edit.html", form, error, default="title", task=task)
    flash(_("任务已保存。"), "success")
    return redirect(url_for("ledger.task", task_id=task.id))


def _task_page(task: ReformTask, *, report_form: ReportForm | None = None, supervision_form: SupervisionForm | None = None) -> str:
    row = queries.with_flags([task], local_today())[0]
    return render_template(
        "ledger/task.html", task=task, row=row, office=queries.is_office(current_user),
        report_form=report_form or ReportForm(), review_form=ReviewForm(), supervision_form=supervision_form or SupervisionForm(),
        close_form=CloseForm(), button=EmptyForm(), records=list(db.session.scalars(select(SupervisionRecord).where(SupervisionRecord.task_id == task.id).order_by(SupervisionRecord.visited_on.desc()))),
        opinions=queries.opinion_count(task.id), can_report=queries.can_report(current_user, task), today=local_today(),
    )


@bp.get("/staff/ledger/<int:task_id>")
@roles_required(*LEDGER_ROLES)
def task(task_id: int) -> str:
    return _task_page(_task(task_id))


@bp.get("/staff/ledger/<int:task_id>/history")
@roles_required(*LEDGER_ROLES)
def history(task_id: int) -> str:
    """The task's audited changes, newest first: who changed what, reported, reviewed or supervised."""
    task = _task(task_id)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "reform_task", AuditEntry.target_id == task.id)
                                 .order_by(AuditEntry.id.desc()).limit(300))
    return render_template("ledger/history.html", task=task, entries=list(entries))


@bp.post("/staff/ledger/<int:task_id>/reports")
@roles_required(*LEDGER_ROLES)
def report(task_id: int) -> Response | tuple[str, int]:
    item = _task(task_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return rerender(lambda form: _task_page(item, report_form=form), form)
    files = [(f.filename or "", f.mimetype or "", f.read()) for f in (form.attachments.data or []) if f and f.filename]
    try:
        ledger.submit_report(current_user, item, period=form.period.data or "", body=form.body.data or "", progress=form.progress.data or 0, files=files)
        db.session.commit()
    except ServiceError as error:
        return rerender(lambda form: _task_page(item, report_form=form), form, error, default="body")
    flash(_("进展已报送，等待改革办审核。"), "success")
    return redirect(url_for("ledger.task", task_id=item.id))


@bp.post("/staff/ledger/reports/<int:report_id>/review")
@roles_required(*OFFICE)
def review(report_id: int) -> Response | tuple[str, int]:
    entry = db.session.get(ProgressReport, report_id) or abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400, description=_("请选择审核意见。"))
    try:
        ledger.review_report(current_user, entry, accept=form.decision.data == "accept", note=form.note.data or "")
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("ledger.task", task_id=entry.task_id) + f"#report-{entry.id}"), 303  # type: ignore[return-value]
    flash(_("审核意见已保存。"), "success")
    return redirect(url_for("ledger.task", task_id=entry.task_id))


@bp.post("/staff/ledger/milestones/<int:milestone_id>")
@roles_required(*LEDGER_ROLES)
def milestone(milestone_id: int) -> Response:
    item = db.session.get(Milestone, milestone_id) or abort(404)
    owner = _task(item.task_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ledger.mark_milestone(current_user, item, done=item.done_on is None)
    db.session.commit()
    return redirect(url_for("ledger.task", task_id=owner.id))


@bp.get("/staff/ledger/attachments/<int:attachment_id>")
@roles_required(*LEDGER_ROLES)
def attachment(attachment_id: int) -> Response:
    item = db.session.get(ReportAttachment, attachment_id) or abort(404)
    _task(item.report.task_id)
    return Response(item.data, mimetype=item.content_type, headers={
        "Content-Disposition": "attachment; filename*=UTF-8''" + quote(item.filename, safe=""), "X-Content-Type-Options": "nosniff"})


@bp.post("/staff/ledger/<int:task_id>/supervision")
@roles_required(*OFFICE)
def supervise(task_id: int) -> Response | tuple[str, int]:
    item = _task(task_id)
    form = SupervisionForm()
    if not form.validate_on_submit():
        return rerender(lambda form: _task_page(item, supervision_form=form), form)
    try:
        ledger.add_supervision(current_user, item, visited_on=form.visited_on.data, kind=form.kind.data or "visit",
                               findings=form.findings.data or "", rectify_by=form.rectify_by.data)
        db.session.commit()
    except ServiceError as error:
        return rerender(lambda form: _task_page(item, supervision_form=form), form, error, default="findings")
    flash(_("督察记录已保存，已通知承办单位。"), "success")
    return redirect(url_for("ledger.task", task_id=item.id))


@bp.post("/staff/ledger/supervision/<int:record_id>/close")
@roles_required(*OFFICE)
def close(record_id: int) -> Response:
    record = db.session.get(SupervisionRecord, record_id) or abort(404)
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ledger.close_supervision(current_user, record, form.note.data or "")
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("ledger.task", task_id=record.task_id))


def _single(plan: Plan, comment_id: str) -> list[int]:
    comment = db.session.get(Comment, int(comment_id)) if comment_id.isdigit() else None
    if comment is None or comment.plan_id != plan.id or comment.status not in (CommentStatus.PUBLISHED, CommentStatus.INTERNAL):
        raise ServiceError(_("该意见不属于本方案，或尚未公开，不能转为改革任务。"), 404)
    return [comment.id]


@bp.route("/staff/plans/<int:plan_id>/to-task", methods=["GET", "POST"])
@roles_required(*OFFICE)
def from_cluster(plan_id: int) -> str | Response | tuple[str, int]:
    """转为改革任务: the opinions of a digest issue become opinions a task carries out."""
    plan = db.session.get(Plan, plan_id) or abort(404)
    form = LinkForm()
    if request.method == "GET":
        form.cluster.data = request.args.get("cluster", "")[:40]
        form.comment.data = request.args.get("comment", "")[:12]
    form.task_id.choices = [(0, _("（新建任务）")), *((t.id, f"{t.code or t.id} {t.title}") for t in db.session.scalars(
        select(ReformTask).order_by(ReformTask.year.desc(), ReformTask.id.desc()).limit(500)))]
    if not form.validate_on_submit():
        return render_template("ledger/to_task.html", form=form, plan=plan), (400 if form.is_submitted() else 200)
    try:
        members = _single(plan, form.comment.data) if form.comment.data else ledger.carried_members(responses.cluster_members(plan, form.cluster.data or ""))
        if form.task_id.data:
            target = _task(form.task_id.data)
        else:
            fields = ledger.TaskFields(title=form.title.data or "", year=local_today().year, plan_id=plan.id, lead_department_id=plan.department_id)
            target = ledger.create_task(current_user, fields)
        added = ledger.link_opinions(current_user, target, members, form.cluster.data or "")
        db.session.commit()
    except ServiceError as error:
        return rerender("ledger/to_task.html", form, error, default="cluster", plan=plan)
    flash(_("%(n)s 条意见已转入改革任务。", n=added), "success")
    return redirect(url_for("ledger.task", task_id=target.id))


# --- public: 阳光改革 ---------------------------------------------------------------------


@bp.get("/reforms/")
def reforms() -> str:
    return render_template("ledger/reforms.html", reforms=queries.public_reforms())


@bp.get("/reforms/<int:plan_id>")
def reform(plan_id: int) -> str:
    plan = db.session.get(Plan, plan_id)
    tasks = queries.public_tasks(plan_id) if plan is not None and plan.published else []
    if not tasks:
        abort(404, description=_("没有找到该项改革。"))
    rows = queries.with_flags(tasks, local_today())
    return render_template("ledger/reform.html", plan=plan, rows=rows)
