"""Staff side of the API: calls authenticated by a personal token (`Authorization: Bearer`), and the
account page where staff create (secret shown once) and revoke their tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.api import schemas as s
from consult.api import staffapi, tokens
from consult.api.forms import TokenForm
from consult.api.guards import json_body, protect
from consult.api.models import ApiToken
from consult.api.paging import LIST_PARAMS, cached_json, keyset, page, page_args
from consult.api.registry import document
from consult.api.staffapi import ApiFieldErrors
from consult.core.security.permissions import staff_required
from consult.core.web.buttons import EmptyForm
from consult.core.web.errors import ServiceError
from consult.core.web.forms import rerender
from consult.core.web.problems import problem
from consult.digests.models import Digest
from consult.extensions import csrf, db
from consult.responses.models import Response as Answer

bp = Blueprint("api_staff", __name__, url_prefix="/api/v1/staff")
protect(bp, staff=True)
# Token calls carry no cookie the browser adds by itself, so there is no cross-site request to forge;
# the views below accept nothing but a token (the session is never consulted).
csrf.exempt(bp)
pages = Blueprint("api_tokens", __name__, template_folder="templates", url_prefix="/account/api-tokens")


def token_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = tokens.authenticate(request.headers.get("Authorization", ""))
            if token is None:
                return problem(401, _("需要身份验证"), _("缺少、无效、已过期或已撤销的 API 令牌。"), headers={"WWW-Authenticate": 'Bearer realm="consult"'})
            staffapi.require(token, scope)
            g.api_token = token
            try:
                return view(token, *args, **kwargs)
            except ApiFieldErrors as error:
                db.session.rollback()
                return problem(422, _("无法处理的内容"), _("请求中有字段不符合要求。"), errors=error.errors)

        return wrapped

    return decorator


def _created(payload: dict[str, Any], created: bool) -> Response:
    response = cached_json(payload, private=True)
    response.status_code = 201 if created else 200
    return response


@bp.post("/plans/<int:plan_id>/imports")
@document("导入来信、邮件或热线记录（按 external_id 幂等）", tag="staff", scope="imports:write", request=s.ref("ImportRequest"), response=s.ref("ImportResult"))
@token_required("imports:write")
def imports(token: ApiToken, plan_id: int) -> Response:
    plan = staffapi.managed_plan(token, plan_id)
    entry, created = staffapi.import_records(token, plan, json_body())
    db.session.commit()
    note = (entry.detail or {}).get("note", "")
    return _created({"plan_id": plan.id, "external_id": entry.external_id, "rows": entry.rows, "note": note, "duplicate": not created}, created)


@bp.get("/plans/<int:plan_id>/digests")
@document("方案的意见摘要（各次生成）", tag="staff", scope="digests:read", response=s.page_of("Digest"), params=LIST_PARAMS)
@token_required("digests:read")
def digests(token: ApiToken, plan_id: int) -> Response:
    plan = staffapi.managed_plan(token, plan_id)
    items, last = keyset(staffapi.digests(plan), Digest.id, Digest.created_at, page_args())
    db.session.commit()
    return cached_json(page([staffapi.digest_data(d) for d in items], last), private=True)


@bp.get("/digests/<int:digest_id>")
@document("一份摘要的完整结果（已脱敏）", tag="staff", scope="digests:read", response=s.ref("Digest"))
@token_required("digests:read")
def digest(token: ApiToken, digest_id: int) -> Response:
    found = staffapi.digest_for(token, digest_id)
    db.session.commit()
    return cached_json(staffapi.digest_data(found, full=True), private=True)


@bp.get("/plans/<int:plan_id>/answers")
@document("方案的全部答复（含来信等内部意见）", tag="staff", scope="answers:read", response=s.page_of("StaffAnswer"), params=LIST_PARAMS)
@token_required("answers:read")
def answers(token: ApiToken, plan_id: int) -> Response:
    plan = staffapi.managed_plan(token, plan_id)
    items, last = keyset(staffapi.answers_query(plan), Answer.id, Answer.updated_at, page_args())
    db.session.commit()
    return cached_json(page(staffapi.answer_data(items), last), private=True)


@bp.post("/plans/<int:plan_id>/answers")
@document("答复意见（若干条或一个摘要问题 D1-T1-I1，规则同答复工作台）", tag="staff", scope="answers:write", request=s.ref("AnswerRequest"), response=s.ref("AnswerResult"))
@token_required("answers:write")
def write_answers(token: ApiToken, plan_id: int) -> Response:
    plan = staffapi.managed_plan(token, plan_id)
    count = staffapi.write_answers(token, plan, json_body())
    db.session.commit()
    return _created({"answered": count}, True)


# --- the account page's token list ------------------------------------------------------------


def _page(form: TokenForm | None = None, secret: str = "") -> str:  # nosec B107  # the new token, shown once: not a default password
    return render_template("api/tokens.html", tokens=tokens.mine(current_user), form=form or TokenForm(), secret=secret,
                           revoke=EmptyForm(), scopes=tokens.SCOPES)


@pages.get("/")
@staff_required
def index() -> str:
    return _page()


@pages.post("/")
@staff_required
def create() -> str | tuple[str, int] | tuple[Response, int]:
    form = TokenForm()
    if not form.validate_on_submit():
        return rerender(lambda form: _page(form), form)
    try:
        _token, secret = tokens.create(current_user, name=form.name.data or "", scopes=list(form.scopes.data or []), days=int(form.days.data or 0))
    except ServiceError as error:
        return rerender(lambda form: _page(form), form, error, default="name")
    db.session.commit()
    flash(_("令牌已创建。请立即复制保存：离开本页后将无法再次查看。"), "success")
    return _page(secret=secret)


@pages.post("/<int:token_id>/revoke")
@staff_required
def revoke(token_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    tokens.revoke(current_user, token_id)
    db.session.commit()
    flash(_("令牌已撤销，使用它的调用将立即被拒绝。"), "success")
    return redirect(url_for("api_tokens.index"))
