"""The experts' own space (/expert): their invitations, a plan read clause by clause with their opinions,
the scoring sheet of a task, and the welcome link that sets their password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.core.models import Role
from consult.core.security.abuse import public_write_limits
from consult.core.security.permissions import roles_required
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.experts import channel, evaluation, invitations, models, opinions, pool  # noqa: F401  (channel registered)
from consult.experts.fields import CRITERIA, field_labels
from consult.experts.forms import ConclusionForm, OpinionForm, RespondForm, ScoreForm, WelcomeForm
from consult.experts.models import ExpertInvitation, InvitationStatus
from consult.extensions import db
from consult.responses.operations import for_comments, status_labels

bp = Blueprint("experts", __name__, template_folder="templates", url_prefix="/expert")
expert_required = roles_required(Role.EXPERT)


@bp.get("/")
@expert_required
def index() -> str:
    expert = pool.expert_for_user(current_user)
    rows = invitations.invitations_of(expert) if expert is not None else []
    return render_template("experts/space.html", expert=expert, invitations=rows, field_labels=field_labels)


def _own(invitation_id: int) -> ExpertInvitation:
    invitation = invitations.own_invitation(current_user, invitation_id)
    if invitation is None:
        abort(404, description=_("没有找到该邀请。"))
    return invitation


def _invitation_page(invitation_id: int, *, form: object = None, opinion_form: OpinionForm | None = None,
                     conclusion_form: ConclusionForm | None = None, score_form: object = None, respond_form: RespondForm | None = None,
                     edit_form: OpinionForm | None = None, editing: int | None = None) -> str:
    invitation = _own(invitation_id)
    mine = opinions.opinions_of(invitation) if invitation.plan_id is not None else []
    sheet = evaluation.sheet_of(invitation) if invitation.task_id is not None else None
    if score_form is None:
        score_form = ScoreForm(formdata=None, data={**(sheet.scores if sheet else {}), "comment": sheet.comment if sheet else ""})
    return render_template(
        "experts/invitation.html", invitation=invitation, mine=opinions.by_clause(mine), responses=for_comments([c.id for c in mine]),
        labels=status_labels(), opinion_form=opinion_form or OpinionForm(formdata=None),
        failed_clause=_failed_clause(invitation, opinion_form),
        conclusion_form=conclusion_form or ConclusionForm(formdata=None, data={"conclusion": invitation.conclusion}),
        score_form=score_form, sheet=sheet, criteria=CRITERIA, respond_form=respond_form or RespondForm(formdata=None),
        past_deadline=invitations.is_past_deadline(invitation), accepted=invitation.status == InvitationStatus.ACCEPTED,
        field_labels=field_labels, edit_form=edit_form, editing=editing,
    )


def _failed_clause(invitation: ExpertInvitation, form: OpinionForm | None) -> str | None:
    """Which box shows a refused opinion again: its clause's, else (a clause not in the plan) the whole plan's."""
    if form is None:
        return None
    version = invitation.plan.current_version if invitation.plan is not None else None
    known = {str(c.id) for c in version.clauses} if version is not None else set()
    return form.clause_id.data if form.clause_id.data in known else ""


@bp.get("/invitations/<int:invitation_id>")
@expert_required
def invitation(invitation_id: int) -> str:
    return _invitation_page(invitation_id)


@bp.post("/invitations/<int:invitation_id>/respond")
@expert_required
def respond(invitation_id: int) -> Response | tuple[str, int]:
    own = _own(invitation_id)
    form = RespondForm()
    render = lambda **kw: _invitation_page(invitation_id, respond_form=kw["form"])  # noqa: E731
    if not form.validate_on_submit() or form.answer.data not in ("accept", "decline"):
        return rerender(render, form, ServiceError(_("请选择接受或谢绝。"), 400, field="note"))
    try:
        invitations.respond(current_user, own, accept=form.answer.data == "accept", note=form.note.data or "")
    except ServiceError as error:
        return rerender(render, form, error)
    db.session.commit()
    flash(_("已接受邀请，请在截止日期前提出意见。") if form.answer.data == "accept" else _("已谢绝邀请。"), "success")
    return redirect(url_for("experts.invitation", invitation_id=invitation_id))


@bp.post("/invitations/<int:invitation_id>/opinions")
@expert_required
def add_opinion(invitation_id: int) -> Response | tuple[str, int]:
    own = _own(invitation_id)
    form = OpinionForm()
    render = lambda **kw: _invitation_page(invitation_id, opinion_form=kw["form"])  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    raw = (form.clause_id.data or "").strip()
    try:
        if raw and not raw.isdigit():
            raise ServiceError(_("该条款不属于本方案的当前版本。"), 404, field="body")
        comment = opinions.add_opinion(current_user, own, clause_id=int(raw) if raw else None, body=form.body.data or "")
    except ServiceError as error:
        return rerender(render, form, error, default="body")
    db.session.commit()
    flash(_("意见已提交。"), "success")
    anchor = f"clause-{comment.clause_id}" if comment.clause_id else "whole-plan"
    return redirect(url_for("experts.invitation", invitation_id=invitation_id) + f"#{anchor}")


@bp.post("/invitations/<int:invitation_id>/opinions/<int:comment_id>")
@expert_required
def edit_opinion(invitation_id: int, comment_id: int) -> Response | tuple[str, int]:
    own = _own(invitation_id)
    form = OpinionForm()
    render = lambda **kw: _invitation_page(invitation_id, edit_form=kw["form"], editing=comment_id)  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    try:
        comment = opinions.edit_opinion(current_user, own, comment_id, form.body.data or "")
    except ServiceError as error:
        return rerender(render, form, error, default="body")
    db.session.commit()
    flash(_("意见已修改。"), "success")
    return redirect(url_for("experts.invitation", invitation_id=invitation_id) + f"#opinion-{comment.id}")


@bp.post("/invitations/<int:invitation_id>/opinions/<int:comment_id>/withdraw")
@expert_required
def withdraw_opinion(invitation_id: int, comment_id: int) -> Response:
    own = _own(invitation_id)
    if not OpinionForm().validate_on_submit():
        abort(400, description=_("页面已过期，请刷新后重试。"))
    try:
        opinions.withdraw_opinion(current_user, own, comment_id)
    except ServiceError as error:
        abort(error.status, description=error.message)
    db.session.commit()
    flash(_("意见已撤回。"), "success")
    return redirect(url_for("experts.invitation", invitation_id=invitation_id))


@bp.post("/invitations/<int:invitation_id>/conclusion")
@expert_required
def conclusion(invitation_id: int) -> Response | tuple[str, int]:
    own = _own(invitation_id)
    form = ConclusionForm()
    render = lambda **kw: _invitation_page(invitation_id, conclusion_form=kw["form"])  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    try:
        opinions.set_conclusion(current_user, own, form.conclusion.data or "")
    except ServiceError as error:
        return rerender(render, form, error, default="conclusion")
    db.session.commit()
    flash(_("论证结论已保存。"), "success")
    return redirect(url_for("experts.invitation", invitation_id=invitation_id) + "#conclusion-box")


@bp.post("/invitations/<int:invitation_id>/score")
@expert_required
def score(invitation_id: int) -> Response | tuple[str, int]:
    own = _own(invitation_id)
    form = ScoreForm()
    render = lambda **kw: _invitation_page(invitation_id, score_form=kw["form"])  # noqa: E731
    if not form.validate_on_submit():
        return rerender(render, form)
    try:
        evaluation.submit(current_user, own, {code: request.form.get(code) for code, _label, _w in CRITERIA}, form.comment.data or "")
    except ServiceError as error:
        return rerender(render, form, error, default="comment")
    db.session.commit()
    flash(_("评分表已提交。"), "success")
    return redirect(url_for("experts.invitation", invitation_id=invitation_id))


def _welcome_page(form: WelcomeForm) -> str:
    return render_template("experts/welcome.html", form=form)


@bp.route("/welcome", methods=["GET", "POST"])
@public_write_limits(per_ip="30 per hour", per_login="10 per hour")
def welcome() -> str | Response | tuple[str, int]:
    """The set-password link of the welcome e-mail (no login: the code is the proof)."""
    form = WelcomeForm()
    if request.method == "GET":
        form.login.data = request.args.get("login", "")[:254]
        form.code.data = request.args.get("code", "")[:100]
        return _welcome_page(form)
    if not form.validate_on_submit():
        return rerender(_welcome_page, form)
    try:
        if (form.confirm.data or "") != form.password.data:
            raise ServiceError(_("两次输入的密码不一致。"), field="confirm")
        pool.set_password(form.login.data or "", form.code.data or "", form.password.data or "")
    except ServiceError as error:
        db.session.commit()  # keep the code's attempt count
        return rerender(_welcome_page, form, error, default="password")
    db.session.commit()
    flash(_("密码已设置，请登录。"), "success")
    return redirect(url_for("accounts.login"))
