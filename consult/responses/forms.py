"""Forms of the answer workbench: an answer (to many comments or a cluster), templates, import, publish."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

STATUS_CHOICES = [
    ("adopted", _l("采纳")),
    ("partly", _l("部分采纳")),
    ("not_adopted", _l("未采纳")),
    ("covered", _l("现行规定已有")),
]


class AnswerForm(FlaskForm):
    # Choices are checked by the service (one clear message for the form and the XLSX import alike).
    template_id = SelectField(_l("使用答复模板"), choices=[], validate_choice=False)
    status = SelectField(_l("处理结果"), choices=[("", _l("（按模板）"))] + STATUS_CHOICES, validate_choice=False)
    text = TextAreaField(_l("答复内容"), validators=[Length(max=2000, message=_l("答复内容不能超过 2000 字。"))])
    reason = TextAreaField(_l("理由（未采纳时必填）"), validators=[Length(max=2000, message=_l("理由不能超过 2000 字。"))])
    cluster = HiddenField()


class TemplateForm(FlaskForm):
    title = StringField(_l("模板名称"), validators=[DataRequired(_l("请填写模板名称。")), Length(max=100, message=_l("模板名称不能超过 100 字。"))])
    status = SelectField(_l("处理结果"), choices=STATUS_CHOICES, validate_choice=False)
    text = TextAreaField(_l("答复内容"), validators=[Length(max=2000, message=_l("答复内容不能超过 2000 字。"))])
    reason = TextAreaField(_l("理由（未采纳时必填）"), validators=[Length(max=2000, message=_l("理由不能超过 2000 字。"))])


class ImportAnswersForm(FlaskForm):
    upload = FileField(_l("XLSX 文件"), validators=[FileRequired(_l("请选择文件。"))])


class PublishForm(FlaskForm):
    summary = TextAreaField(_l("总体说明（可选，公开）"), validators=[Length(max=5000, message=_l("说明不能超过 5000 字。"))])
