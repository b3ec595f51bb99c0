"""The account page's form for a new personal API token."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from consult.api.tokens import MAX_DAYS, SCOPES


def _scope_choices() -> list[tuple[str, str]]:
    # A callable, so the labels are built per request in its language (an f-string here froze them in zh-CN).
    return [(k, _("%(code)s：%(label)s", code=k, label=v)) for k, v in SCOPES.items()]


class TokenForm(FlaskForm):
    name = StringField(_l("令牌名称（如“12345 热线对接”）"), validators=[DataRequired(_l("请填写令牌名称。")), Length(max=80, message=_l("名称最多 80 字。"))])
    scopes = SelectMultipleField(_l("权限"), choices=_scope_choices,
                                 option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                 validators=[DataRequired(_l("请至少选择一项权限。"))])
    days = IntegerField(_l("有效期（天）"), default=90, validators=[DataRequired(_l("请填写有效期。")), NumberRange(1, MAX_DAYS, message=_l("有效期应为 1 到 366 天。"))])
