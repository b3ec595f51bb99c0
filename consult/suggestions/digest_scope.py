"""Digests across suggestions of one domain and period, built by the same pipeline as plan digests.

A suggestion digest is a `Digest` with scope "suggestions", no plan, and scope_key
"<domain>:<first day>:<last day>"; `digests.build` reads its documents through `load` below.
Suggestions are segmented at build time and their tokens cached on the row."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core import outbox
from consult.core.errors import ServiceError
from consult.digests.models import Digest
from consult.digests.operations import BUILD_TASK
from consult.extensions import db
from consult.suggestions.models import DOMAINS, Suggestion

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
    existing = db.session.scalar(select(Digest).where(Digest.scope == SCOPE, Digest.scope_key == key, Digest.last_comment_id == last))
    if existing is not None and existing.status != "failed":
        return existing, False
    if existing is not None:
        existing.status, existing.progress, existing.error, existing.stage = "queued", 0.0, "", ""
        digest = existing
    else:
        number = (db.session.scalar(select(func.max(Digest.number)).where(Digest.scope == SCOPE, Digest.scope_key == key)) or 0) + 1
        digest = Digest(plan_id=None, scope=SCOPE, scope_key=key, number=number, trigger=trigger, last_comment_id=last)
        db.session.add(digest)
    db.session.flush()
    outbox.add(BUILD_TASK, digest.id)
    return digest, True


def load(digest: Digest, segmenter):  # type: ignore[no-untyped-def]
    """The digest's documents: (docs, clauses, previous digest) as `digests.build` expects."""
    from worker.analysis.pipeline import DigestDoc, intern_all

    rows = list(db.session.scalars(_in_scope(digest.scope_key).where(Suggestion.id <= digest.last_comment_id).order_by(Suggestion.id)))
    missing = [s for s in rows if s.tokens is None]
    for suggestion, tokens in zip(missing, segmenter.tokens_many([f"{s.title}。{s.body}" for s in missing]), strict=True):
        suggestion.tokens = tokens
    docs = [DigestDoc(id=s.id, tokens=intern_all(s.tokens or []), text=f"{s.title}。{s.body}", created_at=s.created_at, source="suggestion") for s in rows]
    previous = db.session.scalar(
        select(Digest)
        .where(Digest.scope == SCOPE, Digest.scope_key == digest.scope_key, Digest.status == "done", Digest.id != digest.id)
        .order_by(Digest.last_comment_id.desc())
    )
    return docs, [], previous


def history(limit: int = 30) -> list[Digest]:
    return list(db.session.scalars(select(Digest).where(Digest.scope == SCOPE).order_by(Digest.id.desc()).limit(limit)))


def suggestions_by_id(ids: list[int]) -> dict[int, Suggestion]:
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Suggestion).where(Suggestion.id.in_(ids)))}
