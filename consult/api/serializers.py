"""Objects as the public API shows them, masked exactly as on the web (the `masked` filter): pseudonyms
only, never a real name, phone number or e-mail address, and no field the web does not show."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import channels
from consult.extensions import db
from consult.forums.models import Post, Thread
from consult.hearings import operations as hearing_service
from consult.hearings.models import Hearing, HearingMinutesPart
from consult.plans import operations as plan_service
from consult.plans.models import Comment, Plan, PlanVersion
from consult.responses.models import Response
from consult.responses.operations import status_labels
from consult.suggestions.models import Suggestion
from worker.analysis.privacy import mask_text


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def masked(value: object) -> str:
    return mask_text(str(value)) if value is not None else ""


def masked_deep(value: Any) -> Any:
    """Every string inside a JSON-ready value masked (digest labels and quotes come from citizens' text)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [masked_deep(v) for v in value]
    if isinstance(value, dict):
        return {k: masked_deep(v) for k, v in value.items()}
    return value


def author(label: str) -> str:
    return masked(label) or _("匿名网友")


def plan(p: Plan, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": p.id, "title": p.title, "summary": masked(p.summary), "status": str(p.status),
        "department": p.department.name if p.department else None,
        "opens_at": when(p.opens_at), "closes_at": when(p.closes_at), "created_at": when(p.created_at),
        "url": url_for("api.plan", plan_id=p.id),
    }
    if full:
        data["versions"] = [
            {"number": v.number, "note": v.note, "created_at": when(v.created_at), "url": url_for("api.version", plan_id=p.id, number=v.number)}
            for v in p.versions
        ]
    return data


def version(v: PlanVersion) -> dict[str, Any]:
    counts = plan_service.comment_counts(v)
    return {
        "plan_id": v.plan_id, "number": v.number, "note": v.note, "body": v.body, "created_at": when(v.created_at),
        "whole_plan_comments": counts.get(None, 0),
        "clauses": [
            {"id": c.id, "key": c.key, "number": c.number, "title": c.title, "text": c.text, "level": c.level,
             "position": c.position, "comment_count": counts.get(c.id, 0)}
            for c in v.clauses
        ],
    }


def answer(r: Response) -> dict[str, Any]:
    return {
        "comment_id": r.comment_id, "plan_id": r.plan_id, "status": r.status, "status_label": status_labels().get(r.status, r.status),
        "text": masked(r.text), "reason": masked(r.reason), "cluster": r.cluster_ref, "updated_at": when(r.updated_at),
    }


def comments(items: list[Comment]) -> list[dict[str, Any]]:
    ids = [c.id for c in items]
    found = {r.comment_id: r for r in db.session.scalars(select(Response).where(Response.comment_id.in_(ids)))} if ids else {}
    numbers = {v.id: v.number for v in db.session.scalars(select(PlanVersion).where(PlanVersion.id.in_({c.version_id for c in items})))} if ids else {}
    return [
        {
            "id": c.id, "plan_id": c.plan_id, "version": numbers.get(c.version_id), "clause_id": c.clause_id,
            "author": author(c.author_label), "body": masked(c.body), "channel": channels.label(c.source),
            "created_at": when(c.created_at), "support": c.support_count, "oppose": c.oppose_count,
            "answer": answer(found[c.id]) if c.id in found else None,
        }
        for c in items
    ]


def post(p: Post) -> dict[str, Any]:
    return {"id": p.id, "parent_id": p.parent_id, "author": author(p.author_label), "body": masked(p.body), "support": p.support_count, "created_at": when(p.created_at)}


def thread(t: Thread, posts: list[Post] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": t.id, "board": t.board.title, "plan_id": t.board.plan_id, "title": masked(t.title), "author": author(t.author_label),
        "replies": t.reply_count, "support": t.support_count, "created_at": when(t.created_at), "last_post_at": when(t.last_post_at),
    }
    if posts is not None:
        data["posts"] = [post(p) for p in posts]
    return data


def hearing(h: Hearing, now: datetime, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": h.id, "plan_id": h.plan_id, "title": h.title, "description": h.description, "starts_at": when(h.starts_at),
        "place": h.place, "capacity": h.capacity, "selection": h.selection,
        "registration_opens_at": when(h.registration_opens_at), "registration_closes_at": when(h.registration_closes_at),
        "list_public_at": when(h.list_public_at), "draw_url": url_for("api.hearing_draw", hearing_id=h.id),
    }
    if full:
        public = hearing_service.participants_public(h, now)
        data["participants"] = [
            {"seat": a.seat_number, "public_id": a.public_id, "pseudonym": masked(a.user.pseudonym) if a.user else "", "group": a.group, "stance": a.stance}
            for a in hearing_service.seated(h)
        ] if public else None
        parts = db.session.scalars(select(HearingMinutesPart).where(HearingMinutesPart.hearing_id == h.id).order_by(HearingMinutesPart.position))
        data["minutes"] = [{"speaker": masked(p.speaker), "text": masked(p.text)} for p in parts] if h.minutes_published_at else None
        data["summary"] = h.summary if h.minutes_published_at else ""
    return data


def suggestion(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.id, "tracking_number": s.tracking_number, "domain": s.domain, "title": masked(s.title), "body": masked(s.body),
        "department": s.department.name if s.department else None, "reply": masked(s.reply),
        "created_at": when(s.created_at), "replied_at": when(s.replied_at),
    }
