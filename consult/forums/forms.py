"""Forms of the forum pages; the services check the content, these carry it (and the CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from consult.core.security.abuse import PublicForm


class ThreadForm(PublicForm):
    title = StringField(_l("标题"))
    body = TextAreaField(_l("内容"))
    submission_id = HiddenField()


class ReplyForm(PublicForm):
    body = TextAreaField(_l("回复内容"))
    parent_id = HiddenField()
    quote_id = HiddenField()
    submission_id = HiddenField()


class FlagForm(FlaskForm):
    reason = StringField(_l("举报理由（可选）"))


class MergeForm(FlaskForm):
    target = StringField(_l("合并到主题编号"))


class ActionForm(FlaskForm):
    """CSRF plus the on/off value of a staff button (pin, lock, hide, close, keep)."""

    value = HiddenField()
