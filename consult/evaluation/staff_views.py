"""Office and department pages of evaluation (/staff/evaluation): the ranking, scorecards,
indicators, third-party evaluations (assign, import, review), publishing, the 年报 export.

Office staff (staff/admin) see everything; a department account sees only its own scorecard and
its own tasks' scorecards (403 otherwise)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.core import audit
from consult.core.models import Department, Role, User
from consult.core.security.permissions import roles_required, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.converters import query_int
from consult.core.web.errors import ServiceError
from consult.core.web.forms import form_view, rerender
from consult.evaluation import annual, downloads, imports, operations, public, scorecard
from consult.evaluation.forms import (
    AssignForm,
    ImportForm,
    IndicatorForm,
    ManualScoreForm,
    ReviewForm,
)
from consult.evaluation.models import KIND_LABELS, Indicator, ThirdPartyEvaluation
from consult.extensions import db
from consult.ledger.models import ReformTask
from consult.surveys.building import local_day

bp = Blueprint("evaluation", __name__, template_folder="templates", url_prefix="/staff/evaluation")
office_required = roles_required(Role.STAFF, Role.ADMIN)
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@bp.app_template_global("evaluation_results")
def evaluation_results(task: ReformTask | None = None, plan: object | None = None) -> list[public.PublicResult]:
    """For evaluation/_public_results.html, which the sunshine-reform pages include."""
    return public.results(task=task, plan=plan)


def _year() -> int:
    return query_int("year", local_day().year, low=2000, high=2100) or local_day().year


def _object(model: type, ident: int, message: str):  # type: ignore[no-untyped-def]
    found = db.session.get(model, ident)
    if found is None:
        abort(404, description=message)
    return found


@bp.get("/")
@office_required
def overview() -> str:
    year = _year()
    departments, tasks = scorecard.ranking(year)
    return render_template("evaluation/overview.html", year=year, departments=departments, tasks=tasks,
                           indicators=scorecard.indicators(year), published=year in public.published_years(), action=EmptyForm())


@bp.get("/mine")
@staff_required
def mine() -> Response:
    if current_user.role == Role.DEPARTMENT:
        if current_user.department_id is None:
            abort(403, description=_("您的账号没有所属部门。"))
        return redirect(url_for("evaluation.department_card", dept_id=current_user.department_id, year=_year()))
    return redirect(url_for("evaluation.overview", year=_year()))


@bp.get("/departments/<int:dept_id>")
@staff_required
def department_card(dept_id: int) -> str:
    department = _object(Department, dept_id, _("没有找到该部门。"))
    if current_user.role == Role.DEPARTMENT and current_user.department_id != department.id:
        abort(403, description=_("您只能查看本部门的考核结果。"))
    year = _year()
    tasks = scorecard.evidence_mod.scored_tasks(year, department.id)
    ev, inds = scorecard.evidence_mod.load(year, tasks), scorecard.indicators(year)  # once for the card and every task's line
    card = scorecard.department_card(department, year, ev, inds)
    return render_template("evaluation/card.html", card=card, year=year, task_cards=[scorecard.task_card(t, year, ev, inds) for t in tasks])


@bp.get("/tasks/<int:task_id>")
@staff_required
def task_card(task_id: int) -> str:
    task = _object(ReformTask, task_id, _("没有找到该改革任务。"))
    if current_user.role == Role.DEPARTMENT and current_user.department_id != task.lead_department_id:
        abort(403, description=_("您只能查看本部门牵头任务的考核结果。"))
    return render_template("evaluation/card.html", card=scorecard.task_card(task), year=task.year, task_cards=[])


def _indicator_page(form: IndicatorForm, indicator: Indicator | None = None, **_kw: object) -> str:
    year = form.year.data or _year()
    return render_template("evaluation/indicators.html", form=form, indicator=indicator, year=year, kinds=KIND_LABELS,
                           indicators=scorecard.indicators(year), score_form=ManualScoreForm(), action=EmptyForm())


@bp.route("/indicators", methods=["GET", "POST"])
@office_required
@form_view(_indicator_page, lambda: IndicatorForm(data=None if request.method == "POST" else {"year": _year()}))
def indicators(form: IndicatorForm) -> str | Response | tuple[str, int]:
    if not form.validate_on_submit():
        return (_indicator_page(form), 400) if form.is_submitted() else _indicator_page(form)
    operations.save_indicator(current_user, None, year=form.year.data, name=form.name.data, kind=form.kind.data,
                              weight=form.weight.data, direction=form.direction.data, description=form.description.data)
    db.session.commit()
    flash(_("指标已添加。"), "success")
    return redirect(url_for("evaluation.indicators", year=form.year.data))


@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@office_required
def edit_indicator(indicator_id: int) -> str | Response | tuple[str, int]:
    indicator = _object(Indicator, indicator_id, _("没有找到该指标。"))
    form = IndicatorForm(obj=None if request.method == "POST" else indicator)
    if not form.validate_on_submit():
        return (_indicator_page(form, indicator), 400) if form.is_submitted() else _indicator_page(form, indicator)
    try:
        operations.save_indicator(current_user, indicator, year=form.year.data, name=form.name.data, kind=form.kind.data,
                                  weight=form.weight.data, direction=form.direction.data, description=form.description.data)
    except ServiceError as error:
        return rerender(lambda form: _indicator_page(form, indicator), form, error)
    db.session.commit()
    flash(_("指标已保存。"), "success")
    return redirect(url_for("evaluation.indicators", year=form.year.data))


@bp.post("/indicators/<int:indicator_id>/delete")
@office_required
def delete_indicator(indicator_id: int) -> Response:
    indicator = _object(Indicator, indicator_id, _("没有找到该指标。"))
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("表单已过期，请刷新后重试。"))
    year = indicator.year
    operations.delete_indicator(current_user, indicator)
    db.session.commit()
    flash(_("指标已删除。"), "success")
    return redirect(url_for("evaluation.indicators", year=year))


@bp.post("/indicators/<int:indicator_id>/scores")
@office_required
def add_score(indicator_id: int) -> Response | tuple[str, int]:
    indicator = _object(Indicator, indicator_id, _("没有找到该指标。"))
    form = ManualScoreForm()
    page = IndicatorForm(data={"year": indicator.year})
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0] if form.errors else _("请检查输入。"), "error")
        return _indicator_page(page), 400
    try:
        operations.add_manual_score(current_user, indicator, task_code=form.task_code.data, department=form.department.data,
                                    value=form.value.data, note=form.note.data)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _indicator_page(page), error.status
    db.session.commit()
    flash(_("分数已录入。"), "success")
    return redirect(url_for("evaluation.indicators", year=indicator.year))


@bp.post("/publish")
@office_required
def publish() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("表单已过期，请刷新后重试。"))
    year = _year()
    operations.publish_year(current_user, year, request.form.get("publish") == "1")
    db.session.commit()
    flash(_("已公布考核结果。") if request.form.get("publish") == "1" else _("已撤回考核结果。"), "success")
    return redirect(url_for("evaluation.overview", year=year))


@bp.get("/annual.<kind>")
@office_required
def annual_export(kind: str) -> Response:
    if kind not in FORMATS:
        abort(404, description=_("只支持 xlsx 和 docx。"))
    year = _year()
    data = annual.build(year)
    body = annual.xlsx(data) if kind == "xlsx" else annual.docx(data)
    audit.record(current_user, "evaluation.annual_export", "", None, year=year, format=kind)
    db.session.commit()
    name = quote(f"{year}年度改革绩效考核统计.{kind}")
    return Response(body, mimetype=FORMATS[kind], headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def _assign_form(form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm(data=None if request.method == "POST" else {"year": _year()})
    form.evaluator_id.choices = [(u.id, u.real_name or u.pseudonym) for u in db.session.scalars(select(User).where(User.role == Role.EVALUATOR).order_by(User.id))]
    form.task_id.choices = [(0, "—")] + [(t.id, f"{t.code or t.id} {t.title}") for t in db.session.scalars(select(ReformTask).order_by(ReformTask.year.desc(), ReformTask.code))]
    form.department_id.choices = [(0, "—")] + [(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]
    return form


def _third_party_page(assign_form: AssignForm | None = None, import_form: ImportForm | None = None, row_errors: list | None = None) -> str:
    evaluations = list(db.session.scalars(select(ThirdPartyEvaluation).order_by(ThirdPartyEvaluation.year.desc(), ThirdPartyEvaluation.id.desc())))
    return render_template("evaluation/third_party.html", evaluations=evaluations, assign_form=_assign_form(assign_form),
                           import_form=import_form or ImportForm(), row_errors=row_errors or [], columns=imports.COLUMNS)


@bp.get("/third-party")
@office_required
def third_party() -> str:
    return _third_party_page()


@bp.post("/third-party/assign")
@office_required
def assign() -> Response | tuple[str, int]:
    form = _assign_form()
    if not form.validate_on_submit():
        return _third_party_page(assign_form=form), 400
    try:
        operations.assign(current_user, organisation=form.organisation.data, evaluator_id=form.evaluator_id.data, year=form.year.data,
                          scope=form.scope.data, task_id=form.task_id.data or None, department_id=form.department_id.data or None)
    except ServiceError as error:
        return rerender(lambda form: _third_party_page(assign_form=form), form, error)
    db.session.commit()
    flash(_("已委托第三方评估。"), "success")
    return redirect(url_for("evaluation.third_party"))


@bp.post("/third-party/import")
@office_required
def import_evaluations() -> Response | tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        return _third_party_page(import_form=form), 400
    upload = form.upload.data
    try:
        added, errors = imports.import_file(current_user, upload.filename or "", upload.read())
    except ServiceError as error:
        return rerender(lambda form: _third_party_page(import_form=form), form, error, default="upload")
    if errors:
        db.session.rollback()
        return _third_party_page(import_form=form, row_errors=errors), 400
    db.session.commit()
    flash(_("已导入 %(n)s 项第三方评估，请逐项审核。", n=len(added)), "success")
    return redirect(url_for("evaluation.third_party"))


@bp.route("/third-party/<int:evaluation_id>", methods=["GET", "POST"])
@office_required
def review(evaluation_id: int) -> str | Response | tuple[str, int]:
    evaluation = _object(ThirdPartyEvaluation, evaluation_id, _("没有找到该评估。"))
    form = ReviewForm()
    if request.method == "GET" or not form.validate_on_submit():
        page = render_template("evaluation/review.html", evaluation=evaluation, form=form)
        return (page, 400) if form.is_submitted() else page
    try:
        operations.review(current_user, evaluation, accept=form.decision.data == "accept", note=form.note.data)
    except ServiceError as error:
        return rerender("evaluation/review.html", form, error, evaluation=evaluation)
    db.session.commit()
    flash(_("审核结果已保存。"), "success")
    return redirect(url_for("evaluation.third_party"))


@bp.get("/third-party/<int:evaluation_id>/report")
@office_required
def office_report(evaluation_id: int) -> Response:
    evaluation = _object(ThirdPartyEvaluation, evaluation_id, _("没有找到该评估。"))
    return downloads.report_response(evaluation)

