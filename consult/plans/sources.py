"""The plan's own channels: comments on the website and records imported by staff (letter, e-mail, hotline)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.channels import Channel, Hiding, register

# Imported records are analysed like web comments but not listed on the plan page (status internal).
WEB = register(Channel("web", _l("网站留言"), order=10, public=True, hiding=Hiding.MODERATION))
LETTER = register(Channel("letter", _l("来信"), order=20, public=False, hiding=Hiding.MODERATION, imported=True))
EMAIL = register(Channel("email", _l("电子邮件"), order=30, public=False, hiding=Hiding.MODERATION, imported=True))
HOTLINE = register(Channel("hotline", _l("热线"), order=40, public=False, hiding=Hiding.MODERATION, imported=True))
