"""The standing suggestion box: intake with a tracking number and secret code, assignment, reply.

The tracking number (JY-2026-000123) is sequential, so it is easy to read out on the phone but
guessable; a secret 8-character lookup code, shown once and stored only as a hash, is needed
to follow a suggestion without logging in. Strangers cannot enumerate other people's suggestions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import audit, notifications
from consult.core.models import Department, User
from consult.core.text import clean_text
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.suggestions.models import DOMAINS, Suggestion, SuggestionEvent, SuggestionStatus

TITLE_MAX = 100
BODY_MAX = 5000
REPLY_MAX = 5000
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NUMBER_PREFIX = "JY"


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def submit(user: User | None, *, domain: str, title: str, body: str, contact: str = "", allow_public: bool = False, now: datetime | None = None, demo_key: str | None = None) -> tuple[Suggestion, str]:
    """Store a suggestion; returns it and its lookup code (shown to the sender once, never stored)."""
    now = now or datetime.now(UTC)
    if domain not in DOMAINS:
        raise ServiceError(_("请选择建议所属的领域（经济、政治、文化、社会、生态、党建）。"), field="domain")
    title = clean_text(title, field=_("标题"), max_chars=TITLE_MAX, key="title")
    body = clean_text(body, field=_("建议内容"), max_chars=BODY_MAX, key="body")
    contact = (contact or "").strip()[:100]
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    suggestion = Suggestion(
        tracking_number=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced below once the id is known
        lookup_hash=_hash(code),
        user_id=user.id if user is not None else None,
        domain=domain,
        title=title,
        body=body,
        contact=contact,
        allow_public=allow_public,
        status=SuggestionStatus.RECEIVED,
        created_at=now,
        demo_key=demo_key,
    )
    db.session.add(suggestion)
    db.session.flush()
    suggestion.tracking_number = f"{_NUMBER_PREFIX}-{now.year}-{suggestion.id:06d}"
    db.session.add(SuggestionEvent(suggestion_id=suggestion.id, status=SuggestionStatus.RECEIVED, created_at=now))
    db.session.flush()
    return suggestion, code


def find(tracking_number: str, code: str) -> Suggestion | None:
    """The suggestion if number and code match; the same answer for a wrong number or a wrong code."""
    suggestion = db.session.scalar(select(Suggestion).where(Suggestion.tracking_number == (tracking_number or "").strip().upper()))
    expected = suggestion.lookup_hash if suggestion is not None else _hash("no-such-suggestion")
    if not hmac.compare_digest(expected, _hash(code or "")) or suggestion is None:
        return None
    return suggestion


def owned(user: User, tracking_number: str) -> Suggestion | None:
    return db.session.scalar(select(Suggestion).where(Suggestion.tracking_number == tracking_number, Suggestion.user_id == user.id))


def staff_may_see(user: User, suggestion: Suggestion) -> bool:
    """Office staff and admins see every suggestion; department staff only those assigned to them."""
    if user.role in ("staff", "admin"):
        return True
    return user.role == "department" and user.department_id is not None and suggestion.department_id == user.department_id


def _event(suggestion: Suggestion, status: str, actor: User, note: str = "") -> None:
    db.session.add(SuggestionEvent(suggestion_id=suggestion.id, status=status, note=note[:200], actor_id=actor.id))


def _tell_sender(suggestion: Suggestion, title: str) -> None:
    if suggestion.user_id is not None:
        notifications.notify(suggestion.user_id, "suggestion", title, suggestion.title, f"/suggestions/mine/{suggestion.tracking_number}")


def assign(actor: User, suggestion: Suggestion, department_id: int) -> Suggestion:
    if actor.role not in ("staff", "admin"):
        raise ServiceError(_("只有改革办工作人员可以分派建议。"), 403)
    if suggestion.status == SuggestionStatus.REPLIED:
        raise ServiceError(_("该建议已经答复，不能再分派。"), 409)
    department = db.session.get(Department, department_id)
    if department is None:
        raise ServiceError(_("所选部门不存在。"), 400)
    suggestion.department_id, suggestion.status = department.id, SuggestionStatus.ASSIGNED
    _event(suggestion, SuggestionStatus.ASSIGNED, actor, department.name)
    audit.record(actor, "suggestion.assign", "suggestion", suggestion.id, department_id=department.id, tracking_number=suggestion.tracking_number)
    _tell_sender(suggestion, _("您的建议已转交%(d)s办理", d=department.name))
    staff_ids = db.session.scalars(select(User.id).where(User.department_id == department.id, User.role == "department"))
    notifications.notify_many(staff_ids, "suggestion", _("新的改革建议待答复：%(t)s", t=suggestion.title), suggestion.tracking_number, f"/staff/suggestions/{suggestion.id}")
    db.session.flush()
    return suggestion


def reply(actor: User, suggestion: Suggestion, text: str, now: datetime | None = None) -> Suggestion:
    if not staff_may_see(actor, suggestion):
        raise ServiceError(_("没有找到该建议。"), 404)
    if suggestion.department_id is None:
        raise ServiceError(_("请先把建议分派给承办部门。"), 409)
    suggestion.reply = clean_text(text, field=_("答复"), max_chars=REPLY_MAX, key="reply")
    suggestion.replied_at = now or datetime.now(UTC)
    suggestion.status = SuggestionStatus.REPLIED
    _event(suggestion, SuggestionStatus.REPLIED, actor)
    audit.record(actor, "suggestion.reply", "suggestion", suggestion.id, department_id=suggestion.department_id, tracking_number=suggestion.tracking_number)
    _tell_sender(suggestion, _("您的建议有了答复"))
    db.session.flush()
    return suggestion


def staff_queue(user: User, *, status: str = "", domain: str = "") -> list[Suggestion]:
    query = select(Suggestion).order_by(Suggestion.id.desc()).limit(500)
    if user.role == "department":
        query = query.where(Suggestion.department_id == user.department_id)
    if status:
        query = query.where(Suggestion.status == status)
    if domain:
        query = query.where(Suggestion.domain == domain)
    return list(db.session.scalars(query))


def published(domain: str = "", page: int = 1, per_page: int = 20) -> list[Suggestion]:
    """Suggestions whose senders allowed publication, once replied: the suggestion and its reply."""
    query = select(Suggestion).where(Suggestion.allow_public.is_(True), Suggestion.status == SuggestionStatus.REPLIED)
    if domain:
        query = query.where(Suggestion.domain == domain)
    return list(db.session.scalars(query.order_by(Suggestion.replied_at.desc()).offset((max(page, 1) - 1) * per_page).limit(per_page)))
