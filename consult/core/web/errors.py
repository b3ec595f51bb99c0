"""Error pages: every failure a user can cause gets a clear Chinese message and a 4xx, never a 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from consult.core.web.problems import is_api_request, problem
from consult.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("请求有误"),
    401: _l("需要身份验证"),
    403: _l("没有权限"),
    404: _l("页面不存在"),
    405: _l("不支持的请求方式"),
    406: _l("无法提供所要求的格式"),
    409: _l("重复提交"),
    413: _l("提交的内容过大"),
    415: _l("不支持的内容类型"),
    422: _l("无法处理的内容"),
    429: _l("操作过于频繁"),
    503: _l("服务暂时不可用"),
}


_UNITS = {"second": _l("秒"), "minute": _l("分钟"), "hour": _l("小时"), "day": _l("天"), "month": _l("个月"), "year": _l("年")}


def describe_limit(amount: int, multiples: int, unit: str) -> str:
    """"10 per 1 minute" in words people read: 每分钟最多 10 次."""
    span = _UNITS.get(unit, unit)
    every = _("每%(span)s", span=span) if multiples == 1 else _("每 %(n)s %(span)s", n=multiples, span=span)
    return _("%(every)s最多 %(n)s 次", every=every, n=amount)


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def render_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if is_api_request():
        return problem(status, str(TITLES.get(status, _l("出错了"))), message, headers=headers)
    if wants_json():
        response = jsonify(error=message, status=status)
    else:
        response = Response(
            render_template("errors/error.html", status=status, title=str(TITLES.get(status, _l("出错了"))), message=message),
            mimetype="text/html",
        )
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Response:
        return render_error(400, _("页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"))

    @app.errorhandler(RateLimitExceeded)
    def _rate(error: RateLimitExceeded) -> Response:
        item = error.limit.limit
        window = item.GRANULARITY.seconds * item.multiples
        return render_error(
            429,
            _("操作过于频繁，请稍后再试（%(limit)s）。", limit=describe_limit(item.amount, item.multiples, item.GRANULARITY.name)),
            {"Retry-After": str(min(window, 3600))},
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        if status == 413:
            message = _("提交的内容超过了允许的大小。")
        elif error.description and error.description != type(error).description:
            message = error.description  # ours, written for the user; the class default is English
        elif status == 404:
            message = _("没有找到您要访问的页面或内容：网址可能有误，或内容已被删除。")
        else:
            message = str(TITLES.get(status, _l("出错了")))
        return render_error(status, message)

    @app.errorhandler(ServiceError)
    def _service(error: ServiceError) -> Response:
        db.session.rollback()  # nothing of a refused action is kept
        return refusal(error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _db_down(error: Exception) -> Response:

        full = "full" in str(error).lower() or "no space" in str(error).lower()
        log.error("database unavailable: %s%s", type(error).__name__, " (disk full)" if full else "")
        try:
            db.session.rollback()
        except (OperationalError, InterfaceError):
            # The server went away mid-rollback: drop the session (its connection is invalidated), the
            # pool connects anew on the next request. The answer is still the 503 below, never a 500.
            try:
                db.session.remove()
            except (OperationalError, InterfaceError):
                log.warning("could not close the session after the database went away")
        if full:
            return render_error(503, _("服务器存储空间不足，您的内容没有保存，请稍后重试。"), {"Retry-After": "60"})
        return render_error(503, _("数据库暂时不可用，您的内容没有保存，请稍后重试。"), {"Retry-After": "30"})


def form_errors_text(form: Any) -> str:
    """A form's validation messages as one line (they may be lazy strings), or a generic hint."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors) or _("请检查表单。")




class ServiceError(Exception):
    """A refusal the user can understand: a Chinese message, the HTTP status to answer with and,
    when one form field is at fault, that field's name (the form shows the message beside it)."""

    def __init__(self, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def refusal(error: ServiceError) -> Response:
    """A ServiceError raised outside a form flow: the error page, or JSON for a script."""
    if is_api_request():
        fields = [{"field": error.field, "message": error.message}] if error.field else None
        return problem(error.status, str(TITLES.get(error.status, _l("出错了"))), error.message, errors=fields)
    if wants_json():
        response = jsonify(error=error.message, status=error.status, field=error.field)
        response.status_code = error.status
        return response
    return render_error(error.status, error.message)
