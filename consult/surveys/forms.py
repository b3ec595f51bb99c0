"""Staff forms for surveys: the survey itself (spec as JSON), invitations, ticket call-backs."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.surveys.spec import EXAMPLE


def _optional_int(value: object) -> int | None:
    """A select's value: "" is none; anything not a number is none too (the service then has nothing to check)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class SurveyForm(FlaskForm):
    title = StringField(_l("问卷标题"), validators=[DataRequired(_l("请填写问卷标题。")), Length(max=200)])
    description = TextAreaField(_l("说明（显示在问卷开头）"), validators=[Length(max=5000)])
    department = StringField(_l("被评价部门"), validators=[Length(max=120)])
    service = StringField(_l("被评价服务事项（如：不动产登记）"), validators=[Length(max=120)])
    # Choices are set per request (what the staff member may manage, shown by title); the service
    # checks the chosen id again, so a forged value gets a clear message rather than WTForms' English one.
    plan_id = SelectField(_l("关联的改革方案（可选）"), coerce=_optional_int, validate_choice=False)
    anonymous = BooleanField(_l("匿名问卷（答卷无法与名单对应，发布后不可更改）"), default=True)
    mode = RadioField(_l("发放方式"), choices=[("invite", _l("一次性邀请链接")), ("open", _l("公开链接（每位访客一次）"))], default="invite")
    followup_survey_id = SelectField(_l("差评回访使用的问卷（可选，默认本问卷）"), coerce=_optional_int, validate_choice=False)
    opens_on = DateField(_l("开始日期（可选，默认发布时）"), validators=[Optional()])
    closes_on = DateField(_l("截止日期（可选）"), validators=[Optional()])
    spec = TextAreaField(_l("题目定义（JSON）"), default=json.dumps(EXAMPLE, ensure_ascii=False, indent=2), validators=[DataRequired(_l("请填写题目定义。"))])


class InvitationForm(FlaskForm):
    count = IntegerField(_l("生成链接数量"), validators=[Optional(), NumberRange(1, 20000, _l("数量应在 1 到 20000 之间。"))])
    upload = FileField(_l("或上传名单（.csv / .xlsx，含“姓名”“联系方式”列）"), validators=[FileAllowed(["csv", "xlsx"], _l("只支持 .csv 和 .xlsx 文件。"))])
    expires_days = IntegerField(_l("链接有效天数"), default=30, validators=[DataRequired(_l("请填写有效天数。")), NumberRange(1, 365, _l("有效天数应在 1 到 365 之间。"))])


class CallbackForm(FlaskForm):
    notes = TextAreaField(_l("回访记录"), validators=[DataRequired(_l("请填写回访记录。")), Length(max=5000)])
