"""Login sessions and the role checks every staff route goes through."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from consult.core.models import STAFF_ROLES, User
from consult.core.security.sessions import session_user
from consult.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(session_id: str) -> User | None:
        # "user id:session version:session token". An older version means "logged out
        # everywhere" happened since; a missing token row means this session logged out.
        user_id, version, token = (session_id.split(":", 2) + ["", ""])[:3]
        if not user_id.isdigit() or not version.isdigit():
            return None
        return session_user(int(user_id), int(version), token)


def safe_target(target: str | None, fallback: str) -> str:
    """A same-site path to go back to; another host, //host or a backslash gives the fallback."""
    if not target or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return fallback
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else ""
    if not path:
        return fallback
    # The fragment only scrolls the page (e.g. a notification's link to one opinion), so it is kept.
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def roles_required(*roles: str) -> Callable[[F], F]:
    allowed = frozenset(roles) if roles else STAFF_ROLES

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403, description=str(_l("您没有访问该页面的权限。")))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


staff_required = roles_required()
