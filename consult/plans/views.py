"""Reading a plan clause by clause, commenting on it, and voting on others' comments."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from consult.core.security.abuse import public_write_limits
from consult.core.security.permissions import safe_target
from consult.core.web.converters import query_int, query_page
from consult.core.web.errors import ServiceError, wants_json
from consult.core.web.forms import rerender
from consult.extensions import db
from consult.plans import comments as comment_service
from consult.plans import editing
from consult.plans import operations as plan_service
from consult.plans.access import can_manage_plan
from consult.plans.forms import CommentForm, EditCommentForm, VoteForm
from consult.plans.models import Clause, Comment, CommentStatus, Plan, PlanVersion
from consult.responses import feedback as feedback_service
from consult.responses import operations as response_service

bp = Blueprint("plans", __name__, template_folder="templates", url_prefix="/plans")

PAGE_SIZE = 20
SORTS = {"new": Comment.created_at.desc(), "support": Comment.support_count.desc(), "old": Comment.created_at}


def _plan_or_404(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    # A draft is seen only by those who may manage it: other departments get the same 404 as anyone.
    if plan is None or (not plan.published and not (current_user.is_authenticated and can_manage_plan(current_user, plan))):
        abort(404, description=_("没有找到该方案。"))
    return plan


def _version(plan: Plan) -> PlanVersion:
    number = query_int("version", high=2**31 - 1)
    if number is None:
        version = plan.current_version
    else:
        version = next((v for v in plan.versions if v.number == number), None)
    if version is None:
        abort(404, description=_("没有找到该版本。"))
    return version


def _visible(query, version_id: int):  # type: ignore[no-untyped-def]
    """Public comments (a withdrawn one as a "已撤回" note), plus the viewer's own in any status (so they
    always see where theirs stand); replies are shown under their comment, not here."""
    condition = Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.WITHDRAWN))
    if current_user.is_authenticated:
        condition = or_(condition, Comment.user_id == current_user.id)
    return query.where(Comment.version_id == version_id, Comment.parent_id.is_(None), condition)


def _choices(form: CommentForm, version: PlanVersion) -> CommentForm:
    form.clause_id.choices = [("", _("整个方案"))] + [
        (str(c.id), c.label[:40]) for c in version.clauses
    ]
    return form


def _comment_form(plan: Plan, version: PlanVersion, clause: Clause | None = None) -> CommentForm:
    form = _choices(CommentForm(), version)
    if clause is not None and not form.is_submitted():
        form.clause_id.data = str(clause.id)
    if not form.submission_id.data:
        form.submission_id.data = uuid.uuid4().hex
    return form


def _page(query, sort: str, total: int | None = None):  # type: ignore[no-untyped-def]
    page = query_page()
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(SORTS.get(sort, SORTS["new"]), Comment.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return items, page, max(1, -(-total // PAGE_SIZE)), total


def _comments_elsewhere(plan: Plan, version: PlanVersion) -> list[tuple[PlanVersion, int]]:
    """Other versions' public comment counts: a revised version has none of its own, so say where they are."""
    counts = dict(db.session.execute(
        select(Comment.version_id, func.count()).where(Comment.plan_id == plan.id, Comment.status == CommentStatus.PUBLISHED, Comment.version_id != version.id).group_by(Comment.version_id)
    ).all())
    return [(v, counts[v.id]) for v in plan.versions if counts.get(v.id)]


def _own_hidden(version_id: int) -> int:
    """The viewer's own top-level whole-plan comments the public does not see (pending, rejected…)."""
    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.user_id == current_user.id, Comment.version_id == version_id, Comment.parent_id.is_(None), Comment.clause_id.is_(None),
        Comment.status.not_in((CommentStatus.PUBLISHED, CommentStatus.WITHDRAWN)))) or 0


def _render_comments(template: str, plan: Plan, version: PlanVersion, clause: Clause | None, form: CommentForm | None = None,
                     public_total: int | None = None, **extra: Any) -> str:
    """A plan or clause page: its visible comments, paginated and sorted, with the comment form
    (`form` when a refused submission is shown again). ``public_total``: the whole-plan list's public
    count when already known (``plan_service.page_counts``); the viewer's own hidden ones are added."""
    sort = request.args.get("sort", "new")
    query = _visible(select(Comment), version.id)
    query = query.where(Comment.clause_id == clause.id) if clause else query.where(Comment.clause_id.is_(None))
    known = None if clause is not None or public_total is None else public_total + _own_hidden(version.id)
    items, page, pages, total = _page(query, sort, known)
    viewer = current_user if current_user.is_authenticated else None
    replies = editing.replies_for([c.id for c in items], viewer.id if viewer else None)
    shown = [c.id for c in items] + [r.id for rs in replies.values() for r in rs]
    extra.setdefault("edit_errors", {})
    return render_template(
        template,
        elsewhere=_comments_elsewhere(plan, version) if total == 0 else [],
        plan=plan,
        version=version,
        clause=clause,
        comments=items,
        page=page,
        pages=pages,
        total=total,
        sort=sort,
        form=form or _comment_form(plan, version, clause),
        votes=comment_service.my_vote(viewer, shown),
        answers=response_service.for_comments([c.id for c in items]),
        replies=replies,
        edit_form=EditCommentForm(),
        answer_labels=response_service.status_labels(),
        feedback_report=feedback_service.report_for(plan.id),
        my_opinions=feedback_service.mine(plan, viewer),
        vote_form=VoteForm(),
        is_current=version.id == plan.current_version.id,
        **extra,
    )


@bp.get("/<int:plan_id>")
def detail(plan_id: int) -> str:
    plan = _plan_or_404(plan_id)
    version = _version(plan)
    counts, public_total = plan_service.page_counts(version)
    return _render_comments("plans/detail.html", plan, version, None, public_total=public_total, counts=counts)


@bp.get("/<int:plan_id>/clauses/<int:clause_id>")
def clause(plan_id: int, clause_id: int) -> str:
    plan = _plan_or_404(plan_id)
    clause = db.session.get(Clause, clause_id)
    if clause is None or clause.version.plan_id != plan.id:
        abort(404, description=_("没有找到该条款。"))
    return _render_comments("plans/clause.html", plan, clause.version, clause)


@bp.post("/<int:plan_id>/comments")
@login_required
@public_write_limits(per_account="COMMENT_RATE_LIMIT", per_ip="COMMENT_IP_RATE_LIMIT")
def post_comment(plan_id: int) -> str | Response | tuple[str, int]:
    plan = _plan_or_404(plan_id)
    # The clause list is only needed to show the form again (choices are not validated): not loaded on success.
    form = CommentForm()
    form.guard()
    clause_value = (form.clause_id.data or "").strip()
    parent_value = (form.parent_id.data or "").strip()
    try:
        if clause_value and not _is_id(clause_value):
            raise ServiceError(_("所选条款不存在。"), 400, field="clause_id")
        if parent_value and not _is_id(parent_value):
            raise ServiceError(_("只能回复本方案中已公开的意见。"), 400, field="body")
        comment, created = comment_service.post_comment(
            user=current_user,
            plan=plan,
            body=form.body.data or "",
            clause_id=int(clause_value) if clause_value else None,
            show_pseudonym=bool(form.show_pseudonym.data),
            submission_id=form.submission_id.data,
            parent_id=int(parent_value) if parent_value else None,
        )
        # Read before the commit expires them: reading after it would re-select the comment and the plan.
        shown = (comment.id, comment.status, comment.clause_id, plan.id)
        db.session.commit()
    except ServiceError as error:
        if error.status == 403:
            raise  # not allowed to comment at all: the error page says why (no form to show)
        return rerender(_comment_page(plan, clause_value), form, error, default="body")
    comment_id, status, comment_clause, plan_id = shown
    if not created:
        message = _("这条意见已经提交过了，不会重复保存。")
        if wants_json():
            return jsonify(id=comment_id, duplicate=True, message=message), 409
        flash(message, "info")
    elif status == CommentStatus.PENDING:
        flash(_("意见已提交，将在审核通过后公开显示。"), "success")
    else:
        flash(_("意见已发表，感谢您的参与！"), "success")
    if wants_json() and created:
        return jsonify(id=comment_id, status=status), 201
    target = (
        url_for("plans.clause", plan_id=plan_id, clause_id=comment_clause, _anchor=f"comment-{comment_id}")
        if comment_clause
        else url_for("plans.detail", plan_id=plan_id, _anchor=f"comment-{comment_id}")
    )
    return redirect(target)


def _is_id(value: str) -> bool:
    """ASCII digits of a size a database id can have ("²" and 40-digit numbers are not ids)."""
    return value.isascii() and value.isdigit() and len(value) <= 12


def _comment_page(plan: Plan, clause_value: str):  # type: ignore[no-untyped-def]
    """The page the comment was written on, to show it again with the text kept and the message beside it."""
    clause = db.session.get(Clause, int(clause_value)) if _is_id(clause_value) else None
    if clause is not None and clause.version_id != plan.current_version.id:
        clause = None

    def render(form: CommentForm) -> str:
        _choices(form, plan.current_version)
        if clause is not None:
            return _render_comments("plans/clause.html", plan, clause.version, clause, form=form)
        version = plan.current_version
        return _render_comments("plans/detail.html", plan, version, None, form=form, counts=plan_service.comment_counts(version))

    return render


@bp.post("/comments/<int:comment_id>/vote")
@login_required
@public_write_limits(per_account="VOTE_RATE_LIMIT", per_ip="VOTE_IP_RATE_LIMIT")
def vote(comment_id: int) -> Response | tuple[Response, int]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404, description=_("没有找到该意见。"))
    form = VoteForm()
    form.guard()
    value = {"support": 1, "oppose": -1, "clear": 0}.get(form.value.data or "")
    try:
        if value is None:
            raise ServiceError(_("无效的投票。"))
        comment_service.vote(current_user, comment, value)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        if wants_json():
            return jsonify(error=error.message), error.status
        flash(error.message, "error")
        return redirect(safe_target(request.referrer, url_for("plans.detail", plan_id=comment.plan_id))), 303
    if wants_json():
        return jsonify(support=comment.support_count, oppose=comment.oppose_count, mine=value), 200
    target = url_for("plans.clause", plan_id=comment.plan_id, clause_id=comment.clause_id) if comment.clause_id else url_for("plans.detail", plan_id=comment.plan_id)
    return redirect(f"{target}#comment-{comment.id}"), 303


def _own_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.user_id != current_user.id:
        abort(404, description=_("没有找到该意见。"))
    return comment


def _comment_anchor(comment: Comment) -> str:
    target = url_for("plans.clause", plan_id=comment.plan_id, clause_id=comment.clause_id) if comment.clause_id else url_for("plans.detail", plan_id=comment.plan_id)
    return f"{target}#comment-{comment.parent_id or comment.id}"


@bp.post("/comments/<int:comment_id>/edit")
@login_required
@public_write_limits(per_account="COMMENT_RATE_LIMIT", per_ip="COMMENT_IP_RATE_LIMIT")
def edit_comment(comment_id: int) -> str | Response | tuple[str, int]:
    """The author changes their text while the window is open; a refusal shows the page again with the text kept."""
    comment = _own_comment(comment_id)
    form = EditCommentForm()
    if not form.validate_on_submit():
        abort(400, description=_("页面已过期，请刷新后重试。"))
    try:
        comment = editing.edit_comment(current_user, comment, form.body.data or "")
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        if error.status == 403:
            raise
        plan = db.session.get(Plan, comment.plan_id)
        clause = comment.clause if comment.clause_id else None
        errors = {comment.id: (error.message, form.body.data or "")}
        if clause is not None:
            return _render_comments("plans/clause.html", plan, clause.version, clause, edit_errors=errors), error.status
        return _render_comments("plans/detail.html", plan, plan.current_version, None, counts=plan_service.comment_counts(plan.current_version), edit_errors=errors), error.status
    pending = comment.status == CommentStatus.PENDING
    flash(_("意见已修改，将在审核通过后公开显示。") if pending else _("意见已修改。"), "success")
    return redirect(_comment_anchor(comment))


@bp.post("/comments/<int:comment_id>/withdraw")
@login_required
def withdraw_comment(comment_id: int) -> Response:
    comment = _own_comment(comment_id)
    if not EditCommentForm().validate_on_submit():
        abort(400, description=_("页面已过期，请刷新后重试。"))
    editing.withdraw_comment(current_user, comment)
    db.session.commit()
    flash(_("意见已撤回。"), "success")
    return redirect(_comment_anchor(comment))
