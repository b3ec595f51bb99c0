"""What every API request passes first: content negotiation (406), JSON bodies (415, 413, 400) and
the rate limit of its blueprint (per address for the public, per token for staff)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_babel import gettext as _

from consult.api.registry import operation_of
from consult.core.security.abuse import ip_key
from consult.core.web.problems import PROBLEM_TYPE
from consult.extensions import limiter

MAX_DEPTH = 8


def accept_guard() -> None:
    """406 when the client accepts none of what this endpoint answers (nor problem details)."""
    if "Accept" not in request.headers:
        return
    op = operation_of(current_app, request.endpoint or "")
    media = list(op.media) if op else ["application/json"]
    if request.accept_mimetypes.best_match([*media, PROBLEM_TYPE]) is None:
        abort(406, description=_("该接口只提供 %(m)s。", m="、".join(media)))


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def json_body() -> dict[str, Any]:
    """The request's JSON object: 415 for another content type, 413 over API_MAX_BODY, 400 for bad JSON."""
    if request.mimetype != "application/json":
        abort(415, description=_("请求体须为 application/json。"))
    limit = int(current_app.config.get("API_MAX_BODY", 1024 * 1024))
    if (request.content_length or 0) > limit:
        abort(413, description=_("请求体超过了 %(n)s 字节。", n=limit))
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        abort(413, description=_("请求体超过了 %(n)s 字节。", n=limit))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        abort(400, description=_("请求体不是有效的 UTF-8 JSON。"))
    if not isinstance(data, dict) or _depth(data) > MAX_DEPTH:
        abort(400, description=_("请求体须为 JSON 对象。"))
    return data


def _public_limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT", "120 per minute"))


def _token_limit() -> str:
    return str(current_app.config.get("API_TOKEN_RATE_LIMIT", "600 per minute"))


def _token_key() -> str:
    # The token's public prefix (cst_<prefix>_…): one budget per token, whatever address it calls from.
    parts = (request.headers.get("Authorization") or "").partition(" ")[2].split("_")
    return f"api-token:{parts[1][:16]}" if len(parts) >= 3 else ip_key()


def protect(bp: Blueprint, *, staff: bool = False) -> None:
    bp.before_request(accept_guard)
    if staff:
        limiter.limit(_token_limit, key_func=_token_key)(bp)
    else:
        limiter.limit(_public_limit, key_func=ip_key)(bp)
