"""Citizen-facing forms on a plan page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional

from consult.core.abuse import PublicForm


class CommentForm(PublicForm):
    clause_id = SelectField(_l("针对"), coerce=str, validators=[Optional()], validate_choice=False)
    body = TextAreaField(_l("您的意见"))
    show_pseudonym = BooleanField(_l("以我的昵称公开显示（不勾选则显示为“匿名网友”）"), default=True)
    submission_id = HiddenField()
    parent_id = HiddenField()  # set when the comment is a reply to another


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("修改后的意见"))


class VoteForm(PublicForm):
    min_fill_seconds = 0.0  # one click; the honeypot and the rate limits still apply

    value = HiddenField()
