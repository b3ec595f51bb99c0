"""Staff pages for surveys: build, preview, publish, invite, results, exports, scorecard, tickets.

Office staff (staff/admin) see every survey; department staff only their department's (403)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from consult.core import audit, clock
from consult.core.files.spreadsheets import write_csv
from consult.core.models import Department
from consult.core.security.permissions import roles_required, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.converters import query_int
from consult.core.web.errors import ServiceError, form_errors_text
from consult.core.web.links import absolute
from consult.extensions import db
from consult.plans.models import Plan
from consult.surveys import building, exporting, tickets
from consult.surveys import digest_scope as surveys_digest
from consult.surveys import invitations as invites
from consult.surveys import results as results_service
from consult.surveys import satisfaction as index_service
from consult.surveys.choices import link_choices
from consult.surveys.forms import CallbackForm, InvitationForm, SurveyForm
from consult.surveys.models import (
    ServiceTicket,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)
from consult.surveys.spec import parse as parse_spec

bp = Blueprint("surveys", __name__, template_folder="templates", url_prefix="/staff/surveys")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def managed_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404, description=_("没有找到该问卷。"))
    if not building.can_manage(current_user, survey):
        abort(403, description=_("您只能管理本部门的问卷。"))
    return survey


def _fields(form: SurveyForm) -> dict:
    def at(day, end: bool = False):  # type: ignore[no-untyped-def]
        return datetime.combine(day, time.max if end else time.min, tzinfo=building.local_zone()) if day else None

    return {
        "title": form.title.data, "description": form.description.data or "", "department": form.department.data or "",
        "service": form.service.data or "", "plan_id": form.plan_id.data, "anonymous": bool(form.anonymous.data),
        "mode": form.mode.data, "followup_survey_id": form.followup_survey_id.data, "opens_at": at(form.opens_on.data), "closes_at": at(form.closes_on.data, end=True), "spec": form.spec.data or "",
    }


@bp.get("/")
@staff_required
def index() -> str:
    query = select(Survey).order_by(Survey.created_at.desc())
    if current_user.role == "department":
        query = query.where(Survey.department_id == current_user.department_id)
    surveys = list(db.session.scalars(query))
    counts = dict(db.session.execute(select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)).all())
    overdue = tickets.overdue_tickets(department_id=current_user.department_id if current_user.role == "department" else None)
    return render_template("surveys/index.html", surveys=surveys, counts=counts, overdue=overdue, status=building.status, labels=building.STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new() -> str | Response | tuple[str, int]:
    form = SurveyForm()
    form.plan_id.choices, form.followup_survey_id.choices = link_choices(None, current_user)
    if not form.is_submitted() and current_user.role == "department" and current_user.department:
        form.department.data = current_user.department.name
    return _save(form, None, lambda: building.create(current_user, **_fields(form)), _("问卷草稿已保存，请预览后发布。"))


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(survey_id: int) -> str | Response | tuple[str, int]:
    survey = managed_survey(survey_id)
    # Plain values, never obj=survey: a field the page does not send (department accounts see no
    # department field) would otherwise keep the Department object and fail validation (a 500).
    form = SurveyForm(data=_stored(survey))
    form.plan_id.choices, form.followup_survey_id.choices = link_choices(survey, current_user)
    saved = _("已保存。已发布的题目不变，发布新版本后才生效。") if survey.published else _("已保存。")
    return _save(form, survey, lambda: building.update(current_user, survey, **_fields(form)), saved)


def _stored(survey: Survey) -> dict:
    """The saved survey as form values (the defaults of fields a submission leaves out)."""
    zone = building.local_zone()
    return {
        "title": survey.title, "description": survey.description, "department": survey.department.name if survey.department else "",
        "service": survey.service, "plan_id": survey.plan_id, "anonymous": survey.anonymous, "mode": survey.mode,
        "followup_survey_id": survey.followup_survey_id, "spec": json.dumps(survey.draft_spec, ensure_ascii=False, indent=2),
        "opens_on": survey.opens_at.astimezone(zone).date() if survey.opens_at else None,
        "closes_on": survey.closes_at.astimezone(zone).date() if survey.closes_at else None,
    }


def _save(form: SurveyForm, survey: Survey | None, apply: Callable[[], Survey], saved: str) -> str | Response | tuple[str, int]:
    """The builder form: on a valid submission apply it and go to the survey; else show it again
    with the service's message on the questions box (4xx), nothing stored."""
    if form.validate_on_submit():
        try:
            result = apply()
            db.session.commit()
            flash(saved, "success")
            return redirect(url_for("surveys.detail", survey_id=result.id))
        except ServiceError as error:
            db.session.rollback()
            # Beside the field at fault; a definition error also names the question (the builder marks it).
            target = getattr(form, error.field, None) if error.field else None
            (target if target is not None else form.spec).errors.append(error.message)
            return render_template("surveys/form.html", form=form, survey=survey, spec_error_item=getattr(error, "item", None)), error.status
    if form.is_submitted():
        return render_template("surveys/form.html", form=form, survey=survey), 400
    return render_template("surveys/form.html", form=form, survey=survey)


@bp.post("/builder/preview")
@staff_required
def builder_preview() -> tuple[Response, int] | Response:
    """The builder's live preview: the definition checked by the same spec parser as a save, and
    the questions rendered by the respondents' templates (JSON: html, or error and the item at fault)."""
    try:
        spec = parse_spec(request.form.get("spec", ""))
    except ServiceError as error:
        return jsonify(error=error.message, item=getattr(error, "item", None)), 400
    return jsonify(html=render_template("surveys/_preview.html", spec=spec))


@bp.get("/<int:survey_id>")
@staff_required
def detail(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    invited = db.session.scalar(select(func.count(SurveyInvitation.id)).where(SurveyInvitation.survey_id == survey.id)) or 0
    used = db.session.scalar(select(func.count(SurveyInvitation.id)).where(SurveyInvitation.survey_id == survey.id, SurveyInvitation.used_on.is_not(None))) or 0
    responses = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == survey.id)) or 0
    return render_template(
        "surveys/detail.html", survey=survey, invited=invited, used=used, responses=responses, action=EmptyForm(),
        invite_form=InvitationForm(), state=building.status(survey), labels=building.STATUS_LABELS, changed=building.draft_changed(survey),
    )


@bp.get("/<int:survey_id>/preview")
@staff_required
def preview(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    return render_template("surveys/take.html", survey=survey, spec=survey.draft_spec, values={}, action="#", preview=True)


@bp.post("/<int:survey_id>/publish")
@staff_required
def publish(survey_id: int) -> Response:
    survey = managed_survey(survey_id)
    EmptyForm().validate_on_submit()
    try:
        version = building.publish(current_user, survey)
        db.session.commit()
        flash(_("已发布第 %(n)s 版。", n=version.number), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("surveys.detail", survey_id=survey.id))


@bp.post("/<int:survey_id>/invitations")
@staff_required
def invite(survey_id: int) -> str | Response | tuple[str, int]:
    survey = managed_survey(survey_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        flash(form_errors_text(form), "error")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    try:
        upload = form.upload.data
        if upload and getattr(upload, "filename", ""):
            recipients = invites.recipients_from_file(upload.filename, upload.read())
        elif form.count.data:
            recipients = [("", "")] * form.count.data
        else:
            raise ServiceError(_("请填写数量或上传名单。"))
        links = invites.issue(survey, recipients, actor=current_user, expires_days=form.expires_days.data)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    return _links_file(survey, links)


def _links_file(survey: Survey, links: list[invites.IssuedLink]) -> Response:
    """The new links as a file, once: never a page listing names beside tokens (browser history,
    screen, cache), and for an anonymous survey the recipient list exists only in this file."""
    rows = [[link.recipient, link.contact, absolute(url_for("survey_public.take", token=link.token))] for link in links]
    name = f"survey-{survey.id}-links-{clock.now_local().strftime('%Y%m%d%H%M%S')}.csv"
    return Response(write_csv([_("姓名"), _("联系方式"), _("链接")], rows), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


def _period() -> tuple[str | None, str | None]:
    start, end = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    for value in (start, end):
        if value and not MONTH.match(value):
            abort(400, description=_("月份格式应为 YYYY-MM。"))
    return start or None, end or None


def _version(survey: Survey):  # type: ignore[no-untyped-def]
    number = query_int("version")

    if number is None:
        version = survey.current_version
    else:
        version = db.session.scalar(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id, SurveyVersion.number == number))
    if version is None:
        abort(404, description=_("问卷尚未发布，还没有结果。"))
    return version


@bp.get("/<int:survey_id>/results")
@staff_required
def results(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    version = _version(survey)
    months = _period()
    minimum = current_app.config["SURVEY_MIN_GROUP"] if survey.anonymous else 0
    result = results_service.withhold_small(results_service.results(survey, version, months), survey, months, minimum)
    by_key = {q.key: q for q in version.questions}
    cross = None
    xa, xb = request.args.get("x", ""), request.args.get("y", "")
    if xa and xb:
        qa, qb = by_key.get(xa), by_key.get(xb)
        if qa is None or qb is None or not results_service.crossable(qa) or not results_service.crossable(qb) or qa.id == qb.id:
            abort(400, description=_("交叉分析需要选择两道不同的选择题或评分题。"))
        cross = (qa, qb, results_service.suppress_small(results_service.crosstab(survey, qa, qb, months), minimum))
    crossable = [q for q in version.questions if results_service.crossable(q)]

    return render_template("surveys/results.html", survey=survey, version=version, result=result, months=months, cross=cross, crossable=crossable, xa=xa, xb=xb,
                           digest=surveys_digest.latest(survey.id), action=EmptyForm(),
                           period_args={k: v for k, v in (("from", months[0]), ("to", months[1])) if v})


@bp.post("/<int:survey_id>/digest")
@staff_required
def request_digest(survey_id: int) -> Response:
    """Queue a digest of the survey's free text; the worker builds it (the page shows the latest)."""

    survey = managed_survey(survey_id)
    EmptyForm().validate_on_submit()
    try:
        digest, created = surveys_digest.request(survey, current_user)
        db.session.commit()
        flash(_("已提交生成，稍后刷新本页查看。") if created else _("最新的文字摘要已在生成或已生成。"), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("surveys.results", survey_id=survey.id))


@bp.get("/<int:survey_id>/export")
@staff_required
def export(survey_id: int) -> Response:
    survey = managed_survey(survey_id)
    kind, fmt = request.args.get("kind", "aggregate"), request.args.get("fmt", "xlsx")
    if kind not in ("raw", "aggregate") or fmt not in ("csv", "xlsx"):
        abort(400, description=_("导出类型无效。"))
    version = _version(survey)
    months = _period()
    minimum = current_app.config["SURVEY_MIN_GROUP"] if survey.anonymous else 0
    result = results_service.withhold_small(results_service.results(survey, version, months), survey, months, minimum) if kind == "aggregate" else None
    data = exporting.export(kind, fmt, survey, version, result)
    audit.record(current_user, "survey.export", "survey", survey.id, department_id=survey.department_id, kind=kind, format=fmt)
    db.session.commit()
    name = f"survey-{survey.id}-v{version.number}-{kind}.{fmt}"
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, content_type=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/scorecard")
@staff_required
def scorecard() -> str:
    """Satisfaction index per department and service per month; department staff see their own only."""
    department_id = query_int("department")
    plan_id = query_int("plan")
    if current_user.role == "department":
        if department_id is not None and department_id != current_user.department_id:
            abort(403, description=_("您只能查看本部门的满意度。"))
        department_id = current_user.department_id if current_user.department_id is not None else -1
    lines = index_service.scorecard(department_id=department_id, plan_id=plan_id)
    departments = list(db.session.scalars(select(Department).order_by(Department.name))) if current_user.role != "department" else []
    plan = db.session.get(Plan, plan_id) if plan_id else None
    return render_template("surveys/scorecard.html", lines=lines, departments=departments, department_id=department_id, plan=plan)


@bp.get("/tickets")
@staff_required
def ticket_list() -> str:
    state = request.args.get("status", "")
    query = tickets.visible_to(current_user)
    if state in ("open", "called", "closed"):
        query = query.where(ServiceTicket.status == state)
    items = list(db.session.scalars(query.order_by(ServiceTicket.due_on).limit(500)))
    return render_template("surveys/tickets.html", items=items, today=building.local_day(), state=state)


def _ticket(ticket_id: int) -> ServiceTicket:
    ticket = db.session.get(ServiceTicket, ticket_id)
    if ticket is None:
        abort(404, description=_("没有找到该工单。"))
    if not tickets.can_handle(current_user, ticket):
        abort(403, description=_("您只能处理本部门的工单。"))
    return ticket


@bp.get("/tickets/<int:ticket_id>")
@staff_required
def ticket(ticket_id: int) -> str:
    item = _ticket(ticket_id)
    return render_template("surveys/ticket.html", ticket=item, form=CallbackForm(), action=EmptyForm(), today=building.local_day(), link=None)


@bp.post("/tickets/<int:ticket_id>/callback")
@roles_required("department", "staff", "admin")
def callback(ticket_id: int) -> Response:
    item = _ticket(ticket_id)
    form = CallbackForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(" ".join(str(e) for errors in form.errors.values() for e in errors) or _("请填写回访记录。"))
        tickets.record_callback(current_user, item, form.notes.data)
        db.session.commit()
        flash(_("已记录回访。"), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("surveys.ticket", ticket_id=item.id))


@bp.post("/tickets/<int:ticket_id>/close")
@roles_required("department", "staff", "admin")
def close_ticket(ticket_id: int) -> str | Response:
    item = _ticket(ticket_id)
    EmptyForm().validate_on_submit()
    try:
        token = tickets.close(current_user, item)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("surveys.ticket", ticket_id=item.id))
    link = absolute(url_for("survey_public.take", token=token)) if token else None
    flash(_("工单已办结。"), "success")
    return render_template("surveys/ticket.html", ticket=item, form=CallbackForm(), action=EmptyForm(), today=building.local_day(), link=link)
