"""Moderation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DecisionForm(FlaskForm):
    """Bulk approve/reject; the selected comment ids come as repeated ``ids`` fields."""

    action = RadioField(_l("操作"), choices=[("approve", _l("通过")), ("reject", _l("不予通过"))], validators=[DataRequired(_l("请选择操作。"))])
    reason = TextAreaField(_l("理由（不予通过时必填，会告知作者）"), validators=[Optional(), Length(max=500, message=_l("理由最多 500 字。"))])


class WordsForm(FlaskForm):
    words = TextAreaField(_l("敏感词（每行一个，也可用逗号或顿号分隔）"), validators=[DataRequired(_l("请至少填写一个词语。"))])


class FlagForm(FlaskForm):
    reason = StringField(_l("举报理由（可选）"), validators=[Optional(), Length(max=500, message=_l("举报理由最多 500 字。"))])
