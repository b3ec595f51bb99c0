"""The third-party evaluator's own space (/evaluator): only the evaluations assigned to its account;
it fills them in, attaches the report and submits them to the office."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.core.models import Role
from consult.core.security.permissions import roles_required
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.evaluation import downloads, operations
from consult.evaluation.forms import EvaluatorForm, ReportFileForm
from consult.evaluation.models import ThirdPartyEvaluation
from consult.extensions import db

bp = Blueprint("evaluator", __name__, template_folder="templates", url_prefix="/evaluator")
evaluator_required = roles_required(Role.EVALUATOR)


def own(evaluation_id: int) -> ThirdPartyEvaluation:
    """404 for another organisation's evaluation as for a missing one: its existence is not theirs to know."""
    evaluation = db.session.get(ThirdPartyEvaluation, evaluation_id)
    if evaluation is None or evaluation.evaluator_id != current_user.id:
        abort(404, description=_("没有找到该评估。"))
    return evaluation


@bp.get("/")
@evaluator_required
def index() -> str:
    evaluations = list(db.session.scalars(select(ThirdPartyEvaluation).where(ThirdPartyEvaluation.evaluator_id == current_user.id)
                                          .order_by(ThirdPartyEvaluation.year.desc(), ThirdPartyEvaluation.id.desc())))
    return render_template("evaluation/evaluator_index.html", evaluations=evaluations)


def _stored(e: ThirdPartyEvaluation) -> dict:
    return {"method": e.method, "sample_size": e.sample_size or None, "score": e.score, "summary": e.summary,
            "distribution": "；".join(f"{k}:{v}" for k, v in (e.distribution or {}).items()), "starts_on": e.starts_on, "ends_on": e.ends_on}


def _page(form: EvaluatorForm, evaluation: ThirdPartyEvaluation, **_kw: object) -> str:
    return render_template("evaluation/evaluator_edit.html", form=form, evaluation=evaluation, report_form=ReportFileForm(),
                           editable=evaluation.status in operations.EDITABLE)


@bp.route("/<int:evaluation_id>", methods=["GET", "POST"])
@evaluator_required
def edit(evaluation_id: int) -> str | Response | tuple[str, int]:
    evaluation = own(evaluation_id)
    form = EvaluatorForm(data=None if request.method == "POST" else _stored(evaluation))
    if not form.validate_on_submit():
        return (_page(form, evaluation), 400) if form.is_submitted() else _page(form, evaluation)
    submit = request.form.get("action") == "submit"
    try:
        operations.evaluator_save(current_user, evaluation, method=form.method.data, sample_size=form.sample_size.data, score=form.score.data,
                                  distribution=form.distribution.data, summary=form.summary.data, starts_on=form.starts_on.data,
                                  ends_on=form.ends_on.data, submit=submit)
    except ServiceError as error:
        return rerender(lambda form: _page(form, evaluation), form, error)
    db.session.commit()
    flash(_("已提交，等待办公室审核。") if submit else _("已保存。"), "success")
    return redirect(url_for("evaluator.edit", evaluation_id=evaluation.id))


@bp.post("/<int:evaluation_id>/report")
@evaluator_required
def upload_report(evaluation_id: int) -> Response | tuple[str, int]:
    evaluation = own(evaluation_id)
    form = ReportFileForm()
    page = EvaluatorForm(data=_stored(evaluation))
    if not form.validate_on_submit():
        flash(_("请选择文件。"), "error")
        return _page(page, evaluation), 400
    try:
        operations.attach_report(current_user, evaluation, form.report.data.filename or "", form.report.data.read())
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _page(page, evaluation), error.status
    db.session.commit()
    flash(_("评估报告已上传。"), "success")
    return redirect(url_for("evaluator.edit", evaluation_id=evaluation.id))


@bp.get("/<int:evaluation_id>/report")
@evaluator_required
def report(evaluation_id: int) -> Response:
    return downloads.report_response(own(evaluation_id))
