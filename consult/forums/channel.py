"""The forum as a channel: posts on a plan's board are mirrored into the plan's opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.channels import Channel, Hiding, register

FORUM = register(Channel("forum", _l("论坛"), order=50, public=False, hiding=Hiding.ORIGIN, origins=("forum_post",)))
