"""Telling people what happened: an inbox entry at once, an e-mail copy later by the worker."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from consult.core.jobs import outbox, tasks
from consult.core.mail import send_mail
from consult.core.models import Notification, User
from consult.core.web import links
from consult.extensions import db


def notify(user_id: int, kind: str, title: str, body: str = "", link: str = "") -> Notification:
    """Add an inbox entry in the caller's transaction; an e-mail copy is owed if the user has an address.

    The e-mail goes through the outbox, so a mail server that is slow or down never blocks
    (or fails) the request that caused the notification."""
    entry = Notification(user_id=user_id, kind=kind[:30], title=title[:200], body=body, link=link[:500])
    db.session.add(entry)
    db.session.flush()
    email = db.session.scalar(select(User.email).where(User.id == user_id))
    if email:
        outbox.add(tasks.SEND_NOTIFICATION_EMAIL, entry.id)
    return entry


def notify_many(user_ids: Iterable[int], kind: str, title: str, body: str = "", link: str = "") -> int:
    """One entry per distinct user (a commenter with five comments hears once)."""
    count = 0
    for user_id in dict.fromkeys(u for u in user_ids if u):
        notify(user_id, kind, title, body, link)
        count += 1
    return count


def send_email(notification_id: int) -> bool:
    """Worker side: send the e-mail copy once (the task commits). Raises on a delivery failure so
    the task retries; the task then keeps the failure with `record_email_failure`."""
    entry = db.session.get(Notification, notification_id)
    user = db.session.get(User, entry.user_id) if entry is not None else None
    if entry is None or entry.emailed_at is not None or user is None or not user.email:
        outbox.mark_done(tasks.SEND_NOTIFICATION_EMAIL, notification_id)
        return False
    link = links.absolute(entry.link) if entry.link.startswith("/") else entry.link
    send_mail(user.email, entry.title, f"{entry.body}\n\n{link}".strip())
    entry.emailed_at = datetime.now(UTC)
    entry.email_error = ""
    outbox.mark_done(tasks.SEND_NOTIFICATION_EMAIL, notification_id)
    return True


def record_email_failure(notification_id: int, error: Exception) -> None:
    """Note why the copy is still owed, for staff (the outbox row stays open for the retries)."""
    db.session.execute(update(Notification).where(Notification.id == notification_id).values(email_error=f"{type(error).__name__}: {error}"[:500]))


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def inbox(user_id: int, *, page: int = 1, per_page: int = 20) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).offset((max(page, 1) - 1) * per_page).limit(per_page)
        )
    )


def mark_read(user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of the user's own entries read; other users' ids are ignored."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(query.values(read_at=datetime.now(UTC))).rowcount or 0
