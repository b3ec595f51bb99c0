"""The office's expert pages: the pool, conflicts of interest, invitations to a plan or a task, the report."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.core.security.permissions import roles_required, staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.experts import evaluation, invitations, opinions, pool, queries, report
from consult.experts.fields import CRITERIA, FIELDS, field_labels
from consult.experts.forms import ConflictForm, ExpertForm, InviteForm
from consult.experts.models import Expert, ExpertInvitation
from consult.experts.scoring import task_expert_scores
from consult.extensions import db
from consult.plans.access import managed_plan
from consult.plans.models import Plan

bp = Blueprint("expert_pool", __name__, template_folder="templates")
office_required = roles_required("staff", "admin")


def _expert(expert_id: int) -> Expert:
    expert = db.session.get(Expert, expert_id)
    if expert is None:
        abort(404, description=_("没有找到该专家。"))
    return expert


def _profile(form: ExpertForm) -> pool.Profile:
    return pool.Profile(name=form.name.data or "", organisation=form.organisation.data or "", title=form.title.data or "",
                        fields=tuple(form.fields.data or ()), bio=form.bio.data or "", active=bool(form.active.data))


def _pool_page(form: ExpertForm | None = None, **context: object) -> str:
    field = request.args.get("field", "")
    field = field if field in FIELDS else ""
    return render_template("experts/pool.html", form=form or ExpertForm(), experts=pool.experts(field=field), field=field,
                           fields=FIELDS, field_counts=pool.field_counts(), field_labels=field_labels)


@bp.get("/staff/experts/")
@office_required
def index() -> str:
    return _pool_page()


@bp.post("/staff/experts/")
@office_required
def create() -> Response | tuple[str, int]:
    form = ExpertForm()
    if not form.validate_on_submit():
        return rerender(_pool_page, form)
    try:
        expert = pool.create_expert(current_user, form.email.data or "", _profile(form))
    except ServiceError as error:
        return rerender(_pool_page, form, error)
    db.session.commit()
    flash(_("已将 %(n)s 加入专家库，设置密码的邮件已发出。", n=expert.name), "success")
    return redirect(url_for("expert_pool.profile", expert_id=expert.id))


def _conflict_form() -> ConflictForm:
    form = ConflictForm()
    form.department.choices = queries.department_choices()
    form.plan.choices = queries.plan_choices()
    return form


def _profile_page(expert_id: int, form: ExpertForm | None = None, conflict_form: ConflictForm | None = None) -> str:
    expert = _expert(expert_id)
    return render_template(
        "experts/profile.html", expert=expert, form=form or ExpertForm(obj=expert), conflict_form=conflict_form or _conflict_form(),
        invitations=invitations.invitations_of(expert), action=EmptyForm(), field_labels=field_labels,
    )


@bp.route("/staff/experts/<int:expert_id>", methods=["GET", "POST"])
@office_required
def profile(expert_id: int) -> str | Response | tuple[str, int]:
    expert = _expert(expert_id)
    if request.method == "GET":
        return _profile_page(expert_id)
    form = ExpertForm()
    if not form.validate_on_submit():
        return rerender(lambda **kw: _profile_page(expert_id, **kw), form)
    try:
        pool.update_expert(current_user, expert, _profile(form))
    except ServiceError as error:
        return rerender(lambda **kw: _profile_page(expert_id, **kw), form, error)
    db.session.commit()
    flash(_("专家信息已保存。"), "success")
    return redirect(url_for("expert_pool.profile", expert_id=expert.id))


@bp.post("/staff/experts/<int:expert_id>/conflicts")
@office_required
def add_conflict(expert_id: int) -> Response | tuple[str, int]:
    expert = _expert(expert_id)
    form = _conflict_form()
    render = lambda **kw: _profile_page(expert_id, conflict_form=kw["form"])  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    try:
        pool.add_conflict(current_user, expert, department_id=queries.optional_id(form.department.data, "department"),
                          plan_id=queries.optional_id(form.plan.data, "plan"), note=form.note.data or "")
    except ServiceError as error:
        return rerender(render, form, error)
    db.session.commit()
    flash(_("已记录回避事项。"), "success")
    return redirect(url_for("expert_pool.profile", expert_id=expert.id))


@bp.post("/staff/experts/<int:expert_id>/conflicts/<int:conflict_id>/delete")
@office_required
def remove_conflict(expert_id: int, conflict_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("表单已过期，请刷新页面后重试。"))
    pool.remove_conflict(current_user, _expert(expert_id), conflict_id)
    db.session.commit()
    flash(_("已删除回避事项。"), "success")
    return redirect(url_for("expert_pool.profile", expert_id=expert_id))


@bp.post("/staff/experts/<int:expert_id>/welcome")
@office_required
def resend_welcome(expert_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("表单已过期，请刷新页面后重试。"))
    expert = _expert(expert_id)
    pool.send_welcome(expert)
    db.session.commit()
    flash(_("已重新发送设置密码的邮件（原链接失效）。"), "success")
    return redirect(url_for("expert_pool.profile", expert_id=expert_id))


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.expert_id.choices = queries.expert_choices()
    form.task_id.choices = queries.task_choices()
    return form


def _review_page(plan_id: int, form: InviteForm | None = None) -> str:
    plan = managed_plan(plan_id)
    rows = invitations.for_plan(plan.id)
    counts = {i.id: len(opinions.opinions_of(i)) for i in rows}
    return render_template("experts/plan_review.html", plan=plan, invitations=rows, counts=counts, form=form or _invite_form(),
                           action=EmptyForm(), field_labels=field_labels, conflicts={i.id: invitations.conflicts_for(i.expert, plan=plan) for i in rows})


@bp.get("/staff/plans/<int:plan_id>/experts")
@office_required
def plan_review(plan_id: int) -> str:
    return _review_page(plan_id)


@bp.post("/staff/plans/<int:plan_id>/experts")
@office_required
def invite_to_plan(plan_id: int) -> Response | tuple[str, int]:
    plan = managed_plan(plan_id)
    form = _invite_form()
    render = lambda **kw: _review_page(plan_id, kw["form"])  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    try:
        expert = queries.chosen_expert(form.expert_id.data)
        invitations.invite(current_user, expert, plan=plan, message=form.message.data or "",
                           deadline=queries.parse_date(form.deadline.data, "deadline"), override_reason=form.override_reason.data or "")
    except ServiceError as error:
        return rerender(render, form, error)
    db.session.commit()
    flash(_("已邀请 %(n)s 论证本方案。", n=expert.name), "success")
    return redirect(url_for("expert_pool.plan_review", plan_id=plan.id))


@bp.get("/staff/plans/<int:plan_id>/experts/report.docx")
@staff_required
def plan_report(plan_id: int) -> Response:
    plan: Plan = managed_plan(plan_id)
    data = report.docx(plan)
    return send_file(BytesIO(data), download_name=f"专家论证报告-{plan.id}.docx", as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _invitation(invitation_id: int) -> ExpertInvitation:
    invitation = db.session.get(ExpertInvitation, invitation_id)
    if invitation is None:
        abort(404, description=_("没有找到该邀请。"))
    return invitation


@bp.post("/staff/experts/invitations/<int:invitation_id>/withdraw")
@office_required
def withdraw(invitation_id: int) -> Response:
    invitation = _invitation(invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("表单已过期，请刷新页面后重试。"))
    invitations.withdraw(current_user, invitation)
    db.session.commit()
    flash(_("邀请已撤回。"), "success")
    if invitation.plan_id is not None:
        return redirect(url_for("expert_pool.plan_review", plan_id=invitation.plan_id))
    return redirect(url_for("expert_pool.evaluations"))


def _evaluations_page(form: InviteForm | None = None) -> str:
    tasks = queries.scored_tasks()
    return render_template(
        "experts/evaluations.html", tasks=tasks, summaries=task_expert_scores([t.id for t in tasks]),
        rows={t.id: invitations.for_task(t.id) for t in tasks}, sheets={t.id: {s.invitation_id: s for s in evaluation.sheets_for_task(t.id)} for t in tasks},
        form=form or _invite_form(), criteria=CRITERIA, action=EmptyForm(),
    )


@bp.get("/staff/experts/evaluations")
@office_required
def evaluations() -> str:
    return _evaluations_page()


@bp.post("/staff/experts/evaluations")
@office_required
def invite_to_task() -> Response | tuple[str, int]:
    form = _invite_form()
    if not form.validate_on_submit():
        return rerender(lambda **kw: _evaluations_page(kw["form"]), form)
    try:
        task = queries.chosen_task(form.task_id.data)
        expert = queries.chosen_expert(form.expert_id.data)
        invitations.invite(current_user, expert, task=task, message=form.message.data or "",
                           deadline=queries.parse_date(form.deadline.data, "deadline"), override_reason=form.override_reason.data or "")
    except ServiceError as error:
        return rerender(lambda **kw: _evaluations_page(kw["form"]), form, error)
    db.session.commit()
    flash(_("已邀请 %(n)s 评估该改革任务。", n=expert.name), "success")
    return redirect(url_for("expert_pool.evaluations"))
