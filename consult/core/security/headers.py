"""Security by default: response headers with a CSP, no caching of private pages and downloads,
the trusted-proxy setting, and refusal of malformed request bodies."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, unquote_to_bytes

from flask import Flask, Response, abort, current_app, g, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

FORM_TYPES = ("application/x-www-form-urlencoded",)
# Pages with personal data or unpublished work: no browser or proxy may keep a copy.
PRIVATE_PREFIXES = ("/staff", "/admin", "/account")


def _csp(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _has_forbidden_controls(value: str) -> bool:
    # Tab, newline and carriage return are ordinary in multi-line text; every other C0/C1
    # control (NUL above all) has no place in a comment and breaks logs and exports.
    return any((ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0 for c in value)


def _check_urlencoded(raw: bytes) -> None:
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            decoded = unquote_to_bytes(part.replace(b"+", b" "))
            try:
                text = decoded.decode("utf-8")
            except UnicodeDecodeError:
                abort(400, description=_("提交的内容不是有效的 UTF-8 文本，请检查后重新提交。"))
            if _has_forbidden_controls(text):
                abort(400, description=_("提交的内容包含不允许的控制字符（如 NUL），请删除后重新提交。"))


def guard_request() -> None:
    """Refuse malformed input with 400 before any view parses it."""
    try:
        # errors="strict": %FF in a parameter is refused, not silently turned into U+FFFD.
        parse_qsl(request.query_string.decode("utf-8"), errors="strict")
    except UnicodeDecodeError:
        abort(400, description=_("网址参数不是有效的 UTF-8 文本。"))
    if any(_has_forbidden_controls(v) for v in request.args.values()):
        abort(400, description=_("网址参数包含不允许的控制字符。"))
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.mimetype in FORM_TYPES:
        # Cached, so the form parser reads the same bytes afterwards.
        _check_urlencoded(request.get_data(cache=True))
    elif request.mimetype == "multipart/form-data":
        for value in request.form.values():
            if _has_forbidden_controls(value) or "\ufffd" in value:
                abort(400, description=_("提交的内容包含无效字符，请检查后重新提交。"))


def set_headers(response: Response) -> Response:
    nonce = getattr(g, "csp_nonce", "")
    response.headers.setdefault("Content-Security-Policy", _csp(nonce))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith(PRIVATE_PREFIXES) or "attachment" in response.headers.get("Content-Disposition", ""):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    # Behind a TLS-terminating proxy request.is_secure is False; Secure cookies mean the site
    # is served over HTTPS only, so browsers are told to keep to it.
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        # The client address (rate limits, audit) and scheme come from the proxies' headers,
        # trusting only the last `proxies` hops: anything before was set by the client.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)  # type: ignore[method-assign]

    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    app.before_request(guard_request)
    app.after_request(set_headers)
