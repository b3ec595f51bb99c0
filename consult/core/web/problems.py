"""RFC 9457 problem details: how every error under /api is answered (JSON, never an HTML page)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"
# A stable, documented `type` per status (docs/api.md#errors): clients branch on it, not on wording.
TYPE_BASE = "/api/docs#problem-"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response; `errors` lists field errors as {"field": …, "message": …}."""
    body: dict[str, Any] = {"type": f"{TYPE_BASE}{status}", "title": title, "status": status, "detail": detail or title}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
