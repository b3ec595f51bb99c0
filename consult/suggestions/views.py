"""Suggestion box pages: send a suggestion, follow it up, read published replies; staff assign and reply."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.core import audit
from consult.core.models import Department
from consult.core.security.permissions import roles_required, staff_required
from consult.core.web.converters import query_page
from consult.core.web.errors import ServiceError
from consult.core.web.forms import form_view, rerender
from consult.digests import reports
from consult.digests.models import Digest
from consult.extensions import db, limiter
from consult.suggestions import digest_scope as suggestion_digests
from consult.suggestions import operations as service
from consult.suggestions.forms import (
    DOMAIN_LABELS,
    AssignForm,
    DigestForm,
    FollowForm,
    ReplyForm,
    SuggestionForm,
)
from consult.suggestions.models import DOMAINS, Suggestion
from worker.analysis.results import DigestResult

# Public pages under /suggestions, staff pages under /staff (where the permission walk covers them).
bp = Blueprint("suggestions", __name__, template_folder="templates")
STATUS_LABELS = {"received": _l("已受理"), "assigned": _l("已转交部门办理"), "replied": _l("已答复")}


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"suggestion_status": {k: str(v) for k, v in STATUS_LABELS.items()}, "domain_label": lambda d: str(DOMAIN_LABELS.get(d, d))}


@bp.get("/suggestions/")
def index() -> str:
    domain = request.args.get("domain", "")
    domain = domain if domain in DOMAINS else ""
    page = query_page()
    return render_template("suggestions/index.html", items=service.published(domain, page), domain=domain, domains=DOMAINS, page=page)


@bp.route("/suggestions/new", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@form_view("suggestions/new.html", SuggestionForm, default="body")
def new(form: SuggestionForm) -> str | tuple[str, int] | tuple[Response, int]:
    form.guard()
    if not form.is_submitted():
        return render_template("suggestions/new.html", form=form)
    if not form.validate():
        return rerender("suggestions/new.html", form)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    suggestion, code = service.submit(user, domain=form.domain.data or "", title=form.title.data or "", body=form.body.data or "", contact=form.contact.data or "", allow_public=bool(form.allow_public.data))
    db.session.commit()
    return render_template("suggestions/submitted.html", suggestion=suggestion, code=code)


@bp.route("/suggestions/follow", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def follow() -> str | tuple[str, int]:
    form = FollowForm()
    if form.validate_on_submit():
        suggestion = service.find(form.tracking_number.data or "", form.code.data or "")
        if suggestion is None:
            form.code.errors = [*form.code.errors, _("受理编号或查询码不正确。")]
            return render_template("suggestions/follow.html", form=form), 404
        return render_template("suggestions/status.html", suggestion=suggestion)
    return render_template("suggestions/follow.html", form=form), (400 if form.is_submitted() else 200)


@bp.get("/suggestions/mine")
@login_required
def mine() -> str:
    items = list(db.session.scalars(select(Suggestion).where(Suggestion.user_id == current_user.id).order_by(Suggestion.id.desc())))
    return render_template("suggestions/mine.html", items=items)


@bp.get("/suggestions/mine/<string:number>")
@login_required
def my_status(number: str) -> str:
    suggestion = service.owned(current_user, number)
    if suggestion is None:
        abort(404, description=_("没有找到该建议。"))
    return render_template("suggestions/status.html", suggestion=suggestion)


# --- staff ----------------------------------------------------------------------------------


def _visible(suggestion_id: int) -> Suggestion:
    """404 (not 403) for another department's suggestion: its existence is not revealed."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or not service.staff_may_see(current_user, suggestion):
        abort(404, description=_("没有找到该建议。"))
    return suggestion


@bp.get("/staff/suggestions/")
@staff_required
def queue() -> str:
    status = request.args.get("status", "")
    domain = request.args.get("domain", "")
    items = service.staff_queue(current_user, status=status if status in STATUS_LABELS else "", domain=domain if domain in DOMAINS else "")
    return render_template("suggestions/queue.html", items=items, status=status, domain=domain, domains=DOMAINS)


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.department_id.choices = [(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]
    return form


@bp.get("/staff/suggestions/<int:suggestion_id>")
@staff_required
def staff_detail(suggestion_id: int) -> str:
    return _staff_page(_visible(suggestion_id))


def _staff_page(suggestion: Suggestion, reply_form: ReplyForm | None = None) -> str:
    return render_template("suggestions/staff_detail.html", suggestion=suggestion, assign_form=_assign_form(), reply_form=reply_form or ReplyForm())


def _act(suggestion: Suggestion, run, success: str) -> Response | tuple[str, int]:  # type: ignore[no-untyped-def]
    try:
        run()
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        return render_template("errors/error.html", status=error.status, title=_("操作未成功"), message=error.message, back=url_for("suggestions.staff_detail", suggestion_id=suggestion.id)), error.status
    flash(success, "success")
    return redirect(url_for("suggestions.staff_detail", suggestion_id=suggestion.id))


@bp.post("/staff/suggestions/<int:suggestion_id>/assign")
@roles_required("staff", "admin")
def assign(suggestion_id: int) -> Response | tuple[str, int]:
    suggestion = _visible(suggestion_id)
    form = _assign_form()
    if not form.validate_on_submit():
        abort(400, description=_("请选择承办部门。"))
    return _act(suggestion, lambda: service.assign(current_user, suggestion, form.department_id.data), _("已分派。"))


@bp.post("/staff/suggestions/<int:suggestion_id>/reply")
@staff_required
def reply(suggestion_id: int) -> Response | tuple[str, int]:
    suggestion = _visible(suggestion_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.reply(current_user, suggestion, form.reply.data or "")
        db.session.commit()
    except ServiceError as error:  # the reply stays in the box, the reason beside it
        return rerender(lambda form: _staff_page(suggestion, form), form, error, default="reply")
    flash(_("答复已发送。"), "success")
    return redirect(url_for("suggestions.staff_detail", suggestion_id=suggestion.id))


# --- digests across suggestions (office staff) ------------------------------------------------


@bp.route("/staff/suggestions/digests", methods=["GET", "POST"])
@roles_required("staff", "admin")
def digests() -> str | Response | tuple[str, int]:
    form = DigestForm()
    if not form.is_submitted():
        today = date.today()
        form.start.data, form.end.data = today.replace(month=1, day=1), today
    elif form.validate():
        try:
            digest, created = suggestion_digests.request_digest(form.domain.data or "", form.start.data, form.end.data)
            audit.record(current_user, "suggestion.digest", "digest", digest.id, scope_key=digest.scope_key)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.domain.errors = [*form.domain.errors, error.message]
            return render_template("suggestions/digests.html", form=form, history=suggestion_digests.history()), error.status
        flash(_("已开始生成建议摘要。") if created else _("没有新的建议，摘要已是最新（或正在生成）。"), "success")
        return redirect(url_for("suggestions.digest", digest_id=digest.id))
    else:
        return render_template("suggestions/digests.html", form=form, history=suggestion_digests.history()), 400
    return render_template("suggestions/digests.html", form=form, history=suggestion_digests.history())


def _suggestion_digest(digest_id: int) -> Digest:
    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.scope != suggestion_digests.SCOPE:
        abort(404, description=_("没有找到该摘要。"))
    return digest


@bp.get("/staff/suggestions/digests/<int:digest_id>")
@roles_required("staff", "admin")
def digest(digest_id: int) -> str:
    digest = _suggestion_digest(digest_id)
    result = DigestResult.from_dict(digest.result) if digest.result else None
    domain, start, end = suggestion_digests.parse_key(digest.scope_key)
    return render_template("suggestions/digest.html", digest=digest, result=result, domain=domain, start=start, end=end, stance_text=reports.stance_text)


@bp.get("/staff/suggestions/digests/<int:digest_id>/status")
@roles_required("staff", "admin")
def digest_status(digest_id: int) -> Response:
    digest = _suggestion_digest(digest_id)
    return jsonify(status=digest.status, progress=digest.progress, stage=digest.stage, error=digest.error)
