"""Survey link tokens never reach a log line (issue 14 item 2): the record factory every logger
goes through, and gunicorn's access logger as the image configures it."""

from __future__ import annotations

import io
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from consult.core.security import logmask

TOKEN = "Zk3_q-8Jd13812345678abcdEFGHijkl"
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "docker" / "gunicorn.conf.py"


def test_token_paths_are_rewritten_and_thanks_kept() -> None:
    assert logmask.clean_message(f'"GET /s/{TOKEN}?x=1 HTTP/1.1" 200') == '"GET /s/***?x=1 HTTP/1.1" 200'
    assert logmask.clean_message(f"referer http://example.gov.cn/s/{TOKEN}") == "referer http://example.gov.cn/s/***"
    assert logmask.clean_message(f"GET /account/login?next=%2Fs%2F{TOKEN} HTTP/1.1") == "GET /account/login?next=%2Fs%2F*** HTTP/1.1"
    assert logmask.clean_message("GET /s/thanks HTTP/1.1") == "GET /s/thanks HTTP/1.1"
    assert TOKEN[:10] not in logmask.clean_message(f"/s/{TOKEN}")


def test_every_logger_masks_token_paths() -> None:
    logmask.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test.logmask.tokens")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info('127.0.0.1 - - "%s %s HTTP/1.1" 200', "POST", f"/s/{TOKEN}")  # werkzeug's style: args
    finally:
        logger.removeHandler(handler)
    assert TOKEN not in stream.getvalue() and "/s/***" in stream.getvalue()


def test_gunicorn_access_log_of_the_image_holds_no_token(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = runpy.run_path(str(GUNICORN_CONF))
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("logger_class", settings["logger_class"])
    log = config.logger_class(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/s/{TOKEN}", "PATH_INFO": f"/s/{TOKEN}", "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.7", "HTTP_REFERER": f"https://example.gov.cn/s/{TOKEN}"}
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("REFERER", f"https://example.gov.cn/s/{TOKEN}")])
    log.access(response, request, environ, timedelta(milliseconds=5))
    for handler in log.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert "GET /s/*** HTTP/1.1" in line and TOKEN not in line
