"""Hearings as a channel: participants' statements and the published minutes are mirrored into the plan's opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.channels import Channel, Hiding, register

HEARING = register(Channel("hearing", _l("听证会"), order=60, public=False, hiding=Hiding.ORIGIN, origins=("hearing_statement", "hearing_minutes")))
STATEMENT, MINUTES = HEARING.origins
