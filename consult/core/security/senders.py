"""Pluggable delivery of one-time codes. Development prints them to the log."""

from __future__ import annotations

import logging
from typing import Protocol

from flask import current_app
from werkzeug.utils import import_string

log = logging.getLogger("consult.verification")


class CodeSender(Protocol):
    """`send` delivers a one-time code. A sender may also have `notify(destination, message)`
    for notices without a code (someone tried to register your number); it is optional."""

    def send(self, destination: str, code: str) -> None: ...


class LogSender:
    def send(self, destination: str, code: str) -> None:
        # Framed and at WARNING so that it stands out in `make run`'s output and survives a quiet
        # level; one line, because every log line has its line breaks escaped (consult.core.security.logmask).
        log.warning("%s 验证码 verification code for %s: %s %s", ">" * 20, destination, code, "<" * 20)

    def notify(self, destination: str, message: str) -> None:
        log.info("account notice for %s: %s", destination, message)


def get_sender() -> CodeSender:
    name = current_app.config["VERIFICATION_SENDER"]
    if name == "log":
        return LogSender()
    return import_string(name)()
