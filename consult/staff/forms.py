"""Staff forms: drafting a plan, fixing its split, revising it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class PlanForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(_l("请填写标题。")), Length(max=200)])
    department = StringField(_l("起草（发布）部门"), validators=[Length(max=120)])
    summary = TextAreaField(_l("摘要"), validators=[Length(max=2000)])
    body = TextAreaField(_l("正文（粘贴，或上传文件）"))
    upload = FileField(_l("上传正文（.txt / .docx / .md）"), validators=[FileAllowed(["txt", "docx", "md"], _l("只支持 .txt、.docx、.md 文件。"))])
    window_days = IntegerField(_l("征求意见期限（天）"), default=30, validators=[DataRequired(_l("请填写期限。")), NumberRange(1, 365, _l("期限应在 1 到 365 天之间。"))])
    short_window_reason = TextAreaField(_l("期限少于 30 天的理由（公开显示）"), validators=[Optional(), Length(max=1000)])
    moderation = RadioField(_l("审核方式"), choices=[("post", _l("先发后审")), ("pre", _l("先审后发"))], default="post")


class BodyForm(FlaskForm):
    body = TextAreaField(_l("正文"), validators=[DataRequired(_l("正文不能为空。"))])


class VersionForm(FlaskForm):
    body = TextAreaField(_l("修订后的正文"))
    upload = FileField(_l("或上传修订稿（.txt / .docx / .md）"), validators=[FileAllowed(["txt", "docx", "md"], _l("只支持 .txt、.docx、.md 文件。"))])
    note = TextAreaField(_l("修订说明"), validators=[Length(max=2000)])


class WordForm(FlaskForm):
    word = StringField(_l("新词"), validators=[DataRequired(_l("请输入词语。")), Length(max=40)])
