"""Query parameters every list shares (cursor, limit, since, until, plan), keyset pages and cached JSON."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select

from consult.core.web.errors import ServiceError
from consult.extensions import db

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_ID = 2**31 - 1

CURSOR = {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 200}, "description": "上一页返回的 `next` 中的游标（不透明）"}
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}}
SINCE = {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}, "description": "不早于（ISO 8601 日期或时间，UTC）"}
UNTIL = {"name": "until", "in": "query", "schema": {"type": "string", "format": "date-time"}, "description": "早于（ISO 8601 日期或时间，UTC）"}
PLAN = {"name": "plan", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "只看这个方案"}
LIST_PARAMS = (CURSOR, LIMIT, SINCE, UNTIL)


@dataclass(frozen=True)
class PageArgs:
    after: int
    limit: int
    since: datetime | None
    until: datetime | None


def _refuse(field: str, message: str) -> ServiceError:
    return ServiceError(message, 400, field=field)


def int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not 1 <= int(raw) <= MAX_ID:
        raise _refuse(name, _("参数 %(n)s 应为正整数。", n=name))
    return int(raw)


def _limit() -> int:
    value = int_arg("limit")
    if value is None:
        return DEFAULT_LIMIT
    if value > MAX_LIMIT:
        raise _refuse("limit", _("每页最多 %(n)s 条。", n=MAX_LIMIT))
    return value


def decode_cursor(raw: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
        after = data["after"]
    except (ValueError, UnicodeError, binascii.Error, KeyError, TypeError):
        raise _refuse("cursor", _("游标无效，请使用上一页返回的 next 链接。")) from None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID:
        raise _refuse("cursor", _("游标无效，请使用上一页返回的 next 链接。"))
    return after


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def _moment(name: str) -> datetime | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw) if len(raw) > 10 else datetime.combine(date.fromisoformat(raw), time())
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _refuse(name, _("参数 %(n)s 应为 ISO 8601 日期或时间，例如 2026-01-31。", n=name)) from None


def page_args() -> PageArgs:
    raw = request.args.get("cursor")
    args = PageArgs(decode_cursor(raw) if raw else 0, _limit(), _moment("since"), _moment("until"))
    if args.since and args.until and args.since >= args.until:
        raise _refuse("until", _("until 须晚于 since。"))
    return args


def keyset(query: Select[Any], id_column: Any, time_column: Any, args: PageArgs) -> tuple[list[Any], int | None]:
    """One page ordered by id (ids only grow, so a page never shifts under inserts); the last id or None."""
    if args.since:
        query = query.where(time_column >= args.since)
    if args.until:
        query = query.where(time_column < args.until)
    rows = list(db.session.scalars(query.where(id_column > args.after).order_by(id_column).limit(args.limit + 1)))
    more = len(rows) > args.limit
    rows = rows[: args.limit]
    return rows, (rows[-1].id if more and rows else None)


def page(items: list[dict[str, Any]], last: int | None) -> dict[str, Any]:
    """The list envelope; `next` keeps the caller's filters and carries the cursor."""
    if last is None:
        return {"data": items, "next": None}
    params = {k: v for k, v in request.args.items() if k != "cursor"}
    return {"data": items, "next": url_for(request.endpoint or "", **(request.view_args or {}), **params, cursor=encode_cursor(last))}


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def cached_json(payload: Any, *, private: bool = False, max_age: int = 60, etag_basis: Any = None) -> Response:
    """JSON with a strong ETag of its bytes (or of `etag_basis`, when the body carries a moment of
    generation that changes nothing); a matching If-None-Match is answered 304 without a body."""
    body = _dump(payload)
    response = Response(body, mimetype="application/json")
    basis = body if etag_basis is None else _dump(etag_basis)
    response.set_etag(hashlib.sha256(basis.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache" if private else f"public, max-age={max_age}"
    response.headers["Vary"] = "Accept, Authorization" if private else "Accept"
    return response.make_conditional(request)
