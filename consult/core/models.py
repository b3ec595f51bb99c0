"""The models every feature shares: time columns, accounts and departments, the audit log, the outbox, notifications and the policy dictionary."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from consult.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)








class Role(enum.StrEnum):
    CITIZEN = "citizen"
    DEPARTMENT = "department"  # department staff: only their department's items
    STAFF = "staff"  # reform-office staff: every plan
    ADMIN = "admin"
    # Outside accounts that see only what they are invited to (experts) or evaluate (third parties).
    EXPERT = "expert"
    EVALUATOR = "evaluator"


STAFF_ROLES = frozenset({Role.DEPARTMENT, Role.STAFF, Role.ADMIN})


class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Real identity stays in the back end (后台实名); the public sees the pseudonym (前台自愿).
    real_name: Mapped[str | None] = mapped_column(String(80))
    pseudonym: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default=Role.CITIZEN)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Bumped by "log out everywhere": every session id carries it, so old sessions stop matching.
    session_version: Mapped[int] = mapped_column(default=1)

    department: Mapped[Department | None] = relationship()

    # The server-side session this request runs under (set at login and by the user loader);
    # it goes into the cookie so that logging out can revoke exactly this session.
    session_token = ""  # nosec B105  # a per-request attribute, empty until login

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.session_token}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""


class VerificationCode(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "verify" (registration) or "reset" (password reset): a code only serves its purpose.
    purpose: Mapped[str] = mapped_column(String(10), default="verify", server_default="verify")


class LoginSession(db.Model):
    """One signed-in browser. Deleting the row ends that session even for a copied cookie."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token carried in the session cookie: a database leak reveals no cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Last request seen on this session (updated at most once a minute): the idle timeout.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())








class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL keeps the entry when an account is deleted; actor_label keeps who it was.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "plan.publish", "comment.reject"
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None] = mapped_column()
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"))
    detail: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)








class OutboxEvent(db.Model):
    # ix_outbox_task_ref: the worker settles a row by (task, ref_id) after every comment.
    __table_args__ = (Index("ix_outbox_pending", "processed_at", "created_at"), Index("ix_outbox_task_ref", "task", "ref_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(80))
    ref_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")








class Notification(db.Model):
    __table_args__ = (Index("ix_notification_inbox", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # reply, moderation, feedback, hearing, suggestion, survey, ticket …: lets the inbox filter.
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_error: Mapped[str] = mapped_column(Text, default="")


class UserWord(db.Model):
    """A policy term staff add to jieba's user dictionary (e.g. 放管服)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(40), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
