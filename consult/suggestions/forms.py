"""Suggestion box forms: send, follow up, and the staff's assign and reply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from consult.core.security.abuse import PublicForm
from consult.suggestions.models import DOMAINS

# The stored value stays the Chinese name (DOMAINS); only the label follows the language.
DOMAIN_LABELS = {"经济": _l("经济"), "政治": _l("政治"), "文化": _l("文化"), "社会": _l("社会"), "生态": _l("生态"), "党建": _l("党建")}


class SuggestionForm(PublicForm):
    domain = SelectField(_l("领域"), choices=[("", _l("请选择"))] + [(d, DOMAIN_LABELS.get(d, d)) for d in DOMAINS], validate_choice=False)
    title = StringField(_l("标题"))
    body = TextAreaField(_l("建议内容（5000 字以内）"))
    contact = StringField(_l("联系方式（可选，仅工作人员可见）"), validators=[Length(max=100)])
    allow_public = BooleanField(_l("同意在答复后公开我的建议和答复（不显示姓名和联系方式）"))


class FollowForm(FlaskForm):
    tracking_number = StringField(_l("受理编号"), validators=[Length(max=20)])
    code = StringField(_l("查询码"), validators=[Length(max=20)])


class AssignForm(FlaskForm):
    department_id = SelectField(_l("承办部门"), coerce=int, choices=[], validate_choice=False)


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("答复内容"))


class DigestForm(FlaskForm):
    domain = SelectField(_l("领域"), choices=[(d, DOMAIN_LABELS.get(d, d)) for d in DOMAINS], validate_choice=False)
    start = DateField(_l("开始日期"), validators=[DataRequired(_l("请填写开始日期。"))])
    end = DateField(_l("结束日期"), validators=[DataRequired(_l("请填写结束日期。"))])
