"""Abuse protection every public write adopts: a bot-trap form base and rate-limit keys.

A public form subclasses `PublicForm` (a hidden honeypot field and a signed render time; a
submission that fills the honeypot or comes back faster than a person can type is refused
with 400), and its view stacks `public_write_limits(...)` (per IP, per account and per phone
number or e-mail, each a Flask-Limiter limit in the shared storage: Redis in production).
See docs/security.md for how a new form adopts both.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from flask import abort, current_app, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

from consult.core.security.logins import parse_login
from consult.core.web.errors import ServiceError
from consult.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

HONEYPOT_FIELD = "website"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="consult.form-rendered-at")


# A render token is good for a day and for a few submissions (a double click, a retry): a
# bot that fetched one page cannot post with it a thousand times.
TOKEN_WINDOW_SECONDS = 24 * 3600
TOKEN_MAX_USES = 10


def _session_binding() -> str:
    raw = str(session.get("csrf_token", ""))
    return hashlib.sha256(raw.encode()).hexdigest()[:16] if raw else ""


def _render_token(rendered: float) -> str:
    return str(_serializer().dumps([rendered, secrets.token_urlsafe(9), _session_binding()]))


def _uses(nonce: str) -> int:
    """How often this token was accepted, counting this time (shared storage: Redis in production)."""
    try:
        return int(limiter.storage.incr(f"consult-form-token:{nonce}", TOKEN_WINDOW_SECONDS))
    except Exception:  # noqa: BLE001 - a storage outage must not refuse every form; rate limits still apply
        return 1


class PublicForm(FlaskForm):
    """Base for forms the public submits: honeypot + minimum fill time, on top of CSRF.

    `min_fill_seconds` is this form's floor in seconds (None: the app's FORM_MIN_FILL_SECONDS);
    a form people submit with one click (a vote) sets 0 and keeps only the honeypot.
    """

    min_fill_seconds: ClassVar[float | None] = None

    # Rendered as an ordinary text input moved off-screen by CSS (templates/_forms.html
    # `bot_trap`): people never see it, form-filling bots fill it.
    website = StringField(_l("网址（请勿填写）"))
    rendered_at = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.rendered_at.data = _render_token(round(time.time(), 3))

    def min_seconds(self) -> float:
        floor = current_app.config.get("FORM_MIN_FILL_SECONDS", 0.0)
        return floor if self.min_fill_seconds is None else min(floor, self.min_fill_seconds)

    def guard(self) -> None:
        """Refuse a submission by a bot (400 with a message); call before using the data."""
        if not self.is_submitted():
            return
        if (request.form.get(HONEYPOT_FIELD) or "").strip():
            abort(400, description=_("提交未通过校验，请刷新页面后重新填写。"))
        floor = self.min_seconds()
        if floor <= 0:
            return
        expired = _("页面已过期，请刷新页面后重新提交。")
        try:
            rendered, nonce, bound = _serializer().loads(request.form.get("rendered_at") or "")
            rendered = float(rendered)
        except (BadSignature, TypeError, ValueError):
            abort(400, description=expired)
        # Bound to this browser's session and to a window: a token lifted from one page view
        # cannot be replayed from elsewhere, nor for ever, nor without end.
        if bound != _session_binding() or time.time() - rendered > TOKEN_WINDOW_SECONDS:
            abort(400, description=expired)
        if time.time() - rendered < floor:
            abort(400, description=_("提交速度过快，请稍候几秒再提交。"))
        if _uses(str(nonce)) > TOKEN_MAX_USES:
            abort(400, description=expired)
        # A form re-rendered after an error carries a fresh nonce, with the first render's time.
        self.rendered_at.data = _render_token(rendered)

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        self.guard()
        return super().validate_on_submit(extra_validators)


# --------------------------------------------------------------------------- rate-limit keys


def ip_key() -> str:
    return f"ip:{request.remote_addr or '-'}"


def account_key() -> str:
    """The signed-in account, else the address (anonymous writes are limited per IP)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return ip_key()


def login_key(field: str = "login") -> Callable[[], str]:
    """The phone number or e-mail submitted in `field`, normalised (+86, spaces, case)."""

    def key() -> str:
        raw = (request.form.get(field) or "").strip()
        try:
            kind, value = parse_login(raw)
        except ServiceError:
            return f"login:{raw.lower()[:254]}" if raw else ip_key()
        return f"{kind}:{value}"

    return key


def phone_key() -> str:
    """The signed-in person's phone number (codes cost money per number), else the account."""
    if current_user.is_authenticated and getattr(current_user, "phone", None):
        return f"phone:{current_user.phone}"
    return account_key()


def _config_limit(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def public_write_limits(
    *,
    per_ip: str | None = None,
    per_account: str | None = None,
    per_login: str | None = None,
    per_phone: str | None = None,
) -> Callable[[F], F]:
    """Stack Flask-Limiter limits on a POST view. Each value is a limit ("10 per minute") or
    the name of a config key that holds one (so deployments and tests can tune it)."""

    def value(limit: str) -> str | Callable[[], str]:
        return _config_limit(limit) if limit.isupper() else limit

    def decorator(view: F) -> F:
        wrapped: Any = view
        for limit, key in ((per_ip, ip_key), (per_account, account_key), (per_login, login_key()), (per_phone, phone_key)):
            if limit:
                wrapped = limiter.limit(value(limit), key_func=key, methods=["POST"])(wrapped)
        return wrapped  # type: ignore[no-any-return]

    return decorator
