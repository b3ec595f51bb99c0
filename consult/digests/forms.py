"""Digest forms: importing letters, e-mails and hotline records."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length

from consult.core import channels


class ImportForm(FlaskForm):
    channel = SelectField(_l("来源渠道"), choices=lambda: [(c.source, str(c.label)) for c in channels.imported()])
    text_column = StringField(_l("内容所在列名（留空自动识别）"), validators=[Length(max=100)])
    upload = FileField(_l("CSV 或 XLSX 文件"), validators=[FileRequired(_l("请选择文件。"))])
