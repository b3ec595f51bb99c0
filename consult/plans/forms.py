"""Citizen-facing forms on a plan page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from consult.core.security.abuse import PublicForm


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


class DecisionStepForm(FlaskForm):
    """One step of the decision procedure (staff); the date and the upload are checked by the service."""

    held_on = StringField(_l("日期（YYYY-MM-DD）"), render_kw={"type": "date"})
    outcome = TextAreaField(_l("结果"))
    document = FileField(_l("文件（PDF、Word、Excel、OFD、图片，5 MB 以内）"))
