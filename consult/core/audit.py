"""Recording staff actions in the append-only audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import has_request_context, request
from sqlalchemy import delete

from consult.core.models import AuditEntry, User
from consult.extensions import db
from worker.analysis.normalise import mask_personal


def record(
    actor: User | None,
    action: str,
    target_type: str = "",
    target_id: int | None = None,
    *,
    department_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Add one entry in the caller's transaction: the action is logged exactly when it commits."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_label=mask_personal(getattr(actor, "login_name", "") or "")[:120] if actor is not None else "system",
        action=action[:60],
        target_type=target_type[:40],
        target_id=target_id,
        department_id=department_id if department_id is not None else getattr(actor, "department_id", None),
        detail=detail or None,
        ip=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def prune(retention_days: int, now: datetime | None = None) -> int:
    """Delete entries older than the retention (AUDIT_RETENTION_DAYS); returns how many."""
    if retention_days <= 0:
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    deleted = db.session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff)).rowcount
    return int(deleted or 0)
