"""The ledger's pages (staff, departments) and the public sunshine-reform view."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from consult.core.buttons import EmptyForm
from consult.core.converters import query_int
from consult.core.errors import ServiceError
from consult.core.forms import rerender
from consult.core.models import Department, Role
from consult.core.permissions import roles_required, staff_required
from consult.core.spreadsheets import MAX_BYTES
from consult.digests.models import Digest
from consult.extensions import db
from consult.ledger import flags as rules
from consult.ledger import importing, opinions, queries
from consult.ledger import operations as ledger
from consult.ledger.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    CloseForm,
    ConvertForm,
    ImportForm,
    MilestoneForm,
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
    TaskOpinion,
)
from consult.plans.access import managed_plan
from consult.plans.models import Comment, Plan
from consult.responses import operations as answers

bp = Blueprint("ledger", __name__, template_folder="templates")
office_required = roles_required(Role.STAFF, Role.ADMIN)
SPLIT = re.compile(r"[、，,;；\s]+")


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"task_status_labels": STATUS_LABELS, "supervision_kinds": KIND_LABELS, "ledger_dashboard": _dashboard,
            "comment_tasks": lambda items: opinions.tasks_for_comments([c.id for c in items])}


def _dashboard() -> dict[str, object]:
    """For the staff dashboard's ledger panel: counts and the flagged tasks the user may see."""
    rows = queries.listing(current_user, queries.Filters(), rules.today())
    flagged = [(t, fl) for t, fl in rows if fl]
    return {"total": len(rows), "flagged": flagged[:20], "overdue": sum(1 for _, fl in flagged if any(f.severe for f in fl)),
            "at_risk": sum(1 for _, fl in flagged if rules.is_at_risk(fl))}


def _task_url(task: ReformTask) -> str:
    return url_for("ledger.task", task_id=task.id)


@bp.get("/staff/ledger/")
@staff_required
def index() -> str:
    f = queries.Filters(year=query_int("year", low=2000, high=2100), department_id=query_int("department"),
                        status=request.args.get("status", "") if request.args.get("status") in STATUS_LABELS else "",
                        major=request.args.get("major") == "1", flag=request.args.get("flag", "") if request.args.get("flag") in ("overdue", "at_risk") else "")
    today = rules.today()
    rows = queries.listing(current_user, f, today)
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render_template("ledger/index.html", rows=rows, filters=f, departments=departments,
                           counts=queries.flag_counts(current_user, today), tree=request.args.get("view") == "tree")


@bp.get("/staff/ledger/major")
@staff_required
def major() -> str:
    year = query_int("year", low=2000, high=2100) or rules.today().year
    rows = queries.listing(current_user, queries.Filters(year=year, major=True), rules.today())
    return render_template("ledger/major.html", rows=rows, year=year)


def _task_form(task: ReformTask | None = None) -> TaskForm:
    form = TaskForm(obj=task) if task is not None and request.method == "GET" else TaskForm()
    others = db.session.scalars(select(ReformTask).order_by(ReformTask.year.desc(), ReformTask.code)).all()
    form.parent_id.choices = [("", _("（无，顶层任务）"))] + [(str(t.id), f"{t.code or t.id} {t.title[:40]}") for t in others if t is not task]
    form.plan_id.choices = [("", _("（不关联方案）"))] + [(str(p.id), p.title[:60]) for p in db.session.scalars(select(Plan).order_by(Plan.id.desc()))]
    if request.method == "GET":
        if task is not None:
            form.parent_id.data, form.plan_id.data = str(task.parent_id or ""), str(task.plan_id or "")
            form.lead_department.data = task.lead_department.name if task.lead_department else ""
            form.partners.data = "、".join(p.department.name for p in task.partners)
        else:
            form.year.data = rules.today().year
            form.parent_id.data = request.args.get("parent", "")
            form.plan_id.data = request.args.get("plan", "")
    return form


def _input(form: TaskForm) -> ledger.TaskInput:
    def opt_int(value: str | None) -> int | None:
        return int(value) if value and value.isdigit() else None

    return ledger.TaskInput(
        title=form.title.data or "", code=(form.code.data or "").strip() or None, year=form.year.data or 0,
        description=form.description.data or "", target=form.target.data or "", lead_department=form.lead_department.data or "",
        partners=tuple(n for n in SPLIT.split(form.partners.data or "") if n), responsible_leader=form.responsible_leader.data or "",
        starts_on=form.starts_on.data, deadline=form.deadline.data, report_every_days=form.report_every_days.data or 30,
        is_major=bool(form.is_major.data), public=bool(form.public.data), status=form.status.data or "planned",
        parent_id=opt_int(form.parent_id.data), plan_id=opt_int(form.plan_id.data),
    )


def _save(form: TaskForm, task: ReformTask | None) -> str | WerkzeugResponse | tuple[str, int]:
    if request.method == "POST":
        if not form.validate():
            return rerender("ledger/edit.html", form, task=task)  # type: ignore[return-value]
        try:
            saved = ledger.save_task(current_user, _input(form), task)
        except ServiceError as error:
            return rerender("ledger/edit.html", form, error, task=task)  # type: ignore[return-value]
        db.session.commit()
        flash(_("已保存任务。"), "success")
        return redirect(_task_url(saved))
    return render_template("ledger/edit.html", form=form, task=task)


@bp.route("/staff/ledger/new", methods=["GET", "POST"])
@office_required
def new_task():  # type: ignore[no-untyped-def]
    return _save(_task_form(), None)


@bp.route("/staff/ledger/<int:task_id>/edit", methods=["GET", "POST"])
@office_required
def edit_task(task_id: int):  # type: ignore[no-untyped-def]
    task = queries.task_for(current_user, task_id)
    return _save(_task_form(task), task)


@bp.route("/staff/ledger/import", methods=["GET", "POST"])
@office_required
def import_ledger():  # type: ignore[no-untyped-def]
    form = ImportForm()
    context = {"columns": importing.COLUMNS, "required": importing.REQUIRED, "rows": None}
    if request.method == "GET":
        return render_template("ledger/import.html", form=form, **context)
    if not form.validate():
        return rerender("ledger/import.html", form, **context)
    upload = form.file.data
    try:
        rows = importing.parse(upload.filename or "", upload.read(MAX_BYTES + 1))
        context["rows"] = rows
        if form.action.data != "import" or any(r.errors for r in rows):
            status = 400 if any(r.errors for r in rows) and form.action.data == "import" else 200
            if status == 400:
                raise ServiceError(_("有 %(n)s 行存在错误，未导入任何数据。", n=sum(1 for r in rows if r.errors)), 400, field="file")
            return render_template("ledger/import.html", form=form, **context)
        created, updated = importing.apply(current_user, rows)
    except ServiceError as error:
        return rerender("ledger/import.html", form, error, **context)
    db.session.commit()
    flash(_("已导入：新增 %(c)s 项，更新 %(u)s 项。", c=created, u=updated), "success")
    return redirect(url_for("ledger.index"))


def _task_page(task: ReformTask, status: int = 200, **forms: object) -> tuple[str, int]:
    opinions = db.session.execute(select(TaskOpinion, Comment).join(Comment, Comment.id == TaskOpinion.comment_id)
                                  .where(TaskOpinion.task_id == task.id)).all()
    records = db.session.scalars(select(SupervisionRecord).where(SupervisionRecord.task_id == task.id).order_by(SupervisionRecord.visited_on.desc())).all()
    context = {"milestone_form": MilestoneForm(), "report_form": ReportForm(), "review_form": ReviewForm(),
               "supervision_form": SupervisionForm(), "close_form": CloseForm(), "button": EmptyForm(), **forms}
    return render_template("ledger/task.html", task=task, flags=rules.flags_for(task, rules.today()), opinions=opinions, today=rules.today(),
                           records=records, can_report=ledger.can_report(current_user, task),
                           is_office=current_user.role in (Role.STAFF, Role.ADMIN), **context), status


@bp.get("/staff/ledger/<int:task_id>")
@staff_required
def task(task_id: int) -> tuple[str, int]:
    return _task_page(queries.task_for(current_user, task_id))


@bp.get("/staff/ledger/<int:task_id>/history")
@staff_required
def history(task_id: int) -> str:
    task = queries.task_for(current_user, task_id)
    return render_template("ledger/history.html", task=task, entries=queries.history(task))


def _refused(task: ReformTask, key: str, form: FlaskForm, error: ServiceError | None = None) -> tuple[str, int]:
    db.session.rollback()
    if error is not None:
        form.form_errors.append(error.message)
    return _task_page(task, error.status if error else 400, **{key: form})


@bp.post("/staff/ledger/<int:task_id>/milestones")
@office_required
def add_milestone(task_id: int):  # type: ignore[no-untyped-def]
    task = queries.task_for(current_user, task_id)
    form = MilestoneForm()
    if not form.validate():
        return _refused(task, "milestone_form", form)
    ledger.add_milestone(current_user, task, form.title.data or "", form.due_on.data)  # type: ignore[arg-type]
    db.session.commit()
    return redirect(_task_url(task) + "#milestones")


@bp.post("/staff/ledger/<int:task_id>/milestones/done")
@office_required
def milestone_done(task_id: int) -> WerkzeugResponse:
    task = queries.task_for(current_user, task_id)
    milestone = db.session.get(Milestone, query_int("milestone") or int(request.form.get("milestone", "0") or 0))
    if not EmptyForm().validate() or milestone is None or milestone.task_id != task.id:
        abort(400)
    ledger.complete_milestone(current_user, milestone)
    db.session.commit()
    return redirect(_task_url(task) + "#milestones")


@bp.post("/staff/ledger/<int:task_id>/reports")
@staff_required
def submit_report(task_id: int):  # type: ignore[no-untyped-def]
    task = queries.task_for(current_user, task_id)
    form = ReportForm()
    if not form.validate():
        return _refused(task, "report_form", form)
    files = [(f.filename or "", f.mimetype or "", f.read()) for f in request.files.getlist("attachments") if f and f.filename]
    try:
        ledger.submit_report(current_user, task, period=form.period.data or "", body=form.body.data or "", progress=form.progress.data or 0,
                             files=files, link=_task_url(task) + "#reports")
    except ServiceError as error:
        return _refused(task, "report_form", form, error)
    db.session.commit()
    flash(_("已报送，等待改革办审核。"), "success")
    return redirect(_task_url(task) + "#reports")


@bp.post("/staff/ledger/<int:task_id>/reports/review")
@office_required
def review_report(task_id: int):  # type: ignore[no-untyped-def]
    task = queries.task_for(current_user, task_id)
    report = db.session.get(ProgressReport, int(request.form.get("report", "0") or 0) if (request.form.get("report") or "").isdigit() else 0)
    if report is None or report.task_id != task.id:
        abort(404)
    form = ReviewForm()
    if not form.validate():
        return _refused(task, "review_form", form)
    try:
        ledger.review_report(current_user, report, accept=form.decision.data == "accept", note=form.note.data or "", link=_task_url(task) + "#reports")
    except ServiceError as error:
        return _refused(task, "review_form", form, error)
    db.session.commit()
    return redirect(_task_url(task) + "#reports")


@bp.get("/staff/ledger/<int:task_id>/attachment")
@staff_required
def attachment(task_id: int) -> Response:
    task = queries.task_for(current_user, task_id)
    item = db.session.get(ReportAttachment, query_int("id") or 0)
    if item is None or item.report.task_id != task.id:
        abort(404)
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + re.sub(r"[^\w.\-]", "_", item.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/staff/ledger/<int:task_id>/supervision")
@office_required
def add_supervision(task_id: int):  # type: ignore[no-untyped-def]
    task = queries.task_for(current_user, task_id)
    form = SupervisionForm()
    if not form.validate():
        return _refused(task, "supervision_form", form)
    try:
        ledger.add_supervision(current_user, task, kind=form.kind.data or "visit", visited_on=form.visited_on.data,  # type: ignore[arg-type]
                               findings=form.findings.data or "", rectify_by=form.rectify_by.data, link=_task_url(task) + "#supervision")
    except ServiceError as error:
        return _refused(task, "supervision_form", form, error)
    db.session.commit()
    return redirect(_task_url(task) + "#supervision")


@bp.post("/staff/ledger/<int:task_id>/supervision/close")
@office_required
def close_supervision(task_id: int):  # type: ignore[no-untyped-def]
    task = queries.task_for(current_user, task_id)
    record = db.session.get(SupervisionRecord, int(request.form["record"]) if (request.form.get("record") or "").isdigit() else 0)
    if record is None or record.task_id != task.id:
        abort(404)
    form = CloseForm()
    if not form.validate():
        return _refused(task, "close_form", form)
    try:
        ledger.close_supervision(current_user, record, form.note.data or "")
    except ServiceError as error:
        return _refused(task, "close_form", form, error)
    db.session.commit()
    return redirect(_task_url(task) + "#supervision")


def _convert(plan: Plan, comments: list[Comment], ref: str, suggested: str):  # type: ignore[no-untyped-def]
    form = ConvertForm()
    form.task.choices = [(str(t.id), f"{t.code or t.id} {t.title[:50]}") for t in
                         db.session.scalars(select(ReformTask).order_by(ReformTask.year.desc(), ReformTask.id.desc()).limit(500))]
    context = {"plan": plan, "comments": comments, "ref": ref}
    if request.method == "GET":
        form.title.data = suggested[:200]
        return render_template("ledger/convert.html", form=form, **context)
    if not form.validate():
        return rerender("ledger/convert.html", form, **context)
    try:
        if form.mode.data == "attach":
            target = db.session.get(ReformTask, int(form.task.data)) if (form.task.data or "").isdigit() else None
            if target is None:
                raise ServiceError(_("请选择要关联的任务。"), 400, field="task")
        else:
            target = ledger.save_task(current_user, ledger.TaskInput(
                title=form.title.data or "", code=None, year=rules.today().year, lead_department=form.lead_department.data or "",
                deadline=form.deadline.data, plan_id=plan.id))
        added = opinions.link(current_user, target, comments, ref, url_for("inbox.my_comments"))
    except ServiceError as error:
        return rerender("ledger/convert.html", form, error, **context)
    db.session.commit()
    flash(_("已将 %(n)s 条意见转入改革任务。", n=added), "success")
    return redirect(_task_url(target) + "#opinions")


@bp.route("/staff/ledger/from-digest/<int:digest_id>", methods=["GET", "POST"])
@office_required
def from_digest(digest_id: int):  # type: ignore[no-untyped-def]
    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.plan_id is None:
        abort(404)
    plan = managed_plan(digest.plan_id)
    ref = (request.values.get("ref") or "").strip()
    try:
        members = answers.cluster_members(plan, ref)
    except ServiceError as error:
        abort(error.status if error.status in (400, 404) else 400, description=error.message)
    return _convert(plan, opinions.cluster_comments(plan, members), ref, request.args.get("label", ""))


@bp.route("/staff/ledger/from-comment/<int:comment_id>", methods=["GET", "POST"])
@office_required
def from_comment(comment_id: int):  # type: ignore[no-untyped-def]
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    plan = managed_plan(comment.plan_id)
    if comment.status not in opinions.CARRIABLE:
        abort(400, description=_("只有已通过审核的意见可以转为改革任务。"))
    return _convert(plan, [comment], "", comment.body[:60])


@bp.get("/reforms")
def reforms() -> str:
    return render_template("ledger/reforms.html", reforms=queries.public_reforms())


@bp.get("/reforms/<int:plan_id>")
def reform(plan_id: int) -> str:
    plan = db.session.get(Plan, plan_id)
    tasks = queries.public_tasks(plan_id) if plan is not None and plan.published else []
    if not tasks:
        abort(404)
    return render_template("ledger/reform.html", plan=plan, tasks=tasks, today=rules.today())
