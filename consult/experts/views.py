"""The expert pool and invitations (office staff) and the experts' own space (/expert)."""

from __future__ import annotations

from flask import Blueprint

from consult.experts import channel, models  # noqa: F401  (channel and tables registered with the app)

bp = Blueprint("experts", __name__, template_folder="templates")
