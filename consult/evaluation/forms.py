"""Forms of evaluation: indicators, hand-entered scores, assigning and importing third-party
evaluations, the evaluator's own entry, the office's review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.evaluation.models import KIND_LABELS

DIRECTIONS = [("higher", _l("越高越好")), ("lower", _l("越低越好（按 100 − 值计分）"))]


class IndicatorForm(FlaskForm):
    year = IntegerField(_l("年度"), validators=[DataRequired(_l("请填写年度。")), NumberRange(2000, 2100, _l("年度应在 2000-2100 之间。"))])
    name = StringField(_l("指标名称"), validators=[DataRequired(_l("请填写指标名称。")), Length(max=80)])
    kind = SelectField(_l("指标类型（决定计算公式）"), choices=list(KIND_LABELS.items()))
    weight = FloatField(_l("权重"), validators=[InputRequired(_l("请填写权重。")), NumberRange(0.01, 100, _l("权重应为大于 0、不超过 100 的数字。"))])
    direction = SelectField(_l("方向"), choices=DIRECTIONS, default="higher")
    description = TextAreaField(_l("说明"), validators=[Length(max=2000)])


class ManualScoreForm(FlaskForm):
    task_code = StringField(_l("任务编号"), validators=[Length(max=40)])
    department = StringField(_l("或部门名称"), validators=[Length(max=120)])
    value = FloatField(_l("分数（0-100）"), validators=[InputRequired(_l("请填写分数。")), NumberRange(0, 100, _l("分数应为 0-100 的数字。"))])
    note = StringField(_l("依据"), validators=[Length(max=2000)])


class AssignForm(FlaskForm):
    organisation = StringField(_l("评估机构"), validators=[DataRequired(_l("请填写评估机构。")), Length(max=120)])
    evaluator_id = SelectField(_l("评估方账号"), coerce=int, validate_choice=False)
    year = IntegerField(_l("年度"), validators=[DataRequired(_l("请填写年度。")), NumberRange(2000, 2100, _l("年度应在 2000-2100 之间。"))])
    scope = RadioField(_l("评估对象"), choices=[("task", _l("改革任务")), ("department", _l("部门"))], default="task")
    task_id = SelectField(_l("要评估的改革任务"), coerce=int, validate_choice=False)
    department_id = SelectField(_l("要评估的部门"), coerce=int, validate_choice=False)


class ImportForm(FlaskForm):
    upload = FileField(_l("CSV 或 XLSX 文件"), validators=[FileRequired(_l("请选择文件。"))])


class EvaluatorForm(FlaskForm):
    method = StringField(_l("评估方法（如：问卷调查、入户访谈）"), validators=[Length(max=200)])
    sample_size = IntegerField(_l("样本量"), validators=[Optional(), NumberRange(0, 10_000_000, _l("样本量应为非负整数。"))])
    score = FloatField(_l("得分（0-100）"), validators=[Optional(), NumberRange(0, 100, _l("得分应为 0-100 的数字。"))])
    distribution = TextAreaField(_l("评价分布（如：满意:120；基本满意:60；不满意:20）"), validators=[Length(max=2000)])
    summary = TextAreaField(_l("评估结论摘要"), validators=[Length(max=5000)])
    starts_on = DateField(_l("开始日期"), validators=[Optional()])
    ends_on = DateField(_l("结束日期"), validators=[Optional()])
    action = StringField(default="save")


class ReportFileForm(FlaskForm):
    report = FileField(_l("评估报告（PDF、DOCX 或 XLSX，不超过 10 MB）"), validators=[FileRequired(_l("请选择文件。"))])


class ReviewForm(FlaskForm):
    decision = RadioField(_l("审核结果"), choices=[("accept", _l("采信，计入考核")), ("return", _l("退回评估方"))], default="accept")
    note = TextAreaField(_l("审核意见（退回时必填）"), validators=[Length(max=2000)])
