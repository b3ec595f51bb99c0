"""Accounts: people, their roles and departments, and one-time verification codes."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models.base import UTCDateTime, utcnow


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    DEPARTMENT = "department"  # department staff: only their department's items
    STAFF = "staff"  # reform-office staff: every plan
    ADMIN = "admin"


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


class LoginSession(db.Model):
    """One signed-in browser. Deleting the row ends that session even for a copied cookie."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token carried in the session cookie: a database leak reveals no cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
