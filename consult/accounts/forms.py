"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from consult.core.security.abuse import PublicForm


class RegisterForm(PublicForm):
    login = StringField(_l("手机号或电子邮箱"), validators=[DataRequired(_l("请填写手机号或电子邮箱。")), Length(max=254)])
    password = PasswordField(_l("密码（至少 8 位）"), validators=[DataRequired(_l("请设置密码。")), Length(min=8, max=128, message=_l("密码长度应为 8 到 128 位。"))])
    confirm = PasswordField(_l("确认密码"), validators=[EqualTo("password", _l("两次输入的密码不一致。"))])
    pseudonym = StringField(_l("公开显示的昵称（可选）"), validators=[Length(max=40)])


class VerifyForm(PublicForm):
    # A code is pasted from the SMS or e-mail in a blink: no minimum fill time. The per-account
    # rate limit and the code's own attempt count already stop guessing.
    min_fill_seconds = 0.0

    code = StringField(_l("验证码"), validators=[DataRequired(_l("请输入验证码。")), Length(min=6, max=6, message=_l("验证码为 6 位数字。"))])


class LoginForm(PublicForm):
    min_fill_seconds = 1.0  # password managers fill it in a blink

    login = StringField(_l("手机号或电子邮箱"), validators=[DataRequired(_l("请填写账号。")), Length(max=254)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。")), Length(max=128)])
    remember = BooleanField(_l("记住我"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("输入密码以确认"), validators=[DataRequired(_l("请输入密码。")), Length(max=128)])


NEW_PASSWORD_LENGTH = Length(min=8, max=128, message=_l("密码长度应为 8 到 128 位。"))


class ResetRequestForm(PublicForm):
    login = StringField(_l("手机号或电子邮箱"), validators=[DataRequired(_l("请填写手机号或电子邮箱。")), Length(max=254)])


class ResetForm(PublicForm):
    min_fill_seconds = 1.0

    login = StringField(_l("手机号或电子邮箱"), validators=[DataRequired(_l("请填写手机号或电子邮箱。")), Length(max=254)])
    code = StringField(_l("验证码"), validators=[DataRequired(_l("请输入验证码。")), Length(min=6, max=6, message=_l("验证码为 6 位数字。"))])
    password = PasswordField(_l("新密码（至少 8 位）"), validators=[DataRequired(_l("请设置新密码。")), NEW_PASSWORD_LENGTH])
    confirm = PasswordField(_l("确认新密码"), validators=[EqualTo("password", _l("两次输入的密码不一致。"))])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。")), Length(max=128)])
    password = PasswordField(_l("新密码（至少 8 位）"), validators=[DataRequired(_l("请设置新密码。")), NEW_PASSWORD_LENGTH])
    confirm = PasswordField(_l("确认新密码"), validators=[EqualTo("password", _l("两次输入的密码不一致。"))])


class PseudonymForm(FlaskForm):
    pseudonym = StringField(_l("公开显示的昵称"), validators=[DataRequired(_l("请填写昵称。")), Length(max=40, message=_l("昵称不能超过 40 字。"))])
