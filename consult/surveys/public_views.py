"""The respondent's side: /s/<token> (one-time link) and /surveys/<id>/answer (open survey).

No login. A refusal (forged, used, expired, closed, invalid answers) is a page with a clear
message and a 4xx; answers already typed are shown again on a 400 so nothing is lost."""

from __future__ import annotations

import secrets

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
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from consult.core.web.errors import ServiceError, wants_json
from consult.extensions import db, limiter
from consult.surveys import answering, building, questions
from consult.surveys import invitations as invites
from consult.surveys.models import Survey

bp = Blueprint("survey_public", __name__, template_folder="templates")
# The question partials look their kind up by the question's type (templates/surveys/_questions.html).
bp.add_app_template_global(questions.get, "question_kind")
bp.add_app_template_global(questions.kinds, "question_kinds")

VISITOR_COOKIE = "survey_visitor"
MAX_DRAFT_FIELDS = 500


def _form_values() -> dict[str, list[str]]:
    values = {k: [v[:5000] for v in request.form.getlist(k)][:50] for k in request.form if k.startswith("q_")}
    if len(values) > MAX_DRAFT_FIELDS:
        abort(400, description=_("提交的字段过多。"))
    return values


def _refusal(error: ServiceError) -> tuple[str, int] | tuple[Response, int]:
    if wants_json():
        return jsonify(error=error.message), error.status
    return render_template("surveys/message.html", title=_("无法填写问卷"), message=error.message), error.status


def _after_commit(survey: Survey, day) -> None:  # type: ignore[no-untyped-def]
    if survey.anonymous:
        answering.blur_ledger(survey.id, day)
        db.session.commit()


@bp.route("/s/<token>", methods=["GET", "POST"])
# Per link, not per IP: many respondents may share one office NAT, and autosave posts while typing.
@limiter.limit("60 per minute", methods=["POST"], key_func=lambda: f"survey-link:{request.path}")
def take(token: str) -> str | Response | tuple[str, int] | tuple[Response, int]:
    invitation = invites.find(token)
    survey = db.session.get(Survey, invitation.survey_id) if invitation is not None else None
    try:
        invites.check_usable(invitation, survey)
    except ServiceError as error:
        return _refusal(error)
    assert survey is not None and survey.current_version is not None
    values = invites.load_draft(token)
    if request.method == "POST":
        values = _form_values()
        if request.form.get("action") == "save":
            invites.save_draft(survey, token, values)
            db.session.commit()
            if wants_json():
                return jsonify(saved=True)
            flash(_("进度已保存。用同一链接再次打开即可继续填写。"), "success")
            return redirect(url_for("survey_public.take", token=token))
        try:
            answering.submit_with_token(token, request.form.to_dict(flat=False))
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            if error.status != 400:
                return _refusal(error)
            return render_template("surveys/take.html", survey=survey, spec=survey.current_version.spec, values=values, error=error.message, problems=getattr(error, "problems", {}), action=request.path), 400
        _after_commit(survey, building.local_day())
        return redirect(url_for("survey_public.thanks"))
    return render_template("surveys/take.html", survey=survey, spec=survey.current_version.spec, values=values, action=request.path)


@bp.get("/s/thanks")
def thanks() -> str:
    return render_template("surveys/message.html", title=_("提交成功"), message=_("您的答卷已提交，感谢您的参与！"), done=True)


def _open_survey(survey_id: int) -> Survey:
    try:
        return answering.check_open(db.session.get(Survey, survey_id))
    except ServiceError as error:
        abort(error.status, description=error.message)


@bp.route("/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("SURVEY_OPEN_RATE_LIMIT", "10 per hour"), methods=["POST"])
def take_open(survey_id: int) -> str | Response | tuple[str, int]:
    survey = _open_survey(survey_id)
    assert survey.current_version is not None
    visitor = request.cookies.get(VISITOR_COOKIE, "")
    if request.method == "POST":
        if not visitor or len(visitor) > 64:
            abort(400, description=_("请允许浏览器保存 Cookie 后刷新页面再提交。"))
        try:
            answering.submit_open(survey, visitor, request.form.to_dict(flat=False))
            db.session.commit()
        except IntegrityError:  # the same visitor in two tabs at once: the unique constraint kept one
            db.session.rollback()
            abort(409, description=_("您已经回答过这份问卷，感谢您的参与！"))
        except ServiceError as error:
            db.session.rollback()
            if error.status != 400:
                abort(error.status, description=error.message)
            return render_template("surveys/take.html", survey=survey, spec=survey.current_version.spec, values=_form_values(), error=error.message, problems=getattr(error, "problems", {}),
                                   action=request.path, open_mode=True), 400
        _after_commit(survey, building.local_day())
        return redirect(url_for("survey_public.thanks"))
    # werkzeug's Response defaults to text/plain: the browser showed the open survey as source text.
    response = Response(render_template("surveys/take.html", survey=survey, spec=survey.current_version.spec, values={}, action=request.path, open_mode=True),
                        mimetype="text/html")
    if not visitor:
        response.set_cookie(VISITOR_COOKIE, secrets.token_urlsafe(24), max_age=400 * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response
