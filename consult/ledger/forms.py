"""Ledger forms: a task, a progress report, its review, a supervision record, linking opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

STATUS_CHOICES = [("planned", _l("未启动")), ("in_progress", _l("推进中")), ("completed", _l("已完成")),
                  ("suspended", _l("暂缓")), ("cancelled", _l("已取消"))]
SUPERVISION_KINDS = [("visit", _l("实地督察")), ("review", _l("书面督查")), ("escalation", _l("约谈提醒"))]


class TaskForm(FlaskForm):
    code = StringField(_l("编号（可选，导入时按编号对应）"), validators=[Length(max=40)])
    title = StringField(_l("任务名称"), validators=[DataRequired(_l("请填写任务名称。")), Length(max=200)])
    description = TextAreaField(_l("改革举措"), validators=[Length(max=5000)])
    target = TextAreaField(_l("改革目标与成果形式"), validators=[Length(max=5000)])
    year = IntegerField(_l("年度"), validators=[DataRequired(_l("请填写年度。")), NumberRange(2000, 2100, _l("年度应在 2000 到 2100 之间。"))])
    plan_id = SelectField(_l("对应的改革方案"), coerce=int, choices=[], validate_choice=False)
    parent_id = SelectField(_l("上级任务"), coerce=int, choices=[], validate_choice=False)
    is_major = BooleanField(_l("列入年度重大改革任务（督察）"))
    lead_department_id = SelectField(_l("牵头单位"), coerce=int, choices=[], validate_choice=False)
    partner_ids = SelectMultipleField(_l("配合单位"), coerce=int, choices=[], validate_choice=False)
    responsible_leader = StringField(_l("责任领导"), validators=[Length(max=80)])
    starts_on = DateField(_l("开始时间"), validators=[Optional()])
    deadline = DateField(_l("完成时限"), validators=[Optional()])
    status = SelectField(_l("状态"), choices=STATUS_CHOICES)
    report_every_days = IntegerField(_l("进展报送周期（天，0 表示不要求）"), default=30, validators=[NumberRange(0, 366, _l("报送周期应在 0 到 366 天之间。"))])
    milestones = TextAreaField(_l("节点（每行一个：日期 内容，如“2026-12-31 完成试点”）"), validators=[Length(max=5000)])
    public = BooleanField(_l("在“阳光改革”页面公开"), default=True)


class ReportForm(FlaskForm):
    period = StringField(_l("报送期次（如“2026年11月”）"), validators=[Length(max=40)])
    body = TextAreaField(_l("进展情况"), validators=[DataRequired(_l("请填写进展情况。")), Length(max=10000)])
    progress = IntegerField(_l("完成进度（%）"), validators=[DataRequired(_l("请填写完成进度。")), NumberRange(0, 100, _l("完成进度应在 0 到 100 之间。"))])
    attachments = MultipleFileField(_l("附件（PDF、Word、Excel、图片，最多 5 个，每个不超过 5 MB）"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("审核意见"), choices=[("accept", _l("通过")), ("return", _l("退回修改"))])
    note = TextAreaField(_l("说明（退回时必填）"), validators=[Length(max=2000)])


class SupervisionForm(FlaskForm):
    visited_on = DateField(_l("督察日期"), validators=[DataRequired(_l("请填写督察日期。"))])
    kind = SelectField(_l("督察方式"), choices=SUPERVISION_KINDS)
    findings = TextAreaField(_l("发现的问题与督察意见"), validators=[DataRequired(_l("请填写督察发现。")), Length(max=10000)])
    rectify_by = DateField(_l("整改时限"), validators=[Optional()])


class CloseForm(FlaskForm):
    note = TextAreaField(_l("整改情况"), validators=[Length(max=2000)])


class LinkForm(FlaskForm):
    """转为改革任务: an existing task, or the title of a new one."""

    task_id = SelectField(_l("并入已有任务"), coerce=int, choices=[], validate_choice=False)
    title = StringField(_l("或新建任务，名称"), validators=[Length(max=200)])
    cluster = StringField(_l("问题编号"), validators=[Length(max=40)])
    comment = HiddenField()  # one opinion from the answer workbench instead of a whole issue


class ImportForm(FlaskForm):
    upload = FileField(_l("台帐文件（XLSX 或 CSV）"), validators=[FileRequired(_l("请选择文件。"))])
    check_only = BooleanField(_l("只检查，不导入"))
