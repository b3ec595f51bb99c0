"""The experts' channel: opinions written by invited experts in their own space (专家意见).

Stored as comments (source "expert", status internal) so digests and the answer workbench treat
them like any channel; `public=False` keeps them off plan pages and `tallied=False` out of every
public count and the public feedback report's tallies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.channels import Channel, Hiding, register

ORIGIN = "expert_opinion"  # Comment.origin_type; origin_id is the invitation the opinion answers

EXPERT = register(
    Channel("expert", _l("专家意见"), order=80, public=False, hiding=Hiding.ORIGIN, origins=(ORIGIN,), tallied=False)
)
