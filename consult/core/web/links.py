"""Absolute links for e-mails, exports and invitation sheets, which leave the site.

The configured address (CONSULT_SITE_URL; `consult run` sets it to where it serves) wins, so a
link never points at a port or host the site is not on; in a request without one, the request's
own host; the worker without either falls back to the embedded default.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request

FALLBACK = "http://127.0.0.1:5000"


def site_url() -> str:
    configured = str(current_app.config.get("SITE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return FALLBACK


def absolute(path: str) -> str:
    """`path` ("/s/abc") as a full address; a link that is already absolute is kept."""
    return path if "://" in path else site_url() + "/" + path.lstrip("/")
