"""Every log line of the process masks personal data and cannot be split by CR/LF from input.

Installed as the logging record factory, so it covers our loggers, Celery's, gunicorn's and
any library's alike, whatever handlers they attach.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from worker.analysis.normalise import mask_personal

_installed = False
# A one-time survey link is /s/<token>: a log line pairing it with a time, an address or a user
# would let whoever reads the logs match an anonymous answer to its recipient. /s/thanks is kept.
TOKEN_PATH = re.compile(r"(/|%2[Ff])s(/|%2[Ff])(?!thanks(?![A-Za-z0-9_\-]))(?:[A-Za-z0-9_\-]|%[0-9A-Fa-f]{2})+")


def mask_token_paths(message: str) -> str:
    """/s/<token> becomes /s/*** (also URL-encoded, as in a login page's ?next=%2Fs%2F…)."""
    return TOKEN_PATH.sub(lambda m: f"{m.group(1)}s{m.group(2)}***", message)


def clean_message(message: str) -> str:
    """A phone, ID number or e-mail masked, survey link tokens removed; CR, LF and other line breaks
    shown as escapes."""
    masked = mask_personal(mask_token_paths(message))  # tokens first: digits in one could look like a phone
    if any(c in masked for c in "\r\n\x0b\x0c\x85\u2028\u2029"):
        masked = (
            masked.replace("\r", "\\r").replace("\n", "\\n").replace("\x0b", "\\x0b").replace("\x0c", "\\x0c")
            .replace("\x85", "\\x85").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        )
    return masked


def install() -> None:
    """Wrap the record factory once per process."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call is logging's to report, not ours
            return record
        cleaned = clean_message(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
