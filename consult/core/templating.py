"""Template filters and globals: local dates, masked personal data, channel labels, the CSP nonce."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g

from consult.core import audit_labels, channels, clock
from worker.analysis.privacy import mask_text


def local_time(value: datetime | None, fmt: str = clock.MINUTE) -> str:
    return clock.local(value, fmt)


def local_today() -> date:
    """Today in the site's time zone (deadlines are dates people read on a Shanghai calendar)."""
    return clock.today()


def masked(value: object) -> str:
    """Citizen text with phone, ID, bank-card, passport numbers and e-mail masked (escaped later)."""
    if value is None:
        return ""
    return mask_text(str(value))


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(masked, "masked")
    app.add_template_filter(audit_labels.action_label, "audit_action")
    app.add_template_filter(audit_labels.target_label, "audit_target")
    app.add_template_filter(audit_labels.actor_label, "audit_actor")
    app.add_template_filter(audit_labels.detail_parts, "audit_detail")
    app.add_template_filter(channels.label, "channel")  # "forum" → 论坛, from the channel registry

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"csp_nonce": getattr(g, "csp_nonce", "")}
