"""Citizen-facing forms on a plan page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional


class CommentForm(FlaskForm):
    clause_id = SelectField(_l("针对"), coerce=str, validators=[Optional()], validate_choice=False)
    body = TextAreaField(_l("您的意见"))
    show_pseudonym = BooleanField(_l("以我的昵称公开显示（不勾选则显示为“匿名网友”）"), default=True)
    submission_id = HiddenField()


class VoteForm(FlaskForm):
    value = HiddenField()
