"""Staff answer workbench (single, bulk, cluster, templates, XLSX import, publish) and the public feedback page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from consult.core import audit, channels
from consult.core.files.spreadsheets import write_xlsx
from consult.core.security.permissions import safe_target, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.converters import query_int, query_page
from consult.core.web.errors import ServiceError
from consult.digests import operations as digests
from consult.extensions import db
from consult.plans import editing
from consult.plans.access import can_manage_plan, managed_plan
from consult.plans.models import Comment, Plan
from consult.responses import counts as counts_service
from consult.responses import feedback, feedback_pdf, placement, publications
from consult.responses import operations as answers
from consult.responses.forms import AnswerForm, ImportAnswersForm, PublishForm, TemplateForm
from consult.responses.models import Response
from worker.analysis.normalise import mask_personal

bp = Blueprint("responses", __name__, template_folder="templates")

PAGE_SIZE = 50
FILTERS = ("unanswered", "answered", "all")


def _answer_form() -> AnswerForm:
    form = AnswerForm()
    form.template_id.choices = [("", _("（不使用模板）"))] + [(str(t.id), t.title) for t in answers.templates_for(current_user)]
    return form


def _clause_options(clauses: list) -> object:
    """The clause ``<option>``s of the per-row correction menu, built once per selected clause (a page of
    50 opinions × every clause of the plan was most of the template's time)."""
    built: dict[int | None, Markup] = {}

    def options(selected: int | None) -> Markup:
        if selected not in built:
            built[selected] = Markup("").join(
                Markup('<option value="{}" {}>{}</option>').format(cl.id, "selected" if cl.id == selected else "", cl.label) for cl in clauses)
        return built[selected]

    return options


def _workbench(plan: Plan, form: AnswerForm | None = None, status: int = 200, import_errors: list[tuple[int, str]] | None = None, import_form: ImportAnswersForm | None = None):  # type: ignore[no-untyped-def]
    shown = request.args.get("filter", "unanswered")
    shown = shown if shown in FILTERS else "unanswered"
    cluster = (request.args.get("cluster") or request.form.get("cluster") or "").strip()
    query = select(Comment).where(Comment.plan_id == plan.id, Comment.status.in_(answers.ANSWERABLE))
    source = request.args.get("source", "")
    source = source if channels.get(source) is not None else ""
    if source:  # one channel only, e.g. the experts' opinions (专家意见)
        query = query.where(Comment.source == source)
    cluster_error, cluster_counts = "", (0, 0)
    if cluster:
        try:
            query = query.where(Comment.id.in_(answers.cluster_members(plan, cluster)))
            cluster_counts = answers.cluster_counts(plan, cluster)
            shown = "all"
        except ServiceError as error:
            cluster_error, cluster = error.message, ""
    clause_filter = request.args.get("clause", "")
    if clause_filter:
        # Filed under a clause as the report files it (explicit, staff-corrected or confidently mapped).
        everyone = db.session.scalars(query)
        wanted = None if clause_filter == "whole" else (int(clause_filter) if clause_filter.isdigit() else -1)
        query = query.where(Comment.id.in_([cid for cid, p in placement.placements(plan, everyone).items() if p.clause_id == wanted]))
    answered = select(Response.id).where(Response.comment_id == Comment.id).exists()
    if shown == "unanswered":
        query = query.where(~answered)
    elif shown == "answered":
        query = query.where(answered)
    totals = counts_service.totals(plan.id, answers.ANSWERABLE)
    if source or cluster or clause_filter:  # a filtered list is counted as it is
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    else:  # the whole list: from the page's own aggregates (no anti-join of every opinion)
        total = totals.shown(shown)
    page = query_page()
    items = list(db.session.scalars(query.order_by(Comment.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    counts, all_count = totals.per_status, totals.answerable
    form = form or _answer_form()
    if cluster and not form.cluster.data:
        form.cluster.data = cluster
    return render_template(
        "responses/workbench.html",
        plan=plan, comments=items, responses=answers.for_comments([c.id for c in items]),
        placements=placement.placements(plan, items), clause_filter=clause_filter, clauses=(clauses := list(plan.current_version.clauses)),
        clause_options=_clause_options(clauses),
        shown=shown, cluster=cluster, cluster_error=cluster_error, cluster_counts=cluster_counts, page=page, pages=max(1, -(-total // PAGE_SIZE)), total=total,
        counts=counts, all_count=all_count, labels=answers.status_labels(), clause_labels=digests.clause_labels(plan),
        form=form, template_form=TemplateForm(), import_form=import_form or ImportAnswersForm(), publish_form=PublishForm(),
        templates=answers.templates_for(current_user), action=EmptyForm(), mask=mask_personal,
        report=feedback.report_for(plan.id), publication=(shown := publications.latest(plan.id, ready=False)),
        pending=publications.pending_changes(publications.latest(plan.id)) if shown else (0, 0), import_errors=import_errors or [], source_labels=channels.labels(),
        revisions=editing.revisions([c.id for c in items]),
        source=source,
    ), status


@bp.get("/staff/plans/<int:plan_id>/responses")
@staff_required
def workbench(plan_id: int):  # type: ignore[no-untyped-def]
    return _workbench(managed_plan(plan_id))


@bp.post("/staff/plans/<int:plan_id>/responses")
@staff_required
def answer(plan_id: int):  # type: ignore[no-untyped-def]
    """One comment, the ticked comments or a whole cluster; written fields override the template's."""
    plan = managed_plan(plan_id)
    form = _answer_form()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or _("请检查表单。"), "error")
        return _workbench(plan, form, 400)
    try:
        status, text, reason = form.status.data or "", form.text.data or "", form.reason.data or ""
        if form.template_id.data:
            if not form.template_id.data.isdigit():
                raise ServiceError(_("没有找到该答复模板。"), 404)
            template = answers.usable_template(current_user, int(form.template_id.data))
            status, text, reason = status or template.status, text.strip() or template.text, reason.strip() or template.reason
        raw_ids, raw_overwrite = request.form.getlist("comment_ids"), request.form.getlist("overwrite_ids")
        if any(not v.strip().isdigit() for v in raw_ids + raw_overwrite):
            raise ServiceError(_("意见编号无效。"), 400)
        outcome = answers.answer_opinions(
            current_user, plan, [int(v) for v in raw_ids], overwrite=[int(v) for v in raw_overwrite],
            cluster=(form.cluster.data or "").strip(), status=status, text=text, reason=reason,
        )
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _workbench(plan, form, error.status)
    if outcome.skipped:
        flash(_("已答复 %(n)s 条意见，跳过 %(s)s 条已有答复的意见。", n=outcome.answered, s=outcome.skipped), "success")
    else:
        flash(_("已答复 %(n)s 条意见。", n=outcome.answered), "success")
    return redirect(safe_target(request.form.get("next"), url_for("responses.workbench", plan_id=plan.id)))


@bp.post("/staff/plans/<int:plan_id>/responses/import")
@staff_required
def import_answers(plan_id: int):  # type: ignore[no-untyped-def]
    plan = managed_plan(plan_id)
    form = ImportAnswersForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or _("请选择文件。"), "error")
        return _workbench(plan, status=400, import_form=form)
    upload = form.upload.data
    try:
        outcome = answers.import_answers(current_user, plan, upload.filename or "", upload.read())
        db.session.commit()
    except answers.ImportRefused as error:
        db.session.rollback()
        flash(error.message, "error")
        return _workbench(plan, status=400, import_errors=error.rows, import_form=form)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _workbench(plan, status=error.status, import_form=form)
    if outcome.skipped:
        flash(_("已导入，答复了 %(n)s 条意见；按问题编号导入时跳过了 %(s)s 条已有答复的意见。", n=outcome.answered, s=outcome.skipped), "success")
    else:
        flash(_("已导入，答复了 %(n)s 条意见。", n=outcome.answered), "success")
    return redirect(url_for("responses.workbench", plan_id=plan.id))


@bp.get("/staff/plans/<int:plan_id>/responses/sheet.xlsx")
@staff_required
def sheet(plan_id: int) -> WerkzeugResponse:
    """The import sheet, pre-filled with this plan's unanswered opinions (one row each)."""
    plan = managed_plan(plan_id)
    rows = [[c.id, "", "", "", "", mask_personal(c.body)[:500]] for c in db.session.scalars(answers.unanswered_query(plan.id).order_by(Comment.id).limit(answers.MAX_IMPORT_ROWS))]
    body = write_xlsx([("答复", ["意见编号", "问题编号", "处理结果", "答复", "理由", "意见内容（仅供参考，不导入）"], rows)])
    audit.record(current_user, "response.export_sheet", "plan", plan.id, department_id=plan.department_id, rows=len(rows))
    db.session.commit()
    response = WerkzeugResponse(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=answers-{plan.id}.xlsx"
    return response


@bp.post("/staff/templates")
@staff_required
def create_template():  # type: ignore[no-untyped-def]
    form = TemplateForm()
    back = safe_target(request.form.get("next"), url_for("staff.index"))
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or _("请检查表单。"), "error")
        return redirect(back), 303
    try:
        answers.create_template(current_user, title=form.title.data, status=form.status.data, text=form.text.data or "", reason=form.reason.data or "")
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back), 303
    flash(_("已保存答复模板。"), "success")
    return redirect(back)


@bp.post("/staff/templates/<int:template_id>/delete")
@staff_required
def delete_template(template_id: int):  # type: ignore[no-untyped-def]
    EmptyForm().validate_on_submit()
    back = safe_target(request.form.get("next"), url_for("staff.index"))
    answers.delete_template(current_user, template_id)
    db.session.commit()
    flash(_("已删除答复模板。"), "success")
    return redirect(back)


@bp.post("/staff/plans/<int:plan_id>/feedback")
@staff_required
def publish(plan_id: int):  # type: ignore[no-untyped-def]
    """Publish the next version of the feedback (the first one also notifies every commenter)."""
    plan = managed_plan(plan_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400, description=" ".join(str(e) for errors in form.errors.values() for e in errors) or _("请检查表单。"))
    publication, notified = publications.publish(current_user, plan, form.summary.data or "")
    db.session.commit()
    if publication.status != "ready":
        flash(_("第 %(v)s 版采纳情况反馈已提交，正在后台生成，完成后即对公众显示。", v=publication.version), "success")
    elif notified:
        flash(_("采纳情况反馈已公布，已通知 %(n)s 位提出意见的公众。", n=notified), "success")
    else:
        flash(_("第 %(v)s 版采纳情况反馈已公布。", v=publication.version), "success")
    return redirect(url_for("responses.public", plan_id=plan.id))


def _public_plan(plan_id: int) -> tuple[Plan, bool]:
    """The plan and whether its report is published; before publishing only its managers see a preview."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not plan.published:
        abort(404, description=_("没有找到该方案。"))
    report = feedback.report_for(plan.id)
    # Before publishing, the staff who manage the plan see a preview; everyone else a 404.
    if report is None and not (current_user.is_authenticated and can_manage_plan(current_user, plan)):
        abort(404, description=_("该方案的采纳情况反馈尚未公布。"))
    return plan, report is not None


def _pdf_response(plan: Plan, body: bytes, name: str) -> WerkzeugResponse:
    response = WerkzeugResponse(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


def _pdf(plan_id: int, version: int | None) -> WerkzeugResponse:
    plan, published = _public_plan(plan_id)
    if not published:
        return _pdf_response(plan, feedback_pdf.report_pdf(plan), f"feedback-{plan.id}-preview.pdf")
    publications.ensure_first(plan)
    publication = publications.latest(plan.id) if version is None else publications.get(plan.id, version)
    if publication is None or publication.status != "ready":
        abort(404, description=_("该版本的采纳情况反馈不存在或仍在生成。"))
    body = publications.stored_pdf(plan, publication, feedback_pdf.render)
    return _pdf_response(plan, body, f"feedback-{plan.id}-v{publication.version}.pdf")


@bp.get("/plans/<int:plan_id>/feedback.pdf")
def public_pdf(plan_id: int) -> WerkzeugResponse:
    return _pdf(plan_id, None)


@bp.get("/plans/<int:plan_id>/feedback/v<int:version>.pdf")
def version_pdf(plan_id: int, version: int) -> WerkzeugResponse:
    return _pdf(plan_id, version)


def _page(plan_id: int, version: int | None) -> str:
    plan, published = _public_plan(plan_id)
    data = publications.view(plan, page=query_page(), focus=query_int("c"), version=version)
    if data is None and version is not None:
        abort(404, description=_("该版本的采纳情况反馈不存在或仍在生成。"))
    viewer = current_user if current_user.is_authenticated else None
    latest = publications.latest(plan.id) if published else None
    return render_template(
        "responses/feedback.html", plan=plan, data=data, mine=publications.mine(plan, viewer, data.publication) if data else [], preview=not published,
        versions=publications.versions(plan.id) if published else [], latest_version=latest.version if latest else None,
    )


@bp.get("/plans/<int:plan_id>/feedback")
def public(plan_id: int) -> str:
    return _page(plan_id, None)


@bp.get("/plans/<int:plan_id>/feedback/v<int:version>")
def version(plan_id: int, version: int) -> str:
    """An earlier (or the latest) version, as it was published."""
    return _page(plan_id, version)
