"""Password rules for new passwords (registration, reset, change): length, a shipped list of
common passwords, and by rule the guessable shapes a list cannot hold (digit and letter runs,
keyboard rows, one repeated character, dates, the account name itself)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

LIST_PATH = Path(__file__).with_name("common-passwords.txt")
MIN_LENGTH, MAX_LENGTH = 8, 128
RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "1q2w3e4r5t6y7u8i9o0p")
DATE = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")


@cache
def common_passwords() -> frozenset[str]:
    lines = LIST_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _is_run(text: str) -> bool:
    """Part of a digit/letter/keyboard run, forwards or backwards, wrapping (12345678, 90123456, qwertyui)."""
    return any(text in run * 3 or text in run[::-1] * 3 for run in RUNS)


def password_problem(password: str, login: str = "") -> str | None:
    """Why `password` may not be used, in Chinese; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("密码至少需要 8 位。")
    if len(password) > MAX_LENGTH:
        return _("密码不能超过 128 位。")
    lowered = password.lower()
    core = lowered.rstrip("!@#.?*")
    if lowered in common_passwords() or core in common_passwords():
        return _("这个密码太常见，很容易被猜中，请换一个。")
    if len(set(lowered)) <= 2 or _is_run(lowered):
        return _("密码不能是连续或重复的数字、字母或键盘按键，请换一个。")
    if lowered.isdigit() and DATE.fullmatch(lowered):
        return _("密码不能是日期（如生日），请换一个。")
    if login and lowered.lstrip("+") in {login.lower().lstrip("+"), login.lower().split("@")[0]}:
        return _("密码不能与账号相同。")
    return None
