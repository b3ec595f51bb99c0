"""Hearing forms: staff schedule and manage, citizens apply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.security.abuse import PublicForm

STANCES = [("support", _l("支持")), ("oppose", _l("反对")), ("other", _l("其他意见"))]
_TIME = "%Y-%m-%dT%H:%M"


class HearingForm(FlaskForm):
    title = StringField(_l("听证会名称"), validators=[DataRequired(_l("请填写名称。")), Length(max=200)])
    description = TextAreaField(_l("听证事项说明"), validators=[Length(max=5000)])
    starts_at = DateTimeLocalField(_l("听证时间（北京时间）"), format=_TIME, validators=[DataRequired(_l("请填写听证时间。"))])
    place = StringField(_l("地点"), validators=[Length(max=200)])
    online_room = StringField(_l("线上会议室（链接或会议号）"), validators=[Length(max=300)])
    capacity = IntegerField(_l("参加人名额"), default=10, validators=[InputRequired(_l("请填写名额。")), NumberRange(1, 500, _l("名额应在 1 到 500 之间。"))])
    registration_opens_at = DateTimeLocalField(_l("报名开始（北京时间）"), format=_TIME, validators=[DataRequired(_l("请填写报名开始时间。"))])
    registration_closes_at = DateTimeLocalField(_l("报名截止（北京时间）"), format=_TIME, validators=[DataRequired(_l("请填写报名截止时间。"))])
    eligibility = RadioField(_l("报名资格"), choices=[("anyone", _l("任何已验证的公众")), ("recipients", _l("仅起草部门的服务对象（报名时说明，工作人员核实）"))], default="anyone")
    exclude_department_staff = BooleanField(_l("起草部门工作人员不得报名"), default=True)
    groups = StringField(_l("利益群体（用顿号或逗号分隔，可留空）"), validators=[Length(max=500)])
    support_seats = IntegerField(_l("为支持者预留"), default=0, validators=[Optional(), NumberRange(0, 500)])
    oppose_seats = IntegerField(_l("为反对者预留"), default=0, validators=[Optional(), NumberRange(0, 500)])
    other_seats = IntegerField(_l("为其他意见预留"), default=0, validators=[Optional(), NumberRange(0, 500)])
    group_seats = TextAreaField(_l("为利益群体预留（每行“群体：名额”）"), validators=[Length(max=2000)])
    selection = RadioField(_l("遴选方式"), choices=[("lottery", _l("公开抽签")), ("fcfs", _l("按报名先后"))], default="lottery")
    publish_days_before = IntegerField(_l("提前几天公布参加人名单"), default=15, validators=[InputRequired(), NumberRange(0, 60, _l("应在 0 到 60 天之间。"))])


class ApplyForm(PublicForm):
    stance = RadioField(_l("您的立场"), choices=STANCES, validators=[InputRequired(_l("请选择您的立场。"))])
    group = SelectField(_l("您所属的利益群体"), choices=[], validate_choice=False)
    statement = TextAreaField(_l("发言要点（500 字以内）"))
    recipient_note = StringField(_l("服务对象说明（如办理过的业务）"), validators=[Length(max=300)])


class DrawForm(FlaskForm):
    public_value = StringField(_l("公开随机数（如报名截止后开奖的福利彩票号码及期号）"), validators=[DataRequired(_l("请填写公开随机数。")), Length(max=200)])


class MinutesForm(FlaskForm):
    summary = TextAreaField(_l("听证摘要"))
    minutes = TextAreaField(_l("听证笔录（每段或每位发言人一行，“姓名：发言”）"))
