"""Staff pages: draft plans, preview and fix the clause split, publish, revise."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.core import audit
from consult.core.files.documents import DocumentError, extract_text
from consult.core.security.permissions import roles_required, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.errors import ServiceError, form_errors_text
from consult.core.web.forms import rerender
from consult.core.web.templating import local_today
from consult.extensions import db
from consult.ledger import queries as ledger_queries
from consult.plans import operations as plan_service
from consult.plans.access import managed_plan
from consult.staff import dashboard, dictionary
from consult.staff.forms import BodyForm, PlanForm, VersionForm, WordForm
from consult.stats import charts

bp = Blueprint("staff", __name__, template_folder="templates", url_prefix="/staff")


def _body_from(form: PlanForm | VersionForm) -> str:
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        return extract_text(upload.filename, upload.read())
    return form.body.data or ""


def _daily_figure(daily: list[tuple[str, int]]) -> dict[str, Any]:
    """Comments per day as a stats figure, so the dashboard draws it with the same labelled axes (date, 条)."""
    return {
        "title": _("近 30 天每日意见数"), "description": _("每日收到的意见条数，按 UTC 日期汇总。"),
        "chart": {"type": "timeline", "label": "day", "series": ["count"]},
        "columns": [{"key": "day", "label": _("日期")}, {"key": "count", "label": _("意见数（条）")}],
        "rows": [{"day": str(day), "count": n} for day, n in daily],
    }


@bp.get("/")
@staff_required
def index() -> str:
    """The dashboard: department staff see only their department's plans."""
    plans = dashboard.visible_plans(current_user)
    rows = dashboard.plan_rows(plans)
    return render_template(
        "staff/index.html",
        rows=rows,
        open_rows=[r for r in rows if r.plan.is_open],
        daily=(daily := dashboard.comments_per_day([p.id for p in plans])),
        daily_chart=charts.svg(_daily_figure(daily), "dash-daily"),
        backlog=sum(r.pending for r in rows),
        unanswered=sum(r.unanswered for r in rows),
        satisfaction=dashboard.satisfaction_rows(current_user),
        overdue=dashboard.overdue_tickets(current_user),
        ledger=ledger_queries.flag_counts(current_user, local_today()),
    )


@bp.route("/plans/new", methods=["GET", "POST"])
@staff_required
def new_plan() -> str | Response | tuple[str, int]:
    form = PlanForm()
    if current_user.role == "department" and not form.is_submitted() and current_user.department:
        form.department.data = current_user.department.name
    if form.validate_on_submit():
        try:
            department = form.department.data
            if current_user.role == "department":
                department = current_user.department.name if current_user.department else ""
            plan = plan_service.create_plan(
                author=current_user,
                title=form.title.data,
                department=department,
                summary=form.summary.data or "",
                body=_body_from(form),
                window_days=form.window_days.data,
                short_window_reason=form.short_window_reason.data or "",
                moderation=form.moderation.data,
            )
            audit.record(current_user, "plan.create", "plan", plan.id, department_id=plan.department_id, title=plan.title[:200])
            db.session.commit()
            flash(_("草稿已保存。请检查条款拆分结果，确认无误后发布。"), "success")
            return redirect(url_for("staff.plan", plan_id=plan.id))
        except DocumentError as error:
            return rerender("staff/plan_form.html", form, ServiceError(error.message_zh, field="upload"))
        except ServiceError as error:
            return rerender("staff/plan_form.html", form, error, default="body")
    if form.is_submitted():
        return rerender("staff/plan_form.html", form)
    return render_template("staff/plan_form.html", form=form)


@bp.get("/plans/<int:plan_id>")
@staff_required
def plan(plan_id: int) -> str:
    plan = managed_plan(plan_id)
    body_form = BodyForm()
    body_form.body.data = plan.current_version.body
    return render_template("staff/plan.html", plan=plan, body_form=body_form, action=EmptyForm(), version_form=VersionForm(), counts=plan_service.comment_counts(plan.current_version))


def _act(plan_id: int, action, success: str, audit_action: str, **detail: object) -> Response:  # type: ignore[no-untyped-def]
    plan = managed_plan(plan_id)
    try:
        action(plan)
        audit.record(current_user, audit_action, "plan", plan.id, department_id=plan.department_id, **detail)
        db.session.commit()
        flash(success, "success")
    except (ServiceError, DocumentError) as error:
        db.session.rollback()
        flash(getattr(error, "message", str(error)), "error")
        return redirect(url_for("staff.plan", plan_id=plan_id)), 303  # type: ignore[return-value]
    return redirect(url_for("staff.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/body")
@staff_required
def update_body(plan_id: int) -> Response:
    managed_plan(plan_id)  # the role and department check comes before anything about the input
    form = BodyForm()
    if not form.validate_on_submit():
        flash(_("正文不能为空。"), "error")
        return redirect(url_for("staff.plan", plan_id=plan_id))
    return _act(plan_id, lambda p: plan_service.update_body(p, form.body.data), _("正文已更新并重新拆分。"), "plan.edit")


@bp.post("/plans/<int:plan_id>/clauses/<int:clause_id>/merge")
@staff_required
def merge(plan_id: int, clause_id: int) -> Response:
    EmptyForm().validate_on_submit()
    return _act(plan_id, lambda p: plan_service.merge_into_previous(p, clause_id), _("已并入上一条。"), "plan.merge_clause", clause_id=clause_id)


@bp.post("/plans/<int:plan_id>/publish")
@staff_required
def publish(plan_id: int) -> Response:
    EmptyForm().validate_on_submit()
    return _act(plan_id, plan_service.publish, _("方案已发布，开始征求意见。"), "plan.publish")


@bp.post("/plans/<int:plan_id>/versions")
@staff_required
def new_version(plan_id: int) -> Response:
    managed_plan(plan_id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(form_errors_text(form), "error")
        return redirect(url_for("staff.plan", plan_id=plan_id))
    return _act(plan_id, lambda p: plan_service.new_version(p, _body_from(form), form.note.data or ""), _("已发布修订版本，原有意见保留在原版本上。"), "plan.new_version")


@bp.route("/dictionary", methods=["GET", "POST"])
@roles_required("staff", "admin")
def dictionary_page() -> str | Response | tuple[str, int]:
    """Policy vocabulary that jieba must keep whole (放管服, 容错机制 …)."""
    form = WordForm()
    status = 200
    if form.validate_on_submit():
        try:
            entry = dictionary.add_word(form.word.data, current_user)
            audit.record(current_user, "dictionary.add", "user_word", entry.id, word=entry.word)
            db.session.commit()
            flash(_("已添加“%(w)s”，已有意见将在后台按新词典重新分词。", w=entry.word), "success")
            return redirect(url_for("staff.dictionary_page"))
        except ServiceError as error:
            db.session.rollback()
            form.word.errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("staff/dictionary.html", form=form, words=dictionary.words(), action=EmptyForm()), status


@bp.post("/dictionary/<int:word_id>/delete")
@roles_required("staff", "admin")
def dictionary_delete(word_id: int) -> Response:
    EmptyForm().validate_on_submit()
    try:
        dictionary.remove_word(word_id)
        audit.record(current_user, "dictionary.remove", "user_word", word_id)
        db.session.commit()
        flash(_("已删除，已有意见将在后台重新分词。"), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("staff.dictionary_page"))
