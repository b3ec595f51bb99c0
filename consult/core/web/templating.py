"""Template filters and globals: local dates, masked personal data, channel labels, the CSP nonce."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask import Flask, g
from flask_babel import gettext

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


def campaign_groups(numbers: Iterable[int]) -> str:
    """「第1组、第2组…」: the label translated once for the whole list (a digest issue of 100k opinions
    can name hundreds of campaign groups; one gettext per group was most of the digest page's time)."""
    label = gettext("第%(n)s组")  # without variables: the translated text, still to be formatted
    return "、".join(label % {"n": n} for n in numbers)


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(masked, "masked")
    app.add_template_filter(campaign_groups, "campaign_groups")
    app.add_template_filter(audit_labels.action_label, "audit_action")
    app.add_template_filter(audit_labels.target_label, "audit_target")
    app.add_template_filter(audit_labels.actor_label, "audit_actor")
    app.add_template_filter(audit_labels.detail_parts, "audit_detail")
    app.add_template_filter(channels.label, "channel")  # "forum" → 论坛, from the channel registry

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"csp_nonce": getattr(g, "csp_nonce", "")}
