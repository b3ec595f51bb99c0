"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class DepartmentForm(FlaskForm):
    name = StringField(_l("部门名称"), validators=[DataRequired(_l("请填写部门名称。")), Length(max=120, message=_l("部门名称最多 120 字。"))])


class RoleForm(FlaskForm):
    role = SelectField(_l("角色"), choices=[("citizen", _l("公众")), ("department", _l("部门工作人员")), ("staff", _l("改革办工作人员")), ("admin", _l("管理员")), ("evaluator", _l("第三方评估机构"))], validators=[DataRequired(_l("请选择角色。"))])
    department = StringField(_l("所属部门"))  # a department id, or empty
