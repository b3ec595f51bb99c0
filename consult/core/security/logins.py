"""Login names: a mainland mobile number or an e-mail address, normalised so one person has one key."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from consult.core.web.errors import ServiceError

PHONE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


def parse_login(value: str) -> tuple[str, str]:
    """Return ("phone", normalised) or ("email", normalised) or raise."""
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if m := PHONE.match(value):
        return "phone", m.group(1)
    try:
        return "email", validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(_("请输入有效的手机号码或电子邮箱。")) from None
