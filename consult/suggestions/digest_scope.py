"""Digests across suggestions of one domain and period, built by the same pipeline as plan digests.

A suggestion digest is a `Digest` with scope "suggestions", no plan, and scope_key
"<domain>:<first day>:<last day>"; the digest engine reads its documents through `SuggestionScope`,
registered below.
Suggestions are segmented at build time and their tokens cached on the row."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core.web.errors import ServiceError
from consult.digests import engine
from consult.digests.models import Digest
from consult.digests.scopes import Scope, register
from consult.extensions import db
from consult.suggestions.models import DOMAINS, Suggestion
from worker.analysis.results import DigestDoc, intern_all

SCOPE = "suggestions"
MAX_DAYS = 3 * 366


def scope_key(domain: str, start: date, end: date) -> str:
    return f"{domain}:{start.isoformat()}:{end.isoformat()}"


def parse_key(key: str) -> tuple[str, date, date]:
    domain, start, end = key.split(":")
    return domain, date.fromisoformat(start), date.fromisoformat(end)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local calendar days (the office's time zone) as UTC instants: [start 00:00, end+1 00:00)."""
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(start, time(), tz).astimezone(UTC), datetime.combine(end + timedelta(days=1), time(), tz).astimezone(UTC)


def _in_scope(key: str, *columns):  # type: ignore[no-untyped-def]
    domain, start, end = parse_key(key)
    since, until = _bounds(start, end)
    return select(*(columns or (Suggestion,))).where(Suggestion.domain == domain, Suggestion.created_at >= since, Suggestion.created_at < until)


def request_digest(domain: str, start: date, end: date, *, trigger: str = "manual") -> tuple[Digest, bool]:
    """Queue a digest of the domain's suggestions in the period; the same request twice gives one."""
    if domain not in DOMAINS:
        raise ServiceError(_("请选择领域。"))
    if end < start or (end - start).days > MAX_DAYS:
        raise ServiceError(_("时间段无效（结束日期不能早于开始日期，且不超过三年）。"))
    key = scope_key(domain, start, end)
    last = db.session.scalar(_in_scope(key, func.max(Suggestion.id))) or 0
    if last == 0:
        raise ServiceError(_("该领域在这段时间内还没有建议。"), 409)
    return engine.enqueue(SCOPE, scope_key=key, last=last, trigger=trigger)


class SuggestionScope(Scope):
    name = SCOPE

    def load(self, digest: Digest, segmenter: Any) -> tuple[list[Any], list[Any]]:
        """The suggestions of the domain and period up to the newest one the digest covers."""
        rows = list(db.session.scalars(_in_scope(digest.scope_key).where(Suggestion.id <= digest.last_comment_id).order_by(Suggestion.id)))
        missing = [s for s in rows if s.tokens is None]
        for suggestion, tokens in zip(missing, segmenter.tokens_many([f"{s.title}。{s.body}" for s in missing]), strict=True):
            suggestion.tokens = tokens
        docs = [DigestDoc(id=s.id, tokens=intern_all(s.tokens or []), text=f"{s.title}。{s.body}", created_at=s.created_at, source="suggestion") for s in rows]
        return docs, []

    def label(self, digest: Digest) -> str:
        domain, start, end = parse_key(digest.scope_key)
        return f"{domain} {start.isoformat()} — {end.isoformat()}"

    def url(self, digest: Digest) -> str:
        return url_for("suggestions.digest", digest_id=digest.id)


register(SuggestionScope())


def history(limit: int = 30) -> list[Digest]:
    return list(db.session.scalars(select(Digest).where(Digest.scope == SCOPE).order_by(Digest.id.desc()).limit(limit)))


def suggestions_by_id(ids: list[int]) -> dict[int, Suggestion]:
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Suggestion).where(Suggestion.id.in_(ids)))}
