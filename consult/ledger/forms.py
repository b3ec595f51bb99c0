"""Ledger forms: a task, a milestone, a progress report, its review, a supervision record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from consult.ledger.models import TaskStatus

STATUS_LABELS = {
    TaskStatus.PLANNED: _l("未启动"), TaskStatus.IN_PROGRESS: _l("推进中"), TaskStatus.COMPLETED: _l("已完成"),
    TaskStatus.SUSPENDED: _l("暂缓"), TaskStatus.CANCELLED: _l("已取消"),
}
KIND_LABELS = {"visit": _l("实地督察"), "review": _l("书面督察"), "escalation": _l("提级督办")}


class TaskForm(FlaskForm):
    code = StringField(_l("编号"), validators=[Optional(), Length(max=40)])
    title = StringField(_l("任务名称"), validators=[InputRequired(_l("请填写任务名称。")), Length(max=200)])
    year = IntegerField(_l("年度"), validators=[InputRequired(_l("请填写年度。")), NumberRange(2000, 2100, _l("年度应在 2000 到 2100 之间。"))])
    parent_id = SelectField(_l("上级任务"), choices=[], validate_choice=False)
    plan_id = SelectField(_l("所属改革方案"), choices=[], validate_choice=False)
    lead_department = StringField(_l("牵头单位"), validators=[Length(max=120)])
    partners = StringField(_l("配合单位（用顿号或逗号分隔）"), validators=[Length(max=1000)])
    responsible_leader = StringField(_l("责任领导"), validators=[Length(max=80)])
    target = TextAreaField(_l("改革目标 / 成果形式"), validators=[Length(max=5000)])
    description = TextAreaField(_l("任务说明"), validators=[Length(max=20000)])
    starts_on = DateField(_l("开始时间"), validators=[Optional()])
    deadline = DateField(_l("完成时限"), validators=[Optional()])
    report_every_days = IntegerField(_l("报送周期（天）"), default=30,
                                     validators=[InputRequired(), NumberRange(1, 366, _l("报送周期应在 1 到 366 天之间。"))])
    status = SelectField(_l("状态"), choices=[(k.value, v) for k, v in STATUS_LABELS.items()])
    is_major = BooleanField(_l("列入年度重大改革任务（督察）"))
    public = BooleanField(_l("在“阳光改革”公开"), default=True)


class MilestoneForm(FlaskForm):
    title = StringField(_l("节点"), validators=[InputRequired(_l("请填写节点名称。")), Length(max=200)])
    due_on = DateField(_l("计划完成"), validators=[InputRequired(_l("请填写计划完成日期。"))])


class ReportForm(FlaskForm):
    period = StringField(_l("报送期次"), validators=[Length(max=40)])
    progress = IntegerField(_l("完成进度（%）"), validators=[InputRequired(_l("请填写进度。")), NumberRange(0, 100, _l("进度应在 0 到 100 之间。"))])
    body = TextAreaField(_l("进展情况"), validators=[InputRequired(_l("请填写进展情况。")), Length(max=20000)])
    attachments = MultipleFileField(_l("附件（PDF、DOCX、XLSX、JPG、PNG，单个不超过 10 MB，最多 5 个）"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("审核"), choices=[("accept", _l("采用")), ("return", _l("退回"))])
    note = TextAreaField(_l("审核意见"), validators=[Length(max=2000)])


class SupervisionForm(FlaskForm):
    kind = SelectField(_l("方式"), choices=list(KIND_LABELS.items()))
    visited_on = DateField(_l("督察日期"), validators=[InputRequired(_l("请填写督察日期。"))])
    findings = TextAreaField(_l("发现问题"), validators=[InputRequired(_l("请填写督察发现的问题。")), Length(max=10000)])
    rectify_by = DateField(_l("整改时限"), validators=[Optional()])


class CloseForm(FlaskForm):
    note = TextAreaField(_l("整改情况"), validators=[InputRequired(_l("请填写整改情况。")), Length(max=5000)])


class ConvertForm(FlaskForm):
    """转为改革任务: a new task (title, lead, deadline; the rest on its edit page) or an existing one."""

    mode = SelectField(_l("方式"), choices=[("new", _l("新建改革任务")), ("attach", _l("关联到已有任务"))])
    task = SelectField(_l("已有任务"), choices=[], validate_choice=False)
    title = StringField(_l("任务名称"), validators=[Length(max=200)])
    lead_department = StringField(_l("牵头单位"), validators=[Length(max=120)])
    deadline = DateField(_l("完成时限"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("台账文件（.xlsx 或 .csv）"), validators=[FileRequired(_l("请选择文件。"))])
    action = SelectField(_l("操作"), choices=[("preview", _l("预览（不写入）")), ("import", _l("导入"))])
