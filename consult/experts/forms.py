"""Forms of the expert pool (office), invitations, and the experts' own space."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.experts.fields import CRITERIA, FIELDS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _field_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in FIELDS.items()]


class ExpertForm(FlaskForm):
    # Lengths and the field set are checked by the service (one message, beside the field).
    email = StringField(_l("电子邮箱（登录账号，接收设置密码的链接）"))
    name = StringField(_l("姓名"))
    organisation = StringField(_l("工作单位"))
    title = StringField(_l("职称职务"))
    fields = CheckboxesField(_l("专业领域"), choices=_field_choices, validate_choice=False)
    bio = TextAreaField(_l("简介（研究方向、主要成果）"))
    active = BooleanField(_l("在库（可被邀请）"), default=True)


class ConflictForm(FlaskForm):
    department = SelectField(_l("回避的部门"), coerce=str, validate_choice=False)
    plan = SelectField(_l("或回避的方案"), coerce=str, validate_choice=False)
    note = StringField(_l("说明（如：曾参与起草、在该部门兼职）"))


class InviteForm(FlaskForm):
    expert_id = SelectField(_l("专家"), coerce=str, validate_choice=False)
    task_id = SelectField(_l("改革任务"), coerce=str, validate_choice=False)  # only on the evaluation page
    deadline = StringField(_l("截止日期（YYYY-MM-DD）"), render_kw={"type": "date"})
    message = TextAreaField(_l("邀请说明"))
    override_reason = TextAreaField(_l("回避例外理由（仅当专家申报了利益冲突而确需邀请时填写）"))


class RespondForm(FlaskForm):
    answer = HiddenField()  # "accept" | "decline"
    note = TextAreaField(_l("说明（可选）"))


class OpinionForm(FlaskForm):
    clause_id = HiddenField()
    body = TextAreaField(_l("论证意见"))


class ConclusionForm(FlaskForm):
    conclusion = TextAreaField(_l("总体论证结论"))


def score_form_class() -> type[FlaskForm]:
    """The scoring sheet: one 0-100 field per documented criterion, then a comment."""
    attrs: dict[str, object] = {
        code: StringField(f"{label}（权重 {weight:.0%}，0-100）", render_kw={"inputmode": "numeric"}) for code, label, weight in CRITERIA
    }
    attrs["comment"] = TextAreaField(_l("评估意见"))
    return type("ScoreForm", (FlaskForm,), attrs)


ScoreForm = score_form_class()


class WelcomeForm(FlaskForm):
    login = HiddenField()
    code = HiddenField()
    password = PasswordField(_l("设置登录密码"), validators=[DataRequired(_l("请设置密码。")), Length(max=128, message=_l("密码不能超过 128 位。"))])
    confirm = PasswordField(_l("再次输入密码"), validators=[Optional()])
