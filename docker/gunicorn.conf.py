"""Gunicorn settings of the image (`--config`): the access log never holds a survey link's token.

The app masks every log record it sees (consult.core.security.logmask, installed by create_app), gunicorn's
access lines included; this logger masks the request line, path, query and referrer atoms before
formatting as well, so the guarantee does not depend on the app being loaded in the process that
writes the line (master, preload, a custom access-log format)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from consult.core.security.logmask import clean_message


class MaskedAccessLogger(Logger):
    """gunicorn's logger with /s/<token> rewritten to /s/*** (and personal data masked) in every atom."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: clean_message(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = MaskedAccessLogger
