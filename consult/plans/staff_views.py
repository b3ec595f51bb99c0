"""The decision steps of a plan: staff edit them (beside the plan's staff page), the public downloads their documents.

`decision_timeline(plan)` is a template global, so `plans/_decision_steps.html` needs only `plan`."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.core.security.permissions import staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.extensions import db
from consult.plans import decisions
from consult.plans.access import can_manage_plan, managed_plan
from consult.plans.forms import DecisionStepForm
from consult.plans.models import Plan

bp = Blueprint("decisions", __name__, template_folder="templates")


@bp.app_context_processor
def _timeline() -> dict[str, object]:
    return {"decision_timeline": decisions.timeline, "decision_kind_label": decisions.kind_label}


def _forms(plan: Plan, failed: str = "", form: DecisionStepForm | None = None) -> list[tuple[str, str, DecisionStepForm]]:
    steps = decisions.steps_of(plan)
    rows = []
    for kind in decisions.KINDS:
        if kind == failed and form is not None:
            rows.append((kind, decisions.kind_label(kind), form))
            continue
        step = steps.get(kind)
        data = {"held_on": step.held_on.isoformat() if step and step.held_on else "", "outcome": step.outcome if step else ""}
        rows.append((kind, decisions.kind_label(kind), DecisionStepForm(formdata=None, data=data)))
    return rows


def _page(plan_id: int, failed: str = "", form: DecisionStepForm | None = None) -> str:
    plan = managed_plan(plan_id)
    return render_template("plans/decisions_edit.html", plan=plan, rows=_forms(plan, failed, form), steps=decisions.steps_of(plan),
                           action=EmptyForm(), max_mb=decisions.MAX_DOCUMENT_BYTES // (1024 * 1024))


@bp.get("/staff/plans/<int:plan_id>/decisions")
@staff_required
def edit(plan_id: int) -> str:
    return _page(plan_id)


@bp.post("/staff/plans/<int:plan_id>/decisions/<kind>")
@staff_required
def save(plan_id: int, kind: str) -> Response | tuple[str, int]:
    plan = managed_plan(plan_id)
    if kind not in decisions.KINDS:
        abort(404, description=_("没有这个决策程序环节。"))
    form = DecisionStepForm()
    render = lambda **kw: _page(plan_id, kind, kw["form"])  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    try:
        upload = form.document.data
        document = (upload.filename or "", upload.read()) if upload and getattr(upload, "filename", "") else None
        held_on = decisions.parse_day(form.held_on.data)
        decisions.save_step(current_user, plan, kind, held_on=held_on, outcome=form.outcome.data or "", document=document)
    except ServiceError as error:
        return rerender(render, form, error, default="outcome")
    db.session.commit()
    flash(_("已保存“%(k)s”。", k=decisions.kind_label(kind)), "success")
    return redirect(url_for("decisions.edit", plan_id=plan.id) + f"#step-{kind}")


@bp.post("/staff/plans/<int:plan_id>/decisions/documents/<int:document_id>/delete")
@staff_required
def delete_document(plan_id: int, document_id: int) -> Response:
    plan = managed_plan(plan_id)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("表单已过期，请刷新页面后重试。"))
    decisions.delete_document(current_user, plan, document_id)
    db.session.commit()
    flash(_("文件已删除。"), "success")
    return redirect(url_for("decisions.edit", plan_id=plan.id))


@bp.get("/plans/<int:plan_id>/decisions/documents/<int:document_id>")
def document(plan_id: int, document_id: int) -> Response:
    """A step's document: public once the plan is published (drafts only for those who manage them)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or (not plan.published and not (current_user.is_authenticated and can_manage_plan(current_user, plan))):
        abort(404, description=_("没有找到该方案。"))
    found = decisions.public_document(plan, document_id)
    if found is None:
        abort(404, description=_("没有找到该文件。"))
    return send_file(BytesIO(found.data), download_name=found.filename, mimetype=found.content_type, as_attachment=True)
